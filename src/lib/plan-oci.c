/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plan-oci.c: the OCI front-end's compiler: a validated config.json (struct cell_spec) -> a plan. Makes no
   syscalls; every error names the JSON pointer. */
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include "caps.h"
#include "mount-opts.h"
#include "path-util.h"
#include "plan.h"
#include "strv.h"
#include "xalloc.h"

#define DISPLAY "config.json"

static const struct
{
  const char *name;
  int resource;
} rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

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

static unsigned long
propagation_flags (const char *s)
{
  static const struct
  {
    const char *name;
    unsigned long flags;
  } t[] = {
    { "shared", MS_SHARED },
    { "slave", MS_SLAVE },
    { "private", MS_PRIVATE },
    { "unbindable", MS_UNBINDABLE },
    { "rshared", MS_SHARED | MS_REC },
    { "rslave", MS_SLAVE | MS_REC },
    { "rprivate", MS_PRIVATE | MS_REC },
    { "runbindable", MS_UNBINDABLE | MS_REC },
  };
  for (size_t i = 0; i < ARRAY_SIZE (t); i++)
    if (streq (s, t[i].name))
      return t[i].flags;
  return 0;
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

static int
compile_mount (struct cell_plan *plan, const struct cell_spec_mount *m, size_t idx, const char *bundle,
               struct cell_error **err)
{
  cleanup_free char *ptr = xasprintf ("/mounts/%zu/options", idx);
  struct cell_mount_opts mo;
  bool bind = false;
  struct cell_op *op;

  for (size_t i = 0; m->options && m->options[i]; i++)
    if (streq (m->options[i], "bind") || streq (m->options[i], "rbind"))
      bind = true;
  if (m->type && streq (m->type, "bind"))
    bind = true;
  if (cell_mount_opts_parse (m->options, bind, &mo, DISPLAY, ptr, err) < 0)
    return -1;
  if (mo.idmap || m->n_uid_mappings || m->n_gid_mappings)
    {
      cell_mount_opts_clear (&mo);
      return cell_err (err, 0, "%s: /mounts/%zu: id-mapped mounts are not supported yet", DISPLAY, idx);
    }

  if (bind)
    {
      if (!m->source || !*m->source)
        {
          cell_mount_opts_clear (&mo);
          return cell_err (err, 0, "%s: /mounts/%zu/source: a bind mount needs a source", DISPLAY, idx);
        }
      op = cell_plan_add (plan, CELL_OP_BIND);
      /* runc resolves a relative source against the bundle (its working directory) */
      op->source = cell_path_join (bundle, m->source);
      op->recursive = (mo.flags & MS_REC) != 0;
      op->mflags = mo.flags & ~(unsigned long)(MS_BIND | MS_REC);
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
      if (!mo.data || !strstr (mo.data, "lowerdir="))
        {
          cell_mount_opts_clear (&mo);
          return cell_err (err, 0, "%s: /mounts/%zu/options: an overlay mount needs lowerdir=", DISPLAY, idx);
        }
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
      if (!m->type || !*m->type)
        {
          cell_mount_opts_clear (&mo);
          return cell_err (err, 0, "%s: /mounts/%zu/type: required for a non-bind mount", DISPLAY, idx);
        }
      op = cell_plan_add (plan, CELL_OP_MOUNT);
      op->fstype = xstrdup (m->type);
      op->source = xstrdup (m->source && *m->source ? m->source : m->type);
      op->mflags = mo.flags;
    }
  op->dest = cell_path_clean (m->destination);
  op->propagation = mo.propagation;
  op->attr_set = mo.attr_set;
  op->attr_clr = mo.attr_clr;
  op->data = mo.data;
  return 0;
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

static int
compile_process (struct cell_plan *plan, const struct cell_spec_process *sp, struct cell_error **err)
{
  struct cell_plan_process *p = &plan->process;

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
  p->has_caps = true;
  if (sp->has_caps)
    {
      const struct cell_spec_caps *c = &sp->caps;
      if (cell_caps_parse (c->bounding, &p->cap_bounding, DISPLAY, "/process/capabilities/bounding", err) < 0
          || cell_caps_parse (c->effective, &p->cap_effective, DISPLAY, "/process/capabilities/effective",
                              err)
                 < 0
          || cell_caps_parse (c->permitted, &p->cap_permitted, DISPLAY, "/process/capabilities/permitted",
                              err)
                 < 0
          || cell_caps_parse (c->inheritable, &p->cap_inheritable, DISPLAY,
                              "/process/capabilities/inheritable", err)
                 < 0
          || cell_caps_parse (c->ambient, &p->cap_ambient, DISPLAY, "/process/capabilities/ambient", err) < 0)
        return -1;
    }
  if (sp->n_rlimits)
    p->rlimits = xcalloc (sp->n_rlimits, sizeof (*p->rlimits));
  for (size_t i = 0; i < sp->n_rlimits; i++)
    {
      size_t k;
      for (k = 0; k < ARRAY_SIZE (rlimit_names); k++)
        if (streq (rlimit_names[k].name, sp->rlimits[i].type))
          break;
      if (k == ARRAY_SIZE (rlimit_names))
        return cell_err (err, 0, "%s: /process/rlimits/%zu/type: unknown rlimit `%s`", DISPLAY, i,
                         sp->rlimits[i].type);
      p->rlimits[i].resource = rlimit_names[k].resource;
      p->rlimits[i].soft = sp->rlimits[i].soft;
      p->rlimits[i].hard = sp->rlimits[i].hard;
      p->n_rlimits++;
    }
  p->no_new_privileges = sp->no_new_privileges;
  p->has_oom_score_adj = sp->has_oom_score_adj;
  p->oom_score_adj = sp->oom_score_adj;
  p->terminal = sp->terminal;
  if (sp->has_console_size)
    {
      p->has_console_size = true;
      p->console_rows = (unsigned short)(sp->console_size.height > 65535 ? 65535 : sp->console_size.height);
      p->console_cols = (unsigned short)(sp->console_size.width > 65535 ? 65535 : sp->console_size.width);
    }
  return 0;
}

static int
compile (const struct cell_spec *spec, const struct cell_plan_oci_opts *opts, struct cell_plan *plan,
         struct cell_error **err)
{
  const struct cell_spec_linux *l = &spec->linux_;
  bool userns;
  struct cell_op *op;

  for (size_t i = 0; i < l->n_namespaces; i++)
    {
      struct cell_plan_ns *ns = &plan->ns[l->namespaces[i].type];
      if (l->namespaces[i].path && *l->namespaces[i].path)
        ns->path = cell_path_clean (l->namespaces[i].path);
      else
        ns->create = true;
    }
  if (!plan->ns[CELL_NS_MOUNT].create)
    return cell_err (err, 0, "%s: /linux/namespaces: cell needs a new mount namespace for the container",
                     DISPLAY);
  userns = plan->ns[CELL_NS_USER].create || plan->ns[CELL_NS_USER].path;
  if (plan->ns[CELL_NS_USER].create)
    {
      if (!l->n_uid_mappings)
        return cell_err (err, 0, "%s: /linux/uidMappings: a new user namespace needs uid and gid mappings",
                         DISPLAY);
      plan->uid_map = idmap_string (l->uid_mappings, l->n_uid_mappings);
      plan->gid_map = idmap_string (l->gid_mappings, l->n_gid_mappings);
    }

  {
    cleanup_free char *joined = cell_path_join (opts->bundle, spec->root.path);
    plan->rootfs = cell_path_clean (joined);
  }
  if (l->rootfs_propagation && *l->rootfs_propagation)
    plan->rootfs_propagation = propagation_flags (l->rootfs_propagation);
  plan->no_pivot = opts->no_pivot;

  op = cell_plan_add (plan, opts->root_image ? CELL_OP_ROOT_IMAGE : CELL_OP_ROOT_BIND);
  op->source = xstrdup (plan->rootfs);
  op->dest = xstrdup ("/");
  if (opts->root_image && spec->root.readonly)
    op->mflags = MS_RDONLY;
  if (opts->root_image)
    {
      /* cell's annotations for image roots: a persistent upper dir instead of a tmpfs, the tmpfs size */
      const char *upper = cell_spec_annotation (spec, "run.cell.rootfs.upper");
      const char *size = cell_spec_annotation (spec, "run.cell.rootfs.size");
      if (upper && *upper)
        {
          cleanup_free char *j = cell_path_join (opts->bundle, upper);
          plan->image_upper = cell_path_clean (j);
        }
      if (size && *size)
        {
          if (size[strspn (size, "0123456789")] != '\0'
              && !strchr ("kmgKMG%", size[strspn (size, "0123456789")]))
            return cell_err (err, 0, "%s: /annotations/run.cell.rootfs.size: invalid size `%s`", DISPLAY,
                             size);
          plan->image_tmpfs_size = xstrdup (size);
        }
    }

  for (size_t i = 0; i < spec->n_mounts; i++)
    if (compile_mount (plan, &spec->mounts[i], i, opts->bundle, err) < 0)
      return -1;

  /* /dev: the default nodes and links unless the host's /dev is bound in (then they are there) */
  {
    bool dev_bound = false;
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
          op->flags |= CELL_OPF_DEST_DIR;
      }
  }
  for (size_t i = 0; i < l->n_devices; i++)
    {
      const struct cell_spec_device *d = &l->devices[i];
      op = cell_plan_add (plan, CELL_OP_DEVICE);
      op->dest = cell_path_clean (d->path);
      op->dev_type = d->type == 'u' ? 'c' : d->type;
      op->major = (uint32_t)d->major;
      op->minor = (uint32_t)d->minor;
      op->mode = d->has_file_mode ? (mode_t)d->file_mode : 0666;
      op->uid = d->has_uid ? d->uid : 0;
      op->gid = d->has_gid ? d->gid : 0;
      if (userns)
        op->flags |= CELL_OPF_USERNS;
    }
  op = cell_plan_add (plan, CELL_OP_PIVOT);
  op->dest = xstrdup ("/");
  /* after pivot_root: the pty comes from the container's own /dev/ptmx */
  if (spec->process.terminal)
    {
      op = cell_plan_add (plan, CELL_OP_CONSOLE);
      op->dest = xstrdup ("/dev/console");
      op->flags |= CELL_OPF_AFTER_PIVOT;
    }

  for (size_t i = 0; l->readonly_paths && l->readonly_paths[i]; i++)
    {
      op = cell_plan_add (plan, CELL_OP_READONLY);
      op->dest = cell_path_clean (l->readonly_paths[i]);
      op->flags |= CELL_OPF_AFTER_PIVOT | CELL_OPF_TRY;
    }
  for (size_t i = 0; l->masked_paths && l->masked_paths[i]; i++)
    {
      op = cell_plan_add (plan, CELL_OP_MASK);
      op->dest = cell_path_clean (l->masked_paths[i]);
      op->flags |= CELL_OPF_AFTER_PIVOT | CELL_OPF_TRY;
    }
  if (spec->root.readonly && !opts->root_image)
    {
      op = cell_plan_add (plan, CELL_OP_REMOUNT_RO);
      op->dest = xstrdup ("/");
      op->flags |= CELL_OPF_AFTER_PIVOT;
    }

  if (spec->hostname && *spec->hostname)
    plan->hostname = xstrdup (spec->hostname);
  if (spec->domainname && *spec->domainname)
    plan->domainname = xstrdup (spec->domainname);
  plan->sysctl = l->sysctl;
  plan->n_sysctl = l->n_sysctl;
  if (l->cgroups_path && *l->cgroups_path)
    plan->cgroup_path = xstrdup (l->cgroups_path);
  plan->resources = l->has_resources ? &l->resources : NULL;
  plan->hooks = &spec->hooks;
  if (l->has_time_offsets)
    plan->time_offsets
        = xasprintf ("monotonic %lld %u\nboottime %lld %u\n", (long long)l->time_offset_monotonic_secs,
                     l->time_offset_monotonic_nanosecs, (long long)l->time_offset_boottime_secs,
                     l->time_offset_boottime_nanosecs);
  if (l->personality_domain)
    plan->personality = xstrdup (l->personality_domain);
  if (compile_process (plan, &spec->process, err) < 0)
    return -1;
  plan->process.seccomp = l->seccomp;
  return 0;
}

int
cell_plan_from_oci (const struct cell_spec *spec, const struct cell_plan_oci_opts *opts,
                    struct cell_plan **out, struct cell_error **err)
{
  struct cell_plan *plan = cell_plan_new ();
  if (compile (spec, opts, plan, err) < 0)
    {
      cell_plan_free (plan);
      return -1;
    }
  *out = plan;
  return 0;
}
