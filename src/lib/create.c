/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* create.c: `create` and `run`: everything static first (the ID, config.json, the rootfs opened once, the
   plan, the seccomp filter, the console socket), then the state dir with the validated config, the cgroup,
   init; and the rollback of a create that failed at any point. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "caps.h"
#include "container.h"
#include "hooks.h"
#include "image.h"
#include "json.h"
#include "log.h"
#include "lsm.h"
#include "netdev.h"
#include "path-util.h"
#include "plan.h"
#include "resctrl.h"
#include "sealed-exe.h"
#include "seccomp.h"
#include "spawn.h"
#include "spec.h"
#include "supervise.h"
#include "xalloc.h"

struct create_job
{
  struct cell_context *ctx;
  const char *id;
  const struct cell_create_opts *opts;
  bool foreground; /* run: init execs at once */
  char bundle[PATH_MAX];
  char *config; /* the bytes of config.json as validated: kept in the state dir */
  size_t config_len;
  struct cell_spec *spec;
  struct cell_plan *plan;
  int rootfs_fd;
  bool root_image;
  struct cell_seccomp *seccomp;
  bool exec_stub; /* init ends in the sealed exec stub; the runtime did not re-execute sealed */
  int console_fd;
  struct cell_cgroup *cg;
  int spare[2]; /* two fds held back, so that a rollback at the fd limit still has some (SECURITY row 43) */
  /* side effects, undone by job_rollback */
  struct cell_state st;
  int state_dfd;
  bool dir_created;
  bool cg_created;
  int start_sock;
  pid_t pid;
  int pidfd;
  int pty_master;
  pid_t warm;      /* cell_cgroup_warm_start's child, reaped before the container's cgroup moves */
  bool cg_self;    /* init moves itself into the v1 hierarchies (cb_init_first) */
  bool st_written; /* the state with init's pid is written (cb_ready) */
};

static void
job_init (struct create_job *job, struct cell_context *ctx, const char *id,
          const struct cell_create_opts *opts, bool foreground)
{
  memset (job, 0, sizeof (*job));
  job->ctx = ctx;
  job->id = id;
  job->opts = opts;
  job->foreground = foreground && !opts->detach;
  job->rootfs_fd = job->console_fd = job->state_dfd = job->start_sock = job->pidfd = job->pty_master = -1;
  job->spare[0] = job->spare[1] = -1;
}

static void
job_release (struct create_job *job)
{
  free (job->config);
  cell_spec_free (job->spec);
  cell_plan_free (job->plan);
  cell_seccomp_free (job->seccomp);
  cell_cgroup_warm_end (&job->warm);
  cell_cgroup_free (job->cg);
  cell_closep (&job->rootfs_fd);
  cell_closep (&job->console_fd);
  cell_closep (&job->spare[0]);
  cell_closep (&job->spare[1]);
  cell_closep (&job->state_dfd);
  cell_closep (&job->start_sock);
  cell_closep (&job->pidfd);
  free (job->st.bundle);
  free (job->st.rootfs);
  free (job->st.created);
  free (job->st.owner);
  free (job->st.cgroup);
}

/* Undo a failed create: kill init, remove the cgroup and the state dir, with the fds held back for it. */
static void
job_rollback (struct create_job *job)
{
  struct cell_error *e = NULL;
  cell_closep (&job->spare[0]);
  cell_closep (&job->spare[1]);
  if (job->pid > 0)
    {
      if (job->pidfd < 0 || syscall (SYS_pidfd_send_signal, job->pidfd, SIGKILL, NULL, 0) < 0)
        kill (job->pid, SIGKILL);
      while (waitpid (job->pid, NULL, __WALL) < 0 && errno == EINTR)
        ;
    }
  if (job->cg && job->cg_created && cell_cgroup_destroy (job->cg, &e) < 0)
    {
      cell_warn ("%s", e->msg);
      cell_error_freep (&e);
    }
  if (job->dir_created && cell_state_dir_remove (job->ctx->root_dfd, job->id, &job->state_dfd, &e) < 0)
    {
      cell_warn ("%s", e->msg);
      cell_error_freep (&e);
    }
}

