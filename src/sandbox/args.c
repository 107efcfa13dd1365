/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* args.c: the sandbox compiler's option table: every option of bubblewrap 0.8.0 (with Debian's
   --bind-fd, 0.9's --argv0) and mkosi-sandbox's extras, each row with its argument count and a handler
   that appends plan operations or sets plan fields. No system calls. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include "caps.h"
#include "compiler.h"
#include "path-util.h"
#include "strv.h"
#include "xalloc.h"

/* bwrap: MAX_TMPFS_BYTES */
#define MAX_TMPFS_BYTES ((unsigned long long)(SIZE_MAX >> 1))

/* ---- argument parsing, in bwrap's words ---- */

int
cell_sandbox_parse_fd (const char *s, int *fd, struct cell_error **err)
{
  char *end;
  long v;
  errno = 0;
  v = strtol (s, &end, 10);
  if (s[0] == '\0' || *end != '\0' || v < 0 || v > INT_MAX || errno)
    return cell_err (err, 0, "Invalid fd: %s", s);
  *fd = (int)v;
  return 0;
}

static int
parse_id (const char *s, const char *what, unsigned *id, struct cell_error **err)
{
  char *end;
  long v;
  errno = 0;
  v = strtol (s, &end, 10);
  if (s[0] == '\0' || *end != '\0' || v < 0 || v > INT_MAX || errno)
    return cell_err (err, 0, "Invalid %s: %s", what, s);
  *id = (unsigned)v;
  return 0;
}

static int
parse_octal (const char *s, const char *opt, mode_t *mode, struct cell_error **err)
{
  char *end = NULL;
  unsigned long v;
  errno = 0;
  v = strtoul (s, &end, 8);
  if (s[0] == '\0' || *end != '\0' || v > 07777 || errno)
    return cell_err (err, 0, "%s takes an octal argument <= 07777", opt);
  *mode = (mode_t)v;
  return 0;
}

static int
need_absolute (const char *opt, const char *what, const char *path, struct cell_error **err)
{
  if (path[0] != '/')
    return cell_err (err, 0, "%s: %s is not an absolute path: %s", opt, what, path);
  return 0;
}

/* A host path as bwrap resolves it: relative to the caller's working directory. */
static char *
host_path (const struct cell_sandbox_compiler *c, const char *p)
{
  if (p[0] == '/' || !c->in->cwd)
    return xstrdup (p);
  return xasprintf ("%s%s%s", c->in->cwd, c->in->cwd[strlen (c->in->cwd) - 1] == '/' ? "" : "/", p);
}

struct cell_op *
cell_sandbox_add_op (struct cell_sandbox_compiler *c, enum cell_op_kind kind, const char *dest)
{
  struct cell_op *op = cell_plan_add (c->plan, kind);
  op->dest = dest ? cell_path_clean (dest) : NULL;
  return op;
}

/* --perms for an op that takes it (bwrap: the next action only, then back to its default). */
static void
take_perms (struct cell_sandbox_compiler *c, struct cell_op *op, mode_t dflt)
{
  op->mode = c->next_perms >= 0 ? (mode_t)c->next_perms : dflt;
  op->flags |= CELL_OPF_MODE;
  c->next_perms = -1;
}

/* ---- the environment, edited in argv order as bwrap edits its own ---- */

static int
env_name_ok (const char *opt, const char *name, struct cell_error **err)
{
  if (!*name || strchr (name, '='))
    return cell_err (err, 0, "%s: invalid variable name: %s", opt, name);
  return 0;
}

static size_t
env_find (char **env, const char *name)
{
  size_t n = strlen (name), i;
  for (i = 0; env && env[i]; i++)
    if (strncmp (env[i], name, n) == 0 && env[i][n] == '=')
      return i;
  return i;
}

static void
env_unset (char **env, const char *name)
{
  size_t i;
  while (env && env[i = env_find (env, name)])
    {
      free (env[i]);
      memmove (&env[i], &env[i + 1], (cell_strv_len (&env[i + 1]) + 1) * sizeof (char *));
    }
}

static void
env_set (struct cell_sandbox_compiler *c, const char *name, const char *value)
{
  size_t i = env_find (c->env, name);
  char *kv = xasprintf ("%s=%s", name, value);
  if (c->env && c->env[i])
    {
      free (c->env[i]);
      c->env[i] = kv;
      return;
    }
  c->env = cell_strv_append (c->env, kv);
  free (kv);
}

const char *
cell_sandbox_env_get (char *const *env, const char *name)
{
  size_t i = env_find ((char **)env, name);
  return env && env[i] ? env[i] + strlen (name) + 1 : NULL;
}

