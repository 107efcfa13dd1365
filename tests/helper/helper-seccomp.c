/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* helper-seccomp.c: cell-helper's seccomp subcommands: raw system calls (any ABI, on a thread, SIGSYS
   caught), a seccomp notify agent that answers from outside, and raw BPF programs as bwrap takes them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include "helper.h"

#define LEN(a) (sizeof (a) / sizeof (a)[0])
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a SIGSYS from SECCOMP_RET_TRAP (asm-generic/siginfo.h) */
#endif

/* The calls the tests name, with their i386 numbers for `i386/` (-1: not wired up here). */
static const struct
{
  const char *name;
  long nr, nr_i386;
} sysnames[] = {
#ifdef SYS_mkdir
  { "mkdir", SYS_mkdir, 39 },
#endif
  { "mkdirat", SYS_mkdirat, 296 },
  { "getppid", SYS_getppid, 64 },
  { "getpid", SYS_getpid, 20 },
  { "getpriority", SYS_getpriority, 96 },
  { "uname", SYS_uname, 122 },
  { "personality", SYS_personality, 136 },
#ifdef SYS_chown
  { "chown", SYS_chown, 212 },
  { "lchown", SYS_lchown, 198 },
#endif
  { "fchown", SYS_fchown, 207 },
  { "fchownat", SYS_fchownat, 298 },
  { "sync", SYS_sync, 36 },
  { "syncfs", SYS_syncfs, 344 },
  { "fsync", SYS_fsync, 118 },
  { "fdatasync", SYS_fdatasync, 148 },
  { "msync", SYS_msync, 144 },
#ifdef SYS_sync_file_range
  { "sync_file_range", SYS_sync_file_range, 314 },
#endif
  { "execve", SYS_execve, 11 },
  { "openat", SYS_openat, 295 },
#ifdef SYS_openat2
  { "openat2", SYS_openat2, 437 },
#endif
  { "close", SYS_close, 6 },
  { "write", SYS_write, 4 },
  { "fcntl", SYS_fcntl, 221 },
  { "sendmsg", SYS_sendmsg, 370 },
  { "unshare", SYS_unshare, 310 },
  { "seccomp", SYS_seccomp, 354 },
};

static int
sys_lookup (const char *name)
{
  for (size_t i = 0; i < LEN (sysnames); i++)
    if (strcmp (name, sysnames[i].name) == 0)
      return (int)i;
  return -1;
}

static const char *
sys_name (long nr)
{
  static char buf[24];
  for (size_t i = 0; i < LEN (sysnames); i++)
    if (sysnames[i].nr == nr)
      return sysnames[i].name;
  snprintf (buf, sizeof buf, "%ld", nr);
  return buf;
}

/* ---- syscalls [ABI/]NAME[:ARG...]... ---------------------------------------------------------------- */

static volatile sig_atomic_t sigsys_nr = -1;

static void
on_sigsys (int sig, siginfo_t *si, void *uc)
{
  (void)sig;
  (void)uc;
  if (si->si_code == SYS_SECCOMP)
    sigsys_nr = si->si_syscall;
}

struct call
{
  long nr;
  int abi; /* 0 native, 1 i386 (int 0x80), 2 x32 */
  unsigned long long a[6];
  long ret;
  int err;
  volatile int done;
};

