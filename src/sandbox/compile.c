/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* compile.c: the sandbox compiler's driver: reads argv through the option table (args.c), then makes
   bwrap's decisions that need every option (its main's checks, the user namespace, id maps, caps, /proc),
   and finishes the plan. No system calls. */
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/mount.h>
#include "compiler.h"
#include "strv.h"
#include "xalloc.h"

int
cell_sandbox_find_args (int argc, char *const *args, int from)
{
  for (int i = 0; i < argc;)
    {
      const struct cell_sandbox_opt *o;
      if (streq (args[i], "--") || args[i][0] != '-')
        return -1;
      o = cell_sandbox_lookup (args[i]);
      /* unknown: the compiler says so; --help and --version end the parse */
      if (!o || streq (o->h.name, "--help") || streq (o->h.name, "--version") || streq (o->h.name, "-h"))
        return -1;
      if (streq (args[i], "--args") && i >= from)
        return i;
      i += 1 + o->n_args;
    }
  return -1;
}

static void
warn_only_last (struct cell_sandbox_compiler *c, const char *opt)
{
  cleanup_free char *w = xasprintf ("Only the last %s option will take effect", opt);
  c->warnings = cell_strv_append (c->warnings, w);
}

/* Reads the options; stops at `--` or the first word that is not an option (the command). */
static int
parse (struct cell_sandbox_compiler *c, int argc, char *const *args, int *cmd, struct cell_error **err)
{
  int i = 0;

  if (argc > CELL_SANDBOX_MAX_ARGS)
    return cell_err (err, 0, "Exceeded maximum number of arguments %u", CELL_SANDBOX_MAX_ARGS);
  while (i < argc)
    {
      const char *arg = args[i];
      const struct cell_sandbox_opt *o;
      size_t row;

      if (streq (arg, "--"))
        {
          i++;
          break;
        }
      if (arg[0] != '-')
        break;
      o = cell_sandbox_lookup (arg);
      if (!o)
        return cell_err (err, 0, "Unknown option %s", arg);
      if (argc - i - 1 < o->n_args)
        return cell_err (err, 0, "%s takes %s", arg,
                         o->n_args == 2            ? "two arguments"
                         : o->flags & CELL_SBO_ONE ? "one argument"
                                                   : "an argument");
      row = cell_sandbox_opt_index (o);
      if ((o->flags & CELL_SBO_LAST_WINS) && c->seen[row])
        warn_only_last (c, arg);
      c->seen[row] = true;
      if (o->fn (c, o, &args[i + 1], err) < 0)
        return -1;
      if (c->action != CELL_SANDBOX_RUN)
        return 0;
      /* a --perms or --size the action did not take was meant for something else */
      if (!(o->flags & CELL_SBO_MODIFIER) && c->next_perms >= 0)
        return cell_err (err, 0, "--perms must be followed by an option that creates a file");
      if (!(o->flags & CELL_SBO_MODIFIER) && c->next_size)
        return cell_err (err, 0, "--size must be followed by --tmpfs");
      i += 1 + o->n_args;
    }
  *cmd = i;
  return 0;
}

/* bwrap's main, after parse_args: the refusals, in its order. */
static int
check (struct cell_sandbox_compiler *c, struct cell_error **err)
{
  const struct cell_plan_sandbox *sb = c->sb;
  bool user = c->unshare[CELL_NS_USER];

  if (sb->userns_block_fd >= 0 && !user)
    return cell_err (err, 0, "--userns-block-fd requires --unshare-user");
  if (sb->userns_block_fd >= 0 && sb->info_fd < 0)
    return cell_err (err, 0, "--userns-block-fd requires --info-fd");
  if (sb->userns_fd >= 0 && user)
    return cell_err (err, 0, "--userns not compatible --unshare-user");
  if (sb->userns_fd >= 0 && c->user_try)
    return cell_err (err, 0, "--userns not compatible --unshare-user-try");
  if (sb->disable_userns && !user)
    return cell_err (err, 0, "--disable-userns requires --unshare-user");
  if (sb->disable_userns && sb->userns_block_fd >= 0)
    return cell_err (err, 0, "--disable-userns is not compatible with --userns-block-fd");
  if (c->become_root && sb->userns_fd >= 0)
    return cell_err (err, 0, "--become-root is not compatible with --userns");
  if (c->become_root && (c->uid >= 0 || c->gid >= 0))
    return cell_err (err, 0, "--become-root is not compatible with --%s", c->uid >= 0 ? "uid" : "gid");
  if (c->overlay_lowers || c->overlay_upper || c->overlay_work)
    return cell_err (err, 0, "%s must be followed by --overlay",
                     c->overlay_lowers  ? "--overlay-lowerdir"
                     : c->overlay_upper ? "--overlay-upperdir"
                                        : "--overlay-workdir");
  return 0;
}

