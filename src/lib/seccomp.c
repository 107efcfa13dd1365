/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seccomp.c: seccomp filters: linux.seccomp compiled with libseccomp into a classic-BPF program (actions,
   errnoRet, architectures, flags, argument conditions), raw programs read from an fd, the sandbox's
   suppress filters; loading with seccomp(2) (flags probed on the kernel), and the SCMP_ACT_NOTIFY hand-off
   to the seccomp agent. */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include "json.h"
#include "log.h"
#include "seccomp.h"
#include "xalloc.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* Linux caps SECCOMP_RET_ERRNO data at MAX_ERRNO; anything above would be a different errno. */
#define MAX_ERRNO 4095

struct cell_seccomp
{
  struct sock_filter *prog;
  size_t len;         /* instructions */
  unsigned int flags; /* SECCOMP_FILTER_FLAG_* asked for */
  bool notify;        /* SCMP_ACT_NOTIFY rules: loading creates a listener */
};

/* ---- the tables: the compiler and `cell features` both read these ------------------------------------ */

static const struct
{
  const char *name;
  uint32_t value;
  uint32_t max_data; /* largest errnoRet it takes; 0: takes none */
} actions[] = {
  { "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, 0 },
  { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, 0 },
  { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, 0 },
  { "SCMP_ACT_TRAP", SCMP_ACT_TRAP, 0 },
  { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO (0), MAX_ERRNO },
  { "SCMP_ACT_TRACE", SCMP_ACT_TRACE (0), 0xffff }, /* SECCOMP_RET_DATA: the message the tracer gets */
  { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, 0 },
  { "SCMP_ACT_LOG", SCMP_ACT_LOG, 0 },
  { "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, 0 },
};

static const struct
{
  const char *name;
  enum scmp_compare op;
} operators[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE },
  { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_GE", SCMP_CMP_GE },
  { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ }, /* (arg & value) == valueTwo */
};

static const struct
{
  const char *name;
  unsigned int flag;
} filter_flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },                           /* Linux 3.17 */
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },                               /* 4.14 */
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },                 /* 4.17 */
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV }, /* 5.19 */
};

/* The runtime-spec's architecture names (config-linux.md, as of libseccomp 2.6) and libseccomp's. */
static const char *const archs[][2] = {
  { "SCMP_ARCH_X86", "x86" },
  { "SCMP_ARCH_X86_64", "x86_64" },
  { "SCMP_ARCH_X32", "x32" },
  { "SCMP_ARCH_ARM", "arm" },
  { "SCMP_ARCH_AARCH64", "aarch64" },
  { "SCMP_ARCH_MIPS", "mips" },
  { "SCMP_ARCH_MIPS64", "mips64" },
  { "SCMP_ARCH_MIPS64N32", "mips64n32" },
  { "SCMP_ARCH_MIPSEL", "mipsel" },
  { "SCMP_ARCH_MIPSEL64", "mipsel64" },
  { "SCMP_ARCH_MIPSEL64N32", "mipsel64n32" },
  { "SCMP_ARCH_PPC", "ppc" },
  { "SCMP_ARCH_PPC64", "ppc64" },
  { "SCMP_ARCH_PPC64LE", "ppc64le" },
  { "SCMP_ARCH_S390", "s390" },
  { "SCMP_ARCH_S390X", "s390x" },
  { "SCMP_ARCH_PARISC", "parisc" },
  { "SCMP_ARCH_PARISC64", "parisc64" },
  { "SCMP_ARCH_RISCV64", "riscv64" },
  { "SCMP_ARCH_LOONGARCH64", "loongarch64" },
  { "SCMP_ARCH_M68K", "m68k" },
  { "SCMP_ARCH_SH", "sh" },
  { "SCMP_ARCH_SHEB", "sheb" },
};

/* Whether a filter for this machine can take the architecture: libseccomp knows it and it has the
   native byte order (libseccomp refuses to mix them: EDOM). */
