/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fsop.c: init executes one plan filesystem operation inside the container's mount namespace; every
   container path is resolved from the root fd (path-util.c), every mount lands on an fd, and nothing is
   mounted inside procfs but what runc's policy allows, judged on the resolved fd. */
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
#include "copy.h"
#include "devices.h"
#include "fsop-internal.h"
#include "lsm.h"
#include "mount.h"
#include "path-util.h"
#include "terminal.h"
#include "xalloc.h"

void
cell_fsop_ctx_init (struct cell_fsop_ctx *ctx, const struct cell_plan *plan, struct cell_prepared *prep)
{
  memset (ctx, 0, sizeof (*ctx));
  ctx->plan = plan;
  ctx->prep = prep;
  ctx->image_root_fd = -1;
  ctx->root_dfd = -1;
  ctx->console_fd = -1;
  ctx->console_master = -1;
  ctx->proc_dfd = -1;
  ctx->devnull_fd = -1;
  ctx->host_dfd = -1;
}

void
cell_fsop_ctx_release (struct cell_fsop_ctx *ctx)
{
  cell_closep (&ctx->root_dfd);
  cell_closep (&ctx->proc_dfd);
  cell_closep (&ctx->devnull_fd);
  cell_closep (&ctx->image_root_fd);
  cell_closep (&ctx->host_dfd);
}

/* runc's procfs policy: inside the container's procfs nothing is mounted but binds of a file onto these
   (what lxcfs provides), checked on the resolved destination, not on its name (SECURITY.md rows 7, 14). */
static const char *const proc_files[]
    = { "cpuinfo", "diskstats", "meminfo", "stat", "swaps", "uptime", "loadavg", "slabinfo", "net/dev" };

