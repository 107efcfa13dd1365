/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spawn.c: the executor: clones the container's init and walks it through the plan. The only file that
   knows the whole order:

     runtime (parent)                           init (child)
     clone3(CLONE_NEW*|CLONE_PIDFD[|INTO_CGROUP])  non-dumpable, parent-death signal
       (joins by path: plain clone; child setns/unshare, then UNSHARED ->)
     write uid_map/gid_map; place in cgroups
     [image root in parts: a helper builds it
      in init's mount namespace]
     GO ------------------------------------->    [fork once more for a joined/unshared pid ns: <- PID]
                                                  cgroup ns, time ns, hostname; plan ops up to PIVOT
                                            <---- MOUNTS_DONE
     prestart + createRuntime hooks
     HOOKS_DONE (state JSON) ---------------->    createContainer hooks; PIVOT and the ops after it;
                                                  sysctls; pty (<- PTY master); limits; exec lookup
     [seccomp agent <- listener]            <---- [SECCOMP fd: a filter with SCMP_ACT_NOTIFY, loaded here]
                                            <---- READY
     create: return (init blocks in open(exec.fifo, O_WRONLY) until `start`)
     run: wait for EOF (exec done) or ERROR       startContainer hooks; identity, caps, seccomp; execve

   Any error in init is sent as ERROR and init exits; the runtime then kills and reaps it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
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
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fd-util.h"
#include "fsop.h"
#include "hooks.h"
#include "log.h"
#include "ns.h"
#include "process.h"
#include "sealed-exe.h"
#include "spawn.h"
#include "sync.h"
#include "terminal.h"
#include "xalloc.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct child
{
  struct cell_fsop_ctx *ctx; /* prepared by the runtime (image mounts), used by init */
  const struct cell_plan *plan;
  const struct cell_spawn_opts *opts;
  int sock;
  bool direct;      /* namespaces were created by clone3 itself */
  bool second_fork; /* a pid namespace is joined or unshared: init is a grandchild */
  int stub_fd;      /* opts->exec_stub: the sealed exec stub init execs the process through, else -1 */
};

static int
set_hostname (const struct cell_plan *plan, struct cell_error **err)
{
  if (plan->hostname && sethostname (plan->hostname, strlen (plan->hostname)) < 0)
    return cell_err_errno (err, "set hostname `%s`", plan->hostname);
  if (plan->domainname && setdomainname (plan->domainname, strlen (plan->domainname)) < 0)
    return cell_err_errno (err, "set domainname `%s`", plan->domainname);
  return 0;
}

/* Sysctls go through the container's own verified procfs: never a path the rootfs could redirect. */
static int
set_sysctls (const struct cell_plan *plan, int proc_dfd, struct cell_error **err)
{
  for (size_t i = 0; i < plan->n_sysctl; i++)
    {
      const char *k = plan->sysctl[i].key, *v = plan->sysctl[i].value;
      cleanup_free char *rel = xasprintf ("sys/%s", k);
      if (proc_dfd < 0)
        return cell_err (err, 0, "sysctl `%s`: the container has no /proc mount", k);
      for (char *c = rel + 4; *c; c++)
        if (*c == '.')
          *c = '/';
      if (strchr (v, '\n'))
        return cell_err (err, 0, "sysctl `%s`: invalid value", k);
      if (cell_write_file_at (proc_dfd, rel, O_NOFOLLOW, v, strlen (v)) < 0)
        return cell_err_errno (err, "sysctl `%s` = `%s`", k, v);
    }
  return 0;
}

static int
join_namespaces (struct child *c, struct cell_error **err)
{
  const struct cell_plan *plan = c->plan;
  int fds[CELL_NS_COUNT];
  int order[CELL_NS_COUNT] = { CELL_NS_USER, CELL_NS_PID,    CELL_NS_NETWORK, CELL_NS_IPC,
                               CELL_NS_UTS,  CELL_NS_CGROUP, CELL_NS_TIME,    CELL_NS_MOUNT };
  int r = 0;

  /* open every path first: they are host paths, and joining the mount namespace changes what they mean */
  for (int i = 0; i < CELL_NS_COUNT; i++)
    {
      fds[i] = -1;
      if (plan->ns[i].path && r == 0)
        r = cell_ns_open (plan->ns[i].path, (enum cell_ns_type)i, &fds[i], err);
    }
  for (int k = 0; k < CELL_NS_COUNT && r == 0; k++)
    if (fds[order[k]] >= 0)
      r = cell_ns_join (fds[order[k]], (enum cell_ns_type)order[k], plan->ns[order[k]].path, err);
  for (int i = 0; i < CELL_NS_COUNT; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  return r;
}

static int
create_time_ns (const struct cell_plan *plan, struct cell_error **err)
{
  int fd;
  if (unshare (CLONE_NEWTIME) < 0)
    return cell_err_errno (err, "create time namespace");
  /* offsets can only be written before a process enters the namespace */
  if (plan->time_offsets)
    {
      if (cell_write_file_at (AT_FDCWD, "/proc/self/timens_offsets", 0, plan->time_offsets,
                              strlen (plan->time_offsets))
          < 0)
        return cell_err_errno (err, "set time namespace offsets");
    }
  fd = open ("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns (fd, CLONE_NEWTIME) < 0)
    {
      if (fd >= 0)
        close (fd);
      return cell_err_errno (err, "enter time namespace");
    }
  close (fd);
  return 0;
}

static int
open_devnull (struct cell_fsop_ctx *ctx, struct cell_error **err)
{
  struct stat st;
  /* a detached clone of the host's node: masks bind copies of it after pivot_root, when the host's
     mounts are gone (and never whatever /dev/null the container has) */
  ctx->devnull_fd = (int)syscall (SYS_open_tree, AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (ctx->devnull_fd < 0 || fstat (ctx->devnull_fd, &st) < 0)
    return cell_err_errno (err, "open the host's `/dev/null`");
  if (!S_ISCHR (st.st_mode) || major (st.st_rdev) != 1 || minor (st.st_rdev) != 3)
    return cell_err (err, 0, "the host's `/dev/null` is not the null device");
  return 0;
}

static int
child_setup (struct child *c, struct cell_fsop_ctx *ctx, char **hook_json, struct cell_error **err)
{
  const struct cell_plan *plan = c->plan;
  int unshare_flags = 0;
  size_t i;

  if (!c->direct)
    {
      if (join_namespaces (c, err) < 0)
        return -1;
      for (int t = 0; t < CELL_NS_COUNT; t++)
        if (plan->ns[t].create && t != CELL_NS_CGROUP && t != CELL_NS_TIME)
          unshare_flags |= cell_ns_clone_flag ((enum cell_ns_type)t);
      if (unshare_flags && unshare (unshare_flags) < 0)
        return cell_err_errno (err, "create namespaces");
      if (cell_sync_send (c->sock, CELL_SYNC_PID, "unshared", -1, err) < 0)
        return -1;
    }
  if (cell_sync_expect (c->sock, CELL_SYNC_GO, NULL, &ctx->image_root_fd, err) < 0)
    return -1;
  if (c->second_fork)
    {
      pid_t pid = fork ();
      if (pid < 0)
        return cell_err_errno (err, "fork into the pid namespace");
      if (pid > 0)
        {
          char buf[24];
          struct cell_error *e2 = NULL;
          snprintf (buf, sizeof (buf), "%d", (int)pid);
          cell_sync_send (c->sock, CELL_SYNC_PID, buf, -1, &e2);
          _exit (0);
        }
    }
  /* in a new user namespace our host ids are unmapped until we take the namespace's root: without that,
     every file we create would fail with EOVERFLOW */
  if (plan->ns[CELL_NS_USER].create || plan->ns[CELL_NS_USER].path)
    {
      if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
        return cell_err_errno (err, "become root in the user namespace (is container id 0 mapped?)");
    }
  if (plan->ns[CELL_NS_CGROUP].create && unshare (CLONE_NEWCGROUP) < 0)
    return cell_err_errno (err, "create cgroup namespace");
  if (plan->ns[CELL_NS_TIME].create && create_time_ns (plan, err) < 0)
    return -1;
  if (set_hostname (plan, err) < 0)
    return -1;
  if (open_devnull (ctx, err) < 0)
    return -1;
  ctx->own_cgroupns = plan->ns[CELL_NS_CGROUP].create || plan->ns[CELL_NS_CGROUP].path;
  ctx->in_userns = plan->ns[CELL_NS_USER].create || plan->ns[CELL_NS_USER].path;

  for (i = 0; i < plan->n_ops && plan->ops[i].kind != CELL_OP_PIVOT; i++)
    if (cell_fsop_execute (ctx, &plan->ops[i], err) < 0)
      return -1;
  /* before readonlyPaths make /proc/sys read-only */
  if (set_sysctls (plan, ctx->proc_dfd, err) < 0)
    return -1;
  if (cell_sync_send (c->sock, CELL_SYNC_MOUNTS_DONE, NULL, -1, err) < 0
      || cell_sync_expect (c->sock, CELL_SYNC_HOOKS_DONE, hook_json, NULL, err) < 0)
    return -1;
  if (plan->hooks.n_create_container
      && cell_hooks_run (plan->hooks.create_container, plan->hooks.n_create_container, *hook_json,
                         "createContainer", err)
             < 0)
    return -1;
  for (; i < plan->n_ops; i++)
    if (cell_fsop_execute (ctx, &plan->ops[i], err) < 0)
      return -1;
  if (ctx->console_master >= 0)
    {
      if (cell_sync_send (c->sock, CELL_SYNC_PTY, NULL, ctx->console_master, err) < 0)
        return -1;
      close (ctx->console_master);
      ctx->console_master = -1;
    }
  return cell_process_setup_limits (plan, ctx->proc_dfd, err);
}

/* A filter with SCMP_ACT_NOTIFY rules is loaded before READY, while the runtime still listens (`create`
   returns at READY, and init reaches the identity steps only after `start`): its listener must reach the
   seccomp agent through the runtime. Right after loading comes one sendmsg(2) and nothing else, because
   until the runtime has the listener nobody could answer a notification (the compiler refuses NOTIFY on
   sendmsg). Everything init does afterwards, up to and including execve, runs under the filter; a
   notified call waits for the agent. */
static int
load_notify_filter (struct child *c, struct cell_error **err)
{
  const char type = CELL_SYNC_SECCOMP;
  int nfd = -1, r, e;
  if (cell_seccomp_load (c->opts->seccomp, &nfd, err) < 0)
    return -1;
  r = cell_sendmsg_fd (c->sock, &type, 1, nfd);
  e = errno;
  close (nfd);
  errno = e;
  return r < 0 ? cell_err_errno (err, "send the seccomp listener to the runtime") : 0;
}

static int
child_main (struct child *c)
{
  const struct cell_plan *plan = c->plan;
  struct cell_error *err = NULL;
  struct cell_fsop_ctx ctx = *c->ctx;
  cleanup_free char *hook_json = NULL;
  cleanup_free char *exe = NULL;

  /* the runtime's memory must not be readable from the container while it is in there (SECURITY row 5) */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  /* the runtime may block signals (run forwards them): the container starts with none blocked and default
     dispositions */
  {
    sigset_t none;
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    sigemptyset (&none);
    for (int sig = 1; sig < NSIG; sig++)
      if (sig != SIGKILL && sig != SIGSTOP)
        sigaction (sig, &dfl, NULL);
    sigprocmask (SIG_SETMASK, &none, NULL);
  }
  /* init shares nothing with the runtime but these: in particular not the locked state dir fd */
  cell_log_close ();
  {
    int keep[16] = { c->sock, c->opts->state_dfd, c->stub_fd };
    size_t n = 3 + cell_fsop_ctx_fds (c->ctx, keep + 3, ARRAY_SIZE (keep) - 3);
    cell_close_all_except (3 + c->opts->preserve_fds, keep, n);
    cell_fsop_ctx_forget_runtime_fds (&ctx);
  }
  if (child_setup (c, &ctx, &hook_json, &err) < 0 || cell_process_find_exec (&plan->process, &exe, &err) < 0)
    goto fail;
  if (cell_seccomp_has_notify (c->opts->seccomp) && load_notify_filter (c, &err) < 0)
    goto fail;
  /* from here on init outlives `cell create` */
  prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (cell_sync_send (c->sock, CELL_SYNC_READY, NULL, -1, &err) < 0)
    goto fail;
  cell_fsop_ctx_release (&ctx);
  if (c->opts->state_dfd >= 0)
    {
      /* blocks until `start` opens the fifo for reading */
      int fifo = openat (c->opts->state_dfd, "exec.fifo", O_WRONLY | O_CLOEXEC);
      if (fifo < 0 || write (fifo, "0", 1) != 1)
        _exit (1);
      close (fifo);
      close (c->opts->state_dfd);
    }
  if (plan->hooks.n_start_container
      && cell_hooks_run (plan->hooks.start_container, plan->hooks.n_start_container, hook_json,
                         "startContainer", &err)
             < 0)
    goto fail;
  if (ctx.console_fd >= 0)
    {
      if (cell_pty_make_controlling (ctx.console_fd, plan->process.console_rows, plan->process.console_cols,
                                     &err)
          < 0)
        goto fail;
      ctx.console_fd = -1;
    }
  for (int fd = 3; fd < 3 + c->opts->preserve_fds; fd++)
    {
      int fl = fcntl (fd, F_GETFD);
      if (fl >= 0)
        fcntl (fd, F_SETFD, fl & ~FD_CLOEXEC);
    }
  if (cell_process_setup_identity (&plan->process,
                                   cell_seccomp_has_notify (c->opts->seccomp) ? NULL : c->opts->seccomp, &err)
      < 0)
    goto fail;
  cell_process_exec (&plan->process, exe, c->opts->preserve_fds, c->stub_fd, &err);
fail:
  {
    struct cell_error *e2 = NULL;
    if (cell_sync_send (c->sock, CELL_SYNC_ERROR, err ? err->msg : "setup failed", -1, &e2) < 0)
      {
        /* nobody listens any more (after `create` returned): say it on stderr */
        dprintf (2, "cell: %s\n", err ? err->msg : "setup failed");
        cell_error_free (e2);
      }
  }
  _exit (127);
}

static pid_t
do_clone (uint64_t flags, int cgroup_dfd, int *pidfd)
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
  pid = (pid_t)syscall (SYS_clone3, &ca, sizeof (ca));
  if (pid < 0 && cgroup_dfd >= 0
      && (errno == EINVAL || errno == E2BIG || errno == EOPNOTSUPP || errno == EBUSY))
    {
      /* kernel or cgroup refuses CLONE_INTO_CGROUP: clone plainly, the placed callback moves it */
      ca.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
      ca.cgroup = 0;
      pid = (pid_t)syscall (SYS_clone3, &ca, sizeof (ca));
    }
  return pid;
}

static void
kill_and_reap (pid_t pid)
{
  if (pid > 0)
    {
      kill (pid, SIGKILL);
      while (waitpid (pid, NULL, __WALL) < 0 && errno == EINTR)
        ;
    }
}

int
cell_spawn (const struct cell_plan *plan, const struct cell_spawn_opts *opts, struct cell_spawn_result *res,
            struct cell_error **err)
{
  int sv[2] = { -1, -1 };
  int create_flags = 0, pidfd = -1, image_root = -1, cwd = -1, r;
  bool joins = false;
  pid_t pid, init_pid = -1, middle = -1;
  struct cell_fsop_ctx ctx;
  struct child c = { .plan = plan, .opts = opts, .ctx = &ctx };
  cleanup_free char *json = NULL;
  int master = -1;

  res->pid = -1;
  res->pidfd = -1;
  res->pty_master_fd = -1;
  for (int t = 0; t < CELL_NS_COUNT; t++)
    {
      if (plan->ns[t].create)
        create_flags |= cell_ns_clone_flag ((enum cell_ns_type)t);
      joins |= plan->ns[t].path != NULL;
    }
  cell_fsop_ctx_init (&ctx, plan);
  ctx.image_mnt_dir = opts->state_dir;
  /* image roots are built here, by the runtime, as detached mounts init attaches in its own mount
     namespace (or, where the kernel cannot, in parts built there by a helper before GO): init is already
     confined by the device cgroup, which denies loop devices */
  if (cell_fsop_prepare (&ctx, err) < 0)
    {
      cell_fsop_ctx_release (&ctx);
      return -1;
    }
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    {
      cell_fsop_ctx_release (&ctx);
      return cell_err_errno (err, "socketpair");
    }
  /* keep the child's end out of the --preserve-fds range */
  if (sv[1] < 3 + opts->preserve_fds)
    {
      int hi = fcntl (sv[1], F_DUPFD_CLOEXEC, 3 + opts->preserve_fds);
      close (sv[1]);
      sv[1] = hi;
    }
  c.sock = sv[1];
  c.stub_fd = -1;
  if (opts->exec_stub)
    {
      int fd = cell_exec_stub_open (err);
      /* out of the --preserve-fds range too */
      c.stub_fd = fd < 0 ? -1 : fcntl (fd, F_DUPFD_CLOEXEC, 3 + opts->preserve_fds);
      if (fd >= 0)
        close (fd);
      if (c.stub_fd < 0)
        {
          if (fd >= 0)
            cell_err_errno (err, "dup the exec stub");
          cell_fsop_ctx_release (&ctx);
          close (sv[0]);
          close (sv[1]);
          return -1;
        }
    }
  c.direct = !joins;
  c.second_fork = joins && (plan->ns[CELL_NS_PID].create || plan->ns[CELL_NS_PID].path);

  /* a whole image root goes on init's working directory: the state dir, carried into init's new mount
     namespace (see struct cell_fsop_ctx) */
  if (ctx.image.mnt_fd >= 0
      && ((cwd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 || chdir (ctx.image_mnt_dir) < 0))
    {
      cell_err_errno (err, "chdir `%s`", ctx.image_mnt_dir); /* the first error is the one reported */
      pid = -1;
    }
  else
    pid = do_clone (c.direct ? (uint64_t)(create_flags & ~(CLONE_NEWCGROUP | CLONE_NEWTIME)) : 0,
                    opts->cgroup_dfd, &pidfd);
  if (pid < 0 && errno == ENOSYS)
    {
      /* no clone3: plain fork, namespaces by unshare in the child */
      c.direct = false;
      c.second_fork = plan->ns[CELL_NS_PID].create || plan->ns[CELL_NS_PID].path;
      pid = fork ();
    }
  if (pid != 0 && cwd >= 0)
    {
      int e = errno;
      if (fchdir (cwd) < 0)
        cell_log (CELL_LOG_WARNING, "return to the working directory: %m");
      close (cwd);
      errno = e;
    }
  if (pid < 0)
    {
      cell_err_errno (err, "clone container init");
      cell_fsop_ctx_release (&ctx);
      close (sv[0]);
      close (sv[1]);
      if (c.stub_fd >= 0)
        close (c.stub_fd);
      return -1;
    }
  if (pid == 0)
    {
      close (sv[0]);
      _exit (child_main (&c));
    }
  close (sv[1]);
  if (c.stub_fd >= 0)
    close (c.stub_fd);
  middle = c.second_fork ? pid : -1;
  init_pid = c.second_fork ? -1 : pid;

  if (!c.direct && cell_sync_expect (sv[0], CELL_SYNC_PID, NULL, NULL, err) < 0)
    goto fail;
  if (plan->ns[CELL_NS_USER].create && cell_ns_write_maps (pid, plan->uid_map, plan->gid_map, err) < 0)
    goto fail;
  if (opts->cb.placed && opts->cb.placed (opts->cb.userdata, pid, err) < 0)
    goto fail;
  if (cell_fsop_build_in (&ctx, pid, &image_root, err) < 0)
    goto fail;
  cell_fsop_ctx_release (&ctx);
  r = cell_sync_send (sv[0], CELL_SYNC_GO, NULL, image_root, err);
  if (image_root >= 0)
    close (image_root);
  if (r < 0)
    goto fail;
  if (c.second_fork)
    {
      cleanup_free char *p = NULL;
      if (cell_sync_expect (sv[0], CELL_SYNC_PID, &p, NULL, err) < 0)
        goto fail;
      init_pid = (pid_t)atoi (p);
      while (waitpid (middle, NULL, 0) < 0 && errno == EINTR)
        ;
      middle = -1;
      if (pidfd >= 0)
        close (pidfd);
      pidfd = (int)syscall (SYS_pidfd_open, init_pid, 0);
    }
  if (cell_sync_expect (sv[0], CELL_SYNC_MOUNTS_DONE, NULL, NULL, err) < 0)
    goto fail;
  if (opts->cb.mounts_done && opts->cb.mounts_done (opts->cb.userdata, init_pid, &json, err) < 0)
    goto fail;
  if (cell_sync_send (sv[0], CELL_SYNC_HOOKS_DONE, json ? json : "", -1, err) < 0)
    goto fail;
  if (plan->process.terminal)
    {
      if (cell_sync_expect (sv[0], CELL_SYNC_PTY, NULL, &master, err) < 0)
        goto fail;
      if (opts->console_socket_fd >= 0)
        {
          if (cell_console_send (opts->console_socket_fd, master, err) < 0)
            goto fail;
          close (master);
          master = -1;
        }
    }
  if (cell_seccomp_has_notify (opts->seccomp))
    {
      int nfd = -1;
      if (cell_sync_expect (sv[0], CELL_SYNC_SECCOMP, NULL, &nfd, err) < 0)
        goto fail;
      r = opts->cb.seccomp_listener ? opts->cb.seccomp_listener (opts->cb.userdata, init_pid, nfd, err)
                                    : cell_err (err, 0, "seccomp: nobody takes the SCMP_ACT_NOTIFY listener");
      if (nfd >= 0)
        close (nfd);
      if (r < 0)
        goto fail;
    }
  if (cell_sync_expect (sv[0], CELL_SYNC_READY, NULL, NULL, err) < 0)
    goto fail;
  if (opts->state_dfd < 0)
    {
      /* run: the socket closes at a successful execve (CLOEXEC); an ERROR means exec failed */
      enum cell_sync_type t;
      cleanup_free char *p = NULL;
      struct cell_error *e2 = NULL;
      if (cell_sync_recv (sv[0], &t, &p, NULL, &e2) == 0 && t == CELL_SYNC_ERROR)
        {
          cell_err (err, 0, "%s", p);
          goto fail;
        }
      cell_error_free (e2);
    }
  close (sv[0]);
  res->pid = init_pid;
  res->pidfd = pidfd;
  res->pty_master_fd = master;
  return 0;

fail:
  cell_fsop_ctx_release (&ctx);
  close (sv[0]);
  if (master >= 0)
    close (master);
  if (init_pid > 0 && init_pid != pid)
    {
      /* the grandchild: not ours to reap (its parent exited); kill it through its pidfd */
      if (pidfd < 0 || syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0)
        kill (init_pid, SIGKILL);
    }
  if (middle > 0 || init_pid == pid || init_pid < 0)
    kill_and_reap (pid);
  if (pidfd >= 0)
    close (pidfd);
  return -1;
}
