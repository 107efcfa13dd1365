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

int
cell_supervise (pid_t pid, int pidfd, int pty_master, int status_fd, int *wstatus)
{
  sigset_t mask;
  int sfd = -1;
  bool init_done = false, stdin_open = pty_master >= 0, never_started = false;
  struct winsize ws;

  sigfillset (&mask);
  sigdelset (&mask, SIGSEGV);
  sigdelset (&mask, SIGBUS);
  sigdelset (&mask, SIGILL);
  sigdelset (&mask, SIGFPE);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  sfd = signalfd (-1, &mask, SFD_CLOEXEC);
  if (pty_master >= 0)
    {
      if (isatty (0) && ioctl (0, TIOCGWINSZ, &ws) == 0)
        ioctl (pty_master, TIOCSWINSZ, &ws);
      tty_raw ();
    }
  while (!init_done)
    {
      struct pollfd pfd[5];
      int n = 0, i_sig, i_pty = -1, i_in = -1, i_pid = -1, i_status = -1;
      pfd[n] = (struct pollfd){ .fd = sfd, .events = POLLIN };
      i_sig = n++;
      /* the pidfd too: init may have exited before the signalfd existed (its SIGCHLD is then gone) */
      if (pidfd >= 0)
        {
          pfd[n] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
          i_pid = n++;
        }
      if (status_fd >= 0)
        {
          pfd[n] = (struct pollfd){ .fd = status_fd, .events = POLLIN };
          i_status = n++;
        }
      if (pty_master >= 0)
        {
          pfd[n] = (struct pollfd){ .fd = pty_master, .events = POLLIN };
          i_pty = n++;
          if (stdin_open)
            {
              pfd[n] = (struct pollfd){ .fd = 0, .events = POLLIN };
              i_in = n++;
            }
        }
      if (poll (pfd, (nfds_t)n, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (i_pty >= 0 && (pfd[i_pty].revents & (POLLIN | POLLHUP | POLLERR)))
        {
          if (!copy_fd (pty_master, 1))
            {
              close (pty_master);
              pty_master = -1;
              stdin_open = false;
            }
        }
      if (i_in >= 0 && (pfd[i_in].revents & (POLLIN | POLLHUP | POLLERR)))
        {
          if (!copy_fd (0, pty_master))
            stdin_open = false;
        }
      if (i_status >= 0 && (pfd[i_status].revents & (POLLIN | POLLHUP | POLLERR)))
        {
          /* a sandbox's report (`x` CODE: the command ended, its pid 1 runs on reaping what is left; `E`
             CODE: it never started), else EOF at its exec */
          unsigned char b[2];
          ssize_t r = read (status_fd, b, 2);
          if (r == 2)
            {
              *wstatus = W_EXITCODE (b[1], 0);
              init_done = true;
              never_started = b[0] == 'E';
            }
          else if (r >= 0 || errno != EINTR)
            status_fd = -1;
        }
      if (i_pid >= 0 && (pfd[i_pid].revents & POLLIN))
        {
          int st;
          pid_t w = waitpid (pid, &st, WNOHANG | __WALL);
          if (w == pid)
            {
              *wstatus = st;
              init_done = true;
            }
          else if (w < 0 && errno == ECHILD)
            {
              /* not ours to reap (the caller is no subreaper of it): gone, its status unknown */
              *wstatus = W_EXITCODE (255, 0);
              init_done = true;
            }
        }
      if (pfd[i_sig].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read (sfd, &si, sizeof si) != sizeof si)
            continue;
          if (si.ssi_signo == SIGCHLD)
            {
              int st;
              pid_t p;
              while ((p = waitpid (-1, &st, WNOHANG | __WALL)) > 0)
                if (p == pid)
                  {
                    *wstatus = st;
                    init_done = true;
                  }
            }
          else if (si.ssi_signo == SIGWINCH && pty_master >= 0)
            {
              if (ioctl (0, TIOCGWINSZ, &ws) == 0)
                ioctl (pty_master, TIOCSWINSZ, &ws);
            }
          else if (pidfd >= 0)
            syscall (SYS_pidfd_send_signal, pidfd, si.ssi_signo, NULL, 0);
          else
            kill (pid, (int)si.ssi_signo);
        }
    }
  /* Drain what the container wrote last. */
  if (pty_master >= 0)
    {
      struct pollfd p = { .fd = pty_master, .events = POLLIN };
      while (poll (&p, 1, 0) > 0 && (p.revents & POLLIN) && copy_fd (pty_master, 1))
        ;
      close (pty_master);
    }
  tty_restore ();
  sigprocmask (SIG_UNBLOCK, &mask, NULL);
  if (sfd >= 0)
    close (sfd);
  return never_started ? 1 : 0;
}
