/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* devices.c: device nodes (mknod, or bind from the host inside a user namespace) and the /dev links, all
   created through fds resolved inside the container root. */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "devices.h"
#include "mount.h"
#include "path-util.h"
#include "xalloc.h"

/* mknod, replacing what is there unless it is a directory (1: a directory is in the way). */
static int
mknod_replace (int parent, const char *name, mode_t mode, dev_t dev)
{
  struct stat st;
  if (mknodat (parent, name, mode, dev) == 0)
    return 0;
  if (errno != EEXIST)
    return -1;
  if (fstatat (parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode))
    return 1;
  if (unlinkat (parent, name, 0) < 0)
    return -1;
  return mknodat (parent, name, mode, dev);
}

/* The node `name` in `parent` (whose stat is `pst`), exactly as asked: whatever is there that is not a
   directory is replaced. The mode is exact (the umask is lifted for the mknod), and the owner is set only
   where the kernel would have made it another one. */
static int
make_node (int parent, const struct stat *pst, const char *name, const char *path, mode_t fmt, dev_t dev,
           mode_t mode, uid_t uid, gid_t gid, struct cell_error **err)
{
  mode_t old = umask (0);
  int r = mknod_replace (parent, name, fmt | (mode & 07777), dev), e = errno;

  umask (old);
  if (r > 0)
    return cell_err (err, 0, "device `%s`: a directory is in the way", path);
  errno = e;
  if (r < 0)
    return cell_err_errno (err, "mknod device `%s`", path);
  /* a new node belongs to our fsuid, and to our fsgid unless the directory is setgid */
  if ((uid != geteuid () || gid != ((pst->st_mode & S_ISGID) ? pst->st_gid : getegid ()))
      && fchownat (parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
    return cell_err_errno (err, "chown device `%s`", path);
  if (mode & 07000)
    {
      /* a chown clears set-id bits: they go on last, through the node itself (never a swapped-in link) */
      cleanup_close int fd = openat (parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      char p[32];
      if (fd < 0)
        return cell_err_errno (err, "device `%s`", path);
      snprintf (p, sizeof (p), "/proc/self/fd/%d", fd);
      if (fchmodat (AT_FDCWD, p, mode & 07777, 0) < 0)
        return cell_err_errno (err, "chmod device `%s`", path);
    }
  return 0;
}

/* a user namespace cannot mknod: bind the host's node (same path on the host) */
static int
bind_host_node (int parent, const char *name, const char *clean, const char *path, struct cell_error **err)
{
  cleanup_close int target = -1;
  cleanup_close int f = -1;
  cleanup_free char *what = xasprintf ("device `%s`", clean);
  struct stat st;

  if (fstatat (parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      if (S_ISDIR (st.st_mode))
        return cell_err (err, 0, "device `%s`: a directory is in the way", path);
      if (unlinkat (parent, name, 0) < 0)
        return cell_err_errno (err, "device `%s`: remove the existing entry", path);
    }
  f = openat (parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (f < 0)
    return cell_err_errno (err, "device `%s`: create mount point", path);
  target = openat (parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0)
    return cell_err_errno (err, "device `%s`", path);
  return cell_bind_at (clean, -1, false, 0, 0, 0, target, what, err);
}

/* A node in the directory `parent` (opened in the root, its stat `pst`): `clean` is its clean container
   path. */
static int
device_in (int parent, const struct stat *pst, const char *clean, char type, unsigned major, unsigned minor,
           mode_t mode, uid_t uid, gid_t gid, bool userns, struct cell_error **err)
{
  const char *name = strrchr (clean, '/') + 1;
  mode_t fmt = type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;

  if (userns && type != 'p')
    return bind_host_node (parent, name, clean, clean, err);
  return make_node (parent, pst, name, clean, fmt, makedev (major, minor), mode, uid, gid, err);
}

int
cell_device_create (int root_dfd, const char *path, char type, unsigned major, unsigned minor, mode_t mode,
                    uid_t uid, gid_t gid, bool userns, struct cell_error **err)
{
  cleanup_free char *clean = cell_path_clean (path);
  char *slash = strrchr (clean, '/');
  cleanup_close int parent = -1;
  struct stat pst;

  if (!slash[1])
    return cell_err (err, 0, "device `%s`: not a file path", path);
  *slash = '\0';
  parent = cell_mkpath_in_root (root_dfd, *clean ? clean : "/", false, 0755);
  *slash = '/';
  if (parent < 0 || fstat (parent, &pst) < 0)
    return cell_err_errno (err, "device `%s`: create parent directory", path);
  return device_in (parent, &pst, clean, type, major, minor, mode, uid, gid, userns, err);
}

int
cell_devices_default (int root_dfd, bool userns, bool ptmx_link, struct cell_error **err)
{
  static const struct
  {
    const char *path;
    unsigned major, minor;
  } nodes[] = {
    { "/dev/null", 1, 3 },   { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
    { "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
  };
  static const struct
  {
    const char *target, *name;
  } links[] = {
    { "/proc/self/fd", "fd" },
    { "/proc/self/fd/0", "stdin" },
    { "/proc/self/fd/1", "stdout" },
    { "/proc/self/fd/2", "stderr" },
  };
  cleanup_close int dev = cell_mkpath_in_root (root_dfd, "/dev", false, 0755);
  struct stat pst;

  if (dev < 0 || fstat (dev, &pst) < 0)
    return cell_err_errno (err, "create `/dev` in the container");
  for (size_t i = 0; i < ARRAY_SIZE (nodes); i++)
    if (device_in (dev, &pst, nodes[i].path, 'c', nodes[i].major, nodes[i].minor, 0666, 0, 0, userns, err)
        < 0)
      return -1;
  for (size_t i = 0; i < ARRAY_SIZE (links); i++)
    if (symlinkat (links[i].target, dev, links[i].name) < 0 && errno != EEXIST)
      return cell_err_errno (err, "symlink `/dev/%s`", links[i].name);
  if (ptmx_link)
    {
      struct stat st;
      if (fstatat (dev, "ptmx", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR (st.st_mode))
        unlinkat (dev, "ptmx", 0);
      if (symlinkat ("pts/ptmx", dev, "ptmx") < 0 && errno != EEXIST)
        return cell_err_errno (err, "symlink `/dev/ptmx`");
    }
  return 0;
}

int
cell_devices_clone_null (int *fd, struct cell_error **err)
{
  struct stat st;
  cleanup_close int t
      = (int)syscall (SYS_open_tree, AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (t < 0 || fstat (t, &st) < 0)
    return cell_err_errno (err, "open the host's `/dev/null`");
  if (!S_ISCHR (st.st_mode) || major (st.st_rdev) != 1 || minor (st.st_rdev) != 3)
    return cell_err (err, 0, "the host's `/dev/null` is not the null device");
  *fd = steal_fd (&t);
  return 0;
}
