/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* container.c: the OCI lifecycle over the state directory: create, start, run, kill, delete, state. */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include "caps.h"
#include "container.h"
#include "hooks.h"
#include "image.h"
#include "path-util.h"
#include "sealed-exe.h"
#include "seccomp.h"
#include "log.h"
#include "plan.h"
#include "spawn.h"
#include "spec.h"
#include "xalloc.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int
cell_context_root (struct cell_context *ctx, struct cell_error **err)
{
  if (ctx->root_dfd >= 0)
    return 0;
  return cell_state_root_open (ctx->root, &ctx->root_dfd, err);
}

static int
pidfd_open_compat (pid_t pid)
{
  return (int)syscall (SYS_pidfd_open, pid, 0);
}

static int
send_signal (pid_t pid, unsigned long long start_time, int sig, struct cell_error **err)
{
  /* Open a pidfd, then check the start time: the pidfd pins the process, so a recycled pid can never be
     signalled (SECURITY.md row 47). */
  cleanup_close int pidfd = pidfd_open_compat (pid);
  if (pidfd < 0)
    {
      if (errno == ESRCH)
        return cell_err (err, 0, "container not running");
      return cell_err_errno (err, "pidfd_open %d", pid);
    }
  if (cell_state_pid_start_time (pid) != start_time)
    return cell_err (err, 0, "container not running");
  if (syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
    return cell_err_errno (err, "send signal %d to %d", sig, pid);
  return 0;
}

/* ---- hooks ---------------------------------------------------------------------------------------- */

static int
run_hooks (const struct cell_spec_hook *hooks, size_t n, const struct cell_state *st, enum cell_status status,
           const char *phase, struct cell_error **err)
{
  cleanup_free char *json = NULL;
  if (n == 0)
    return 0;
  json = cell_state_json (st, status, false);
  return cell_hooks_run (hooks, n, json, phase, err);
}

/* ---- create ------------------------------------------------------------------------------------- */

struct create_job
{
  struct cell_context *ctx;
  const char *id;
  const struct cell_create_opts *opts;
  struct cell_spec *spec;
  struct cell_plan *plan;
  struct cell_state st;
  struct cell_cgroup *cg;
  bool cg_created;
  int state_dfd;
  int child_dfd;
  bool dir_created;
  int console_fd;
  pid_t pid;
  int pidfd;
  int pty_master;
  struct cell_seccomp *seccomp;
  bool exec_stub; /* init execs through the sealed exec stub; the runtime did not re-execute sealed */
};

/* A job with nothing opened yet (every fd -1). */
#define JOB_INIT(c, i, o)                                                                                    \
  ((struct create_job){ .ctx = (c),                                                                          \
                        .id = (i),                                                                           \
                        .opts = (o),                                                                         \
                        .state_dfd = -1,                                                                     \
                        .child_dfd = -1,                                                                     \
                        .console_fd = -1,                                                                    \
                        .pidfd = -1,                                                                         \
                        .pty_master = -1 })

static int
cb_placed (void *userdata, pid_t pid, struct cell_error **err)
{
  struct create_job *job = userdata;
  if (job->cg == NULL)
    return 0;
  if (cell_cgroup_enter (job->cg, pid, err) < 0)
    return -1;
  /* Always: with no linux.resources the default device policy (deny all but the standard nodes) still
     applies, as with runc and crun. */
  if (cell_cgroup_apply (job->cg, job->plan->resources, err) < 0)
    return -1;
  return 0;
}

static int
cb_mounts_done (void *userdata, pid_t pid, char **state_json, struct cell_error **err)
{
  struct create_job *job = userdata;
  const struct cell_spec_hooks *h = &job->spec->hooks;

  job->st.pid = pid;
  if (run_hooks (h->prestart, h->n_prestart, &job->st, CELL_STATUS_CREATING, "prestart", err) < 0)
    return -1;
  if (run_hooks (h->create_runtime, h->n_create_runtime, &job->st, CELL_STATUS_CREATING, "createRuntime", err)
      < 0)
    return -1;
  *state_json = NULL;
  if (h->n_create_container || h->n_start_container)
    *state_json = cell_state_json (&job->st, CELL_STATUS_CREATING, false);
  return 0;
}

/* SCMP_ACT_NOTIFY: init loaded the filter; its listener goes to the agent with the state ("creating"). */
static int
cb_seccomp_listener (void *userdata, pid_t pid, int notify_fd, struct cell_error **err)
{
  struct create_job *job = userdata;
  const struct cell_spec_seccomp *s = job->spec->linux_.seccomp;
  cleanup_free char *json = NULL;

  job->st.pid = pid;
  json = cell_state_json (&job->st, CELL_STATUS_CREATING, false);
  return cell_seccomp_notify_send (s->listener_path, notify_fd, pid, json, s->listener_metadata, err);
}

static int
connect_console_socket (const char *path, int *fd, struct cell_error **err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int s = -1;

  if (strlen (path) >= sizeof addr.sun_path)
    return cell_err (err, 0, "--console-socket `%s`: path too long", path);
  strcpy (addr.sun_path, path);
  s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return cell_err_errno (err, "socket");
  if (connect (s, (struct sockaddr *)&addr, sizeof addr) < 0)
    return cell_err_errno (err, "--console-socket `%s`", path);
  *fd = steal_fd (&s);
  return 0;
}

static char *
owner_name (void)
{
  struct passwd *pw = getpwuid (geteuid ());
  return xstrdup (pw ? pw->pw_name : "");
}

static void
job_release (struct create_job *job)
{
  cell_spec_free (job->spec);
  cell_plan_free (job->plan);
  cell_seccomp_free (job->seccomp);
  cell_cgroup_free (job->cg);
  cell_closep (&job->state_dfd);
  cell_closep (&job->child_dfd);
  cell_closep (&job->console_fd);
  cell_closep (&job->pidfd);
  free (job->st.bundle);
  free (job->st.rootfs);
  free (job->st.created);
  free (job->st.owner);
  free (job->st.cgroup);
}

/* Undo a failed create: kill init, remove the cgroup and the state dir. */
static void
job_rollback (struct create_job *job)
{
  struct cell_error *e = NULL;
  if (job->pid > 0)
    {
      if (job->pidfd >= 0)
        syscall (SYS_pidfd_send_signal, job->pidfd, SIGKILL, NULL, 0);
      else
        kill (job->pid, SIGKILL);
      waitpid (job->pid, NULL, 0);
    }
  if (job->cg && job->cg_created && cell_cgroup_destroy (job->cg, &e) < 0)
    {
      cell_warn ("%s", e->msg);
      cell_error_free (e);
      e = NULL;
    }
  if (job->dir_created && cell_state_dir_remove (job->ctx->root_dfd, job->id, &e) < 0)
    {
      cell_warn ("%s", e->msg);
      cell_error_free (e);
    }
}

static int
write_pid_file (const char *path, pid_t pid, struct cell_error **err)
{
  cleanup_free char *tmp = xasprintf ("%s.cell-tmp", path);
  cleanup_close int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%d", pid);

  if (fd < 0 || write (fd, buf, (size_t)n) != n)
    return cell_err_errno (err, "--pid-file `%s`", path);
  if (rename (tmp, path) < 0)
    return cell_err_errno (err, "--pid-file `%s`", path);
  return 0;
}

/* runtime-spec 1.1 config.md: a capability that cannot be granted is logged and left out, never fatal. What
   the runtime cannot hand on is what its own bounding set lacks (a VM may withhold CAP_SYS_RESOURCE). */
static void
fit_caps_to_runtime (struct cell_plan_process *p)
{
  uint64_t avail = cell_caps_bounding_self ();
  uint64_t *sets[]
      = { &p->cap_bounding, &p->cap_effective, &p->cap_permitted, &p->cap_inheritable, &p->cap_ambient };
  uint64_t missing = 0;

  for (size_t i = 0; i < ARRAY_SIZE (sets); i++)
    {
      missing |= *sets[i] & ~avail;
      *sets[i] &= avail;
    }
  for (int c = 0; c < 64; c++)
    if (missing & (UINT64_C (1) << c))
      {
        cleanup_free char *name = cell_caps_name (c);
        cell_warn ("config.json: /process/capabilities: %s is not in the runtime's bounding set: left out",
                   name);
      }
}

/* Everything static first (runtime.md: an error MUST leave the environment as if the operation were never
   attempted): ID, config.json, plan, rootfs, console socket; then state dir, cgroup, process. */
static int
do_create (struct create_job *job, bool foreground, struct cell_error **err)
{
  const struct cell_create_opts *opts = job->opts;
  char bundle[PATH_MAX];
  cleanup_free char *config = NULL;
  struct cell_plan_oci_opts popts = { 0 };
  struct cell_spawn_opts sopts = { .state_dfd = -1, .console_socket_fd = -1, .cgroup_dfd = -1 };
  struct cell_spawn_result res = { .pid = 0, .pidfd = -1, .pty_master_fd = -1 };
  struct stat sb;
  cleanup_free char *state_dir = NULL;
  bool terminal;

  if (cell_state_validate_id (job->id, err) < 0)
    return -1;
  if (realpath (opts->bundle ? opts->bundle : ".", bundle) == NULL)
    return cell_err_errno (err, "bundle `%s`", opts->bundle ? opts->bundle : ".");
  config = xasprintf ("%s/config.json", bundle);
  if (cell_spec_load_file (config, "config.json", &job->spec, err) < 0)
    return -1;
  if (cell_spec_validate (job->spec, "config.json", err) < 0)
    return -1;
  popts.bundle = bundle;
  popts.no_pivot = opts->no_pivot;
  {
    /* rootfs: a directory, or a squashfs image (issue 4); a symlink is refused (it would be resolved by
       name later) */
    cleanup_free char *joined = cell_path_join (bundle, job->spec->root.path);
    cleanup_free char *rootfs = cell_path_clean (joined);
    if (lstat (rootfs, &sb) < 0)
      return cell_err_errno (err, "invalid rootfs `%s`", rootfs);
    if (S_ISLNK (sb.st_mode))
      return cell_err (err, 0, "invalid rootfs `%s`: a symlink", rootfs);
    if (S_ISREG (sb.st_mode))
      {
        bool image = false;
        if (cell_image_probe (rootfs, &image, err) < 0)
          return -1;
        if (!image)
          return cell_err (err, 0, "invalid rootfs `%s`: neither a directory nor a squashfs image", rootfs);
        popts.root_image = true;
      }
    else if (!S_ISDIR (sb.st_mode))
      return cell_err (err, 0, "invalid rootfs `%s`: not a directory", rootfs);
  }
  job->plan = cell_plan_from_oci (job->spec, &popts);
  if (job->plan->process.present)
    fit_caps_to_runtime (&job->plan->process);
  if (job->spec->linux_.seccomp
      && cell_seccomp_compile (job->spec->linux_.seccomp, "config.json", &job->seccomp, err) < 0)
    return -1;
  /* CVE-2019-5736 (SECURITY.md row 1): no container code may ever reach the host binary through
     /proc/PID/exe. Init may stay the host binary until its final exec (through the sealed exec stub) only
     when nothing of the container's can see it before: `run` (init never idles in the created state,
     where a later `exec` could join it), its own new pid namespace, no hook run inside the container, no
     seccomp filter that could refuse the stub's execveat. Otherwise the whole runtime re-executes from a
     sealed copy of itself first (before anything was created: it starts over). */
  job->exec_stub = foreground && cell_exec_stub_built () && job->plan->ns[CELL_NS_PID].create
                   && !job->plan->ns[CELL_NS_PID].path && job->seccomp == NULL
                   && !(job->plan->hooks.n_create_container || job->plan->hooks.n_start_container);
  if (!job->exec_stub && job->ctx->argv && cell_sealed_exe_ensure (job->ctx->argv, err) < 0)
    return -1;
  if (cell_log_debug_enabled ())
    {
      cleanup_free char *dump = cell_plan_dump (job->plan);
      cell_debug ("plan for `%s`:\n%s", job->id, dump);
    }

  terminal = job->plan->process.terminal;
  if (terminal && opts->console_socket == NULL && !foreground)
    return cell_err (err, 0, "cannot allocate a tty if cell will detach without setting --console-socket");
  if (!terminal && opts->console_socket)
    return cell_err (err, 0, "--console-socket given but process.terminal is false");
  if (opts->console_socket && connect_console_socket (opts->console_socket, &job->console_fd, err) < 0)
    return -1;

  if (!job->ctx->no_cgroups)
    {
      enum cell_cgroup_mode mode = cell_cgroup_detect ();
      if (cell_cgroup_new (job->plan->cgroup_path, job->id, job->ctx->systemd_cgroup, mode, &job->cg, err)
          < 0)
        return -1;
    }

  /* From here on, side effects: rollback on failure. */
  if (cell_context_root (job->ctx, err) < 0)
    return -1;
  if (cell_state_dir_create (job->ctx->root_dfd, job->id, &job->state_dfd, err) < 0)
    return -1;
  job->dir_created = true;

  job->st.id = (char *)job->id;
  job->st.bundle = xstrdup (bundle);
  job->st.rootfs = xstrdup (job->plan->rootfs);
  job->st.created = cell_state_now ();
  job->st.owner = owner_name ();
  job->st.annotations = job->spec->annotations;
  job->st.n_annotations = job->spec->n_annotations;
  job->st.own_pidns = job->plan->ns[CELL_NS_PID].create || job->plan->ns[CELL_NS_PID].path;

  if (!foreground || opts->detach)
    {
      if (!opts->detach && mkfifoat (job->state_dfd, CELL_STATE_FIFO, 0600) < 0)
        return cell_err_errno (err, "create exec fifo of `%s`", job->id);
      if (!opts->detach)
        sopts.state_dfd = job->state_dfd;
    }
  if (job->cg)
    {
      if (cell_cgroup_create (job->cg, err) < 0)
        return -1;
      job->cg_created = true;
      job->st.cgroup = cell_cgroup_serialize (job->cg);
      sopts.cgroup_dfd = cell_cgroup_clone_dfd (job->cg);
    }
  /* An early state.json (pid 0, "creating") names the cgroup, so that `delete --force` after the runtime
     was killed mid-create still finds and removes it (SECURITY.md row 44). */
  if (cell_state_write (job->state_dfd, &job->st, err) < 0)
    return -1;
  if (sopts.state_dfd >= 0)
    {
      /* The child gets its own O_PATH fd of the directory: the locked one must not live on in init, or
         `start` could never take the lock. */
      job->child_dfd = openat (job->state_dfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (job->child_dfd < 0)
        return cell_err_errno (err, "open state directory of `%s`", job->id);
      sopts.state_dfd = job->child_dfd;
    }

  sopts.console_socket_fd = job->console_fd;
  sopts.relay_tty = terminal && opts->console_socket == NULL;
  sopts.preserve_fds = opts->preserve_fds;
  sopts.no_new_keyring = opts->no_new_keyring;
  sopts.seccomp = job->seccomp;
  sopts.exec_stub = job->exec_stub;
  if (job->plan->n_ops > 0 && job->plan->ops[0].kind == CELL_OP_ROOT_IMAGE)
    {
      /* the image root is attached over the state dir in init's mount namespace: resolved there by path */
      char root[PATH_MAX];
      if (!realpath (job->ctx->root, root))
        return cell_err_errno (err, "state root `%s`", job->ctx->root);
      state_dir = xasprintf ("%s/%s", root, job->id);
      sopts.state_dir = state_dir;
    }
  sopts.cb.userdata = job;
  sopts.cb.placed = cb_placed;
  sopts.cb.mounts_done = cb_mounts_done;
  sopts.cb.seccomp_listener = cb_seccomp_listener;
  if (cell_spawn (job->plan, &sopts, &res, err) < 0)
    return -1;
  job->pid = res.pid;
  job->pidfd = res.pidfd;
  job->pty_master = res.pty_master_fd;
  job->st.pid = res.pid;
  job->st.start_time = cell_state_pid_start_time (res.pid);
  if (cell_state_write (job->state_dfd, &job->st, err) < 0)
    return -1;
  if (opts->pid_file && write_pid_file (opts->pid_file, res.pid, err) < 0)
    return -1;
  return 0;
}

int
cell_container_create (struct cell_context *ctx, const char *id, const struct cell_create_opts *opts,
                       struct cell_error **err)
{
  struct create_job job = JOB_INIT (ctx, id, opts);
  int r = do_create (&job, false, err);
  if (r < 0)
    job_rollback (&job);
  job_release (&job);
  return r;
}

/* ---- start ---------------------------------------------------------------------------------------- */

int
cell_container_start (struct cell_context *ctx, const char *id, struct cell_error **err)
{
  cleanup_close int dfd = -1;
  cleanup_close int fifo = -1;
  cleanup_close int pidfd = -1;
  struct cell_state *st = NULL;
  struct cell_spec *spec = NULL;
  enum cell_status status;
  struct pollfd pfd[2];
  char c;
  int r = -1;

  if (cell_state_validate_id (id, err) < 0 || cell_context_root (ctx, err) < 0)
    return -1;
  if (cell_state_dir_open (ctx->root_dfd, id, true, &dfd, err) < 0)
    return -1;
  if (cell_state_read (dfd, id, &st, err) < 0)
    return -1;
  status = cell_state_status (dfd, st, false);
  if (status != CELL_STATUS_CREATED)
    {
      cell_err (err, 0, "cannot start a container that is %s", cell_status_name (status));
      goto out;
    }
  pidfd = pidfd_open_compat (st->pid);
  /* O_NONBLOCK: never block if init died; init's blocking open for writing completes now. */
  fifo = openat (dfd, CELL_STATE_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0)
    {
      cell_err_errno (err, "open exec fifo of `%s`", id);
      goto out;
    }
  pfd[0] = (struct pollfd){ .fd = fifo, .events = POLLIN };
  pfd[1] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
  for (;;)
    {
      int n = poll (pfd, pidfd >= 0 ? 2 : 1, 10000);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          cell_err (err, 0, "start `%s`: container init did not respond", id);
          goto out;
        }
      if (pfd[0].revents & POLLIN)
        {
          if (read (fifo, &c, 1) == 1)
            break;
        }
      if (pfd[1].revents & POLLIN)
        {
          cell_err (err, 0, "start `%s`: container init exited", id);
          goto out;
        }
      if (pfd[0].revents & POLLHUP)
        {
          cell_err (err, 0, "start `%s`: container init exited", id);
          goto out;
        }
    }
  unlinkat (dfd, CELL_STATE_FIFO, 0);
  r = 0;
  /* runtime.md: poststart failures are logged, the lifecycle continues. */
  {
    cleanup_free char *config = xasprintf ("%s/config.json", st->bundle);
    struct cell_error *e = NULL;
    if (cell_spec_load_file (config, "config.json", &spec, &e) == 0)
      {
        if (run_hooks (spec->hooks.poststart, spec->hooks.n_poststart, st, CELL_STATUS_RUNNING, "poststart",
                       &e)
            < 0)
          cell_warn ("%s", e->msg);
      }
    else
      cell_warn ("%s", e->msg);
    cell_error_free (e);
  }
out:
  cell_spec_free (spec);
  cell_state_free (st);
  return r;
}

/* ---- run ---------------------------------------------------------------------------------------- */

static struct termios saved_tio;
static bool tio_saved;

static void
tty_raw (void)
{
  struct termios t;
  if (!isatty (0) || tcgetattr (0, &saved_tio) < 0)
    return;
  tio_saved = true;
  t = saved_tio;
  cfmakeraw (&t);
  t.c_oflag |= OPOST; /* keep \n -> \r\n on our side */
  tcsetattr (0, TCSANOW, &t);
}

static void
tty_restore (void)
{
  if (tio_saved)
    tcsetattr (0, TCSANOW, &saved_tio);
}

static bool
copy_fd (int from, int to)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof buf);
  if (n <= 0)
    return false;
  for (ssize_t off = 0; off < n;)
    {
      ssize_t w = write (to, buf + off, (size_t)(n - off));
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return true; /* the reader went away; keep draining */
      off += w;
    }
  return true;
}

