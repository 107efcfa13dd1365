/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sync.c: the setup protocol's table of steps and its packets (SOCK_SEQPACKET: type, step number, payload;
   SCM_RIGHTS for an fd; SO_PASSCRED for init's pid). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "fd-util.h"
#include "sync.h"
#include "xalloc.h"

#define SYNC_MAX (256 * 1024)

/* The protocol. Every container walks the rows whose condition holds, in this order, and nothing else:

     step          from     condition          carries                  answered by
     UNSHARED      init     shape.unshared     -                        GO
     GO            runtime  not exec           fd: image root in parts  -
     INIT          init     shape.init_pid     init's pid (credentials) -
     MOUNTS_DONE   init     shape.hooks        -                        HOOKS_DONE
     HOOKS_DONE    runtime  shape.hooks        state JSON               -
     PTY           init     shape.pty          fd: pty master           -
     SECCOMP       init     shape.seccomp      fd: notify fd            -
     READY         init     always             -                        EOF at exec

   ("init" is the process `exec` starts, for shape.exec.) ERROR may replace any message from init. Only one
   process ever writes init's side: the middle process of a second fork exits without a word, and init names
   itself through the socket's credentials, so two messages can never race each other. */
static const struct
{
  enum cell_sync_type type;
  const char *name;
  bool from_init;
} rows[] = {
  { CELL_SYNC_UNSHARED, "UNSHARED", true },
  { CELL_SYNC_GO, "GO", false },
  { CELL_SYNC_INIT, "INIT", true },
  { CELL_SYNC_MOUNTS_DONE, "MOUNTS_DONE", true },
  { CELL_SYNC_HOOKS_DONE, "HOOKS_DONE", false },
  { CELL_SYNC_PTY, "PTY", true },
  { CELL_SYNC_SECCOMP, "SECCOMP", true },
  { CELL_SYNC_READY, "READY", true },
};

const char *
cell_sync_name (enum cell_sync_type type)
{
  if (type == CELL_SYNC_ERROR)
    return "ERROR";
  for (size_t i = 0; i < ARRAY_SIZE (rows); i++)
    if (rows[i].type == type)
      return rows[i].name;
  return "?";
}

void
cell_sync_init (struct cell_sync *s, int sock, const struct cell_sync_shape *shape)
{
  memset (s, 0, sizeof (*s));
  s->sock = sock;
  for (size_t i = 0; i < ARRAY_SIZE (rows); i++)
    {
      enum cell_sync_type t = rows[i].type;
      bool setup = t == CELL_SYNC_UNSHARED || t == CELL_SYNC_GO || t == CELL_SYNC_MOUNTS_DONE
                   || t == CELL_SYNC_HOOKS_DONE;
      if ((shape->exec && setup) || (t == CELL_SYNC_UNSHARED && !shape->unshared)
          || (t == CELL_SYNC_INIT && !shape->init_pid) || (t == CELL_SYNC_PTY && !shape->pty)
          || (t == CELL_SYNC_SECCOMP && !shape->seccomp_notify)
          || ((t == CELL_SYNC_MOUNTS_DONE || t == CELL_SYNC_HOOKS_DONE) && !shape->hooks))
        continue;
      s->steps[s->n++] = t;
    }
}

int
cell_sync_runtime_end (int sock, struct cell_error **err)
{
  int on = 1;
  if (setsockopt (sock, SOL_SOCKET, SO_PASSCRED, &on, sizeof (on)) < 0)
    return cell_err_errno (err, "setup socket: SO_PASSCRED");
  return 0;
}

static int
check_next (struct cell_sync *s, enum cell_sync_type type, struct cell_error **err)
{
  if (s->next >= s->n || s->steps[s->next] != type)
    return cell_err (err, 0, "setup protocol: %s is not step %zu (%s)", cell_sync_name (type), s->next,
                     s->next < s->n ? cell_sync_name (s->steps[s->next]) : "none left");
  return 0;
}

static int
send_packet (int sock, enum cell_sync_type type, size_t step, const char *payload, int fd)
{
  size_t plen = payload ? strlen (payload) : 0;
  cleanup_free char *buf = NULL;

  if (plen + 2 > SYNC_MAX)
    {
      errno = EMSGSIZE;
      return -1;
    }
  buf = xmalloc (plen + 2);
  buf[0] = (char)type;
  buf[1] = (char)step;
  if (plen)
    memcpy (buf + 2, payload, plen);
  return cell_sendmsg_fd (sock, buf, plen + 2, fd);
}

