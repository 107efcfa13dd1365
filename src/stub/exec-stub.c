/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec-stub.c: the tiny freestanding program init execs from a sealed memfd as its last step. Three forms:
     argv = EXEC-MAGIC FD PATH ARG0 ARG1 ...   exec PATH with ARG0... and the environment it got (run); FD
                                               (-1: none), the setup socket, closes at that exec: the
                                               runtime's EOF means PATH runs, not just the stub;
     argv = WAIT-MAGIC FD PATH ARG0 ARG1 ...   a created container's init: accept one connection on the
                                               listening socket FD (`cell start`), then exec PATH; an error
                                               goes to `start` over that connection (PATH "" = no process);
     argv = REAP-MAGIC FLAGS FDS PATH ARG0 ... a sandbox's pid 1 (bwrap's): fork PATH, forward every
                                               signal to it, reap every child; when PATH ends, write `x` and
                                               its status (N, or 128+N for signal N) to the status fd and
                                               keep reaping; exit with it once no child is left (a failed
                                               exec of PATH writes `E` and its exit code instead). FLAGS:
                                               `p` the child dies with us, `b` bwrap's exec message, `x` no
                                               pid 1: exec PATH in place (status fd closed at the exec). FDS:
                                               the status fd (-1: none), then the fds the child closes
                                               (pid 1's alone: lock files, the sync fd), comma-separated.
   Invoked any other way (a `#!/proc/self/exe` script in the container reaches it) it refuses. While it runs,
   /proc/self/exe is the sealed memfd, never the host's cell binary (CVE-2019-5736), and a created container
   costs the few pages of this program instead of a copy of the runtime. No libc: a few raw syscalls. */

#if defined(__x86_64__)
#define NR_WRITE 1
#define NR_CLOSE 3
#define NR_RT_SIGPROCMASK 14
#define NR_CLONE 56
#define NR_EXECVE 59
#define NR_EXIT 60
#define NR_WAIT4 61
#define NR_KILL 62
#define NR_RT_SIGTIMEDWAIT 128
#define NR_PRCTL 157
#define NR_EXIT_GROUP 231
#define NR_ACCEPT4 288
#define NR_FCNTL 72
static long
sys3 (long n, long a, long b, long c)
{
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}
static long
sys4 (long n, long a, long b, long c, long d)
{
  long r;
  register long r10 __asm__("r10") = d;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
  return r;
}
__asm__(".text\n.global _start\n_start:\n\txor %rbp, %rbp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n"
        "\tcall stub_main\n\thlt\n");
#elif defined(__aarch64__)
#define NR_WRITE 64
#define NR_CLOSE 57
#define NR_RT_SIGPROCMASK 135
#define NR_CLONE 220
#define NR_EXECVE 221
#define NR_EXIT 93
#define NR_WAIT4 260
#define NR_KILL 129
#define NR_RT_SIGTIMEDWAIT 137
#define NR_PRCTL 167
#define NR_EXIT_GROUP 94
#define NR_ACCEPT4 242
#define NR_FCNTL 25
static long
sys3 (long n, long a, long b, long c)
{
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
}
static long
sys4 (long n, long a, long b, long c, long d)
{
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
  return x0;
}
__asm__(".text\n.global _start\n_start:\n\tmov x0, sp\n\tbl stub_main\n");
#else
#error "exec-stub: no syscall glue for this architecture (configure disables the stub)"
#endif

/* keep in sync with sealed-exe.c */
static const char exec_magic[] = "\001cell-exec-stub";
static const char wait_magic[] = "\001cell-wait-stub";
static const char reap_magic[] = "\001cell-reap-stub";
#define SIGCHLD_ 17
#define SIGKILL_ 9
#define WNOHANG_ 1
#define ECHILD_ 10
#define PR_SET_PDEATHSIG_ 1
#define PR_SET_CHILD_SUBREAPER_ 36
#define SOCK_CLOEXEC_ 02000000
#define EINTR_ 4

static int
is (const char *s, const char *magic)
{
  int i;
  for (i = 0; magic[i]; i++)
    if (s[i] != magic[i])
      return 0;
  return s[i] == '\0';
}

static long
len (const char *s)
{
  long n = 0;
  while (s[n])
    n++;
  return n;
}

static void
say_to (long fd, const char *s)
{
  sys3 (NR_WRITE, fd, (long)s, len (s));
}

static void
say (const char *s)
{
  say_to (2, s);
}

static long
number (const char *s)
{
  long n = 0;
  if (!*s)
    return -1;
  for (; *s; s++)
    {
      if (*s < '0' || *s > '9')
        return -1;
      n = n * 10 + (*s - '0');
    }
  return n;
}

static int
has (const char *s, char c)
{
  for (; *s; s++)
    if (*s == c)
      return 1;
  return 0;
}

/* The next number of a comma-separated list (advancing *p), -1 for "-1" or at the end. */
static long
next_fd (const char **p)
{
  long fd = 0;
  int neg = 0, any = 0;
  if (**p == '-')
    {
      neg = 1;
      (*p)++;
    }
  while (**p >= '0' && **p <= '9')
    {
      fd = fd * 10 + (*(*p)++ - '0');
      any = 1;
    }
  if (**p == ',')
    (*p)++;
  return any && !neg ? fd : -1;
}

/* A sandbox's status fd (REAP), in the child until its exec: `E` and the exit code if that fails. */
static long status_out = -1;

static void __attribute__ ((noreturn)) exit_status (int code)
{
  if (status_out >= 0)
    {
      unsigned char b[2] = { 'E', (unsigned char)code };
      sys3 (NR_WRITE, status_out, (long)b, 2);
    }
  sys3 (NR_EXIT_GROUP, code, 0, 0);
  for (;;)
    ;
}

/* The exec failure, in the words podman (and bwrap's callers) key on; never returns. `who`: 0 cell's (exit
   127 not found, 126 otherwise), 1 bwrap's (exit 1), 2 cell sandbox's. */
static void __attribute__ ((noreturn)) exec_failed (long fd, const char *path, long r, int who)
{
  const char *why = r == -2    ? "no such file or directory"
                    : r == -13 ? "permission denied"
                    : r == -8  ? "exec format error"
                               : "exec failed";
  if (who == 1)
    {
      say_to (fd, "bwrap: execvp ");
      say_to (fd, path);
      say_to (fd, ": ");
      say_to (fd, r == -2 ? "No such file or directory" : r == -13 ? "Permission denied" : why);
      say_to (fd, "\n");
      exit_status (1);
    }
  if (fd == 2)
    say (who == 2 ? "cell sandbox: " : "cell: ");
  say_to (fd, "exec `");
  say_to (fd, path);
  say_to (fd, "`: ");
  say_to (fd, why);
  if (fd == 2)
    say ("\n");
  exit_status (r == -2 ? 127 : 126);
}

/* pid 1 of a sandbox (bwrap's do_init, plus forwarding): argv = FLAGS FDS PATH ARG0 ... */
static void __attribute__ ((noreturn)) reap (char **argv, char **envp)
{
  unsigned long all = ~0UL, none = 0;
  char info[128];
  const char *flags = argv[0], *fds = argv[1];
  long child, status_fd = next_fd (&fds);
  unsigned char status[2] = { 'x', 1 };
  int alive = 1;

  if (has (flags, 'x'))
    {
      if (status_fd >= 0 && sys3 (NR_FCNTL, status_fd, 2 /* F_SETFD */, 1 /* FD_CLOEXEC */) == 0)
        status_out = status_fd;
      exec_failed (2, argv[2], sys3 (NR_EXECVE, (long)argv[2], (long)(argv + 3), (long)envp),
                   has (flags, 'b') ? 1 : 2);
    }
  sys4 (NR_RT_SIGPROCMASK, 0 /* SIG_BLOCK */, (long)&all, 0, 8);
  sys3 (NR_PRCTL, PR_SET_CHILD_SUBREAPER_, 1, 0);
  child = sys4 (NR_CLONE, SIGCHLD_, 0, 0, 0);
  if (child == 0)
    {
      /* kept until the exec, for its failure */
      if (status_fd >= 0 && sys3 (NR_FCNTL, status_fd, 2 /* F_SETFD */, 1 /* FD_CLOEXEC */) == 0)
        status_out = status_fd;
      while (*fds)
        {
          long fd = next_fd (&fds);
          if (fd >= 0)
            sys3 (NR_CLOSE, fd, 0, 0);
        }
      if (has (flags, 'p'))
        sys3 (NR_PRCTL, PR_SET_PDEATHSIG_, SIGKILL_, 0);
      sys4 (NR_RT_SIGPROCMASK, 2 /* SIG_SETMASK */, (long)&none, 0, 8);
      exec_failed (2, argv[2], sys3 (NR_EXECVE, (long)argv[2], (long)(argv + 3), (long)envp),
                   has (flags, 'b') ? 1 : 2);
    }
  if (child < 0)
    {
      say ("cell: the sandbox's init: fork failed\n");
      sys3 (NR_EXIT_GROUP, 1, 0, 0);
    }
  for (;;)
    {
      long sig = sys4 (NR_RT_SIGTIMEDWAIT, (long)&all, (long)info, 0, 8);
      if (sig == SIGCHLD_)
        for (;;)
          {
            int st = 0;
            long r = sys4 (NR_WAIT4, -1, (long)&st, WNOHANG_, 0);
            if (r == child)
              {
                alive = 0;
                /* bash's convention for a signal: 128+N */
                status[1] = (unsigned char)((st & 0x7f) == 0 ? (st >> 8) & 0xff : 128 + (st & 0x7f));
                /* the runtime returns now, as bwrap does; whatever PATH left behind runs on */
                if (status_fd >= 0)
                  {
                    sys3 (NR_WRITE, status_fd, (long)status, 2);
                    sys3 (NR_CLOSE, status_fd, 0, 0);
                    status_fd = -1;
                  }
              }
            else if (r == -ECHILD_)
              sys3 (NR_EXIT_GROUP, status[1], 0, 0);
            else if (r <= 0)
              break;
          }
      else if (sig > 0 && alive)
        sys3 (NR_KILL, child, sig, 0);
    }
}

void stub_main (long *sp) __attribute__ ((noreturn, used));

void
stub_main (long *sp)
{
  long argc = sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = argv + argc + 1;
  long r = -2;

  long out = 2;

  if (argc >= 5 && is (argv[0], reap_magic))
    reap (argv + 1, envp);
  if (argc >= 4 && is (argv[0], exec_magic))
    {
      if (number (argv[1]) >= 0)
        sys3 (NR_FCNTL, number (argv[1]), 2 /* F_SETFD */, 1 /* FD_CLOEXEC */);
      argv += 2;
    }
  else if (argc >= 3 && is (argv[0], wait_magic) && number (argv[1]) >= 0)
    {
      long lsock = number (argv[1]);
      /* `cell start` connects: that is the go; the connection closes at a successful exec (close-on-exec) */
      do
        out = sys4 (NR_ACCEPT4, lsock, 0, 0, SOCK_CLOEXEC_);
      while (out == -EINTR_);
      if (out < 0)
        sys3 (NR_EXIT, 1, 0, 0);
      sys3 (NR_CLOSE, lsock, 0, 0);
      argv += 2;
      if (!argv[0][0])
        {
          say_to (out, "the container has no process to start (config.json: /process)");
          sys3 (NR_EXIT, 1, 0, 0);
        }
    }
  else
    {
      say ("cell: the exec stub runs only as cell's last step before a container's process\n");
      sys3 (NR_EXIT, 126, 0, 0);
    }
  r = sys3 (NR_EXECVE, (long)argv[0], (long)(argv + 1), (long)envp);
  exec_failed (out, argv[0], r, 0);
}