/* The user namespace: bwrap's rules for when it is made and which maps it gets. */
static int
user_namespace (struct cell_sandbox_compiler *c, uid_t *uid, gid_t *gid, struct cell_error **err)
{
  const struct cell_sandbox_input *in = c->in;
  struct cell_plan_sandbox *sb = c->sb;
  struct cell_plan *plan = c->plan;
  bool user = c->unshare[CELL_NS_USER];

  /* mkosi-sandbox: the caller becomes root in a user namespace of its own (root already is) */
  if (c->become_root && in->uid != 0)
    {
      user = true;
      c->uid = c->gid = 0;
    }
  /* bwrap, not setuid: anyone but root needs a user namespace for the rest */
  if (in->uid != 0 && sb->userns_fd < 0)
    user = true;
  if (c->user_try && !user)
    {
      user = true;
      sb->ns_try |= 1u << CELL_NS_USER;
    }
  *uid = c->uid >= 0 ? (uid_t)c->uid : in->uid;
  *gid = c->gid >= 0 ? (gid_t)c->gid : in->gid;
  if (!user && sb->userns_fd < 0 && *uid != in->uid)
    return cell_err (err, 0, "Specifying --uid requires --unshare-user or --userns");
  if (!user && sb->userns_fd < 0 && *gid != in->gid)
    return cell_err (err, 0, "Specifying --gid requires --unshare-user or --userns");
  plan->ns[CELL_NS_USER].create = user;
  /* with --userns-block-fd the caller writes the maps (it learns the pid from --info-fd) */
  if (user && sb->userns_block_fd < 0)
    {
      /* devpts cannot be mounted without root mapped: bwrap maps the caller to 0 first and to the asked
         ids in a second user namespace after the root switch, as it does for --disable-userns */
      uid_t ns_uid = c->needs_devpts ? 0 : *uid;
      gid_t ns_gid = c->needs_devpts ? 0 : *gid;
      plan->uid_map = xasprintf ("%u %u 1\n", (unsigned)ns_uid, (unsigned)in->uid);
      plan->gid_map = xasprintf ("%u %u 1\n", (unsigned)ns_gid, (unsigned)in->gid);
      sb->setgroups_deny = true;
      if (ns_uid != *uid || ns_gid != *gid || sb->disable_userns)
        {
          sb->nested_uid_map = xasprintf ("%u %u 1\n", (unsigned)*uid, (unsigned)ns_uid);
          sb->nested_gid_map = xasprintf ("%u %u 1\n", (unsigned)*gid, (unsigned)ns_gid);
        }
    }
  return 0;
}

/* bwrap: uid 0 keeps its caps unless --cap-add/--cap-drop say otherwise; anyone else gets only what
   --cap-add asks for (raised to ambient so the command keeps them). The bounding set shrinks to the same
   in a user namespace and is left alone outside one. */
static void
capabilities (struct cell_sandbox_compiler *c)
{
  struct cell_plan_process *p = &c->plan->process;
  bool in_userns = c->plan->ns[CELL_NS_USER].create || c->sb->userns_fd >= 0;
  uint64_t base, req;

  if (c->in->uid == 0 && !c->cap_opts_used)
    {
      if (!in_userns)
        return; /* has_caps false: inherited untouched */
      /* a new or joined user namespace grants every cap: bwrap shrinks the bounding set back to the caller's
         own, so the command (uid 0 there, or anyone after the exec) has no more than uid 0 had outside */
      p->has_caps = true;
      p->cap_bounding = p->cap_effective = p->cap_permitted = c->in->caps;
      p->cap_inheritable = p->cap_ambient = 0;
      return;
    }
  base = c->in->uid == 0 ? c->in->caps : c->become_root ? UINT64_MAX : 0;
  req = (base & c->cap_keep) | c->cap_add;
  p->has_caps = true;
  p->cap_effective = p->cap_permitted = p->cap_inheritable = p->cap_ambient = req;
  p->cap_bounding = in_userns ? req : UINT64_MAX;
}

