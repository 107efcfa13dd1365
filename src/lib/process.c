/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* process.c: the container process's final setup in init: executable lookup, rlimits, oom score,
   personality, I/O priority, scheduler, memory policy, LSM labels, cpu affinity (exec), user and groups,
   capabilities, umask, no_new_privs, seccomp, close-on-exec of runtime fds, execve. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>
#include "caps.h"
#include "fd-util.h"
#include "hooks.h"
#include "lsm.h"
#include "names.h"
#include "process.h"
#include "sealed-exe.h"
#include "sysattr.h"
#include "xalloc.h"

static const char *
env_get (char *const *env, const char *key)
{
  size_t n = strlen (key);
  for (size_t i = 0; env && env[i]; i++)
    if (strncmp (env[i], key, n) == 0 && env[i][n] == '=')
      return env[i] + n + 1;
  return NULL;
}

static int
check_exec (const char *path, struct cell_error **err)
{
  struct stat st;
  if (stat (path, &st) < 0)
    {
      /* the words podman maps to exit codes 127 and 126 */
      if (errno == ENOENT || errno == ENOTDIR)
        return cell_err_as (err, ENOENT, "exec `%s`: no such file or directory", path);
      if (errno == EACCES)
        return cell_err_as (err, EACCES, "exec `%s`: permission denied", path);
      return cell_err_errno (err, "exec `%s`", path);
    }
  if (S_ISDIR (st.st_mode))
    return cell_err (err, EACCES, "exec `%s`: is a directory: permission denied", path);
  if (access (path, X_OK) < 0 && (st.st_mode & 0111) == 0)
    return cell_err (err, EACCES, "exec `%s`: permission denied", path);
  return 0;
}

int
cell_process_find_exec (const struct cell_plan_process *p, char **out, struct cell_error **err)
{
  const char *arg0 = p->args[0], *path;
  if (strchr (arg0, '/'))
    {
      if (check_exec (arg0, err) < 0)
        return -1;
      *out = xstrdup (arg0);
      return 0;
    }
  path = env_get (p->env, "PATH");
  if (!path)
    path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const char *s = path;;)
    {
      const char *e = strchrnul (s, ':');
      cleanup_free char *cand = xasprintf ("%.*s%s%s", (int)(e - s), s, e == s ? "" : "/", arg0);
      struct stat st;
      if (stat (cand, &st) == 0 && S_ISREG (st.st_mode) && (st.st_mode & 0111))
        {
          *out = steal_ptr (&cand);
          return 0;
        }
      if (!*e)
        break;
      s = e + 1;
    }
  return cell_err (err, 0, "exec: `%s`: executable file not found in $PATH: no such file or directory", arg0);
}

/* The key permission its owner needs to find a keyring by name (linux/key.h, not in the uapi headers). */
#define KEY_USR_SEARCH 0x00080000u

/* A session keyring of the container's own instead of the caller's (runc's default, --no-new-keyring
   keeps the caller's): joined by name, so `exec` joins the one `create` made; its owner may search it,
   which is what finding it by name takes. */
static int
join_session_keyring (const char *name, struct cell_error **err)
{
  char desc[512];
  unsigned perm;
  const char *s = desc;
  long key = syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name, 0, 0, 0);
  if (key < 0)
    {
      /* best effort, as in runc: a kernel without keys, or keyctl forbidden by the caller's own seccomp
         profile (Docker's), leaves the caller's keyring */
      if (errno == ENOSYS || errno == EPERM)
        return 0;
      return cell_err_errno (err, "join the session keyring `%s`", name);
    }
  /* "keyring;UID;GID;PERM;NAME" */
  if (syscall (SYS_keyctl, KEYCTL_DESCRIBE, key, desc, sizeof (desc) - 1, 0) < 0)
    return cell_err_errno (err, "describe the session keyring `%s`", name);
  desc[sizeof (desc) - 1] = '\0';
  for (int i = 0; i < 3 && s; i++)
    s = strchr (s, ';') ? strchr (s, ';') + 1 : NULL;
  if (!s || sscanf (s, "%x", &perm) != 1)
    return cell_err (err, 0, "session keyring `%s`: unexpected description `%s`", name, desc);
  if (syscall (SYS_keyctl, KEYCTL_SETPERM, key, perm | KEY_USR_SEARCH, 0, 0) < 0)
    return cell_err_errno (err, "set the permissions of the session keyring `%s`", name);
  return 0;
}

