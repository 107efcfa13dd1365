/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec-stub.c: the tiny freestanding program init execs from a sealed memfd right before the container's
   process: argv = CELL_EXEC_STUB_MAGIC PATH ARG0 ARG1 ...; it execs PATH with ARG0... and the environment it
   got. Invoked any other way (a `#!/proc/self/exe` script in the container reaches it) it refuses. While it
   runs, /proc/self/exe is the sealed memfd, never the host's cell binary (CVE-2019-5736: a process
   exec'ing `#!/proc/self/exe` reaches this stub, which it cannot write). No libc: a few raw syscalls. */

#if defined(__x86_64__)
#define NR_WRITE 1
#define NR_EXECVE 59
#define NR_EXIT 60
static long
sys3 (long n, long a, long b, long c)
{
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}
__asm__(".text\n.global _start\n_start:\n\txor %rbp, %rbp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n"
        "\tcall stub_main\n\thlt\n");
#elif defined(__aarch64__)
#define NR_WRITE 64
#define NR_EXECVE 221
#define NR_EXIT 93
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
__asm__(".text\n.global _start\n_start:\n\tmov x0, sp\n\tbl stub_main\n");
#else
#error "exec-stub: no syscall glue for this architecture (configure disables the stub)"
#endif

/* keep in sync with sealed-exe.c */
static const char magic[] = "\001cell-exec-stub";

static int
is_magic (const char *s)
{
  for (int i = 0; magic[i]; i++)
    if (s[i] != magic[i])
      return 0;
  return s[sizeof (magic) - 1] == '\0';
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
say (const char *s)
{
  sys3 (NR_WRITE, 2, (long)s, len (s));
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

  if (argc < 3 || !is_magic (argv[0]))
    {
      say ("cell: the exec stub runs only as cell's last step before a container's process\n");
      sys3 (NR_EXIT, 126, 0, 0);
    }
  r = sys3 (NR_EXECVE, (long)argv[1], (long)(argv + 2), (long)envp);
  /* the words podman maps to exit codes 126/127 */
  why = r == -2    ? "no such file or directory"
        : r == -13 ? "permission denied"
        : r == -8  ? "exec format error"
                   : "exec failed";
  say ("cell: exec `");
  say (argv[1]);
  say ("`: ");
  say (why);
  say ("\n");
  sys3 (NR_EXIT, r == -2 ? 127 : 126, 0, 0);
  for (;;)
    ;
}