/* ---- option handlers: `a` holds the option's arguments ---- */

#define HANDLER(name)                                                                                        \
  static int name (struct cell_sandbox_compiler *c, const struct cell_sandbox_opt *o, char *const *a,        \
                   struct cell_error **err)

HANDLER (opt_help)
{
  (void)o, (void)a, (void)err;
  c->action = CELL_SANDBOX_HELP;
  return 0;
}

HANDLER (opt_version)
{
  (void)o, (void)a, (void)err;
  c->action = CELL_SANDBOX_VERSION;
  return 0;
}

HANDLER (opt_args)
{
  (void)c, (void)o, (void)a;
  /* the front-end splices every --args it finds where options go; one left here came from an args file */
  return cell_err (err, 0, "--args not supported in arguments file");
}

HANDLER (opt_unshare)
{
  (void)a, (void)err;
  if (streq (o->h.name, "--unshare-all"))
    {
      /* bwrap: the -try forms of user and cgroup, so kernels without them still work */
      c->user_try = c->cgroup_try = true;
      c->unshare[CELL_NS_IPC] = c->unshare[CELL_NS_PID] = c->unshare[CELL_NS_UTS] = true;
      c->unshare[CELL_NS_NETWORK] = true;
    }
  else if (streq (o->h.name, "--share-net"))
    c->unshare[CELL_NS_NETWORK] = false;
  else if (streq (o->h.name, "--unshare-user-try"))
    c->user_try = true;
  else if (streq (o->h.name, "--unshare-cgroup-try"))
    c->cgroup_try = true;
  else
    c->unshare[o->ns] = true;
  return 0;
}

/* An option whose value bwrap keeps once ("Only the last ... will take effect"): an fd. */
HANDLER (opt_fd)
{
  int fd;
  if (cell_sandbox_parse_fd (a[0], &fd, err) < 0)
    return -1;
  *(int *)((char *)c->sb + o->field) = fd;
  return 0;
}

HANDLER (opt_string)
{
  char **slot = (char **)((char *)c->sb + o->field);
  (void)err;
  free (*slot);
  *slot = xstrdup (a[0]);
  return 0;
}

HANDLER (opt_flag)
{
  (void)a, (void)err;
  *(bool *)((char *)c->sb + o->field) = true;
  return 0;
}

HANDLER (opt_id)
{
  unsigned id = 0;
  bool uid = streq (o->h.name, "--uid");
  if (parse_id (a[0], uid ? "uid" : "gid", &id, err) < 0)
    return -1;
  if (uid)
    c->uid = (long)id;
  else
    c->gid = (long)id;
  return 0;
}

HANDLER (opt_hostname)
{
  (void)o, (void)err;
  free (c->plan->hostname);
  c->plan->hostname = xstrdup (a[0]);
  return 0;
}

HANDLER (opt_chdir)
{
  (void)o, (void)err;
  free (c->plan->process.cwd);
  c->plan->process.cwd = xstrdup (a[0]);
  return 0;
}

HANDLER (opt_same_dir)
{
  (void)a;
  if (!c->in->cwd)
    return cell_err (err, 0, "%s: the current directory is unknown", o->h.name);
  free (c->plan->process.cwd);
  c->plan->process.cwd = xstrdup (c->in->cwd);
  return 0;
}

HANDLER (opt_clearenv)
{
  (void)o, (void)a, (void)err;
  cell_strv_free (c->env);
  c->env = xcalloc (1, sizeof (char *));
  return 0;
}

HANDLER (opt_setenv)
{
  if (env_name_ok (o->h.name, a[0], err) < 0)
    return -1;
  env_set (c, a[0], a[1]);
  return 0;
}

HANDLER (opt_unsetenv)
{
  if (env_name_ok (o->h.name, a[0], err) < 0)
    return -1;
  env_unset (c->env, a[0]);
  return 0;
}

HANDLER (opt_lock_file)
{
  (void)o, (void)err;
  c->sb->lock_files = cell_strv_append (c->sb->lock_files, a[0]);
  return 0;
}

/* --bind, --ro-bind, --dev-bind and their -try forms: recursive binds that bwrap remounts nosuid (and
   nodev unless --dev-bind, read-only for --ro-bind) down the whole tree. */