/* "0-3,7" -> a set of the numbers (cpus or memory nodes) below `max`; false on syntax or range. */
static bool
parse_list (const char *list, unsigned long *bits, size_t max)
{
  const char *s = list;
  memset (bits, 0, max / 8);
  while (*s)
    {
      char *end;
      unsigned long a = strtoul (s, &end, 10), b = a;
      if (end == s)
        return false;
      if (*end == '-')
        {
          s = end + 1;
          b = strtoul (s, &end, 10);
          if (end == s || b < a)
            return false;
        }
      if (b >= max)
        return false;
      for (unsigned long i = a; i <= b; i++)
        bits[i / (8 * sizeof (long))] |= 1UL << (i % (8 * sizeof (long)));
      s = end;
      if (*s == ',')
        s++;
      else if (*s)
        return false;
    }
  return true;
}

int
cell_process_set_affinity (const char *cpus, const char *what, struct cell_error **err)
{
  cpu_set_t set;
  unsigned long bits[CPU_SETSIZE / (8 * sizeof (long))];
  if (!cpus)
    return 0;
  if (!parse_list (cpus, bits, CPU_SETSIZE))
    return cell_err (err, 0, "%s: cpu list `%s` out of range", what, cpus);
  CPU_ZERO (&set);
  for (int i = 0; i < CPU_SETSIZE; i++)
    if (bits[i / (8 * sizeof (long))] & (1UL << (i % (8 * sizeof (long)))))
      CPU_SET (i, &set);
  if (sched_setaffinity (0, sizeof (set), &set) < 0)
    return cell_err_errno (err, "%s: sched_setaffinity `%s`", what, cpus);
  return 0;
}

/* config.md "ioPriority": ioprio_set(2) of the process (the RT class needs CAP_SYS_ADMIN: before the
   identity) */