static int
finalize (struct cell_sandbox_compiler *c, int n_cmd, char *const *cmd, struct cell_error **err)
{
  struct cell_plan *plan = c->plan;
  struct cell_plan_sandbox *sb = c->sb;
  struct cell_plan_process *p = &plan->process;
  uid_t uid;
  gid_t gid;
  struct cell_op *op;

  if (check (c, err) < 0)
    return -1;
  if (n_cmd <= 0)
    {
      c->action = CELL_SANDBOX_NO_COMMAND;
      return 0;
    }
  if (user_namespace (c, &uid, &gid, err) < 0)
    return -1;
  if (!c->unshare[CELL_NS_UTS] && plan->hostname)
    return cell_err (err, 0, "Specifying --hostname requires --unshare-uts");
  if (sb->as_pid_1 && !c->unshare[CELL_NS_PID])
    return cell_err (err, 0, "Specifying --as-pid-1 requires --unshare-pid");
  if (sb->as_pid_1 && sb->lock_files)
    return cell_err (err, 0, "Specifying --as-pid-1 and --lock-file is not permitted");

  /* bwrap always makes a mount namespace; the others as asked */
  plan->ns[CELL_NS_MOUNT].create = true;
  for (int t = 0; t < CELL_NS_COUNT; t++)
    if (t != CELL_NS_USER && c->unshare[t])
      plan->ns[t].create = true;
  if (c->cgroup_try && !c->unshare[CELL_NS_CGROUP])
    {
      plan->ns[CELL_NS_CGROUP].create = true;
      sb->ns_try |= 1u << CELL_NS_CGROUP;
    }
  plan->root_switch = CELL_ROOT_PIVOT;

  /* --proc: a procfs of its own needs a pid namespace of its own; otherwise bwrap binds the host's */
  if (!c->unshare[CELL_NS_PID] && sb->pidns_fd < 0)
    for (size_t i = 0; i < c->n_proc_ops; i++)
      {
        op = &plan->ops[c->proc_ops[i]];
        op->kind = CELL_OP_BIND;
        free (op->fstype);
        op->fstype = NULL;
        free (op->source);
        op->source = xstrdup ("/proc");
        op->mflags = 0;
        op->recursive = true;
        op->attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
      }

  p->present = true;
  p->args = xcalloc ((size_t)n_cmd + 1, sizeof (char *));
  for (int i = 0; i < n_cmd; i++)
    p->args[i] = xstrdup (cmd[i]);
  p->env = steal_ptr (&c->env);
  p->uid = uid;
  p->gid = gid;
  /* in a user namespace that cell does not map (--userns, or the caller's maps through --userns-block-fd)
     bwrap switches ids only to a --uid/--gid other than the caller's: the command keeps whatever the
     namespace makes of the caller's ids (-1: setresuid/setresgid leave them) */
  if (sb->userns_fd >= 0 || (plan->ns[CELL_NS_USER].create && sb->userns_block_fd >= 0))
    {
      if (uid == c->in->uid)
        p->uid = (uid_t)-1;
      if (gid == c->in->gid)
        p->gid = (gid_t)-1;
    }
  /* bwrap sets no_new_privs for itself and everything it runs */
  p->no_new_privileges = true;
  capabilities (c);
  if (!p->cwd)
    {
      /* bwrap: the caller's directory if the sandbox has it, else $HOME (as edited), else / */
      const char *home = cell_sandbox_env_get (p->env, "HOME");
      if (c->in->cwd)
        sb->cwd_fallbacks = cell_strv_append (sb->cwd_fallbacks, c->in->cwd);
      if (home)
        sb->cwd_fallbacks = cell_strv_append (sb->cwd_fallbacks, home);
    }
  /* bwrap's pid 1: reaps in a new pid namespace, and holds the lock files and the sync fd */
  sb->reaper = !sb->as_pid_1 && (c->unshare[CELL_NS_PID] || sb->lock_files || sb->sync_fd >= 0);
  sb->bwrap_exec_errors = c->in->as_bwrap;
  cell_sandbox_add_op (c, CELL_OP_PIVOT, "/");
  return 0;
}

static struct cell_plan *
plan_new (void)
{
  struct cell_plan *plan = cell_plan_new ();
  struct cell_plan_sandbox *sb = xzalloc (sizeof (*sb));
  struct cell_op *op;

  sb->userns_fd = sb->userns2_fd = sb->pidns_fd = -1;
  sb->sync_fd = sb->block_fd = sb->userns_block_fd = sb->info_fd = sb->json_status_fd = -1;
  plan->sandbox = sb;
  /* bwrap's new root: a directory on a fresh tmpfs, mounted nosuid,nodev, made 0755 */
  op = cell_plan_add (plan, CELL_OP_ROOT_TMPFS);
  op->dest = xstrdup ("/");
  op->mode = 0755;
  op->mflags = MS_NOSUID | MS_NODEV;
  return plan;
}

int
cell_sandbox_compile (int argc, char *const *args, const struct cell_sandbox_input *in,
                      enum cell_sandbox_action *action, struct cell_plan **plan, char ***warnings,
                      struct cell_error **err)
{
  struct cell_sandbox_compiler c = {
    .in = in,
    .action = CELL_SANDBOX_RUN,
    .uid = -1,
    .gid = -1,
    .next_perms = -1,
    .cap_keep = UINT64_MAX,
  };
  int cmd = argc, r;

  *plan = NULL;
  *warnings = NULL;
  c.plan = plan_new ();
  c.sb = c.plan->sandbox;
  c.env = in->environ ? cell_strv_copy (in->environ) : xcalloc (1, sizeof (char *));
  c.seen = xcalloc (cell_sandbox_n_opts (), sizeof (bool));

  r = parse (&c, argc, args, &cmd, err);
  if (r == 0 && c.action == CELL_SANDBOX_RUN)
    r = finalize (&c, argc - cmd, args + cmd, err);
  *action = c.action;
  if (r == 0 && c.action == CELL_SANDBOX_RUN)
    *plan = steal_ptr (&c.plan);
  *warnings = steal_ptr (&c.warnings);
  cell_plan_free (c.plan);
  cell_strv_free (c.env);
  cell_strv_free (c.warnings);
  cell_strv_free (c.overlay_lowers);
  free (c.overlay_upper);
  free (c.overlay_work);
  free (c.proc_ops);
  free (c.seen);
  return r;
}
