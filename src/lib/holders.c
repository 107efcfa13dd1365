/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* holders.c: the processes that hold a listening unix socket bound at a file: the socket from sock_diag, its
   holders from /proc/PID/fd, each pinned by a pidfd. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include "holders.h"
#include "xalloc.h"

/* unix sockets report their state in TCP's terms (include/net/tcp_states.h) */
#define STATE_LISTEN 10

/* unix_diag reports udiag_vfs_dev as the kernel's own dev_t (include/linux/kdev_t.h MKDEV: major above a
   20-bit minor), not stat's encoding. */
static bool
same_dev (uint32_t kdev, dev_t dev)
{
  return (kdev >> 20) == major (dev) && (kdev & 0xfffff) == minor (dev);
}

/* The name the socket was bound with ends in "/name" (create binds "/proc/self/fd/N/name"): with the
   device and the inode (unix_diag has only its low 32 bits), it names the file. */
static bool
same_name (const struct rtattr *a, const char *name)
{
  size_t len = strnlen (RTA_DATA (a), RTA_PAYLOAD (a)), nl = strlen (name);
  const char *s = RTA_DATA (a);
  return len > nl && s[0] != '\0' && s[len - nl - 1] == '/' && memcmp (s + len - nl, name, nl) == 0;
}

/* One message of the dump: sets *sock_ino when it is the listening socket bound to the file. */
static int
match_msg (const struct nlmsghdr *h, dev_t dev, ino_t ino, const char *name, uint32_t *sock_ino,
           struct cell_error **err)
{
  const struct unix_diag_msg *m = NLMSG_DATA (h);
  int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH (sizeof *m);
  bool vfs = false, named = false;

  if (h->nlmsg_len < NLMSG_LENGTH (sizeof *m))
    return 0;
  for (const struct rtattr *a = (const struct rtattr *)(m + 1); RTA_OK (a, len); a = RTA_NEXT (a, len))
    {
      if (a->rta_type == UNIX_DIAG_VFS && RTA_PAYLOAD (a) >= sizeof (struct unix_diag_vfs))
        {
          const struct unix_diag_vfs *v = RTA_DATA (a);
          vfs = v->udiag_vfs_ino == (uint32_t)ino && same_dev (v->udiag_vfs_dev, dev);
        }
      else if (a->rta_type == UNIX_DIAG_NAME)
        named = same_name (a, name);
    }
  if (!vfs || !named)
    return 0;
  if (*sock_ino != 0 && *sock_ino != m->udiag_ino)
    return cell_err (err, 0, "sock_diag: two listening sockets are bound to `%s`", name);
  *sock_ino = m->udiag_ino;
  return 0;
}

/* The inode of the listening socket bound to the file dev/ino (0: none), from a dump of the listening unix
   sockets of the caller's network namespace. */
