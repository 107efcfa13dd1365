/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec.h: the in-memory model of an OCI config.json (Linux part) and process.json, and their loaders. */
#ifndef CELL_SPEC_H
#define CELL_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "error.h"
#include "resources.h"

/* Every optional scalar carries a has_ flag; absent arrays are NULL with n_ = 0.
   Strings are NUL-free (the loader rejects embedded NULs), owned by the spec. */

struct cell_spec_id_map
{
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
};

struct cell_spec_rlimit
{
  char *type; /* "RLIMIT_NOFILE" */
  uint64_t soft;
  uint64_t hard;
};

struct cell_spec_caps
{
  char **bounding; /* NULL-terminated lists; NULL when absent */
  char **effective;
  char **inheritable;
  char **permitted;
  char **ambient;
};

struct cell_spec_user
{
  uint32_t uid;
  uint32_t gid;
  bool has_umask;
  uint32_t umask;
  uint32_t *additional_gids;
  size_t n_additional_gids;
  char *username; /* ignored on Linux; kept for completeness */
};

struct cell_spec_console_size
{
  uint32_t height;
  uint32_t width;
};

struct cell_spec_process
{
  bool terminal;
  bool has_console_size;
  struct cell_spec_console_size console_size;
  struct cell_spec_user user;
  char **args;        /* NULL-terminated */
  char *command_line; /* Windows only; ignored */
  char **env;         /* NULL-terminated, may be NULL */
  char *cwd;
  bool has_caps;
  struct cell_spec_caps caps;
  struct cell_spec_rlimit *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  char *apparmor_profile;
  bool has_oom_score_adj;
  int32_t oom_score_adj;
  char *selinux_label;
  bool has_io_priority;
  char *io_priority_class;
  int32_t io_priority_priority;
  /* scheduler: sched_setattr(2) */
  bool has_scheduler;
  char *sched_policy; /* "SCHED_OTHER", ... */
  int32_t sched_nice;
  int32_t sched_priority;
  char **sched_flags;
  uint64_t sched_runtime, sched_deadline, sched_period;
  /* execCPUAffinity: cpu lists ("0-3,7"), NULL when absent */
  bool has_exec_cpu_affinity;
  char *exec_cpu_initial, *exec_cpu_final;
};

struct cell_spec_root
{
  char *path;
  bool readonly;
};

struct cell_spec_mount
{
  char *destination;
  char *type;     /* may be NULL */
  char *source;   /* may be NULL */
  char **options; /* NULL-terminated, may be NULL */
  struct cell_spec_id_map *uid_mappings;
  size_t n_uid_mappings;
  struct cell_spec_id_map *gid_mappings;
  size_t n_gid_mappings;
};

struct cell_spec_hook
{
  char *path;
  char **args; /* may be NULL */
  char **env;  /* may be NULL */
  bool has_timeout;
  int64_t timeout; /* seconds, > 0 */
};

struct cell_spec_hooks
{
  struct cell_spec_hook *prestart;
  size_t n_prestart;
  struct cell_spec_hook *create_runtime;
  size_t n_create_runtime;
  struct cell_spec_hook *create_container;
  size_t n_create_container;
  struct cell_spec_hook *start_container;
  size_t n_start_container;
  struct cell_spec_hook *poststart;
  size_t n_poststart;
  struct cell_spec_hook *poststop;
  size_t n_poststop;
};

enum cell_ns_type
{
  CELL_NS_PID,
  CELL_NS_NETWORK,
  CELL_NS_MOUNT,
  CELL_NS_IPC,
  CELL_NS_UTS,
  CELL_NS_USER,
  CELL_NS_CGROUP,
  CELL_NS_TIME,
  CELL_NS_COUNT
};

struct cell_spec_namespace
{
  enum cell_ns_type type;
  char *path; /* NULL: create a new one */
};

struct cell_spec_device
{
  char *path;
  char type; /* 'c', 'b', 'u', 'p' */
  bool has_major, has_minor;
  int64_t major, minor;
  bool has_file_mode;
  uint32_t file_mode;
  bool has_uid, has_gid;
  uint32_t uid, gid;
};

struct cell_spec_seccomp_arg
{
  uint32_t index;
  uint64_t value;
  uint64_t value_two;
  char *op;
};

struct cell_spec_seccomp_syscall
{
  char **names;
  char *action;
  bool has_errno_ret;
  uint32_t errno_ret;
  struct cell_spec_seccomp_arg *args;
  size_t n_args;
};

