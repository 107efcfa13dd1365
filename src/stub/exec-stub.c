/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec-stub.c: the tiny freestanding program init execs from a sealed memfd as its last step. Two forms:
     argv = EXEC-MAGIC PATH ARG0 ARG1 ...      exec PATH with ARG0... and the environment it got (run);
     argv = WAIT-MAGIC FD PATH ARG0 ARG1 ...   a created container's init: accept one connection on the
                                               listening socket FD (`cell start`), then exec PATH; an error
                                               goes to `start` over that connection (PATH "" = no process).
   Invoked any other way (a `#!/proc/self/exe` script in the container reaches it) it refuses. While it runs,
   /proc/self/exe is the sealed memfd, never the host's cell binary (CVE-2019-5736), and a created container
   costs the few pages of this program instead of a copy of the runtime. No libc: a few raw syscalls. */

#if defined(__x86_64__)
#define NR_WRITE 1
#define NR_CLOSE 3
#define NR_EXECVE 59
#define NR_EXIT 60
#define NR_ACCEPT4 288
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
#define NR_EXECVE 221
#define NR_EXIT 93
#define NR_ACCEPT4 242
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

void stub_main (long *sp) __attribute__ ((noreturn, used));

void
stub_main (long *sp)
{
  long argc = sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = argv + argc + 1;
  long r = -2;
  const char *why;

  long out = 2;

  if (argc >= 3 && is (argv[0], exec_magic))
    argv++;
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
  /* the words podman maps to exit codes 126/127 */
  why = r == -2    ? "no such file or directory"
        : r == -13 ? "permission denied"
        : r == -8  ? "exec format error"
                   : "exec failed";
  if (out == 2)
    say ("cell: ");
  say_to (out, "exec `");
  say_to (out, argv[0]);
  say_to (out, "`: ");
  say_to (out, why);
  if (out == 2)
    say ("\n");
  sys3 (NR_EXIT, r == -2 ? 127 : 126, 0, 0);
  for (;;)
    ;
}
