/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* enter.c: `exec`. The order:

     runtime (re-executed sealed)          joiner                     process
     the process from --process or the
     stored config + flags; its seccomp
     filter; init's pidfd and root
     fork -------------------------------> joins the container's
                                           cgroup, then every
                                           namespace (setns through
                                           init's pidfd); clone3
                                           (CLONE_PARENT) ----------> into the pid namespace;
                                           exits                      INIT (its pid as credentials)
                                                                      chroot to init's root; pty
                                                                      (PTY); rlimits; exec lookup;
                                                                      identity, caps, seccomp
                                                                      (SECCOMP); READY; exec stub
     waits for EOF (exec done) or ERROR;
     detach: returns; else supervises it
     (it is the runtime's child)

   The joiner writes on the setup socket only to fail, before the process exists; then only the process
   does: the two never race. */
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
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "caps.h"
#include "enter.h"
#include "fd-util.h"
#include "log.h"
#include "lsm.h"
#include "ns.h"
#include "plan.h"
#include "process.h"
#include "sealed-exe.h"
#include "seccomp.h"
#include "spec-tables.h"
#include "strv.h"
#include "supervise.h"
#include "sync.h"
#include "sysattr.h"
#include "terminal.h"
#include "xalloc.h"

/* ---- the process ---------------------------------------------------------------------------------- */

static int
parse_id (const char *s, uint32_t *out)
{
  char *end;
  unsigned long v;
  if (!*s || *s == '-')
    return -1;
  errno = 0;
  v = strtoul (s, &end, 10);
  if (errno || *end || v > UINT32_MAX)
    return -1;
  *out = (uint32_t)v;
  return 0;
}

static char **
strv_add (char **v, char *const *more)
{
  for (size_t i = 0; more && more[i]; i++)
    v = cell_strv_append (v, more[i]);
  return v;
}

/* runc's argv form: the config's process, with the command and the flags over it. */
static int
argv_process (const struct cell_exec_opts *o, struct cell_spec_process *p, struct cell_error **err)
{
  if (!o->args || !o->args[0])
    return cell_err (err, 0, "exec: no command given (ARGS or --process FILE)");
  cell_strv_free (p->args);
  p->args = cell_strv_copy (o->args);
  p->terminal = o->tty;
  if (o->cwd)
    {
      free (p->cwd);
      p->cwd = xstrdup (o->cwd);
    }
  p->env = strv_add (p->env, o->env);
  if (o->user)
    {
      cleanup_free char *u = xstrdup (o->user);
      char *colon = strchr (u, ':');
      if (colon)
        *colon = '\0';
      if (parse_id (u, &p->user.uid) < 0 || (colon && parse_id (colon + 1, &p->user.gid) < 0))
        return cell_err (err, 0, "exec: --user `%s`: expected UID[:GID] (numbers)", o->user);
    }
  for (size_t i = 0; o->additional_gids && o->additional_gids[i]; i++)
    {
      uint32_t g;
      if (parse_id (o->additional_gids[i], &g) < 0)
        return cell_err (err, 0, "exec: --additional-gids `%s`: expected a number", o->additional_gids[i]);
      p->user.additional_gids
          = xrealloc (p->user.additional_gids, (p->user.n_additional_gids + 2) * sizeof (uint32_t));
      p->user.additional_gids[p->user.n_additional_gids++] = g;
    }
  for (size_t i = 0; o->caps && o->caps[i]; i++)
    {
      if (cell_caps_from_name (o->caps[i]) < 0)
        return cell_err (err, 0, "exec: --cap `%s`: unknown capability", o->caps[i]);
      /* never inheritable or ambient: CVE-2022-29162 (SECURITY.md row 17) */
      p->has_caps = true;
      p->caps.bounding = cell_strv_append (p->caps.bounding, o->caps[i]);
      p->caps.effective = cell_strv_append (p->caps.effective, o->caps[i]);
      p->caps.permitted = cell_strv_append (p->caps.permitted, o->caps[i]);
    }
  if (o->no_new_privs)
    p->no_new_privileges = true;
  if (o->apparmor)
    {
      free (p->apparmor_profile);
      p->apparmor_profile = xstrdup (o->apparmor);
    }
  if (o->process_label)
    {
      free (p->selinux_label);
      p->selinux_label = xstrdup (o->process_label);
    }
  return 0;
}

static int
exec_process (const struct cell_exec_opts *o, const struct cell_spec *config, struct cell_spec_process **out,
              struct cell_error **err)
{
  struct cell_spec_process *p = NULL;
  const char *display = "exec";

  if (o->process_file)
    {
      display = "process.json";
      if (cell_spec_process_load_file (o->process_file, display, &p, err) < 0)
        return -1;
    }
  else
    {
      if (!config->has_process)
        return cell_err (err, 0,
                         "exec: the container's config.json has no /process to start from: use --process");
      p = xzalloc (sizeof (*p));
      cell_spec_copy_object (&cell_spec_process_desc, &config->process, p);
      if (argv_process (o, p, err) < 0)
        {
          cell_spec_process_free (p);
          return -1;
        }
    }
  if (cell_spec_validate_process (p, display, o->process_file ? "" : "/process", err) < 0)
    {
      cell_spec_process_free (p);
      return -1;
    }
  *out = p;
  return 0;
}

/* ---- the run --------------------------------------------------------------------------------------- */

struct enter
{
  const struct cell_exec_opts *o;
  struct cell_plan_process proc;
  struct cell_plan *linux_; /* the config's personality and memory policy, which the process takes too */
  struct cell_seccomp *seccomp;
  struct cell_cgroup *cg;
  int ns_flags;   /* the namespaces to join: every one the config lists */
  int init_pidfd; /* the container's init */
  int root_fd;    /* init's root */
  int sock_rt, sock_proc;
  int stub_fd;
  int console_fd; /* --console-socket, connected */
  struct cell_sync_shape shape;
  pid_t joiner, pid; /* the joiner (reaped at once), the process */
  bool in_cgroup;    /* CLONE_INTO_CGROUP put the joiner in the cgroup2 leaf */
  int pidfd;
  int master;
};

static void
enter_release (struct enter *e)
{
  if (e->pid > 0)
    {
      if (e->pidfd < 0 || syscall (SYS_pidfd_send_signal, e->pidfd, SIGKILL, NULL, 0) < 0)
        kill (e->pid, SIGKILL);
      while (waitpid (e->pid, NULL, __WALL) < 0 && errno == EINTR)
        ;
    }
  if (e->joiner > 0)
    {
      kill (e->joiner, SIGKILL);
      while (waitpid (e->joiner, NULL, __WALL) < 0 && errno == EINTR)
        ;
    }
  cell_plan_process_clear (&e->proc);
  cell_plan_free (e->linux_);
  cell_seccomp_free (e->seccomp);
  cell_cgroup_free (e->cg);
  cell_closep (&e->init_pidfd);
  cell_closep (&e->root_fd);
  cell_closep (&e->sock_rt);
  cell_closep (&e->sock_proc);
  cell_closep (&e->stub_fd);
  cell_closep (&e->console_fd);
  cell_closep (&e->pidfd);
  cell_closep (&e->master);
}
#define cleanup_enter __attribute__ ((cleanup (enter_release)))

static NORETURN void
proc_fail (struct cell_sync *sync, struct cell_error *err)
{
  cell_sync_fail (sync->sock, err ? err->msg : "exec failed");
  _exit (127);
}

/* The process, inside every namespace of the container: the same last steps as init's. */
static NORETURN void
process_main (struct enter *e)
{
  struct cell_error *err = NULL;
  struct cell_sync sync;
  cleanup_free char *exe = NULL;
  cleanup_close int proc = -1;
  int keep[] = { e->sock_proc, e->stub_fd };
  int master = -1, slave = -1;

  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  cell_sync_init (&sync, e->sock_proc, &e->shape);
  if (cell_sync_send (&sync, CELL_SYNC_INIT, NULL, -1, &err) < 0)
    proc_fail (&sync, err);
  /* config.md execCPUAffinity: `final` once in the container's cgroup (entering a cpuset resets it) */
  if (cell_process_set_affinity (e->proc.exec_cpu_final, "execCPUAffinity final", &err) < 0)
    proc_fail (&sync, err);
  if (fchdir (e->root_fd) < 0 || chroot (".") < 0 || chdir ("/") < 0)
    {
      cell_err_errno (&err, "enter the container's root");
      proc_fail (&sync, err);
    }
  cell_close_all_except (3 + e->o->preserve_fds, keep, ARRAY_SIZE (keep));
  if (e->shape.pty)
    {
      cleanup_close int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (cell_pty_open (root, &master, &slave, &err) < 0
          || cell_sync_send (&sync, CELL_SYNC_PTY, NULL, master, &err) < 0)
        proc_fail (&sync, err);
      close (master);
    }
  if (e->proc.has_oom_score_adj && cell_proc_open ("/proc", &proc, &err) < 0)
    proc_fail (&sync, err);
  {
    struct cell_plan limits = *e->linux_;
    limits.process = e->proc;
    if (cell_process_setup_limits (&limits, proc, &err) < 0)
      proc_fail (&sync, err);
  }
  if (cell_process_find_exec (&e->proc, &exe, &err) < 0)
    proc_fail (&sync, err);
  if (slave >= 0 && cell_pty_make_controlling (slave, e->proc.console_rows, e->proc.console_cols, &err) < 0)
    proc_fail (&sync, err);
  /* no pty: a session of its own, as init (spawn.c: the caller's terminal is no controlling terminal) */
  if (slave < 0 && setsid () < 0)
    {
      cell_err_errno (&err, "setsid");
      proc_fail (&sync, err);
    }
  for (int fd = 3; fd < 3 + e->o->preserve_fds; fd++)
    {
      int fl = fcntl (fd, F_GETFD);
      if (fl >= 0)
        fcntl (fd, F_SETFD, fl & ~FD_CLOEXEC);
    }
  if (e->shape.seccomp_notify && !e->proc.no_new_privileges)
    {
      int nfd = -1;
      if (cell_seccomp_load (e->seccomp, &nfd, &err) < 0
          || cell_sync_send_fd_now (&sync, CELL_SYNC_SECCOMP, nfd) < 0)
        proc_fail (&sync, err);
      close (nfd);
    }
  if (cell_process_setup_identity (&e->proc, e->shape.seccomp_notify ? NULL : e->seccomp, &err) < 0)
    proc_fail (&sync, err);
  if (e->shape.seccomp_notify && e->proc.no_new_privileges)
    {
      int nfd = -1;
      if (cell_seccomp_load (e->seccomp, &nfd, &err) < 0
          || cell_sync_send_fd_now (&sync, CELL_SYNC_SECCOMP, nfd) < 0)
        proc_fail (&sync, err);
      close (nfd);
    }
  if (cell_sync_send (&sync, CELL_SYNC_READY, NULL, -1, &err) < 0)
    proc_fail (&sync, err);
  cell_process_exec (&e->proc, exe, e->o->preserve_fds, e->stub_fd, e->sock_proc, &err);
  proc_fail (&sync, err);
}

/* The joiner: the container's cgroup (while it is still the host's root), its namespaces, then the process
   as a child of the runtime (CLONE_PARENT). */
static NORETURN void
joiner_main (struct enter *e)
{
  struct cell_error *err = NULL;
  /* clone3 takes no exit signal with CLONE_PARENT: the runtime waits with __WALL and its pidfd */
  struct clone_args ca = { .flags = CLONE_PARENT };
  pid_t pid;

  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  close (e->sock_rt);
  /* config.md execCPUAffinity: `initial` before the container's cgroup; the process inherits it */
  if (cell_process_set_affinity (e->proc.exec_cpu_initial, "execCPUAffinity initial", &err) < 0)
    {
      cell_sync_fail (e->sock_proc, err->msg);
      _exit (1);
    }
  if (e->cg)
    {
      /* v1: by its own hand (no grace period to wait; see cell_cgroup_enter_self), else by its pid */
      bool v1_done = cell_cgroup_enter_self (e->cg, e->o->cgroup, &err) == 0;
      cell_error_freep (&err);
      if (cell_cgroup_enter (e->cg, getpid (), e->o->cgroup, v1_done, e->in_cgroup, &err) < 0)
        {
          cell_sync_fail (e->sock_proc, err->msg);
          _exit (1);
        }
    }
  if (e->ns_flags && setns (e->init_pidfd, e->ns_flags) < 0)
    {
      cell_err_errno (&err, "join the container's namespaces");
      cell_sync_fail (e->sock_proc, err->msg);
      _exit (1);
    }
  pid = (pid_t)syscall (SYS_clone3, &ca, sizeof (ca));
  if (pid == 0)
    process_main (e);
  if (pid < 0)
    {
      cell_err_errno (&err, "start the process in the container");
      cell_sync_fail (e->sock_proc, err->msg);
      _exit (1);
    }
  _exit (0);
}

static int
connect_socket (const char *path, int *fd, struct cell_error **err)
{
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  cleanup_close int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (strlen (path) >= sizeof (a.sun_path))
    return cell_err (err, 0, "--console-socket `%s`: path too long", path);
  strcpy (a.sun_path, path);
  if (s < 0 || connect (s, (struct sockaddr *)&a, sizeof (a)) < 0)
    return cell_err_errno (err, "--console-socket `%s`", path);
  *fd = steal_fd (&s);
  return 0;
}

/* Everything the joiner and the process need, opened while the runtime is still itself. */
static int
enter_prepare (struct enter *e, const struct cell_state *st, const struct cell_spec *config,
               struct cell_error **err)
{
  char path[64];
  int sv[2], min = 3 + e->o->preserve_fds;

  e->init_pidfd = (int)syscall (SYS_pidfd_open, st->pid, 0);
  if (e->init_pidfd < 0 || cell_state_pid_start_time (st->pid) != st->start_time)
    return cell_err (err, 0, "container `%s` is not running", st->id);
  snprintf (path, sizeof (path), "/proc/%d/root", (int)st->pid);
  e->root_fd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (e->root_fd < 0)
    return cell_err_errno (err, "open the root of container `%s`", st->id);
  for (size_t i = 0; i < config->linux_.n_namespaces; i++)
    e->ns_flags |= cell_ns_clone_flag (config->linux_.namespaces[i].type);
  if (st->cgroup && cell_cgroup_deserialize (st->cgroup, &e->cg, err) < 0)
    return -1;
  if (e->o->cgroup && cell_cgroup_check_sub (e->o->cgroup, err) < 0)
    return -1;
  if (e->proc.terminal && e->o->console_socket
      && connect_socket (e->o->console_socket, &e->console_fd, err) < 0)
    return -1;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return cell_err_errno (err, "socketpair");
  e->sock_rt = sv[0];
  e->sock_proc = sv[1] >= min ? sv[1] : fcntl (sv[1], F_DUPFD_CLOEXEC, min);
  if (e->sock_proc != sv[1])
    close (sv[1]);
  if (e->sock_proc < 0 || cell_sync_runtime_end (e->sock_rt, err) < 0)
    return cell_err_errno (err, "setup socket");
  if (cell_exec_stub_built ())
    {
      int fd = cell_exec_stub_open (err);
      e->stub_fd = fd < 0 || fd >= min ? fd : fcntl (fd, F_DUPFD_CLOEXEC, min);
      if (fd >= 0 && e->stub_fd != fd)
        close (fd);
      if (e->stub_fd < 0)
        return -1;
    }
  e->shape.exec = true;
  e->shape.init_pid = true;
  e->shape.pty = e->proc.terminal;
  e->shape.seccomp_notify = cell_seccomp_has_notify (e->seccomp);
  return 0;
}

/* The joiner, born in the cgroup2 leaf where there is one (CLONE_INTO_CGROUP: no write of its pid to
   cgroup.procs, which waits for the kernel's grace period); with execCPUAffinity `initial`, which must be
   set before the cgroup is joined, or where the kernel refuses, a plain fork. */
static pid_t
fork_joiner (struct enter *e, struct cell_error **err)
{
  cleanup_close int dfd = -1;
  pid_t pid;

  e->in_cgroup = false;
  if (e->cg && !e->proc.exec_cpu_initial && cell_cgroup_open_v2 (e->cg, e->o->cgroup, &dfd, err) < 0)
    return -1;
  if (dfd >= 0)
    {
      struct clone_args ca = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)dfd };
      e->in_cgroup = true;
      pid = (pid_t)syscall (SYS_clone3, &ca, sizeof (ca));
      if (pid >= 0)
        return pid;
      e->in_cgroup = false;
    }
  pid = fork ();
  if (pid < 0)
    cell_err_errno (err, "fork");
  return pid;
}

