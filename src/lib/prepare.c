/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* prepare.c: the runtime's side of the root: the rootfs directory cloned as a detached mount, image roots
   and image mounts, id-mapped binds, checks of overlay layers, and the mount(2) helper for image roots built
   in parts. */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fd-util.h"
#include "log.h"
#include "mount.h"
#include "ns.h"
#include "prepare.h"
#include "xalloc.h"

void
cell_prepared_init (struct cell_prepared *p)
{
  memset (p, 0, sizeof (*p));
  p->root_fd = p->root_mnt = -1;
  cell_image_root_init (&p->image);
}

void
cell_prepared_release (struct cell_prepared *p)
{
  cell_closep (&p->root_fd);
  cell_closep (&p->root_mnt);
  cell_image_root_release (&p->image);
  for (size_t i = 0; i < p->n_op_fds; i++)
    cell_closep (&p->op_fds[i]);
  free (p->op_fds);
  p->op_fds = NULL;
  p->n_op_fds = 0;
}

size_t
cell_prepared_fds (const struct cell_prepared *p, int *keep, size_t max)
{
  size_t n = 0;
  int fds[] = { p->root_fd, p->root_mnt, p->image.mnt_fd };
  for (size_t i = 0; i < ARRAY_SIZE (fds) && n < max; i++)
    if (fds[i] >= 0)
      keep[n++] = fds[i];
  for (size_t i = 0; i < p->n_op_fds && n < max; i++)
    if (p->op_fds[i] >= 0)
      keep[n++] = p->op_fds[i];
  return n;
}

/* Everything checked before anything is made: a failure attaches no loop device. */
static int
check_ops (const struct cell_plan *plan, size_t *n_images, size_t *n_idmapped, struct cell_error **err)
{
  *n_images = *n_idmapped = 0;
  for (size_t i = 0; i < plan->n_ops; i++)
    {
      const struct cell_op *op = &plan->ops[i];
      cleanup_free char *what = NULL;
      bool image = false;
      if (op->kind == CELL_OP_BIND && (op->flags & CELL_OPF_IDMAP))
        {
          /* the mount and its user namespace are made here, with privileges a rootless runtime lacks (runc
             refuses them rootless too) */
          if (geteuid () != 0)
            return cell_err (err, 0, "id-mapped mount on `%s`: not supported for a rootless container",
                             op->dest);
          ++*n_idmapped;
        }
      /* a sandbox's layers may name the new root's paths (+PATH): init resolves them */
      if (op->kind == CELL_OP_OVERLAY && !plan->sandbox)
        {
          what = xasprintf ("`overlay` on `%s`", op->dest);
          if (cell_image_overlay_check (op->data, what, err) < 0)
            return -1;
        }
      if (op->kind == CELL_OP_IMAGE)
        {
          if (++*n_images > CELL_PREPARE_MAX_IMAGES)
            return cell_err (err, 0, "more than %d squashfs image mounts", CELL_PREPARE_MAX_IMAGES);
          if (cell_image_probe (op->source, &image, err) < 0)
            return -1;
          if (!image)
            return cell_err (err, 0, "image `%s` on `%s`: not a squashfs image", op->source, op->dest);
        }
    }
  return 0;
}

int
cell_prepare_clone_root (const struct cell_plan *plan, int dir_fd, int *mnt, struct cell_error **err)
{
  unsigned long want = plan->rootfs_propagation;
  unsigned long prop = (want == 0 || (want & MS_SLAVE)) ? MS_SLAVE : MS_PRIVATE;
  cleanup_close int t = (int)syscall (SYS_open_tree, dir_fd, "",
                                      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);

  if (t < 0)
    return cell_err_errno (err, "bind rootfs `%s`", plan->rootfs);
  if (cell_mount_setattr (t, true, 0, 0, prop, "the rootfs", err) < 0)
    return -1;
  *mnt = steal_fd (&t);
  return 0;
}

/* The rootfs directory as a detached recursive clone, taken from the fd opened once (no path is looked up
   again), its propagation cut before it is ever attached: a slave of the host's mounts (they still show up,
   as with runc's rslave default), or private when the configured propagation is not a slave one. A runtime
   that may not clone mounts (rootless: no CAP_SYS_ADMIN in the initial user namespace) leaves that to init,
   which may in the mount namespace its own user namespace owns. */
