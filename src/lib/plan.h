/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plan.h: the plan, plain data between a front-end and the executor: namespaces, ordered filesystem
   operations and the final process. Building a plan makes no syscalls; executing it reads nothing else. */
#ifndef CELL_PLAN_H
#define CELL_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "error.h"
#include "spec.h"

enum cell_op_kind
{
  CELL_OP_ROOT_BIND,   /* bind `source` (host rootfs dir) as the new root; first op */
  CELL_OP_ROOT_IMAGE,  /* squashfs image `source` as the new root (+ overlay unless ro); first op */
  CELL_OP_MOUNT,       /* mount a filesystem: fstype/source/flags/data onto `dest` */
  CELL_OP_BIND,        /* bind host `source` onto `dest` (flags: MS_REC for rbind), then remount flags */
  CELL_OP_OVERLAY,     /* overlay with host lowerdir/upperdir/workdir in `data` onto dest */
  CELL_OP_IMAGE,       /* squashfs image file `source` loop-mounted onto dest */
  CELL_OP_CGROUP,      /* the container's own cgroup directories onto dest (v1 tmpfs + binds, or v2) */
  CELL_OP_DEV_DEFAULT, /* the default device nodes and /dev symlinks, /dev/pts/ptmx link (dest = /dev) */
  CELL_OP_DEVICE,      /* one device node `dest` (dev fields); bind from the host inside a user ns */
  CELL_OP_SYMLINK,     /* symlink `dest` -> `source` */
  CELL_OP_DIR,         /* mkdir -p `dest` with `mode` */
  CELL_OP_CONSOLE,     /* bind the pty slave onto /dev/console (only with a terminal) */
  CELL_OP_PIVOT,       /* make the new root the root: pivot_root (or MS_MOVE + chroot with no_pivot) */
  CELL_OP_MASK,        /* mask `dest`: /dev/null over files, empty ro tmpfs over dirs; missing ok */
  CELL_OP_READONLY,    /* bind `dest` onto itself read-only (recursive); missing ok */
  CELL_OP_REMOUNT_RO,  /* remount `dest` ro (root.readonly: "/"); sandbox: mflags are the flags added */
  /* the sandbox front-end's (bwrap's command line) */
  CELL_OP_ROOT_TMPFS, /* an empty tmpfs (`mode`, mflags) as the new root, host paths still sources; first op
                       */
  CELL_OP_CHMOD,      /* chmod `dest` (which must exist; never created) to `mode` */
  CELL_OP_FILE,       /* create or truncate the file `dest` with `mode`, holding fd `fd`'s data (SOURCE_FD)
                         or else `data` */
  CELL_OP_BIND_DATA,  /* a file with `mode` holding fd `fd`'s data, made outside the new root, bound on
                         `dest` (attr_set) */
};
/* op flags */
#define CELL_OPF_TRY 0x1       /* a missing source or destination is not an error (bwrap --*-try, masks) */
#define CELL_OPF_USERNS 0x2    /* DEVICE, DEV_DEFAULT: bind the host's nodes instead of mknod */
#define CELL_OPF_PTMX_LINK 0x4 /* DEV_DEFAULT: /dev/ptmx links to pts/ptmx (there is a devpts mount) */
#define CELL_OPF_COPYUP 0x8    /* MOUNT tmpfs: starts with a copy of what the root had at dest (tmpcopyup) */
/* `mode` was given (0 too): dest's missing parents get cell_op_parent_mode */
#define CELL_OPF_MODE 0x10
/* the source is inherited fd `fd`; BIND then checks that the mount's root is the fd's inode */
#define CELL_OPF_SOURCE_FD 0x20
/* BIND: `source` is a path inside the new root (mkosi-sandbox's `+PATH`), resolved there */
#define CELL_OPF_IN_ROOT 0x40
/* OVERLAY: upper and work dirs on a fresh tmpfs mounted on dest first (mkosi-sandbox's upper `tmpfs`) */
#define CELL_OPF_TMPFS_UPPER 0x80
/* BIND: id-mapped (idmap_uid/idmap_gid, or the joined user namespace when both are NULL) */
#define CELL_OPF_IDMAP 0x100
/* BIND: the id mapping goes on every mount of an rbind (ridmap) */
#define CELL_OPF_IDMAP_REC 0x200