static bool
arch_usable (uint32_t arch)
{
  scmp_filter_ctx ctx;
  int r;
  if (arch == 0 || (ctx = seccomp_init (SCMP_ACT_ALLOW)) == NULL)
    return false;
  r = seccomp_arch_add (ctx, arch);
  seccomp_release (ctx);
  return r == 0 || r == -EEXIST;
}

/* Whether the kernel has an action: SECCOMP_GET_ACTION_AVAIL (Linux 4.14). Before it there is no way to
   ask; the actions of Linux 3.5 are there. */
static bool
action_available (uint32_t value)
{
  uint32_t a = value & SECCOMP_RET_ACTION_FULL;
  if (syscall (SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &a) == 0)
    return true;
  return errno == EINVAL
         && (a == SECCOMP_RET_KILL_THREAD || a == SECCOMP_RET_TRAP || a == SECCOMP_RET_ERRNO
             || a == SECCOMP_RET_TRACE || a == SECCOMP_RET_ALLOW);
}

/* A flag the kernel knows fails with EFAULT on a NULL program (the flags are checked first, EINVAL);
   WAIT_KILLABLE_RECV is only valid together with NEW_LISTENER. Needs no privilege, loads nothing. */
static bool
flag_supported (unsigned int flag)
{
  unsigned int probe
      = flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ? flag | SECCOMP_FILTER_FLAG_NEW_LISTENER : flag;
  return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, probe, NULL) < 0 && errno == EFAULT;
}

const char **
cell_seccomp_list (enum cell_seccomp_list which)
{
  const char **v = xcalloc (ARRAY_SIZE (archs) + ARRAY_SIZE (actions) + ARRAY_SIZE (operators)
                                + ARRAY_SIZE (filter_flags) + 1,
                            sizeof *v);
  size_t n = 0;
  switch (which)
    {
    case CELL_SECCOMP_ACTIONS:
      for (size_t i = 0; i < ARRAY_SIZE (actions); i++)
        if (action_available (actions[i].value))
          v[n++] = actions[i].name;
      break;
    case CELL_SECCOMP_OPERATORS:
      for (size_t i = 0; i < ARRAY_SIZE (operators); i++)
        v[n++] = operators[i].name;
      break;
    case CELL_SECCOMP_ARCHS:
      for (size_t i = 0; i < ARRAY_SIZE (archs); i++)
        if (arch_usable (seccomp_arch_resolve_name (archs[i][1])))
          v[n++] = archs[i][0];
      break;
    case CELL_SECCOMP_KNOWN_FLAGS:
    case CELL_SECCOMP_SUPPORTED_FLAGS:
      for (size_t i = 0; i < ARRAY_SIZE (filter_flags); i++)
        if (which == CELL_SECCOMP_KNOWN_FLAGS || flag_supported (filter_flags[i].flag))
          v[n++] = filter_flags[i].name;
      break;
    }
  return v;
}

/* ---- linux.seccomp ---------------------------------------------------------------------------------- */

/* `action`/`errnoRet` at JSON pointers `pa`/`pe` -> the libseccomp action value. */
static int
parse_action (const char *name, bool has_errno, uint32_t errno_ret, const char *display, const char *pa,
              const char *pe, uint32_t *value, struct cell_error **err)
{
  for (size_t i = 0; i < ARRAY_SIZE (actions); i++)
    {
      if (!streq (name, actions[i].name))
        continue;
      /* config-linux.md: "When the action doesn't support an errno, the runtime MUST print and error and
         fail." */
      if (has_errno && actions[i].max_data == 0)
        return cell_err (err, 0, "%s: %s: `%s` takes no errno", display, pe, name);
      if (has_errno && errno_ret > actions[i].max_data)
        return cell_err (err, 0, "%s: %s: %u is out of range for `%s` (at most %u)", display, pe, errno_ret,
                         name, actions[i].max_data);
      if (!action_available (actions[i].value))
        return cell_err (err, 0, "%s: %s: `%s` is not supported by this kernel", display, pa, name);
      *value = actions[i].value | (has_errno ? errno_ret : actions[i].max_data ? EPERM : 0);
      return 0;
    }
  return cell_err (err, 0, "%s: %s: unknown action `%s`", display, pa, name);
}