int
cell_sync_send (struct cell_sync *s, enum cell_sync_type type, const char *payload, int fd,
                struct cell_error **err)
{
  if (check_next (s, type, err) < 0)
    return -1;
  if (send_packet (s->sock, type, s->next, payload, fd) < 0)
    return cell_err_errno (err, "setup protocol: send %s", cell_sync_name (type));
  s->next++;
  return 0;
}

int
cell_sync_send_fd_now (struct cell_sync *s, enum cell_sync_type type, int fd)
{
  char packet[2];
  if (s->next >= s->n || s->steps[s->next] != type)
    return -1;
  packet[0] = (char)type;
  packet[1] = (char)s->next;
  if (cell_sendmsg_fd (s->sock, packet, sizeof (packet), fd) < 0)
    return -1;
  s->next++;
  return 0;
}

void
cell_sync_fail (int sock, const char *msg)
{
  (void)send_packet (sock, CELL_SYNC_ERROR, 0xff, msg ? msg : "setup failed", -1);
}

struct packet
{
  enum cell_sync_type type;
  size_t step;
  char *payload;
  int fd;
  pid_t pid;
  bool eof;
};

static int
recv_packet (int sock, struct packet *p, struct cell_error **err)
{
  /* one message at a time in a process: a static buffer costs only the pages a message touches, where a
     heap one of this size is an mmap and munmap per message */
  static char buf[SYNC_MAX + 1];
  union
  {
    char b[CMSG_SPACE (sizeof (int)) + CMSG_SPACE (sizeof (struct ucred))];
    struct cmsghdr align;
  } cbuf;
  struct iovec iov = { .iov_base = buf, .iov_len = SYNC_MAX };
  struct msghdr msg
      = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.b, .msg_controllen = sizeof (cbuf) };
  ssize_t n;

  memset (p, 0, sizeof (*p));
  p->fd = -1;
  memset (&cbuf, 0, sizeof (cbuf));
  while ((n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
    if (errno != EINTR)
      return cell_err_errno (err, "setup protocol: receive");
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c; c = CMSG_NXTHDR (&msg, c))
    {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
        {
          size_t nfd = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);
          for (size_t i = 0; i < nfd; i++)
            {
              int got;
              memcpy (&got, CMSG_DATA (c) + i * sizeof (int), sizeof (int));
              /* one fd per message: keep the first, close any other */
              if (p->fd < 0)
                p->fd = got;
              else
                close (got);
            }
        }
      else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
        {
          struct ucred uc;
          memcpy (&uc, CMSG_DATA (c), sizeof (uc));
          p->pid = uc.pid;
        }
    }
  if (n == 0)
    {
      p->eof = true;
      return 0;
    }
  if (n < 2)
    {
      cell_closep (&p->fd);
      return cell_err (err, 0, "setup protocol: short message");
    }
  p->type = (enum cell_sync_type) (unsigned char)buf[0];
  p->step = (unsigned char)buf[1];
  p->payload = xstrndup (buf + 2, (size_t)n - 2);
  return 0;
}

int
cell_sync_recv (struct cell_sync *s, enum cell_sync_type type, char **payload, int *fd, pid_t *pid,
                struct cell_error **err)
{
  struct packet p;

  if (payload)
    *payload = NULL;
  if (fd)
    *fd = -1;
  if (check_next (s, type, err) < 0 || recv_packet (s->sock, &p, err) < 0)
    return -1;
  if (p.eof)
    return cell_err (err, 0, "container init exited during setup (waiting for %s)", cell_sync_name (type));
  if (p.type == CELL_SYNC_ERROR)
    {
      cell_err (err, 0, "%s", p.payload);
      free (p.payload);
      cell_closep (&p.fd);
      return -1;
    }
  if (p.type != type || p.step != s->next)
    {
      cell_err (err, 0, "setup protocol: got %s as step %zu, wanted %s as step %zu", cell_sync_name (p.type),
                p.step, cell_sync_name (type), s->next);
      free (p.payload);
      cell_closep (&p.fd);
      return -1;
    }
  s->next++;
  if (payload)
    *payload = p.payload;
  else
    free (p.payload);
  if (fd)
    *fd = p.fd;
  else
    cell_closep (&p.fd);
  if (pid)
    *pid = p.pid;
  return 0;
}

int
cell_sync_wait_exec (struct cell_sync *s, struct cell_error **err)
{
  struct packet p;

  if (recv_packet (s->sock, &p, err) < 0)
    return -1;
  cell_closep (&p.fd);
  if (p.eof)
    return 0;
  if (p.type == CELL_SYNC_ERROR)
    cell_err (err, 0, "%s", p.payload);
  else
    cell_err (err, 0, "setup protocol: got %s after READY", cell_sync_name (p.type));
  free (p.payload);
  return -1;
}