static int
bound_socket (dev_t dev, ino_t ino, const char *name, uint32_t *sock_ino, struct cell_error **err)
{
  cleanup_close int nl = socket (AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  struct
  {
    struct nlmsghdr h;
    struct unix_diag_req r;
  } req = {
    .h = { .nlmsg_len = sizeof req,
           .nlmsg_type = SOCK_DIAG_BY_FAMILY,
           .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
    .r = { .sdiag_family = AF_UNIX,
           .udiag_states = 1 << STATE_LISTEN,
           .udiag_show = UDIAG_SHOW_VFS | UDIAG_SHOW_NAME },
  };
  union
  {
    struct nlmsghdr h;
    char buf[32768];
  } resp;

  *sock_ino = 0;
  if (nl < 0)
    return cell_err_errno (err, "sock_diag: socket");
  if (sendto (nl, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
    return cell_err_errno (err, "sock_diag: ask for the unix sockets");
  for (;;)
    {
      ssize_t got = recv (nl, resp.buf, sizeof resp.buf, 0);
      unsigned int len = (unsigned int)got; /* NLMSG_OK compares it with the u32 nlmsg_len */
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        return cell_err_errno (err, "sock_diag: read the unix sockets");
      if (got == 0)
        return cell_err (err, EIO, "sock_diag: the dump of unix sockets ended early");
      for (const struct nlmsghdr *h = &resp.h; NLMSG_OK (h, len); h = NLMSG_NEXT (h, len))
        {
          if (h->nlmsg_type == NLMSG_DONE)
            return 0;
          if (h->nlmsg_type == NLMSG_ERROR)
            {
              const struct nlmsgerr *e = NLMSG_DATA (h);
              errno = -e->error;
              return cell_err_errno (err, "sock_diag of unix sockets");
            }
          if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY && match_msg (h, dev, ino, name, sock_ino, err) < 0)
            return -1;
        }
    }
}

/* The first fd of process `pid` (a /proc entry) that links to `want`, or -1. */
static int
find_fd (int proc_dfd, const char *pid, const char *want)
{
  cleanup_free char *sub = xasprintf ("%s/fd", pid);
  int fd_dfd = openat (proc_dfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd_dfd >= 0 ? fdopendir (fd_dfd) : NULL;
  struct dirent *de;
  int found = -1;

  if (d == NULL)
    {
      cell_closep (&fd_dfd);
      return -1; /* gone, or a kernel thread */
    }
  while (found < 0 && (de = readdir (d)) != NULL)
    {
      char link[64];
      ssize_t n = readlinkat (dirfd (d), de->d_name, link, sizeof link - 1);
      if (n <= 0)
        continue;
      link[n] = '\0';
      if (streq (link, want))
        found = atoi (de->d_name);
    }
  closedir (d);
  return found;
}

/* Does process `pid` hold `want` as fd `fd` (now, after the caller pinned it)? */
static bool
holds (pid_t pid, int fd, const char *want)
{
  char path[64], link[64];
  ssize_t n;
  snprintf (path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
  n = readlink (path, link, sizeof link - 1);
  if (n <= 0)
    return false;
  link[n] = '\0';
  return streq (link, want);
}

static int
scan_proc (uint32_t sock_ino, struct cell_holder **out, size_t *n, struct cell_error **err)
{
  DIR *proc = opendir ("/proc");
  struct dirent *de;
  char want[32];
  size_t cap = 0;

  if (proc == NULL)
    return cell_err_errno (err, "open `/proc`");
  snprintf (want, sizeof want, "socket:[%u]", sock_ino);
  while ((de = readdir (proc)) != NULL)
    {
      char *end;
      long pid = strtol (de->d_name, &end, 10);
      int fd, pidfd;
      if (*end != '\0' || pid <= 0 || pid > INT32_MAX || pid == getpid ())
        continue;
      fd = find_fd (dirfd (proc), de->d_name, want);
      if (fd < 0)
        continue;
      /* Pin it, then look again: if the pid was reused between the two, the new process holds no such fd
         (or, having inherited it, is the holder's own child). */
      pidfd = (int)syscall (SYS_pidfd_open, (pid_t)pid, 0);
      if (pidfd < 0)
        continue;
      if (!holds ((pid_t)pid, fd, want))
        {
          close (pidfd);
          continue;
        }
      *out = xgrow (*out, &cap, *n + 1, sizeof **out);
      (*out)[(*n)++] = (struct cell_holder){ .pid = (pid_t)pid, .pidfd = pidfd };
    }
  closedir (proc);
  return 0;
}

int
cell_holders_find (int dfd, const char *name, struct cell_holder **out, size_t *n, struct cell_error **err)
{
  struct stat st;
  uint32_t sock_ino = 0;

  *out = NULL;
  *n = 0;
  if (fstatat (dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : cell_err_errno (err, "stat `%s`", name);
  if (!S_ISSOCK (st.st_mode))
    return cell_err (err, 0, "`%s` is not a socket", name);
  if (bound_socket (st.st_dev, st.st_ino, name, &sock_ino, err) < 0)
    return -1;
  if (sock_ino == 0)
    return 0;
  if (scan_proc (sock_ino, out, n, err) < 0)
    {
      cell_holders_free (*out, *n);
      *out = NULL;
      *n = 0;
      return -1;
    }
  return 0;
}

void
cell_holders_free (struct cell_holder *h, size_t n)
{
  for (size_t i = 0; i < n; i++)
    cell_closep (&h[i].pidfd);
  free (h);
}
