/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seccomp.c: compiles linux.seccomp into a libseccomp filter (actions, architectures, flags, argument
   conditions) and loads it. */
#include <ctype.h>
#include <seccomp.h>
#include <string.h>
#include "seccomp.h"
#include "xalloc.h"

struct cell_seccomp
{
  scmp_filter_ctx ctx;
};

/* The names the parser accepts; `cell features` lists the same tables. */
const char *const cell_seccomp_actions[] = { "SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO",        "SCMP_ACT_KILL",
                                             "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP",
                                             "SCMP_ACT_TRACE",       "SCMP_ACT_LOG",          NULL };
const char *const cell_seccomp_operators[]
    = { "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
        "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL };
const char *const cell_seccomp_flags[]
    = { "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC", NULL };

static int
parse_action (const char *name, bool has_errno, uint32_t errno_ret, uint32_t *action)
{
  uint32_t e = has_errno ? errno_ret : EPERM;
  const uint32_t actions[]
      = { SCMP_ACT_ALLOW,        SCMP_ACT_ERRNO (e), SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_THREAD,
          SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP,      SCMP_ACT_TRACE (e),   SCMP_ACT_LOG };
  for (size_t i = 0; i < ARRAY_SIZE (actions); i++)
    if (streq (name, cell_seccomp_actions[i]))
      {
        *action = actions[i];
        return 0;
      }
  return -1;
}

static int
parse_op (const char *name, enum scmp_compare *op)
{
  static const enum scmp_compare ops[]
      = { SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ };
  for (size_t i = 0; i < ARRAY_SIZE (ops); i++)
    if (streq (name, cell_seccomp_operators[i]))
      {
        *op = ops[i];
        return 0;
      }
  return -1;
}

static uint32_t
parse_arch (const char *name)
{
  char buf[64];
  size_t i;
  /* "SCMP_ARCH_X86_64" -> "x86_64" (libseccomp's own names). */
  if (strncmp (name, "SCMP_ARCH_", 10) == 0)
    name += 10;
  for (i = 0; name[i] && i < sizeof buf - 1; i++)
    buf[i] = (char)tolower ((unsigned char)name[i]);
  buf[i] = '\0';
  return seccomp_arch_resolve_name (buf);
}

static int
compile (struct cell_seccomp *f, const struct cell_spec_seccomp *s, const char *display,
         struct cell_error **err)
{
  uint32_t def, action;
  int r;

  if (s->default_action == NULL)
    return cell_err (err, 0, "%s: /linux/seccomp/defaultAction: required", display);
  if (parse_action (s->default_action, s->has_default_errno_ret, s->default_errno_ret, &def) < 0)
    return cell_err (err, 0, "%s: /linux/seccomp/defaultAction: unknown action `%s`", display,
                     s->default_action);
  if (s->listener_path)
    return cell_err (err, 0, "%s: /linux/seccomp/listenerPath: seccomp notify is not supported", display);
  f->ctx = seccomp_init (def);
  if (f->ctx == NULL)
    return cell_err (err, 0, "%s: /linux/seccomp: cannot initialise libseccomp", display);
  for (size_t i = 0; s->architectures && s->architectures[i]; i++)
    {
      uint32_t arch = parse_arch (s->architectures[i]);
      if (arch == 0)
        return cell_err (err, 0, "%s: /linux/seccomp/architectures/%zu: unknown architecture `%s`", display,
                         i, s->architectures[i]);
      r = seccomp_arch_add (f->ctx, arch);
      if (r < 0 && r != -EEXIST)
        return cell_err (err, -r, "%s: /linux/seccomp/architectures/%zu: add `%s`", display, i,
                         s->architectures[i]);
    }
  for (size_t i = 0; s->flags && s->flags[i]; i++)
    {
      const char *fl = s->flags[i];
      if (streq (fl, "SECCOMP_FILTER_FLAG_LOG"))
        r = seccomp_attr_set (f->ctx, SCMP_FLTATR_CTL_LOG, 1);
      else if (streq (fl, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
        r = seccomp_attr_set (f->ctx, SCMP_FLTATR_CTL_SSB, 1);
      else if (streq (fl, "SECCOMP_FILTER_FLAG_TSYNC"))
        r = seccomp_attr_set (f->ctx, SCMP_FLTATR_CTL_TSYNC, 1);
      else
        return cell_err (err, 0, "%s: /linux/seccomp/flags/%zu: unknown flag `%s`", display, i, fl);
      if (r < 0)
        return cell_err (err, -r, "%s: /linux/seccomp/flags/%zu: `%s`", display, i, fl);
    }
  /* Keep the filter from failing on a no_new_privs it would set itself: the executor decides. */
  seccomp_attr_set (f->ctx, SCMP_FLTATR_CTL_NNP, 0);

  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      const struct cell_spec_seccomp_syscall *sc = &s->syscalls[i];
      struct scmp_arg_cmp cmp[6];

      if (sc->action == NULL || parse_action (sc->action, sc->has_errno_ret, sc->errno_ret, &action) < 0)
        return cell_err (err, 0, "%s: /linux/seccomp/syscalls/%zu/action: unknown action `%s`", display, i,
                         sc->action ? sc->action : "");
      if (sc->n_args > 6)
        return cell_err (err, 0, "%s: /linux/seccomp/syscalls/%zu/args: more than 6 arguments", display, i);
      for (size_t a = 0; a < sc->n_args; a++)
        {
          enum scmp_compare op;
          if (sc->args[a].op == NULL || parse_op (sc->args[a].op, &op) < 0)
            return cell_err (err, 0, "%s: /linux/seccomp/syscalls/%zu/args/%zu/op: unknown operator `%s`",
                             display, i, a, sc->args[a].op ? sc->args[a].op : "");
          if (sc->args[a].index > 5)
            return cell_err (err, 0, "%s: /linux/seccomp/syscalls/%zu/args/%zu/index: must be 0..5", display,
                             i, a);
          cmp[a] = (struct scmp_arg_cmp){
            .arg = sc->args[a].index, .op = op, .datum_a = sc->args[a].value, .datum_b = sc->args[a].value_two
          };
        }
      if (action == def)
        continue; /* libseccomp refuses rules equal to the default action */
      for (size_t n = 0; sc->names && sc->names[n]; n++)
        {
          int nr = seccomp_syscall_resolve_name (sc->names[n]);
          if (nr == __NR_SCMP_ERROR)
            continue;
          r = seccomp_rule_add_array (f->ctx, action, nr, (unsigned)sc->n_args, sc->n_args ? cmp : NULL);
          if (r < 0)
            return cell_err (err, -r, "%s: /linux/seccomp/syscalls/%zu: rule for `%s`", display, i,
                             sc->names[n]);
        }
    }
  return 0;
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

int
cell_seccomp_load (struct cell_seccomp *f, struct cell_error **err)
{
  int r = seccomp_load (f->ctx);
  if (r < 0)
    return cell_err (err, -r, "load seccomp filter");
  return 0;
}

void
cell_seccomp_free (struct cell_seccomp *f)
{
  if (f == NULL)
    return;
  if (f->ctx)
    seccomp_release (f->ctx);
  free (f);
}