static void
do_call (struct call *c)
{
  errno = 0;
  if (c->abi == 1)
    {
#if defined(__x86_64__)
      long r;
      __asm__ volatile("int $0x80"
                       : "=a"(r)
                       : "a"(c->nr), "b"(c->a[0]), "c"(c->a[1]), "d"(c->a[2]), "S"(c->a[3]), "D"(c->a[4])
                       : "memory");
      c->ret = r < 0 && r > -4096 ? -1 : r;
      c->err = r < 0 && r > -4096 ? (int)-r : 0;
#else
      c->ret = -1;
      c->err = ENOSYS;
#endif
    }
  else
    {
      c->ret = syscall (c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
      c->err = c->ret < 0 ? errno : 0;
    }
  c->done = 1;
}

static void *
call_thread (void *p)
{
  do_call (p);
  return NULL;
}

/* Strings go to memory below 4 GiB, which i386 calls can address. */
static unsigned long long
arg_value (const char *s)
{
  static char *low;
  static size_t used;
  size_t n = strlen (s) + 1;
  if (s[0] != '/')
    return strtoull (s, NULL, 0);
  if (low == NULL)
    low = mmap (NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (low == MAP_FAILED || used + n > 1 << 16)
    return 0;
  memcpy (low + used, s, n);
  used += n;
  return (unsigned long long)(uintptr_t)(low + used - n);
}

/* Each argument: [i386/|x32/|thread/]NAME[:ARG...] (ARG a number, or a path starting with `/`). Prints
   "SPEC=RET" (the return value), "SPEC=ERRNAME", "SPEC=SIGSYS(NAME)" when SCMP_ACT_TRAP hit it, or
   "SPEC=thread-killed" when the thread running it died. Flushed before the next call (a kill ends it). */
int
cmd_syscalls (int argc, char **argv)
{
  struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
  sigaction (SIGSYS, &sa, NULL);
  for (int i = 0; i < argc; i++)
    {
      char *spec = strdup (argv[i]), *name = spec, *slash = strchr (spec, '/'), *colon;
      struct call c = { .abi = 0 };
      bool thread = false;
      int k, n = 0;

      if (slash && (colon = strchr (spec, ':'), colon == NULL || slash < colon))
        {
          *slash = '\0';
          thread = strcmp (spec, "thread") == 0;
          c.abi = strcmp (spec, "i386") == 0 ? 1 : strcmp (spec, "x32") == 0 ? 2 : 0;
          name = slash + 1;
        }
      colon = strchr (name, ':');
      if (colon)
        *colon = '\0';
      k = sys_lookup (name);
      if (k < 0)
        {
          fprintf (stderr, "cell-helper: unknown syscall `%s`\n", name);
          return 2;
        }
      c.nr = c.abi == 1 ? sysnames[k].nr_i386 : sysnames[k].nr;
#if defined(__x86_64__)
      if (c.abi == 2)
        c.nr |= 0x40000000; /* __X32_SYSCALL_BIT */
#endif
      for (char *a = colon ? colon + 1 : NULL; a && n < 6; n++)
        {
          char *next = strchr (a, ':');
          if (next)
            *next++ = '\0';
          c.a[n] = arg_value (a);
          a = next;
        }
      sigsys_nr = -1;
      if (thread)
        {
          pthread_t t;
          if (pthread_create (&t, NULL, call_thread, &c) != 0)
            return fail ("pthread_create");
          pthread_join (t, NULL);
        }
      else
        do_call (&c);
      if (sigsys_nr >= 0)
        printf ("%s=SIGSYS(%s)\n", argv[i], sys_name (sigsys_nr));
      else if (!c.done)
        printf ("%s=thread-killed\n", argv[i]);
      else if (c.ret < 0)
        printf ("%s=%s\n", argv[i], errname (c.err));
      else
        printf ("%s=%ld\n", argv[i], c.ret);
      fflush (stdout);
      free (spec);
    }
  return 0;
}

/* ---- seccomp-agent SOCKET STATEFILE [NAME=EERRNO|NAME=VALUE]... ------------------------------------------
 */

/* The container process state (config-linux.md): JSON to EOF, the listener as SCM_RIGHTS. */
static int
receive_listener (int conn, const char *statefile, int *listener)
{
  static char buf[1 << 20];
  size_t len = 0;
  int nfds = 0;
  FILE *f;

  *listener = -1;
  for (;;)
    {
      char cbuf[CMSG_SPACE (4 * sizeof (int))];
      struct iovec iov = { .iov_base = buf + len, .iov_len = sizeof buf - len - 1 };
      struct msghdr msg
          = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
      ssize_t n = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return fail ("recvmsg");
      for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c; c = CMSG_NXTHDR (&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
          {
            size_t k = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);
            for (size_t j = 0; j < k; j++, nfds++)
              {
                int fd;
                memcpy (&fd, CMSG_DATA (c) + j * sizeof (int), sizeof (int));
                if (nfds == 0)
                  *listener = fd;
                else
                  close (fd);
              }
          }
      if (n == 0 || len + (size_t)n >= sizeof buf - 1)
        break;
      len += (size_t)n;
    }
  printf ("fds=%d\n", nfds);
  f = fopen (statefile, "we");
  if (f == NULL)
    return fail (statefile);
  fwrite (buf, 1, len, f);
  fclose (f);
  return *listener >= 0 ? 0 : 1;
}

/* Answers every notification: a rule's errno or value for the named calls (NAME=EPERM, NAME=42), or
   SECCOMP_USER_NOTIF_FLAG_CONTINUE after a delay (NAME=delay:MS), SECCOMP_USER_NOTIF_FLAG_CONTINUE at once
   for the rest. Prints "notified=NAME" for each; returns when no task uses the filter any more. */
static int
answer (int listener, int argc, char **argv)
{
  struct seccomp_notif_sizes sizes = { 0 };
  struct seccomp_notif *req;
  struct seccomp_notif_resp *resp;

  if (syscall (SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
    return fail ("SECCOMP_GET_NOTIF_SIZES");
  req = calloc (1, sizes.seccomp_notif > sizeof *req ? sizes.seccomp_notif : sizeof *req);
  resp = calloc (1, sizes.seccomp_notif_resp > sizeof *resp ? sizes.seccomp_notif_resp : sizeof *resp);
  for (;;)
    {
      struct pollfd p = { .fd = listener, .events = POLLIN };
      const char *name;
      if (poll (&p, 1, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return fail ("poll");
        }
      if (!(p.revents & POLLIN))
        break; /* POLLHUP: the filter has no task left */
      memset (req, 0, sizes.seccomp_notif);
      if (ioctl (listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
        {
          if (errno == EINTR || errno == ENOENT)
            continue;
          return fail ("SECCOMP_IOCTL_NOTIF_RECV");
        }
      name = sys_name (req->data.nr);
      memset (resp, 0, sizes.seccomp_notif_resp);
      resp->id = req->id;
      resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
      for (int i = 0; i < argc; i++)
        {
          char *eq = strchr (argv[i], '=');
          if (eq == NULL || (size_t)(eq - argv[i]) != strlen (name)
              || strncmp (argv[i], name, strlen (name)) != 0)
            continue;
          if (strncmp (eq + 1, "delay:", 6) == 0)
            {
              /* answered late, then let through: the call stays blocked that long */
              usleep ((useconds_t)strtoul (eq + 7, NULL, 10) * 1000);
              continue;
            }
          resp->flags = 0;
          if (eq[1] == 'E')
            resp->error = -errno_from_name (eq + 1);
          else
            resp->val = strtoll (eq + 1, NULL, 0);
        }
      printf ("notified=%s\n", name);
      fflush (stdout);
      if (ioctl (listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
        return fail ("SECCOMP_IOCTL_NOTIF_SEND");
    }
  printf ("done\n");
  return 0;
}

/* Listens on SOCKET (prints "ready" once it does), takes one container process state (written to
   STATEFILE) with its listener, answers notifications until the container's tasks are gone. */
int
cmd_seccomp_agent (int argc, char **argv)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), conn, listener, r;

  if (s < 0 || strlen (argv[0]) >= sizeof sa.sun_path)
    return fail ("socket");
  strcpy (sa.sun_path, argv[0]);
  if (bind (s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen (s, 4) < 0)
    return fail (argv[0]);
  printf ("ready\n");
  fflush (stdout);
  while ((conn = accept4 (s, NULL, NULL, SOCK_CLOEXEC)) < 0)
    if (errno != EINTR)
      return fail ("accept");
  r = receive_listener (conn, argv[1], &listener);
  close (conn);
  close (s);
  if (r != 0)
    return r;
  return answer (listener, argc - 2, argv + 2);
}

/* ---- fail-syscall NAME ARG MASK ERRNO CMD... ------------------------------------------------------------
 */

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#define NATIVE_AUDIT_ARCH 0
#endif

/* Runs CMD where NAME fails with ERRNO whenever argument ARG has a bit of MASK (its low 32 bits) set: a
   kernel without that flag, on this one (e.g. seccomp 1 0x20 EINVAL: no
   SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV). Inherited by CMD's children; needs CAP_SYS_ADMIN or no_new_privs.
 */
int
cmd_fail_syscall (int argc, char **argv)
{
  int k = sys_lookup (argv[0]), e = errno_from_name (argv[3]);
  unsigned arg = (unsigned)strtoul (argv[1], NULL, 0), mask = (unsigned)strtoul (argv[2], NULL, 0);
  if (k < 0 || e < 0 || arg > 5 || argc < 5 || NATIVE_AUDIT_ARCH == 0)
    {
      fprintf (stderr, "cell-helper: fail-syscall NAME ARG MASK ERRNO CMD...\n");
      return 2;
    }
  struct sock_filter f[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 0, 5),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (unsigned)sysnames[k].nr, 0, 3),
    /* little endian: the low half of the argument comes first */
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, (unsigned)offsetof (struct seccomp_data, args[0]) + 8 * arg),
    BPF_JUMP (BPF_JMP | BPF_JSET | BPF_K, mask, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)e),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { .len = LEN (f), .filter = f };
  if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
    return fail ("seccomp");
  execvp (argv[4], argv + 4);
  return fail ("exec");
}

/* ---- seccomp-bpf NAME=ERRNO... ---------------------------------------------------------------------- */

/* Writes a raw classic-BPF program (bwrap's --seccomp format) to stdout: each named call of the native
   ABI fails with its errno (0: returns 0 and does nothing), everything else is allowed. */
int
cmd_seccomp_bpf (int argc, char **argv)
{
  struct sock_filter prog[3 + 2 * 100];
  size_t n = 0;
  if (argc > 100 || NATIVE_AUDIT_ARCH == 0)
    return 2;
  prog[n++] = (struct sock_filter)BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch));
  prog[n++] = (struct sock_filter)BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 0,
                                            (unsigned char)(1 + 2 * argc));
  prog[n++] = (struct sock_filter)BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr));
  for (int i = 0; i < argc; i++)
    {
      char *eq = strchr (argv[i], '=');
      int k, e;
      if (eq == NULL)
        return 2;
      *eq = '\0';
      k = sys_lookup (argv[i]);
      e = errno_from_name (eq + 1);
      if (k < 0 || e < 0)
        {
          fprintf (stderr, "cell-helper: bad rule `%s=%s`\n", argv[i], eq + 1);
          return 2;
        }
      prog[n++] = (struct sock_filter)BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (unsigned)sysnames[k].nr, 0, 1);
      prog[n++] = (struct sock_filter)BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)e);
    }
  prog[n++] = (struct sock_filter)BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  if (fwrite (prog, sizeof prog[0], n, stdout) != n || fflush (stdout) != 0)
    return fail ("write");
  return 0;
}
