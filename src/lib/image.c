/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* image.c: squashfs image roots: the superblock check, read-only loop devices that clear themselves, and
   the squashfs (+ tmpfs or persistent upper) overlay built as detached mounts. */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/loop.h>
#include <linux/mount.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "image.h"
#include "log.h"
#include "mount.h"
#include "path-util.h"
#include "xalloc.h"

/* "hsqs" read as a little-endian u32; "sqsh" is the big-endian squashfs 1-3 layout */
#define SQUASHFS_MAGIC 0x73717368u
#define SQUASHFS_MAGIC_SWAPPED 0x68737173u
#define OVERLAYFS_MAGIC 0x794c7630u
#define SQUASHFS_COMP_MAX 6 /* 1 zlib, 2 lzma, 3 lzo, 4 xz, 5 lz4, 6 zstd */
/* LOOP_CTL_GET_FREE hands the same free device to every caller until one of them binds it */
#define LOOP_ATTACH_TRIES 16

/* the squashfs 4.0 superblock, 96 bytes, little endian on disk (squashfs_fs.h); 3.x keeps the version at the
   same offset, so `major` also tells an old image apart */
struct sqfs_super
{
  uint32_t magic, inode_count, mkfs_time, block_size, fragments;
  uint16_t compression, block_log, flags, no_ids, major, minor;
  uint64_t root_inode, bytes_used, id_table, xattr_table, inode_table, dir_table, frag_table, export_table;
} __attribute__ ((packed));

_Static_assert(sizeof (struct sqfs_super) == 96, "squashfs superblock is 96 bytes");

static const char *const compressors[] = { "?", "gzip", "lzma", "lzo", "xz", "lz4", "zstd" };

int
cell_image_probe (const char *path, bool *is_image, struct cell_error **err)
{
  /* O_NONBLOCK and O_NOCTTY: `path` may be a fifo or a tty; neither may block or become ours */
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  *is_image = false;
  if (fd < 0)
    return errno == ENOENT || errno == ENOTDIR ? 0 : cell_err_errno (err, "open image `%s`", path);
  return cell_image_probe_fd (fd, path, is_image, err);
}

int
cell_image_probe_fd (int fd, const char *path, bool *is_image, struct cell_error **err)
{
  struct sqfs_super sb;
  struct stat st;
  uint64_t used;
  uint32_t bs;
  unsigned comp, log;
  ssize_t n;

  *is_image = false;
  if (fstat (fd, &st) < 0)
    return cell_err_errno (err, "stat image `%s`", path);
  if (!S_ISREG (st.st_mode))
    return 0;
  n = pread (fd, &sb, sizeof (sb), 0);
  if (n < 0)
    return cell_err_errno (err, "read image `%s`", path);
  if (n >= 4 && le32toh (sb.magic) == SQUASHFS_MAGIC_SWAPPED)
    return cell_err (err, 0, "image `%s`: a big-endian squashfs (3.x or older) image, not squashfs 4.0",
                     path);
  if (n < 4 || le32toh (sb.magic) != SQUASHFS_MAGIC)
    return 0;
  /* from here on it says it is an image: what is wrong with it is an error */
  *is_image = true;
  if (n < (ssize_t)sizeof (sb))
    return cell_err (err, 0, "image `%s`: truncated: superblock needs %zu bytes, file has %lld", path,
                     sizeof (sb), (long long)st.st_size);
  if (le16toh (sb.major) != 4)
    return cell_err (err, 0, "image `%s`: not a squashfs 4.0 image (version %u.%u)", path, le16toh (sb.major),
                     le16toh (sb.minor));
  bs = le32toh (sb.block_size);
  log = le16toh (sb.block_log);
  /* the kernel refuses the same (fs/squashfs/super.c): 4 KiB .. 1 MiB, a power of two, matching block_log */
  if (bs < 4096 || bs > (1u << 20) || (bs & (bs - 1)) != 0 || log >= 32 || (1u << log) != bs)
    return cell_err (err, 0, "image `%s`: corrupt superblock: block size %u, block log %u", path, bs, log);
  comp = le16toh (sb.compression);
  if (comp < 1 || comp > SQUASHFS_COMP_MAX)
    return cell_err (err, 0, "image `%s`: unknown compression id %u", path, comp);
  used = le64toh (sb.bytes_used);
  if (used > (uint64_t)st.st_size)
    return cell_err (err, 0, "image `%s`: truncated: superblock says %llu bytes, file has %lld", path,
                     (unsigned long long)used, (long long)st.st_size);
  /* a loop device ends at the last whole 512-byte sector: an unpadded image (mksquashfs -nopad) loses its
     tail, which the kernel then refuses with a bare EINVAL */
  if (used > ((uint64_t)st.st_size & ~(uint64_t)511))
    return cell_err (
        err, 0,
        "image `%s`: its %lld bytes are not a whole number of 512-byte sectors, so a loop device "
        "cannot hold all of it (made with mksquashfs -nopad?)",
        path, (long long)st.st_size);
  if (used < sizeof (sb) || le64toh (sb.inode_table) >= used || le64toh (sb.dir_table) >= used
      || le64toh (sb.id_table) >= used)
    return cell_err (err, 0, "image `%s`: corrupt superblock: tables outside the %llu bytes used (%s)", path,
                     (unsigned long long)used, compressors[comp]);
  return 0;
}

