/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hooks.c: fork/exec of one hook with the state on stdin, a pidfd-based wait with timeout. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include "hooks.h"
#include "log.h"
#include "signals.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

static long long
mono_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the child, between fork and execve: only async-signal-safe calls. */
static NORETURN void
hook_child (const struct cell_spec_hook *h, int in_fd, int errpipe, bool out_ok, bool err_ok)
{
  static char *const empty_env[] = { NULL };
  char *argv0[] = { h->path, NULL };
  sigset_t none;
  int e;

  /* Runtime signal handling (blocked signals for signalfd, ignored SIGPIPE) must not leak into the hook. */
  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      signal (s, SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);

  /* Move our two fds above 2 first, so the dup2 calls below cannot clobber them. */
  in_fd = fcntl (in_fd, F_DUPFD_CLOEXEC, 3);
  errpipe = fcntl (errpipe, F_DUPFD_CLOEXEC, 3);
  if (in_fd < 0 || errpipe < 0)
    _exit (127);
  if (!out_ok || !err_ok)
    {
      int nul = open ("/dev/null", O_RDWR | O_CLOEXEC);
      if (nul < 0 || (!out_ok && dup2 (nul, 1) < 0) || (!err_ok && dup2 (nul, 2) < 0))
        in_fd = -1;
    }
  if (in_fd >= 0 && dup2 (in_fd, 0) >= 0)
    {
      /* Everything else goes: close what is not close-on-exec, keep errpipe until execve succeeds. */
      if (errpipe > 3 && syscall (SYS_close_range, 3, errpipe - 1, 0) < 0)
        for (int fd = 3; fd < errpipe; fd++)
          close (fd);
      if (syscall (SYS_close_range, errpipe + 1, ~0U, 0) < 0)
        for (int fd = errpipe + 1; fd < 1024; fd++)
          close (fd);
      execve (h->path, h->args && h->args[0] ? h->args : argv0, h->env ? h->env : empty_env);
    }
  e = errno;
  if (write (errpipe, &e, sizeof e) < 0)
    _exit (127);
  _exit (127);
}

static int
status_error (const struct cell_spec_hook *h, const char *phase, int status, struct cell_error **err)
{
  if (WIFEXITED (status))
    {
      if (WEXITSTATUS (status) == 0)
        return 0;
      return cell_err (err, 0, "%s hook `%s` exited with status %d", phase, h->path, WEXITSTATUS (status));
    }
  if (WIFSIGNALED (status))
    {
      const char *name = cell_signal_name (WTERMSIG (status));
      if (name)
        return cell_err (err, 0, "%s hook `%s` was killed by signal %s", phase, h->path, name);
      return cell_err (err, 0, "%s hook `%s` was killed by signal %d", phase, h->path, WTERMSIG (status));
    }
  return cell_err (err, 0, "%s hook `%s` ended with wait status %d", phase, h->path, status);
}

static int
run_one (const struct cell_spec_hook *h, const char *json, const char *phase, struct cell_error **err)
{
  int in[2], ep[2], status = 0, child_errno = 0;
  cleanup_close int in_w = -1, pidfd = -1, ep_r = -1;
  bool out_ok = fcntl (1, F_GETFD) >= 0, err_ok = fcntl (2, F_GETFD) >= 0;
  size_t len = strlen (json), off = 0;
  long long deadline = h->has_timeout && h->timeout > 0 ? mono_ms () + h->timeout * 1000 : -1;
  pid_t pid;
  bool exited = false;

  if (pipe2 (in, O_CLOEXEC) < 0)
    return cell_err_errno (err, "%s hook `%s`: pipe", phase, h->path);
  if (pipe2 (ep, O_CLOEXEC) < 0)
    {
      close (in[0]);
      close (in[1]);
      return cell_err_errno (err, "%s hook `%s`: pipe", phase, h->path);
    }
  pid = fork ();
  if (pid < 0)
    {
      cell_err_errno (err, "%s hook `%s`: fork", phase, h->path);
      close (in[0]);
      close (in[1]);
      close (ep[0]);
      close (ep[1]);
      return -1;
    }
  if (pid == 0)
    hook_child (h, in[0], ep[1], out_ok, err_ok);
  close (in[0]);
  close (ep[1]);
  in_w = in[1];
  ep_r = ep[0];
  /* Not reaped yet, so the pid cannot be reused before pidfd_open (Linux 5.3). Without it: poll with a
     short tick and WNOHANG. */
  pidfd = (int)syscall (SYS_pidfd_open, pid, 0);
  /* A hook need not read its stdin, and a large state must not block us past the timeout. */
  fcntl (in_w, F_SETFL, O_NONBLOCK);

  while (!exited)
    {
      struct pollfd pfd[2];
      nfds_t nfds = 0;
      int timeout = -1, r;

      if (pidfd >= 0)
        pfd[nfds++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
      else
        timeout = 10;
      if (in_w >= 0)
        pfd[nfds++] = (struct pollfd){ .fd = in_w, .events = POLLOUT };
      if (deadline >= 0)
        {
          long long left = deadline - mono_ms ();
          if (left < 0)
            left = 0;
          if (timeout < 0 || left < timeout)
            timeout = (int)left;
        }
      r = poll (pfd, nfds, timeout);
      if (r < 0 && errno != EINTR)
        {
          cell_err_errno (err, "%s hook `%s`: poll", phase, h->path);
          kill (pid, SIGKILL);
          waitpid (pid, NULL, 0);
          return -1;
        }
      if (in_w >= 0)
        {
          /* send() would avoid SIGPIPE, but this is a pipe: MSG_NOSIGNAL is not available, so a write
             to a hook that closed stdin must not kill the runtime. */
          struct sigaction ign = { .sa_handler = SIG_IGN }, old;
          sigaction (SIGPIPE, &ign, &old);
          while (off < len)
            {
              ssize_t w = write (in_w, json + off, len - off);
              if (w < 0)
                break;
              off += (size_t)w;
            }
          if (off == len || (errno != EAGAIN && errno != EINTR))
            cell_closep (&in_w);
          sigaction (SIGPIPE, &old, NULL);
        }
      if (waitpid (pid, &status, WNOHANG) == pid)
        exited = true;
      else if (deadline >= 0 && mono_ms () >= deadline)
        {
          if (pidfd < 0 || syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0)
            kill (pid, SIGKILL);
          waitpid (pid, NULL, 0);
          return cell_err (err, 0, "%s hook `%s`: timed out after %lld s", phase, h->path,
                           (long long)h->timeout);
        }
    }
  if (read (ep_r, &child_errno, sizeof child_errno) == (ssize_t)sizeof child_errno && child_errno != 0)
    return cell_err (err, child_errno, "%s hook `%s`: exec", phase, h->path);
  return status_error (h, phase, status, err);
}

int
cell_hooks_run (const struct cell_spec_hook *hooks, size_t n, const char *state_json, const char *phase,
                enum cell_hooks_mode mode, struct cell_error **err)
{
  for (size_t i = 0; i < n; i++)
    {
      struct cell_error *e = NULL;
      if (run_one (&hooks[i], state_json ? state_json : "", phase, &e) == 0)
        continue;
      if (mode == CELL_HOOKS_STOP)
        {
          if (err && *err == NULL)
            *err = e;
          else
            cell_error_free (e);
          return -1;
        }
      cell_warn ("%s", e->msg);
      cell_error_free (e);
    }
  return 0;
}
