/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* features-json.c: the runtime-spec features document: the namespaces, capabilities, mount options, hooks and
   annotations this build supports, derived from the same tables the parser and compiler use. */
#include <sys/capability.h>
#include "features-json.h"
#include "json.h"
#include "seccomp.h"
#include "spec.h"
#include "xalloc.h"

static const char *const hooks[]
    = { "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop" };

/* Options the compiler maps to flags (mount-opts.c); anything else is filesystem data. */
static const char *const mount_options[] = {
  "async",       "atime",       "bind",       "defaults",      "dev",
  "diratime",    "dirsync",     "exec",       "lazytime",      "loud",
  "mand",        "noatime",     "nodev",      "nodiratime",    "noexec",
  "nolazytime",  "nomand",      "norelatime", "nostrictatime", "nosuid",
  "nosymfollow", "private",     "rbind",      "relatime",      "remount",
  "ro",          "rprivate",    "rshared",    "rslave",        "runbindable",
  "rw",          "shared",      "silent",     "slave",         "strictatime",
  "suid",        "symfollow",   "sync",       "unbindable",    "rro",
  "rrw",         "rnosuid",     "rsuid",      "rnodev",        "rdev",
  "rnoexec",     "rexec",       "rnoatime",   "ratime",        "rrelatime",
  "rnorelatime", "rnodiratime", "rdiratime",  "rstrictatime",  "rnosymfollow",
  "rsymfollow",
};

static void
gen_null_terminated (struct cell_json_gen *g, const char *key, const char *const *v)
{
  cell_json_gen_key (g, key);
  cell_json_gen_array_open (g);
  for (size_t i = 0; v[i]; i++)
    cell_json_gen_string (g, v[i]);
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
gen_strings (struct cell_json_gen *g, const char *key, const char *const *v, size_t n)
{
  cell_json_gen_key (g, key);
  cell_json_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    cell_json_gen_string (g, v[i]);
  cell_json_gen_array_close (g);
}

char *
cell_features_json (void)
{
  struct cell_json_gen *g = cell_json_gen_new (true);

  cell_json_gen_map_open (g);
  cell_json_gen_kv_string (g, "ociVersionMin", "1.0.0");
  cell_json_gen_kv_string (g, "ociVersionMax", "1.2.0");
  gen_strings (g, "hooks", hooks, ARRAY_SIZE (hooks));
  gen_strings (g, "mountOptions", mount_options, ARRAY_SIZE (mount_options));
  cell_json_gen_key (g, "linux");
  cell_json_gen_map_open (g);
  cell_json_gen_key (g, "namespaces");
  cell_json_gen_array_open (g);
  for (int t = 0; t < CELL_NS_COUNT; t++)
    cell_json_gen_string (g, cell_ns_type_name ((enum cell_ns_type)t));
  cell_json_gen_array_close (g);
  cell_json_gen_key (g, "capabilities");
  cell_json_gen_array_open (g);
  for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++)
    {
      char *name = cap_to_name (c);
      cleanup_free char *upper = NULL;
      if (name == NULL)
        continue;
      upper = xasprintf ("%s", name);
      cap_free (name);
      for (char *p = upper; *p; p++)
        if (*p >= 'a' && *p <= 'z')
          *p = (char)(*p - 'a' + 'A');
      cell_json_gen_string (g, upper);
    }
  cell_json_gen_array_close (g);
  cell_json_gen_key (g, "cgroup");
  cell_json_gen_map_open (g);
  cell_json_gen_key (g, "v1");
  cell_json_gen_bool (g, true);
  cell_json_gen_key (g, "v2");
  cell_json_gen_bool (g, true);
  cell_json_gen_key (g, "systemd");
  cell_json_gen_bool (g, false);
  cell_json_gen_key (g, "systemdUser");
  cell_json_gen_bool (g, false);
  cell_json_gen_map_close (g);
  cell_json_gen_key (g, "seccomp");
  cell_json_gen_map_open (g);
  cell_json_gen_key (g, "enabled");
  cell_json_gen_bool (g, true);
  gen_seccomp_list (g, "actions", CELL_SECCOMP_ACTIONS);
  gen_seccomp_list (g, "operators", CELL_SECCOMP_OPERATORS);
  gen_seccomp_list (g, "archs", CELL_SECCOMP_ARCHS);
  gen_seccomp_list (g, "knownFlags", CELL_SECCOMP_KNOWN_FLAGS);
  gen_seccomp_list (g, "supportedFlags", CELL_SECCOMP_SUPPORTED_FLAGS);
  cell_json_gen_map_close (g);
  cell_json_gen_key (g, "apparmor");
  cell_json_gen_map_open (g);
  cell_json_gen_key (g, "enabled");
  cell_json_gen_bool (g, false);
  cell_json_gen_map_close (g);
  cell_json_gen_key (g, "selinux");
  cell_json_gen_map_open (g);
  cell_json_gen_key (g, "enabled");
  cell_json_gen_bool (g, false);
  cell_json_gen_map_close (g);
  cell_json_gen_key (g, "mountExtensions");
  cell_json_gen_map_open (g);
  cell_json_gen_key (g, "idmap");
  cell_json_gen_map_open (g);
  cell_json_gen_key (g, "enabled");
  cell_json_gen_bool (g, false);
  cell_json_gen_map_close (g);
  cell_json_gen_map_close (g);
  cell_json_gen_map_close (g);
  cell_json_gen_key (g, "annotations");
  cell_json_gen_map_open (g);
  cell_json_gen_kv_string (g, "run.cell.rootfs.upper",
                           "persistent overlay upper directory for an image root");
  cell_json_gen_kv_string (g, "run.cell.rootfs.size", "size of the tmpfs upper of an image root");
  cell_json_gen_kv_string (g, "run.cell.rootfs.image", "squashfs");
  cell_json_gen_kv_string (g, "run.cell.mount.types", "squashfs,overlay");
  cell_json_gen_map_close (g);
  cell_json_gen_map_close (g);
  return cell_json_gen_finish (g, NULL);
}