static int
enter_run (struct enter *e, const struct cell_state *st, const struct cell_spec_seccomp *profile,
           struct cell_error **err)
{
  struct cell_sync sync;

  e->joiner = fork_joiner (e, err);
  if (e->joiner < 0)
    return -1;
  if (e->joiner == 0)
    joiner_main (e);
  cell_closep (&e->sock_proc);
  cell_sync_init (&sync, e->sock_rt, &e->shape);
  if (cell_sync_recv (&sync, CELL_SYNC_INIT, NULL, NULL, &e->pid, err) < 0)
    return -1;
  while (waitpid (e->joiner, NULL, 0) < 0 && errno == EINTR)
    ;
  e->joiner = 0;
  e->pidfd = (int)syscall (SYS_pidfd_open, e->pid, 0);
  if (e->shape.pty)
    {
      if (cell_sync_recv (&sync, CELL_SYNC_PTY, NULL, &e->master, NULL, err) < 0)
        return -1;
      if (e->console_fd >= 0)
        {
          if (cell_console_send (e->console_fd, e->master, err) < 0)
            return -1;
          cell_closep (&e->master);
        }
    }
  if (e->shape.seccomp_notify)
    {
      cleanup_close int nfd = -1;
      cleanup_free char *json = NULL;
      struct cell_state s = *st;
      if (cell_sync_recv (&sync, CELL_SYNC_SECCOMP, NULL, &nfd, NULL, err) < 0)
        return -1;
      json = cell_state_json (&s, CELL_STATUS_RUNNING, false);
      if (cell_seccomp_notify_send (profile->listener_path, nfd, e->pid, json, profile->listener_metadata,
                                    err)
          < 0)
        return -1;
    }
  if (cell_sync_recv (&sync, CELL_SYNC_READY, NULL, NULL, NULL, err) < 0)
    return -1;
  return cell_sync_wait_exec (&sync, err);
}