HANDLER (opt_bind)
{
  const char *name = o->h.name;
  bool ro = strncmp (name, "--ro-", 5) == 0, dev = strncmp (name, "--dev-", 6) == 0;
  struct cell_op *op;

  if (need_absolute (name, "destination", a[1], err) < 0)
    return -1;
  op = cell_sandbox_add_op (c, CELL_OP_BIND, a[1]);
  /* mkosi-sandbox: `+PATH` is a path in the new root (bwrap would read a relative host path "+PATH") */
  if (a[0][0] == '+')
    {
      cleanup_free char *in_root = xasprintf ("/%s", a[0] + 1);
      op->source = cell_path_clean (in_root);
      op->flags |= CELL_OPF_IN_ROOT;
    }
  else
    op->source = host_path (c, a[0]);
  op->recursive = true;
  op->attr_set = MOUNT_ATTR_NOSUID | (dev ? 0 : MOUNT_ATTR_NODEV) | (ro ? MOUNT_ATTR_RDONLY : 0);
  if (strstr (name, "-try"))
    op->flags |= CELL_OPF_TRY;
  return 0;
}

HANDLER (opt_bind_fd)
{
  struct cell_op *op;
  int fd;
  if (cell_sandbox_parse_fd (a[0], &fd, err) < 0 || need_absolute (o->h.name, "destination", a[1], err) < 0)
    return -1;
  op = cell_sandbox_add_op (c, CELL_OP_BIND, a[1]);
  op->flags |= CELL_OPF_SOURCE_FD;
  op->fd = fd;
  op->recursive = true;
  op->attr_set
      = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (streq (o->h.name, "--ro-bind-fd") ? MOUNT_ATTR_RDONLY : 0);
  return 0;
}

HANDLER (opt_remount_ro)
{
  struct cell_op *op;
  if (need_absolute (o->h.name, "destination", a[0], err) < 0)
    return -1;
  /* bwrap remounts that one mount (not the ones below) and adds nosuid,nodev as for its binds */
  op = cell_sandbox_add_op (c, CELL_OP_REMOUNT_RO, a[0]);
  op->mflags = MS_RDONLY | MS_NOSUID | MS_NODEV;
  return 0;
}

HANDLER (opt_proc)
{
  static const char *const cover[] = { "sys", "sysrq-trigger", "irq", "bus" };
  struct cell_op *op;
  if (need_absolute (o->h.name, "destination", a[0], err) < 0)
    return -1;
  /* a procfs of its own; cell_sandbox_finalize makes it a bind of the host's /proc when the sandbox
     shares the pid namespace (bwrap does both) */
  op = cell_sandbox_add_op (c, CELL_OP_MOUNT, a[0]);
  op->fstype = xstrdup ("proc");
  op->source = xstrdup ("proc");
  op->mflags = MS_NOSUID | MS_NOEXEC | MS_NODEV;
  c->proc_ops = xgrow (c->proc_ops, &c->cap_proc_ops, c->n_proc_ops + 1, sizeof (size_t));
  c->proc_ops[c->n_proc_ops++] = c->plan->n_ops - 1;
  /* bwrap covers these read-only where they are writable: /proc/sys never is to access(2) (its root
     directory refuses MAY_WRITE to anyone), so a sandbox's root keeps writing its namespaces' sysctls */
  for (size_t i = 0; i < ARRAY_SIZE (cover); i++)
    {
      cleanup_free char *d = xasprintf ("%s/%s", a[0], cover[i]);
      op = cell_sandbox_add_op (c, CELL_OP_READONLY, d);
      op->flags |= CELL_OPF_TRY | CELL_OPF_IF_WRITABLE;
    }
  return 0;
}

static void
add_symlink (struct cell_sandbox_compiler *c, const char *dir, const char *name, const char *target)
{
  cleanup_free char *d = xasprintf ("%s/%s", dir, name);
  struct cell_op *op = cell_sandbox_add_op (c, CELL_OP_SYMLINK, d);
  op->source = xstrdup (target);
}

/* bwrap's minimal /dev: a tmpfs with the host's harmless nodes bound in, the stdio links, shm, a devpts
   of its own with the ptmx link, and the caller's tty as console. */
