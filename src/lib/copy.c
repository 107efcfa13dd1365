/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* copy.c: a recursive directory copy on fds (no path is followed twice, no symlink at all), keeping modes,
   owners, timestamps and extended attributes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "copy.h"
#include "xalloc.h"

#define COPY_MAX_DEPTH 128

/* Extended attributes of an fd opened for reading (files and directories). */
static int
copy_xattrs (int src, int dst, const char *what, const char *name, struct cell_error **err)
{
  char list[8192];
  ssize_t n = flistxattr (src, list, sizeof (list));
  if (n < 0)
    return errno == ENOTSUP ? 0 : cell_err_errno (err, "%s: list xattrs of `%s`", what, name);
  for (ssize_t off = 0; off < n; off += (ssize_t)strlen (list + off) + 1)
    {
      char val[65536];
      ssize_t v = fgetxattr (src, list + off, val, sizeof (val));
      if (v < 0)
        return cell_err_errno (err, "%s: read xattr `%s` of `%s`", what, list + off, name);
      if (fsetxattr (dst, list + off, val, (size_t)v, 0) < 0 && errno != ENOTSUP)
        return cell_err_errno (err, "%s: set xattr `%s` on `%s`", what, list + off, name);
    }
  return 0;
}

static int
copy_attrs (int src, int dst, const struct stat *st, const char *what, const char *name,
            struct cell_error **err)
{
  struct timespec ts[2] = { st->st_atim, st->st_mtim };
  if (fchown (dst, st->st_uid, st->st_gid) < 0)
    return cell_err_errno (err, "%s: chown `%s`", what, name);
  /* after chown, which clears setuid and setgid */
  if (fchmod (dst, st->st_mode & 07777) < 0)
    return cell_err_errno (err, "%s: chmod `%s`", what, name);
  if (copy_xattrs (src, dst, what, name, err) < 0)
    return -1;
  if (futimens (dst, ts) < 0)
    return cell_err_errno (err, "%s: set times of `%s`", what, name);
  return 0;
}

static int copy_dir (int src, int dst, int depth, const char *what, struct cell_error **err);

static int
copy_file (int sdir, int ddir, const char *name, const struct stat *st, const char *what,
           struct cell_error **err)
{
  cleanup_close int in = openat (sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int out = -1;
  off_t left = st->st_size;

  if (in < 0)
    return cell_err_errno (err, "%s: open `%s`", what, name);
  out = openat (ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0)
    return cell_err_errno (err, "%s: create `%s`", what, name);
  while (left > 0)
    {
      ssize_t n = sendfile (out, in, NULL, (size_t)left);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return cell_err (err, n < 0 ? errno : EIO, "%s: copy `%s`", what, name);
      left -= n;
    }
  return copy_attrs (in, out, st, what, name, err);
}

static int
copy_entry (int sdir, int ddir, const char *name, int depth, const char *what, struct cell_error **err)
{
  struct stat st;
  struct timespec ts[2];

  if (fstatat (sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return cell_err_errno (err, "%s: stat `%s`", what, name);
  switch (st.st_mode & S_IFMT)
    {
    case S_IFREG:
      return copy_file (sdir, ddir, name, &st, what, err);
    case S_IFDIR:
      {
        cleanup_close int s = openat (sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        cleanup_close int d = -1;
        if (s < 0)
          return cell_err_errno (err, "%s: open `%s`", what, name);
        if (mkdirat (ddir, name, 0700) < 0)
          return cell_err_errno (err, "%s: mkdir `%s`", what, name);
        d = openat (ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (d < 0)
          return cell_err_errno (err, "%s: open `%s`", what, name);
        if (copy_dir (s, d, depth + 1, what, err) < 0)
          return -1;
        return copy_attrs (s, d, &st, what, name, err);
      }
    case S_IFLNK:
      {
        char target[4096];
        ssize_t n = readlinkat (sdir, name, target, sizeof (target) - 1);
        if (n < 0)
          return cell_err_errno (err, "%s: readlink `%s`", what, name);
        target[n] = '\0';
        if (symlinkat (target, ddir, name) < 0)
          return cell_err_errno (err, "%s: symlink `%s`", what, name);
        break;
      }
    case S_IFCHR:
    case S_IFBLK:
    case S_IFIFO:
      if (mknodat (ddir, name, st.st_mode, st.st_rdev) < 0)
        return cell_err_errno (err, "%s: mknod `%s`", what, name);
      if (fchmodat (ddir, name, st.st_mode & 07777, 0) < 0)
        return cell_err_errno (err, "%s: chmod `%s`", what, name);
      break;
    default:
      return 0; /* sockets belong to the process that bound them */
    }
  /* symlinks and nodes: owner and times without opening them */
  ts[0] = st.st_atim;
  ts[1] = st.st_mtim;
  if (fchownat (ddir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return cell_err_errno (err, "%s: chown `%s`", what, name);
  if (utimensat (ddir, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
    return cell_err_errno (err, "%s: set times of `%s`", what, name);
  return 0;
}

static int
copy_dir (int src, int dst, int depth, const char *what, struct cell_error **err)
{
  DIR *d;
  struct dirent *de;
  int r = 0;

  if (depth > COPY_MAX_DEPTH)
    return cell_err (err, ELOOP, "%s: deeper than %d directories", what, COPY_MAX_DEPTH);
  d = fdopendir (fcntl (src, F_DUPFD_CLOEXEC, 3));
  if (d == NULL)
    return cell_err_errno (err, "%s: read directory", what);
  while (r == 0 && (de = readdir (d)) != NULL)
    if (!streq (de->d_name, ".") && !streq (de->d_name, ".."))
      r = copy_entry (src, dst, de->d_name, depth, what, err);
  closedir (d);
  return r;
}

int
cell_copy_tree (int src_dfd, int dst_dfd, const char *what, struct cell_error **err)
{
  struct stat st;
  if (fstat (src_dfd, &st) < 0)
    return cell_err_errno (err, "%s: stat", what);
  if (copy_dir (src_dfd, dst_dfd, 0, what, err) < 0)
    return -1;
  return copy_attrs (src_dfd, dst_dfd, &st, what, ".", err);
}