static int
set_io_priority (const struct cell_plan_process *p, struct cell_error **err)
{
  int value = (p->io_priority_class << IOPRIO_CLASS_SHIFT) | p->io_priority_level;
  if (syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
    return cell_err_errno (err, "ioprio_set %s %d", cell_ioprio_class_name (p->io_priority_class),
                           p->io_priority_level);
  return 0;
}

/* sched_setattr(2)'s argument, its first version (SCHED_ATTR_SIZE_VER0: <linux/sched/types.h> clashes with
   <sched.h>) */
struct sched_attr_v0
{
  uint32_t size, sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
};

/* config.md "scheduler": sched_setattr(2) (real-time policies need CAP_SYS_NICE: before the identity) */
static int
set_scheduler (const struct cell_plan_process *p, struct cell_error **err)
{
  struct sched_attr_v0 attr = {
    .size = sizeof (attr),
    .sched_policy = (uint32_t)p->sched_policy,
    .sched_flags = p->sched_flags,
    .sched_nice = p->sched_nice,
    .sched_priority = p->sched_priority,
    .sched_runtime = p->sched_runtime,
    .sched_deadline = p->sched_deadline,
    .sched_period = p->sched_period,
  };
  if (syscall (SYS_sched_setattr, 0, &attr, 0) < 0)
    return cell_err_errno (err, "sched_setattr %s (nice %d, priority %u)",
                           cell_sched_policy_name (p->sched_policy), p->sched_nice,
                           (unsigned)p->sched_priority);
  return 0;
}

/* config-linux.md "Memory policy": set_mempolicy(2); the process inherits it across execve */
static int
set_memory_policy (const struct cell_plan *plan, struct cell_error **err)
{
  enum
  {
    MAX_NODES = 1024
  };
  unsigned long mask[MAX_NODES / (8 * sizeof (long))];
  const char *nodes = plan->mempolicy_nodes;
  const char *mode = cell_mempolicy_mode_name (plan->mempolicy_mode);
  if (nodes && !parse_list (nodes, mask, MAX_NODES))
    return cell_err (err, 0, "set_mempolicy %s: node list `%s` out of range", mode, nodes);
  /* maxnode counts one more than the bits the kernel reads */
  if (syscall (SYS_set_mempolicy, plan->mempolicy_mode | (int)plan->mempolicy_flags, nodes ? mask : NULL,
               nodes ? (unsigned long)MAX_NODES + 1 : 0UL)
      < 0)
    return cell_err_errno (err, "set_mempolicy %s nodes `%s` flags 0x%x", mode, nodes ? nodes : "",
                           plan->mempolicy_flags);
  return 0;
}

int
cell_process_setup_limits (const struct cell_plan *plan, int proc_dfd, struct cell_error **err)
{
  const struct cell_plan_process *p = &plan->process;
  cleanup_close int own_proc = -1;
  if (p->session_keyring && join_session_keyring (p->session_keyring, err) < 0)
    return -1;
  for (size_t i = 0; i < p->n_rlimits; i++)
    {
      struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };
      if (setrlimit ((__rlimit_resource_t)p->rlimits[i].resource, &rl) < 0)
        return cell_err_errno (err, "setrlimit %d (soft %llu, hard %llu)", p->rlimits[i].resource,
                               (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
    }
  if (p->has_oom_score_adj)
    {
      char buf[16];
      cleanup_close int own = -1;
      snprintf (buf, sizeof (buf), "%d", p->oom_score_adj);
      /* through a verified procfs: the container's, or (without one) a fresh look at /proc, checked */
      if (proc_dfd < 0 && cell_proc_open ("/proc", &own, err) < 0)
        return cell_err_wrap (err, "set oom_score_adj %d", p->oom_score_adj);
      if (cell_proc_write (proc_dfd >= 0 ? proc_dfd : own, "self/oom_score_adj", buf, err) < 0)
        return -1;
    }
  if (plan->personality)
    {
      unsigned long persona = streq (plan->personality, "LINUX32") ? PER_LINUX32 : PER_LINUX;
      if (personality (persona) < 0)
        return cell_err_errno (err, "personality %s", plan->personality);
    }
  if ((p->has_io_priority && set_io_priority (p, err) < 0) || (p->has_scheduler && set_scheduler (p, err) < 0)
      || (plan->has_memory_policy && set_memory_policy (plan, err) < 0))
    return -1;
  /* the LSM labels the execve takes (create checked that the module is active) */
  if ((p->apparmor_profile || p->selinux_label) && proc_dfd < 0
      && cell_proc_open ("/proc", &own_proc, err) < 0)
    return -1;
  return cell_lsm_set_exec (proc_dfd >= 0 ? proc_dfd : own_proc, p->apparmor_profile, p->selinux_label, err);
}

/* The cwd is reached with chdir inside the pivoted root; getcwd then proves it is under that root (a
   path reached through a leaked fd or magic link would read "(unreachable)/..."). */
static int
enter_cwd (const char *cwd, struct cell_error **err)
{
  char buf[PATH_MAX];
  if (chdir (cwd) < 0)
    return cell_err_errno (err, "chdir to cwd `%s`", cwd);
  if (!getcwd (buf, sizeof (buf)) || buf[0] != '/')
    return cell_err (err, 0, "cwd `%s` is outside the container root", cwd);
  return 0;
}

int
cell_process_setup_identity (const struct cell_plan_process *p, struct cell_seccomp *seccomp,
                             struct cell_error **err)
{
  if (enter_cwd (p->cwd, err) < 0)
    return -1;
  if (p->has_caps && cell_caps_drop_bounding (p->cap_bounding, err) < 0)
    return -1;
  /* without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it while we still have it */
  if (seccomp && !p->no_new_privileges && cell_seccomp_load (seccomp, NULL, err) < 0)
    return -1;
  if (setgroups (p->n_additional_gids, p->additional_gids) < 0 && errno != EPERM)
    return cell_err_errno (err, "setgroups");
  if (setresgid (p->gid, p->gid, p->gid) < 0)
    return cell_err_errno (err, "setgid %u", (unsigned)p->gid);
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return cell_err_errno (err, "keep capabilities");
  if (setresuid (p->uid, p->uid, p->uid) < 0)
    return cell_err_errno (err, "setuid %u", (unsigned)p->uid);
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return cell_err_errno (err, "keep capabilities");
  if (p->has_caps
      && cell_caps_set (p->cap_effective, p->cap_permitted, p->cap_inheritable, p->cap_ambient, err) < 0)
    return -1;
  if (p->has_umask)
    umask (p->umask);
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return cell_err_errno (err, "set no_new_privs");
  if (seccomp && p->no_new_privileges && cell_seccomp_load (seccomp, NULL, err) < 0)
    return -1;
  return 0;
}

static int
exec_error (const char *path, struct cell_error **err)
{
  /* keep the words podman maps to exit codes 126/127 */
  if (errno == EACCES)
    return cell_err (err, EACCES, "exec `%s`: permission denied", path);
  if (errno == ENOENT)
    return cell_err (err, ENOENT, "exec `%s`: no such file or directory", path);
  return cell_err_errno (err, "exec `%s`", path);
}

int
cell_process_exec (const struct cell_plan_process *p, const char *path, int preserve_fds, int stub_fd,
                   int sync_fd, struct cell_error **err)
{
  if (preserve_fds >= 0 && cell_close_from (3 + preserve_fds, true) < 0)
    return cell_err_errno (err, "close runtime file descriptors");
  if (stub_fd >= 0)
    cell_exec_stub_exec (stub_fd, sync_fd, path, p->args, p->env);
  else
    execve (path, p->args, p->env);
  return exec_error (path, err);
}

static NORETURN void
tell_start (int conn, const char *msg, int status)
{
  if (write (conn, msg, strlen (msg)) < 0)
    _exit (status);
  _exit (status);
}

int
cell_process_wait_start (const struct cell_plan *plan, const char *path, int start_sock, int preserve_fds,
                         int stub_fd, const char *hook_json, struct cell_error **err)
{
  const struct cell_plan_process *p = &plan->process;
  struct cell_error *e = NULL;
  int conn;

  if (stub_fd >= 0)
    {
      if (cell_close_from (3 + preserve_fds, true) < 0)
        return cell_err_errno (err, "close runtime file descriptors");
      cell_exec_stub_wait (stub_fd, start_sock, path ? path : "", p->present ? p->args : NULL,
                           p->present ? p->env : NULL);
      return cell_err_errno (err, "exec the sealed exec stub");
    }
  /* sealed runtime: nobody reads the setup socket any more; errors go to `start` */
  while ((conn = accept4 (start_sock, NULL, NULL, SOCK_CLOEXEC)) < 0)
    if (errno != EINTR)
      _exit (1);
  close (start_sock);
  if (!path)
    tell_start (conn, "the container has no process to start (config.json: /process)", 1);
  /* runtime.md: startContainer hooks run as part of `start`, in the container, before the process */
  if (plan->hooks.n_start_container
      && cell_hooks_run (plan->hooks.start_container, plan->hooks.n_start_container, hook_json,
                         "startContainer", CELL_HOOKS_STOP, &e)
             < 0)
    tell_start (conn, e->msg, 1);
  cell_process_exec (p, path, preserve_fds, -1, -1, &e);
  tell_start (conn, e ? e->msg : "exec failed", errno == ENOENT ? 127 : 126);
}
