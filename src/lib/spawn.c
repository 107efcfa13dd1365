/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spawn.c: the executor: clones the container's init and walks it through the plan. The only file that
   knows the whole order (the messages are the steps of sync.c's table):

     runtime                                       init
     prepare: the root as a detached mount, image
       roots, image mounts, id-mapped binds
       (prepare.c)
     chdir to the attach dir; clone3(CLONE_NEW*|
       CLONE_PIDFD[|INTO_CGROUP]); chdir back       non-dumpable (rootless: at GO), parent-death signal,
                                                   only its own fds; init_first (create: into its v1
                                                   cgroups by its own hand)
                                             <---- UNSHARED    (namespaces joined by path: setns, unshare)
     id maps (verified procfs, or newuidmap);
     cgroups placed; network devices moved;
     [image root in parts: a helper builds it
      in init's mount namespace]
     GO (fd: the root in parts) ------------->     [a pid namespace joined or unshared: fork; the middle
                                                    exits, init names itself by its credentials]
                                             <---- INIT
                                                   root of its user ns; cgroup ns, time ns, host names;
                                                   the root attached over its working directory (rootless:
                                                   cloned here first); the plan's ops up to PIVOT; sysctls
                                             <---- MOUNTS_DONE (with hooks, or init a grandchild)
     prestart + createRuntime hooks
     HOOKS_DONE (state JSON) ---------------->     createContainer hooks; PIVOT and the ops after it;
                                                   rootfsPropagation on /
                                             <---- PTY (fd: master)
     [console socket: the master goes there]       rlimits, oom score, personality, I/O priority,
                                                   scheduler, memory policy, LSM exec labels; exec lookup;
                                                   the pty becomes stdio (the caller's goes); identity,
                                                   caps, no_new_privs, seccomp
                                             <---- SECCOMP (fd: notify fd)
                                             <---- READY
     (callback: the state written meanwhile)
     wait for EOF (exec done) or ERROR             run: exec the process (through the exec stub)
                                                   create: exec the stub, which waits for `start`; or,
                                                   running sealed, close the socket and wait itself

   Any error in init before READY is an ERROR message and init exits; the runtime then kills and reaps it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "devices.h"
#include "fd-util.h"
#include "fsop.h"
#include "hooks.h"
#include "log.h"
#include "netdev.h"
#include "ns.h"
#include "prepare.h"
#include "process.h"
#include "sandbox-init.h"
#include "sealed-exe.h"
#include "spawn.h"
#include "sync.h"
#include "sysattr.h"
#include "terminal.h"
#include "xalloc.h"

/* What both sides know about this spawn. */
struct spawn
{
  const struct cell_plan *plan;
  const struct cell_spawn_opts *opts;
  struct cell_prepared prep;
  struct cell_sync_shape shape;
  int sock_rt, sock_init; /* the setup socket's two ends */
  int stub_fd;            /* the sealed exec stub (opts->exec_stub), or -1 */
  pid_t child;            /* the cloned process: init, or the middle of a second fork; 0 once reaped */
  bool in_cgroup;         /* CLONE_INTO_CGROUP placed it */
  pid_t init;             /* init, once known */
  int pidfd;              /* init's pidfd */
  int master;             /* the pty master, relayed by the caller */
  int host_proc;          /* a sandbox's: the host's procfs, for a nested user namespace's maps */
  mode_t umask;           /* a sandbox's caller's, restored before the command (setup runs with 0) */
  bool unprivileged; /* the runtime is not root (rootless): init stays dumpable until its maps are written */
  char trace[256];   /* init's phase timestamps ("name=ns ..."), sent with READY under --debug */
  size_t trace_len;
};

/* Init cannot log (its log fd is closed): it notes when each phase ended, and the runtime logs them. */
static void
init_trace (struct spawn *s, const char *phase)
{
  int n;
  if (!cell_log_debug_enabled () || s->trace_len >= sizeof (s->trace))
    return;
  n = snprintf (s->trace + s->trace_len, sizeof (s->trace) - s->trace_len, "%s=%llu ", phase,
                cell_trace_now ());
  if (n > 0)
    s->trace_len += (size_t)n;
}

/* Made with init (clone or its first unshare), or later: a cgroup namespace once init is in its cgroup (a
   sandbox has none of its own: at once), a time namespace once its offsets are written. */
static bool
ns_at_clone (const struct cell_plan *plan, int t)
{
  return t != CELL_NS_TIME && (t != CELL_NS_CGROUP || plan->sandbox);
}

/* ---- init ---------------------------------------------------------------------------------------------- */

static NORETURN void
init_fail (struct cell_sync *sync, struct cell_error *err)
{
  cell_sync_fail (sync->sock, err ? err->msg : "setup failed");
  _exit (127);
}

/* Init starts with nothing of the runtime's but what the plan needs. */
static void
init_start (struct spawn *s)
{
  sigset_t none;
  struct sigaction dfl = { .sa_handler = SIG_DFL };
  int keep[32] = { s->sock_init, s->opts->start_sock, s->stub_fd };
  size_t n = 3 + cell_prepared_fds (&s->prep, keep + 3, ARRAY_SIZE (keep) - 3);

  /* the runtime's memory must not be readable from the container while it is in there (SECURITY row 5);
     an unprivileged runtime can write init's id maps only while init is dumpable (until 0 is mapped, a
     non-dumpable init's /proc files are owned by the host's root): then init waits for GO, as runc does */
  if (!s->unprivileged)
    prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  /* the runtime blocks signals (run forwards them): the container starts with none blocked, all default;
     a sandbox keeps what its caller ignores (`nohup bwrap ...`), as bwrap does (the runtime sets no
     handler of its own) */
  for (int sig = 1; sig < NSIG && !s->plan->sandbox; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      sigaction (sig, &dfl, NULL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  cell_log_close ();
  if (!s->plan->sandbox)
    {
      cell_close_all_except (3 + s->opts->preserve_fds, keep, n);
      return;
    }
  /* a sandbox passes on every fd its caller gave (bwrap does) but the ones the runtime keeps to itself */
  if (s->opts->status_fd >= 0)
    keep[n++] = s->opts->status_fd;
  cell_close_own (keep, n);
  cell_sandbox_init_start (s->plan->sandbox);
  s->umask = umask (0);
  if (s->plan->sandbox->nested_uid_map || s->plan->sandbox->nested_gid_map)
    {
      struct cell_error *err = NULL;
      if (cell_proc_open ("/proc", &s->host_proc, &err) < 0)
        cell_error_freep (&err); /* the nested namespace's step says what is missing */
    }
}

/* Takes `id` (a gid with `gid`), else, where the namespace does not map it (EINVAL), the process's. */
static int
take_id (bool gid, unsigned id, unsigned process_id, struct cell_error **err)
{
  const char *what = gid ? "gid" : "uid";
  int r = gid ? setresgid (id, id, id) : setresuid (id, id, id);
  if (r == 0)
    return 0;
  if (errno != EINVAL)
    return cell_err_errno (err, "become root in the user namespace: set%s %u", what, id);
  r = gid ? setresgid (process_id, process_id, process_id) : setresuid (process_id, process_id, process_id);
  if (r == 0)
    return 0;
  if (errno != EINVAL)
    return cell_err_errno (err, "set%s %u in the user namespace", what, process_id);
  return cell_err (err, 0,
                   "config.json: /process/user/%s: %u is not mapped in the user namespace (nor is %s 0)",
                   what, process_id, what);
}

/* In a new or joined user namespace our host ids are unmapped until we take ids of the namespace: without
   that, every file we create would fail with EOVERFLOW. Its root where container id 0 is mapped, else the
   process's own ids (runtime-spec does not require id 0 to be mapped). The capabilities stay either way:
   the creator or joiner of a user namespace holds all of them in it whatever its ids, and setresuid only
   clears them on leaving the namespace's uid 0, which does not exist there. */
static int
init_userns_ids (const struct cell_plan_process *p, struct cell_error **err)
{
  if (take_id (true, 0, p->gid, err) < 0 || take_id (false, 0, p->uid, err) < 0)
    return -1;
  return 0;
}

/* Namespaces init makes itself, the image root built in parts, and the second fork into a pid namespace. */
static int
init_namespaces (struct spawn *s, struct cell_sync *sync, struct cell_fsop_ctx *fs, struct cell_error **err)
{
  const struct cell_plan *plan = s->plan;

  if (s->shape.unshared)
    {
      int flags = 0;
      if (cell_sandbox_init_join (plan->sandbox, err) < 0 || cell_ns_join_paths (plan->ns, err) < 0)
        return -1;
      for (int t = 0; t < CELL_NS_COUNT; t++)
        if (plan->ns[t].create && ns_at_clone (plan, t))
          flags |= cell_ns_clone_flag ((enum cell_ns_type)t);
      /* a pid namespace inside a joined one: made once in there, after the fork */
      if (plan->sandbox && plan->sandbox->pidns_fd >= 0)
        flags &= ~CLONE_NEWPID;
      if (flags && unshare (flags) < 0)
        return cell_err_errno (err, "create namespaces");
      if (cell_sync_send (sync, CELL_SYNC_UNSHARED, NULL, -1, err) < 0)
        return -1;
    }
  if (cell_sync_recv (sync, CELL_SYNC_GO, NULL, &fs->image_root_fd, NULL, err) < 0)
    return -1;
  if (s->unprivileged)
    prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (s->shape.init_pid)
    {
      pid_t pid = fork ();
      if (pid < 0)
        return cell_err_errno (err, "fork into the pid namespace");
      if (pid > 0)
        _exit (0); /* the middle says nothing: init names itself */
      if (cell_sandbox_init_nested_pidns (plan, err) < 0)
        return -1;
      if (cell_sync_send (sync, CELL_SYNC_INIT, NULL, -1, err) < 0)
        return -1;
    }
  if ((plan->ns[CELL_NS_USER].create || plan->ns[CELL_NS_USER].path)
      && init_userns_ids (&plan->process, err) < 0)
    return -1;
  if (plan->ns[CELL_NS_CGROUP].create && !ns_at_clone (plan, CELL_NS_CGROUP) && unshare (CLONE_NEWCGROUP) < 0)
    return cell_err_errno (err, "create cgroup namespace");
  if (plan->ns[CELL_NS_TIME].create && cell_ns_create_time (plan->time_offsets, err) < 0)
    return -1;
  if (cell_sysattr_set_names (plan->hostname, plan->domainname, err) < 0)
    return -1;
  init_trace (s, "namespaces");
  return 0;
}

/* What a phase of the trace calls an op. */
static const char *
op_phase (enum cell_op_kind k)
{
  switch (k)
    {
    case CELL_OP_DEV_DEFAULT:
    case CELL_OP_DEVICE:
      return "devices";
    case CELL_OP_PIVOT:
      return "pivot";
    case CELL_OP_MASK:
    case CELL_OP_READONLY:
    case CELL_OP_REMOUNT_RO:
      return "masks";
    default:
      return "mounts";
    }
}

/* The ops in [from, to) of the plan, traced by phase. */
static int
init_ops (struct spawn *s, struct cell_fsop_ctx *fs, size_t from, size_t to, struct cell_error **err)
{
  for (size_t i = from; i < to; i++)
    {
      if (cell_fsop_execute (fs, &fs->plan->ops[i], err) < 0)
        return -1;
      if (i + 1 == to || op_phase (fs->plan->ops[i + 1].kind) != op_phase (fs->plan->ops[i].kind))
        init_trace (s, op_phase (fs->plan->ops[i].kind));
    }
  return 0;
}

static size_t
pivot_index (const struct cell_plan *plan)
{
  size_t i = 0;
  while (i < plan->n_ops && plan->ops[i].kind != CELL_OP_PIVOT)
    i++;
  return i;
}

/* Mounts, hooks around the root switch, and the switch itself. */
static int
init_filesystem (struct spawn *s, struct cell_sync *sync, struct cell_fsop_ctx *fs, char **hook_json,
                 struct cell_error **err)
{
  const struct cell_plan *plan = s->plan;
  size_t pivot = pivot_index (plan);

  /* masks bind the host's /dev/null (a sandbox has none) */
  if ((!plan->sandbox && cell_devices_clone_null (&fs->devnull_fd, err) < 0)
      || init_ops (s, fs, 0, pivot, err) < 0)
    return -1;
  /* before readonlyPaths make /proc/sys read-only */
  if (cell_sysattr_set_sysctls (plan->sysctl, plan->n_sysctl, fs->proc_dfd, err) < 0)
    return -1;
  if (s->shape.hooks
      && (cell_sync_send (sync, CELL_SYNC_MOUNTS_DONE, NULL, -1, err) < 0
          || cell_sync_recv (sync, CELL_SYNC_HOOKS_DONE, hook_json, NULL, NULL, err) < 0))
    return -1;
  if (plan->hooks.n_create_container
      && cell_hooks_run (plan->hooks.create_container, plan->hooks.n_create_container, *hook_json,
                         "createContainer", CELL_HOOKS_STOP, err)
             < 0)
    return -1;
  if (init_ops (s, fs, pivot, plan->n_ops, err) < 0
      || (pivot < plan->n_ops && cell_fsop_root_propagation (fs, err) < 0)
      || cell_sandbox_init_after_root (plan, fs->proc_dfd >= 0 ? fs->proc_dfd : s->host_proc, err) < 0)
    return -1;
  cell_closep (&s->host_proc);
  if (s->shape.pty && cell_sync_send (sync, CELL_SYNC_PTY, NULL, fs->console_master, err) < 0)
    return -1;
  cell_closep (&fs->console_master);
  return 0;
}

/* A filter with SCMP_ACT_NOTIFY rules: loaded here, and its listener sent at once (the load and the one
   sendmsg, nothing between: until the agent has it, nobody answers a notified call). Without no_new_privs
   loading needs CAP_SYS_ADMIN, so before the identity; with it, after, as late as possible. */
static int
init_notify_filter (struct spawn *s, struct cell_sync *sync, struct cell_error **err)
{
  int nfd = -1;
  if (cell_seccomp_load (s->opts->seccomp, &nfd, err) < 0)
    return -1;
  if (cell_sync_send_fd_now (sync, CELL_SYNC_SECCOMP, nfd) < 0)
    return cell_err_errno (err, "send the seccomp listener");
  close (nfd);
  return 0;
}

/* The process: everything that can fail, so that `create` fails rather than `start` (runtime.md). */
static int
init_process (struct spawn *s, struct cell_sync *sync, struct cell_fsop_ctx *fs, char **exe,
              struct cell_error **err)
{
  bool nnp = s->plan->process.no_new_privileges;
  const struct cell_plan_process *p = &s->plan->process;

  if (cell_process_setup_limits (s->plan, fs->proc_dfd, err) < 0)
    return -1;
  if (!p->present)
    return 0;
  if (cell_process_find_exec (p, exe, err) < 0)
    return -1;
  /* the pty becomes stdio: nothing of the caller's stays open in init (a shim waits for its EOF). Without
     one, a session of its own all the same (runc's nsexec does it for every process): a terminal of the
     caller's passed on as stdio is then not the process's controlling terminal, and TIOCSTI into it
     needs CAP_SYS_ADMIN (SECURITY.md row 23) */
  if (fs->console_fd >= 0
      && cell_pty_make_controlling (steal_fd (&fs->console_fd), p->console_rows, p->console_cols, err) < 0)
    return -1;
  if (!p->terminal && setsid () < 0)
    return cell_err_errno (err, "setsid");
  for (int fd = 3; fd < 3 + s->opts->preserve_fds; fd++)
    {
      int fl = fcntl (fd, F_GETFD);
      if (fl >= 0)
        fcntl (fd, F_SETFD, fl & ~FD_CLOEXEC);
    }
  /* nothing of the setup is open any more when the process's cwd is entered (SECURITY row 3) */
  cell_fsop_ctx_release (fs);
  cell_prepared_release (&s->prep);
  if (s->shape.seccomp_notify && !nnp && init_notify_filter (s, sync, err) < 0)
    return -1;
  if (cell_process_setup_identity (p, s->shape.seccomp_notify ? NULL : s->opts->seccomp, err) < 0)
    return -1;
  if (s->shape.seccomp_notify && nnp && init_notify_filter (s, sync, err) < 0)
    return -1;
  init_trace (s, "identity");
  return 0;
}

/* A sandbox's command, as bwrap starts it (sandbox-init.c has the details): no hooks, no pty, the caller's
   fds passed on, the caller's umask back, its seccomp programs last. */
static NORETURN void
init_sandbox (struct spawn *s, struct cell_sync *sync, struct cell_fsop_ctx *fs)
{
  struct cell_error *err = NULL;
  struct cell_sandbox_proc sp = { 0 };
  const struct cell_plan *plan = s->plan;

  if (cell_process_setup_limits (plan, fs->proc_dfd, &err) < 0)
    init_fail (sync, err);
  cell_fsop_ctx_release (fs);
  cell_prepared_release (&s->prep);
  if (cell_sandbox_init_process (plan, &sp, &err) < 0)
    init_fail (sync, err);
  umask (s->umask);
  if (cell_process_setup_identity (&sp.p, NULL, &err) < 0)
    init_fail (sync, err);
  for (size_t i = 0; i < s->opts->n_filters; i++)
    if (cell_seccomp_load (s->opts->filters[i], NULL, &err) < 0)
      init_fail (sync, err);
  init_trace (s, "identity");
  s->trace[s->trace_len < sizeof (s->trace) ? s->trace_len : sizeof (s->trace) - 1] = '\0';
  if (cell_sync_send (sync, CELL_SYNC_READY, s->trace, -1, &err) < 0)
    init_fail (sync, err);
  cell_sandbox_init_exec (plan, &sp, s->stub_fd, s->opts->status_fd);
}

static NORETURN void
init_main (struct spawn *s)
{
  struct cell_error *err = NULL;
  struct cell_sync sync;
  struct cell_fsop_ctx fs;
  cleanup_free char *hook_json = NULL;
  cleanup_free char *exe = NULL;

  init_start (s);
  cell_sync_init (&sync, s->sock_init, &s->shape);
  if (s->opts->cb.init_first && s->opts->cb.init_first (s->opts->cb.userdata, &err) < 0)
    init_fail (&sync, err);
  cell_fsop_ctx_init (&fs, s->plan, &s->prep);
  fs.in_userns = s->plan->ns[CELL_NS_USER].create || s->plan->ns[CELL_NS_USER].path;
  fs.own_cgroupns = s->plan->ns[CELL_NS_CGROUP].create || s->plan->ns[CELL_NS_CGROUP].path;
  fs.cgroups = s->opts->cgroup_mounts;
  fs.n_cgroups = s->opts->n_cgroup_mounts;
  if (init_namespaces (s, &sync, &fs, &err) < 0 || init_filesystem (s, &sync, &fs, &hook_json, &err) < 0)
    init_fail (&sync, err);
  if (s->plan->sandbox)
    init_sandbox (s, &sync, &fs);
  if (init_process (s, &sync, &fs, &exe, &err) < 0)
    init_fail (&sync, err);
  /* from here on init outlives `cell create` */
  prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0);
  cell_fsop_ctx_release (&fs);
  cell_prepared_release (&s->prep);
  s->trace[s->trace_len < sizeof (s->trace) ? s->trace_len : sizeof (s->trace) - 1] = '\0';
  if (cell_sync_send (&sync, CELL_SYNC_READY, s->trace, -1, &err) < 0)
    init_fail (&sync, err);
  if (s->opts->end == CELL_SPAWN_EXEC)
    {
      /* runtime.md: startContainer hooks run before the process, in the container, with its identity */
      const struct cell_spec_hooks *h = &s->plan->hooks;
      if (h->n_start_container
          && cell_hooks_run (h->start_container, h->n_start_container, hook_json, "startContainer",
                             CELL_HOOKS_STOP, &err)
                 < 0)
        init_fail (&sync, err);
      cell_process_exec (&s->plan->process, exe, s->opts->preserve_fds, s->stub_fd, s->sock_init, &err);
    }
  else
    {
      /* running sealed, init waits itself: the runtime reads nothing more (EOF now) */
      if (s->stub_fd < 0)
        close (s->sock_init);
      cell_process_wait_start (s->plan, exe, s->opts->start_sock, s->opts->preserve_fds, s->stub_fd,
                               hook_json, &err);
    }
  init_fail (&sync, err);
}

/* ---- runtime ------------------------------------------------------------------------------------------- */

static void
spawn_release (struct spawn *s)
{
  if (s->init > 0)
    {
      /* not reaped by us unless it is our child or we are its subreaper: a kill through the pidfd never hits
         a recycled pid */
      if (s->pidfd < 0 || syscall (SYS_pidfd_send_signal, s->pidfd, SIGKILL, NULL, 0) < 0)
        kill (s->init, SIGKILL);
      while (waitpid (s->init, NULL, __WALL) < 0 && errno == EINTR)
        ;
    }
  if (s->child > 0 && s->child != s->init)
    {
      kill (s->child, SIGKILL);
      while (waitpid (s->child, NULL, __WALL) < 0 && errno == EINTR)
        ;
    }
  cell_closep (&s->pidfd);
  cell_closep (&s->master);
  cell_closep (&s->sock_rt);
  cell_closep (&s->sock_init);
  cell_closep (&s->stub_fd);
  cell_closep (&s->host_proc);
  cell_prepared_release (&s->prep);
}
#define cleanup_spawn __attribute__ ((cleanup (spawn_release)))

/* Above the --preserve-fds range, close-on-exec. */
static int
lift_fd (int fd, int min)
{
  int hi;
  if (fd < 0 || fd >= min)
    return fd;
  hi = fcntl (fd, F_DUPFD_CLOEXEC, min);
  close (fd);
  return hi;
}

static int
spawn_prepare (struct spawn *s, struct cell_error **err)
{
  const struct cell_plan *plan = s->plan;
  struct cell_prepare_opts po = { .rootfs_fd = s->opts->rootfs_fd, .force_mount2 = s->opts->force_mount2 };
  int sv[2], min = 3 + s->opts->preserve_fds;

  for (int t = 0; t < CELL_NS_COUNT; t++)
    s->shape.unshared |= plan->ns[t].path != NULL;
  /* a sandbox's namespaces given as fds are joined first, by init */
  if (plan->sandbox)
    s->shape.unshared |= plan->sandbox->userns_fd >= 0 || plan->sandbox->pidns_fd >= 0;
  s->shape.init_pid = s->shape.unshared
                      && (plan->ns[CELL_NS_PID].create || plan->ns[CELL_NS_PID].path
                          || (plan->sandbox && plan->sandbox->pidns_fd >= 0));
  s->shape.pty = plan->process.present && plan->process.terminal;
  s->shape.seccomp_notify = plan->process.present && cell_seccomp_has_notify (s->opts->seccomp);
  s->shape.hooks = plan->hooks.n_prestart || plan->hooks.n_create_runtime || plan->hooks.n_create_container
                   || plan->hooks.n_start_container || s->shape.init_pid;
  s->unprivileged = geteuid () != 0;
  if (cell_prepare (plan, &po, &s->prep, err) < 0)
    return -1;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return cell_err_errno (err, "socketpair");
  s->sock_rt = sv[0];
  s->sock_init = lift_fd (sv[1], min);
  if (s->sock_init < 0)
    return cell_err_errno (err, "setup socket");
  if (cell_sync_runtime_end (s->sock_rt, err) < 0)
    return -1;
  if (s->opts->exec_stub)
    {
      s->stub_fd = lift_fd (cell_exec_stub_open (err), min);
      if (s->stub_fd < 0)
        return cell_err_errno (err, "the exec stub");
    }
  return 0;
}

static pid_t
clone_init (uint64_t flags, int cgroup_dfd, int *pidfd, bool *in_cgroup)
{
  struct clone_args ca = {
    .flags = flags | CLONE_PIDFD,
    .pidfd = (uint64_t)(uintptr_t)pidfd,
    .exit_signal = SIGCHLD,
  };
  pid_t pid;
  if (cgroup_dfd >= 0)
    {
      ca.flags |= CLONE_INTO_CGROUP;
      ca.cgroup = (uint64_t)cgroup_dfd;
    }
  *in_cgroup = cgroup_dfd >= 0;
  pid = (pid_t)syscall (SYS_clone3, &ca, sizeof (ca));
  if (pid < 0 && cgroup_dfd >= 0
      && (errno == EINVAL || errno == E2BIG || errno == EOPNOTSUPP || errno == EBUSY || errno == EACCES
          || errno == EPERM || errno == ENOENT))
    {
      /* kernel or cgroup refuses CLONE_INTO_CGROUP: clone plainly, the placed callback moves it */
      ca.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
      ca.cgroup = 0;
      *in_cgroup = false;
      pid = (pid_t)syscall (SYS_clone3, &ca, sizeof (ca));
    }
  return pid;
}

/* Init is cloned with the attach dir as its working directory: the kernel carries that into the new mount
   namespace, where init attaches the root over it without resolving any path. */
static int
spawn_clone (struct spawn *s, struct cell_error **err)
{
  const struct cell_plan *plan = s->plan;
  cleanup_close int cwd = -1;
  uint64_t flags = 0;
  int e;

  for (int t = 0; t < CELL_NS_COUNT; t++)
    if (plan->ns[t].create && ns_at_clone (plan, t))
      flags |= (uint64_t)cell_ns_clone_flag ((enum cell_ns_type)t);
  /* a sandbox builds its root on a tmpfs of its own: nothing to attach */
  if (plan->root_switch != CELL_ROOT_CHROOT && !plan->sandbox)
    {
      if (!s->opts->attach_dir)
        return cell_err (err, 0, "no directory to attach the container's root on");
      if ((cwd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 || chdir (s->opts->attach_dir) < 0)
        return cell_err_errno (err, "chdir `%s`", s->opts->attach_dir);
    }
  s->child = clone_init (s->shape.unshared ? 0 : flags, s->opts->cgroup_dfd, &s->pidfd, &s->in_cgroup);
  if (s->child < 0 && errno == ENOSYS)
    {
      /* no clone3: a plain fork, namespaces by unshare in init */
      s->shape.unshared = true;
      s->shape.init_pid = plan->ns[CELL_NS_PID].create || plan->ns[CELL_NS_PID].path
                          || (plan->sandbox && plan->sandbox->pidns_fd >= 0);
      s->shape.hooks |= s->shape.init_pid;
      s->in_cgroup = false;
      s->child = fork ();
    }
  if (s->child == 0)
    init_main (s);
  e = errno;
  if (cwd >= 0 && fchdir (cwd) < 0)
    cell_warn ("return to the working directory: %m");
  if (s->child < 0)
    {
      s->child = 0;
      errno = e;
      return cell_err_errno (err, "clone container init");
    }
  cell_trace ("clone");
  cell_closep (&s->sock_init);
  cell_closep (&s->stub_fd);
  if (!s->shape.init_pid)
    s->init = s->child;
  return 0;
}

/* After clone: ids, cgroups, the image root in parts, GO, and init's pid after a second fork. */
static int
spawn_place (struct spawn *s, struct cell_sync *sync, struct cell_error **err)
{
  const struct cell_plan *plan = s->plan;
  cleanup_close int root = -1;
  cleanup_close int proc = -1;

  if (s->shape.unshared && cell_sync_recv (sync, CELL_SYNC_UNSHARED, NULL, NULL, NULL, err) < 0)
    return -1;
  if (plan->ns[CELL_NS_USER].create
      && (cell_proc_open ("/proc", &proc, err) < 0
          || (plan->sandbox && plan->sandbox->setgroups_deny && !s->unprivileged
              && cell_ns_deny_setgroups (proc, s->child, err) < 0)
          || cell_ns_write_maps (proc, s->child, plan->uid_map, plan->gid_map, s->unprivileged, err) < 0))
    return -1;
  if (s->opts->cb.placed && s->opts->cb.placed (s->opts->cb.userdata, s->child, s->in_cgroup, err) < 0)
    return -1;
  if (cell_netdev_move (plan, s->child, err) < 0)
    return -1;
  cell_trace ("placed");
  if (cell_prepare_build_in (&s->prep, s->child, s->opts->attach_dir, &root, err) < 0
      || cell_sync_send (sync, CELL_SYNC_GO, NULL, root, err) < 0)
    return -1;
  if (!s->shape.init_pid)
    return 0;
  if (cell_sync_recv (sync, CELL_SYNC_INIT, NULL, NULL, &s->init, err) < 0)
    return -1;
  if (s->init <= 0)
    return cell_err (err, 0, "setup protocol: INIT came without the sender's pid");
  while (waitpid (s->child, NULL, 0) < 0 && errno == EINTR)
    ;
  s->child = 0;
  cell_closep (&s->pidfd);
  s->pidfd = (int)syscall (SYS_pidfd_open, s->init, 0);
  return 0;
}

/* Init's phases, logged in the runtime's log. */
static void
log_init_trace (char *trace)
{
  char *save = NULL;
  for (char *t = strtok_r (trace, " ", &save); t; t = strtok_r (NULL, " ", &save))
    {
      char *eq = strchr (t, '=');
      if (eq)
        {
          *eq = '\0';
          cell_trace_at (t, strtoull (eq + 1, NULL, 10));
        }
    }
}

/* Hooks in the runtime's namespaces, the pty, READY, and the exec. */
static int
spawn_finish (struct spawn *s, struct cell_sync *sync, struct cell_error **err)
{
  cleanup_free char *json = NULL;

  if (s->shape.hooks
      && (cell_sync_recv (sync, CELL_SYNC_MOUNTS_DONE, NULL, NULL, NULL, err) < 0
          || (s->opts->cb.mounts_done
              && s->opts->cb.mounts_done (s->opts->cb.userdata, s->init, &json, err) < 0)
          || cell_sync_send (sync, CELL_SYNC_HOOKS_DONE, json ? json : "", -1, err) < 0))
    return -1;
  if (s->shape.pty)
    {
      if (cell_sync_recv (sync, CELL_SYNC_PTY, NULL, &s->master, NULL, err) < 0)
        return -1;
      if (s->opts->console_socket_fd >= 0)
        {
          if (cell_console_send (s->opts->console_socket_fd, s->master, err) < 0)
            return -1;
          cell_closep (&s->master);
        }
    }
  if (s->shape.seccomp_notify)
    {
      cleanup_close int nfd = -1;
      if (cell_sync_recv (sync, CELL_SYNC_SECCOMP, NULL, &nfd, NULL, err) < 0)
        return -1;
      if (!s->opts->cb.seccomp_listener)
        return cell_err (err, 0, "a seccomp listener, and nobody to hand it to");
      if (s->opts->cb.seccomp_listener (s->opts->cb.userdata, s->init, nfd, err) < 0)
        return -1;
    }
  {
    cleanup_free char *trace = NULL;
    if (cell_sync_recv (sync, CELL_SYNC_READY, &trace, NULL, NULL, err) < 0)
      return -1;
    log_init_trace (trace);
  }
  if (s->opts->cb.ready && s->opts->cb.ready (s->opts->cb.userdata, s->init, err) < 0)
    return -1;
  if (cell_sync_wait_exec (sync, err) < 0)
    return -1;
  cell_trace (s->opts->end == CELL_SPAWN_EXEC ? "exec" : "waiting");
  return 0;
}

int
cell_spawn (const struct cell_plan *plan, const struct cell_spawn_opts *opts, struct cell_spawn_result *res,
            struct cell_error **err)
{
  cleanup_spawn struct spawn s = {
    .plan = plan,
    .opts = opts,
    .sock_rt = -1,
    .sock_init = -1,
    .stub_fd = -1,
    .pidfd = -1,
    .master = -1,
    .host_proc = -1,
  };
  struct cell_sync sync;

  res->pid = -1;
  res->pidfd = res->pty_master_fd = -1;
  cell_prepared_init (&s.prep);
  if (spawn_prepare (&s, err) < 0 || spawn_clone (&s, err) < 0)
    return -1;
  cell_sync_init (&sync, s.sock_rt, &s.shape);
  if (spawn_place (&s, &sync, err) < 0)
    return -1;
  /* init holds the root and the image mounts now */
  cell_prepared_release (&s.prep);
  if (spawn_finish (&s, &sync, err) < 0)
    return -1;
  res->pid = s.init;
  res->pidfd = steal_fd (&s.pidfd);
  res->pty_master_fd = steal_fd (&s.master);
  s.init = s.child = 0; /* handed on: not killed */
  return 0;
}
