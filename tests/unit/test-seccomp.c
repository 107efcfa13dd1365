/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-seccomp.c: the seccomp compiler's errors (exact, with the JSON pointer), that `cell features` lists
   exactly what it accepts, and filters loaded for real in forked children under no_new_privs (no privilege
   needed): errnoRet, operators, defaultErrnoRet, a notify listener answered here, raw BPF programs, the
   suppress filters, and the container process state sent to a listener. */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fd-util.h"
#include "seccomp.h"
#include "tap.h"
#include "xalloc.h"

#define BASE "\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"rootfs\"}"
#define PROC "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0}}"
#define SC(x) "{" BASE "," PROC ",\"linux\":{\"seccomp\":" x "}}"
#define ALLOW "\"defaultAction\":\"SCMP_ACT_ALLOW\""
#define P "config.json: /linux/seccomp/"

static const struct
{
  const char *json, *want;
} bad[] = {
  { SC ("{\"defaultAction\":\"SCMP_ACT_FOO\"}"), P "defaultAction: unknown action `SCMP_ACT_FOO`" },
  { SC ("{" ALLOW ",\"defaultErrnoRet\":38}"), P "defaultErrnoRet: `SCMP_ACT_ALLOW` takes no errno" },
  { SC ("{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/run/a\"}"),
    P "defaultAction: SCMP_ACT_NOTIFY cannot be the default action" },
  { SC ("{" ALLOW
        ",\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":4096}]}"),
    P "syscalls/0/errnoRet: 4096 is out of range for `SCMP_ACT_ERRNO` (at most 4095)" },
  { SC ("{" ALLOW
        ",\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":65536}]}"),
    P "syscalls/0/errnoRet: 65536 is out of range for `SCMP_ACT_TRACE` (at most 65535)" },
  { SC ("{" ALLOW ",\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\"},"
        "{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_KILL_PROCESS\",\"errnoRet\":1}]}"),
    P "syscalls/1/errnoRet: `SCMP_ACT_KILL_PROCESS` takes no errno" },
  { SC ("{" ALLOW ",\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_BAR\"}]}"),
    P "syscalls/0/action: unknown action `SCMP_ACT_BAR`" },
  { SC ("{" ALLOW ",\"architectures\":[\"SCMP_ARCH_X86\",\"SCMP_ARCH_VAX\"]}"),
    P "architectures/1: unknown architecture `SCMP_ARCH_VAX`" },
  { SC ("{" ALLOW ",\"architectures\":[\"x86_64\"]}"), P "architectures/0: unknown architecture `x86_64`" },
#if defined(__x86_64__)
  { SC ("{" ALLOW ",\"architectures\":[\"SCMP_ARCH_X86\",\"SCMP_ARCH_S390X\"]}"), P
    "architectures/1: `SCMP_ARCH_S390X` cannot share a filter with this machine's architecture (another byte "
    "order)" },