static int
proc_policy (struct cell_fsop_ctx *ctx, const struct cell_op *op, int target, const char *what,
             struct cell_error **err)
{
  struct statfs sf;
  /* a sandbox's caller owns its whole root (osbuild binds its own /proc/cmdline) */
  if (ctx->plan->sandbox)
    return 0;
  if (fstatfs (target, &sf) < 0)
    return cell_err_errno (err, "%s: statfs of the destination", what);
  if (sf.f_type != PROC_SUPER_MAGIC)
    {
      /* on the rootfs's /proc itself only a procfs goes (CVE-2019-16884: a fake /proc). One component of
         the root, not followed: what the root holds as `proc`, a symlink included (never a directory) */
      struct stat a, b;
      bool procfs_source = op->kind == CELL_OP_MOUNT && streq (op->fstype, "proc");
      if (op->kind == CELL_OP_BIND && statfs (op->source, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC)
        procfs_source = true;
      if (procfs_source || fstatat (ctx->root_dfd, "proc", &a, AT_SYMLINK_NOFOLLOW) < 0
          || fstat (target, &b) < 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
        return 0;
      return cell_err (err, 0, "%s: /proc may only be a procfs", what);
    }
  if (op->kind == CELL_OP_BIND && strncmp (op->dest, "/proc/", 6) == 0 && ctx->proc_dfd >= 0)
    for (size_t i = 0; i < ARRAY_SIZE (proc_files); i++)
      if (streq (op->dest + 6, proc_files[i]))
        {
          /* the very file of the container's procfs, not one reached through a symlink */
          cleanup_close int real = openat (ctx->proc_dfd, proc_files[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
          struct stat a, b;
          if (real >= 0 && fstat (real, &a) == 0 && fstat (target, &b) == 0 && a.st_dev == b.st_dev
              && a.st_ino == b.st_ino && S_ISREG (b.st_mode))
            return 0;
        }
  return cell_err (err, 0,
                   "%s: the destination is inside procfs: not allowed (only binds onto /proc/cpuinfo, "
                   "meminfo, stat, uptime, loadavg, diskstats, swaps, slabinfo, net/dev)",
                   what);
}

/* The mount point, created when missing, resolved in the root, and checked against the procfs policy. */
static int
open_target (struct cell_fsop_ctx *ctx, const struct cell_op *op, bool file, struct cell_error **err)
{
  /* bwrap makes a file to bind on read-only */
  mode_t mode = file && ctx->plan->sandbox ? 0444 : 0;
  cleanup_close int fd
      = cell_mkpath_in_root_mode (ctx->root_dfd, op->dest, file, mode, cell_op_parent_mode (op));
  cleanup_free char *what = xasprintf ("%s on `%s`", cell_op_kind_name (op->kind), op->dest);
  if (fd < 0)
    return cell_err_errno (err, "%s: create mount point", what);
  if (proc_policy (ctx, op, fd, what, err) < 0)
    return -1;
  return steal_fd (&fd);
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
   and the ops after it (cell_fsop_root_propagation), when "/" is the container's root and no peer of the
   host's. A joined mount namespace is
   left as its owner made it. */
int
cell_fsop_isolate (struct cell_fsop_ctx *ctx, struct cell_error **err)
{
  unsigned long want = ctx->plan->rootfs_propagation;
  unsigned long flags = MS_REC | ((want == 0 || (want & MS_SLAVE)) ? MS_SLAVE : MS_PRIVATE);
  if (!ctx->plan->ns[CELL_NS_MOUNT].create)
    return 0;
  if (mount (NULL, "/", NULL, flags, NULL) < 0)
    return cell_err_errno (err, "make the container's mounts %s", (flags & MS_SLAVE) ? "slaves" : "private");
  return 0;
}

/* The prepared root (a detached mount) goes over init's working directory: the runtime made that the
   container's state dir for the clone, and the kernel carried it into the new mount namespace. No path is
   resolved: in a user namespace init may not even search the state dir. The mount fd then names the root. */
static int
attach_root (struct cell_fsop_ctx *ctx, int mnt, const char *what, struct cell_error **err)
{
  if (cell_move_mount_at (mnt, AT_FDCWD, what, err) < 0)
    return -1;
  ctx->root_dfd = openat (mnt, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (ctx->root_dfd < 0)
    return cell_err_errno (err, "open %s", what);
  return 0;
}

/* The rootfs found again by path in a joined mount namespace, checked to be the same directory. */
static int
open_joined_root (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  struct stat st;
  cell_closep (&ctx->root_dfd);
  ctx->root_dfd = open (op->source, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (ctx->root_dfd < 0)
    return cell_err_errno (err, "rootfs `%s` in the joined mount namespace", op->source);
  if (fstat (ctx->root_dfd, &st) < 0 || st.st_dev != ctx->prep->root_dev || st.st_ino != ctx->prep->root_ino)
    return cell_err (err, 0, "rootfs `%s` is another directory in the joined mount namespace", op->source);
  return 0;
}

/* A chroot into a mount namespace that is not ours: the rootfs as the runtime opened it (the same mount
   namespace), or, in a joined one, found again by path and bound onto itself there (as runc does), so that
   the root is a mount of its own: `root.readonly` can then make it read-only (mount_setattr takes only the
   root of a mount: on the bare directory it said EINVAL) and the container's mounts go on that copy. */
static int
chroot_root (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  cleanup_free char *what = xasprintf ("rootfs `%s` onto itself", op->source);
  if (!ctx->plan->ns[CELL_NS_MOUNT].path)
    {
      ctx->root_dfd = fcntl (ctx->prep->root_fd, F_DUPFD_CLOEXEC, 3);
      return ctx->root_dfd < 0 ? cell_err_errno (err, "rootfs `%s`", op->source) : 0;
    }
  if (open_joined_root (ctx, op, err) < 0
      || cell_bind_at (NULL, ctx->root_dfd, true, 0, 0, 0, ctx->root_dfd, what, err) < 0)
    return -1;
  return open_joined_root (ctx, op, err);
}

/* The runtime could not clone the rootfs (rootless): init may, in the mount namespace its user namespace
   owns, from the rootfs found again by path there and checked to be the directory the runtime opened. */
static int
clone_root_here (struct cell_fsop_ctx *ctx, const struct cell_op *op, int *mnt, struct cell_error **err)
{
  cleanup_close int fd = open (op->source, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0)
    return cell_err_errno (err, "rootfs `%s`", op->source);
  if (fstat (fd, &st) < 0 || st.st_dev != ctx->prep->root_dev || st.st_ino != ctx->prep->root_ino)
    return cell_err (err, 0, "rootfs `%s` is another directory than the one the runtime opened", op->source);
  return cell_prepare_clone_root (ctx->plan, fd, mnt, err);
}

static int
op_root_bind (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  cleanup_free char *what = xasprintf ("rootfs `%s`", op->source);
  cleanup_close int own = -1;
  if (ctx->plan->root_switch == CELL_ROOT_CHROOT)
    return chroot_root (ctx, op, err);
  if (cell_fsop_isolate (ctx, err) < 0)
    return -1;
  if (ctx->prep->root_mnt < 0 && clone_root_here (ctx, op, &own, err) < 0)
    return -1;
  return attach_root (ctx, own >= 0 ? own : ctx->prep->root_mnt, what, err);
}

static int
op_root_image (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  cleanup_free char *what = xasprintf ("image root `%s`", op->source);
  struct statfs sf;
  long want = (op->mflags & MS_RDONLY) ? SQUASHFS_MAGIC : OVERLAYFS_SUPER_MAGIC;

  if (cell_fsop_isolate (ctx, err) < 0)
    return -1;
  if (ctx->prep->root_mnt >= 0)
    {
      if (attach_root (ctx, ctx->prep->root_mnt, what, err) < 0)
        return -1;
    }
  else if (ctx->image_root_fd >= 0)
    /* in parts: the runtime's helper built it here already */
    ctx->root_dfd = steal_fd (&ctx->image_root_fd);
  else
    return cell_err (err, 0, "%s was not prepared", what);
  if (fstatfs (ctx->root_dfd, &sf) < 0 || sf.f_type != want)
    return cell_err (err, 0, "%s is not the %s it was built as", what,
                     want == SQUASHFS_MAGIC ? "squashfs" : "overlay");
  return 0;
}

/* tmpcopyup: a detached tmpfs gets a copy of what the root has at the destination (modes, owners, times,
   xattrs), then goes over it. */
static int
mount_tmpfs_copyup (struct cell_fsop_ctx *ctx, const struct cell_op *op, int target, const char *what,
                    struct cell_error **err)
{
  cleanup_close int fs = cell_fs_open ("tmpfs");
  cleanup_close int mnt = -1;
  cleanup_close int src = cell_open_in_root (ctx->root_dfd, op->dest, O_RDONLY | O_DIRECTORY, 0);
  cleanup_close int dst = -1;
  cleanup_free char *data = op->data ? xstrdup (op->data) : NULL;

  if (fs < 0)
    return cell_err_errno (err, "mount %s: fsopen `tmpfs`", what);
  if (src < 0)
    return cell_err_errno (err, "mount %s: open the directory to copy", what);
  /* the source shows in mountinfo, as mount(2) would show it (podman's --tmpfs: `tmpfs`) */
  if (cell_fs_set (fs, "source", op->source ? op->source : "tmpfs", what, err) < 0)
    return -1;
  for (char *rest = data, *o; (o = strsep (&rest, ",")) != NULL;)
    {
      char *eq = strchr (o, '=');
      if (!*o)
        continue;
      if (eq)
        *eq = '\0';
      if (cell_fs_set (fs, o, eq ? eq + 1 : NULL, what, err) < 0)
        return -1;
    }
  mnt = cell_fs_create (fs, "tmpfs", (unsigned)cell_ms_to_attr (op->mflags), what, err);
  if (mnt < 0)
    return -1;
  dst = openat (mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dst < 0)
    return cell_err_errno (err, "mount %s: open the new tmpfs", what);
  if (cell_copy_tree (src, dst, what, err) < 0)
    return -1;
  return cell_move_mount_at (mnt, target, what, err);
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
  if (op->flags & CELL_OPF_COPYUP)
    {
      if (mount_tmpfs_copyup (ctx, op, target, what, err) < 0)
        return -1;
    }
  else
    {
      /* SELinux: the container's own mounts get its mount label (create checked SELinux is active) */
      cleanup_free char *data = cell_lsm_mount_data (op->data, op->fstype, ctx->plan->mount_label);
      if (cell_mount_fs_at (op->source, op->fstype, op->mflags, data, target, what, err) < 0)
        return -1;
    }
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

/* A bind over the root itself (bwrap's `--bind / /`) replaces it: later ops resolve in what was bound. */
static int
bind_over_root (struct cell_fsop_ctx *ctx, const struct cell_op *op, int src, const char *what,
                struct cell_error **err)
{
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (op->recursive ? AT_RECURSIVE : 0);
  cleanup_close int tree = (int)syscall (SYS_open_tree, src, "", flags);
  if (tree < 0)
    return cell_err_errno (err, "bind %s", what);
  if (cell_mount_setattr (tree, true, op->attr_set, op->attr_clr, 0, what, err) < 0
      || cell_move_mount_at (tree, ctx->root_dfd, what, err) < 0)
    return -1;
  cell_closep (&ctx->root_dfd);
  ctx->root_dfd = openat (tree, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  return ctx->root_dfd < 0 ? cell_err_errno (err, "open %s", what) : 0;
}

/* A prepared detached mount of the op (an image, an id-mapped bind), or -1. */
static int *
prepared_fd (struct cell_fsop_ctx *ctx, const struct cell_op *op)
{
  size_t idx = (size_t)(op - ctx->plan->ops);
  return idx < ctx->prep->n_op_fds && ctx->prep->op_fds[idx] >= 0 ? &ctx->prep->op_fds[idx] : NULL;
}

/* An id-mapped bind, made by the runtime (prepare.c) with its flags: only attached here. */
static int
op_bind_prepared (struct cell_fsop_ctx *ctx, const struct cell_op *op, int *mnt, struct cell_error **err)
{
  cleanup_close int target = -1;
  cleanup_free char *what = xasprintf ("id-mapped `%s` on `%s`", op->source, op->dest);
  struct stat st;

  if (fstat (*mnt, &st) < 0)
    return cell_err_errno (err, "bind %s", what);
  target = open_target (ctx, op, !S_ISDIR (st.st_mode), err);
  if (target < 0 || cell_move_mount_at (*mnt, target, what, err) < 0)
    return -1;
  cell_closep (mnt);
  return op->propagation ? post_mount (ctx, op, what, err) : 0;
}

static int
op_bind (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  cleanup_free char *fd_path = NULL;
  cleanup_close int src = -1;
  cleanup_close int target = -1;
  cleanup_free char *what = NULL;
  struct stat st, want;

  if (op->flags & CELL_OPF_SOURCE_FD)
    src = cell_fsop_open_source_fd (ctx, op, &fd_path, err);
  else
    src = cell_fsop_open_source (ctx, op, O_PATH);
  what = xasprintf ("`%s` on `%s`", fd_path ? fd_path : op->source, op->dest);
  if (src < 0)
    {
      if (err && *err)
        return -1;
      if (errno == ENOENT && (op->flags & CELL_OPF_TRY))
        return 0;
      if (ctx->plan->sandbox) /* bwrap's words */
        return cell_err_errno (err, "Can't find source path %s", op->source);
      return cell_err_errno (err, "bind %s", what);
    }
  if (fstat (src, &st) < 0)
    return cell_err_errno (err, "bind %s", what);
  /* --bind-fd: the path found again must be the fd's own inode */
  if ((op->flags & CELL_OPF_SOURCE_FD)
      && (fstat (op->fd, &want) < 0 || want.st_dev != st.st_dev || want.st_ino != st.st_ino))
    return cell_err (err, 0, "Race condition binding dirfd");
  if (streq (op->dest, "/"))
    return bind_over_root (ctx, op, src, what, err);
  target = open_target (ctx, op, !S_ISDIR (st.st_mode), err);
  if (target < 0)
    return -1;
  if (cell_bind_at (NULL, src, op->recursive, op->mflags, op->attr_set, op->attr_clr, target, what, err) < 0)
    return -1;
  return op->propagation ? post_mount (ctx, op, what, err) : 0;
}

/* An overlay: host layers (under the sandbox's /oldroot), and a fresh tmpfs for upper and work first when
   mkosi-sandbox asks for a throwaway upper. */
static int
op_overlay (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  cleanup_close int target = open_target (ctx, op, false, err);
  cleanup_free char *what = xasprintf ("`overlay` on `%s`", op->dest);
  cleanup_free char *data = NULL;

  if (target < 0)
    return -1;
  data = cell_fsop_host_layers (ctx, op->data);
  if (op->flags & CELL_OPF_TMPFS_UPPER)
    {
      cleanup_close int t = -1;
      char *full;
      if (cell_mount_fs_at ("tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", target, what, err) < 0)
        return -1;
      t = cell_open_in_root (ctx->root_dfd, op->dest, O_PATH | O_DIRECTORY, 0);
      if (t < 0 || mkdirat (t, "upper", 0755) < 0 || mkdirat (t, "work", 0755) < 0)
        return cell_err_errno (err, "%s: upper and work dirs", what);
      full = xasprintf ("%s,upperdir=/proc/self/fd/%d/upper,workdir=/proc/self/fd/%d/work", data, t, t);
      free (data);
      data = full;
      cell_closep (&target);
      target = cell_open_in_root (ctx->root_dfd, op->dest, O_PATH | O_DIRECTORY, 0);
      if (target < 0)
        return cell_err_errno (err, "%s", what);
      if (cell_mount_fs_at (op->source, "overlay", op->mflags, data, target, what, err) < 0)
        return -1;
      return post_mount (ctx, op, what, err);
    }
  /* lowerdir/upperdir/workdir are host paths: still reachable before pivot_root */
  if (cell_mount_fs_at (op->source, "overlay", op->mflags, data, target, what, err) < 0)
    return -1;
  return post_mount (ctx, op, what, err);
}

static int
op_console (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  cleanup_close int target = -1;
  if (cell_pty_open (ctx->root_dfd, &ctx->console_master, &ctx->console_fd, err) < 0)
    return -1;
  /* in the runtime's mount namespace nothing is mounted */
  if (!ctx->plan->ns[CELL_NS_MOUNT].create && !ctx->plan->ns[CELL_NS_MOUNT].path)
    return 0;
  target = open_target (ctx, op, true, err);
  if (target < 0)
    return -1;
  /* the pty peer fd itself is bound: no /dev/pts/N lookup a container could swap */
  return cell_bind_at (NULL, ctx->console_fd, false, 0, 0, 0, target, "the pty on `/dev/console`", err);
}

static int
op_pivot (struct cell_fsop_ctx *ctx, struct cell_error **err)
{
  /* a sandbox's host tree goes with the old root */
  cell_closep (&ctx->host_dfd);
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
      /* pivot_root(".", "."): the old root ends up stacked on the new one, then goes away. "." must name the
         old root for that (our cwd is still the new root's top, whose mounts keep their own propagation:
         an rshared bind stays shared) */
      cleanup_close int old_root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (old_root < 0)
        return cell_err_errno (err, "open the old root");
      if (syscall (SYS_pivot_root, ".", ".") < 0)
        return cell_err_errno (err, "pivot_root");
      if (fchdir (old_root) < 0)
        return cell_err_errno (err, "chdir to the old root");
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
  return 0;
}

int
cell_fsop_root_propagation (struct cell_fsop_ctx *ctx, struct cell_error **err)
{
  if (ctx->plan->rootfs_propagation && ctx->plan->root_switch != CELL_ROOT_CHROOT
      && mount (NULL, "/", NULL, ctx->plan->rootfs_propagation, NULL) < 0)
    return cell_err_errno (err, "set rootfs propagation");
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
  if (!ctx->devnull_attached)
    {
      /* the clone itself goes on the first file: closed detached, it would be unmounted, and an unmount
         waits for an expedited RCU grace period; later masks clone it where it now is */
      if (cell_move_mount_at (ctx->devnull_fd, target, what, err) < 0)
        return -1;
      ctx->devnull_attached = true;
      return 0;
    }
  return cell_bind_at (NULL, ctx->devnull_fd, false, 0, 0, 0, target, what, err);
}

/* May this process write the inode `fd` (O_PATH) refers to? Read-only already, or not ours: false. */
static bool
writable (int fd)
{
  char self[64];
  if (faccessat (fd, "", W_OK, AT_EMPTY_PATH) == 0)
    return true;
  if (errno != EINVAL && errno != ENOSYS)
    return false;
  /* no faccessat2 (before Linux 5.8): through the fd's magic link */
  snprintf (self, sizeof (self), "/proc/self/fd/%d", fd);
  return access (self, W_OK) == 0;
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
  if ((op->flags & CELL_OPF_IF_WRITABLE) && !writable (target))
    return 0;
  /* a recursive copy of whatever is there, made read-only before it is attached over the original: the
     resolved inode is the one that ends up read-only, whatever happens to the path meanwhile */
  return cell_bind_at (NULL, target, true, 0, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0,
                       target, what, err);
}

int
cell_fsop_execute (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err)
{
  if (op->kind != CELL_OP_ROOT_BIND && op->kind != CELL_OP_ROOT_IMAGE && op->kind != CELL_OP_ROOT_TMPFS
      && ctx->root_dfd < 0)
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
      if (op->flags & CELL_OPF_IDMAP)
        {
          int *mnt = prepared_fd (ctx, op);
          if (!mnt)
            return cell_err (err, 0, "id-mapped `%s` on `%s`: not prepared", op->source, op->dest);
          return op_bind_prepared (ctx, op, mnt, err);
        }
      return op_bind (ctx, op, err);
    case CELL_OP_CGROUP:
      {
        cleanup_close int target = open_target (ctx, op, false, err);
        if (target < 0)
          return -1;
        return cell_mount_cgroups (ctx->root_dfd, op->dest, target, ctx->own_cgroupns,
                                   (op->mflags & MS_RDONLY) != 0, op->mflags, ctx->cgroups, ctx->n_cgroups,
                                   err);
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
        mode_t mode = (op->flags & CELL_OPF_MODE) ? op->mode : op->mode ? op->mode : 0755;
        cleanup_close int fd = cell_open_in_root (ctx->root_dfd, op->dest, O_PATH | O_DIRECTORY, 0);
        char self[64];
        /* a directory that exists keeps its mode (bwrap's --dir) */
        if (fd >= 0)
          return 0;
        fd = cell_mkpath_in_root_mode (ctx->root_dfd, op->dest, false, mode ? mode : 0755,
                                       cell_op_parent_mode (op));
        if (fd < 0)
          return cell_err_errno (err, "mkdir `%s`", op->dest);
        /* a mode of 0 too (mkpath treats 0 as its default) */
        snprintf (self, sizeof (self), "/proc/self/fd/%d", fd);
        if ((op->flags & CELL_OPF_MODE) && chmod (self, mode) < 0)
          return cell_err_errno (err, "chmod `%s`", op->dest);
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
        /* the mount at dest alone; a sandbox's --remount-ro adds nosuid and nodev too (its mflags) */
        cleanup_close int fd = cell_open_in_root (ctx->root_dfd, op->dest, O_PATH, 0);
        cleanup_free char *what = xasprintf ("remount `%s` read-only", op->dest);
        uint64_t attrs = op->mflags ? cell_ms_to_attr (op->mflags) : MOUNT_ATTR_RDONLY;
        if (fd < 0)
          return cell_err_errno (err, "%s", what);
        return cell_mount_setattr (fd, false, attrs, 0, 0, what, err);
      }
    case CELL_OP_OVERLAY:
      return op_overlay (ctx, op, err);
    case CELL_OP_ROOT_TMPFS:
      return cell_fsop_root_tmpfs (ctx, op, err);
    case CELL_OP_CHMOD:
      return cell_fsop_chmod (ctx, op, err);
    case CELL_OP_FILE:
      return cell_fsop_file (ctx, op, err);
    case CELL_OP_BIND_DATA:
      return cell_fsop_bind_data (ctx, op, err);
    case CELL_OP_IMAGE:
      {
        int *mnt = prepared_fd (ctx, op);
        cleanup_close int target = -1;
        cleanup_free char *what = xasprintf ("image `%s` on `%s`", op->source, op->dest);
        if (!mnt)
          return cell_err (err, 0, "%s: not prepared", what);
        target = open_target (ctx, op, false, err);
        if (target < 0 || cell_move_mount_at (*mnt, target, what, err) < 0)
          return -1;
        cell_closep (mnt);
        return post_mount (ctx, op, what, err);
      }
    }
  return cell_err (err, 0, "plan: operation `%s` is not supported yet", cell_op_kind_name (op->kind));
}