HANDLER (opt_dev)
{
  static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
  static const char *const stdio[] = { "stdin", "stdout", "stderr" };
  const char *dest = a[0];
  struct cell_op *op;

  if (need_absolute (o->h.name, "destination", dest, err) < 0)
    return -1;
  c->needs_devpts = true;
  op = cell_sandbox_add_op (c, CELL_OP_MOUNT, dest);
  op->fstype = xstrdup ("tmpfs");
  op->source = xstrdup ("tmpfs");
  op->mflags = MS_NOSUID | MS_NODEV;
  op->data = xstrdup ("mode=0755");
  for (size_t i = 0; i < ARRAY_SIZE (nodes); i++)
    {
      cleanup_free char *d = xasprintf ("%s/%s", dest, nodes[i]);
      op = cell_sandbox_add_op (c, CELL_OP_BIND, d);
      op->source = xasprintf ("/dev/%s", nodes[i]);
      op->recursive = true;
      op->attr_set = MOUNT_ATTR_NOSUID;
    }
  for (size_t i = 0; i < ARRAY_SIZE (stdio); i++)
    {
      cleanup_free char *target = xasprintf ("/proc/self/fd/%zu", i);
      add_symlink (c, dest, stdio[i], target);
    }
  add_symlink (c, dest, "fd", "/proc/self/fd");
  add_symlink (c, dest, "core", "/proc/kcore");
  {
    cleanup_free char *shm = xasprintf ("%s/shm", dest);
    cleanup_free char *pts = xasprintf ("%s/pts", dest);
    op = cell_sandbox_add_op (c, CELL_OP_DIR, shm);
    op->mode = 0755;
    op = cell_sandbox_add_op (c, CELL_OP_DIR, pts);
    op->mode = 0755;
    op = cell_sandbox_add_op (c, CELL_OP_MOUNT, pts);
    op->fstype = xstrdup ("devpts");
    op->source = xstrdup ("devpts");
    op->mflags = MS_NOSUID | MS_NOEXEC;
    op->data = xstrdup ("newinstance,ptmxmode=0666,mode=620");
  }
  add_symlink (c, dest, "ptmx", "pts/ptmx");
  if (c->in->tty && *c->in->tty)
    {
      cleanup_free char *d = xasprintf ("%s/console", dest);
      op = cell_sandbox_add_op (c, CELL_OP_BIND, d);
      op->source = xstrdup (c->in->tty);
      op->recursive = true;
      op->attr_set = MOUNT_ATTR_NOSUID;
    }
  return 0;
}

HANDLER (opt_tmpfs)
{
  struct cell_op *op;
  if (need_absolute (o->h.name, "destination", a[0], err) < 0)
    return -1;
  op = cell_sandbox_add_op (c, CELL_OP_MOUNT, a[0]);
  op->fstype = xstrdup ("tmpfs");
  op->source = xstrdup ("tmpfs");
  op->mflags = MS_NOSUID | MS_NODEV;
  take_perms (c, op, 0755);
  if (c->next_size)
    op->data = xasprintf ("mode=%04o,size=%llu", (unsigned)op->mode, c->next_size);
  else
    op->data = xasprintf ("mode=%04o", (unsigned)op->mode);
  c->next_size = 0;
  return 0;
}

HANDLER (opt_mqueue)
{
  struct cell_op *op;
  if (need_absolute (o->h.name, "destination", a[0], err) < 0)
    return -1;
  op = cell_sandbox_add_op (c, CELL_OP_MOUNT, a[0]);
  op->fstype = xstrdup ("mqueue");
  op->source = xstrdup ("mqueue");
  return 0;
}

HANDLER (opt_dir)
{
  struct cell_op *op;
  if (need_absolute (o->h.name, "destination", a[0], err) < 0)
    return -1;
  op = cell_sandbox_add_op (c, CELL_OP_DIR, a[0]);
  take_perms (c, op, 0755);
  return 0;
}

/* --file, --bind-data, --ro-bind-data: FD DEST */
HANDLER (opt_file_fd)
{
  bool file = streq (o->h.name, "--file");
  struct cell_op *op;
  int fd;
  if (cell_sandbox_parse_fd (a[0], &fd, err) < 0 || need_absolute (o->h.name, "destination", a[1], err) < 0)
    return -1;
  op = cell_sandbox_add_op (c, file ? CELL_OP_FILE : CELL_OP_BIND_DATA, a[1]);
  op->flags |= CELL_OPF_SOURCE_FD;
  op->fd = fd;
  /* bwrap's defaults: creat(0666) for --file, mkstemp's 0600 for the bound copies */
  take_perms (c, op, file ? 0666 : 0600);
  if (!file)
    op->attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                   | (streq (o->h.name, "--ro-bind-data") ? MOUNT_ATTR_RDONLY : 0);
  return 0;
}

HANDLER (opt_write)
{
  struct cell_op *op;
  if (need_absolute (o->h.name, "destination", a[1], err) < 0)
    return -1;
  op = cell_sandbox_add_op (c, CELL_OP_FILE, a[1]);
  op->data = xstrdup (a[0]);
  /* mkosi-sandbox opens it with Python's 0666 under the usual umask 022 */
  take_perms (c, op, 0644);
  return 0;
}

HANDLER (opt_symlink)
{
  struct cell_op *op;
  if (need_absolute (o->h.name, "destination", a[1], err) < 0)
    return -1;
  op = cell_sandbox_add_op (c, CELL_OP_SYMLINK, a[1]);
  op->source = xstrdup (a[0]);
  return 0;
}

