/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fd-util.c: fd plumbing: close_range with a /proc/self/fd fallback, SCM_RIGHTS passing, full writes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "fd-util.h"

int
cell_close_from (int from, bool cloexec)
{
  DIR *d;
  struct dirent *e;

  if (syscall (SYS_close_range, (unsigned)from, ~0U, cloexec ? CLOSE_RANGE_CLOEXEC : 0) == 0)
    return 0;
  d = opendir ("/proc/self/fd");
  if (!d)
    return -1;
  while ((e = readdir (d)))
    {
      int fd = atoi (e->d_name);
      if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd < from || fd == dirfd (d))
        continue;
      if (cloexec)
        fcntl (fd, F_SETFD, FD_CLOEXEC);
      else
        close (fd);
    }
  closedir (d);
  return 0;
}

int
cell_close_own (const int *keep, size_t n)
{
  DIR *d = opendir ("/proc/self/fd");
  struct dirent *e;

  if (!d)
    return -1;
  while ((e = readdir (d)))
    {
      int fd = atoi (e->d_name), fl;
      bool kept = fd < 3 || fd == dirfd (d);
      if (e->d_name[0] < '0' || e->d_name[0] > '9')
        continue;
      for (size_t i = 0; i < n && !kept; i++)
        kept = keep[i] == fd;
      if (!kept && (fl = fcntl (fd, F_GETFD)) >= 0 && (fl & FD_CLOEXEC))
        close (fd);
    }
  closedir (d);
  return 0;
}

int
cell_sendmsg_fd (int sock, const void *buf, size_t len, int fd)
{
  char cbuf[CMSG_SPACE (sizeof (int))] = { 0 };
  struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
  if (fd >= 0)
    {
      struct cmsghdr *c;
      msg.msg_control = cbuf;
      msg.msg_controllen = sizeof (cbuf);
      c = CMSG_FIRSTHDR (&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (c), &fd, sizeof (int));
    }
  while (sendmsg (sock, &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return -1;
  return 0;
}

int
cell_write_file_at (int dfd, const char *path, int oflags, const void *buf, size_t len)
{
  const char *p = buf;
  size_t done = 0;
  int fd = openat (dfd, path, O_WRONLY | O_CLOEXEC | oflags);
  int e = 0;

  if (fd < 0)
    return -1;
  while (done < len && e == 0)
    {
      ssize_t n = write (fd, p + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        e = n < 0 ? errno : EIO;
      else
        done += (size_t)n;
    }
  close (fd);
  errno = e;
  return e ? -1 : 0;
}

int
cell_close_all_except (int from, const int *keep, size_t n)
{
  int sorted[32];
  size_t m = 0;
  int lo = from;

  for (size_t i = 0; i < n && m < ARRAY_SIZE (sorted); i++)
    if (keep[i] >= from)
      sorted[m++] = keep[i];
  for (size_t i = 1; i < m; i++)
    for (size_t k = i; k > 0 && sorted[k - 1] > sorted[k]; k--)
      {
        int t = sorted[k];
        sorted[k] = sorted[k - 1];
        sorted[k - 1] = t;
      }
  for (size_t i = 0; i < m; i++)
    {
      if (sorted[i] > lo && syscall (SYS_close_range, (unsigned)lo, (unsigned)sorted[i] - 1, 0) < 0)
        for (int fd = lo; fd < sorted[i]; fd++)
          close (fd);
      lo = sorted[i] + 1;
    }
  return cell_close_from (lo, false);
}