#endif
  { SC ("{" ALLOW ",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_FOO\"]}"),
    P "flags/1: unknown flag `SECCOMP_FILTER_FLAG_FOO`" },
  { SC ("{" ALLOW ",\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
        "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":1,\"op\":\"SCMP_CMP_XX\"}]}]"
        "}"),
    P "syscalls/0/args/1/op: unknown operator `SCMP_CMP_XX`" },
  { SC ("{" ALLOW ",\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
        "{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}"),
    P "syscalls/0/args/0/index: 6 is not an argument index (0..5)" },
  { SC ("{" ALLOW ",\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\"},"
        "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"),
    P "syscalls/1/action: SCMP_ACT_NOTIFY needs /linux/seccomp/listenerPath" },
  { SC ("{" ALLOW ",\"listenerPath\":\"/run/a\",\"syscalls\":[{\"names\":[\"mkdir\",\"sendmsg\"],"
        "\"action\":\"SCMP_ACT_NOTIFY\"}]}"),
    P "syscalls/0/names/1: SCMP_ACT_NOTIFY cannot be used for `sendmsg` (the container's init hands the "
      "listener over with it)" },
  { SC ("{" ALLOW ",\"listenerMetadata\":\"m\"}"),
    P "listenerMetadata: set without /linux/seccomp/listenerPath" },
  { SC ("{" ALLOW
        ",\"listenerPath\":\"\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"),
    P "syscalls/0/action: SCMP_ACT_NOTIFY needs /linux/seccomp/listenerPath" },
  { SC ("{" ALLOW ",\"listenerPath\":\"\",\"listenerMetadata\":\"m\"}"),
    P "listenerMetadata: set without /linux/seccomp/listenerPath" },
  { SC ("{" ALLOW
        ",\"listenerPath\":\"/run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"syscalls\":[{\"names\":[\"mkdir\"],"
        "\"action\":\"SCMP_ACT_NOTIFY\"}]}"),
    P "listenerPath: longer than 107 bytes (a unix socket path)" },
  { SC ("{" ALLOW ",\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ERRNO\"}]}"),
    P "syscalls/0/names: must not be empty" },
  { SC ("{" ALLOW ",\"syscalls\":[{\"names\":[\"getcwd\",\"\"],\"action\":\"SCMP_ACT_ERRNO\"}]}"),
    P "syscalls/0/names/1: empty syscall name" },
};

/* The runtime-spec's lists (config-linux.md, libseccomp 2.6), to check `features` against the compiler. */
static const char *const spec_actions[]
    = { "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",
        "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",        "SCMP_ACT_LOG",         "SCMP_ACT_NOTIFY" };
static const char *const spec_archs[]
    = { "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
        "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
        "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
        "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
        "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",     "SCMP_ARCH_LOONGARCH64",
        "SCMP_ARCH_M68K",    "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB" };
static const char *const spec_flags[]
    = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" };
static const char *const spec_operators[]
    = { "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",       "SCMP_CMP_EQ",
        "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ" };

/* Compiles `json` (a whole config); returns the filter or NULL with *msg set (caller frees). */
static struct cell_seccomp *
compile (const char *json, char **msg)
{
  struct cell_spec *spec = NULL;
  struct cell_error *err = NULL;
  struct cell_seccomp *f = NULL;
  *msg = NULL;
  if (cell_spec_load_buffer (json, strlen (json), "config.json", &spec, &err) == 0)
    cell_seccomp_compile (spec->linux_.seccomp, "config.json", &f, &err);
  if (err)
    *msg = xstrdup (err->msg);
  cell_error_free (err);
  cell_spec_free (spec);
  return f;
}

static bool
listed (const char **list, const char *name)
{
  for (size_t i = 0; list[i]; i++)
    if (streq (list[i], name))
      return true;
  return false;
}

/* Every name of the spec's list (put in for @@ in `fmt`): the compiler accepts it exactly when `features`
   lists it. */
static void
check_list (enum cell_seccomp_list which, const char *const *names, size_t n, const char *fmt,
            const char *what)
{
  cleanup_free const char **list = cell_seccomp_list (which);
  size_t bad_n = 0;
  for (size_t i = 0; i < n; i++)
    {
      const char *at = strstr (fmt, "@@");
      cleanup_free char *json = xasprintf ("%.*s%s%s", (int)(at - fmt), fmt, names[i], at + 2);
      cleanup_free char *msg = NULL;
      struct cell_seccomp *f = compile (json, &msg);
      if ((f != NULL) != listed (list, names[i]))
        {
          printf ("#   %s: compiles=%d listed=%d (%s)\n", names[i], f != NULL, listed (list, names[i]),
                  msg ? msg : "");
          bad_n++;
        }
      cell_seccomp_free (f);
    }
  tap_ok (bad_n == 0 && list[0] != NULL, "features %s: listed exactly when the compiler accepts them", what);
}

