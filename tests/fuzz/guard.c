/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* guard.c: the fuzz targets' no-filesystem guard: the code under test runs on a worker thread whose
   seccomp filter traps every system call that reaches the filesystem. The SIGSYS handler notes the first
   one and has an unconfined proxy thread make the call instead, so a crash report (libFuzzer writing its
   artifact from the worker) still works; the caller then aborts naming the call. */
#include <errno.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#include "fuzz.h"

/* Everything that names a path, changes the mount table or executes a file. */
static const char fs_syscalls[]
    = "open openat openat2 creat open_by_handle_at name_to_handle_at stat lstat newfstatat statx "
      "statfs access faccessat faccessat2 readlink readlinkat chdir fchdir chroot pivot_root mkdir "
      "mkdirat mknod mknodat rmdir unlink unlinkat rename renameat renameat2 link linkat symlink "
      "symlinkat chmod fchmodat chown lchown fchownat truncate utime utimes utimensat futimesat mount "
      "umount2 open_tree move_mount fsopen fsconfig fsmount fspick mount_setattr execve execveat "
      "inotify_add_watch setxattr lsetxattr getxattr lgetxattr listxattr llistxattr removexattr "
      "lremovexattr uselib swapon swapoff acct quotactl";

struct proxy_req
{
  long nr;
  long args[6];
};

static int proxy_sock[2] = { -1, -1 }; /* [0]: the worker's SIGSYS handler, [1]: the proxy thread */
static pid_t guard_pid;
static volatile sig_atomic_t guard_active;
static volatile long violation = -1;

static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_cond = PTHREAD_COND_INITIALIZER;
static void (*job_fn) (void *);
static void *job_arg;
static bool job_pending;
static int guard_state; /* 0: not set up, 1: guarded, -1: unavailable (runs unguarded) */

char *
cell_fuzz_strndup (const uint8_t *data, size_t size)
{
  char *s = malloc (size + 1);
  if (s == NULL)
    abort ();
  memcpy (s, data, size);
  s[size] = '\0';
  return s;
}

void
cell_fuzz_check (bool ok, const char *fmt, ...)
{
  va_list ap;
  if (ok)
    return;
  fputs ("fuzz: invariant broken: ", stderr);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  abort ();
}

#if defined(__x86_64__)
static void *
proxy_main (void *unused)
{
  (void)unused;
  for (;;)
    {
      struct proxy_req r;
      long ret;
      ssize_t n = read (proxy_sock[1], &r, sizeof r);
      if (n < 0 && errno == EINTR)
        continue;
      if (n != (ssize_t)sizeof r)
        return NULL;
      ret = syscall (r.nr, r.args[0], r.args[1], r.args[2], r.args[3], r.args[4], r.args[5]);
      if (ret < 0)
        ret = -errno;
      if (write (proxy_sock[1], &ret, sizeof ret) != (ssize_t)sizeof ret)
        return NULL;
    }
}

/* Only read, write and getpid here: a trapped call inside the handler would kill the process. */
static void
on_sigsys (int sig, siginfo_t *si, void *ucv)
{
  ucontext_t *uc = ucv;
  greg_t *g = uc->uc_mcontext.gregs;
  struct proxy_req r
      = { si->si_syscall, { g[REG_RDI], g[REG_RSI], g[REG_RDX], g[REG_R10], g[REG_R8], g[REG_R9] } };
  long ret = -ENOSYS;
  int saved = errno;

  (void)sig;
  /* A child forked by the worker (a symbolizer) has the filter but no proxy: its calls fail. */
  if (syscall (SYS_getpid) == guard_pid)
    {
      if (guard_active && violation < 0)
        violation = si->si_syscall;
      if (write (proxy_sock[0], &r, sizeof r) != (ssize_t)sizeof r
          || read (proxy_sock[0], &ret, sizeof ret) != (ssize_t)sizeof ret)
        ret = -EIO;
    }
  g[REG_RAX] = ret;
  errno = saved;
}

