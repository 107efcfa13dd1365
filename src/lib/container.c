/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* container.c: the OCI lifecycle after `create`, over the state directory: open and lock, start, kill,
   delete, state; the late hooks from the config `create` stored. None of it reads the bundle. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "container.h"
#include "holders.h"
#include "hooks.h"
#include "log.h"
#include "spec.h"
#include "xalloc.h"

int
cell_context_root (struct cell_context *ctx, struct cell_error **err)
{
  if (ctx->root_dfd >= 0)
    return 0;
  return cell_state_root_open (ctx->root, &ctx->root_dfd, err);
}

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

/* Paused: the freezer says FROZEN. With the v1 freezer (v1 and hybrid hosts) a frozen task waits in the
   refrigerator and shows 'D', so init seen running or sleeping is not in a frozen cgroup and the freezer
   is not read (a quarter of `list`'s time per container). The cgroup2 freezer parks tasks sleeping ('S'):
   there it is always read. */
static enum cell_status
status_of (int dfd, const struct cell_state *st)
{
  char seen = 0;
  enum cell_status s = cell_state_status_seen (dfd, st, false, &seen);
  bool v1_freezer = st->cgroup && !cell_cgroup_state_is_v2 (st->cgroup);
  if ((s == CELL_STATUS_RUNNING || s == CELL_STATUS_CREATED) && !(v1_freezer && (seen == 'S' || seen == 'R'))
      && state_frozen (st))
    s = CELL_STATUS_PAUSED;
  return s;
}

