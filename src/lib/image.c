/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* image.c: squashfs image roots: the superblock check, read-only loop devices that clear themselves, and
   the squashfs (+ tmpfs or persistent upper) overlay built as detached mounts. */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <linux/mount.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "image.h"
#include "xalloc.h"

#define SQUASHFS_MAGIC 0x73717368u

/* squashfs 4.0 superblock (little endian on disk) */
struct sqfs_super
{
  uint32_t magic, inode_count, mkfs_time, block_size, fragments;
  uint16_t compression, block_log, flags, no_ids, major, minor;
  uint64_t root_inode, bytes_used, id_table, xattr_table, inode_table, dir_table, frag_table, export_table;
} __attribute__ ((packed));

int
cell_image_is_squashfs (const char *path, bool *is_squashfs, struct cell_error **err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  struct stat st;
  uint32_t magic = 0;

  *is_squashfs = false;
  if (fd < 0)
    return errno == ENOENT ? 0 : cell_err_errno (err, "image `%s`", path);
  if (fstat (fd, &st) < 0)
    return cell_err_errno (err, "image `%s`", path);
  if (!S_ISREG (st.st_mode) || st.st_size < (off_t)sizeof (struct sqfs_super))
    return 0;
  if (pread (fd, &magic, sizeof (magic), 0) != (ssize_t)sizeof (magic))
    return cell_err_errno (err, "read image `%s`", path);
  *is_squashfs = le32toh (magic) == SQUASHFS_MAGIC;
  return 0;
}

int
cell_image_check (const char *path, struct cell_error **err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  struct sqfs_super sb;
  struct stat st;
  uint32_t bs;

  if (fd < 0 || fstat (fd, &st) < 0)
    return cell_err_errno (err, "image `%s`", path);
  if (pread (fd, &sb, sizeof (sb), 0) != (ssize_t)sizeof (sb))
    return cell_err (err, 0, "image `%s`: truncated superblock", path);
  if (le32toh (sb.magic) != SQUASHFS_MAGIC)
    return cell_err (err, 0, "image `%s`: not a squashfs image", path);
  if (le16toh (sb.major) != 4)
    return cell_err (err, 0, "image `%s`: not a squashfs 4.0 image (version %u.%u)", path, le16toh (sb.major),
                     le16toh (sb.minor));
  bs = le32toh (sb.block_size);
  if (bs < 4096 || bs > (1u << 20) || (bs & (bs - 1)) || (1u << le16toh (sb.block_log)) != bs)
    return cell_err (err, 0, "image `%s`: invalid block size %u", path, bs);
  if (le16toh (sb.compression) < 1 || le16toh (sb.compression) > 6)
    return cell_err (err, 0, "image `%s`: unknown compression %u", path, le16toh (sb.compression));
  if (le64toh (sb.bytes_used) > (uint64_t)st.st_size)
    return cell_err (err, 0, "image `%s`: truncated: superblock says %llu bytes, file has %lld", path,
                     (unsigned long long)le64toh (sb.bytes_used), (long long)st.st_size);
  return 0;
}

int
cell_image_loop_attach (const char *path, int *loop_fd, struct cell_error **err)
{
  cleanup_close int img = open (path, O_RDONLY | O_CLOEXEC);
  cleanup_close int ctl = -1;

  if (img < 0)
    return cell_err_errno (err, "image `%s`", path);
  ctl = open ("/dev/loop-control", O_RDWR | O_CLOEXEC);
  if (ctl < 0)
    return cell_err_errno (err, "image `%s`: open /dev/loop-control", path);
  /* another process may take the free device between GET_FREE and CONFIGURE: retry */
  for (int attempt = 0; attempt < 32; attempt++)
    {
      struct loop_config cfg = { .fd = (uint32_t)img };
      char dev[32];
      int n = ioctl (ctl, LOOP_CTL_GET_FREE), lfd;

      if (n < 0)
        return cell_err_errno (err, "image `%s`: no free loop device", path);
      snprintf (dev, sizeof (dev), "/dev/loop%d", n);
      lfd = open (dev, O_RDONLY | O_CLOEXEC);
      if (lfd < 0)
        {
          if (errno == ENOENT)
            return cell_err (err, 0, "image `%s`: %s does not exist", path, dev);
          return cell_err_errno (err, "image `%s`: open %s", path, dev);
        }
      cfg.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
      snprintf ((char *)cfg.info.lo_file_name, sizeof (cfg.info.lo_file_name), "%s", path);
      if (ioctl (lfd, LOOP_CONFIGURE, &cfg) == 0)
        {
          *loop_fd = lfd;
          return 0;
        }
      if (errno == EINVAL || errno == ENOTTY)
        {
          /* kernels before 5.8: SET_FD then SET_STATUS64 */
          if (ioctl (lfd, LOOP_SET_FD, img) == 0)
            {
              if (ioctl (lfd, LOOP_SET_STATUS64, &cfg.info) == 0)
                {
                  *loop_fd = lfd;
                  return 0;
                }
              ioctl (lfd, LOOP_CLR_FD, 0);
            }
        }
      close (lfd);
      if (errno != EBUSY)
        return cell_err_errno (err, "image `%s`: attach %s", path, dev);
    }
  return cell_err (err, 0, "image `%s`: no loop device could be attached", path);
}