/* An empty listenerPath is no listenerPath (Go clients write unset strings as ""). */
static bool
has_listener (const struct cell_spec_seccomp *s)
{
  return s->listener_path && s->listener_path[0];
}

/* config-linux.md: listenerMetadata "MUST NOT be set if listenerPath is not set"; listenerPath "is ignored"
   without SCMP_ACT_NOTIFY, so it is only checked with it. */
static int
check_listener (const struct cell_spec_seccomp *s, bool notify, const char *display, struct cell_error **err)
{
  if (s->listener_metadata && !has_listener (s))
    return cell_err (err, 0, "%s: /linux/seccomp/listenerMetadata: set without /linux/seccomp/listenerPath",
                     display);
  if (notify && strlen (s->listener_path) >= sizeof (((struct sockaddr_un *)NULL)->sun_path))
    return cell_err (err, 0, "%s: /linux/seccomp/listenerPath: longer than %zu bytes (a unix socket path)",
                     display, sizeof (((struct sockaddr_un *)NULL)->sun_path) - 1);
  return 0;
}

static int
add_architectures (scmp_filter_ctx ctx, char **names, const char *display, struct cell_error **err)
{
  for (size_t i = 0; names && names[i]; i++)
    {
      size_t k = 0;
      uint32_t arch;
      int r;
      while (k < ARRAY_SIZE (archs) && !streq (names[i], archs[k][0]))
        k++;
      if (k == ARRAY_SIZE (archs))
        return cell_err (err, 0, "%s: /linux/seccomp/architectures/%zu: unknown architecture `%s`", display,
                         i, names[i]);
      arch = seccomp_arch_resolve_name (archs[k][1]);
      if (arch == 0)
        return cell_err (err, 0,
                         "%s: /linux/seccomp/architectures/%zu: `%s` is not supported by libseccomp %u.%u",
                         display, i, names[i], SCMP_VER_MAJOR, SCMP_VER_MINOR);
      r = seccomp_arch_add (ctx, arch);
      if (r == -EDOM)
        return cell_err (err, 0,
                         "%s: /linux/seccomp/architectures/%zu: `%s` cannot share a filter with this "
                         "machine's architecture (another byte order)",
                         display, i, names[i]);
      if (r < 0 && r != -EEXIST)
        return cell_err (err, -r, "%s: /linux/seccomp/architectures/%zu: add `%s`", display, i, names[i]);
    }
  return 0;
}

static int
parse_flags (char **names, const char *display, unsigned int *out, struct cell_error **err)
{
  *out = 0;
  for (size_t i = 0; names && names[i]; i++)
    {
      size_t k = 0;
      while (k < ARRAY_SIZE (filter_flags) && !streq (names[i], filter_flags[k].name))
        k++;
      if (k == ARRAY_SIZE (filter_flags))
        return cell_err (err, 0, "%s: /linux/seccomp/flags/%zu: unknown flag `%s`", display, i, names[i]);
      if (!flag_supported (filter_flags[k].flag))
        return cell_err (err, 0, "%s: /linux/seccomp/flags/%zu: `%s` is not supported by this kernel",
                         display, i, names[i]);
      *out |= filter_flags[k].flag;
    }
  return 0;
}