struct cell_op
{
  enum cell_op_kind kind;
  unsigned flags;              /* CELL_OPF_* */
  char *source;                /* host path, fs source, symlink target; may be NULL */
  char *dest;                  /* absolute path inside the container (normalised, no "..", no "//") */
  char *fstype;                /* MOUNT: "proc", "tmpfs", ...; IMAGE: "squashfs" */
  unsigned long mflags;        /* MS_RDONLY|MS_NOSUID|... applied at mount / bind-remount */
  unsigned long propagation;   /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE (| MS_REC), 0 = leave */
  uint64_t attr_set, attr_clr; /* MOUNT_ATTR_* applied recursively via mount_setattr (r* options) */
  bool recursive;              /* BIND: rbind */
  char *data;                  /* fs data (options that are no mount flag), e.g. "mode=755,size=65536k" */
  mode_t mode;                 /* DIR / DEVICE mode */
  /* DEVICE */
  char dev_type; /* 'c', 'b', 'p' */
  uint32_t major, minor;
  uid_t uid;
  gid_t gid;
  /* id-mapped BIND (CELL_OPF_IDMAP): the maps of the user namespace the mount is mapped through, in
     /proc/PID/uid_map format ("0 100000 65536\n"): the mount's own, or the container's; both NULL: the
     container's joined user namespace (ns[CELL_NS_USER].path) */
  char *idmap_uid, *idmap_gid;
  int fd; /* with CELL_OPF_SOURCE_FD: the inherited fd (a number from the command line, not opened by cell) */
};

struct cell_plan_ns
{
  bool create; /* CLONE_NEW* */
  char *path;  /* join this namespace (nsfs file); NULL otherwise */
};

struct cell_plan_rlimit
{
  int resource; /* RLIMIT_* */
  uint64_t soft, hard;
};

/* How init makes the prepared root its root (after the ops before PIVOT). */
enum cell_root_switch
{
  CELL_ROOT_PIVOT,  /* pivot_root(2): the container has its own new mount namespace */
  CELL_ROOT_MOVE,   /* MS_MOVE onto / and chroot (--no-pivot, e.g. on a ramfs root) */
  CELL_ROOT_CHROOT, /* chroot only: a joined or the runtime's mount namespace, whose root is not ours */
};

struct cell_plan_process
{
  bool present; /* false: no process (create without `process`; `start` then fails) */
  char **args;  /* NULL-terminated; args[0] resolved against env PATH inside the container at exec */
  char **env;
  char *cwd;
  uid_t uid;
  gid_t gid;
  gid_t *additional_gids;
  size_t n_additional_gids;
  bool has_umask;
  mode_t umask;
  bool has_caps; /* false: keep runtime caps semantics of "no capabilities object" = none */
  uint64_t cap_bounding, cap_effective, cap_inheritable, cap_permitted, cap_ambient; /* bit N = cap N */
  struct cell_plan_rlimit *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  bool has_oom_score_adj;
  int oom_score_adj;
  bool terminal;
  bool has_console_size;
  unsigned short console_rows, console_cols;
  char *apparmor_profile; /* NULL: none */
  char *selinux_label;
  struct cell_spec_seccomp *seccomp; /* the profile (owned); NULL = none */
  bool has_io_priority;              /* ioprio_set(2) of the process */
  int io_priority_class, io_priority_level;
  bool has_scheduler; /* sched_setattr(2) of the process */
  int sched_policy;   /* SCHED_* */
  int sched_nice;
  uint32_t sched_priority;
  uint64_t sched_flags; /* SCHED_FLAG_* */
  uint64_t sched_runtime, sched_deadline, sched_period;
  char *exec_cpu_initial; /* `exec` only (config.md: not for init): the cpus it starts on, before the
                             container's cgroup; NULL: unchanged */
  char *exec_cpu_final;   /* ... and those it runs on once in the cgroup */
  char *session_keyring;  /* join (or make) this session keyring first; NULL: keep the caller's */
};