/* The file name cell gives its loop devices: it names this version of the image (its change time and size,
   which any write in place changes), so that a device is shared only with containers on the same bytes. The
   device's backing file, path included, is in /sys/block/loopN/loop/backing_file. */
static void
loop_tag (const struct stat *st, char tag[LO_NAME_SIZE])
{
  snprintf (tag, LO_NAME_SIZE, "cell-image %lld.%09ld %lld", (long long)st->st_ctim.tv_sec,
            (long)st->st_ctim.tv_nsec, (long long)st->st_size);
}

/* Binds `img_fd` to the free device `lfd` (/dev/loopN) with the file name `tag`. Returns 0, or -1 with errno
   set and nothing bound. */
static int
loop_bind (int lfd, int img_fd, const char *path, const char *tag)
{
  struct loop_config cfg;
  int saved;

  memset (&cfg, 0, sizeof (cfg));
  cfg.fd = (uint32_t)img_fd;
  /* autoclear: the device unbinds itself when the last opener and the last mount are gone, so a crash
     leaves no loop device behind. Direct I/O: the compressed image is then cached once (in the loop
     device), not twice (the backing file's page cache too); the kernel refuses it (EINVAL) when the
     backing file's filesystem or the image's size does not allow it, and then it is buffered. */
  cfg.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR | LO_FLAGS_DIRECT_IO;
  snprintf ((char *)cfg.info.lo_file_name, sizeof (cfg.info.lo_file_name), "%s", tag);
  if (ioctl (lfd, LOOP_CONFIGURE, &cfg) == 0)
    return 0;
  cfg.info.lo_flags &= ~(uint32_t)LO_FLAGS_DIRECT_IO;
  if (errno == EINVAL && ioctl (lfd, LOOP_CONFIGURE, &cfg) == 0)
    return 0;
  /* LOOP_CONFIGURE is Linux 5.8; only its absence (ENOTTY, or EINVAL on some kernels) means fall back */
  if (errno != EINVAL && errno != ENOTTY)
    return -1;
  cell_debug ("image `%s`: LOOP_CONFIGURE: %m; LOOP_SET_FD and LOOP_SET_STATUS64 instead", path);
  /* the backing fd is O_RDONLY, which makes LOOP_SET_FD read-only; SET_STATUS64 adds autoclear */
  if (ioctl (lfd, LOOP_SET_FD, img_fd) < 0)
    return -1;
  if (ioctl (lfd, LOOP_SET_STATUS64, &cfg.info) == 0)
    return 0;
  saved = errno;
  ioctl (lfd, LOOP_CLR_FD, 0);
  errno = saved;
  return -1;
}

/* Is the loop device `lfd` bound, read-only and autoclear, by cell (its file name is `tag`) to the whole of
   this image file (`st`)? */
static bool
loop_is_shareable (int lfd, const struct stat *st, const char *tag)
{
  struct loop_info64 info;
  const uint32_t want = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;

  memset (&info, 0, sizeof (info));
  /* ENXIO: not bound (any more) */
  if (ioctl (lfd, LOOP_GET_STATUS64, &info) < 0)
    return false;
  return info.lo_device == (uint64_t)st->st_dev && info.lo_inode == (uint64_t)st->st_ino
         && (info.lo_flags & want) == want && info.lo_offset == 0 && info.lo_sizelimit == 0
         && strncmp ((const char *)info.lo_file_name, tag, LO_NAME_SIZE) == 0;
}