/* Runs fn in a child that loads `f` under no_new_privs; returns fn's exit status (or 100 + signal). */
static int
in_child (const struct cell_seccomp *f, int (*fn) (void *), void *arg)
{
  int st;
  pid_t pid = fork ();
  if (pid == 0)
    {
      struct cell_error *err = NULL;
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || cell_seccomp_load (f, NULL, &err) < 0)
        {
          printf ("#   load: %s\n", err ? err->msg : strerror (errno));
          _exit (99);
        }
      /* exit_group itself: the sanitizers' _exit hook makes system calls (sigaltstack, gettid, mmap) that a
         default-deny filter fails, and --enable-sanitizers would see the child abort */
      syscall (SYS_exit_group, fn (arg));
      _exit (97);
    }
  if (pid < 0 || waitpid (pid, &st, 0) < 0)
    return -1;
  return WIFEXITED (st) ? WEXITSTATUS (st) : 100 + WTERMSIG (st);
}

/* getpriority(which, 0): EINVAL for which > 2 unless a rule hits; the child exits with the errno (0: ok). */
static int
call_getpriority (void *arg)
{
  return syscall (SYS_getpriority, *(unsigned long long *)arg, 0) < 0 ? errno : 0;
}

static int
getprio_errno (const struct cell_seccomp *f, unsigned long long which)
{
  return in_child (f, call_getpriority, &which);
}

/* The profile of the podman fixture (defaultAction SCMP_ACT_ERRNO, defaultErrnoRet 38, x86_64 + x86 + x32;
   read, write, exit_group and personality(0) allowed): what is not allowed fails with ENOSYS. */
static int
podman_child (void *arg)
{
  (void)arg;
  if (syscall (SYS_personality, 0) < 0)
    return 1;
  /* the query form 0xffffffff works on its own, and reboot fails with EPERM or EINVAL, never ENOSYS */
  if (syscall (SYS_personality, 0xffffffffUL) != -1 || errno != ENOSYS)
    return 2;
  if (syscall (SYS_reboot, 0, 0, 0, 0) != -1 || errno != ENOSYS)
    return 3;
  return 0;
}

static void
test_podman_profile (void)
{
  const char *srcdir = getenv ("CELL_SRCDIR") ? getenv ("CELL_SRCDIR") : ".";
  cleanup_free char *path = xasprintf ("%s/tests/unit/data/spec/podman-config.json", srcdir);
  struct cell_spec *spec = NULL;
  struct cell_error *err = NULL;
  struct cell_seccomp *f = NULL;
  int r = -1;
  if (cell_spec_load_file (path, "config.json", &spec, &err) == 0
      && cell_seccomp_compile (spec->linux_.seccomp, "config.json", &f, &err) == 0)
    r = in_child (f, podman_child, NULL);
  if (err)
    printf ("#   %s\n", err->msg);
  tap_ok (r == 0,
          "the podman fixture's profile compiles and loads: allowed calls work, the rest fail with "
          "defaultErrnoRet 38 (child: %d)",
          r);
  cell_error_free (err);
  cell_seccomp_free (f);
  cell_spec_free (spec);

  /* the plan goldens' seccomp fixture (both comparisons, MASKED_EQ, the LOG flag, x86) */
  free (path);
  path = xasprintf ("%s/tests/unit/data/spec/seccomp-config.json", srcdir);
  spec = NULL;
  err = NULL;
  f = NULL;
  if (cell_spec_load_file (path, "config.json", &spec, &err) == 0)
    cell_seccomp_compile (spec->linux_.seccomp, "config.json", &f, &err);
  tap_ok (f != NULL, "the seccomp fixture of the plan goldens compiles%s%s", err ? ": " : "",
          err ? err->msg : "");
  cell_error_free (err);
  cell_seccomp_free (f);
  cell_spec_free (spec);
}

