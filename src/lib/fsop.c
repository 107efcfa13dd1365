/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fsop.c: executes one plan filesystem operation inside the container's mount namespace; every container
   path is resolved from the root fd (path-util.c) and every mount lands on an fd. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include "devices.h"
#include "fsop.h"
#include "image.h"
#include "mount.h"
#include "path-util.h"
#include "sync.h"
#include "terminal.h"
#include "xalloc.h"

void
cell_fsop_ctx_init (struct cell_fsop_ctx *ctx, const struct cell_plan *plan)
{
  memset (ctx, 0, sizeof (*ctx));
  ctx->plan = plan;
  ctx->root_dfd = -1;
  ctx->console_fd = -1;
  ctx->console_master = -1;
  ctx->proc_dfd = -1;
  ctx->devnull_fd = -1;
  cell_image_root_init (&ctx->image);
  ctx->image_root_fd = -1;
}

int
cell_fsop_prepare (struct cell_fsop_ctx *ctx, struct cell_error **err)
{
  /* everything checked first: a failure attaches no loop device */
  for (size_t i = 0; i < ctx->plan->n_ops; i++)
    {
      const struct cell_op *op = &ctx->plan->ops[i];
      cleanup_free char *what = NULL;
      bool image = false;
      if (op->kind == CELL_OP_ROOT_IMAGE && !ctx->image_mnt_dir)
        return cell_err (err, 0, "image root `%s`: no directory to attach it on", op->source);
      if (op->kind == CELL_OP_OVERLAY)
        {
          what = xasprintf ("`overlay` on `%s`", op->dest);
          if (cell_image_overlay_check (op->data, what, err) < 0)
            return -1;
        }
      if (op->kind == CELL_OP_IMAGE)
        {
          if (++ctx->n_op_fds > CELL_FSOP_MAX_IMAGES)
            return cell_err (err, 0, "more than %d squashfs image mounts", CELL_FSOP_MAX_IMAGES);
          if (cell_image_probe (op->source, &image, err) < 0)
            return -1;
          if (!image)
            return cell_err (err, 0, "image `%s` on `%s`: not a squashfs image", op->source, op->dest);
        }
    }
  if (ctx->n_op_fds)
    {
      ctx->op_fds = xcalloc (ctx->plan->n_ops, sizeof (int));
      for (size_t k = 0; k < ctx->plan->n_ops; k++)
        ctx->op_fds[k] = -1;
    }
  for (size_t i = 0; i < ctx->plan->n_ops; i++)
    {
      const struct cell_op *op = &ctx->plan->ops[i];
      if (op->kind == CELL_OP_ROOT_IMAGE
          && cell_image_root_prepare (op->source, (op->mflags & MS_RDONLY) != 0, ctx->plan->image_upper,
                                      ctx->plan->image_tmpfs_size, &ctx->image, err)
                 < 0)
        return -1;
      if (op->kind == CELL_OP_IMAGE && cell_image_mount_squashfs (op->source, &ctx->op_fds[i], err) < 0)
        return -1;
    }
  return 0;
}