HANDLER (opt_chmod)
{
  struct cell_op *op;
  mode_t mode;
  if (parse_octal (a[0], o->h.name, &mode, err) < 0 || need_absolute (o->h.name, "path", a[1], err) < 0)
    return -1;
  op = cell_sandbox_add_op (c, CELL_OP_CHMOD, a[1]);
  op->mode = mode;
  return 0;
}

HANDLER (opt_seccomp)
{
  int fd;
  bool add = streq (o->h.name, "--add-seccomp-fd");
  if (add && c->seccomp_single)
    return cell_err (err, 0, "--add-seccomp-fd cannot be combined with --seccomp");
  if (!add && c->sb->n_seccomp_fds && !c->seccomp_single)
    return cell_err (err, 0, "--seccomp cannot be combined with --add-seccomp-fd");
  if (cell_sandbox_parse_fd (a[0], &fd, err) < 0)
    return -1;
  if (!add)
    {
      /* one program; a later --seccomp replaces it */
      c->seccomp_single = true;
      c->sb->n_seccomp_fds = 0;
    }
  c->sb->seccomp_fds = xrealloc (c->sb->seccomp_fds, (c->sb->n_seccomp_fds + 1) * sizeof (int));
  c->sb->seccomp_fds[c->sb->n_seccomp_fds++] = fd;
  return 0;
}

/* --cap-add and --cap-drop, kept as (base & keep) | add: the base (what uid 0 has, or nothing) is known
   only once every option is read. */
HANDLER (opt_cap)
{
  bool add = streq (o->h.name, "--cap-add");
  uint64_t mask;
  c->cap_opts_used = true;
  if (strcasecmp (a[0], "ALL") == 0)
    mask = UINT64_MAX;
  else
    {
      int cap = cell_caps_from_name (a[0]);
      if (cap < 0)
        return cell_err (err, 0, "unknown cap: %s", a[0]);
      mask = UINT64_C (1) << cap;
    }
  if (add)
    c->cap_add |= mask;
  else
    {
      c->cap_add &= ~mask;
      c->cap_keep &= ~mask;
    }
  return 0;
}

HANDLER (opt_perms)
{
  mode_t mode;
  if (c->next_perms >= 0)
    return cell_err (err, 0, "--perms given twice for the same action");
  if (parse_octal (a[0], o->h.name, &mode, err) < 0)
    return -1;
  c->next_perms = (int)mode;
  return 0;
}

HANDLER (opt_size)
{
  unsigned long long size;
  char *end = NULL;
  (void)o;
  if (c->next_size)
    return cell_err (err, 0, "--size given twice for the same action");
  errno = 0;
  size = strtoull (a[0], &end, 0);
  /* isdigit: no sign, no leading space */
  if (errno || !isdigit ((unsigned char)a[0][0]) || *end != '\0' || size == 0)
    return cell_err (err, 0, "--size takes a non-zero number of bytes");
  if (size > MAX_TMPFS_BYTES)
    return cell_err (err, 0, "--size (for tmpfs) is limited to %llu", MAX_TMPFS_BYTES);
  c->next_size = size;
  return 0;
}

/* ---- mkosi-sandbox's overlay: lower dirs collected, then --overlay DEST mounts them ---- */

HANDLER (opt_overlay_dir)
{
  (void)err;
  if (streq (o->h.name, "--overlay-lowerdir"))
    c->overlay_lowers = cell_strv_append (c->overlay_lowers, a[0]);
  else
    {
      char **slot = streq (o->h.name, "--overlay-upperdir") ? &c->overlay_upper : &c->overlay_work;
      free (*slot);
      *slot = xstrdup (a[0]);
    }
  return 0;
}

/* A layer path as overlayfs reads it from its options: `\`, `,` and `:` escaped. */
static char *
overlay_escape (const char *p)
{
  char *out = xmalloc (strlen (p) * 2 + 1), *q = out;
  for (; *p; p++)
    {
      if (*p == '\\' || *p == ',' || *p == ':')
        *q++ = '\\';
      *q++ = *p;
    }
  *q = '\0';
  return out;
}

static void
overlay_append (char **data, const char *key, const char *sep, const char *path)
{
  cleanup_free char *esc = overlay_escape (path);
  char *n = xasprintf ("%s%s%s%s", *data ? *data : "", *data ? sep : "", key, esc);
  free (*data);
  *data = n;
}