static int
write_pid_file (const char *path, pid_t pid, struct cell_error **err)
{
  cleanup_free char *tmp = xasprintf ("%s.cell-tmp", path);
  cleanup_close int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%d", pid);
  if (fd < 0 || write (fd, buf, (size_t)n) != n || rename (tmp, path) < 0)
    return cell_err_errno (err, "--pid-file `%s`", path);
  return 0;
}

int
cell_container_exec (struct cell_context *ctx, const char *id, const struct cell_exec_opts *o,
                     int *exit_status, struct cell_error **err)
{
  struct cell_container c = { .dfd = -1 };
  struct cell_spec *config = NULL;
  struct cell_spec_process *sp = NULL;
  cleanup_enter struct enter e = {
    .o = o,
    .init_pidfd = -1,
    .root_fd = -1,
    .sock_rt = -1,
    .sock_proc = -1,
    .stub_fd = -1,
    .console_fd = -1,
    .pidfd = -1,
    .master = -1,
  };
  int r = -1, wstatus = 0;
  sigset_t mask, old;

  *exit_status = 0;
  if (cell_container_open (ctx, id, CELL_LOCK_NONE, &c, err) < 0)
    return -1;
  if (c.status == CELL_STATUS_PAUSED && !o->ignore_paused)
    cell_err (err, 0, "container `%s` is paused (--ignore-paused to exec anyway)", id);
  else if (c.status != CELL_STATUS_RUNNING && c.status != CELL_STATUS_CREATED
           && c.status != CELL_STATUS_PAUSED)
    cell_err (err, 0, "cannot exec in a container that is %s", cell_status_name (c.status));
  else if (cell_state_config_load (c.dfd, id, &config, err) == 0 && exec_process (o, config, &sp, err) == 0)
    {
      cell_plan_process_from_oci (sp, config->linux_.seccomp, &e.proc);
      e.linux_ = cell_plan_new ();
      cell_plan_linux_process_from_oci (&config->linux_, e.linux_);
      /* runc's: the container's session keyring, found by name (create made it searchable) */
      e.proc.session_keyring = xasprintf ("_ses.%s", id);
      cell_caps_fit (&e.proc.cap_bounding, &e.proc.cap_effective, &e.proc.cap_permitted,
                     &e.proc.cap_inheritable, &e.proc.cap_ambient, "exec: capabilities");
      if (e.proc.terminal && !o->console_socket && o->detach)
        cell_err (err, 0, "exec: cannot allocate a tty if cell will detach without setting --console-socket");
      else if (!e.proc.terminal && o->console_socket)
        cell_err (err, 0, "exec: --console-socket given but the process has no terminal");
      else if (cell_lsm_check (e.proc.apparmor_profile,
                               o->apparmor ? "exec: --apparmor" : "exec: apparmorProfile",
                               e.proc.selinux_label,
                               o->process_label ? "exec: --process-label" : "exec: selinuxLabel", err)
                   == 0
               && (!e.proc.seccomp
                   || cell_seccomp_compile (e.proc.seccomp, "config.json", &e.seccomp, err) == 0)
               && (!ctx->argv || cell_sealed_exe_ensure (ctx->argv, err) == 0)
               && enter_prepare (&e, c.st, config, err) == 0)
        {
          if (!o->detach)
            {
              /* forwarded to the process by the supervisor, from the start */
              sigfillset (&mask);
              sigdelset (&mask, SIGSEGV);
              sigdelset (&mask, SIGBUS);
              sigdelset (&mask, SIGILL);
              sigdelset (&mask, SIGFPE);
              sigprocmask (SIG_BLOCK, &mask, &old);
            }
          r = enter_run (&e, c.st, config->linux_.seccomp, err);
          if (r == 0 && o->pid_file)
            r = write_pid_file (o->pid_file, e.pid, err);
          if (r == 0 && !o->detach)
            {
              cell_supervise (e.pid, e.pidfd, steal_fd (&e.master), -1, &wstatus);
              e.pid = 0;
              *exit_status = cell_exit_code (wstatus);
            }
          if (!o->detach)
            sigprocmask (SIG_SETMASK, &old, NULL);
          if (r == 0)
            e.pid = 0; /* detached: it runs on */
        }
    }
  cell_spec_process_free (sp);
  cell_spec_free (config);
  cell_container_close (&c);
  return r;
}