/* The helper: in init's mount namespace, build the root and send it back (or the error). */
static int
build_in_ns (struct cell_fsop_ctx *ctx, int ns, int sock)
{
  struct cell_error *e = NULL;
  cleanup_close int root = -1;

  if (setns (ns, CLONE_NEWNS) < 0)
    cell_err_errno (&e, "image `%s`: enter the container's mount namespace", ctx->image.image);
  /* nothing mounted from here on may propagate to the host */
  else if (mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    cell_err_errno (&e, "image `%s`: make the container's mounts slaves", ctx->image.image);
  else if (cell_image_root_build (&ctx->image, ctx->image_mnt_dir, &e) == 0)
    {
      root = open (ctx->image_mnt_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (root < 0)
        cell_err_errno (&e, "image `%s`: open the built root", ctx->image.image);
    }
  if (e)
    return cell_sync_send (sock, CELL_SYNC_ERROR, e->msg, -1, &e) < 0 ? 2 : 1;
  return cell_sync_send (sock, CELL_SYNC_READY, NULL, root, &e) < 0 ? 2 : 0;
}

int
cell_fsop_build_in (struct cell_fsop_ctx *ctx, pid_t pid, int *root_fd, struct cell_error **err)
{
  cleanup_close int ns = -1;
  int sv[2], r, st;
  char path[64];
  pid_t h;

  *root_fd = -1;
  if (!cell_image_root_in_parts (&ctx->image))
    return 0;
  snprintf (path, sizeof (path), "/proc/%d/ns/mnt", (int)pid);
  ns = open (path, O_RDONLY | O_CLOEXEC);
  if (ns < 0)
    return cell_err_errno (err, "image `%s`: open the container's mount namespace", ctx->image.image);
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return cell_err_errno (err, "socketpair");
  h = fork ();
  if (h == 0)
    {
      close (sv[0]);
      _exit (build_in_ns (ctx, ns, sv[1]));
    }
  close (sv[1]);
  if (h < 0)
    {
      close (sv[0]);
      return cell_err_errno (err, "image `%s`: fork the mount helper", ctx->image.image);
    }
  r = cell_sync_expect (sv[0], CELL_SYNC_READY, NULL, root_fd, err);
  close (sv[0]);
  while (waitpid (h, &st, 0) < 0 && errno == EINTR)
    ;
  if (r == 0 && *root_fd < 0)
    return cell_err (err, 0, "image `%s`: the mount helper sent no root", ctx->image.image);
  return r;
}

size_t
cell_fsop_ctx_fds (const struct cell_fsop_ctx *ctx, int *keep, size_t max)
{
  size_t n = 0;
  if (ctx->image.mnt_fd >= 0 && n < max)
    keep[n++] = ctx->image.mnt_fd;
  for (size_t i = 0; ctx->op_fds && i < ctx->plan->n_ops && n < max; i++)
    if (ctx->op_fds[i] >= 0)
      keep[n++] = ctx->op_fds[i];
  return n;
}

void
cell_fsop_ctx_forget_runtime_fds (struct cell_fsop_ctx *ctx)
{
  ctx->image.loop_fd = ctx->image.upper_dfd = ctx->image.work_dfd = -1;
}

void
cell_fsop_ctx_release (struct cell_fsop_ctx *ctx)
{
  if (ctx->root_dfd >= 0)
    close (ctx->root_dfd);
  if (ctx->proc_dfd >= 0)
    close (ctx->proc_dfd);
  if (ctx->devnull_fd >= 0)
    close (ctx->devnull_fd);
  cell_image_root_release (&ctx->image);
  if (ctx->image_root_fd >= 0)
    close (ctx->image_root_fd);
  ctx->image_root_fd = -1;
  for (size_t i = 0; ctx->op_fds && i < ctx->plan->n_ops; i++)
    if (ctx->op_fds[i] >= 0)
      close (ctx->op_fds[i]);
  free (ctx->op_fds);
  ctx->op_fds = NULL;
  ctx->n_op_fds = 0;
  ctx->root_dfd = ctx->proc_dfd = ctx->devnull_fd = -1;
}

static int
open_target (struct cell_fsop_ctx *ctx, const struct cell_op *op, bool file, struct cell_error **err)
{
  int fd = cell_mkpath_in_root (ctx->root_dfd, op->dest, file, 0);
  if (fd < 0)
    return cell_err_errno (err, "%s on `%s`: create mount point", cell_op_kind_name (op->kind), op->dest);
  return fd;
}

/* Propagation and r* attributes go on the new mount itself: reopen its root by path (in root). */
static int
post_mount (struct cell_fsop_ctx *ctx, const struct cell_op *op, const char *what, struct cell_error **err)
{
  cleanup_close int fd = -1;
  if (!op->propagation && !op->attr_set && !op->attr_clr)
    return 0;
  fd = cell_open_in_root (ctx->root_dfd, op->dest, O_PATH, 0);
  if (fd < 0)
    return cell_err_errno (err, "reopen %s", what);
  if (cell_mount_setattr (fd, true, op->attr_set, op->attr_clr, 0, what, err) < 0)
    return -1;
  if (op->propagation
      && cell_mount_setattr (fd, (op->propagation & MS_REC) != 0, 0, 0, op->propagation, what, err) < 0)
    return -1;
  return 0;
}

/* Before anything is mounted in a mount namespace of the container's own: nothing may propagate back to
   the host. Everything becomes a slave (host mounts still show up, as with runc), or private when the
   configured propagation is not a slave one; that propagation itself goes on "/" after the root switch
   (op_pivot), when "/" is the container's root and no peer of the host's. A joined mount namespace is
   left as its owner made it. */
static int
isolate_from_host (struct cell_fsop_ctx *ctx, struct cell_error **err)
{
  unsigned long want = ctx->plan->rootfs_propagation;
  unsigned long flags = MS_REC | ((want == 0 || (want & MS_SLAVE)) ? MS_SLAVE : MS_PRIVATE);
  if (!ctx->plan->ns[CELL_NS_MOUNT].create)
    return 0;
  if (mount (NULL, "/", NULL, flags, NULL) < 0)
    return cell_err_errno (err, "make the container's mounts %s", (flags & MS_SLAVE) ? "slaves" : "private");
  return 0;
}

static int
op_root_bind (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  cleanup_close int t = -1;
  if (isolate_from_host (ctx, err) < 0)
    return -1;
  if (ctx->plan->root_switch == CELL_ROOT_CHROOT)
    {
      /* not our mount namespace: nothing is mounted, the root is only chrooted into */
      ctx->root_dfd = open (op->source, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      return ctx->root_dfd < 0 ? cell_err_errno (err, "open rootfs `%s`", op->source) : 0;
    }
  /* bind the rootfs onto itself so it is a mount point pivot_root accepts */
  t = (int)syscall (SYS_open_tree, AT_FDCWD, op->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (t < 0)
    return cell_err_errno (err, "bind rootfs `%s`", op->source);
  if (syscall (SYS_move_mount, t, "", AT_FDCWD, op->source, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return cell_err_errno (err, "attach rootfs `%s`", op->source);
  ctx->root_dfd = open (op->source, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (ctx->root_dfd < 0)
    return cell_err_errno (err, "open rootfs `%s`", op->source);
  return 0;
}

static int
op_root_image (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  struct statfs sf;
  long want = (op->mflags & MS_RDONLY) ? SQUASHFS_MAGIC : OVERLAYFS_SUPER_MAGIC;

  if ((ctx->image.mnt_fd < 0 && ctx->image_root_fd < 0) || !ctx->image_mnt_dir)
    return cell_err (err, 0, "image root `%s` was not prepared", op->source);
  if (isolate_from_host (ctx, err) < 0)
    return -1;
  if (ctx->image.mnt_fd >= 0)
    {
      /* whole: on our working directory, the state dir (image_mnt_dir) in this mount namespace only, by no
         path; the mount fd then names the attached root */
      cleanup_free char *what = xasprintf ("image root `%s` on `%s`", op->source, ctx->image_mnt_dir);
      if (cell_move_mount_at (ctx->image.mnt_fd, AT_FDCWD, what, err) < 0)
        return -1;
      ctx->root_dfd = openat (ctx->image.mnt_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
      close (ctx->image.mnt_fd);
      ctx->image.mnt_fd = -1;
    }
  else
    {
      /* in parts: built here already by the runtime's helper (cell_fsop_build_in) */
      ctx->root_dfd = ctx->image_root_fd;
      ctx->image_root_fd = -1;
    }
  if (ctx->root_dfd < 0)
    return cell_err_errno (err, "open image root `%s`", op->source);
  if (fstatfs (ctx->root_dfd, &sf) < 0 || sf.f_type != want)
    return cell_err (err, 0, "image root `%s` is not the %s it was built as", op->source,
                     want == SQUASHFS_MAGIC ? "squashfs" : "overlay");
  return 0;
}

static int
op_mount (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  cleanup_close int target = -1;
  cleanup_free char *what = xasprintf ("`%s` on `%s`", op->fstype, op->dest);
  bool special = streq (op->fstype, "proc") || streq (op->fstype, "sysfs");
  struct stat st;

  target = open_target (ctx, op, false, err);
  if (target < 0)
    return -1;
  if (special)
    {
      /* proc and sys go on ordinary directories only, never through a symlink the image planted */
      cleanup_close int self = cell_open_in_root (ctx->root_dfd, op->dest, O_PATH | O_NOFOLLOW, 0);
      if (self < 0 || fstat (self, &st) < 0 || !S_ISDIR (st.st_mode))
        return cell_err (err, 0, "mount %s: must be mounted on an ordinary directory", what);
    }
  else if (fstat (target, &st) < 0 || !S_ISDIR (st.st_mode))
    return cell_err (err, 0, "mount %s: the mount point is not a directory", what);
  if (cell_mount_fs_at (op->source, op->fstype, op->mflags, op->data, target, what, err) < 0)
    return -1;
  if (post_mount (ctx, op, what, err) < 0)
    return -1;
  if (streq (op->fstype, "proc"))
    {
      struct statfs sfs;
      int p = cell_open_in_root (ctx->root_dfd, op->dest, O_PATH | O_DIRECTORY, 0);
      if (p < 0 || fstatfs (p, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
        {
          if (p >= 0)
            close (p);
          return cell_err (err, 0, "mount %s: the result is not of type proc", what);
        }
      if (ctx->proc_dfd >= 0)
        close (ctx->proc_dfd);
      ctx->proc_dfd = p;
    }
  return 0;
}

static int
op_bind (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  cleanup_close int src = open (op->source, O_PATH | O_CLOEXEC);
  cleanup_close int target = -1;
  cleanup_free char *what = xasprintf ("`%s` on `%s`", op->source, op->dest);
  struct stat st;

  if (src < 0)
    {
      if (errno == ENOENT && (op->flags & CELL_OPF_TRY))
        return 0;
      return cell_err_errno (err, "bind %s", what);
    }
  if (fstat (src, &st) < 0)
    return cell_err_errno (err, "bind %s", what);
  if (strncmp (op->dest, "/proc/", 6) == 0)
    {
      /* nothing is bound into /proc but the files lxcfs provides (SECURITY.md row 7) */
      static const char *const lxcfs[]
          = { "/proc/cpuinfo", "/proc/meminfo",   "/proc/stat",  "/proc/uptime",
              "/proc/loadavg", "/proc/diskstats", "/proc/swaps", "/proc/slabinfo" };
      bool ok = false;
      for (size_t i = 0; i < ARRAY_SIZE (lxcfs); i++)
        ok |= streq (op->dest, lxcfs[i]);
      if (!ok)
        return cell_err (err, 0, "bind %s: mounts inside /proc are not allowed", what);
    }
  target = open_target (ctx, op, !S_ISDIR (st.st_mode), err);
  if (target < 0)
    return -1;
  if (cell_bind_at (NULL, src, op->recursive, op->mflags, op->attr_set, op->attr_clr, target, what, err) < 0)
    return -1;
  return op->propagation ? post_mount (ctx, op, what, err) : 0;
}

static int
op_console (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  cleanup_close int target = -1;
  if (cell_pty_open (ctx->root_dfd, &ctx->console_master, &ctx->console_fd, err) < 0)
    return -1;
  target = open_target (ctx, op, true, err);
  if (target < 0)
    return -1;
  /* the pty peer fd itself is bound: no /dev/pts/N lookup a container could swap */
  return cell_bind_at (NULL, ctx->console_fd, false, 0, 0, 0, target, "the pty on `/dev/console`", err);
}

static int
op_pivot (struct cell_fsop_ctx *ctx, struct cell_error **err)
{
  if (fchdir (ctx->root_dfd) < 0)
    return cell_err_errno (err, "chdir to the rootfs");
  if (ctx->plan->root_switch == CELL_ROOT_CHROOT)
    {
      /* not our mount namespace: its root stays, ours is a chroot */
      if (chroot (".") < 0)
        return cell_err_errno (err, "chroot");
    }
  else if (ctx->plan->root_switch == CELL_ROOT_MOVE)
    {
      if (mount (".", "/", NULL, MS_MOVE, NULL) < 0)
        return cell_err_errno (err, "move the rootfs to `/`");
      if (chroot (".") < 0)
        return cell_err_errno (err, "chroot");
    }
  else
    {
      /* pivot_root(".", "."): the old root ends up stacked on the new one, then goes away */
      if (syscall (SYS_pivot_root, ".", ".") < 0)
        return cell_err_errno (err, "pivot_root");
      if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return cell_err_errno (err, "make the old root a slave");
      if (umount2 (".", MNT_DETACH) < 0)
        return cell_err_errno (err, "unmount the old root");
    }
  if (chdir ("/") < 0)
    return cell_err_errno (err, "chdir `/`");
  close (ctx->root_dfd);
  ctx->root_dfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (ctx->root_dfd < 0)
    return cell_err_errno (err, "open `/`");
  if (ctx->plan->rootfs_propagation && ctx->plan->root_switch != CELL_ROOT_CHROOT
      && mount (NULL, "/", NULL, ctx->plan->rootfs_propagation, NULL) < 0)
    return cell_err_errno (err, "set rootfs propagation");
  ctx->pivoted = true;
  return 0;
}

static int
op_mask (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  cleanup_close int target = cell_open_in_root (ctx->root_dfd, op->dest, O_PATH, 0);
  cleanup_free char *what = xasprintf ("mask `%s`", op->dest);
  struct stat st;

  if (target < 0)
    {
      if (errno == ENOENT && (op->flags & CELL_OPF_TRY))
        return 0;
      return cell_err_errno (err, "%s", what);
    }
  if (fstat (target, &st) < 0)
    return cell_err_errno (err, "%s", what);
  if (S_ISDIR (st.st_mode))
    {
      cleanup_close int fs = cell_fs_open ("tmpfs");
      cleanup_close int mnt = -1;
      if (fs < 0)
        return cell_err_errno (err, "%s: fsopen `tmpfs`", what);
      mnt = cell_fs_create (fs, "tmpfs",
                            MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
                            what, err);
      if (mnt < 0)
        return -1;
      return cell_move_mount_at (mnt, target, what, err);
    }
  return cell_bind_at (NULL, ctx->devnull_fd, false, 0, 0, 0, target, what, err);
}

static int
op_readonly (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  cleanup_close int target = cell_open_in_root (ctx->root_dfd, op->dest, O_PATH, 0);
  cleanup_free char *what = xasprintf ("read-only `%s`", op->dest);
  if (target < 0)
    {
      if (errno == ENOENT && (op->flags & CELL_OPF_TRY))
        return 0;
      return cell_err_errno (err, "%s", what);
    }
  /* a recursive copy of whatever is there, made read-only before it is attached over the original: the
     resolved inode is the one that ends up read-only, whatever happens to the path meanwhile */
  return cell_bind_at (NULL, target, true, 0, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0,
                       target, what, err);
}

int
cell_fsop_execute (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  if (op->kind != CELL_OP_ROOT_BIND && op->kind != CELL_OP_ROOT_IMAGE && ctx->root_dfd < 0)
    return cell_err (err, 0, "plan: `%s` before the root is set up", cell_op_kind_name (op->kind));
  switch (op->kind)
    {
    case CELL_OP_ROOT_BIND:
      return op_root_bind (ctx, op, err);
    case CELL_OP_ROOT_IMAGE:
      return op_root_image (ctx, op, err);
    case CELL_OP_MOUNT:
      return op_mount (ctx, op, err);
    case CELL_OP_BIND:
      return op_bind (ctx, op, err);
    case CELL_OP_CGROUP:
      {
        cleanup_close int target = open_target (ctx, op, false, err);
        if (target < 0)
          return -1;
        return cell_mount_cgroups (ctx->root_dfd, op->dest, target, ctx->own_cgroupns,
                                   (op->mflags & MS_RDONLY) != 0, op->mflags, err);
      }
    case CELL_OP_DEV_DEFAULT:
      return cell_devices_default (ctx->root_dfd, (op->flags & CELL_OPF_USERNS) != 0,
                                   (op->flags & CELL_OPF_PTMX_LINK) != 0, err);
    case CELL_OP_DEVICE:
      return cell_device_create (ctx->root_dfd, op->dest, op->dev_type, op->major, op->minor, op->mode,
                                 op->uid, op->gid, (op->flags & CELL_OPF_USERNS) != 0, err);
    case CELL_OP_SYMLINK:
      {
        cleanup_free char *dir = xstrdup (op->dest);
        char *slash = strrchr (dir, '/');
        cleanup_close int parent = -1;
        *slash = '\0';
        parent = cell_mkpath_in_root (ctx->root_dfd, *dir ? dir : "/", false, 0755);
        if (parent < 0 || symlinkat (op->source, parent, slash + 1) < 0)
          return cell_err_errno (err, "symlink `%s` -> `%s`", op->dest, op->source);
        return 0;
      }
    case CELL_OP_DIR:
      {
        int fd = cell_mkpath_in_root (ctx->root_dfd, op->dest, false, op->mode ? op->mode : 0755);
        if (fd < 0)
          return cell_err_errno (err, "mkdir `%s`", op->dest);
        close (fd);
        return 0;
      }
    case CELL_OP_CONSOLE:
      return op_console (ctx, op, err);
    case CELL_OP_PIVOT:
      return op_pivot (ctx, err);
    case CELL_OP_MASK:
      return op_mask (ctx, op, err);
    case CELL_OP_READONLY:
      return op_readonly (ctx, op, err);
    case CELL_OP_REMOUNT_RO:
      {
        cleanup_close int fd = cell_open_in_root (ctx->root_dfd, op->dest, O_PATH, 0);
        if (fd < 0)
          return cell_err_errno (err, "remount `%s` read-only", op->dest);
        return cell_mount_setattr (fd, false, MOUNT_ATTR_RDONLY, 0, 0, "`/` read-only", err);
      }
    case CELL_OP_OVERLAY:
      {
        cleanup_close int target = open_target (ctx, op, false, err);
        cleanup_free char *what = xasprintf ("`overlay` on `%s`", op->dest);
        /* lowerdir/upperdir/workdir are host paths: still reachable before pivot_root */
        if (target < 0
            || cell_mount_fs_at (op->source, "overlay", op->mflags, op->data, target, what, err) < 0)
          return -1;
        return post_mount (ctx, op, what, err);
      }
    case CELL_OP_IMAGE:
      {
        size_t idx = (size_t)(op - ctx->plan->ops);
        cleanup_close int target = -1;
        cleanup_free char *what = xasprintf ("image `%s` on `%s`", op->source, op->dest);
        if (!ctx->op_fds || ctx->op_fds[idx] < 0)
          return cell_err (err, 0, "%s: not prepared", what);
        target = open_target (ctx, op, false, err);
        if (target < 0 || cell_move_mount_at (ctx->op_fds[idx], target, what, err) < 0)
          return -1;
        close (ctx->op_fds[idx]);
        ctx->op_fds[idx] = -1;
        return post_mount (ctx, op, what, err);
      }
    }
  return cell_err (err, 0, "plan: operation `%s` is not supported yet", cell_op_kind_name (op->kind));
}