/* ---- static: nothing is created ------------------------------------------------------------------------ */

static int
job_load (struct create_job *job, struct cell_error **err)
{
  const char *b = job->opts->bundle ? job->opts->bundle : ".";
  cleanup_free char *path = NULL;

  if (cell_state_validate_id (job->id, err) < 0)
    return -1;
  if (realpath (b, job->bundle) == NULL)
    return cell_err_errno (err, "bundle `%s`", b);
  path = xasprintf ("%s/config.json", job->bundle);
  if (cell_json_read_file (path, "config.json", NULL, &job->config, &job->config_len, err) < 0
      || cell_spec_load_buffer (job->config, job->config_len, "config.json", &job->spec, err) < 0)
    return -1;
  cell_trace ("parse");
  if (cell_spec_validate (job->spec, "config.json", err) < 0)
    return -1;
  cell_trace ("validate");
  if (job->foreground && !job->spec->has_process)
    return cell_err (err, 0, "config.json: /process: `run` needs a process");
  return 0;
}

/* The rootfs is opened once, without following a symlink, and everything after works from that fd: a
   rootfs swapped for a symlink afterwards changes nothing (SECURITY row 10). */
static int
job_rootfs (struct create_job *job, struct cell_error **err)
{
  cleanup_free char *joined = cell_path_join (job->bundle, job->spec->root.path);
  cleanup_free char *rootfs = cell_path_clean (joined);
  struct stat sb;

  if (streq (rootfs, "/"))
    return cell_err (err, 0, "config.json: /root/path: `%s` is the host's root directory",
                     job->spec->root.path);
  job->rootfs_fd = open (rootfs, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (job->rootfs_fd < 0 || fstat (job->rootfs_fd, &sb) < 0)
    return cell_err_errno (err, "invalid rootfs `%s`", rootfs);
  if (S_ISLNK (sb.st_mode))
    return cell_err (err, 0, "invalid rootfs `%s`: a symlink", rootfs);
  if (S_ISREG (sb.st_mode))
    {
      /* an image: reopened for reading through the same inode */
      char self[64];
      int fd;
      snprintf (self, sizeof (self), "/proc/self/fd/%d", job->rootfs_fd);
      fd = open (self, O_RDONLY | O_CLOEXEC | O_NOCTTY);
      if (fd < 0)
        return cell_err_errno (err, "invalid rootfs `%s`", rootfs);
      cell_closep (&job->rootfs_fd);
      job->rootfs_fd = fd;
      if (cell_image_probe_fd (fd, rootfs, &job->root_image, err) < 0)
        return -1;
      if (!job->root_image)
        return cell_err (err, 0, "invalid rootfs `%s`: neither a directory nor a squashfs image", rootfs);
      for (size_t i = 0; i < job->spec->linux_.n_namespaces; i++)
        if (job->spec->linux_.namespaces[i].type == CELL_NS_MOUNT
            && !(job->spec->linux_.namespaces[i].path && *job->spec->linux_.namespaces[i].path))
          return 0;
      return cell_err (err, 0, "config.json: /linux/namespaces: an image root needs a new mount namespace");
    }
  if (!S_ISDIR (sb.st_mode))
    return cell_err (err, 0, "invalid rootfs `%s`: not a directory", rootfs);
  return 0;
}

/* Will the filter let the exec stub's execveat through? Only what the profile plainly allows counts. */
static bool
seccomp_allows_execveat (const struct cell_spec_seccomp *sc)
{
  bool named = false, allowed = false;
  if (sc == NULL)
    return true;
  for (size_t i = 0; i < sc->n_syscalls; i++)
    for (size_t k = 0; sc->syscalls[i].names && sc->syscalls[i].names[k]; k++)
      if (streq (sc->syscalls[i].names[k], "execveat"))
        {
          const char *a = sc->syscalls[i].action;
          bool ok = (streq (a, "SCMP_ACT_ALLOW") || streq (a, "SCMP_ACT_LOG")) && sc->syscalls[i].n_args == 0;
          allowed = named ? allowed && ok : ok;
          named = true;
        }
  if (named)
    return allowed;
  return streq (sc->default_action, "SCMP_ACT_ALLOW") || streq (sc->default_action, "SCMP_ACT_LOG");
}

static int
job_plan (struct create_job *job, struct cell_error **err)
{
  cleanup_free char *keyring = job->opts->no_new_keyring ? NULL : xasprintf ("_ses.%s", job->id);
  struct cell_plan_oci_opts popts = { .bundle = job->bundle,
                                      .no_pivot = job->opts->no_pivot,
                                      .root_image = job->root_image,
                                      .session_keyring = keyring };
  const struct cell_plan *plan;

  job->plan = cell_plan_from_oci (job->spec, &popts);
  plan = job->plan;
  if (plan->process.present)
    {
      struct cell_plan_process *p = &job->plan->process;
      cell_caps_fit (&p->cap_bounding, &p->cap_effective, &p->cap_permitted, &p->cap_inheritable,
                     &p->cap_ambient, "config.json: /process/capabilities");
    }
  if (plan->process.seccomp
      && cell_seccomp_compile (plan->process.seccomp, "config.json", &job->seccomp, err) < 0)
    return -1;
  /* what the host must offer: the LSM of a profile or label, resctrl, the network devices to move */
  if (cell_lsm_check_plan (plan, err) < 0 || (plan->intel_rdt && cell_resctrl_check (err) < 0)
      || cell_netdev_check (plan, err) < 0)
    return -1;
  /* CVE-2019-5736 (SECURITY.md row 1): no container code may ever reach the host binary through
     /proc/PID/exe. Init may stay the host binary until it execs the sealed stub only when nothing of the
     container's can see it before: its own new pid namespace, no hook run inside the container, a seccomp
     filter that lets the stub's execveat through. Otherwise the whole runtime re-executes from a sealed copy
     of itself first (before anything is created: it starts over). */
  job->exec_stub = cell_exec_stub_built () && plan->ns[CELL_NS_PID].create && !plan->ns[CELL_NS_PID].path
                   && !plan->hooks.n_create_container && !plan->hooks.n_start_container
                   && seccomp_allows_execveat (plan->process.seccomp);
  if (!job->exec_stub && job->ctx->argv && cell_sealed_exe_ensure (job->ctx->argv, err) < 0)
    return -1;
  cell_trace ("plan");
  if (cell_log_debug_enabled ())
    {
      unsigned long long t = cell_trace_now ();
      cleanup_free char *dump = cell_plan_dump (plan);
      cell_debug ("plan for `%s`:\n%s", job->id, dump);
      cell_trace_exclude (t);
    }
  return 0;
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

static int
job_io (struct create_job *job, struct cell_error **err)
{
  const struct cell_create_opts *opts = job->opts;
  bool terminal = job->plan->process.present && job->plan->process.terminal;

  if (terminal && opts->console_socket == NULL && !job->foreground)
    return cell_err (err, 0, "cannot allocate a tty if cell will detach without setting --console-socket");
  if (!terminal && opts->console_socket)
    return cell_err (err, 0, "--console-socket given but process.terminal is false");
  if (opts->console_socket && connect_console_socket (opts->console_socket, &job->console_fd, err) < 0)
    return -1;
  if (cell_container_cgroup (job->ctx, job->plan->cgroup_path, job->id, &job->cg, err) < 0)
    return -1;
  /* rootless: a cgroup only where it was delegated to us */
  return geteuid () != 0 ? cell_cgroup_keep_if_delegated (&job->cg, job->plan->resources, err) : 0;
}

/* ---- side effects -------------------------------------------------------------------------------------- */

/* The runtime's user, for `list`: its name in /etc/passwd (read here, as runc reads it: no NSS module is
   loaded into the runtime), else "#UID". */
static char *
owner_name (void)
{
  unsigned uid = (unsigned)geteuid ();
  cleanup_free char *line = NULL;
  size_t cap = 0;
  FILE *f = fopen ("/etc/passwd", "re");
  char *name = NULL;

  while (f && !name && getline (&line, &cap, f) > 0)
    {
      char *rest = line, *user = strsep (&rest, ":"), *id;
      if (strsep (&rest, ":") && (id = strsep (&rest, ":")) && *id >= '0' && *id <= '9'
          && strtoul (id, NULL, 10) == uid)
        name = xstrdup (user);
    }
  if (f)
    fclose (f);
  return name ? name : xasprintf ("#%u", uid);
}

/* The state dir with the config `create` validated, and a first state.json naming the cgroup before the
   cgroup exists: `delete --force` after the runtime was killed at any point finds and removes everything
   (SECURITY.md row 44). */
static int
job_state_dir (struct create_job *job, struct cell_error **err)
{
  const struct cell_plan *plan = job->plan;
  int r;
  for (int i = 0; i < 2; i++)
    if ((job->spare[i] = open ("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
      return cell_err_errno (err, "open `/dev/null`");
  job->st.id = (char *)job->id;
  job->st.bundle = xstrdup (job->bundle);
  job->st.rootfs = xstrdup (plan->rootfs);
  job->st.created = cell_state_now ();
  job->st.owner = owner_name ();
  job->st.annotations = job->spec->annotations;
  job->st.n_annotations = job->spec->n_annotations;
  job->st.own_pidns = plan->ns[CELL_NS_PID].create || plan->ns[CELL_NS_PID].path;
  job->st.has_process = plan->process.present;
  job->st.has_poststart = job->spec->hooks.n_poststart > 0;
  job->st.has_poststop = job->spec->hooks.n_poststop > 0;
  if (job->cg)
    {
      cell_cgroup_expect (job->cg);
      job->st.cgroup = cell_cgroup_serialize (job->cg);
    }
  if (cell_context_root (job->ctx, err) < 0)
    return -1;
  r = cell_state_dir_create (job->ctx->root_dfd, job->id, job->config, job->config_len, &job->st,
                             &job->state_dfd, err);
  job->dir_created = job->state_dfd >= 0;
  if (r < 0)
    return -1;
  cell_trace ("state-dir");
  if (job->cg)
    {
      if (cell_cgroup_create (job->cg, err) < 0)
        return -1;
      job->cg_created = true;
      /* what create really made (someone may have made a parent meanwhile), for the next state write */
      free (job->st.cgroup);
      job->st.cgroup = cell_cgroup_serialize (job->cg);
      cell_trace ("cgroup");
    }
  if (!job->foreground && !job->opts->detach
      && cell_state_start_listen (job->state_dfd, job->id, &job->start_sock, err) < 0)
    return -1;
  return 0;
}

/* Init (or, with a grandchild to come, the middle: cb_mounts_done then says who init is) waits for GO: its
   pid and start time, read while it surely lives (see job_spawn); its cgroups and their limits. */
static int
cb_placed (void *userdata, pid_t pid, bool in_cgroup, struct cell_error **err)
{
  struct create_job *job = userdata;
  job->st.pid = pid;
  job->st.start_time = cell_state_pid_start_time (pid);
  if (job->cg == NULL)
    return 0;
  cell_cgroup_warm_end (&job->warm);
  if (cell_cgroup_enter (job->cg, pid, NULL, job->cg_self, in_cgroup, err) < 0)
    return -1;
  /* Always: with no linux.resources the default device policy (deny all but the standard nodes) still
     applies, as with runc and crun. */
  return cell_cgroup_apply (job->cg, job->plan->resources, err);
}

/* In init, first thing: into its v1 cgroups by its own hand (no global lock, no grace period to wait). */
static int
cb_init_first (void *userdata, struct cell_error **err)
{
  struct create_job *job = userdata;
  return job->cg_self ? cell_cgroup_enter_self (job->cg, NULL, err) : 0;
}

static int
cb_mounts_done (void *userdata, pid_t pid, char **state_json, struct cell_error **err)
{
  struct create_job *job = userdata;
  const struct cell_spec_hooks *h = &job->plan->hooks;
  cleanup_free char *json = NULL;

  job->st.pid = pid;
  /* read while init surely lives (it waits for HOOKS_DONE): see job_spawn */
  job->st.start_time = cell_state_pid_start_time (pid);
  if (h->n_prestart || h->n_create_runtime || h->n_create_container || h->n_start_container)
    json = cell_state_json (&job->st, CELL_STATUS_CREATING, false);
  if (h->n_prestart
      && cell_hooks_run (h->prestart, h->n_prestart, json, "prestart", CELL_HOOKS_STOP, err) < 0)
    return -1;
  if (h->n_create_runtime
      && cell_hooks_run (h->create_runtime, h->n_create_runtime, json, "createRuntime", CELL_HOOKS_STOP, err)
             < 0)
    return -1;
  *state_json = h->n_create_container || h->n_start_container ? steal_ptr (&json) : NULL;
  return 0;
}

static int
cb_seccomp_listener (void *userdata, pid_t pid, int notify_fd, struct cell_error **err)
{
  struct create_job *job = userdata;
  const struct cell_spec_seccomp *sc = job->plan->process.seccomp;
  cleanup_free char *json = NULL;

  job->st.pid = pid;
  json = cell_state_json (&job->st, CELL_STATUS_CREATING, false);
  return cell_seccomp_notify_send (sc->listener_path, notify_fd, pid, json, sc->listener_metadata, err);
}

/* The state with init's pid while init execs: written after the exec, the write and the new process took
   turns on one CPU (0.2 ms of `run` measured). */
static int
cb_ready (void *userdata, pid_t pid, struct cell_error **err)
{
  struct create_job *job = userdata;
  if (job->st.pid != pid || job->st.start_time == 0)
    job->st.start_time = cell_state_pid_start_time (pid);
  job->st.pid = pid;
  free (job->st.cgroup);
  job->st.cgroup = job->cg ? cell_cgroup_serialize (job->cg) : NULL;
  job->st_written = true;
  return cell_state_write (job->state_dfd, &job->st, err);
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

static int
job_spawn (struct create_job *job, struct cell_error **err)
{
  cleanup_free char *state_dir = NULL;
  char root[PATH_MAX];
  struct cell_spawn_result res;
  struct cell_mount_cgroup *mounts = NULL;
  size_t n_mounts = 0;
  int r;
  struct cell_spawn_opts so = {
    .end = job->start_sock >= 0 ? CELL_SPAWN_WAIT_START : CELL_SPAWN_EXEC,
    .rootfs_fd = job->rootfs_fd,
    .start_sock = job->start_sock,
    .console_socket_fd = job->console_fd,
    .relay_tty = job->plan->process.terminal && job->console_fd < 0,
    .preserve_fds = job->opts->preserve_fds,
    .cgroup_dfd = job->cg ? cell_cgroup_clone_dfd (job->cg) : -1,
    .seccomp = job->seccomp,
    .exec_stub = job->exec_stub,
    .force_mount2 = job->ctx->force_mount2,
    .cb = { .userdata = job,
            .init_first = cb_init_first,
            .placed = cb_placed,
            .mounts_done = cb_mounts_done,
            .seccomp_listener = cb_seccomp_listener,
            .ready = cb_ready },
  };

  /* the root is attached over the state dir, in init's own mount namespace */
  if (!realpath (job->ctx->root, root))
    return cell_err_errno (err, "state root `%s`", job->ctx->root);
  state_dir = xasprintf ("%s/%s", root, job->id);
  so.attach_dir = state_dir;
  /* the hierarchies init mounts at /sys/fs/cgroup: found once, here (init reads no mountinfo) */
  if (job->cg)
    {
      mounts = cell_cgroup_mount_table (job->cg, &n_mounts);
      so.cgroup_mounts = mounts;
      so.n_cgroup_mounts = n_mounts;
    }
  r = cell_spawn (job->plan, &so, &res, err);
  cell_cgroup_mount_table_free (mounts, n_mounts);
  if (r < 0)
    return -1;
  cell_closep (&job->start_sock);
  job->pid = res.pid;
  job->pidfd = res.pidfd;
  job->pty_master = res.pty_master_fd;
  /* A process that has already exited (`run -d` of `true`) reads no start time any more, and a state.json
     with a pid but none was refused by every later command: keep the one read while init waited (placed,
     or MOUNTS_DONE for a grandchild). */
  if (job->st.pid != res.pid || job->st.start_time == 0)
    job->st.start_time = cell_state_pid_start_time (res.pid);
  if (!job->st_written || job->st.pid != res.pid)
    {
      job->st.pid = res.pid;
      free (job->st.cgroup);
      job->st.cgroup = job->cg ? cell_cgroup_serialize (job->cg) : NULL;
      if (cell_state_write (job->state_dfd, &job->st, err) < 0)
        return -1;
    }
  if (job->opts->pid_file && write_pid_file (job->opts->pid_file, res.pid, err) < 0)
    return -1;
  cell_trace ("state");
  return 0;
}

static int
do_create (struct create_job *job, struct cell_error **err)
{
  if (job_load (job, err) < 0 || job_rootfs (job, err) < 0 || job_plan (job, err) < 0)
    return -1;
  if (job_io (job, err) < 0)
    return -1;
  /* Placing init with a write of its pid to cgroup.procs waits for the kernel's grace period (see
     cell_cgroup_warm_start); init moves itself into v1 hierarchies instead where it can (privileged: in the
     initial user namespace) and CLONE_INTO_CGROUP puts it in the cgroup2 one. Otherwise the grace period
     runs while the state dir is made. */
  if (job->cg)
    {
      const struct cell_plan_ns *user = &job->plan->ns[CELL_NS_USER];
      job->cg_self = geteuid () == 0 && !user->create && !user->path && cell_cgroup_has_v1 (job->cg);
      if (!job->cg_self && cell_cgroup_has_v1 (job->cg))
        job->warm = cell_cgroup_warm_start ();
    }
  /* From here on, side effects: rollback on failure. */
  return job_state_dir (job, err) < 0 || job_spawn (job, err) < 0 ? -1 : 0;
}

int
cell_container_create (struct cell_context *ctx, const char *id, const struct cell_create_opts *opts,
                       struct cell_error **err)
{
  struct create_job job;
  int r;
  job_init (&job, ctx, id, opts, false);
  r = do_create (&job, err);
  if (r < 0)
    job_rollback (&job);
  job_release (&job);
  return r;
}

int
cell_container_run (struct cell_context *ctx, const char *id, const struct cell_create_opts *opts,
                    int *exit_status, struct cell_error **err)
{
  struct create_job job;
  int wstatus = 0, r;
  sigset_t mask, old;

  *exit_status = 0;
  job_init (&job, ctx, id, opts, true);
  if (job.foreground)
    {
      if (!opts->no_subreaper)
        prctl (PR_SET_CHILD_SUBREAPER, 1);
      /* signals that arrive while the container is set up stay pending and are forwarded by the supervisor
         (init resets its mask) */
      sigfillset (&mask);
      sigdelset (&mask, SIGSEGV);
      sigdelset (&mask, SIGBUS);
      sigdelset (&mask, SIGILL);
      sigdelset (&mask, SIGFPE);
      sigprocmask (SIG_BLOCK, &mask, &old);
    }
  if (do_create (&job, err) < 0)
    {
      if (job.foreground)
        sigprocmask (SIG_SETMASK, &old, NULL);
      job_rollback (&job);
      job_release (&job);
      return -1;
    }
  cell_container_run_late_hooks (job.state_dfd, &job.st, CELL_STATUS_RUNNING, "poststart");
  if (!job.foreground)
    {
      job_release (&job);
      return 0;
    }
  cell_closep (&job.console_fd);
  /* others (state, kill, list) may look at the container while it runs; destroy takes the lock back */
  flock (job.state_dfd, LOCK_UN);
  cell_supervise (job.pid, job.pidfd, job.pty_master, -1, &wstatus);
  cell_trace ("wait");
  flock (job.state_dfd, LOCK_EX);
  *exit_status = cell_exit_code (wstatus);
  r = opts->keep ? 0 : cell_container_destroy (ctx, &job.state_dfd, &job.st, job.cg, err);
  cell_trace ("teardown");
  job_release (&job);
  return r;
}