int
cell_container_open (struct cell_context *ctx, const char *id, enum cell_container_lock lock,
                     struct cell_container *c, struct cell_error **err)
{
  c->dfd = -1;
  c->st = NULL;
  if (cell_state_validate_id (id, err) < 0 || cell_context_root (ctx, err) < 0)
    return -1;
  if (lock == CELL_LOCK_NONE)
    {
      c->dfd = openat (ctx->root_dfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (c->dfd < 0)
        return errno == ENOENT ? cell_err_as (err, ENOENT, "container `%s` does not exist", id)
                               : cell_err_errno (err, "open state directory of `%s`", id);
    }
  else if (cell_state_dir_open (ctx->root_dfd, id, lock == CELL_LOCK_EXCL, &c->dfd, err) < 0)
    return -1;
  if (cell_state_read (c->dfd, id, &c->st, err) < 0)
    {
      /* without the lock, the directory may have been removed and recycled for another container meanwhile
         (state.json naming it, or being written): then the container is gone */
      if (lock == CELL_LOCK_NONE && !cell_state_dir_still_named (ctx->root_dfd, id, c->dfd))
        {
          cell_error_freep (err);
          cell_err_as (err, ENOENT, "container `%s` does not exist", id);
        }
      cell_closep (&c->dfd);
      return -1;
    }
  c->status = status_of (c->dfd, c->st);
  return 0;
}

void
cell_container_close (struct cell_container *c)
{
  cell_closep (&c->dfd);
  cell_state_free (c->st);
  c->st = NULL;
}
#define cleanup_container __attribute__ ((cleanup (cell_container_close)))

/* ---- hooks ----------------------------------------------------------------------------------------------
 */

void
cell_container_run_late_hooks (int dfd, const struct cell_state *st, enum cell_status status,
                               const char *phase)
{
  struct cell_spec *spec = NULL;
  struct cell_error *e = NULL;
  cleanup_free char *json = NULL;
  bool poststart = streq (phase, "poststart");

  if (!(poststart ? st->has_poststart : st->has_poststop))
    return;
  if (cell_state_config_load (dfd, st->id, &spec, &e) < 0)
    {
      cell_warn ("%s hooks not run: %s", phase, e->msg);
      cell_error_free (e);
      return;
    }
  json = cell_state_json (st, status, false);
  /* runtime.md: a failing poststart or poststop hook is a warning, and the rest still run */
  if (poststart)
    cell_hooks_run (spec->hooks.poststart, spec->hooks.n_poststart, json, phase, CELL_HOOKS_WARN, NULL);
  else
    cell_hooks_run (spec->hooks.poststop, spec->hooks.n_poststop, json, phase, CELL_HOOKS_WARN, NULL);
  cell_spec_free (spec);
}

/* ---- start ----------------------------------------------------------------------------------------------
 */

/* Init's answer: nothing before EOF means its exec worked (the connection is close-on-exec); text is the
   error that stopped it. */
static int
wait_exec (int conn, const char *id, struct cell_error **err)
{
  char buf[4096];
  size_t len = 0;
  for (;;)
    {
      ssize_t n = read (conn, buf + len, sizeof (buf) - 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return cell_err_errno (err, "start `%s`: read its init's answer", id);
      if (n == 0 || (len += (size_t)n) == sizeof (buf) - 1)
        break;
    }
  if (len == 0)
    return 0;
  buf[len] = '\0';
  return cell_err (err, 0, "start `%s`: %s", id, buf);
}

int
cell_container_start (struct cell_context *ctx, const char *id, struct cell_error **err)
{
  cleanup_container struct cell_container c = { .dfd = -1 };
  cleanup_close int conn = -1;

  if (cell_container_open (ctx, id, CELL_LOCK_EXCL, &c, err) < 0)
    return -1;
  if (c.status != CELL_STATUS_CREATED)
    return cell_err (err, 0, "cannot start a container that is %s", cell_status_name (c.status));
  if (!c.st->has_process)
    return cell_err (err, 0, "cannot start container `%s`: its config.json has no /process", id);
  if (cell_state_start_connect (c.dfd, id, &conn, err) < 0 || wait_exec (conn, id, err) < 0)
    return -1;
  unlinkat (c.dfd, CELL_STATE_SOCK, 0);
  /* the poststart hooks may ask for the state or kill the container: not under the lock */
  flock (c.dfd, LOCK_UN);
  cell_container_run_late_hooks (c.dfd, c.st, CELL_STATUS_RUNNING, "poststart");
  return 0;
}

/* ---- kill / delete / state ---------------------------------------------------------------------------- */

/* A pidfd first, then the start time: the pidfd pins the process, so a recycled pid is never signalled
   (SECURITY.md row 47). */
static int
send_signal (pid_t pid, unsigned long long start_time, int sig, struct cell_error **err)
{
  cleanup_close int pidfd = (int)syscall (SYS_pidfd_open, pid, 0);
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
  cleanup_container struct cell_container c = { .dfd = -1 };

  if (cell_container_open (ctx, id, CELL_LOCK_SHARED, &c, err) < 0)
    return -1;
  if (c.status == CELL_STATUS_STOPPED || c.status == CELL_STATUS_CREATING)
    return cell_err (err, 0, "container `%s` is not running", id);
  if (all)
    return kill_all (c.st, sig, err);
  return send_signal (c.st->pid, c.st->start_time, sig, err);
}

int
cell_container_cgroup (struct cell_context *ctx, const char *cgroups_path, const char *id,
                       struct cell_cgroup **out, struct cell_error **err)
{
  *out = NULL;
  if (ctx->no_cgroups)
    return 0;
  return cell_cgroup_new (cgroups_path, id, ctx->systemd_cgroup, cell_cgroup_detect (), out, err);
}

int
cell_container_destroy (struct cell_context *ctx, int *dfd, const struct cell_state *st,
                        struct cell_cgroup *live, struct cell_error **err)
{
  struct cell_cgroup *cg = NULL;
  int r = 0;

  if (live)
    r = cell_cgroup_destroy (live, err);
  else if (st->cgroup && cell_cgroup_deserialize (st->cgroup, &cg, err) == 0)
    {
      if (cell_cgroup_destroy (cg, err) < 0)
        r = -1;
      cell_cgroup_free (cg);
    }
  else if (st->cgroup)
    r = -1;
  cell_container_run_late_hooks (*dfd, st, CELL_STATUS_STOPPED, "poststop");
  if (cell_state_dir_remove (ctx->root_dfd, st->id, dfd, r < 0 ? NULL : err) < 0)
    r = -1;
  return r;
}

/* SIGKILL init, proven by pid and start time, and wait (bounded) for it to go. */
static void
kill_init (const struct cell_state *st, bool wait)
{
  cleanup_close int pidfd = st->pid > 0 ? (int)syscall (SYS_pidfd_open, st->pid, 0) : -1;
  if (pidfd >= 0 && cell_state_pid_start_time (st->pid) == st->start_time)
    {
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
      if (wait)
        poll (&p, 1, 5000);
    }
}

/* The processes holding a created container's start socket (its init, waiting in the exec stub), as the
   kernel shows them: what proves init when the state's pid and start time do not. Without the socket, or
   when the kernel cannot be asked (a warning), *n = 0. */
static void
start_holders (int dfd, const char *id, struct cell_holder **h, size_t *n)
{
  struct cell_error *e = NULL;
  if (cell_holders_find (dfd, CELL_STATE_SOCK, h, n, &e) < 0)
    {
      cell_warn ("container `%s`: who holds its start socket: %s", id, e->msg);
      cell_error_free (e);
    }
}

/* SIGKILL through each pidfd; with `wait`, wait (bounded) for them to go. */
static void
kill_holders (const struct cell_holder *h, size_t n, bool wait)
{
  for (size_t i = 0; i < n; i++)
    syscall (SYS_pidfd_send_signal, h[i].pidfd, SIGKILL, NULL, 0);
  for (size_t i = 0; wait && i < n; i++)
    {
      struct pollfd p = { .fd = h[i].pidfd, .events = POLLIN };
      poll (&p, 1, 5000);
    }
}

static bool
cgroup_holds (struct cell_cgroup *cg, pid_t pid)
{
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  struct cell_error *e = NULL;
  if (cell_cgroup_pids (cg, &pids, &n, &e) < 0)
    {
      cell_error_free (e);
      return false;
    }
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* The cgroup of the stored config.json, computed again exactly as create computed it (the same function,
   the same --systemd-cgroup / --cgroup-manager as this call's: a client passes the same flags to both).
   Not for a relative cgroupsPath: create put it under the cgroup the runtime itself ran in then, which
   nothing here proves. NULL (warned) when it cannot be computed. */
static struct cell_cgroup *
config_cgroup (struct cell_context *ctx, int dfd, const char *id)
{
  struct cell_spec *spec = NULL;
  struct cell_cgroup *cg = NULL;
  struct cell_error *e = NULL;
  const char *path;

  if (cell_state_config_load (dfd, id, &spec, &e) == 0)
    {
      path = spec->linux_.cgroups_path && *spec->linux_.cgroups_path ? spec->linux_.cgroups_path : NULL;
      if (path && path[0] != '/' && !ctx->systemd_cgroup)
        cell_warn (
            "container `%s`: its cgroupsPath `%s` is relative to the cgroup cell ran in at create: not "
            "looked for",
            id, path);
      else if (cell_container_cgroup (ctx, path, id, &cg, &e) == 0 && cg)
        cell_cgroup_own_leaf (cg);
      cell_spec_free (spec);
    }
  if (e)
    {
      cell_warn ("%s", e->msg);
      cell_error_free (e);
    }
  return cg;
}

/* The cgroup a state that does not read still leads to: the one it names, if that passes the strict check
   of cell_cgroup_deserialize (never a hierarchy root, never outside), else the stored config's
   (config_cgroup; its path went through the same policy at create). Only one that exists, and never one
   that a live init, proven otherwise, is not in. NULL when none. */
static struct cell_cgroup *
salvage_cgroup (struct cell_context *ctx, int dfd, const struct cell_state *st, pid_t init)
{
  struct cell_cgroup *cg = NULL;
  struct cell_error *e = NULL;

  if (st->cgroup && cell_cgroup_deserialize (st->cgroup, &cg, &e) < 0)
    {
      cell_warn ("%s", e->msg);
      cell_error_free (e);
    }
  if (cg == NULL)
    cg = config_cgroup (ctx, dfd, st->id);
  if (cg && !cell_cgroup_exists (cg))
    {
      cell_cgroup_free (cg);
      return NULL;
    }
  if (cg && init > 0 && !cgroup_holds (cg, init))
    {
      cleanup_free char *s = cell_cgroup_serialize (cg);
      cell_warn ("container `%s`: cgroup `%s` does not hold its init (pid %d): left alone", st->id, s,
                 (int)init);
      cell_cgroup_free (cg);
      return NULL;
    }
  return cg;
}

/* delete --force of a state that does not read (changed by hand, truncated, garbage). What the kernel still
   proves to be the container's is killed and removed, never a pid taken on trust: init by the pid and start
   time the file still holds, else as the process holding the start socket (a created container); the
   cgroup (salvage_cgroup), with everything in it. A warning says so. When nothing proves anything (no pid
   with its start time, no holder of the start socket, no cgroup: a started container of
   --cgroup-manager disabled whose state lost /pid or /cell), its processes, if any are left, cannot be found
   without guessing: that is an error naming what state.json lacks, and the state dir is removed all the
   same. Keeping it would help nothing: no later call could prove more (the evidence is in the dir, read
   here), and `delete --force` would fail forever for a client that retries until it succeeds; removed, a
   second `delete --force` succeeds quietly, as for any gone container, once the error has been said. The
   poststop hooks are not run (the state that says whether there are any is what is broken). */
static int
delete_tampered (struct cell_context *ctx, const char *id, struct cell_error *why, struct cell_error **err)
{
  cleanup_close int dfd = -1;
  struct cell_state *st = NULL;
  struct cell_holder *h = NULL;
  struct cell_cgroup *cg = NULL;
  size_t n = 0;
  pid_t init = 0; /* alive, and proven */
  bool proven;
  int r = 0;

  if (cell_state_dir_open (ctx->root_dfd, id, true, &dfd, err) < 0)
    return -1;
  cell_state_salvage (dfd, id, &st);
  start_holders (dfd, id, &h, &n);
  if (cell_state_init_alive (st))
    init = st->pid;
  else if (n > 0)
    init = h[0].pid;
  cg = salvage_cgroup (ctx, dfd, st, init);
  proven = st->pid > 0 || n > 0 || cg != NULL;
  /* destroy waits for the cgroup to empty (thawing it first) */
  kill_init (st, cg == NULL);
  kill_holders (h, n, cg == NULL);
  if (cg && cell_cgroup_destroy (cg, err) < 0)
    r = -1;
  cell_cgroup_free (cg);
  cell_holders_free (h, n);
  cell_state_free (st);
  if (cell_state_dir_remove (ctx->root_dfd, id, &dfd, r < 0 ? NULL : err) < 0)
    r = -1;
  if (r == 0 && !proven)
    return cell_err (
        err, 0,
        "%s: nothing proves which processes are the container's (no pid with its start time, no "
        "holder of its start socket, no cgroup): its state is removed, any process it left runs on",
        why->msg);
  if (r == 0)
    cell_warn ("%s; removed what it still proves to be the container's", why->msg);
  return r;
}

int
cell_container_delete (struct cell_context *ctx, const char *id, bool force, struct cell_error **err)
{
  cleanup_container struct cell_container c = { .dfd = -1 };
  struct cell_error *e = NULL;

  if (cell_container_open (ctx, id, CELL_LOCK_EXCL, &c, &e) < 0)
    {
      /* containerd deletes, then deletes again with --force: a gone container is fine then */
      if (force && e->code == ENOENT)
        {
          cell_error_free (e);
          return 0;
        }
      if (force && e->code == EBADMSG)
        {
          int r = delete_tampered (ctx, id, e, err);
          cell_error_free (e);
          return r;
        }
      *err = e;
      return -1;
    }
  if ((c.status == CELL_STATUS_RUNNING || c.status == CELL_STATUS_PAUSED) && !force)
    return cell_err (err, 0, "cannot delete container `%s` that is %s (use --force)", id,
                     cell_status_name (c.status));
  if (c.status == CELL_STATUS_CREATING && !force)
    return cell_err (err, 0, "container `%s` is being created", id);
  /* runtime.md "delete": a created container may be deleted (containerd's shim does); kill init (and,
     without its own pid namespace, everything in its cgroup: destroy does that). A frozen init dies only
     once thawed: destroy thaws and kills. */
  if (c.status != CELL_STATUS_STOPPED && c.status != CELL_STATUS_CREATING)
    kill_init (c.st, (c.st->cgroup == NULL || c.st->own_pidns) && c.status != CELL_STATUS_PAUSED);
  else
    {
      /* Init not proven by pid and start time (a state whose pid was changed; a create killed before it
         wrote init's pid), yet a created init may still wait on the start socket: the kernel says who holds
         it. */
      struct cell_holder *h = NULL;
      size_t n = 0;
      start_holders (c.dfd, id, &h, &n);
      kill_holders (h, n, c.st->cgroup == NULL);
      cell_holders_free (h, n);
    }
  return cell_container_destroy (ctx, &c.dfd, c.st, NULL, err);
}

int
cell_container_load (struct cell_context *ctx, const char *id, struct cell_state **st,
                     enum cell_status *status, struct cell_error **err)
{
  struct cell_container c;
  if (cell_container_open (ctx, id, CELL_LOCK_NONE, &c, err) < 0)
    return -1;
  *st = steal_ptr (&c.st);
  *status = c.status;
  cell_container_close (&c);
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