/* An fd of a loop device that cell attached to this very image (`img`, `st`, `tag`) for another container or
   mount, or -1. Sharing it by reference costs nothing to keep safe: the kernel counts the references. Every
   mount of the device shares one squashfs superblock (one page cache for the image, one set of squashfs
   caches), the superblock holds the device open, and autoclear unbinds it when the last superblock and the
   last fd are gone, as for a device of our own. The fd returned holds the device: it was checked after it
   was opened, and while it is open the device can neither clear itself nor be bound to another file. A
   device in the middle of clearing itself refuses the open (ENXIO) or the check; then there is none. Two
   attachers that miss each other's device each make one: a lost chance to share, nothing worse. */
static int
loop_find_shared (int img, const struct stat *st, const char *tag, const char *path)
{
  char self[32], target[PATH_MAX + 1], backing[PATH_MAX + 2];
  struct dirent *de;
  ssize_t n;
  DIR *d;
  int found = -1;

  /* the backing file as the kernel prints it for us: the same d_path as /sys/block/loopN/loop/backing_file
     (a device attached through another mount of the file is not found, and not shared) */
  snprintf (self, sizeof (self), "/proc/self/fd/%d", img);
  n = readlink (self, target, sizeof (target) - 1);
  if (n <= 0 || (size_t)n >= sizeof (target) - 1)
    return -1;
  target[n] = '\0';
  d = opendir ("/sys/block");
  if (!d)
    return -1;
  while (found < 0 && (de = readdir (d)) != NULL)
    {
      cleanup_close int bf = -1;
      cleanup_close int lfd = -1;
      char file[300], dev[300];
      ssize_t len;

      if (strncmp (de->d_name, "loop", 4) != 0)
        continue;
      /* only a bound device has loop/backing_file */
      snprintf (file, sizeof (file), "%s/loop/backing_file", de->d_name);
      bf = openat (dirfd (d), file, O_RDONLY | O_CLOEXEC);
      if (bf < 0)
        continue;
      len = read (bf, backing, sizeof (backing) - 1);
      if (len != n + 1 || memcmp (backing, target, (size_t)n) != 0 || backing[n] != '\n')
        continue;
      snprintf (dev, sizeof (dev), "/dev/%s", de->d_name);
      lfd = open (dev, O_RDONLY | O_CLOEXEC | O_NOCTTY);
      if (lfd < 0 || !loop_is_shareable (lfd, st, tag))
        continue;
      cell_debug ("image `%s`: sharing `%s`, attached to this image by another container", path, dev);
      found = steal_fd (&lfd);
    }
  closedir (d);
  return found;
}

int
cell_image_loop_attach (const char *path, int *loop_fd, struct cell_error **err)
{
  cleanup_close int img = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (img < 0)
    return cell_err_errno (err, "open image `%s`", path);
  return cell_image_loop_attach_fd (img, path, loop_fd, err);
}

int
cell_image_loop_attach_fd (int img, const char *path, int *loop_fd, struct cell_error **err)
{
  cleanup_close int ctl = -1;
  char tag[LO_NAME_SIZE];
  struct stat st;

  if (fstat (img, &st) < 0)
    return cell_err_errno (err, "stat image `%s`", path);
  if (!S_ISREG (st.st_mode))
    return cell_err (err, 0, "image `%s`: not a regular file", path);
  loop_tag (&st, tag);
  *loop_fd = loop_find_shared (img, &st, tag, path);
  if (*loop_fd >= 0)
    return 0;
  ctl = open ("/dev/loop-control", O_RDWR | O_CLOEXEC);
  if (ctl < 0)
    return cell_err_errno (err, "image `%s`: no free loop device: open `/dev/loop-control`", path);
  for (int attempt = 0; attempt < LOOP_ATTACH_TRIES; attempt++)
    {
      cleanup_close int lfd = -1;
      char dev[32];
      int n = ioctl (ctl, LOOP_CTL_GET_FREE);

      if (n < 0)
        return cell_err_errno (err, "image `%s`: no free loop device: LOOP_CTL_GET_FREE", path);
      snprintf (dev, sizeof (dev), "/dev/loop%d", n);
      lfd = open (dev, O_RDONLY | O_CLOEXEC | O_NOCTTY);
      if (lfd < 0)
        {
          /* another attacher may have bound and released it, or removed it: ask again */
          if (errno == ENXIO || errno == ENODEV)
            {
              cell_debug ("image `%s`: open `%s`: %m; asking for another", path, dev);
              continue;
            }
          if (errno == ENOENT)
            return cell_err (err, 0, "image `%s`: no free loop device: `%s` has no node in /dev", path, dev);
          return cell_err_errno (err, "image `%s`: open `%s`", path, dev);
        }
      if (loop_bind (lfd, img, path, tag) == 0)
        {
          *loop_fd = steal_fd (&lfd);
          return 0;
        }
      /* EBUSY: someone else bound the device between GET_FREE and our ioctl */
      if (errno != EBUSY)
        return cell_err_errno (err, "image `%s`: attach to `%s`", path, dev);
      cell_debug ("image `%s`: `%s` was taken by another attacher; asking for another", path, dev);
    }
  return cell_err (err, 0,
                   "image `%s`: no free loop device: every one was taken by another attacher, %d tries", path,
                   LOOP_ATTACH_TRIES);
}