HANDLER (opt_overlay)
{
  bool tmpfs_upper = c->overlay_upper && streq (c->overlay_upper, "tmpfs");
  char *data = NULL;
  struct cell_op *op;
  size_t n = cell_strv_len (c->overlay_lowers);

  if (need_absolute (o->h.name, "destination", a[0], err) < 0)
    return -1;
  if (n == 0)
    return cell_err (err, 0, "--overlay: no --overlay-lowerdir given");
  if (c->overlay_upper && !tmpfs_upper && !c->overlay_work)
    return cell_err (err, 0, "--overlay: --overlay-upperdir needs --overlay-workdir");
  if (c->overlay_work && !c->overlay_upper)
    return cell_err (err, 0, "--overlay: --overlay-workdir needs --overlay-upperdir");
  /* mkosi-sandbox: the last lower dir given is the top one, the first in lowerdir= */
  for (size_t i = n; i-- > 0;)
    {
      cleanup_free char *p = host_path (c, c->overlay_lowers[i]);
      overlay_append (&data, i == n - 1 ? "lowerdir=" : "", i == n - 1 ? "," : ":", p);
    }
  if (c->overlay_upper && !tmpfs_upper)
    {
      cleanup_free char *u = host_path (c, c->overlay_upper);
      cleanup_free char *w = host_path (c, c->overlay_work);
      overlay_append (&data, "upperdir=", ",", u);
      overlay_append (&data, "workdir=", ",", w);
    }
  op = cell_sandbox_add_op (c, CELL_OP_OVERLAY, a[0]);
  op->fstype = xstrdup ("overlay");
  op->source = xstrdup ("overlay");
  /* mkosi-sandbox's options: user xattrs, and no index or metacopy so an upper may be reused over a
     different lower */
  op->data = xasprintf ("%s,userxattr,index=off,metacopy=off", data);
  free (data);
  if (tmpfs_upper)
    op->flags |= CELL_OPF_TMPFS_UPPER;
  cell_strv_freep (&c->overlay_lowers);
  free (steal_ptr (&c->overlay_upper));
  free (steal_ptr (&c->overlay_work));
  return 0;
}

HANDLER (opt_become_root)
{
  (void)o, (void)a, (void)err;
  c->become_root = true;
  return 0;
}

/* ---- the table, in bubblewrap's --help order, mkosi-sandbox's extras after ---- */

#define F(member) offsetof (struct cell_plan_sandbox, member)
#define BW(n, m, k, fn, fl, h)                                                                               \
  {                                                                                                          \
    { n, m, h, false }, k, fl, fn, 0, 0                                                                      \
  }
#define BWF(n, m, k, fn, fl, fld, h)                                                                         \
  {                                                                                                          \
    { n, m, h, false }, k, fl, fn, 0, fld                                                                    \
  }
#define NS(n, t, h)                                                                                          \
  {                                                                                                          \
    { n, NULL, h, false }, 0, 0, opt_unshare, t, 0                                                           \
  }
#define MK(n, m, k, fn, fl, fld, h)                                                                          \
  {                                                                                                          \
    { n, m, h, true }, k, fl, fn, 0, fld                                                                     \
  }

