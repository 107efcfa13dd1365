/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plan-oci.c: the OCI front-end's compiler: a validated config.json (struct cell_spec) -> a plan. Makes no
   syscalls and refuses nothing: spec-validate.c has already refused what cannot be compiled. */
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include "caps.h"
#include "mount-opts.h"
#include "names.h"
#include "spec-tables.h"
#include "path-util.h"
#include "plan.h"
#include "strv.h"
#include "xalloc.h"

static char *
idmap_string (const struct cell_spec_id_map *m, size_t n)
{
  size_t len = 0, cap = 0;
  char *s = NULL;
  for (size_t i = 0; i < n; i++)
    {
      char line[64];
      int k = snprintf (line, sizeof (line), "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
      s = xgrow (s, &cap, len + (size_t)k + 1, 1);
      memcpy (s + len, line, (size_t)k + 1);
      len += (size_t)k;
    }
  return s;
}

/* Overlay layers given as relative paths are relative to the bundle, as for bind sources (runc runs from
   the bundle directory); each of lowerdir's `:`-separated layers is joined (`\:` and `\,` escapes kept).
   Takes and returns `data`. */
static char *
overlay_data_absolute (const char *bundle, char *data)
{
  static const char *const keys[] = { "lowerdir=", "upperdir=", "workdir=" };
  char *out = xstrdup ("");

  for (char *rest = data, *opt; (opt = cell_strsep_escaped (&rest, ',')) != NULL;)
    {
      const char *key = NULL;
      char *next;
      if (!*opt)
        continue;
      for (size_t k = 0; k < ARRAY_SIZE (keys) && !key; k++)
        if (strncmp (opt, keys[k], strlen (keys[k])) == 0)
          key = keys[k];
      if (!key)
        next = xasprintf ("%s%s%s", out, *out ? "," : "", opt);
      else
        {
          char *val = xstrdup (key);
          /* a layer may hold an escaped `\:` or `\,`: split at the others, keep the escapes for the kernel */
          for (char *rest2 = opt + strlen (key), *layer; (layer = cell_strsep_escaped (&rest2, ':')) != NULL;)
            {
              if (!*layer)
                continue;
              cleanup_free char *abs = cell_path_join (bundle, layer);
              char *v = xasprintf ("%s%s%s", val, val[strlen (key)] ? ":" : "", abs);
              free (val);
              val = v;
            }
          next = xasprintf ("%s%s%s", out, *out ? "," : "", val);
          free (val);
        }
      free (out);
      out = next;
    }
  free (data);
  return out;
}

static void
compile_mount (struct cell_plan *plan, const struct cell_spec_mount *m, const char *bundle)
{
  struct cell_mount_opts mo;
  bool bind = false;
  struct cell_op *op;

  for (size_t i = 0; m->options && m->options[i]; i++)
    if (streq (m->options[i], "bind") || streq (m->options[i], "rbind"))
      bind = true;
  if (m->type && streq (m->type, "bind"))
    bind = true;
  /* validated: cannot fail */
  (void)cell_mount_opts_parse (m->options, &mo, "config.json", "", NULL);

  if (bind)
    {
      op = cell_plan_add (plan, CELL_OP_BIND);
      /* runc resolves a relative source against the bundle (its working directory) */
      op->source = cell_path_join (bundle, m->source);
      op->recursive = (mo.flags & MS_REC) != 0;
      op->mflags = mo.flags & ~(unsigned long)(MS_BIND | MS_REC);
      /* a bind has no filesystem of its own: its data options have nowhere to go (validation logged them) */
      cell_mount_opts_clear (&mo);
      /* config.md: the mount's own mappings (absolute host ids: runc makes a user namespace of them as
         they are), else the container's user namespace, joined or new (validation made sure there is one) */
      if (mo.idmap || m->n_uid_mappings || m->n_gid_mappings)
        {
          op->flags |= CELL_OPF_IDMAP | (mo.ridmap ? CELL_OPF_IDMAP_REC : 0);
          if (m->n_uid_mappings)
            {
              op->idmap_uid = idmap_string (m->uid_mappings, m->n_uid_mappings);
              op->idmap_gid = idmap_string (m->gid_mappings, m->n_gid_mappings);
            }
          else if (plan->uid_map)
            {
              op->idmap_uid = xstrdup (plan->uid_map);
              op->idmap_gid = xstrdup (plan->gid_map);
            }
        }
    }
  else if (m->type && streq (m->type, "squashfs") && m->source && *m->source)
    {
      /* an image file: cell attaches the loop device, as `mount -o loop` would */
      op = cell_plan_add (plan, CELL_OP_IMAGE);
      op->fstype = xstrdup ("squashfs");
      op->source = cell_path_join (bundle, m->source);
      op->mflags = mo.flags | MS_RDONLY;
    }
  else if (m->type && streq (m->type, "overlay"))
    {
      op = cell_plan_add (plan, CELL_OP_OVERLAY);
      op->fstype = xstrdup ("overlay");
      mo.data = overlay_data_absolute (bundle, mo.data);
      op->source = xstrdup (m->source && *m->source ? m->source : "overlay");
      op->mflags = mo.flags;
    }
  else if (m->type && streq (m->type, "cgroup"))
    {
      op = cell_plan_add (plan, CELL_OP_CGROUP);
      op->mflags = mo.flags;
    }
  else
    {
      op = cell_plan_add (plan, CELL_OP_MOUNT);
      op->fstype = xstrdup (m->type);
      op->source = xstrdup (m->source && *m->source ? m->source : m->type);
      op->mflags = mo.flags;
      if (mo.copyup && streq (m->type, "tmpfs"))
        op->flags |= CELL_OPF_COPYUP;
    }
  op->dest = cell_path_clean (m->destination);
  op->propagation = mo.propagation;
  op->attr_set = mo.attr_set;
  op->attr_clr = mo.attr_clr;
  op->data = mo.data;
}

static bool
mounts_dest (const struct cell_spec *spec, const char *dest)
{
  for (size_t i = 0; i < spec->n_mounts; i++)
    {
      cleanup_free char *d = cell_path_clean (spec->mounts[i].destination);
      if (streq (d, dest))
        return true;
    }
  return false;
}

void
cell_plan_process_from_oci (const struct cell_spec_process *sp, const struct cell_spec_seccomp *seccomp,
                            struct cell_plan_process *p)
{
  if (seccomp)
    {
      p->seccomp = xzalloc (sizeof (*p->seccomp));
      cell_spec_copy_object (&cell_spec_seccomp_desc, seccomp, p->seccomp);
    }

  p->present = true;
  p->args = cell_strv_copy (sp->args);
  p->env = sp->env ? cell_strv_copy (sp->env) : xcalloc (1, sizeof (char *));
  p->cwd = xstrdup (sp->cwd);
  p->uid = sp->user.uid;
  p->gid = sp->user.gid;
  if (sp->user.n_additional_gids)
    {
      p->additional_gids = xcalloc (sp->user.n_additional_gids, sizeof (gid_t));
      for (size_t i = 0; i < sp->user.n_additional_gids; i++)
        p->additional_gids[i] = sp->user.additional_gids[i];
      p->n_additional_gids = sp->user.n_additional_gids;
    }
  /* the runtime-spec leaves the default umask to the runtime; runc and crun use 0022 */
  p->has_umask = true;
  p->umask = sp->user.has_umask ? sp->user.umask : 022;
  /* no capabilities object: every set empty */
  p->has_caps = true;
  if (sp->has_caps)
    {
      p->cap_bounding = cell_caps_mask (sp->caps.bounding);
      p->cap_effective = cell_caps_mask (sp->caps.effective);
      p->cap_permitted = cell_caps_mask (sp->caps.permitted);
      p->cap_inheritable = cell_caps_mask (sp->caps.inheritable);
      p->cap_ambient = cell_caps_mask (sp->caps.ambient);
    }
  if (sp->n_rlimits)
    p->rlimits = xcalloc (sp->n_rlimits, sizeof (*p->rlimits));
  for (size_t i = 0; i < sp->n_rlimits; i++)
    {
      p->rlimits[i].resource = cell_rlimit_from_name (sp->rlimits[i].type);
      p->rlimits[i].soft = sp->rlimits[i].soft;
      p->rlimits[i].hard = sp->rlimits[i].hard;
      p->n_rlimits++;
    }
  p->no_new_privileges = sp->no_new_privileges;
  p->has_oom_score_adj = sp->has_oom_score_adj;
  p->oom_score_adj = sp->oom_score_adj;
  p->terminal = sp->terminal;
  if (sp->apparmor_profile && *sp->apparmor_profile)
    p->apparmor_profile = xstrdup (sp->apparmor_profile);
  if (sp->selinux_label && *sp->selinux_label)
    p->selinux_label = xstrdup (sp->selinux_label);
  if (sp->has_io_priority)
    {
      p->has_io_priority = true;
      p->io_priority_class = cell_ioprio_class_from_name (sp->io_priority_class);
      p->io_priority_level = sp->io_priority_priority;
    }
  if (sp->has_scheduler)
    {
      p->has_scheduler = true;
      p->sched_policy = cell_sched_policy_from_name (sp->sched_policy);
      p->sched_nice = sp->sched_nice;
      p->sched_priority = (uint32_t)sp->sched_priority;
      for (size_t i = 0; sp->sched_flags && sp->sched_flags[i]; i++)
        p->sched_flags |= (uint64_t)cell_sched_flag_from_name (sp->sched_flags[i]);
      p->sched_runtime = sp->sched_runtime;
      p->sched_deadline = sp->sched_deadline;
      p->sched_period = sp->sched_period;
    }
  /* config.md: an empty list changes nothing */
  if (sp->exec_cpu_initial && *sp->exec_cpu_initial)
    p->exec_cpu_initial = xstrdup (sp->exec_cpu_initial);
  if (sp->exec_cpu_final && *sp->exec_cpu_final)
    p->exec_cpu_final = xstrdup (sp->exec_cpu_final);
  if (sp->has_console_size)
    {
      p->has_console_size = true;
      p->console_rows = (unsigned short)(sp->console_size.height > 65535 ? 65535 : sp->console_size.height);
      p->console_cols = (unsigned short)(sp->console_size.width > 65535 ? 65535 : sp->console_size.width);
    }
}

void
cell_plan_linux_process_from_oci (const struct cell_spec_linux *l, struct cell_plan *plan)
{
  if (l->personality_domain)
    plan->personality = xstrdup (l->personality_domain);
  if (l->has_memory_policy)
    {
      plan->has_memory_policy = true;
      plan->mempolicy_mode = cell_mempolicy_mode_from_name (l->mempolicy_mode);
      for (size_t i = 0; l->mempolicy_flags && l->mempolicy_flags[i]; i++)
        plan->mempolicy_flags |= (unsigned)cell_mempolicy_flag_from_name (l->mempolicy_flags[i]);
      if (l->mempolicy_nodes && *l->mempolicy_nodes)
        plan->mempolicy_nodes = xstrdup (l->mempolicy_nodes);
    }
}

/* Everything a container's mount namespace holds; none of it exists without one (validation warned). */
static void
compile_mounts (const struct cell_spec *spec, const struct cell_plan_oci_opts *opts, struct cell_plan *plan)
{
  const struct cell_spec_linux *l = &spec->linux_;
  bool userns = plan->ns[CELL_NS_USER].create || plan->ns[CELL_NS_USER].path;
  bool dev_bound = false;
  struct cell_op *op;

  for (size_t i = 0; i < spec->n_mounts; i++)
    compile_mount (plan, &spec->mounts[i], opts->bundle);
  /* CVE-2023-25809: `ro` on an rbind of /sys leaves the cgroup mounts below it writable (a rootless
     container could write to the cgroup delegated to its user): unless something is mounted over
     /sys/fs/cgroup, that goes read-only too, as runc makes sure */
  for (size_t i = 0, n = plan->n_ops; i < n; i++)
    if (plan->ops[i].kind == CELL_OP_BIND && plan->ops[i].recursive && (plan->ops[i].mflags & MS_RDONLY)
        && streq (plan->ops[i].dest, "/sys") && !mounts_dest (spec, "/sys/fs/cgroup"))
      {
        op = cell_plan_add (plan, CELL_OP_READONLY);
        op->dest = xstrdup ("/sys/fs/cgroup");
        op->flags |= CELL_OPF_TRY;
      }
  /* /dev: the default nodes and links unless the host's /dev is bound in (then they are there) */
  for (size_t i = 0; i < plan->n_ops; i++)
    if (plan->ops[i].kind == CELL_OP_BIND && streq (plan->ops[i].dest, "/dev"))
      dev_bound = true;
  if (!dev_bound)
    {
      op = cell_plan_add (plan, CELL_OP_DEV_DEFAULT);
      op->dest = xstrdup ("/dev");
      if (userns)
        op->flags |= CELL_OPF_USERNS;
      /* with a devpts mount, /dev/ptmx links to its ptmx */
      if (mounts_dest (spec, "/dev/pts"))
        op->flags |= CELL_OPF_PTMX_LINK;
    }
  for (size_t i = 0; i < l->n_devices; i++)
    {
      const struct cell_spec_device *d = &l->devices[i];
      op = cell_plan_add (plan, CELL_OP_DEVICE);
      op->dest = cell_path_clean (d->path);
      op->dev_type = d->type == 'u' ? 'c' : d->type;
      op->major = (uint32_t)d->major;
      op->minor = (uint32_t)d->minor;
      /* podman writes the file type bits too (validation checked they agree with `type`) */
      op->mode = d->has_file_mode ? (mode_t)(d->file_mode & 07777) : 0666;
      op->uid = d->has_uid ? d->uid : 0;
      op->gid = d->has_gid ? d->gid : 0;
      if (userns)
        op->flags |= CELL_OPF_USERNS;
    }
}

/* After the root switch: the console, then readonly and masked paths, then the read-only root. */
static void
compile_after_switch (const struct cell_spec *spec, const struct cell_plan_oci_opts *opts,
                      struct cell_plan *plan, bool own_mounts)
{
  const struct cell_spec_linux *l = &spec->linux_;
  struct cell_op *op;

  /* the pty comes from the container's own /dev/ptmx */
  if (spec->has_process && spec->process.terminal)
    {
      op = cell_plan_add (plan, CELL_OP_CONSOLE);
      op->dest = xstrdup ("/dev/console");
    }
  if (!own_mounts)
    return;
  for (size_t i = 0; l->readonly_paths && l->readonly_paths[i]; i++)
    {
      op = cell_plan_add (plan, CELL_OP_READONLY);
      op->dest = cell_path_clean (l->readonly_paths[i]);
      op->flags |= CELL_OPF_TRY;
    }
  for (size_t i = 0; l->masked_paths && l->masked_paths[i]; i++)
    {
      op = cell_plan_add (plan, CELL_OP_MASK);
      op->dest = cell_path_clean (l->masked_paths[i]);
      op->flags |= CELL_OPF_TRY;
    }
  if (spec->root.readonly && !opts->root_image)
    {
      op = cell_plan_add (plan, CELL_OP_REMOUNT_RO);
      op->dest = xstrdup ("/");
    }
}

static void
compile_root (const struct cell_spec *spec, const struct cell_plan_oci_opts *opts, struct cell_plan *plan)
{
  struct cell_op *op;
  cleanup_free char *joined = cell_path_join (opts->bundle, spec->root.path);

  plan->rootfs = cell_path_clean (joined);
  op = cell_plan_add (plan, opts->root_image ? CELL_OP_ROOT_IMAGE : CELL_OP_ROOT_BIND);
  op->source = xstrdup (plan->rootfs);
  op->dest = xstrdup ("/");
  if (!opts->root_image)
    return;
  if (spec->root.readonly)
    op->mflags = MS_RDONLY;
  /* cell's annotations for image roots: a persistent upper dir instead of a tmpfs, the tmpfs size */
  {
    const char *upper = cell_spec_annotation (spec, "run.cell.rootfs.upper");
    const char *size = cell_spec_annotation (spec, "run.cell.rootfs.size");
    if (upper && *upper)
      {
        cleanup_free char *j = cell_path_join (opts->bundle, upper);
        plan->image_upper = cell_path_clean (j);
      }
    if (size && *size)
      plan->image_tmpfs_size = xstrdup (size);
  }
}

static void
compile (const struct cell_spec *spec, const struct cell_plan_oci_opts *opts, struct cell_plan *plan)
{
  const struct cell_spec_linux *l = &spec->linux_;
  bool own_mounts;
  struct cell_op *op;

  for (size_t i = 0; i < l->n_namespaces; i++)
    {
      struct cell_plan_ns *ns = &plan->ns[l->namespaces[i].type];
      if (l->namespaces[i].path && *l->namespaces[i].path)
        ns->path = cell_path_clean (l->namespaces[i].path);
      else
        ns->create = true;
    }
  if (plan->ns[CELL_NS_USER].create)
    {
      plan->uid_map = idmap_string (l->uid_mappings, l->n_uid_mappings);
      plan->gid_map = idmap_string (l->gid_mappings, l->n_gid_mappings);
    }
  /* runtime-spec config-linux.md: a namespace type not listed is inherited. Without a mount namespace of
     its own the container's mounts would land in the runtime's (or a joined container's) mount table, whose
     root is not ours to pivot: chroot then, and with the runtime's namespace mount nothing at all. */
  own_mounts = plan->ns[CELL_NS_MOUNT].create || plan->ns[CELL_NS_MOUNT].path;
  if (plan->ns[CELL_NS_MOUNT].create)
    plan->root_switch = opts->no_pivot ? CELL_ROOT_MOVE : CELL_ROOT_PIVOT;
  else
    plan->root_switch = CELL_ROOT_CHROOT;
  if (l->rootfs_propagation && *l->rootfs_propagation)
    plan->rootfs_propagation = cell_propagation_from_name (l->rootfs_propagation);

  compile_root (spec, opts, plan);
  if (own_mounts)
    compile_mounts (spec, opts, plan);
  op = cell_plan_add (plan, CELL_OP_PIVOT);
  op->dest = xstrdup ("/");
  compile_after_switch (spec, opts, plan, own_mounts);

  if (spec->hostname && *spec->hostname)
    plan->hostname = xstrdup (spec->hostname);
  if (spec->domainname && *spec->domainname)
    plan->domainname = xstrdup (spec->domainname);
  if (l->n_sysctl)
    {
      plan->sysctl = xcalloc (l->n_sysctl + 1, sizeof (*plan->sysctl));
      for (size_t i = 0; i < l->n_sysctl; i++)
        {
          plan->sysctl[i].key = xstrdup (l->sysctl[i].key);
          plan->sysctl[i].value = xstrdup (l->sysctl[i].value);
        }
      plan->n_sysctl = l->n_sysctl;
    }
  if (l->cgroups_path && *l->cgroups_path)
    plan->cgroup_path = xstrdup (l->cgroups_path);
  if (l->has_resources)
    plan->resources = cell_resources_dup (&l->resources);
  cell_spec_copy_object (&cell_spec_hooks_desc, &spec->hooks, &plan->hooks);
  if (l->has_time_offsets)
    plan->time_offsets
        = xasprintf ("monotonic %lld %u\nboottime %lld %u\n", (long long)l->time_offset_monotonic_secs,
                     l->time_offset_monotonic_nanosecs, (long long)l->time_offset_boottime_secs,
                     l->time_offset_boottime_nanosecs);
  cell_plan_linux_process_from_oci (l, plan);
  if (l->mount_label && *l->mount_label)
    plan->mount_label = xstrdup (l->mount_label);
  if (l->n_net_devices)
    {
      plan->net_devices = xcalloc (l->n_net_devices + 1, sizeof (*plan->net_devices));
      for (size_t i = 0; i < l->n_net_devices; i++)
        {
          plan->net_devices[i].key = xstrdup (l->net_devices[i].key);
          plan->net_devices[i].value = xstrdup (l->net_devices[i].value);
        }
      plan->n_net_devices = l->n_net_devices;
    }
  plan->intel_rdt = l->has_intel_rdt;
  if (spec->has_process)
    cell_plan_process_from_oci (&spec->process, l->seccomp, &plan->process);
  else if (l->seccomp)
    {
      plan->process.seccomp = xzalloc (sizeof (*plan->process.seccomp));
      cell_spec_copy_object (&cell_spec_seccomp_desc, l->seccomp, plan->process.seccomp);
    }
  if (opts->session_keyring)
    plan->process.session_keyring = xstrdup (opts->session_keyring);
}

struct cell_plan *
cell_plan_from_oci (const struct cell_spec *spec, const struct cell_plan_oci_opts *opts)
{
  struct cell_plan *plan = cell_plan_new ();
  compile (spec, opts, plan);
  return plan;
}