static int
fs_new (const char *fstype, const char *what, struct cell_error **err)
{
  int fs = (int)syscall (SYS_fsopen, fstype, FSOPEN_CLOEXEC);
  if (fs < 0)
    cell_err_errno (err, "%s: fsopen %s", what, fstype);
  return fs;
}

static int
fs_set (int fs, const char *key, const char *value, const char *what, struct cell_error **err)
{
  if (syscall (SYS_fsconfig, fs, value ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, key, value, 0) < 0)
    return cell_err_errno (err, "%s: %s%s%s", what, key, value ? "=" : "", value ? value : "");
  return 0;
}

static int
fs_mount (int fs, unsigned attrs, const char *what, struct cell_error **err)
{
  int m;
  if (syscall (SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return cell_err_errno (err, "%s: create", what);
  m = (int)syscall (SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs);
  if (m < 0)
    return cell_err_errno (err, "%s: mount", what);
  return m;
}

int
cell_image_mount_squashfs (const char *image, const char *fallback_dir, int *mnt_fd, struct cell_error **err)
{
  cleanup_close int loop = -1;
  cleanup_close int fs = -1;
  cleanup_free char *what = xasprintf ("image `%s`", image);
  char src[32];

  (void)fallback_dir;
  if (cell_image_loop_attach (image, &loop, err) < 0)
    return -1;
  snprintf (src, sizeof (src), "/proc/self/fd/%d", loop);
  fs = fs_new ("squashfs", what, err);
  if (fs < 0 || fs_set (fs, "source", src, what, err) < 0 || fs_set (fs, "ro", NULL, what, err) < 0)
    return -1;
  /* the image may carry setuid programs and device nodes its users rely on: only read-only */
  *mnt_fd = fs_mount (fs, MOUNT_ATTR_RDONLY, what, err);
  return *mnt_fd < 0 ? -1 : 0;
}

int
cell_image_mount_root (const char *image, bool readonly, const char *upper, const char *tmpfs_size,
                       const char *fallback_dir, int *mnt_fd, struct cell_error **err)
{
  cleanup_close int lower = -1;
  cleanup_close int upper_mnt = -1;
  cleanup_close int upper_dfd = -1;
  cleanup_close int ovl = -1;
  cleanup_free char *what = xasprintf ("image `%s`", image);
  cleanup_free char *workdir = NULL;
  char lowerdir[48], upperdir[64], wdir[64];

  if (cell_image_mount_squashfs (image, fallback_dir, &lower, err) < 0)
    return -1;
  if (readonly)
    {
      *mnt_fd = steal_fd (&lower);
      return 0;
    }
  if (upper == NULL)
    {
      cleanup_close int fs = fs_new ("tmpfs", what, err);
      if (fs < 0 || fs_set (fs, "mode", "0755", what, err) < 0
          || (tmpfs_size && fs_set (fs, "size", tmpfs_size, what, err) < 0))
        return -1;
      upper_mnt = fs_mount (fs, 0, what, err);
      if (upper_mnt < 0)
        return -1;
      if (mkdirat (upper_mnt, "upper", 0755) < 0 || mkdirat (upper_mnt, "work", 0700) < 0)
        return cell_err_errno (err, "%s: tmpfs upper", what);
      snprintf (upperdir, sizeof (upperdir), "/proc/self/fd/%d/upper", upper_mnt);
      snprintf (wdir, sizeof (wdir), "/proc/self/fd/%d/work", upper_mnt);
    }
  else
    {
      workdir = xasprintf ("%s.work", upper);
      if ((mkdir (upper, 0755) < 0 && errno != EEXIST) || (mkdir (workdir, 0700) < 0 && errno != EEXIST))
        return cell_err_errno (err, "%s: persistent upper `%s`", what, upper);
      snprintf (upperdir, sizeof (upperdir), "%s", "");
      upper_dfd = open (upper, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (upper_dfd < 0)
        return cell_err_errno (err, "%s: open upper `%s`", what, upper);
      snprintf (upperdir, sizeof (upperdir), "/proc/self/fd/%d", upper_dfd);
      upper_mnt = open (workdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (upper_mnt < 0)
        return cell_err_errno (err, "%s: open work dir `%s`", what, workdir);
      snprintf (wdir, sizeof (wdir), "/proc/self/fd/%d", upper_mnt);
    }
  snprintf (lowerdir, sizeof (lowerdir), "/proc/self/fd/%d", lower);
  ovl = fs_new ("overlay", what, err);
  if (ovl < 0 || fs_set (ovl, "source", "cell-image", what, err) < 0
      || fs_set (ovl, "lowerdir", lowerdir, what, err) < 0
      || fs_set (ovl, "upperdir", upperdir, what, err) < 0 || fs_set (ovl, "workdir", wdir, what, err) < 0)
    return -1;
  *mnt_fd = fs_mount (ovl, 0, what, err);
  return *mnt_fd < 0 ? -1 : 0;
}