static void
test_rules (void)
{
  cleanup_free char *msg = NULL;
  struct cell_seccomp *f = compile (
      SC ("{" ALLOW
          ",\"syscalls\":[{\"names\":[\"getpriority\",\"no_such_syscall\"],\"action\":\"SCMP_ACT_ERRNO\","
          "\"errnoRet\":38,\"args\":[{\"index\":0,\"value\":77,\"op\":\"SCMP_CMP_EQ\"}]},"
          "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":95,\"args\":["
          "{\"index\":0,\"value\":240,\"valueTwo\":16,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
          "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":18,\"args\":["
          "{\"index\":0,\"value\":4294967296,\"op\":\"SCMP_CMP_GT\"},"
          "{\"index\":0,\"value\":300,\"op\":\"SCMP_CMP_EQ\"}]}]}"),
      &msg);
  tap_ok (f != NULL, "a profile with an unknown syscall name compiles (the name is ignored)");
  if (f == NULL)
    {
      printf ("#   %s\n", msg);
      return;
    }
  tap_ok (getprio_errno (f, 77) == ENOSYS && getprio_errno (f, 78) == EINVAL,
          "SCMP_CMP_EQ: the matching call fails with errnoRet 38, the others as usual");
  tap_ok (getprio_errno (f, 0x13) == EOPNOTSUPP && getprio_errno (f, 0x1f) == EOPNOTSUPP
              && getprio_errno (f, 0x23) == EINVAL,
          "SCMP_CMP_MASKED_EQ: (arg & value) == valueTwo fails with errnoRet 95");
  tap_ok (getprio_errno (f, 0x100000001ULL) == EXDEV && getprio_errno (f, 300) == EXDEV
              && getprio_errno (f, 301) == EINVAL && getprio_errno (f, 0x100000000ULL) == 0,
          "two comparisons of one argument match either (runc's rule), on all 64 bits (the kernel reads 2^32 "
          "as `which` 0)");
  cell_seccomp_free (f);
}

/* One operator at a time, against value 10: which calls of 9, 10, 11 does it catch? */
static void
test_operators (void)
{
  static const struct
  {
    const char *op;
    bool hit[3];
  } ops[] = {
    { "SCMP_CMP_NE", { true, false, true } }, { "SCMP_CMP_LT", { true, false, false } },
    { "SCMP_CMP_LE", { true, true, false } }, { "SCMP_CMP_EQ", { false, true, false } },
    { "SCMP_CMP_GE", { false, true, true } }, { "SCMP_CMP_GT", { false, false, true } },
  };
  size_t bad_n = 0;
  for (size_t i = 0; i < ARRAY_SIZE (ops); i++)
    {
      cleanup_free char *json = xasprintf (
          SC ("{" ALLOW
              ",\"syscalls\":[{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":95,"
              "\"args\":[{\"index\":0,\"value\":10,\"op\":\"%s\"}]}]}"),
          ops[i].op);
      cleanup_free char *msg = NULL;
      struct cell_seccomp *f = compile (json, &msg);
      for (int k = 0; k < 3 && f; k++)
        if ((getprio_errno (f, 9 + (unsigned)k) == EOPNOTSUPP) != ops[i].hit[k])
          {
            printf ("#   %s: %d %s\n", ops[i].op, 9 + k, ops[i].hit[k] ? "not caught" : "caught");
            bad_n++;
          }
      if (f == NULL)
        bad_n++;
      cell_seccomp_free (f);
    }
  tap_ok (bad_n == 0, "every comparison operator catches exactly its values");
}

static int
default_errno_child (void *arg)
{
  (void)arg;
  return syscall (SYS_getpriority, 0, 0) < 0 ? errno : 0;
}

static void
test_default_errno (void)
{
  cleanup_free char *msg = NULL;
  /* everything but exiting fails with defaultErrnoRet */
  struct cell_seccomp *f
      = compile (SC ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":95,\"syscalls\":[{\"names\":"
                     "[\"exit_group\",\"exit\"],\"action\":\"SCMP_ACT_ALLOW\"}]}"),
                 &msg);
  tap_ok (f && in_child (f, default_errno_child, NULL) == EOPNOTSUPP,
          "defaultAction SCMP_ACT_ERRNO fails other calls with defaultErrnoRet 95");
  cell_seccomp_free (f);
}

