/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plan.c: the plan's lifetime (new, add, free) and its text dump for `--debug` and the golden tests. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include "names.h"
#include "plan.h"
#include "spec-tables.h"
#include "strv.h"
#include "xalloc.h"

static const char *const kind_names[] = {
  [CELL_OP_ROOT_BIND] = "root-bind",
  [CELL_OP_ROOT_IMAGE] = "root-image",
  [CELL_OP_MOUNT] = "mount",
  [CELL_OP_BIND] = "bind",
  [CELL_OP_OVERLAY] = "overlay",
  [CELL_OP_IMAGE] = "image",
  [CELL_OP_CGROUP] = "cgroup",
  [CELL_OP_DEV_DEFAULT] = "dev-default",
  [CELL_OP_DEVICE] = "device",
  [CELL_OP_SYMLINK] = "symlink",
  [CELL_OP_DIR] = "dir",
  [CELL_OP_CONSOLE] = "console",
  [CELL_OP_PIVOT] = "pivot",
  [CELL_OP_MASK] = "mask",
  [CELL_OP_READONLY] = "readonly",
  [CELL_OP_REMOUNT_RO] = "remount-ro",
  [CELL_OP_ROOT_TMPFS] = "root-tmpfs",
  [CELL_OP_CHMOD] = "chmod",
  [CELL_OP_FILE] = "file",
  [CELL_OP_BIND_DATA] = "bind-data",
};

const char *
cell_op_kind_name (enum cell_op_kind kind)
{
  return (unsigned)kind < ARRAY_SIZE (kind_names) && kind_names[kind] ? kind_names[kind] : "?";
}

mode_t
cell_op_parent_mode (const struct cell_op *op)
{
  mode_t m = 0755;
  if (!(op->flags & CELL_OPF_MODE))
    return m;
  if ((op->mode & 0070) == 0)
    m &= ~(mode_t)0050;
  if ((op->mode & 0007) == 0)
    m &= ~(mode_t)0005;
  return m;
}

static void
sandbox_free (struct cell_plan_sandbox *sb)
{
  if (!sb)
    return;
  free (sb->argv0);
  cell_strv_free (sb->cwd_fallbacks);
  free (sb->nested_uid_map);
  free (sb->nested_gid_map);
  free (sb->seccomp_fds);
  cell_strv_free (sb->lock_files);
  free (sb->exec_label);
  free (sb->file_label);
  free (sb);
}

struct cell_plan *
cell_plan_new (void)
{
  return xzalloc (sizeof (struct cell_plan));
}

struct cell_op *
cell_plan_add (struct cell_plan *plan, enum cell_op_kind kind)
{
  struct cell_op *op;
  if (plan->n_ops == plan->cap_ops)
    plan->ops = xgrow (plan->ops, &plan->cap_ops, plan->n_ops + 1, sizeof (*plan->ops));
  op = &plan->ops[plan->n_ops++];
  memset (op, 0, sizeof (*op));
  op->kind = kind;
  return op;
}

void
cell_plan_process_clear (struct cell_plan_process *p)
{
  cell_strv_free (p->args);
  cell_strv_free (p->env);
  free (p->cwd);
  free (p->additional_gids);
  free (p->rlimits);
  free (p->apparmor_profile);
  free (p->selinux_label);
  free (p->session_keyring);
  free (p->exec_cpu_initial);
  free (p->exec_cpu_final);
  if (p->seccomp)
    cell_spec_free_object (&cell_spec_seccomp_desc, p->seccomp);
  free (p->seccomp);
  memset (p, 0, sizeof (*p));
}

void
cell_plan_free (struct cell_plan *plan)
{
  if (!plan)
    return;
  for (size_t i = 0; i < plan->n_ops; i++)
    {
      struct cell_op *op = &plan->ops[i];
      free (op->source);
      free (op->dest);
      free (op->fstype);
      free (op->data);
      free (op->idmap_uid);
      free (op->idmap_gid);
    }
  free (plan->ops);
  for (int i = 0; i < CELL_NS_COUNT; i++)
    free (plan->ns[i].path);
  free (plan->uid_map);
  free (plan->gid_map);
  free (plan->rootfs);
  free (plan->hostname);
  free (plan->domainname);
  for (size_t i = 0; i < plan->n_sysctl; i++)
    {
      free (plan->sysctl[i].key);
      free (plan->sysctl[i].value);
    }
  free (plan->sysctl);
  cell_resources_free (plan->resources);
  cell_spec_free_object (&cell_spec_hooks_desc, &plan->hooks);
  free (plan->cgroup_path);
  free (plan->personality);
  free (plan->mempolicy_nodes);
  free (plan->mount_label);
  for (size_t i = 0; i < plan->n_net_devices; i++)
    {
      free (plan->net_devices[i].key);
      free (plan->net_devices[i].value);
    }
  free (plan->net_devices);
  free (plan->time_offsets);
  free (plan->image_upper);
  free (plan->image_tmpfs_size);
  cell_plan_process_clear (&plan->process);
  sandbox_free (plan->sandbox);
  free (plan);
}