static int
parse_args (const struct cell_spec_seccomp_syscall *sc, size_t i, const char *display,
            struct scmp_arg_cmp *cmp, bool *same_arg_twice, struct cell_error **err)
{
  bool seen[6] = { false };
  *same_arg_twice = false;
  for (size_t a = 0; a < sc->n_args; a++)
    {
      const struct cell_spec_seccomp_arg *arg = &sc->args[a];
      size_t k = 0;
      while (k < ARRAY_SIZE (operators) && !streq (arg->op, operators[k].name))
        k++;
      if (k == ARRAY_SIZE (operators))
        return cell_err (err, 0, "%s: /linux/seccomp/syscalls/%zu/args/%zu/op: unknown operator `%s`",
                         display, i, a, arg->op);
      if (arg->index > 5)
        return cell_err (err, 0,
                         "%s: /linux/seccomp/syscalls/%zu/args/%zu/index: %u is not an argument index (0..5)",
                         display, i, a, arg->index);
      *same_arg_twice |= seen[arg->index];
      seen[arg->index] = true;
      cmp[a] = (struct scmp_arg_cmp){
        .arg = arg->index, .op = operators[k].op, .datum_a = arg->value, .datum_b = arg->value_two
      };
    }
  return 0;
}

/* libseccomp takes one comparison per argument in a rule. Several on the same argument become one rule
   each, any of which matches (runc does the same: profiles in the wild rely on it). */
static int
add_rule (scmp_filter_ctx ctx, uint32_t action, int nr, const struct scmp_arg_cmp *cmp, size_t n, bool split)
{
  int r = 0;
  if (!split)
    return seccomp_rule_add_array (ctx, action, nr, (unsigned)n, n ? cmp : NULL);
  for (size_t a = 0; a < n && r == 0; a++)
    r = seccomp_rule_add_array (ctx, action, nr, 1, &cmp[a]);
  return r;
}

static int
add_syscalls (scmp_filter_ctx ctx, const struct cell_spec_seccomp *s, uint32_t def, const char *display,
              bool *notify, struct cell_error **err)
{
  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      const struct cell_spec_seccomp_syscall *sc = &s->syscalls[i];
      cleanup_free char *pa = xasprintf ("/linux/seccomp/syscalls/%zu/action", i);
      cleanup_free char *pe = xasprintf ("/linux/seccomp/syscalls/%zu/errnoRet", i);
      struct scmp_arg_cmp *cmp = xcalloc (sc->n_args + 1, sizeof *cmp);
      bool split = false;
      uint32_t action = def;
      int r = parse_action (sc->action, sc->has_errno_ret, sc->errno_ret, display, pa, pe, &action, err);

      if (r == 0)
        r = parse_args (sc, i, display, cmp, &split, err);
      if (r == 0 && action == SCMP_ACT_NOTIFY && !has_listener (s))
        r = cell_err (err, 0, "%s: %s: SCMP_ACT_NOTIFY needs /linux/seccomp/listenerPath", display, pa);
      if (r == 0 && (sc->names == NULL || sc->names[0] == NULL))
        r = cell_err (err, 0, "%s: /linux/seccomp/syscalls/%zu/names: must not be empty", display, i);
      if (r == 0 && action == SCMP_ACT_NOTIFY)
        *notify = true;
      for (size_t n = 0; r == 0 && sc->names[n]; n++)
        {
          const char *name = sc->names[n];
          int nr = seccomp_syscall_resolve_name (name);
          if (name[0] == '\0')
            r = cell_err (err, 0, "%s: /linux/seccomp/syscalls/%zu/names/%zu: empty syscall name", display, i,
                          n);
          /* init hands the listener to the runtime with sendmsg(2) right after loading: a notification
             there could never be answered */
          else if (action == SCMP_ACT_NOTIFY && streq (name, "sendmsg"))
            r = cell_err (
                err, 0,
                "%s: /linux/seccomp/syscalls/%zu/names/%zu: SCMP_ACT_NOTIFY cannot be used for `sendmsg` "
                "(the container's init hands the listener over with it)",
                display, i, n);
          else if (nr == __NR_SCMP_ERROR)
            cell_debug ("%s: /linux/seccomp/syscalls/%zu/names/%zu: unknown syscall `%s` ignored", display, i,
                        n, name);
          else if (action != def) /* libseccomp refuses rules that repeat the default action */
            {
              int e = add_rule (ctx, action, nr, cmp, sc->n_args, split);
              if (e < 0)
                r = cell_err (err, -e, "%s: /linux/seccomp/syscalls/%zu/names/%zu: add a rule for `%s`",
                              display, i, n, name);
            }
        }
      free (cmp);
      if (r < 0)
        return -1;
    }
  return 0;
}