struct cell_spec_seccomp
{
  char *default_action;
  bool has_default_errno_ret;
  uint32_t default_errno_ret;
  char **architectures;
  char **flags;
  char *listener_path;
  char *listener_metadata;
  struct cell_spec_seccomp_syscall *syscalls;
  size_t n_syscalls;
};

struct cell_spec_linux
{
  struct cell_spec_namespace *namespaces;
  size_t n_namespaces;
  struct cell_spec_id_map *uid_mappings;
  size_t n_uid_mappings;
  struct cell_spec_id_map *gid_mappings;
  size_t n_gid_mappings;
  struct cell_spec_device *devices;
  size_t n_devices;
  char *cgroups_path;
  bool has_resources;
  struct cell_spec_resources resources;
  char *rootfs_propagation;
  char **masked_paths;
  char **readonly_paths;
  char *mount_label;
  struct cell_spec_kv *sysctl;
  size_t n_sysctl;
  struct cell_spec_seccomp *seccomp; /* NULL when absent */
  char *personality_domain;          /* NULL when absent */
  bool has_time_offsets;
  int64_t time_offset_boottime_secs, time_offset_monotonic_secs;
  uint32_t time_offset_boottime_nanosecs, time_offset_monotonic_nanosecs;
  /* memoryPolicy: set_mempolicy(2) */
  bool has_memory_policy;
  char *mempolicy_mode;  /* "MPOL_BIND", ... */
  char *mempolicy_nodes; /* "0-3,7", NULL when absent */
  char **mempolicy_flags;
  /* netDevices: host interface name -> name in the container (the host's name when the entry has none) */
  struct cell_spec_kv *net_devices;
  size_t n_net_devices;
  /* intelRdt: resctrl */
  bool has_intel_rdt;
  char *rdt_clos_id, *rdt_l3_cache_schema, *rdt_mem_bw_schema;
  char **rdt_schemata;
  bool rdt_enable_cmt, rdt_enable_mbm;
};

struct cell_spec
{
  char *oci_version;
  struct cell_spec_root root; /* root.path == NULL when `root` absent */
  bool has_root;
  bool has_process;
  struct cell_spec_process process;
  char *hostname;
  char *domainname;
  struct cell_spec_mount *mounts;
  size_t n_mounts;
  struct cell_spec_hooks hooks;
  struct cell_spec_kv *annotations;
  size_t n_annotations;
  bool has_linux;
  struct cell_spec_linux linux_;
};

/* Loads and decodes `path` (config.json). `display` is the name used in messages ("config.json").
   Errors: "config.json: 3:14: syntax error: ...", "config.json: /process/user/uid: expected unsigned
   integer". On success *out is owned by the caller (cell_spec_free). Makes no changes to the system. */
int cell_spec_load_file (const char *path, const char *display, struct cell_spec **out,
                         struct cell_error **err);
int cell_spec_load_buffer (const char *buf, size_t len, const char *display, struct cell_spec **out,
                           struct cell_error **err);
/* The spec's MUST-error checks (config.md, config-linux.md) that need no filesystem access.
   `display` prefixes messages. */
int cell_spec_validate (const struct cell_spec *spec, const char *display, struct cell_error **err);
void cell_spec_free (struct cell_spec *spec);

/* The rules of /process alone (for `exec --process`), errors prefixed with `display` and `ptr` ("/process"
   in a config.json, "" in a process.json). */
int cell_spec_validate_process (const struct cell_spec_process *p, const char *display, const char *ptr,
                                struct cell_error **err);
/* process.json for `exec --process`: decodes into a cell_spec_process (same rules as /process). */
int cell_spec_process_load_file (const char *path, const char *display, struct cell_spec_process **out,
                                 struct cell_error **err);
void cell_spec_process_free (struct cell_spec_process *p);

/* `linux.resources` JSON for `update --resources` (decoded only: cell_resources_validate checks it). */
int cell_spec_resources_load_buffer (const char *buf, size_t len, const char *display,
                                     struct cell_spec_resources **out, struct cell_error **err);

/* The default config.json of `cell spec` (`rootless`: user namespace mapping the caller, no cgroup
   mount or device rules). Caller frees. */
char *cell_spec_default_json (bool rootless);

const char *cell_spec_annotation (const struct cell_spec *spec, const char *key);
const char *cell_ns_type_name (enum cell_ns_type t); /* "pid", "network", ... (OCI names) */
int cell_ns_type_from_name (const char *name);       /* -1 if unknown */

#endif