/* Waits for init while forwarding signals to it, reaping orphans (we are a subreaper) and relaying the
   pty when we own it. Returns init's wait status. */
static int
supervise (pid_t pid, int pidfd, int pty_master, int *wstatus)
{
  sigset_t mask;
  cleanup_close int sfd = -1;
  bool init_done = false, stdin_open = pty_master >= 0;
  struct winsize ws;

  sigfillset (&mask);
  sigdelset (&mask, SIGSEGV);
  sigdelset (&mask, SIGBUS);
  sigdelset (&mask, SIGILL);
  sigdelset (&mask, SIGFPE);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  sfd = signalfd (-1, &mask, SFD_CLOEXEC);
  if (pty_master >= 0)
    {
      if (isatty (0) && ioctl (0, TIOCGWINSZ, &ws) == 0)
        ioctl (pty_master, TIOCSWINSZ, &ws);
      tty_raw ();
    }
  while (!init_done)
    {
      struct pollfd pfd[4];
      int n = 0, i_sig, i_pty = -1, i_in = -1, i_pid = -1;
      pfd[n] = (struct pollfd){ .fd = sfd, .events = POLLIN };
      i_sig = n++;
      /* the pidfd too: init may have exited before the signalfd existed (its SIGCHLD is then gone) */
      if (pidfd >= 0)
        {
          pfd[n] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
          i_pid = n++;
        }
      if (pty_master >= 0)
        {
          pfd[n] = (struct pollfd){ .fd = pty_master, .events = POLLIN };
          i_pty = n++;
          if (stdin_open)
            {
              pfd[n] = (struct pollfd){ .fd = 0, .events = POLLIN };
              i_in = n++;
            }
        }
      if (poll (pfd, (nfds_t)n, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (i_pty >= 0 && (pfd[i_pty].revents & (POLLIN | POLLHUP | POLLERR)))
        {
          if (!copy_fd (pty_master, 1))
            {
              close (pty_master);
              pty_master = -1;
              stdin_open = false;
            }
        }
      if (i_in >= 0 && (pfd[i_in].revents & (POLLIN | POLLHUP | POLLERR)))
        {
          if (!copy_fd (0, pty_master))
            stdin_open = false;
        }
      if (i_pid >= 0 && (pfd[i_pid].revents & POLLIN))
        {
          int st;
          if (waitpid (pid, &st, WNOHANG) == pid)
            {
              *wstatus = st;
              init_done = true;
            }
        }
      if (pfd[i_sig].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read (sfd, &si, sizeof si) != sizeof si)
            continue;
          if (si.ssi_signo == SIGCHLD)
            {
              int st;
              pid_t p;
              while ((p = waitpid (-1, &st, WNOHANG)) > 0)
                if (p == pid)
                  {
                    *wstatus = st;
                    init_done = true;
                  }
            }
          else if (si.ssi_signo == SIGWINCH && pty_master >= 0)
            {
              if (ioctl (0, TIOCGWINSZ, &ws) == 0)
                ioctl (pty_master, TIOCSWINSZ, &ws);
            }
          else if (pidfd >= 0)
            syscall (SYS_pidfd_send_signal, pidfd, si.ssi_signo, NULL, 0);
          else
            kill (pid, (int)si.ssi_signo);
        }
    }
  /* Drain what the container wrote last. */
  if (pty_master >= 0)
    {
      struct pollfd p = { .fd = pty_master, .events = POLLIN };
      while (poll (&p, 1, 0) > 0 && (p.revents & POLLIN) && copy_fd (pty_master, 1))
        ;
      close (pty_master);
    }
  tty_restore ();
  sigprocmask (SIG_UNBLOCK, &mask, NULL);
  return 0;
}

static int
exit_code (int wstatus)
{
  if (WIFEXITED (wstatus))
    return WEXITSTATUS (wstatus);
  if (WIFSIGNALED (wstatus))
    return 128 + WTERMSIG (wstatus);
  return 255;
}

/* After the container stopped: poststop hooks, cgroup removal, state removal. */
static int
destroy_stopped (struct cell_context *ctx, struct cell_state *st, const struct cell_spec *spec,
                 struct cell_error **err)
{
  struct cell_cgroup *cg = NULL;
  struct cell_spec *loaded = NULL;
  int r = 0;

  if (st->cgroup && cell_cgroup_deserialize (st->cgroup, &cg, err) == 0)
    {
      if (cell_cgroup_destroy (cg, err) < 0)
        r = -1;
      cell_cgroup_free (cg);
    }
  else if (st->cgroup)
    r = -1;
  if (spec == NULL && st->bundle && *st->bundle)
    {
      cleanup_free char *config = xasprintf ("%s/config.json", st->bundle);
      struct cell_error *e = NULL;
      if (cell_spec_load_file (config, "config.json", &loaded, &e) < 0)
        {
          cell_warn ("poststop hooks not run: %s", e->msg);
          cell_error_free (e);
        }
      spec = loaded;
    }
  if (spec)
    {
      struct cell_error *e = NULL;
      /* runtime.md: poststop failures are logged as warnings. */
      if (run_hooks (spec->hooks.poststop, spec->hooks.n_poststop, st, CELL_STATUS_STOPPED, "poststop", &e)
          < 0)
        {
          cell_warn ("%s", e->msg);
          cell_error_free (e);
        }
    }
  cell_spec_free (loaded);
  if (cell_state_dir_remove (ctx->root_dfd, st->id, r < 0 ? NULL : err) < 0)
    r = -1;
  return r;
}

int
cell_container_run (struct cell_context *ctx, const char *id, const struct cell_create_opts *opts,
                    int *exit_status, struct cell_error **err)
{
  struct create_job job = JOB_INIT (ctx, id, opts);
  int wstatus = 0, r;

  sigset_t mask, old;

  *exit_status = 0;
  if (!opts->detach)
    {
      prctl (PR_SET_CHILD_SUBREAPER, 1);
      /* signals that arrive while the container is set up are kept pending and forwarded by supervise()
         (init resets its mask before exec) */
      sigfillset (&mask);
      sigdelset (&mask, SIGSEGV);
      sigdelset (&mask, SIGBUS);
      sigdelset (&mask, SIGILL);
      sigdelset (&mask, SIGFPE);
      sigprocmask (SIG_BLOCK, &mask, &old);
    }
  r = do_create (&job, true, err);
  if (r < 0)
    {
      if (!opts->detach)
        sigprocmask (SIG_SETMASK, &old, NULL);
      job_rollback (&job);
      job_release (&job);
      return -1;
    }
  {
    struct cell_error *e = NULL;
    const struct cell_spec_hooks *h = &job.spec->hooks;
    if (run_hooks (h->poststart, h->n_poststart, &job.st, CELL_STATUS_RUNNING, "poststart", &e) < 0)
      {
        cell_warn ("%s", e->msg);
        cell_error_free (e);
      }
  }
  if (opts->detach)
    {
      job_release (&job);
      return 0;
    }
  cell_closep (&job.console_fd);
  /* others (state, kill, list) may look at the container while it runs; delete takes the lock back */
  flock (job.state_dfd, LOCK_UN);
  supervise (job.pid, job.pidfd, job.pty_master, &wstatus);
  flock (job.state_dfd, LOCK_EX);
  *exit_status = exit_code (wstatus);
  job.st.id = (char *)id;
  r = destroy_stopped (ctx, &job.st, job.spec, err);
  job_release (&job);
  return r;
}

/* ---- kill / delete / state -------------------------------------------------------------------------- */

static bool
state_frozen (const struct cell_state *st)
{
  struct cell_cgroup *cg = NULL;
  struct cell_error *e = NULL;
  bool frozen = false;
  if (st->cgroup == NULL || cell_cgroup_deserialize (st->cgroup, &cg, &e) < 0)
    {
      cell_error_free (e);
      return false;
    }
  frozen = cell_cgroup_is_frozen (cg);
  cell_cgroup_free (cg);
  return frozen;
}

int
cell_container_load (struct cell_context *ctx, const char *id, struct cell_state **st,
                     enum cell_status *status, struct cell_error **err)
{
  cleanup_close int dfd = -1;
  if (cell_state_validate_id (id, err) < 0 || cell_context_root (ctx, err) < 0)
    return -1;
  if (cell_state_dir_open (ctx->root_dfd, id, false, &dfd, err) < 0)
    return -1;
  if (cell_state_read (dfd, id, st, err) < 0)
    return -1;
  *status = cell_state_status (dfd, *st, false);
  if (*status == CELL_STATUS_RUNNING || *status == CELL_STATUS_CREATED)
    if (state_frozen (*st))
      *status = CELL_STATUS_PAUSED;
  return 0;
}

int
cell_container_state (struct cell_context *ctx, const char *id, char **json, struct cell_error **err)
{
  struct cell_state *st = NULL;
  enum cell_status status;
  if (cell_container_load (ctx, id, &st, &status, err) < 0)
    return -1;
  *json = cell_state_json (st, status, true);
  cell_state_free (st);
  return 0;
}

int
cell_container_init_pid (const char *root, const char *id, pid_t *pid, struct cell_error **err)
{
  struct cell_context ctx = { .root = (char *)root, .root_dfd = -1 };
  struct cell_state *st = NULL;
  enum cell_status status;
  int r = cell_container_load (&ctx, id, &st, &status, err);
  cell_closep (&ctx.root_dfd);
  if (r < 0)
    return -1;
  if (status == CELL_STATUS_STOPPED || status == CELL_STATUS_CREATING)
    r = cell_err (err, 0, "container `%s` is %s", id, cell_status_name (status));
  else
    *pid = st->pid;
  cell_state_free (st);
  return r;
}

static int
kill_all (const struct cell_state *st, int sig, struct cell_error **err)
{
  struct cell_cgroup *cg = NULL;
  int r;
  if (st->cgroup == NULL)
    return cell_err (err, 0, "container `%s` has no cgroup: --all needs one", st->id);
  if (cell_cgroup_deserialize (st->cgroup, &cg, err) < 0)
    return -1;
  r = cell_cgroup_kill_all (cg, sig, err);
  cell_cgroup_free (cg);
  return r;
}

int
cell_container_kill (struct cell_context *ctx, const char *id, int sig, bool all, struct cell_error **err)
{
  cleanup_close int dfd = -1;
  struct cell_state *st = NULL;
  enum cell_status status;
  int r;

  if (cell_state_validate_id (id, err) < 0 || cell_context_root (ctx, err) < 0)
    return -1;
  if (cell_state_dir_open (ctx->root_dfd, id, false, &dfd, err) < 0)
    return -1;
  if (cell_state_read (dfd, id, &st, err) < 0)
    return -1;
  status = cell_state_status (dfd, st, false);
  if (status == CELL_STATUS_STOPPED || status == CELL_STATUS_CREATING)
    r = cell_err (err, 0, "container `%s` is not running", id);
  else if (all)
    r = kill_all (st, sig, err);
  else
    r = send_signal (st->pid, st->start_time, sig, err);
  cell_state_free (st);
  return r;
}

int
cell_container_delete (struct cell_context *ctx, const char *id, bool force, struct cell_error **err)
{
  cleanup_close int dfd = -1;
  struct cell_state *st = NULL;
  enum cell_status status;
  int r;

  if (cell_state_validate_id (id, err) < 0 || cell_context_root (ctx, err) < 0)
    return -1;
  if (cell_state_dir_open (ctx->root_dfd, id, true, &dfd, err) < 0)
    {
      /* containerd deletes, then deletes again with --force: a gone container is fine then. */
      if (force && *err && (*err)->code == -ENOENT)
        {
          cell_error_free (*err);
          *err = NULL;
          return 0;
        }
      return -1;
    }
  if (cell_state_read (dfd, id, &st, err) < 0)
    return -1;
  status = cell_state_status (dfd, st, state_frozen (st));
  if ((status == CELL_STATUS_RUNNING || status == CELL_STATUS_PAUSED) && !force)
    {
      r = cell_err (err, 0, "cannot delete container `%s` that is %s (use --force)", id,
                    cell_status_name (status));
      cell_state_free (st);
      return r;
    }
  if (status == CELL_STATUS_CREATING && !force)
    {
      cell_state_free (st);
      return cell_err (err, 0, "container `%s` is being created", id);
    }
  /* runtime.md "delete": a created container may be deleted; kill init (and, without its own pid
     namespace, everything in its cgroup: destroy does that). */
  if (status != CELL_STATUS_STOPPED && st->pid > 0)
    {
      cleanup_close int pidfd = pidfd_open_compat (st->pid);
      if (pidfd >= 0 && cell_state_pid_start_time (st->pid) == st->start_time)
        {
          struct pollfd p = { .fd = pidfd, .events = POLLIN };
          syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
          /* A frozen init dies only once thawed: cgroup destroy thaws and kills. */
          if ((st->cgroup == NULL || st->own_pidns) && status != CELL_STATUS_PAUSED)
            poll (&p, 1, 5000);
        }
    }
  r = destroy_stopped (ctx, st, NULL, err);
  cell_state_free (st);
  return r;
}