/* ---- dump ---- */

struct buf
{
  char *s;
  size_t len, cap;
};

static void PRINTF_LIKE (2, 3) bprintf (struct buf *b, const char *fmt, ...)
{
  va_list ap;
  int n;
  va_start (ap, fmt);
  n = vsnprintf (NULL, 0, fmt, ap);
  va_end (ap);
  if (b->len + (size_t)n + 1 > b->cap)
    b->s = xgrow (b->s, &b->cap, b->len + (size_t)n + 1, 1);
  va_start (ap, fmt);
  vsnprintf (b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end (ap);
  b->len += (size_t)n;
}

static void
flag_names (struct buf *b, unsigned long f)
{
  static const struct
  {
    unsigned long flag;
    const char *name;
  } names[] = {
    { MS_RDONLY, "ro" },
    { MS_NOSUID, "nosuid" },
    { MS_NODEV, "nodev" },
    { MS_NOEXEC, "noexec" },
    { MS_SYNCHRONOUS, "sync" },
    { MS_DIRSYNC, "dirsync" },
    { MS_MANDLOCK, "mand" },
    { MS_NOATIME, "noatime" },
    { MS_NODIRATIME, "nodiratime" },
    { MS_BIND, "bind" },
    { MS_REC, "rec" },
    { MS_SILENT, "silent" },
    { MS_RELATIME, "relatime" },
    { MS_STRICTATIME, "strictatime" },
    { MS_LAZYTIME, "lazytime" },
    { MS_SHARED, "shared" },
    { MS_SLAVE, "slave" },
    { MS_PRIVATE, "private" },
    { MS_UNBINDABLE, "unbindable" },
  };
  bool first = true;
  for (size_t i = 0; i < ARRAY_SIZE (names); i++)
    if (f & names[i].flag)
      {
        bprintf (b, "%s%s", first ? "" : ",", names[i].name);
        first = false;
        f &= ~names[i].flag;
      }
  if (f)
    bprintf (b, "%s0x%lx", first ? "" : ",", f);
}

/* A map ("0 100000 65536\n1 5 1\n") on one line: "0:100000:65536,1:5:1". */
static void
map_line (struct buf *b, const char *map)
{
  bool start = true;
  for (const char *c = map; c && *c; c++)
    {
      if (*c == '\n')
        start = true;
      else
        {
          if (start && c != map)
            bprintf (b, ",");
          bprintf (b, "%c", *c == ' ' ? ':' : *c);
          start = false;
        }
    }
}

/* A file's contents on one line: C escapes for `\\` and anything not printable. */
static void
dump_escaped (struct buf *b, const char *prefix, const char *s)
{
  bprintf (b, "%s", prefix);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    {
      if (*p == '\\')
        bprintf (b, "\\\\");
      else if (*p == '\n')
        bprintf (b, "\\n");
      else if (*p < 0x20 || *p >= 0x7f)
        bprintf (b, "\\x%02x", *p);
      else
        bprintf (b, "%c", *p);
    }
}

/* MOUNT_ATTR_* by name ("ro,nosuid,nodev"); unknown bits in hex. */
static void
attr_names (struct buf *b, uint64_t a)
{
  static const struct
  {
    uint64_t attr;
    const char *name;
  } names[] = {
    { MOUNT_ATTR_RDONLY, "ro" },
    { MOUNT_ATTR_NOSUID, "nosuid" },
    { MOUNT_ATTR_NODEV, "nodev" },
    { MOUNT_ATTR_NOEXEC, "noexec" },
    { MOUNT_ATTR_NOATIME, "noatime" },
    { MOUNT_ATTR_STRICTATIME, "strictatime" },
    { MOUNT_ATTR_NODIRATIME, "nodiratime" },
    { MOUNT_ATTR_IDMAP, "idmap" },
    { MOUNT_ATTR_NOSYMFOLLOW, "nosymfollow" },
  };
  bool first = true;
  for (size_t i = 0; i < ARRAY_SIZE (names); i++)
    if (a & names[i].attr)
      {
        bprintf (b, "%s%s", first ? "" : ",", names[i].name);
        first = false;
        a &= ~names[i].attr;
      }
  if (a)
    bprintf (b, "%s0x%llx", first ? "" : ",", (unsigned long long)a);
}

static void
dump_caps (struct buf *b, const char *name, uint64_t mask)
{
  bprintf (b, "  caps.%s=%016llx\n", name, (unsigned long long)mask);
}

struct emit_ctx
{
  struct buf *b;
  const char *what;
};

static void
emit_line (void *ud, const char *path, const char *value)
{
  struct emit_ctx *e = ud;
  bprintf (e->b, "%s%s %s\n", e->what, path, value);
}

/* One line per property that is set, named by its JSON pointer: "resources /memory/limit 1048576". */
static void
dump_object (struct buf *b, const char *what, const struct cell_object_desc *desc, const void *obj)
{
  struct emit_ctx e = { .b = b, .what = what };
  cell_spec_dump_object (desc, obj, "", emit_line, &e);
}

static void
dump_fd (struct buf *b, const char *name, int fd)
{
  if (fd >= 0)
    bprintf (b, "  %s %d\n", name, fd);
}

static void
dump_flag (struct buf *b, const char *name, bool on)
{
  if (on)
    bprintf (b, "  %s\n", name);
}

/* Every field of the sandbox part, one line each when it is set. */
static void
dump_sandbox (struct buf *b, const struct cell_plan_sandbox *sb)
{
  bprintf (b, "sandbox\n");
  if (sb->argv0)
    bprintf (b, "  argv0 %s\n", sb->argv0);
  for (size_t i = 0; sb->cwd_fallbacks && sb->cwd_fallbacks[i]; i++)
    bprintf (b, "  cwd-fallback %s\n", sb->cwd_fallbacks[i]);
  dump_flag (b, "new-session", sb->new_session);
  dump_flag (b, "die-with-parent", sb->die_with_parent);
  dump_flag (b, "as-pid-1", sb->as_pid_1);
  dump_flag (b, "reaper", sb->reaper);
  bprintf (b, "  exec-failure %s\n", sb->bwrap_exec_errors ? "bwrap" : "127/126");
  dump_flag (b, "suspend", sb->suspend);
  dump_flag (b, "pack-fds", sb->pack_fds);
  dump_flag (b, "suppress-chown", sb->suppress_chown);
  dump_flag (b, "suppress-sync", sb->suppress_sync);
  dump_flag (b, "setgroups-deny", sb->setgroups_deny);
  if (sb->nested_uid_map)
    bprintf (b, "  nested-uid_map %s", sb->nested_uid_map);
  if (sb->nested_gid_map)
    bprintf (b, "  nested-gid_map %s", sb->nested_gid_map);
  dump_flag (b, "disable-userns", sb->disable_userns);
  dump_flag (b, "assert-userns-disabled", sb->assert_userns_disabled);
  dump_fd (b, "userns-fd", sb->userns_fd);
  dump_fd (b, "userns2-fd", sb->userns2_fd);
  dump_fd (b, "pidns-fd", sb->pidns_fd);
  dump_fd (b, "sync-fd", sb->sync_fd);
  dump_fd (b, "block-fd", sb->block_fd);
  dump_fd (b, "userns-block-fd", sb->userns_block_fd);
  dump_fd (b, "info-fd", sb->info_fd);
  dump_fd (b, "json-status-fd", sb->json_status_fd);
  for (size_t i = 0; i < sb->n_seccomp_fds; i++)
    bprintf (b, "  seccomp-fd %d\n", sb->seccomp_fds[i]);
  for (size_t i = 0; sb->lock_files && sb->lock_files[i]; i++)
    bprintf (b, "  lock-file %s\n", sb->lock_files[i]);
  if (sb->exec_label)
    bprintf (b, "  exec-label %s\n", sb->exec_label);
  if (sb->file_label)
    bprintf (b, "  file-label %s\n", sb->file_label);
}

static const char *const switch_names[] = {
  [CELL_ROOT_PIVOT] = "pivot-root",
  [CELL_ROOT_MOVE] = "move-root",
  [CELL_ROOT_CHROOT] = "chroot",
};

/* One op line. */
static void
dump_op (struct buf *b, const struct cell_plan *plan, size_t i, const struct cell_op *op)
{
  bprintf (b, "op %zu %s", i, cell_op_kind_name (op->kind));
  if (op->dest)
    bprintf (b, " %s", op->dest);
  if (op->fstype)
    bprintf (b, " type=%s", op->fstype);
  if (op->source)
    bprintf (b, " source=%s", op->source);
  if (op->mflags)
    {
      bprintf (b, " flags=");
      flag_names (b, op->mflags);
    }
  if (op->recursive)
    bprintf (b, " recursive");
  if (op->propagation)
    {
      bprintf (b, " propagation=");
      flag_names (b, op->propagation);
    }
  if (op->attr_set)
    {
      bprintf (b, " attr+=");
      attr_names (b, op->attr_set);
    }
  if (op->attr_clr)
    {
      bprintf (b, " attr-=");
      attr_names (b, op->attr_clr);
    }
  if (op->data && op->kind == CELL_OP_FILE)
    dump_escaped (b, " data=", op->data);
  else if (op->data)
    bprintf (b, " data=%s", op->data);
  if (op->kind == CELL_OP_DEVICE)
    bprintf (b, " dev=%c:%u:%u mode=%04o uid=%u gid=%u", op->dev_type, op->major, op->minor,
             (unsigned)op->mode, (unsigned)op->uid, (unsigned)op->gid);
  else if (op->mode || (op->flags & CELL_OPF_MODE) || op->kind == CELL_OP_CHMOD)
    bprintf (b, " mode=%04o", (unsigned)op->mode);
  if (op->flags & CELL_OPF_SOURCE_FD)
    bprintf (b, " fd=%d", op->fd);
  if (op->flags & CELL_OPF_TRY)
    bprintf (b, " try");
  if (op->flags & CELL_OPF_USERNS)
    bprintf (b, " userns");
  if (op->flags & CELL_OPF_PTMX_LINK)
    bprintf (b, " ptmx-link");
  if (op->flags & CELL_OPF_COPYUP)
    bprintf (b, " copyup");
  if (op->flags & CELL_OPF_MODE)
    bprintf (b, " parents=%04o", (unsigned)cell_op_parent_mode (op));
  if (op->flags & CELL_OPF_IN_ROOT)
    bprintf (b, " in-root");
  if (op->flags & CELL_OPF_TMPFS_UPPER)
    bprintf (b, " tmpfs-upper");
  if (op->flags & CELL_OPF_IDMAP)
    {
      bprintf (b, " %s", (op->flags & CELL_OPF_IDMAP_REC) ? "ridmap" : "idmap");
      if (op->idmap_uid)
        {
          bprintf (b, " uidmap=");
          map_line (b, op->idmap_uid);
          bprintf (b, " gidmap=");
          map_line (b, op->idmap_gid);
        }
      else
        bprintf (b, " userns=%s", plan->ns[CELL_NS_USER].path ? plan->ns[CELL_NS_USER].path : "?");
    }
  bprintf (b, "\n");
}

/* The process section (after "process"). */
static void
dump_process (struct buf *b, const struct cell_plan_process *p)
{
  bprintf (b, "process\n");
  for (size_t i = 0; p->args && p->args[i]; i++)
    bprintf (b, "  arg %s\n", p->args[i]);
  for (size_t i = 0; p->env && p->env[i]; i++)
    bprintf (b, "  env %s\n", p->env[i]);
  bprintf (b, "  cwd %s\n  user %u:%u", p->cwd ? p->cwd : "/", (unsigned)p->uid, (unsigned)p->gid);
  for (size_t i = 0; i < p->n_additional_gids; i++)
    bprintf (b, "%s%u", i ? "," : " groups=", (unsigned)p->additional_gids[i]);
  bprintf (b, "\n");
  if (p->has_umask)
    bprintf (b, "  umask %04o\n", (unsigned)p->umask);
  if (p->has_caps)
    {
      dump_caps (b, "bounding", p->cap_bounding);
      dump_caps (b, "effective", p->cap_effective);
      dump_caps (b, "permitted", p->cap_permitted);
      dump_caps (b, "inheritable", p->cap_inheritable);
      dump_caps (b, "ambient", p->cap_ambient);
    }
  for (size_t i = 0; i < p->n_rlimits; i++)
    {
      const char *name = cell_rlimit_name (p->rlimits[i].resource);
      bprintf (b, "  rlimit %s %llu %llu\n", name ? name : "?", (unsigned long long)p->rlimits[i].soft,
               (unsigned long long)p->rlimits[i].hard);
    }
  if (p->no_new_privileges)
    bprintf (b, "  no-new-privileges\n");
  if (p->has_oom_score_adj)
    bprintf (b, "  oom-score-adj %d\n", p->oom_score_adj);
  if (p->terminal)
    bprintf (b, "  terminal\n");
  if (p->has_console_size)
    bprintf (b, "  console-size %ux%u\n", p->console_rows, p->console_cols);
  if (p->apparmor_profile)
    bprintf (b, "  apparmor %s\n", p->apparmor_profile);
  if (p->selinux_label)
    bprintf (b, "  selinux %s\n", p->selinux_label);
  if (p->has_io_priority)
    bprintf (b, "  io-priority %s %d\n", cell_ioprio_class_name (p->io_priority_class), p->io_priority_level);
  if (p->has_scheduler)
    bprintf (b, "  scheduler %s nice=%d priority=%u flags=0x%llx runtime=%llu deadline=%llu period=%llu\n",
             cell_sched_policy_name (p->sched_policy), p->sched_nice, (unsigned)p->sched_priority,
             (unsigned long long)p->sched_flags, (unsigned long long)p->sched_runtime,
             (unsigned long long)p->sched_deadline, (unsigned long long)p->sched_period);
  if (p->exec_cpu_initial || p->exec_cpu_final)
    bprintf (b, "  exec-cpu-affinity initial=%s final=%s\n", p->exec_cpu_initial ? p->exec_cpu_initial : "-",
             p->exec_cpu_final ? p->exec_cpu_final : "-");
  if (p->session_keyring)
    bprintf (b, "  session-keyring %s\n", p->session_keyring);
  if (p->seccomp)
    dump_object (b, "  seccomp ", &cell_spec_seccomp_desc, p->seccomp);
}

char *
cell_plan_dump (const struct cell_plan *plan)
{
  struct buf b = { 0 };
  const struct cell_plan_process *p = &plan->process;

  bprintf (&b, "%s", "");
  bprintf (&b, "rootfs %s\n", plan->rootfs ? plan->rootfs : "-");
  if (plan->rootfs_propagation)
    {
      bprintf (&b, "rootfs-propagation ");
      flag_names (&b, plan->rootfs_propagation);
      bprintf (&b, "\n");
    }
  bprintf (&b, "%s\n", switch_names[plan->root_switch]);
  for (int i = 0; i < CELL_NS_COUNT; i++)
    {
      const struct cell_plan_ns *ns = &plan->ns[i];
      if (ns->create || ns->path)
        bprintf (&b, "ns %s %s%s\n", cell_ns_type_name ((enum cell_ns_type)i), ns->path ? ns->path : "new",
                 plan->sandbox && (plan->sandbox->ns_try & (1u << i)) ? " try" : "");
    }
  if (plan->image_upper)
    bprintf (&b, "image-upper %s\n", plan->image_upper);
  if (plan->image_tmpfs_size)
    bprintf (&b, "image-tmpfs-size %s\n", plan->image_tmpfs_size);
  if (plan->uid_map)
    bprintf (&b, "uid_map %s", plan->uid_map);
  if (plan->gid_map)
    bprintf (&b, "gid_map %s", plan->gid_map);
  for (size_t i = 0; i < plan->n_ops; i++)
    dump_op (&b, plan, i, &plan->ops[i]);
  if (plan->hostname)
    bprintf (&b, "hostname %s\n", plan->hostname);
  if (plan->domainname)
    bprintf (&b, "domainname %s\n", plan->domainname);
  for (size_t i = 0; i < plan->n_sysctl; i++)
    bprintf (&b, "sysctl %s=%s\n", plan->sysctl[i].key, plan->sysctl[i].value);
  if (plan->cgroup_path)
    bprintf (&b, "cgroup %s\n", plan->cgroup_path);
  if (plan->resources)
    dump_object (&b, "resources ", &cell_spec_resources_desc, plan->resources);
  dump_object (&b, "hook ", &cell_spec_hooks_desc, &plan->hooks);
  if (plan->personality)
    bprintf (&b, "personality %s\n", plan->personality);
  if (plan->time_offsets)
    bprintf (&b, "time-offsets %s", plan->time_offsets);
  if (plan->has_memory_policy)
    bprintf (&b, "memory-policy %s nodes=%s flags=0x%x\n", cell_mempolicy_mode_name (plan->mempolicy_mode),
             plan->mempolicy_nodes ? plan->mempolicy_nodes : "-", plan->mempolicy_flags);
  if (plan->mount_label)
    bprintf (&b, "mount-label %s\n", plan->mount_label);
  for (size_t i = 0; i < plan->n_net_devices; i++)
    bprintf (&b, "net-device %s -> %s\n", plan->net_devices[i].key, plan->net_devices[i].value);
  if (plan->intel_rdt)
    bprintf (&b, "intel-rdt\n");
  if (!p->present)
    {
      bprintf (&b, "no process\n");
      return b.s;
    }
  dump_process (&b, p);
  if (plan->sandbox)
    dump_sandbox (&b, plan->sandbox);
  return b.s;
}
