/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-validate.c: every refusal of a config.json that needs no filesystem access, in one place: the
   runtime-spec's MUST-error rules (config.md, config-linux.md) and what cell cannot do, checked before
   anything is created, with the warnings the spec asks for. The compiler (plan-oci.c) then only
   translates. */
#include <ctype.h>
#include <string.h>
#include <sys/stat.h>
#include "caps.h"
#include "log.h"
#include "mount-opts.h"
#include "names.h"
#include "spec.h"
#include "strv.h"
#include "xalloc.h"

/* SemVer 2.0: MAJOR.MINOR.PATCH[-pre][+build], numeric parts without leading zeros. */
static bool
semver_major (const char *s, unsigned long *major)
{
  for (int part = 0; part < 3; part++)
    {
      const char *start = s;
      unsigned long v = 0;
      while (isdigit ((unsigned char)*s))
        v = v * 10 + (unsigned long)(*s++ - '0');
      if (s == start || (s - start > 1 && *start == '0') || s - start > 9)
        return false;
      if (part == 0)
        *major = v;
      if (part < 2 && *s++ != '.')
        return false;
    }
  if (*s == '-')
    {
      s++;
      if (!*s || *s == '+')
        return false;
      s += strspn (s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-.");
    }
  if (*s == '+')
    {
      s++;
      if (!*s)
        return false;
      s += strspn (s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-.");
    }
  return *s == '\0';
}

static bool
has_ns (const struct cell_spec *spec, enum cell_ns_type t)
{
  for (size_t i = 0; i < spec->linux_.n_namespaces; i++)
    if (spec->linux_.namespaces[i].type == t)
      return true;
  return false;
}

/* Sysctls that belong to a namespace the container must own (as runc and the kernel's namespacing say);
   anything else would change the host. */
static int
check_sysctl (const struct cell_spec *spec, const char *display, const char *key, struct cell_error **err)
{
  static const char *const ipc[]
      = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
          "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced" };
  /* CVE-2022-0811: a key that walks out of /proc/sys, or carries a second assignment */
  if (!*key || strstr (key, "..") || key[0] == '.' || key[strcspn (key, "/= \t\n\r")] != '\0')
    return cell_err (err, 0, "%s: /linux/sysctl/%s: invalid sysctl name", display, key);
  for (size_t i = 0; i < ARRAY_SIZE (ipc); i++)
    if (streq (key, ipc[i]))
      {
        if (!has_ns (spec, CELL_NS_IPC))
          return cell_err (err, 0, "%s: /linux/sysctl/%s: needs an ipc namespace", display, key);
        return 0;
      }
  if (strncmp (key, "fs.mqueue.", 10) == 0)
    return has_ns (spec, CELL_NS_IPC)
               ? 0
               : cell_err (err, 0, "%s: /linux/sysctl/%s: needs an ipc namespace", display, key);
  if (strncmp (key, "net.", 4) == 0)
    return has_ns (spec, CELL_NS_NETWORK)
               ? 0
               : cell_err (err, 0, "%s: /linux/sysctl/%s: needs a network namespace", display, key);
  if (streq (key, "kernel.hostname") || streq (key, "kernel.domainname"))
    return cell_err (err, 0, "%s: /linux/sysctl/%s: set /%s instead", display, key,
                     streq (key, "kernel.hostname") ? "hostname" : "domainname");
  return cell_err (err, 0, "%s: /linux/sysctl/%s: not a namespaced sysctl", display, key);
}

static int
check_hooks (const struct cell_spec_hook *h, size_t n, const char *name, const char *display,
             struct cell_error **err)
{
  for (size_t i = 0; i < n; i++)
    {
      if (h[i].path[0] != '/')
        return cell_err (err, 0, "%s: /hooks/%s/%zu/path: must be an absolute path", display, name, i);
      if (h[i].has_timeout && h[i].timeout <= 0)
        return cell_err (err, 0, "%s: /hooks/%s/%zu/timeout: must be greater than zero", display, name, i);
    }
  return 0;
}

/* runtime-spec 1.1 config.md: an unknown capability is logged and SHOULD NOT fail the container. */
static void
warn_caps (const struct cell_spec_caps *c, const char *display, const char *ptr)
{
  char *const *sets[] = { c->bounding, c->effective, c->inheritable, c->permitted, c->ambient };
  static const char *const names[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
  for (size_t s = 0; s < ARRAY_SIZE (sets); s++)
    for (size_t i = 0; sets[s] && sets[s][i]; i++)
      if (cell_caps_from_name (sets[s][i]) < 0)
        cell_warn ("%s: %s/capabilities/%s/%zu: unknown capability `%s` left out", display, ptr, names[s], i,
                   sets[s][i]);
}

static int
check_process (const struct cell_spec_process *p, const char *display, const char *ptr,
               struct cell_error **err)
{
  if (p->args == NULL || p->args[0] == NULL)
    return cell_err (err, 0, "%s: %s/args: must not be empty", display, ptr);
  if (p->cwd[0] != '/')
    return cell_err (err, 0, "%s: %s/cwd: must be an absolute path", display, ptr);
  for (size_t i = 0; p->env && p->env[i]; i++)
    if (strchr (p->env[i], '=') == NULL || p->env[i][0] == '=')
      return cell_err (err, 0, "%s: %s/env/%zu: expected KEY=VALUE, got `%s`", display, ptr, i, p->env[i]);
  if (p->user.has_umask && p->user.umask > 0777)
    return cell_err (err, 0, "%s: %s/user/umask: %o is not a file mode mask", display, ptr, p->user.umask);
  if (p->has_oom_score_adj && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000))
    return cell_err (err, 0, "%s: %s/oomScoreAdj: must be between -1000 and 1000", display, ptr);
  for (size_t i = 0; i < p->n_rlimits; i++)
    {
      if (cell_rlimit_from_name (p->rlimits[i].type) < 0)
        return cell_err (err, 0, "%s: %s/rlimits/%zu/type: unknown rlimit `%s`", display, ptr, i,
                         p->rlimits[i].type);
      if (p->rlimits[i].soft > p->rlimits[i].hard)
        return cell_err (err, 0, "%s: %s/rlimits/%zu: soft limit above hard limit", display, ptr, i);
      for (size_t k = 0; k < i; k++)
        if (streq (p->rlimits[k].type, p->rlimits[i].type))
          return cell_err (err, 0, "%s: %s/rlimits/%zu/type: duplicate `%s`", display, ptr, i,
                           p->rlimits[i].type);
    }
  if (p->has_io_priority)
    {
      if (!streq (p->io_priority_class, "IOPRIO_CLASS_RT") && !streq (p->io_priority_class, "IOPRIO_CLASS_BE")
          && !streq (p->io_priority_class, "IOPRIO_CLASS_IDLE"))
        return cell_err (err, 0, "%s: %s/ioPriority/class: unknown class `%s`", display, ptr,
                         p->io_priority_class);
      if (p->io_priority_priority < 0 || p->io_priority_priority > 7)
        return cell_err (err, 0, "%s: %s/ioPriority/priority: must be between 0 and 7", display, ptr);
    }
  if (p->has_caps)
    warn_caps (&p->caps, display, ptr);
  if (p->has_scheduler)
    return cell_err (err, 0, "%s: %s/scheduler: not supported by cell", display, ptr);
  if (p->has_exec_cpu_affinity)
    return cell_err (err, 0, "%s: %s/execCPUAffinity: not supported by cell", display, ptr);
  if (p->apparmor_profile && *p->apparmor_profile)
    return cell_err (err, 0, "%s: %s/apparmorProfile: AppArmor is not supported by cell", display, ptr);
  if (p->selinux_label && *p->selinux_label)
    return cell_err (err, 0, "%s: %s/selinuxLabel: SELinux is not supported by cell", display, ptr);
  return 0;
}

static int
check_linux (const struct cell_spec *spec, const char *display, struct cell_error **err)
{
  const struct cell_spec_linux *l = &spec->linux_;
  static const char *const props[]
      = { "shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable" };

  for (size_t i = 0; i < l->n_namespaces; i++)
    {
      for (size_t k = 0; k < i; k++)
        if (l->namespaces[k].type == l->namespaces[i].type)
          return cell_err (err, 0, "%s: /linux/namespaces/%zu: duplicate namespace `%s`", display, i,
                           cell_ns_type_name (l->namespaces[i].type));
      if (l->namespaces[i].path && l->namespaces[i].path[0] != '/')
        return cell_err (err, 0, "%s: /linux/namespaces/%zu/path: must be an absolute path", display, i);
    }
  for (size_t i = 0; i < l->n_namespaces; i++)
    if (l->namespaces[i].type == CELL_NS_USER && !(l->namespaces[i].path && *l->namespaces[i].path)
        && !l->n_uid_mappings && !l->n_gid_mappings)
      return cell_err (err, 0, "%s: /linux/uidMappings: a new user namespace needs uid and gid mappings",
                       display);
  if ((l->n_uid_mappings || l->n_gid_mappings) && !has_ns (spec, CELL_NS_USER))
    return cell_err (err, 0, "%s: /linux/uidMappings: user ID mappings need a user namespace", display);
  if (has_ns (spec, CELL_NS_USER) && (l->n_uid_mappings == 0) != (l->n_gid_mappings == 0))
    return cell_err (err, 0, "%s: /linux/%s: uidMappings and gidMappings go together", display,
                     l->n_uid_mappings ? "gidMappings" : "uidMappings");
  for (size_t i = 0; i < l->n_uid_mappings + l->n_gid_mappings; i++)
    {
      bool uid = i < l->n_uid_mappings;
      const struct cell_spec_id_map *m = uid ? &l->uid_mappings[i] : &l->gid_mappings[i - l->n_uid_mappings];
      size_t idx = uid ? i : i - l->n_uid_mappings;
      if (m->size == 0)
        return cell_err (err, 0, "%s: /linux/%s/%zu/size: must not be zero", display,
                         uid ? "uidMappings" : "gidMappings", idx);
    }
  for (size_t i = 0; i < l->n_devices; i++)
    {
      const struct cell_spec_device *d = &l->devices[i];
      if (d->path[0] != '/')
        return cell_err (err, 0, "%s: /linux/devices/%zu/path: must be an absolute path", display, i);
      if (d->type != 'p' && (!d->has_major || !d->has_minor))
        return cell_err (err, 0, "%s: /linux/devices/%zu: major and minor are required for type `%c`",
                         display, i, d->type);
      if ((d->has_major && (d->major < 0 || d->major > 4095))
          || (d->has_minor && (d->minor < 0 || d->minor > 1048575)))
        return cell_err (err, 0, "%s: /linux/devices/%zu: device number out of range", display, i);
      if (d->has_file_mode && d->file_mode > 07777)
        {
          /* podman includes the file type bits (S_IFCHR|0600): they must say what `type` says */
          unsigned want = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
          if ((d->file_mode & ~(unsigned)07777) != want)
            return cell_err (err, 0, "%s: /linux/devices/%zu/fileMode: %o is not a file mode of type `%c`",
                             display, i, d->file_mode, d->type);
        }
    }
  if (l->rootfs_propagation && *l->rootfs_propagation)
    {
      bool ok = false;
      for (size_t i = 0; i < ARRAY_SIZE (props); i++)
        ok |= streq (l->rootfs_propagation, props[i]);
      if (!ok)
        return cell_err (err, 0, "%s: /linux/rootfsPropagation: unknown propagation `%s`", display,
                         l->rootfs_propagation);
    }
  for (size_t i = 0; l->masked_paths && l->masked_paths[i]; i++)
    if (l->masked_paths[i][0] != '/')
      return cell_err (err, 0, "%s: /linux/maskedPaths/%zu: must be an absolute path", display, i);
  for (size_t i = 0; l->readonly_paths && l->readonly_paths[i]; i++)
    if (l->readonly_paths[i][0] != '/')
      return cell_err (err, 0, "%s: /linux/readonlyPaths/%zu: must be an absolute path", display, i);
  for (size_t i = 0; i < l->n_sysctl; i++)
    {
      if (check_sysctl (spec, display, l->sysctl[i].key, err) < 0)
        return -1;
      if (strpbrk (l->sysctl[i].value, "\n\r"))
        return cell_err (err, 0, "%s: /linux/sysctl/%s: a value holds a newline", display, l->sysctl[i].key);
    }
  if (l->personality_domain && !streq (l->personality_domain, "LINUX")
      && !streq (l->personality_domain, "LINUX32"))
    return cell_err (err, 0, "%s: /linux/personality/domain: unknown domain `%s`", display,
                     l->personality_domain);
  if (l->has_time_offsets && !has_ns (spec, CELL_NS_TIME))
    return cell_err (err, 0, "%s: /linux/timeOffsets: needs a time namespace", display);
  if (l->mount_label && *l->mount_label)
    return cell_err (err, 0, "%s: /linux/mountLabel: SELinux is not supported by cell", display);
  if (l->has_intel_rdt)
    return cell_err (err, 0, "%s: /linux/intelRdt: not supported by cell", display);
  if (l->has_net_devices)
    return cell_err (err, 0, "%s: /linux/netDevices: not supported by cell", display);
  if (l->has_memory_policy)
    return cell_err (err, 0, "%s: /linux/memoryPolicy: not supported by cell", display);
  if (l->has_resources && cell_resources_validate (&l->resources, display, "/linux/resources", err) < 0)
    return -1;
  return 0;
}

static int
check_mount (const struct cell_spec_mount *m, size_t i, const char *display, struct cell_error **err)
{
  cleanup_free char *ptr = xasprintf ("/mounts/%zu/options", i);
  struct cell_mount_opts mo;
  bool bind = m->type && streq (m->type, "bind");
  int r = 0;

  if (!*m->destination)
    return cell_err (err, 0, "%s: /mounts/%zu/destination: must not be empty", display, i);
  for (size_t k = 0; m->options && m->options[k]; k++)
    bind |= streq (m->options[k], "bind") || streq (m->options[k], "rbind");
  if (cell_mount_opts_parse (m->options, &mo, display, ptr, err) < 0)
    return -1;
  if (mo.idmap || m->n_uid_mappings || m->n_gid_mappings)
    r = cell_err (err, 0, "%s: /mounts/%zu: id-mapped mounts are not supported yet", display, i);
  else if (bind && (!m->source || !*m->source))
    r = cell_err (err, 0, "%s: /mounts/%zu/source: a bind mount needs a source", display, i);
  else if (!bind && (!m->type || !*m->type))
    r = cell_err (err, 0, "%s: /mounts/%zu/type: required for a non-bind mount", display, i);
  else if (!bind && streq (m->type, "overlay") && (!mo.data || !strstr (mo.data, "lowerdir=")))
    r = cell_err (err, 0, "%s: /mounts/%zu/options: an overlay mount needs lowerdir=", display, i);
  else if (mo.copyup && (bind || !streq (m->type, "tmpfs")))
    r = cell_err (err, 0, "%s: /mounts/%zu/options: `tmpcopyup` needs a tmpfs mount", display, i);
  else if (bind && mo.data)
    /* config.md: SHOULD be passed through; a bind has no filesystem of its own to take them */
    cell_debug ("%s: /mounts/%zu/options: filesystem options `%s` have no effect on a bind mount", display, i,
                mo.data);
  cell_mount_opts_clear (&mo);
  return r;
}

static int
check_mounts (const struct cell_spec *spec, const char *display, struct cell_error **err)
{
  const struct cell_spec_linux *l = &spec->linux_;
  for (size_t i = 0; i < spec->n_mounts; i++)
    if (check_mount (&spec->mounts[i], i, display, err) < 0)
      return -1;
  /* runtime-spec: a namespace type not listed is inherited. In the runtime's own mount namespace cell
     mounts nothing (it would change the host's mount table): say what is left out. */
  if (!has_ns (spec, CELL_NS_MOUNT)
      && (spec->n_mounts || l->n_devices || (l->masked_paths && l->masked_paths[0])
          || (l->readonly_paths && l->readonly_paths[0]) || spec->root.readonly))
    cell_warn ("%s: /linux/namespaces: no mount namespace: the container shares the runtime's mount table, "
               "so its mounts, devices, masked and read-only paths are not applied",
               display);
  return 0;
}

static int
check_annotations (const struct cell_spec *spec, const char *display, struct cell_error **err)
{
  const char *size = cell_spec_annotation (spec, "run.cell.rootfs.size");
  if (size && *size)
    {
      size_t digits = strspn (size, "0123456789");
      if (digits == 0 || (size[digits] != '\0' && (!strchr ("kmgKMG%", size[digits]) || size[digits + 1])))
        return cell_err (err, 0, "%s: /annotations/run.cell.rootfs.size: invalid size `%s`", display, size);
    }
  return 0;
}

int
cell_spec_validate (const struct cell_spec *spec, const char *display, struct cell_error **err)
{
  unsigned long major = 0;

  if (!semver_major (spec->oci_version, &major))
    return cell_err (err, 0, "%s: /ociVersion: `%s` is not a SemVer version", display, spec->oci_version);
  if (major != 1)
    return cell_err (err, 0, "%s: /ociVersion: unsupported version `%s` (cell supports 1.x)", display,
                     spec->oci_version);
  if (!spec->has_root || !spec->root.path || !*spec->root.path)
    return cell_err (err, 0, "%s: /root/path: required on Linux", display);
  /* runtime-spec runtime.md: `process` is needed by `start`, not by `create` */
  if (spec->has_process && check_process (&spec->process, display, "/process", err) < 0)
    return -1;
  if (check_mounts (spec, display, err) < 0 || check_annotations (spec, display, err) < 0)
    return -1;
  if (spec->hostname && *spec->hostname && !has_ns (spec, CELL_NS_UTS))
    return cell_err (err, 0, "%s: /hostname: needs a uts namespace", display);
  if (spec->domainname && *spec->domainname && !has_ns (spec, CELL_NS_UTS))
    return cell_err (err, 0, "%s: /domainname: needs a uts namespace", display);
#define HOOKS(field, name)                                                                                   \
  if (check_hooks (spec->hooks.field, spec->hooks.n_##field, name, display, err) < 0)                        \
    return -1;
  HOOKS (prestart, "prestart");
  HOOKS (create_runtime, "createRuntime");
  HOOKS (create_container, "createContainer");
  HOOKS (start_container, "startContainer");
  HOOKS (poststart, "poststart");
  HOOKS (poststop, "poststop");
#undef HOOKS
  return check_linux (spec, display, err);
}

int
cell_spec_validate_process (const struct cell_spec_process *p, const char *display, const char *ptr,
                            struct cell_error **err)
{
  return check_process (p, display, ptr, err);
}
