/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sync.c: the setup protocol's packets between runtime and init (SOCK_SEQPACKET, SCM_RIGHTS for the pty). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "fd-util.h"
#include "sync.h"
#include "xalloc.h"

int
cell_sync_send (int sock, enum cell_sync_type type, const char *payload, int fd, struct cell_error **err)
{
  size_t plen = payload ? strlen (payload) : 0;
  cleanup_free char *buf = xmalloc (plen + 1);

  if (plen >= CELL_SYNC_MAX)
    return cell_err (err, 0, "setup message too long");
  buf[0] = (char)type;
  if (plen)
    memcpy (buf + 1, payload, plen);
  if (cell_sendmsg_fd (sock, buf, plen + 1, fd) < 0)
    return cell_err_errno (err, "setup message to %s", "peer");
  return 0;
}

int
cell_sync_recv (int sock, enum cell_sync_type *type, char **payload, int *fd, struct cell_error **err)
{
  cleanup_free char *buf = xmalloc (CELL_SYNC_MAX + 1);
  char cbuf[CMSG_SPACE (sizeof (int))] = { 0 };
  struct iovec iov = { .iov_base = buf, .iov_len = CELL_SYNC_MAX };
  struct msghdr msg
      = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof (cbuf) };
  ssize_t n;

  if (fd)
    *fd = -1;
  if (payload)
    *payload = NULL;
  while ((n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
    if (errno != EINTR)
      return cell_err_errno (err, "setup message");
  if (n == 0)
    return cell_err (err, 0, "container init exited during setup");
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c; c = CMSG_NXTHDR (&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      {
        int got;
        memcpy (&got, CMSG_DATA (c), sizeof (int));
        /* one fd is expected: keep the last, close any other */
        if (fd && *fd >= 0)
          close (*fd);
        if (fd)
          *fd = got;
        else
          close (got);
      }
  *type = (enum cell_sync_type) (unsigned char)buf[0];
  if (payload)
    *payload = xstrndup (buf + 1, (size_t)n - 1);
  return 0;
}

int
cell_sync_expect (int sock, enum cell_sync_type want, char **payload, int *fd, struct cell_error **err)
{
  enum cell_sync_type t;
  char *p = NULL;
  if (cell_sync_recv (sock, &t, &p, fd, err) < 0)
    return -1;
  if (t == CELL_SYNC_ERROR)
    {
      cell_err (err, 0, "%s", p);
      free (p);
      return -1;
    }
  if (t != want)
    {
      free (p);
      return cell_err (err, 0, "setup protocol: unexpected message %d (wanted %d)", (int)t, (int)want);
    }
  if (payload)
    *payload = p;
  else
    free (p);
  return 0;
}
