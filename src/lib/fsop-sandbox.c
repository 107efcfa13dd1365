/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fsop-sandbox.c: init's operations that only bwrap's command line asks for: a tmpfs root built behind a
   first pivot (the host stays reachable at /oldroot for sources, as in bwrap), chmod, files written from
   data or an fd, binds of data, and host overlay layers. */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "fsop-internal.h"
#include "mount.h"
#include "path-util.h"
#include "xalloc.h"

#define OLDROOT "oldroot"

/* The root: a fresh tmpfs `base` goes over /tmp (a private mount namespace: the host's /tmp is untouched)
   and becomes "/" by a first pivot_root, with the host's root below it at /oldroot: host sources resolve in
   there, never through what the sandbox mounts. The sandbox's root is base's /newroot, made a mount point;
   the PIVOT op makes it "/" and drops base with the host's tree. */
int
cell_fsop_root_tmpfs (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  cleanup_close int fs = cell_fs_open ("tmpfs");
  cleanup_close int base = -1;
  cleanup_close int at = -1;
  cleanup_close int proc = -1;
  cleanup_close int tree = -1;

  if (cell_fsop_isolate (ctx, err) < 0)
    return -1;
  if (fs < 0)
    return cell_err_errno (err, "the sandbox's root: fsopen `tmpfs`");
  if (cell_fs_set (fs, "mode", "0755", "the sandbox's root", err) < 0)
    return -1;
  base = cell_fs_create (fs, "tmpfs", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, "the sandbox's root", err);
  if (base < 0)
    return -1;
  if (mkdirat (base, "newroot", 0755) < 0 || mkdirat (base, OLDROOT, 0755) < 0
      || mkdirat (base, "proc", 0555) < 0 || fchmodat (base, "newroot", op->mode ? op->mode : 0755, 0) < 0)
    return cell_err_errno (err, "the sandbox's root: mkdir");
  at = open ("/tmp", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (at < 0)
    at = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (at < 0 || cell_move_mount_at (base, at, "the sandbox's root", err) < 0)
    return at < 0 ? cell_err_errno (err, "the sandbox's root: open `/tmp`") : -1;
  if (fchdir (base) < 0 || syscall (SYS_pivot_root, ".", OLDROOT) < 0 || chdir ("/") < 0)
    return cell_err_errno (err, "the sandbox's root: pivot_root");
  /* /proc for the fd paths mount(2) takes (mount.c): the host's, as the process saw it */
  proc = (int)syscall (SYS_open_tree, AT_FDCWD, "/" OLDROOT "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (proc >= 0)
    {
      cleanup_close int dst = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (dst < 0 || cell_move_mount_at (proc, dst, "/proc", err) < 0)
        return dst < 0 ? cell_err_errno (err, "the sandbox's root: open `/proc`") : -1;
    }
  ctx->host_dfd = open ("/" OLDROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (ctx->host_dfd < 0)
    return cell_err_errno (err, "the sandbox's root: open the host's root");
  /* the new root must be a mount point to pivot into */
  tree = (int)syscall (SYS_open_tree, AT_FDCWD, "/newroot", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return cell_err_errno (err, "the sandbox's root: bind /newroot");
  {
    cleanup_close int dst = open ("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dst < 0 || cell_move_mount_at (tree, dst, "the sandbox's root", err) < 0)
      return dst < 0 ? cell_err_errno (err, "the sandbox's root: open /newroot") : -1;
  }
  ctx->root_dfd = openat (tree, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  return ctx->root_dfd < 0 ? cell_err_errno (err, "the sandbox's root: open") : 0;
}

int
cell_fsop_open_source (struct cell_fsop_ctx *ctx, const struct cell_op *op, int flags)
{
  if (op->flags & CELL_OPF_IN_ROOT)
    return cell_open_in_root (ctx->root_dfd, op->source, flags, 0);
  if (ctx->host_dfd >= 0)
    return cell_open_in_root (ctx->host_dfd, op->source, flags, 0);
  return open (op->source, flags | O_CLOEXEC);
}

/* bwrap's --bind-fd: the fd's path, bound, must be the fd's inode (CVE-2024-42472: the path may have been
   swapped since). The fd itself belongs to the host's mount namespace, so it is bound by its path. */
int
cell_fsop_open_source_fd (struct cell_fsop_ctx *ctx, const struct cell_op *op, char **path,
                          struct cell_error **err)
{
  char link[64], buf[4096];
  ssize_t n;
  snprintf (link, sizeof (link), "/proc/self/fd/%d", op->fd);
  n = readlink (link, buf, sizeof (buf) - 1);
  if (n < 0)
    return cell_err_errno (err, "--bind-fd %d: not an open file", op->fd);
  buf[n] = '\0';
  *path = xstrdup (buf);
  if (ctx->host_dfd >= 0)
    return cell_open_in_root (ctx->host_dfd, buf, O_PATH, 0);
  return open (buf, O_PATH | O_CLOEXEC);
}

int
cell_fsop_chmod (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  cleanup_close int fd = cell_open_in_root (ctx->root_dfd, op->dest, O_PATH, 0);
  char self[64];
  if (fd < 0)
    return cell_err_errno (err, "chmod `%s`", op->dest);
  snprintf (self, sizeof (self), "/proc/self/fd/%d", fd);
  if (chmod (self, op->mode) < 0)
    return cell_err_errno (err, "chmod `%s`", op->dest);
  return 0;
}

/* All of fd's data appended to `out` (the fd is the caller's; read to EOF). */
static int
copy_fd (int in, int out, const char *what, struct cell_error **err)
{
  char buf[65536];
  for (;;)
    {
      ssize_t n = read (in, buf, sizeof (buf));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return cell_err_errno (err, "%s: read", what);
      if (n == 0)
        return 0;
      for (ssize_t off = 0; off < n;)
        {
          ssize_t w = write (out, buf + off, (size_t)(n - off));
          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            return cell_err_errno (err, "%s: write", what);
          off += w;
        }
    }
}

static int
fill (int fd, const struct cell_op *op, const char *what, struct cell_error **err)
{
  size_t len, off = 0;
  if (op->flags & CELL_OPF_SOURCE_FD)
    return copy_fd (op->fd, fd, what, err);
  len = op->data ? strlen (op->data) : 0;
  while (off < len)
    {
      ssize_t w = write (fd, op->data + off, len - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return cell_err_errno (err, "%s: write", what);
      off += (size_t)w;
    }
  return 0;
}

int
cell_fsop_file (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  cleanup_free char *what = xasprintf ("file `%s`", op->dest);
  cleanup_free char *dir = xstrdup (op->dest);
  char *slash = strrchr (dir, '/');
  cleanup_close int parent = -1;
  cleanup_close int fd = -1;

  *slash = '\0';
  parent = cell_mkpath_in_root_mode (ctx->root_dfd, *dir ? dir : "/", false, 0, cell_op_parent_mode (op));
  if (parent < 0)
    return cell_err_errno (err, "%s: create its directory", what);
  fd = openat (parent, slash + 1, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, op->mode);
  if (fd < 0)
    return cell_err_errno (err, "%s", what);
  if (fchmod (fd, op->mode) < 0)
    return cell_err_errno (err, "%s: chmod", what);
  return fill (fd, op, what, err);
}

/* The data goes to a file on the sandbox's scratch root (the first tmpfs, never inside the new root), which
   is bound on the destination and then unlinked: the bind keeps it. */
int
cell_fsop_bind_data (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  static unsigned serial;
  cleanup_free char *what = xasprintf ("data on `%s`", op->dest);
  char name[32];
  cleanup_close int fd = -1;
  cleanup_close int target = -1;
  int r;

  snprintf (name, sizeof (name), "/bind-data-%u", serial++);
  fd = open (name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, op->mode);
  if (fd < 0)
    return cell_err_errno (err, "%s: create", what);
  if (fchmod (fd, op->mode) < 0 || fill (fd, op, what, err) < 0)
    {
      unlink (name);
      return cell_err_errno (err, "%s", what);
    }
  target = cell_mkpath_in_root_mode (ctx->root_dfd, op->dest, true, 0, cell_op_parent_mode (op));
  if (target < 0)
    r = cell_err_errno (err, "%s: create mount point", what);
  else
    r = cell_bind_at (name, -1, false, 0, op->attr_set, op->attr_clr, target, what, err);
  unlink (name);
  return r;
}

/* Overlay layers named by host paths: under /oldroot once the sandbox's first pivot is done. */
char *
cell_fsop_host_layers (const struct cell_fsop_ctx *ctx, const char *data)
{
  static const char *const keys[] = { "lowerdir=", "upperdir=", "workdir=" };
  cleanup_free char *copy = xstrdup (data);
  char *out = xstrdup ("");

  if (ctx->host_dfd < 0)
    {
      free (out);
      return xstrdup (data);
    }
  for (char *rest = copy, *opt; (opt = cell_strsep_escaped (&rest, ',')) != NULL;)
    {
      const char *key = NULL;
      char *next, *val;
      for (size_t k = 0; k < ARRAY_SIZE (keys) && !key; k++)
        if (strncmp (opt, keys[k], strlen (keys[k])) == 0)
          key = keys[k];
      if (!key)
        {
          next = xasprintf ("%s%s%s", out, *out ? "," : "", opt);
          free (out);
          out = next;
          continue;
        }
      val = xstrdup (key);
      for (char *r2 = opt + strlen (key), *layer; (layer = cell_strsep_escaped (&r2, ':')) != NULL;)
        {
          char *v = xasprintf ("%s%s%s%s", val, val[strlen (key)] ? ":" : "",
                               layer[0] == '/' ? "/" OLDROOT : "", layer);
          free (val);
          val = v;
        }
      next = xasprintf ("%s%s%s", out, *out ? "," : "", val);
      free (val);
      free (out);
      out = next;
    }
  return out;
}