struct cell_plan
{
  /* namespaces, indexed by enum cell_ns_type; !create && !path = share the runtime's */
  struct cell_plan_ns ns[CELL_NS_COUNT];
  char *uid_map; /* "0 1000 1\n..." as written to /proc/PID/uid_map; NULL without userns maps */
  char *gid_map;
  char *rootfs;                     /* host path of the root (dir or image), absolute, for state + hooks */
  unsigned long rootfs_propagation; /* applied to "/" after the root switch; 0: left as it is (rslave) */
  enum cell_root_switch root_switch;
  struct cell_op *ops;
  size_t n_ops, cap_ops;
  char *hostname; /* NULL: leave */
  char *domainname;
  struct cell_spec_kv *sysctl; /* keys in dotted form, values as written */
  size_t n_sysctl;
  char *cgroup_path; /* cgroupsPath as given (relative or absolute), NULL = default /cell/<id> chosen by
                        caller */
  struct cell_spec_resources *resources; /* NULL when none */
  struct cell_spec_hooks hooks;          /* empty for a sandbox */
  char *personality;                     /* "LINUX" / "LINUX32" or NULL */
  bool has_memory_policy;                /* set_mempolicy(2) of init (the process inherits it) */
  int mempolicy_mode;                    /* MPOL_* */
  unsigned mempolicy_flags;              /* MPOL_F_* mode flags */
  char *mempolicy_nodes;                 /* "0-3,7", NULL: no nodes */
  char *mount_label;                     /* SELinux context of the container's own mounts, NULL: none */
  struct cell_spec_kv *net_devices;      /* host interface -> name in the container's network namespace */
  size_t n_net_devices;
  bool intel_rdt;     /* linux.intelRdt is set (cell has no resctrl support: refused) */
  char *time_offsets; /* /proc/self/timens_offsets content for a new time namespace, or NULL */
  struct cell_plan_process process;
  /* image roots (issue 4): overlay upper dir for ROOT_IMAGE (NULL = tmpfs), tmpfs size string */
  char *image_upper;
  char *image_tmpfs_size;
  struct cell_plan_sandbox *sandbox; /* the sandbox front-end's settings; NULL for OCI plans */
};

/* What only a sandbox (bwrap's command line, mkosi-sandbox's extras) asks of the executor. Fds are numbers
   the caller passed (inherited, never opened by the compiler); -1 = none. */
