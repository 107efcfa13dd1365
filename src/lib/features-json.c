/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* features-json.c: the runtime-spec features document: the namespaces, capabilities, mount options, hooks and
   annotations this build supports, derived from the same tables the parser and compiler use. */
#include <sys/capability.h>
#include <seccomp.h>
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

/* The runtime-spec's architecture names and libseccomp's for them; listed when this libseccomp knows them. */
static const char *const seccomp_archs[][2] = {
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
  gen_null_terminated (g, "actions", cell_seccomp_actions);
  gen_null_terminated (g, "operators", cell_seccomp_operators);
  cell_json_gen_key (g, "archs");
  cell_json_gen_array_open (g);
  for (size_t i = 0; i < ARRAY_SIZE (seccomp_archs); i++)
    if (seccomp_arch_resolve_name (seccomp_archs[i][1]) != 0)
      cell_json_gen_string (g, seccomp_archs[i][0]);
  cell_json_gen_array_close (g);
  gen_null_terminated (g, "knownFlags", cell_seccomp_flags);
  gen_null_terminated (g, "supportedFlags", cell_seccomp_flags);
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