/* The image on its loop device `loop` as a detached read-only squashfs mount; -1 with errno set on failure.
 */
static int
squashfs_detached (int loop, const char *what, int *mnt_fd, struct cell_error **err)
{
  cleanup_close int fs = cell_fs_open ("squashfs");
  char src[32];

  if (fs < 0)
    return cell_err_errno (err, "%s: fsopen `squashfs`", what);
  /* name the very device we bound, not a /dev path someone could swap */
  snprintf (src, sizeof (src), "/proc/self/fd/%d", loop);
  if (cell_fs_set (fs, "source", src, what, err) < 0 || cell_fs_set (fs, "ro", NULL, what, err) < 0)
    return -1;
  /* read-only only: the image may carry setuid programs and device nodes its container relies on */
  *mnt_fd = cell_fs_create (fs, "squashfs", MOUNT_ATTR_RDONLY, what, err);
  return *mnt_fd < 0 ? -1 : 0;
}

int
cell_image_mount_squashfs (const char *image, int *mnt_fd, struct cell_error **err)
{
  cleanup_free char *what = xasprintf ("image `%s`", image);
  cleanup_close int loop = -1;

  if (cell_image_loop_attach (image, &loop, err) < 0)
    return -1;
  /* the mount holds the device; closing `loop` leaves autoclear to detach it at unmount */
  return squashfs_detached (loop, what, mnt_fd, err);
}

/* The overlay root takes its owner and mode from the upper dir: give a fresh upper those of the image root.
 */
static int
copy_root_attrs (int lower_fd, int upper_dfd, const char *what, struct cell_error **err)
{
  struct stat st;

  if (fstat (lower_fd, &st) < 0)
    return cell_err_errno (err, "%s: stat image root", what);
  if (fchownat (upper_dfd, "", st.st_uid, st.st_gid, AT_EMPTY_PATH) < 0)
    return cell_err_errno (err, "%s: chown upper dir", what);
  if (fchmodat (upper_dfd, ".", st.st_mode & 07777, 0) < 0)
    return cell_err_errno (err, "%s: chmod upper dir", what);
  return 0;
}

/* Refuses, before anything is created, an upper dir (or, when it is missing, the dir it would be created in)
   on a filesystem overlayfs cannot write to: another overlay (an upper inside a mounted lower included) or
   a read-only one such as a mounted squashfs image. */
static int
upper_fs_check (const char *dir, const char *what, struct cell_error **err)
{
  cleanup_free char *parent = NULL;
  struct statfs sf;
  const char *at = dir;

  if (statfs (dir, &sf) < 0)
    {
      char *slash;
      if (errno != ENOENT)
        return cell_err_errno (err, "%s: upper dir `%s`", what, dir);
      parent = xstrdup (dir);
      slash = strrchr (parent, '/');
      if (slash == parent)
        slash[1] = '\0';
      else if (slash)
        *slash = '\0';
      else
        strcpy (parent, ".");
      at = parent;
      if (statfs (parent, &sf) < 0)
        return cell_err_errno (err, "%s: upper dir `%s`: `%s`", what, dir, parent);
    }
  if ((uint32_t)sf.f_type == OVERLAYFS_MAGIC)
    return cell_err (err, 0,
                     "%s: upper dir `%s`: `%s` is on an overlay filesystem, which overlayfs refuses as an "
                     "upper layer",
                     what, dir, at);
  if ((uint32_t)sf.f_type == SQUASHFS_MAGIC || (sf.f_flags & ST_RDONLY))
    return cell_err (err, 0, "%s: upper dir `%s`: `%s` is on a read-only filesystem", what, dir, at);
  return 0;
}