static int
clone_dir_root (const struct cell_plan *plan, int rootfs_fd, struct cell_prepared *p, struct cell_error **err)
{
  struct stat st;
  cleanup_error struct cell_error *e = NULL;

  if (fstat (rootfs_fd, &st) < 0)
    return cell_err_errno (err, "rootfs `%s`", plan->rootfs);
  p->root_dev = st.st_dev;
  p->root_ino = st.st_ino;
  p->root_fd = fcntl (rootfs_fd, F_DUPFD_CLOEXEC, 3);
  if (p->root_fd < 0)
    return cell_err_errno (err, "rootfs `%s`", plan->rootfs);
  if (plan->root_switch == CELL_ROOT_CHROOT)
    return 0;
  if (cell_prepare_clone_root (plan, rootfs_fd, &p->root_mnt, &e) == 0)
    return 0;
  if (e->code == EPERM && plan->ns[CELL_NS_USER].create && plan->ns[CELL_NS_MOUNT].create)
    {
      cell_debug ("rootfs `%s`: the runtime may not clone mounts: init binds it in its own namespaces",
                  plan->rootfs);
      return 0;
    }
  *err = steal_ptr (&e);
  return -1;
}

/* User namespaces made for id-mapped mounts, one per distinct pair of maps. */
struct userns_cache
{
  const char *uid_map, *gid_map; /* the plan's strings */
  int fd;
};

static int
userns_for (const struct cell_plan *plan, const struct cell_op *op, struct userns_cache *cache, size_t *n,
            struct cell_error **err)
{
  int fd;
  if (!op->idmap_uid)
    {
      /* the container joins this user namespace: the mount is mapped through it (runc does the same) */
      const char *path = plan->ns[CELL_NS_USER].path;
      for (size_t i = 0; i < *n; i++)
        if (!cache[i].uid_map)
          return cache[i].fd;
      if (!path)
        return cell_err (err, 0, "id-mapped mount on `%s`: no user namespace to map it through", op->dest);
      if (cell_ns_open (path, CELL_NS_USER, &fd, err) < 0)
        return -1;
    }
  else
    {
      for (size_t i = 0; i < *n; i++)
        if (cache[i].uid_map && streq (cache[i].uid_map, op->idmap_uid)
            && streq (cache[i].gid_map, op->idmap_gid))
          return cache[i].fd;
      if (cell_ns_userns_for_maps (op->idmap_uid, op->idmap_gid, &fd, err) < 0)
        return cell_err_wrap (err, "id-mapped mount on `%s`", op->dest);
    }
  cache[*n] = (struct userns_cache){ .uid_map = op->idmap_uid, .gid_map = op->idmap_gid, .fd = fd };
  ++*n;
  return fd;
}

/* An id-mapped bind: a detached copy of the source (recursive for an rbind), id-mapped (every mount of it
   with ridmap) and given its flags before init attaches it: MOUNT_ATTR_IDMAP takes only a mount never
   attached, and a user namespace init could not make (its own is the container's). */
static int
prepare_idmapped (const struct cell_op *op, int userns_fd, int *out, struct cell_error **err)
{
  cleanup_free char *what = xasprintf ("`%s` on `%s`", op->source, op->dest);
  cleanup_close int t
      = (int)syscall (SYS_open_tree, AT_FDCWD, op->source,
                      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (op->recursive ? AT_RECURSIVE : 0));
  if (t < 0)
    return cell_err_errno (err, "bind %s", what);
  if (cell_mount_set_idmap (t, userns_fd, (op->flags & CELL_OPF_IDMAP_REC) != 0, what, err) < 0
      || cell_mount_setattr (t, false, cell_ms_to_attr (op->mflags), 0, 0, what, err) < 0
      || cell_mount_setattr (t, true, op->attr_set, op->attr_clr, 0, what, err) < 0)
    return -1;
  *out = steal_fd (&t);
  return 0;
}

static int
prepare_idmapped_all (const struct cell_plan *plan, struct cell_prepared *p, struct cell_error **err)
{
  cleanup_free struct userns_cache *cache = xcalloc (plan->n_ops, sizeof (*cache));
  size_t n = 0;
  int r = 0;
  for (size_t i = 0; i < plan->n_ops && r == 0; i++)
    {
      const struct cell_op *op = &plan->ops[i];
      int userns;
      if (op->kind != CELL_OP_BIND || !(op->flags & CELL_OPF_IDMAP))
        continue;
      userns = userns_for (plan, op, cache, &n, err);
      r = userns < 0 ? -1 : prepare_idmapped (op, userns, &p->op_fds[i], err);
    }
  for (size_t i = 0; i < n; i++)
    close (cache[i].fd);
  return r;
}