static int
load_filter (void)
{
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  int r;

  if (ctx == NULL)
    return -1;
  for (const char *p = fs_syscalls; *p;)
    {
      char name[32];
      size_t n = strcspn (p, " ");
      int nr;

      snprintf (name, sizeof name, "%.*s", (int)n, p);
      p += n + (p[n] == ' ');
      nr = seccomp_syscall_resolve_name (name);
      if (nr != __NR_SCMP_ERROR && seccomp_rule_add (ctx, SCMP_ACT_TRAP, nr, 0) < 0)
        {
          seccomp_release (ctx);
          return -1;
        }
    }
  /* No TSYNC: only this thread is confined. */
  r = seccomp_load (ctx);
  seccomp_release (ctx);
  return r;
}

static void *
worker_main (void *ready)
{
  sigset_t set;
  static const int sync_signals[] = { SIGSYS, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP };

  /* Asynchronous signals (libFuzzer's timeout alarm, SIGINT) go to the other threads. */
  sigfillset (&set);
  for (size_t i = 0; i < sizeof sync_signals / sizeof sync_signals[0]; i++)
    sigdelset (&set, sync_signals[i]);
  pthread_sigmask (SIG_SETMASK, &set, NULL);

  pthread_mutex_lock (&job_lock);
  *(int *)ready = load_filter () == 0 ? 1 : -1;
  pthread_cond_broadcast (&job_cond);
  if (*(int *)ready < 0)
    {
      pthread_mutex_unlock (&job_lock);
      return NULL;
    }
  for (;;)
    {
      while (!job_pending)
        pthread_cond_wait (&job_cond, &job_lock);
      pthread_mutex_unlock (&job_lock);
      guard_active = 1;
      job_fn (job_arg);
      guard_active = 0;
      pthread_mutex_lock (&job_lock);
      job_pending = false;
      pthread_cond_broadcast (&job_cond);
    }
}

static int
guard_setup (void)
{
  struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
  pthread_t proxy, worker;
  int ready = 0;

  guard_pid = getpid ();
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, proxy_sock) < 0)
    return -1;
  sigfillset (&sa.sa_mask);
  if (sigaction (SIGSYS, &sa, NULL) < 0)
    return -1;
  if (pthread_create (&proxy, NULL, proxy_main, NULL) != 0)
    return -1;
  pthread_detach (proxy);
  if (pthread_create (&worker, NULL, worker_main, &ready) != 0)
    return -1;
  pthread_detach (worker);
  pthread_mutex_lock (&job_lock);
  while (ready == 0)
    pthread_cond_wait (&job_cond, &job_lock);
  pthread_mutex_unlock (&job_lock);
  return ready > 0 ? 0 : -1;
}
#else
static int
guard_setup (void)
{
  return -1;
}
#endif

void
cell_fuzz_guarded (const char *what, void (*fn) (void *), void *arg)
{
  if (guard_state == 0)
    {
      const char *off = getenv ("CELL_FUZZ_NO_GUARD");
      guard_state = off && *off && strcmp (off, "0") != 0 ? -1 : guard_setup () == 0 ? 1 : -1;
      if (guard_state < 0)
        fprintf (stderr, "fuzz: running without the no-filesystem guard (%s)\n",
                 off ? "CELL_FUZZ_NO_GUARD" : "no seccomp filter on this machine or architecture");
    }
  if (guard_state < 0)
    {
      fn (arg);
      return;
    }
  pthread_mutex_lock (&job_lock);
  job_fn = fn;
  job_arg = arg;
  job_pending = true;
  pthread_cond_broadcast (&job_cond);
  while (job_pending)
    pthread_cond_wait (&job_cond, &job_lock);
  pthread_mutex_unlock (&job_lock);
  if (violation >= 0)
    {
      char *name = seccomp_syscall_resolve_num_arch (SCMP_ARCH_NATIVE, (int)violation);
      fprintf (stderr, "fuzz: %s touched the filesystem: system call %s (%ld)\n", what, name ? name : "?",
               (long)violation);
      abort ();
    }
}
