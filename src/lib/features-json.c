/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* features-json.c: the runtime-spec features document: the namespaces, capabilities, mount options, hooks and
   annotations this build supports, derived from the same tables the parser and compiler use. */
#include <seccomp.h>
#include <string.h>
#include "caps.h"
#include "features-json.h"
#include "json.h"
#include "mount-opts.h"
#include "seccomp.h"
#include "spec.h"
#include "xalloc.h"

static const char *const hooks[]
    = { "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop" };

/* Candidates for `mountOptions`: the runtime-spec's list (features.md) plus the id-mapping options. Only
   those cell_mount_opts_parse maps to a flag, an attribute, a propagation or an extension are listed:
   anything else would be passed to the filesystem as data, which the list SHOULD NOT contain. */
static const char *const mount_option_candidates[] = {
  "acl",          "async",       "atime",          "bind",
  "defaults",     "dev",         "diratime",       "dirsync",
  "exec",         "iversion",    "lazytime",       "loud",
  "mand",         "noacl",       "noatime",        "nodev",
  "nodiratime",   "noexec",      "noiversion",     "nolazytime",
  "nomand",       "norelatime",  "nostrictatime",  "nosuid",
  "nosymfollow",  "private",     "ratime",         "rbind",
  "rdev",         "rdiratime",   "relatime",       "remount",
  "rexec",        "rnoatime",    "rnodev",         "rnodiratime",
  "rnoexec",      "rnorelatime", "rnostrictatime", "rnosuid",
  "rnosymfollow", "ro",          "rprivate",       "rrelatime",
  "rro",          "rrw",         "rshared",        "rslave",
  "rstrictatime", "rsuid",       "rsymfollow",     "runbindable",
  "rw",           "shared",      "silent",         "slave",
  "strictatime",  "suid",        "symfollow",      "sync",
  "tmpcopyup",    "unbindable",  "idmap",          "ridmap",
};

/* What cell implements (features-linux.md: the runtime's support, irrespective of this host). Keep in
   step with spec-validate.c and resctrl.c, which refuse what is false here. */
#define HAS_IDMAP_MOUNTS true /* prepare.c: open_tree + MOUNT_ATTR_IDMAP */
#define HAS_APPARMOR true     /* lsm.c: applied where AppArmor is active; an error where it is not */
#define HAS_SELINUX true      /* lsm.c: applied where SELinux is active; an error where it is not */
#define HAS_INTEL_RDT false   /* resctrl.c: "/linux/intelRdt: not supported ..." */

static void
gen_null_terminated (struct cell_json_gen *g, const char *key, const char *const *v)
{
  cell_json_gen_key (g, key);
  cell_json_gen_array_open (g);
  for (size_t i = 0; v[i]; i++)
    cell_json_gen_string (g, v[i]);
  cell_json_gen_array_close (g);
}

static void
gen_strings (struct cell_json_gen *g, const char *key, const char *const *v, size_t n)
{
  cell_json_gen_key (g, key);
  cell_json_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    cell_json_gen_string (g, v[i]);
  cell_json_gen_array_close (g);
}

static void
gen_bool (struct cell_json_gen *g, const char *key, bool v)
{
  cell_json_gen_key (g, key);
  cell_json_gen_bool (g, v);
}

static void
gen_enabled (struct cell_json_gen *g, const char *key, bool v)
{
  cell_json_gen_key (g, key);
  cell_json_gen_map_open (g);
  gen_bool (g, "enabled", v);
  cell_json_gen_map_close (g);
}

static void
gen_mount_options (struct cell_json_gen *g)
{
  cell_json_gen_key (g, "mountOptions");
  cell_json_gen_array_open (g);
  for (size_t i = 0; i < ARRAY_SIZE (mount_option_candidates); i++)
    {
      const char *name = mount_option_candidates[i];
      char *const one[] = { (char *)name, NULL };
      struct cell_mount_opts mo;
      cleanup_error struct cell_error *e = NULL;
      bool known;
      if (cell_mount_opts_parse (one, &mo, "features", "/mountOptions", &e) < 0)
        continue; /* refused (`remount`) */
      known = mo.data == NULL && ((!mo.idmap) || HAS_IDMAP_MOUNTS);
      cell_mount_opts_clear (&mo);
      if (known)
        cell_json_gen_string (g, name);
    }
  cell_json_gen_array_close (g);
}

/* Every capability libcap has a name for, in the spec's spelling ("CAP_SYS_ADMIN"). */
static void
gen_capabilities (struct cell_json_gen *g)
{
  cell_json_gen_key (g, "capabilities");
  cell_json_gen_array_open (g);
  for (int c = 0; c < 64; c++)
    {
      cleanup_free char *name = cell_caps_name (c);
      if (strncmp (name, "CAP_", 4) == 0 && cell_caps_from_name (name) == c)
        cell_json_gen_string (g, name);
    }
  cell_json_gen_array_close (g);
}