/* The finished program, as the kernel will get it (libseccomp 2.5 exports to an fd only). */
static int
export_program (scmp_filter_ctx ctx, struct cell_seccomp *f, const char *what, struct cell_error **err)
{
  cleanup_close int mfd = memfd_create ("cell-seccomp", MFD_CLOEXEC);
  struct stat st;
  int r;

  if (mfd < 0)
    return cell_err_errno (err, "%s: memfd_create", what);
  r = seccomp_export_bpf (ctx, mfd);
  if (r < 0)
    return cell_err (err, -r, "%s: generate the BPF program", what);
  if (fstat (mfd, &st) < 0)
    return cell_err_errno (err, "%s: fstat", what);
  if (st.st_size <= 0 || st.st_size % (off_t)sizeof (struct sock_filter) != 0)
    return cell_err (err, 0, "%s: libseccomp generated a program of %lld bytes", what, (long long)st.st_size);
  f->len = (size_t)st.st_size / sizeof (struct sock_filter);
  if (f->len > BPF_MAXINSNS)
    return cell_err (err, 0, "%s: the filter has %zu instructions, the kernel takes at most %d", what, f->len,
                     BPF_MAXINSNS);
  f->prog = xmalloc ((size_t)st.st_size);
  if (pread (mfd, f->prog, (size_t)st.st_size, 0) != st.st_size)
    return cell_err_errno (err, "%s: read back the BPF program", what);
  return 0;
}

static int
compile (struct cell_seccomp *f, const struct cell_spec_seccomp *s, const char *display,
         struct cell_error **err)
{
  scmp_filter_ctx ctx;
  uint32_t def;
  int r;