int
cell_prepare (const struct cell_plan *plan, const struct cell_prepare_opts *o, struct cell_prepared *p,
              struct cell_error **err)
{
  size_t n_images, n_idmapped;

  if (check_ops (plan, &n_images, &n_idmapped, err) < 0)
    return -1;
  if (n_images || n_idmapped)
    {
      p->op_fds = xcalloc (plan->n_ops, sizeof (int));
      p->n_op_fds = plan->n_ops;
      for (size_t k = 0; k < plan->n_ops; k++)
        p->op_fds[k] = -1;
    }
  for (size_t i = 0; i < plan->n_ops; i++)
    {
      const struct cell_op *op = &plan->ops[i];
      if (op->kind == CELL_OP_ROOT_BIND && clone_dir_root (plan, o->rootfs_fd, p, err) < 0)
        return -1;
      if (op->kind == CELL_OP_ROOT_IMAGE)
        {
          struct cell_image_root_opts io = {
            .readonly = (op->mflags & MS_RDONLY) != 0,
            .upper = plan->image_upper,
            .tmpfs_size = plan->image_tmpfs_size,
            .force_mount2 = o->force_mount2,
          };
          if (cell_image_root_prepare (o->rootfs_fd, op->source, &io, &p->image, err) < 0)
            return -1;
          p->root_mnt = steal_fd (&p->image.mnt_fd);
        }
      if (op->kind == CELL_OP_IMAGE && cell_image_mount_squashfs (op->source, &p->op_fds[i], err) < 0)
        return -1;
    }
  return n_idmapped ? prepare_idmapped_all (plan, p, err) : 0;
}

/* The helper: in init's mount namespace, build the root and send it back (or the error). */
static int
build_in_ns (struct cell_prepared *p, const char *dir, int ns, int sock)
{
  struct cell_error *e = NULL;
  cleanup_close int root = -1;
  char t = 1;

  if (setns (ns, CLONE_NEWNS) < 0)
    cell_err_errno (&e, "image `%s`: enter the container's mount namespace", p->image.image);
  /* nothing mounted from here on may propagate to the host */
  else if (mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    cell_err_errno (&e, "image `%s`: make the container's mounts slaves", p->image.image);
  else if (cell_image_root_build (&p->image, dir, &e) == 0)
    {
      root = open (dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (root < 0)
        cell_err_errno (&e, "image `%s`: open the built root", p->image.image);
    }
  if (e)
    return write (sock, e->msg, strlen (e->msg)) < 0 ? 2 : 1;
  return cell_sendmsg_fd (sock, &t, 1, root) < 0 ? 2 : 0;
}

int
cell_prepare_build_in (struct cell_prepared *p, pid_t pid, const char *dir, int *root_fd,
                       struct cell_error **err)
{
  cleanup_close int ns = -1;
  cleanup_close int sock = -1;
  char path[64], buf[4096];
  int sv[2], st;
  struct iovec iov = { .iov_base = buf, .iov_len = sizeof (buf) - 1 };
  union
  {
    char b[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } cbuf;
  struct msghdr msg
      = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.b, .msg_controllen = sizeof (cbuf) };
  ssize_t n;
  pid_t h;

  *root_fd = -1;
  if (!cell_image_root_in_parts (&p->image))
    return 0;
  snprintf (path, sizeof (path), "/proc/%d/ns/mnt", (int)pid);
  ns = open (path, O_RDONLY | O_CLOEXEC);
  if (ns < 0)
    return cell_err_errno (err, "image `%s`: open the container's mount namespace", p->image.image);
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return cell_err_errno (err, "socketpair");
  h = fork ();
  if (h == 0)
    {
      close (sv[0]);
      _exit (build_in_ns (p, dir, ns, sv[1]));
    }
  close (sv[1]);
  sock = sv[0];
  if (h < 0)
    return cell_err_errno (err, "image `%s`: fork the mount helper", p->image.image);
  memset (&cbuf, 0, sizeof (cbuf));
  while ((n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
    ;
  while (waitpid (h, &st, 0) < 0 && errno == EINTR)
    ;
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); n > 0 && c; c = CMSG_NXTHDR (&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      memcpy (root_fd, CMSG_DATA (c), sizeof (int));
  if (*root_fd >= 0)
    return 0;
  if (n > 1 || (n == 1 && buf[0] != 1))
    {
      buf[n] = '\0';
      return cell_err (err, 0, "%s", buf);
    }
  return cell_err (err, 0, "image `%s`: the mount helper sent no root", p->image.image);
}