static int
send_fd (int sock, int fd)
{
  return cell_sendmsg_fd (sock, "x", 1, fd);
}

static int
recv_fd (int sock)
{
  char c, cbuf[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = &c, .iov_len = 1 };
  struct msghdr msg
      = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
  struct cmsghdr *cm;
  int fd = -1;
  if (recvmsg (sock, &msg, MSG_CMSG_CLOEXEC) <= 0 || (cm = CMSG_FIRSTHDR (&msg)) == NULL
      || cm->cmsg_type != SCM_RIGHTS)
    return -1;
  memcpy (&fd, CMSG_DATA (cm), sizeof fd);
  return fd;
}

/* The listener: the child loads a NOTIFY filter (with TSYNC and WAIT_KILLABLE_RECV) and passes the
   listener up; getppid() then returns what this process answers. */
static void
test_notify (void)
{
  cleanup_free char *msg = NULL;
  struct cell_seccomp *f
      = compile (SC ("{" ALLOW ",\"listenerPath\":\"/nonexistent\",\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\","
                     "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],\"syscalls\":[{\"names\":[\"getppid\"],"
                     "\"action\":\"SCMP_ACT_NOTIFY\"}]}"),
                 &msg);
  int sv[2], st = -1, nfd = -1;
  struct cell_error *err = NULL;
  pid_t pid;

  tap_ok (f && cell_seccomp_has_notify (f) && cell_seccomp_load (f, NULL, &err) < 0,
          "a notify filter is not loaded without somewhere to put its listener");
  cell_error_free (err);
  if (f == NULL || socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return;
  pid = fork ();
  if (pid == 0)
    {
      int fd = -1;
      err = NULL;
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || cell_seccomp_load (f, &fd, &err) < 0 || fd < 0)
        _exit (99);
      if (send_fd (sv[1], fd) < 0)
        _exit (98);
      _exit (syscall (SYS_getppid) == 4242 ? 0 : 1);
    }
  nfd = recv_fd (sv[0]);
  if (nfd >= 0)
    {
      struct seccomp_notif req;
      struct seccomp_notif_resp resp;
      memset (&req, 0, sizeof req);
      if (ioctl (nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0)
        {
          resp = (struct seccomp_notif_resp){ .id = req.id, .val = 4242 };
          ioctl (nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
        }
      close (nfd);
    }
  waitpid (pid, &st, 0);
  tap_ok (nfd >= 0 && WIFEXITED (st) && WEXITSTATUS (st) == 0,
          "SCMP_ACT_NOTIFY with TSYNC and WAIT_KILLABLE_RECV: the listener's answer is the call's result");
  close (sv[0]);
  close (sv[1]);
  cell_seccomp_free (f);
}

/* ---- raw programs --------------------------------------------------------------------------------- */

static struct cell_seccomp *
from_bytes (const void *buf, size_t len, char **msg)
{
  struct cell_seccomp *f = NULL;
  struct cell_error *err = NULL;
  int p[2];
  *msg = NULL;
  if (pipe2 (p, O_CLOEXEC) < 0)
    return NULL;
  if (len && write (p[1], buf, len) != (ssize_t)len)
    return NULL;
  close (p[1]);
  if (cell_seccomp_from_bpf_fd (p[0], &f, &err) < 0)
    {
      /* the fd number depends on what the test runner left open */
      cleanup_free char *fdnum = xasprintf ("fd %d:", p[0]);
      const char *at = strstr (err->msg, fdnum);
      *msg = at ? xasprintf ("%.*sfd N:%s", (int)(at - err->msg), err->msg, at + strlen (fdnum))
                : xstrdup (err->msg);
    }
  cell_error_free (err);
  close (p[0]);
  return f;
}

static void
test_raw_bpf (void)
{
  /* getpriority fails with ENOSYS; the arch is not checked, which a real program must do: this one only
     runs here */
  struct sock_filter prog[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_getpriority, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  cleanup_free char *msg = NULL, *msg0 = NULL, *msg12 = NULL, *msgbig = NULL;
  struct cell_seccomp *f = from_bytes (prog, sizeof prog, &msg);
  size_t big_n = BPF_MAXINSNS + 1;
  cleanup_free struct sock_filter *big = xcalloc (big_n, sizeof *big);
  struct cell_seccomp *f0, *f12, *fbig;

  tap_ok (f && getprio_errno (f, 0) == ENOSYS && getprio_errno (f, 77) == ENOSYS,
          "a raw BPF program read from an fd (bwrap's --seccomp) is loaded as it is");
  cell_seccomp_free (f);
  f0 = from_bytes ("", 0, &msg0);
  f12 = from_bytes (prog, 12, &msg12);
  for (size_t i = 0; i < big_n; i++)
    big[i] = (struct sock_filter)BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  fbig = from_bytes (big, big_n * sizeof *big, &msgbig);
  tap_is_str (msg0, "seccomp program from fd N: 0 bytes is not a whole number of BPF instructions",
              "an empty program is refused");
  tap_is_str (msg12, "seccomp program from fd N: 12 bytes is not a whole number of BPF instructions",
              "a program cut mid-instruction is refused");
  tap_is_str (msgbig, "seccomp program from fd N: more than 4096 instructions",
              "a program longer than the kernel takes is refused");
  tap_ok (!f0 && !f12 && !fbig, "... and none of them gives a filter");
}

/* cell-helper seccomp-bpf writes a program as bwrap takes it, read here from a pipe (`--seccomp 3 3<...`) */
static void
test_helper_bpf (void)
{
  const char *helper = getenv ("CELL_HELPER");
  cleanup_free char *cmd = NULL;
  struct cell_seccomp *f = NULL;
  struct cell_error *err = NULL;
  FILE *p;
  if (helper == NULL || access (helper, X_OK) < 0)
    {
      printf ("ok %d # SKIP CELL_HELPER is not set\n", ++tap_n);
      return;
    }
  cmd = xasprintf ("'%s' seccomp-bpf getpriority=ESTALE", helper);
  p = popen (cmd, "re");
  if (p && cell_seccomp_from_bpf_fd (fileno (p), &f, &err) < 0)
    printf ("#   %s\n", err->msg);
  if (p)
    pclose (p);
  tap_ok (f && getprio_errno (f, 77) == ESTALE,
          "cell-helper seccomp-bpf's program, read from a pipe, fails getpriority with ESTALE");
  cell_error_free (err);
  cell_seccomp_free (f);
}

/* ---- the suppress filters ------------------------------------------------------------------------- */

struct suppress_probe
{
  const char *file;
  bool sync_suppressed;
};

/* Every call gets arguments it would fail with: 0 back proves it did nothing. Exit status: the index of
   the first unexpected result + 1. */
static int
suppress_child (void *arg)
{
  const struct suppress_probe *p = arg;
  int pfd[2], n = 0;
  long r;
  struct stat st;
  if (pipe (pfd) < 0)
    return 90;
  n++;
  if (syscall (SYS_chown, "/nonexistent/x", 1, 1) != 0)
    return n;
  n++;
  if (syscall (SYS_fchown, -1, 1, 1) != 0 || syscall (SYS_lchown, "/nonexistent/x", 1, 1) != 0)
    return n;
  n++;
  if (syscall (SYS_fchownat, AT_FDCWD, "/nonexistent/x", 1, 1, 0) != 0)
    return n;
  n++;
  /* the real file keeps its owner */
  if (chown (p->file, 4242, 4242) != 0 || stat (p->file, &st) < 0 || st.st_uid == 4242)
    return n;
#if defined(__x86_64__)
  n++;
  {
    /* i386 chown32 (212), through int 0x80, with a path below 4 GiB */
    char *low = mmap (NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (low == MAP_FAILED)
      return 91;
    strcpy (low, "/nonexistent/x");
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(212L), "b"(low), "c"(1L), "d"(1L) : "memory");
    if (r != 0)
      return n;
  }
#endif
  /* sync calls: 0 when suppressed, their usual failure otherwise */
  n++;
  r = syscall (SYS_fsync, pfd[0]);
  if ((r == 0) != p->sync_suppressed)
    return n;
  n++;
  r = syscall (SYS_fdatasync, pfd[0]);
  if ((r == 0) != p->sync_suppressed)
    return n;
  n++;
  r = syscall (SYS_syncfs, -1);
  if ((r == 0) != p->sync_suppressed)
    return n;
  n++;
  r = syscall (SYS_msync, 1, 4096, MS_SYNC);
  if ((r == 0) != p->sync_suppressed)
    return n;
  n++;
  r = syscall (SYS_sync_file_range, pfd[0], 0, 0, 0);
  if ((r == 0) != p->sync_suppressed)
    return n;
  n++;
  /* the rest is allowed */
  if (syscall (SYS_getpriority, 77, 0) != -1 || errno != EINVAL)
    return n;
  return 0;
}

static void
test_suppress (void)
{
  char dir[] = "/tmp/cell-test-seccomp.XXXXXX";
  struct cell_seccomp *both = NULL, *chown_only = NULL;
  struct cell_error *err = NULL;
  cleanup_free char *file = NULL;
  struct suppress_probe p;
  int fd;

  tap_ok (cell_seccomp_suppress (false, false, &both, &err) < 0,
          "a suppress filter suppressing nothing is refused");
  cell_error_free (err);
  err = NULL;
  if (mkdtemp (dir) == NULL)
    return;
  file = xasprintf ("%s/f", dir);
  fd = open (file, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  if (fd >= 0)
    close (fd);
  p.file = file;
  if (cell_seccomp_suppress (true, true, &both, &err) == 0)
    {
      p.sync_suppressed = true;
      int r = in_child (both, suppress_child, &p);
      tap_ok (r == 0,
              "--suppress-chown --suppress-sync: chown* (also i386's) and sync* return 0 and do nothing "
              "(child: %d)",
              r);
    }
  else
    tap_ok (0, "suppress filter: %s", err->msg);
  cell_error_free (err);
  err = NULL;
  if (cell_seccomp_suppress (true, false, &chown_only, &err) == 0)
    {
      p.sync_suppressed = false;
      int r = in_child (chown_only, suppress_child, &p);
      tap_ok (r == 0, "--suppress-chown alone leaves the sync calls alone (child: %d)", r);
    }
  else
    tap_ok (0, "suppress filter: %s", err->msg);
  cell_error_free (err);
  cell_seccomp_free (both);
  cell_seccomp_free (chown_only);
  unlink (file);
  rmdir (dir);
}

/* ---- the container process state --------------------------------------------------------------------- */

static void
test_notify_send (void)
{
  char dir[] = "/tmp/cell-test-seccomp.XXXXXX";
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  struct cell_error *err = NULL;
  cleanup_free char *path = NULL, *missing = NULL;
  char buf[4096], cbuf[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf - 1 };
  struct msghdr msg
      = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
  struct stat want, got;
  int lsock, conn, p[2], fd = -1;
  ssize_t n;

  if (mkdtemp (dir) == NULL || pipe2 (p, O_CLOEXEC) < 0)
    return;
  path = xasprintf ("%s/agent.sock", dir);
  missing = xasprintf ("%s/none.sock", dir);
  strcpy (sa.sun_path, path);
  lsock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (lsock < 0 || bind (lsock, (struct sockaddr *)&sa, sizeof sa) < 0 || listen (lsock, 1) < 0)
    return;
  /* the connection waits in the backlog and the message fits the socket buffer: no second process needed */
  tap_ok (
      cell_seccomp_notify_send (path, p[0], 4242, "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\"}", "a \"b\"", &err)
          == 0,
      "the listener and the state are sent to listenerPath");
  conn = accept4 (lsock, NULL, NULL, SOCK_CLOEXEC);
  n = conn < 0 ? -1 : recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);
  buf[n > 0 ? n : 0] = '\0';
  if (n > 0 && CMSG_FIRSTHDR (&msg) && CMSG_FIRSTHDR (&msg)->cmsg_type == SCM_RIGHTS)
    memcpy (&fd, CMSG_DATA (CMSG_FIRSTHDR (&msg)), sizeof fd);
  tap_is_str (buf,
              "{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":4242,\"metadata\":\"a \\\"b\\\"\","
              "\"state\":{\"ociVersion\":\"1.2.0\",\"id\":\"c1\"}}",
              "... as the container process state of config-linux.md");
  tap_ok (fd >= 0 && fstat (fd, &got) == 0 && fstat (p[0], &want) == 0 && got.st_ino == want.st_ino,
          "... with the listener as SCM_RIGHTS");
  tap_ok (conn >= 0 && read (conn, buf, 1) == 0, "... and the connection closed after it");
  cell_error_free (err);
  err = NULL;
  cell_seccomp_notify_send (missing, p[0], 1, "{}", NULL, &err);
  {
    cleanup_free char *want_msg
        = xasprintf ("connect to seccomp listener `%s`: No such file or directory", missing);
    tap_is_str (err ? err->msg : "(sent)", want_msg, "a listenerPath nobody listens on is an error");
  }
  cell_error_free (err);
  if (fd >= 0)
    close (fd);
  close (conn);
  close (lsock);
  close (p[0]);
  close (p[1]);
  unlink (path);
  rmdir (dir);
}

int
main (void)
{
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      cleanup_free char *msg = NULL;
      struct cell_seccomp *f = compile (bad[i].json, &msg);
      tap_is_str (f ? "(accepted)" : msg, bad[i].want, bad[i].want);
      cell_seccomp_free (f);
    }
  check_list (CELL_SECCOMP_ACTIONS, spec_actions, ARRAY_SIZE (spec_actions),
              SC ("{" ALLOW
                  ",\"listenerPath\":\"/run/a\",\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":\"@@\"}]}"),
              "actions");
  check_list (CELL_SECCOMP_OPERATORS, spec_operators, ARRAY_SIZE (spec_operators),
              SC ("{" ALLOW ",\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{"
                  "\"index\":0,\"value\":1,\"valueTwo\":1,\"op\":\"@@\"}]}]}"),
              "operators");
  check_list (CELL_SECCOMP_ARCHS, spec_archs, ARRAY_SIZE (spec_archs),
              SC ("{" ALLOW ",\"architectures\":[\"@@\"]}"), "archs");
  check_list (CELL_SECCOMP_SUPPORTED_FLAGS, spec_flags, ARRAY_SIZE (spec_flags),
              SC ("{" ALLOW ",\"flags\":[\"@@\"]}"), "supportedFlags");
  {
    cleanup_free const char **known = cell_seccomp_list (CELL_SECCOMP_KNOWN_FLAGS);
    size_t n = 0;
    while (known[n])
      n++;
    tap_ok (n == ARRAY_SIZE (spec_flags), "features knownFlags: the spec's %zu flags",
            ARRAY_SIZE (spec_flags));
  }
  test_rules ();
  test_podman_profile ();
  {
    cleanup_free char *msg = NULL;
    struct cell_seccomp *f
        = compile (SC ("{" ALLOW ",\"listenerPath\":\"/run/"
                       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"listenerMetadata\":\"m\"}"),
                   &msg);
    tap_ok (f && !cell_seccomp_has_notify (f),
            "without SCMP_ACT_NOTIFY listenerPath is ignored, even a long one");
    cell_seccomp_free (f);
  }
  test_operators ();
  test_default_errno ();
  test_notify ();
  test_raw_bpf ();
  test_helper_bpf ();
  test_suppress ();
  test_notify_send ();
  return tap_done ();
}