/* Opens (creating if missing) the persistent upper dir and its work dir `<upper>.work` beside it into r. A
   fresh upper takes the image root's owner and mode: here when the lower is mounted (lower_fd), else when
   cell_image_root_build mounts it. */
static int
persistent_upper (const char *upper, int lower_fd, struct cell_image_root *r, const char *what,
                  struct cell_error **err)
{
  cleanup_free char *base = xstrdup (upper);
  cleanup_free char *work = NULL;
  cleanup_close int u = -1;
  cleanup_close int w = -1;
  struct stat ust, wst;
  size_t len = strlen (base);

  /* "dir/" must not put the work dir inside the upper dir */
  while (len > 1 && base[len - 1] == '/')
    base[--len] = '\0';
  work = xasprintf ("%s.work", base);
  if (mkdir (base, 0755) == 0)
    r->upper_fresh = true;
  else if (errno != EEXIST)
    return cell_err_errno (err, "%s: create upper dir `%s`", what, base);
  if (mkdir (work, 0700) < 0 && errno != EEXIST)
    return cell_err_errno (err, "%s: create work dir `%s`", what, work);
  /* O_NOFOLLOW: the layers are what we were told, not where a planted symlink points */
  u = open (base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (u < 0)
    return cell_err_errno (err, "%s: open upper dir `%s`", what, base);
  w = open (work, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (w < 0)
    return cell_err_errno (err, "%s: open work dir `%s`", what, work);
  if (fstat (u, &ust) < 0 || fstat (w, &wst) < 0)
    return cell_err_errno (err, "%s: stat upper dir `%s`", what, base);
  /* overlayfs renames between the two (Documentation/filesystems/overlayfs.rst) */
  if (ust.st_dev != wst.st_dev)
    return cell_err (err, EXDEV, "%s: work dir `%s` is not on the filesystem of upper dir `%s`", what, work,
                     base);
  if (r->upper_fresh && lower_fd >= 0)
    {
      if (copy_root_attrs (lower_fd, u, what, err) < 0)
        return -1;
      r->upper_fresh = false;
    }
  /* a build in another mount namespace finds them again by these (absolute) names, and checks they are
     still these */
  r->upper = steal_ptr (&base);
  r->work = steal_ptr (&work);
  r->upper_dfd = steal_fd (&u);
  r->work_dfd = steal_fd (&w);
  return 0;
}

/* A fresh detached tmpfs (*tmp_fd) holding `upper` and `work`. */
static int
tmpfs_upper (const char *tmpfs_size, int lower_fd, int *tmp_fd, int *upper_dfd, int *work_dfd,
             const char *what, struct cell_error **err)
{
  cleanup_close int fs = cell_fs_open ("tmpfs");
  cleanup_close int m = -1;
  cleanup_close int u = -1;
  cleanup_close int w = -1;

  if (fs < 0)
    return cell_err_errno (err, "%s: fsopen `tmpfs`", what);
  if (cell_fs_set (fs, "source", "tmpfs", what, err) < 0 || cell_fs_set (fs, "mode", "0755", what, err) < 0
      || (tmpfs_size && cell_fs_set (fs, "size", tmpfs_size, what, err) < 0))
    return -1;
  /* no nodev/nosuid: overlayfs opens copied-up files through this mount */
  m = cell_fs_create (fs, "tmpfs", 0, what, err);
  if (m < 0)
    return -1;
  if (mkdirat (m, "upper", 0755) < 0 || mkdirat (m, "work", 0700) < 0)
    return cell_err_errno (err, "%s: create tmpfs upper and work dirs", what);
  u = openat (m, "upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  w = openat (m, "work", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (u < 0 || w < 0)
    return cell_err_errno (err, "%s: open tmpfs upper and work dirs", what);
  if (copy_root_attrs (lower_fd, u, what, err) < 0)
    return -1;
  *tmp_fd = steal_fd (&m);
  *upper_dfd = steal_fd (&u);
  *work_dfd = steal_fd (&w);
  return 0;
}

/* Options that keep a squashfs lower and a (maybe reused) upper simple: no index (it ties the upper to one
   lower and refuses a rebuilt image), no redirects, no metacopy (metadata-only copies trust xattrs in the
   upper). */
static const char *const ovl_options[][2] = {
  { "index", "off" },
  { "redirect_dir", "off" },
  { "metacopy", "off" },
};

/* Builds the overlay as a detached mount; -1 with errno set (and *err) on failure. */
static int
overlay_create (int lower_fd, int upper_dfd, int work_dfd, const char *what, struct cell_error **err)
{
  cleanup_close int fs = cell_fs_open ("overlay");
  cleanup_close int lower_dfd = -1;
  char lower[32], upperdir[32], workdir[32];

  if (fs < 0)
    return cell_err_errno (err, "%s: fsopen `overlay`", what);
  if (cell_fs_set (fs, "source", "overlay", what, err) < 0)
    return -1;
  /* layers by fd (overlayfs, Linux 6.13) need real files: fsconfig's fget() refuses the O_PATH file fsmount
     returns, so reopen the lower's root */
  lower_dfd = openat (lower_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lower_dfd < 0)
    return cell_err_errno (err, "%s: open image root", what);
  if (cell_fs_set_fd (fs, "lowerdir+", lower_dfd) == 0)
    {
      if (cell_fs_set_fd (fs, "upperdir", upper_dfd) < 0)
        return cell_err_errno (err, "%s: overlay option `upperdir`", what);
      if (cell_fs_set_fd (fs, "workdir", work_dfd) < 0)
        return cell_err_errno (err, "%s: overlay option `workdir`", what);
    }
  else
    {
      /* older kernels: the same layers by path; the fds' magic links need no escaping of ',' or ':' */
      snprintf (lower, sizeof (lower), "/proc/self/fd/%d", lower_dfd);
      snprintf (upperdir, sizeof (upperdir), "/proc/self/fd/%d", upper_dfd);
      snprintf (workdir, sizeof (workdir), "/proc/self/fd/%d", work_dfd);
      if (cell_fs_set (fs, "lowerdir", lower, what, err) < 0
          || cell_fs_set (fs, "upperdir", upperdir, what, err) < 0
          || cell_fs_set (fs, "workdir", workdir, what, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < ARRAY_SIZE (ovl_options); i++)
    if (cell_fs_set (fs, ovl_options[i][0], ovl_options[i][1], what, err) < 0)
      return -1;
  return cell_fs_create (fs, "overlay", 0, what, err);
}

void
cell_image_root_init (struct cell_image_root *r)
{
  memset (r, 0, sizeof (*r));
  r->mnt_fd = r->loop_fd = r->upper_dfd = r->work_dfd = -1;
}

void
cell_image_root_release (struct cell_image_root *r)
{
  int fds[] = { r->mnt_fd, r->loop_fd, r->upper_dfd, r->work_dfd };
  for (size_t i = 0; i < ARRAY_SIZE (fds); i++)
    if (fds[i] >= 0)
      close (fds[i]);
  free (r->image);
  free (r->tmpfs_size);
  free (r->upper);
  free (r->work);
  cell_image_root_init (r);
}

/* The detached way failed for want of kernel support: say so (debug) and forget that error. */
static void
use_mount2 (struct cell_error **err, const char *why)
{
  cell_debug ("%s; building the image root with mount(2) inside the mount namespace that uses it",
              *err ? (*err)->msg : why);
  cell_error_freep (err);
}

int
cell_image_root_prepare (int image_fd, const char *image, const struct cell_image_root_opts *o,
                         struct cell_image_root *r, struct cell_error **err)
{
  cleanup_free char *what = xasprintf ("image `%s`", image);
  cleanup_close int lower = -1;
  cleanup_close int tmp = -1;
  cleanup_close int tmp_upper = -1;
  cleanup_close int tmp_work = -1;
  bool mount2 = o->force_mount2, readonly = o->readonly;
  const char *upper = o->upper, *tmpfs_size = o->tmpfs_size;

  cell_image_root_init (r);
  r->image = xstrdup (image);
  r->readonly = readonly;
  r->tmpfs_size = tmpfs_size ? xstrdup (tmpfs_size) : NULL;
  if (mount2)
    use_mount2 (err, "the mount(2) way is forced");
  if (!readonly && upper && upper_fs_check (upper, what, err) < 0)
    goto fail;
  if (cell_image_loop_attach_fd (image_fd, image, &r->loop_fd, err) < 0)
    goto fail;
  if (!mount2 && squashfs_detached (r->loop_fd, what, &lower, err) < 0)
    {
      /* no new mount API (before Linux 5.2, or a seccomp profile that hides it) */
      if (errno != ENOSYS)
        goto fail;
      mount2 = true;
      use_mount2 (err, NULL);
    }
  if (!readonly && upper && persistent_upper (upper, lower, r, what, err) < 0)
    goto fail;
  if (!mount2 && !readonly)
    {
      int u = r->upper_dfd, w = r->work_dfd, m;
      if (!upper && tmpfs_upper (tmpfs_size, lower, &tmp, &tmp_upper, &tmp_work, what, err) < 0)
        goto fail;
      if (!upper)
        u = tmp_upper, w = tmp_work;
      /* the overlay holds its layers: our fds of them close here */
      m = overlay_create (lower, u, w, what, err);
      if (m >= 0)
        {
          cell_closep (&lower);
          lower = m;
        }
      else if (errno == EINVAL)
        {
          /* overlayfs takes detached layers since Linux 6.15; before, it wants them attached in the caller's
             mount namespace and says EINVAL */
          mount2 = true;
          use_mount2 (err, NULL);
        }
      else
        goto fail;
    }
  if (mount2)
    return 0;
  /* whole and detached: the mount holds the loop device and the layers */
  cell_image_root_release (r);
  r->mnt_fd = steal_fd (&lower);
  return 0;
fail:
  cell_image_root_release (r);
  return -1;
}

static int
mount_at (const char *src, const char *dir, const char *fstype, unsigned long flags, const char *data,
          const char *what, struct cell_error **err)
{
  if (mount (src, dir, fstype, flags, data) < 0)
    return cell_err_errno (err, "%s: mount(2) %s on `%s`", what, fstype, dir);
  return 0;
}

/* Opens `path` again in this mount namespace and checks it is the directory `fd` (opened in the runtime's).
 */
static int
reopen_same (const char *path, int fd, const char *what, struct cell_error **err)
{
  cleanup_close int n = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat a, b;

  if (n < 0)
    return cell_err_errno (err, "%s: open `%s`", what, path);
  if (fstat (n, &a) < 0 || fstat (fd, &b) < 0)
    return cell_err_errno (err, "%s: stat `%s`", what, path);
  if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
    return cell_err (err, 0, "%s: `%s` was replaced since it was checked", what, path);
  return steal_fd (&n);
}

int
cell_image_root_build (const struct cell_image_root *r, const char *dir, struct cell_error **err)
{
  cleanup_free char *what = xasprintf ("image `%s`", r->image);
  cleanup_free char *data = NULL;
  cleanup_close int top = -1;
  cleanup_close int at = -1;
  cleanup_close int lower = -1;
  cleanup_close int up = -1;
  cleanup_close int wk = -1;
  char dev[32], lowerdir[32];

  snprintf (dev, sizeof (dev), "/proc/self/fd/%d", r->loop_fd);
  if (r->readonly)
    return mount_at (dev, dir, "squashfs", MS_RDONLY, NULL, what, err);
  if (!r->upper)
    {
      /* a tmpfs on `dir` holding the lower's mount point, the upper and the work dir */
      data = r->tmpfs_size ? xasprintf ("mode=0755,size=%s", r->tmpfs_size) : xstrdup ("mode=0755");
      if (mount_at ("tmpfs", dir, "tmpfs", 0, data, what, err) < 0)
        return -1;
      top = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (top < 0 || mkdirat (top, "lower", 0755) < 0 || mkdirat (top, "upper", 0755) < 0
          || mkdirat (top, "work", 0700) < 0)
        return cell_err_errno (err, "%s: create the tmpfs upper's directories", what);
      at = openat (top, "lower", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (at < 0)
        return cell_err_errno (err, "%s: open the lower's mount point", what);
      snprintf (lowerdir, sizeof (lowerdir), "/proc/self/fd/%d", at);
      if (mount_at (dev, lowerdir, "squashfs", MS_RDONLY, NULL, what, err) < 0)
        return -1;
      lower = openat (top, "lower", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      up = openat (top, "upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      wk = openat (top, "work", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (lower < 0 || up < 0 || wk < 0)
        return cell_err_errno (err, "%s: open the layers", what);
      if (copy_root_attrs (lower, up, what, err) < 0)
        return -1;
    }
  else
    {
      /* the lower on `dir`, the overlay over it */
      if (mount_at (dev, dir, "squashfs", MS_RDONLY, NULL, what, err) < 0)
        return -1;
      lower = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (lower < 0)
        return cell_err_errno (err, "%s: open the image root", what);
      up = reopen_same (r->upper, r->upper_dfd, what, err);
      if (up < 0)
        return -1;
      wk = reopen_same (r->work, r->work_dfd, what, err);
      if (wk < 0)
        return -1;
      if (r->upper_fresh && copy_root_attrs (lower, up, what, err) < 0)
        return -1;
    }
  /* layers by fds opened in this namespace: attached here, as overlayfs before 6.15 requires, and their
     magic links need no escaping of ',' or ':' */
  free (data);
  data = xasprintf ("lowerdir=/proc/self/fd/%d,upperdir=/proc/self/fd/%d,workdir=/proc/self/fd/%d", lower, up,
                    wk);
  for (size_t i = 0; i < ARRAY_SIZE (ovl_options); i++)
    {
      char *more = xasprintf ("%s,%s=%s", data, ovl_options[i][0], ovl_options[i][1]);
      free (data);
      data = more;
    }
  return mount_at ("overlay", dir, "overlay", 0, data, what, err);
}

/* Is `path` `dir` itself or below it (both canonical)? */
static bool
path_within (const char *path, const char *dir)
{
  size_t n = strlen (dir);
  if (n == 1)
    return true;
  return strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int
cell_image_overlay_check (const char *data, const char *what, struct cell_error **err)
{
  cleanup_free char *copy = xstrdup (data ? data : "");
  char *lowers[64];
  char *upper = NULL, *work = NULL;
  size_t n = 0;
  int r = -1;

  /* the kernel's escapes: `\,` and `\:` belong to a path */
  for (char *rest = copy, *opt; (opt = cell_strsep_escaped (&rest, ',')) != NULL;)
    {
      char **slot = NULL;
      char *val = NULL;
      if (strncmp (opt, "lowerdir=", 9) == 0)
        {
          for (char *rest2 = opt + 9, *l; (l = cell_strsep_escaped (&rest2, ':')) != NULL;)
            {
              if (!*l)
                continue;
              cell_unescape (l);
              if (n == ARRAY_SIZE (lowers))
                {
                  cell_err (err, 0, "%s: more than %zu lowerdir layers", what, ARRAY_SIZE (lowers));
                  goto out;
                }
              lowers[n] = realpath (l, NULL);
              if (!lowers[n])
                {
                  cell_err_errno (err, "%s: lowerdir `%s`", what, l);
                  goto out;
                }
              n++;
            }
          continue;
        }
      if (strncmp (opt, "upperdir=", 9) == 0)
        slot = &upper, val = opt + 9;
      else if (strncmp (opt, "workdir=", 8) == 0)
        slot = &work, val = opt + 8;
      else
        continue;
      cell_unescape (val);
      free (*slot);
      if (slot == &upper && upper_fs_check (val, what, err) < 0)
        goto out;
      *slot = realpath (val, NULL);
      if (!*slot)
        {
          cell_err_errno (err, "%s: %s `%s`", what, slot == &upper ? "upperdir" : "workdir", val);
          goto out;
        }
    }
  if ((upper == NULL) != (work == NULL))
    {
      cell_err (err, 0, "%s: upperdir and workdir go together", what);
      goto out;
    }
  /* overlayfs leaves layers that overlap undefined (overlayfs.rst: changes to the underlying filesystems) */
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < 2; k++)
      {
        const char *rw = k == 0 ? upper : work;
        if (rw && (path_within (rw, lowers[i]) || path_within (lowers[i], rw)))
          {
            cell_err (err, 0, "%s: %s `%s` and lowerdir `%s` overlap", what, k == 0 ? "upperdir" : "workdir",
                      rw, lowers[i]);
            goto out;
          }
      }
  if (upper && (path_within (upper, work) || path_within (work, upper)))
    {
      cell_err (err, 0, "%s: upperdir `%s` and workdir `%s` overlap", what, upper, work);
      goto out;
    }
  r = 0;
out:
  for (size_t i = 0; i < n; i++)
    free (lowers[i]);
  free (upper);
  free (work);
  return r;
}