/* the compiler's own tables, filtered by what this kernel and libseccomp support (seccomp.c) */
static void
gen_seccomp_list (struct cell_json_gen *g, const char *key, enum cell_seccomp_list which)
{
  cleanup_free const char **v = cell_seccomp_list (which);
  gen_null_terminated (g, key, v);
}

static void
gen_seccomp (struct cell_json_gen *g)
{
  cell_json_gen_key (g, "seccomp");
  cell_json_gen_map_open (g);
  gen_bool (g, "enabled", true);
  gen_seccomp_list (g, "actions", CELL_SECCOMP_ACTIONS);
  gen_seccomp_list (g, "operators", CELL_SECCOMP_OPERATORS);
  gen_seccomp_list (g, "archs", CELL_SECCOMP_ARCHS);
  gen_seccomp_list (g, "knownFlags", CELL_SECCOMP_KNOWN_FLAGS);
  gen_seccomp_list (g, "supportedFlags", CELL_SECCOMP_SUPPORTED_FLAGS);
  cell_json_gen_map_close (g);
}

static void
gen_linux (struct cell_json_gen *g)
{
  cell_json_gen_key (g, "linux");
  cell_json_gen_map_open (g);
  cell_json_gen_key (g, "namespaces");
  cell_json_gen_array_open (g);
  for (int t = 0; t < CELL_NS_COUNT; t++)
    cell_json_gen_string (g, cell_ns_type_name ((enum cell_ns_type)t));
  cell_json_gen_array_close (g);
  gen_capabilities (g);
  /* cgroupfs on v1, v2 and hybrid hosts; --systemd-cgroup only maps slice:prefix:name onto cgroupfs (no
     systemd driver); rdma limits are written (cgroup-resources.c). */
  cell_json_gen_key (g, "cgroup");
  cell_json_gen_map_open (g);
  gen_bool (g, "v1", true);
  gen_bool (g, "v2", true);
  gen_bool (g, "systemd", false);
  gen_bool (g, "systemdUser", false);
  gen_bool (g, "rdma", true);
  cell_json_gen_map_close (g);
  gen_seccomp (g);
  gen_enabled (g, "apparmor", HAS_APPARMOR);
  gen_enabled (g, "selinux", HAS_SELINUX);
  gen_enabled (g, "intelRdt", HAS_INTEL_RDT);
  cell_json_gen_key (g, "mountExtensions");
  cell_json_gen_map_open (g);
  gen_enabled (g, "idmap", HAS_IDMAP_MOUNTS);
  cell_json_gen_map_close (g);
  cell_json_gen_map_close (g);
}

char *
cell_features_json (void)
{
  struct cell_json_gen *g = cell_json_gen_new (true);
  const struct scmp_version *scmp = seccomp_version ();
  cleanup_free char *scmp_version = xasprintf ("%u.%u.%u", scmp->major, scmp->minor, scmp->micro);

  cell_json_gen_map_open (g);
  /* The config.json versions the decoder is written for (spec-validate.c accepts any 1.x). The features
     document holds only properties defined in ociVersionMax (features.md). */
  cell_json_gen_kv_string (g, "ociVersionMin", "1.0.0");
  cell_json_gen_kv_string (g, "ociVersionMax", "1.2.0");
  gen_strings (g, "hooks", hooks, ARRAY_SIZE (hooks));
  gen_mount_options (g);
  gen_linux (g);
  cell_json_gen_key (g, "annotations");
  cell_json_gen_map_open (g);
  cell_json_gen_kv_string (g, "run.cell.version", CELL_VERSION);
  cell_json_gen_kv_string (g, "run.cell.checkpoint.enabled", "false");
  cell_json_gen_kv_string (g, "io.github.seccomp.libseccomp.version", scmp_version);
  cell_json_gen_kv_string (g, "run.cell.rootfs.upper",
                           "persistent overlay upper directory for an image root");
  cell_json_gen_kv_string (g, "run.cell.rootfs.size", "size of the tmpfs upper of an image root");
  cell_json_gen_kv_string (g, "run.cell.rootfs.image", "squashfs");
  cell_json_gen_kv_string (g, "run.cell.mount.types", "squashfs,overlay");
  cell_json_gen_map_close (g);
  /* config.json annotations that change what cell does: the image root's upper (a directory written to,
     relative to the bundle) and size. */
  cell_json_gen_key (g, "potentiallyUnsafeConfigAnnotations");
  cell_json_gen_array_open (g);
  cell_json_gen_string (g, "run.cell.rootfs.");
  cell_json_gen_array_close (g);
  cell_json_gen_map_close (g);
  return cell_json_gen_finish (g, NULL);
}