  if (parse_action (s->default_action, s->has_default_errno_ret, s->default_errno_ret, display,
                    "/linux/seccomp/defaultAction", "/linux/seccomp/defaultErrnoRet", &def, err)
          < 0
      || parse_flags (s->flags, display, &f->flags, err) < 0)
    return -1;
  /* every syscall init makes after loading would wait for an agent that cannot have the listener yet */
  if (def == SCMP_ACT_NOTIFY)
    return cell_err (err, 0, "%s: /linux/seccomp/defaultAction: SCMP_ACT_NOTIFY cannot be the default action",
                     display);
  ctx = seccomp_init (def);
  if (ctx == NULL)
    return cell_err (err, 0, "%s: /linux/seccomp: cannot initialise libseccomp", display);
  r = add_architectures (ctx, s->architectures, display, err);
  if (r == 0)
    r = add_syscalls (ctx, s, def, display, &f->notify, err);
  if (r == 0)
    r = check_listener (s, f->notify, display, err);
  /* a binary tree of syscall numbers for long profiles (docker's has ~350 names): shorter paths */
  if (r == 0 && s->n_syscalls > 32 && seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
    cell_debug ("seccomp: libseccomp cannot optimise the filter as a binary tree");
  if (r == 0)
    {
      cleanup_free char *what = xasprintf ("%s: /linux/seccomp", display);
      r = export_program (ctx, f, what, err);
    }
  seccomp_release (ctx);
  return r;
}

int
cell_seccomp_compile (const struct cell_spec_seccomp *s, const char *display, struct cell_seccomp **out,
                      struct cell_error **err)
{
  struct cell_seccomp *f = xzalloc (sizeof *f);
  if (compile (f, s, display, err) < 0)
    {
      cell_seccomp_free (f);
      return -1;
    }
  *out = f;
  return 0;
}

/* ---- raw programs and the suppress filters ------------------------------------------------------------ */

int
cell_seccomp_from_bpf_fd (int fd, struct cell_seccomp **out, struct cell_error **err)
{
  /* one byte more than the largest program the kernel takes, to tell "too long" from "just fits" */
  const size_t cap = BPF_MAXINSNS * sizeof (struct sock_filter) + 1;
  cleanup_free char *buf = xmalloc (cap);
  size_t len = 0;
  struct cell_seccomp *f;

  while (len < cap)
    {
      ssize_t n = read (fd, buf + len, cap - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return cell_err_errno (err, "read seccomp program from fd %d", fd);
      if (n == 0)
        break;
      len += (size_t)n;
    }
  if (len == cap)
    return cell_err (err, 0, "seccomp program from fd %d: more than %d instructions", fd, BPF_MAXINSNS);
  if (len == 0 || len % sizeof (struct sock_filter) != 0)
    return cell_err (
        err, 0, "seccomp program from fd %d: %zu bytes is not a whole number of BPF instructions", fd, len);
  f = xzalloc (sizeof *f);
  f->len = len / sizeof (struct sock_filter);
  f->prog = (struct sock_filter *)steal_ptr (&buf);
  *out = f;
  return 0;
}

/* mkosi-sandbox's lists; names a given architecture lacks (chown32 on x86_64) are left out by libseccomp. */
static const char *const suppress_chown[]
    = { "chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32" };
static const char *const suppress_sync[] = { "sync",
                                             "syncfs",
                                             "fsync",
                                             "fdatasync",
                                             "msync",
                                             "sync_file_range",
                                             "sync_file_range2",
                                             "arm_sync_file_range" };

/* The compat ABIs the native one can run: a 32-bit `chown` is suppressed too. */
static const uint32_t compat_archs[] = {
#if defined(__x86_64__)
  SCMP_ARCH_X86,
  SCMP_ARCH_X32,
#elif defined(__aarch64__)
  SCMP_ARCH_ARM,
#endif
  0,
};

static int
suppress_rules (scmp_filter_ctx ctx, const char *const *names, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      int nr = seccomp_syscall_resolve_name (names[i]);
      int r;
      if (nr == __NR_SCMP_ERROR)
        continue;
      /* SECCOMP_RET_ERRNO with errno 0: the call returns 0 and does nothing */
      r = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (0), nr, 0);
      if (r < 0)
        return r;
    }
  return 0;
}

