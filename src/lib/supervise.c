/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* supervise.c: `run` in the foreground: waits for init while forwarding signals to it, reaping orphans (the
   runtime is a subreaper) and relaying the pty when the runtime owns it. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "supervise.h"

static struct termios saved_tio;
static bool tio_saved;

static void
tty_raw (void)
{
  struct termios t;
  if (!isatty (0) || tcgetattr (0, &saved_tio) < 0)
    return;
  tio_saved = true;
  t = saved_tio;
  cfmakeraw (&t);
  t.c_oflag |= OPOST; /* keep \n -> \r\n on our side */
  tcsetattr (0, TCSANOW, &t);
}

static void
tty_restore (void)
{
  if (tio_saved)
    tcsetattr (0, TCSANOW, &saved_tio);
}

static bool
copy_fd (int from, int to)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof buf);
  if (n <= 0)
    return false;
  for (ssize_t off = 0; off < n;)
    {
      ssize_t w = write (to, buf + off, (size_t)(n - off));
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return true; /* the reader went away; keep draining */
      off += w;
    }
  return true;
}

/* What the wait watches; a handler per kind of event. */
struct watch
{
  pid_t pid;
  int pidfd, pty_master, status_fd, sfd;
  bool stdin_open;
  bool done, never_started;
  int wstatus;
};

static void
on_pty (struct watch *w)
{
  if (!copy_fd (w->pty_master, 1))
    {
      close (w->pty_master);
      w->pty_master = -1;
      w->stdin_open = false;
    }
}

/* A sandbox's report (`x` CODE: the command ended, its pid 1 runs on reaping what is left; `E` CODE: it
   never started), else EOF at its exec. */
static void
on_status (struct watch *w)
{
  unsigned char b[2];
  ssize_t r = read (w->status_fd, b, 2);
  if (r == 2)
    {
      w->wstatus = W_EXITCODE (b[1], 0);
      w->done = true;
      w->never_started = b[0] == 'E';
    }
  else if (r >= 0 || errno != EINTR)
    w->status_fd = -1;
}

static void
on_pidfd (struct watch *w)
{
  int st;
  pid_t r = waitpid (w->pid, &st, WNOHANG | __WALL);
  if (r == w->pid)
    {
      w->wstatus = st;
      w->done = true;
    }
  else if (r < 0 && errno == ECHILD)
    {
      /* not ours to reap (the caller is no subreaper of it): gone, its status unknown */
      w->wstatus = W_EXITCODE (255, 0);
      w->done = true;
    }
}

static void
on_signal (struct watch *w)
{
  struct signalfd_siginfo si;
  struct winsize ws;
  if (read (w->sfd, &si, sizeof si) != sizeof si)
    return;
  if (si.ssi_signo == SIGCHLD)
    {
      int st;
      pid_t p;
      while ((p = waitpid (-1, &st, WNOHANG | __WALL)) > 0)
        if (p == w->pid)
          {
            w->wstatus = st;
            w->done = true;
          }
    }
  else if (si.ssi_signo == SIGWINCH && w->pty_master >= 0)
    {
      if (ioctl (0, TIOCGWINSZ, &ws) == 0)
        ioctl (w->pty_master, TIOCSWINSZ, &ws);
    }
  else if (w->pidfd >= 0)
    syscall (SYS_pidfd_send_signal, w->pidfd, si.ssi_signo, NULL, 0);
  else
    kill (w->pid, (int)si.ssi_signo);
}

/* One poll over what is still open; false when poll fails for good. */
static bool
watch_once (struct watch *w)
{
  struct pollfd pfd[5];
  int n = 0, i_pty = -1, i_in = -1, i_pid = -1, i_status = -1;
  const short ready = POLLIN | POLLHUP | POLLERR;

  pfd[n++] = (struct pollfd){ .fd = w->sfd, .events = POLLIN };
  /* the pidfd too: init may have exited before the signalfd existed (its SIGCHLD is then gone) */
  if (w->pidfd >= 0)
    {
      pfd[n] = (struct pollfd){ .fd = w->pidfd, .events = POLLIN };
      i_pid = n++;
    }
  if (w->status_fd >= 0)
    {
      pfd[n] = (struct pollfd){ .fd = w->status_fd, .events = POLLIN };
      i_status = n++;
    }
  if (w->pty_master >= 0)
    {
      pfd[n] = (struct pollfd){ .fd = w->pty_master, .events = POLLIN };
      i_pty = n++;
      if (w->stdin_open)
        {
          pfd[n] = (struct pollfd){ .fd = 0, .events = POLLIN };
          i_in = n++;
        }
    }
  if (poll (pfd, (nfds_t)n, -1) < 0)
    return errno == EINTR;
  if (i_pty >= 0 && (pfd[i_pty].revents & ready))
    on_pty (w);
  if (i_in >= 0 && (pfd[i_in].revents & ready) && !copy_fd (0, w->pty_master))
    w->stdin_open = false;
  if (i_status >= 0 && (pfd[i_status].revents & ready))
    on_status (w);
  if (i_pid >= 0 && (pfd[i_pid].revents & POLLIN))
    on_pidfd (w);
  if (pfd[0].revents & POLLIN)
    on_signal (w);
  return true;
}

int
cell_supervise (pid_t pid, int pidfd, int pty_master, int status_fd, int *wstatus)
{
  sigset_t mask;
  struct winsize ws;
  struct watch w = {
    .pid = pid,
    .pidfd = pidfd,
    .pty_master = pty_master,
    .status_fd = status_fd,
    .stdin_open = pty_master >= 0,
  };

  sigfillset (&mask);
  sigdelset (&mask, SIGSEGV);
  sigdelset (&mask, SIGBUS);
  sigdelset (&mask, SIGILL);
  sigdelset (&mask, SIGFPE);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  w.sfd = signalfd (-1, &mask, SFD_CLOEXEC);
  if (pty_master >= 0)
    {
      if (isatty (0) && ioctl (0, TIOCGWINSZ, &ws) == 0)
        ioctl (pty_master, TIOCSWINSZ, &ws);
      tty_raw ();
    }
  while (!w.done && watch_once (&w))
    ;
  /* Drain what the container wrote last. */
  if (w.pty_master >= 0)
    {
      struct pollfd p = { .fd = w.pty_master, .events = POLLIN };
      while (poll (&p, 1, 0) > 0 && (p.revents & POLLIN) && copy_fd (w.pty_master, 1))
        ;
      close (w.pty_master);
    }
  tty_restore ();
  sigprocmask (SIG_UNBLOCK, &mask, NULL);
  if (w.sfd >= 0)
    close (w.sfd);
  *wstatus = w.wstatus;
  return w.never_started ? 1 : 0;
}

int
cell_exit_code (int wstatus)
{
  if (WIFEXITED (wstatus))
    return WEXITSTATUS (wstatus);
  if (WIFSIGNALED (wstatus))
    return 128 + WTERMSIG (wstatus);
  return 255;
}