static const struct cell_sandbox_opt table[] = {
  BW ("--help", NULL, 0, opt_help, 0, "Print this help"),
  BW ("--version", NULL, 0, opt_version, 0, "Print version"),
  BW ("--args", "FD", 1, opt_args, 0, "Parse NUL-separated args from FD"),
  BWF ("--argv0", "VALUE", 1, opt_string, CELL_SBO_LAST_WINS, F (argv0),
       "Set argv[0] to the value VALUE before running the program"),
  NS ("--unshare-all", 0, "Unshare every namespace we support by default"),
  NS ("--share-net", 0, "Retain the network namespace (can only combine with --unshare-all)"),
  NS ("--unshare-user", CELL_NS_USER,
      "Create new user namespace (may be automatically implied if not setuid)"),
  NS ("--unshare-user-try", 0, "Create new user namespace if possible else continue by skipping it"),
  NS ("--unshare-ipc", CELL_NS_IPC, "Create new ipc namespace"),
  NS ("--unshare-pid", CELL_NS_PID, "Create new pid namespace"),
  NS ("--unshare-net", CELL_NS_NETWORK, "Create new network namespace"),
  NS ("--unshare-uts", CELL_NS_UTS, "Create new uts namespace"),
  NS ("--unshare-cgroup", CELL_NS_CGROUP, "Create new cgroup namespace"),
  NS ("--unshare-cgroup-try", 0, "Create new cgroup namespace if possible else continue by skipping it"),
  BWF ("--userns", "FD", 1, opt_fd, CELL_SBO_LAST_WINS, F (userns_fd),
       "Use this user namespace (cannot combine with --unshare-user)"),
  BWF ("--userns2", "FD", 1, opt_fd, CELL_SBO_LAST_WINS, F (userns2_fd),
       "After setup switch to this user namespace, only useful with --userns"),
  BWF ("--disable-userns", NULL, 0, opt_flag, 0, F (disable_userns),
       "Disable further use of user namespaces inside sandbox"),
  BWF ("--assert-userns-disabled", NULL, 0, opt_flag, 0, F (assert_userns_disabled),
       "Fail unless further use of user namespace inside sandbox is disabled"),
  BWF ("--pidns", "FD", 1, opt_fd, CELL_SBO_LAST_WINS, F (pidns_fd),
       "Use this pid namespace (as parent namespace if using --unshare-pid)"),
  BW ("--uid", "UID", 1, opt_id, CELL_SBO_LAST_WINS,
      "Custom uid in the sandbox (requires --unshare-user or --userns)"),
  BW ("--gid", "GID", 1, opt_id, CELL_SBO_LAST_WINS,
      "Custom gid in the sandbox (requires --unshare-user or --userns)"),
  BW ("--hostname", "NAME", 1, opt_hostname, CELL_SBO_LAST_WINS,
      "Custom hostname in the sandbox (requires --unshare-uts)"),
  BW ("--chdir", "DIR", 1, opt_chdir, CELL_SBO_LAST_WINS | CELL_SBO_ONE, "Change directory to DIR"),
  BW ("--clearenv", NULL, 0, opt_clearenv, 0, "Unset all environment variables"),
  BW ("--setenv", "VAR VALUE", 2, opt_setenv, 0, "Set an environment variable"),
  BW ("--unsetenv", "VAR", 1, opt_unsetenv, 0, "Unset an environment variable"),
  BW ("--lock-file", "DEST", 1, opt_lock_file, 0, "Take a lock on DEST while sandbox is running"),
  BWF ("--sync-fd", "FD", 1, opt_fd, CELL_SBO_LAST_WINS, F (sync_fd),
       "Keep this fd open while sandbox is running"),
  BW ("--bind", "SRC DEST", 2, opt_bind, 0, "Bind mount the host path SRC on DEST"),
  BW ("--bind-try", "SRC DEST", 2, opt_bind, 0, "Equal to --bind but ignores non-existent SRC"),
  BW ("--dev-bind", "SRC DEST", 2, opt_bind, 0,
      "Bind mount the host path SRC on DEST, allowing device access"),
  BW ("--dev-bind-try", "SRC DEST", 2, opt_bind, 0, "Equal to --dev-bind but ignores non-existent SRC"),
  BW ("--ro-bind", "SRC DEST", 2, opt_bind, 0, "Bind mount the host path SRC readonly on DEST"),
  BW ("--ro-bind-try", "SRC DEST", 2, opt_bind, 0, "Equal to --ro-bind but ignores non-existent SRC"),
  BW ("--bind-fd", "FD DEST", 2, opt_bind_fd, 0, "Bind open directory or path fd on DEST"),
  BW ("--ro-bind-fd", "FD DEST", 2, opt_bind_fd, 0, "Bind open directory or path fd read-only on DEST"),
  BW ("--remount-ro", "DEST", 1, opt_remount_ro, CELL_SBO_ONE,
      "Remount DEST as readonly; does not recursively remount"),
  BWF ("--exec-label", "LABEL", 1, opt_string, CELL_SBO_LAST_WINS, F (exec_label),
       "Exec label for the sandbox"),
  BWF ("--file-label", "LABEL", 1, opt_string, CELL_SBO_LAST_WINS, F (file_label),
       "File label for temporary sandbox content"),
  BW ("--proc", "DEST", 1, opt_proc, 0, "Mount new procfs on DEST"),
  BW ("--dev", "DEST", 1, opt_dev, 0, "Mount new dev on DEST"),
  BW ("--tmpfs", "DEST", 1, opt_tmpfs, 0, "Mount new tmpfs on DEST"),
  BW ("--mqueue", "DEST", 1, opt_mqueue, 0, "Mount new mqueue on DEST"),
  BW ("--dir", "DEST", 1, opt_dir, 0, "Create dir at DEST"),
  BW ("--file", "FD DEST", 2, opt_file_fd, 0, "Copy from FD to destination DEST"),
  BW ("--bind-data", "FD DEST", 2, opt_file_fd, 0, "Copy from FD to file which is bind-mounted on DEST"),
  BW ("--ro-bind-data", "FD DEST", 2, opt_file_fd, 0,
      "Copy from FD to file which is readonly bind-mounted on DEST"),
  BW ("--symlink", "SRC DEST", 2, opt_symlink, 0, "Create symlink at DEST with target SRC"),
  BW ("--seccomp", "FD", 1, opt_seccomp, CELL_SBO_LAST_WINS,
      "Load and use seccomp rules from FD (not repeatable)"),
  BW ("--add-seccomp-fd", "FD", 1, opt_seccomp, 0, "Load and use seccomp rules from FD (repeatable)"),
  BWF ("--block-fd", "FD", 1, opt_fd, CELL_SBO_LAST_WINS, F (block_fd),
       "Block on FD until some data to read is available"),
  BWF ("--userns-block-fd", "FD", 1, opt_fd, CELL_SBO_LAST_WINS, F (userns_block_fd),
       "Block on FD until the user namespace is ready"),
  BWF ("--info-fd", "FD", 1, opt_fd, CELL_SBO_LAST_WINS, F (info_fd),
       "Write information about the running container to FD"),
  BWF ("--json-status-fd", "FD", 1, opt_fd, CELL_SBO_LAST_WINS, F (json_status_fd),
       "Write container status to FD as multiple JSON documents"),
  BWF ("--new-session", NULL, 0, opt_flag, 0, F (new_session), "Create a new terminal session"),
  BWF ("--die-with-parent", NULL, 0, opt_flag, 0, F (die_with_parent),
       "Kills with SIGKILL child process (COMMAND) when bwrap or bwrap's parent dies."),
  BWF ("--as-pid-1", NULL, 0, opt_flag, 0, F (as_pid_1), "Do not install a reaper process with PID=1"),
  BW ("--cap-add", "CAP", 1, opt_cap, 0, "Add cap CAP when running as privileged user"),
  BW ("--cap-drop", "CAP", 1, opt_cap, 0, "Drop cap CAP when running as privileged user"),
  BW ("--perms", "OCTAL", 1, opt_perms, CELL_SBO_MODIFIER,
      "Set permissions of next argument (--bind-data, --file, etc.)"),
  BW ("--size", "BYTES", 1, opt_size, CELL_SBO_MODIFIER, "Set size of next argument (only for --tmpfs)"),
  BW ("--chmod", "OCTAL PATH", 2, opt_chmod, 0, "Change permissions of PATH (must already exist)"),
  MK ("-h", NULL, 0, opt_help, 0, 0, NULL),
  MK ("--write", "DATA DEST", 2, opt_write, 0, 0, "Write DATA to DEST"),
  MK ("--overlay-lowerdir", "DIR", 1, opt_overlay_dir, 0, 0,
      "Add a lower directory for the next overlayfs mount"),
  MK ("--overlay-upperdir", "DIR", 1, opt_overlay_dir, 0, 0,
      "Set the upper directory for the next overlayfs mount (tmpfs: a fresh tmpfs)"),
  MK ("--overlay-workdir", "DIR", 1, opt_overlay_dir, 0, 0,
      "Set the working directory for the next overlayfs mount"),
  MK ("--overlay", "DEST", 1, opt_overlay, 0, 0, "Mount an overlay filesystem at DEST"),
  MK ("--same-dir", NULL, 0, opt_same_dir, 0, 0, "Change the working directory in the sandbox to $PWD"),
  MK ("--become-root", NULL, 0, opt_become_root, 0, 0,
      "Map the current user/group to root:root in the sandbox"),
  MK ("--suppress-chown", NULL, 0, opt_flag, 0, F (suppress_chown),
      "Make chown() syscalls in the sandbox a noop"),
  MK ("--suppress-sync", NULL, 0, opt_flag, 0, F (suppress_sync),
      "Make sync() syscalls in the sandbox a noop"),
  MK ("--suspend", NULL, 0, opt_flag, 0, F (suspend), "Stop process before execve()"),
  MK ("--pack-fds", NULL, 0, opt_flag, 0, F (pack_fds),
      "Move inherited fds to 3, 4, ... and set LISTEN_FDS and LISTEN_PID"),
};

const struct cell_sandbox_help *
cell_sandbox_help_row (size_t i)
{
  return i < ARRAY_SIZE (table) ? &table[i].h : NULL;
}

const struct cell_sandbox_opt *
cell_sandbox_lookup (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (table); i++)
    if (streq (table[i].h.name, name))
      return &table[i];
  return NULL;
}

size_t
cell_sandbox_opt_index (const struct cell_sandbox_opt *o)
{
  return (size_t)(o - table);
}

size_t
cell_sandbox_n_opts (void)
{
  return ARRAY_SIZE (table);
}