int
cell_seccomp_suppress (bool chown, bool sync, struct cell_seccomp **out, struct cell_error **err)
{
  scmp_filter_ctx ctx;
  struct cell_seccomp *f;
  int r = 0;

  if (!chown && !sync)
    return cell_err (err, EINVAL, "suppress filter: nothing to suppress");
  ctx = seccomp_init (SCMP_ACT_ALLOW);
  if (ctx == NULL)
    return cell_err (err, 0, "suppress filter: cannot initialise libseccomp");
  /* not a security boundary: a foreign ABI is let through rather than killed */
  r = seccomp_attr_set (ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
  for (size_t i = 0; r == 0 && compat_archs[i]; i++)
    if ((r = seccomp_arch_add (ctx, compat_archs[i])) == -EEXIST)
      r = 0;
  if (r == 0 && chown)
    r = suppress_rules (ctx, suppress_chown, ARRAY_SIZE (suppress_chown));
  if (r == 0 && sync)
    r = suppress_rules (ctx, suppress_sync, ARRAY_SIZE (suppress_sync));
  if (r < 0)
    {
      seccomp_release (ctx);
      return cell_err (err, -r, "suppress filter");
    }
  f = xzalloc (sizeof *f);
  r = export_program (ctx, f, "suppress filter", err);
  seccomp_release (ctx);
  if (r < 0)
    {
      cell_seccomp_free (f);
      return -1;
    }
  *out = f;
  return 0;
}

/* ---- loading ---------------------------------------------------------------------------------------- */

bool
cell_seccomp_has_notify (const struct cell_seccomp *f)
{
  return f && f->notify;
}

int
cell_seccomp_load (const struct cell_seccomp *f, int *notify_fd, struct cell_error **err)
{
  struct sock_fprog prog = { .len = (unsigned short)f->len, .filter = f->prog };
  unsigned int flags = f->flags;
  long r;

  if (notify_fd)
    *notify_fd = -1;
  if (f->notify && notify_fd == NULL)
    return cell_err (err, EINVAL, "load seccomp filter: its SCMP_ACT_NOTIFY listener has nowhere to go");
  if (f->notify)
    {
      flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
      /* TSYNC reports a thread it could not sync by its tid, which collides with returning the listener */
      if (flags & SECCOMP_FILTER_FLAG_TSYNC)
        flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
  else
    flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV; /* only concerns notifications */
  r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (r < 0 && errno == ENOSYS && flags == 0) /* before Linux 3.17 */
    r = prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
  if (r < 0)
    return cell_err_errno (err, "load seccomp filter");
  if (f->notify)
    *notify_fd = (int)r;
  else if (r > 0)
    return cell_err (err, 0, "load seccomp filter: thread %ld could not be synchronised", r);
  return 0;
}

void
cell_seccomp_free (struct cell_seccomp *f)
{
  if (f == NULL)
    return;
  free (f->prog);
  free (f);
}

/* ---- the seccomp agent -------------------------------------------------------------------------------- */

int
cell_seccomp_notify_send (const char *listener_path, int notify_fd, pid_t pid, const char *state_json,
                          const char *metadata, struct cell_error **err)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  struct cell_json_gen *g = cell_json_gen_new (false);
  cleanup_free char *head = NULL, *doc = NULL;
  cleanup_close int sock = -1;
  size_t len, off;
  ssize_t n;

  if (strlen (listener_path) >= sizeof sa.sun_path)
    return cell_err (err, ENAMETOOLONG, "seccomp listener `%s`: path too long", listener_path);
  memcpy (sa.sun_path, listener_path, strlen (listener_path) + 1);

  cell_json_gen_map_open (g);
  cell_json_gen_kv_string (g, "ociVersion", "1.2.0");
  cell_json_gen_key (g, "fds");
  cell_json_gen_array_open (g);
  cell_json_gen_string (g, "seccompFd");
  cell_json_gen_array_close (g);
  cell_json_gen_kv_int (g, "pid", pid);
  if (metadata)
    cell_json_gen_kv_string (g, "metadata", metadata);
  cell_json_gen_map_close (g);
  head = cell_json_gen_finish (g, &len);
  /* the state document is ours and already JSON: spliced in as the last member */
  doc = xasprintf ("%.*s,\"state\":%s}", (int)(len - 1), head, state_json);
  len = strlen (doc);

  sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return cell_err_errno (err, "seccomp listener `%s`: socket", listener_path);
  while (connect (sock, (struct sockaddr *)&sa, sizeof sa) < 0)
    if (errno != EINTR)
      return cell_err_errno (err, "connect to seccomp listener `%s`", listener_path);
  /* config-linux.md: the fds go with the first sendmsg only; a stream socket may take less than all in one
     go, the rest follows without them */
  for (off = 0; off < len; off += (size_t)n)
    {
      char cbuf[CMSG_SPACE (sizeof (int))] = { 0 };
      struct iovec iov = { .iov_base = doc + off, .iov_len = len - off };
      struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
      if (off == 0)
        {
          struct cmsghdr *c;
          msg.msg_control = cbuf;
          msg.msg_controllen = sizeof cbuf;
          c = CMSG_FIRSTHDR (&msg);
          c->cmsg_level = SOL_SOCKET;
          c->cmsg_type = SCM_RIGHTS;
          c->cmsg_len = CMSG_LEN (sizeof (int));
          memcpy (CMSG_DATA (c), &notify_fd, sizeof (int));
        }
      n = sendmsg (sock, &msg, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        n = 0;
      else if (n < 0)
        return cell_err_errno (err, "send the seccomp listener to `%s`", listener_path);
    }
  return 0;
}