struct cell_plan_sandbox
{
  /* the process (also: process.args, env after --setenv/--unsetenv/--clearenv, uid/gid, caps) */
  char *argv0;            /* argv[0] for the command instead of args[0] (--argv0); NULL = args[0] */
  char **cwd_fallbacks;   /* no --chdir: first of these that exists in the sandbox, else "/"; PWD = it */
  bool new_session;       /* setsid() (--new-session) */
  bool die_with_parent;   /* PR_SET_PDEATHSIG SIGKILL for the init and the command (--die-with-parent) */
  bool as_pid_1;          /* the command itself is pid 1 of the new pid namespace (--as-pid-1) */
  bool reaper;            /* an init runs the command as its child, reaps, forwards signals, exits with it */
  bool bwrap_exec_errors; /* invoked as bwrap: a failed exec exits 1 ("execvp CMD: ..."), else 127/126 */
  bool suspend;           /* SIGSTOP itself just before execve (mkosi --suspend) */
  bool pack_fds;          /* inherited fds moved to 3.. and LISTEN_FDS/LISTEN_PID set (mkosi --pack-fds) */
  bool suppress_chown;    /* seccomp: chown calls return 0 and do nothing (mkosi --suppress-chown) */
  bool suppress_sync;     /* seccomp: sync calls return 0 and do nothing (mkosi --suppress-sync) */
  /* namespaces (also: ns[], uid_map/gid_map of the first user namespace, hostname) */
  unsigned ns_try; /* bit 1<<enum cell_ns_type: ns[t].create only if the kernel allows (--unshare-*-try) */
  bool setgroups_deny;  /* write "deny" to setgroups before gid_map (a user namespace cell creates) */
  char *nested_uid_map; /* after the root switch, a second user namespace with these maps; NULL = none */
  char *nested_gid_map;
  bool disable_userns; /* user.max_user_namespaces=1 before the nested user namespace (--disable-userns) */
  bool assert_userns_disabled; /* fail unless unshare(CLONE_NEWUSER) fails in the sandbox */
  int userns_fd;               /* setns to this user namespace before creating the others (--userns) */
  int userns2_fd;              /* setns to this user namespace after the root switch (--userns2) */
  int pidns_fd; /* setns to this pid namespace; a new one inside it with ns[PID].create (--pidns) */
  /* control fds and files */
  int sync_fd;         /* kept open (by the init) while the sandbox runs (--sync-fd) */
  int block_fd;        /* read one byte before exec (--block-fd) */
  int userns_block_fd; /* read one byte before the user namespace is used; maps are the caller's */
  int info_fd;         /* {"child-pid": N, "<ns>-namespace": ID...} written when the child exists */
  int json_status_fd;  /* the same as one JSON line, then {"exit-code": N} (bwrap --json-status-fd) */
  int *seccomp_fds;    /* compiled BPF programs (struct sock_fprog data) loaded in this order */
  size_t n_seccomp_fds;
  char **lock_files; /* paths in the sandbox the init holds a read lock on (--lock-file) */
  char *exec_label;  /* SELinux label for the command (--exec-label) */
  char *file_label;  /* SELinux label for the sandbox's tmpfs mounts (--file-label) */
};

/* Mode for the missing parents of an op's dest, as bwrap makes them: 0755, but without group r-x when
   the op's `mode` (CELL_OPF_MODE) gives the group nothing, likewise for others. */
mode_t cell_op_parent_mode (const struct cell_op *op);

struct cell_plan *cell_plan_new (void);
void cell_plan_free (struct cell_plan *plan);
/* Frees what `p` owns and zeroes it. */
void cell_plan_process_clear (struct cell_plan_process *p);
/* Appends a zeroed op of `kind` and returns it (owned by the plan; strings set by the caller must be
   heap-allocated). */
struct cell_op *cell_plan_add (struct cell_plan *plan, enum cell_op_kind kind);
/* The text dump (one op per line, then namespaces and process), as `cell --debug` logs it and the
   golden tests compare. Caller frees. */
char *cell_plan_dump (const struct cell_plan *plan);
const char *cell_op_kind_name (enum cell_op_kind kind);

/* OCI front-end compiler: a spec that passed cell_spec_validate -> a plan. `bundle` is the absolute bundle
   dir (root.path and relative mount sources are relative to it). Only translates: no syscalls, no
   refusals (every refusal lives in spec-validate.c), so it cannot fail. Caller frees. */
struct cell_plan_oci_opts
{
  const char *bundle;
  bool no_pivot;
  bool root_image; /* root.path names a squashfs image (the caller looked; the compiler does not) */
  const char *session_keyring; /* the process's session keyring ("_ses.ID", as runc); NULL: the caller's */
};
struct cell_plan *cell_plan_from_oci (const struct cell_spec *spec, const struct cell_plan_oci_opts *opts);
/* The same translation for one process (`exec --process`, or the config's process that `exec` starts
   from); `seccomp` (the container's profile, may be NULL) is copied in. */
void cell_plan_process_from_oci (const struct cell_spec_process *sp, const struct cell_spec_seccomp *seccomp,
                                 struct cell_plan_process *p);
/* The settings of /linux that every process of the container takes (`exec`'s too): personality and memory
   policy, into `plan`. */
void cell_plan_linux_process_from_oci (const struct cell_spec_linux *l, struct cell_plan *plan);

#endif
