/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup.c: the container's cgroup over its life: create (mkdir in every hierarchy), enter, apply and
   update resources, list its processes, freeze, kill, and destroy. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cgroup-internal.h"
#include "log.h"
#include "strv.h"
#include "xalloc.h"

/* How long destroy/kill wait for a cgroup to empty after SIGKILL (processes in uninterruptible sleep,
   e.g. on a hung NFS server, may take a while). */
#define EMPTY_TIMEOUT_MS 10000

static int collect_pids (const char *dir, pid_t **pids, size_t *n, size_t *cap, int depth,
                         struct cell_error **err);

/* ---- create ------------------------------------------------------------------------------------------ */

/* cgroup v1 cpuset: a new group starts with empty cpuset.cpus/mems and refuses tasks until they are set
   (Documentation/admin-guide/cgroup-v1/cpusets.rst); copy the parent's. */
static int
cpuset_fill (const char *dir, struct cell_error **err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  cleanup_free char *parent = xstrdup (dir);
  *strrchr (parent, '/') = '\0';
  for (size_t i = 0; i < ARRAY_SIZE (files); i++)
    {
      cleanup_free char *cur = NULL, *pval = NULL;
      int r = cell_cgroup_read (dir, files[i], &cur, err);
      if (r < 0)
        return -1;
      if (r == CELL_CGROUP_MISSING || *cur != '\0')
        continue;
      r = cell_cgroup_read (parent, files[i], &pval, err);
      if (r < 0)
        return -1;
      if (r == CELL_CGROUP_MISSING)
        return cell_err (err, ENOENT, "read `%s/%s`", parent, files[i]);
      if (cell_cgroup_write (dir, files[i], pval, err) < 0)
        return -1;
    }
  return 0;
}

static void
hier_rmdir_created (struct cell_cgroup_hier *h)
{
  cleanup_free char *p = xstrdup (h->dir);
  for (int i = 0; i < h->created; i++)
    {
      if (rmdir (p) < 0 && errno != ENOENT)
        break;
      *strrchr (p, '/') = '\0';
    }
  h->created = 0;
}

/* mkdir -p of h->dir below the mount point, counting the components made here. Returns 1 when a parent
   vanished before anything was made (another container's destroy removed a shared parent): retry. */
static int
hier_mkdir_once (struct cell_cgroup_hier *h, struct cell_error **err)
{
  bool cpuset = !h->v2 && cell_strv_contains (h->ctrls, "cpuset");
  cleanup_free char *p = xstrdup (h->mount);
  cleanup_free char *rest = xstrdup (h->rel);
  char *save = NULL;
  int ncomp = 0, first_created = -1;

  for (char *c = strtok_r (rest, "/", &save); c; c = strtok_r (NULL, "/", &save), ncomp++)
    {
      char *next = xasprintf ("%s/%s", p, c);
      free (p);
      p = next;
      if (mkdir (p, 0755) == 0)
        {
          if (first_created < 0)
            first_created = ncomp;
          h->created = ncomp - first_created + 1;
          if (cpuset && cpuset_fill (p, err) < 0)
            return -1;
          /* a parent of its own making copies its masks into each new child in the kernel: no write of
             cpuset.cpus (0.37 ms measured, for the scheduler domains it rebuilds) by the next creates */
          if (cpuset && strcmp (p + strlen (h->mount), h->rel) != 0)
            (void)cell_cgroup_write_raw (p, "cgroup.clone_children", "1");
          continue;
        }
      if (errno == EEXIST)
        {
          struct stat st;
          if (stat (p, &st) < 0 || !S_ISDIR (st.st_mode))
            return cell_err (err, ENOTDIR, "mkdir `%s`", p);
          /* Another create may have made this parent a moment ago and not filled it yet: a child of an
             empty cpuset cannot be filled, and its tasks get ENOSPC. Fill it here too (idempotent). */
          if (cpuset && cpuset_fill (p, err) < 0)
            return -1;
          continue;
        }
      if (errno == ENOENT && first_created < 0)
        return 1;
      return cell_err_errno (err, "mkdir `%s`", p);
    }
  return 0;
}

/* The leaf alone, in one call, where its parents exist (the usual case: /cell is there from the last
   container). A v1 cpuset leaf gets its masks from a parent with clone_children; else they are copied down
   from the top. 1: not made here, take the walk. */
static int
hier_mkdir_leaf (struct cell_cgroup_hier *h, struct cell_error **err)
{
  cleanup_free char *cpus = NULL;
  if (mkdir (h->dir, 0755) < 0)
    return 1;
  h->created = 1;
  if (h->v2 || !cell_strv_contains (h->ctrls, "cpuset"))
    return 0;
  if (cell_cgroup_read (h->dir, "cpuset.cpus", &cpus, err) < 0)
    return -1;
  if (cpus && *cpus != '\0')
    return 0;
  {
    cleanup_free char *p = xstrdup (h->mount);
    cleanup_free char *rest = xstrdup (h->rel);
    char *save = NULL;
    for (char *c = strtok_r (rest, "/", &save); c; c = strtok_r (NULL, "/", &save))
      {
        char *next = xasprintf ("%s/%s", p, c);
        free (p);
        p = next;
        if (cpuset_fill (p, err) < 0)
          return -1;
      }
  }
  return 0;
}

static int
hier_mkdir (struct cell_cgroup_hier *h, struct cell_error **err)
{
  int r;
  h->created = 0;
  r = hier_mkdir_leaf (h, err);
  if (r <= 0)
    return r;
  for (int attempt = 0; r == 1 && attempt < 5; attempt++)
    r = hier_mkdir_once (h, err);
  if (r == 1)
    return cell_err (err, ENOENT, "mkdir `%s`", h->dir);
  return r;
}

/* cgroup v2: a controller's files appear in a child only when every ancestor lists it in
   cgroup.subtree_control (Documentation/admin-guide/cgroup-v2.rst "Enabling and Disabling"). Best
   effort: a failure shows later as a missing file, named in the error of the setting that needs it. */
static void
v2_enable_controllers (struct cell_cgroup_hier *h)
{
  cleanup_free char *p = xstrdup (h->mount);
  cleanup_free char *rest = xstrdup (h->rel);
  char *save = NULL, *next_c;

  for (char *c = strtok_r (rest, "/", &save); c; c = next_c)
    {
      cleanup_free char *avail = NULL;
      next_c = strtok_r (NULL, "/", &save);
      if (cell_cgroup_read (p, "cgroup.controllers", &avail, NULL) == 0)
        {
          char **ctrls = cell_cgroup_split (avail, " ");
          for (size_t i = 0; ctrls[i]; i++)
            {
              cleanup_free char *v = xasprintf ("+%s", ctrls[i]);
              (void)cell_cgroup_write_raw (p, "cgroup.subtree_control", v);
            }
          cell_strv_free (ctrls);
        }
      {
        char *n = xasprintf ("%s/%s", p, c);
        free (p);
        p = n;
      }
    }
}

static void
cgroup_rollback (struct cell_cgroup *cg)
{
  for (size_t i = cg->n_h; i-- > 0;)
    hier_rmdir_created (&cg->h[i]);
}

/* The deepest directory of `dir` that exists (a copy), walking up to the mount point. */
static char *
existing_ancestor (const char *mount, const char *dir)
{
  char *p = xstrdup (dir);
  struct stat st;
  while (stat (p, &st) < 0 && strlen (p) > strlen (mount))
    *strrchr (p, '/') = '\0';
  return p;
}

bool
cell_cgroup_delegated (const struct cell_cgroup *cg, char **not_writable)
{
  *not_writable = NULL;
  for (size_t i = 0; i < cg->n_h; i++)
    {
      const struct cell_cgroup_hier *h = &cg->h[i];
      cleanup_free char *p = existing_ancestor (h->mount, h->dir);
      /* the container's directory exists: its cgroup.procs must take our pids; else we must mkdir below */
      cleanup_free char *procs = xasprintf ("%s/cgroup.procs", p);
      bool ok = streq (p, h->dir) ? access (procs, W_OK) == 0 : access (p, W_OK | X_OK) == 0;
      if (!ok)
        {
          *not_writable = steal_ptr (&p);
          return false;
        }
    }
  return true;
}

/* Anything but device rules (which a user namespace makes moot) is a limit. */
static bool
has_limits (const struct cell_spec_resources *res)
{
  cleanup_free char *dump = res ? cell_resources_dump (res) : NULL;
  for (char *line = dump, *next; line && *line; line = next)
    {
      next = strchrnul (line, '\n');
      if (*next)
        next++;
      if (strncmp (line, "/devices/", 9) != 0)
        return true;
    }
  return false;
}

int
cell_cgroup_keep_if_delegated (struct cell_cgroup **cg, const struct cell_spec_resources *res,
                               struct cell_error **err)
{
  cleanup_free char *dir = NULL;
  if (*cg == NULL)
    return 0;
  if (cell_cgroup_delegated (*cg, &dir))
    {
      (*cg)->no_devices = true;
      return 0;
    }
  if (has_limits (res))
    return cell_err (err, 0,
                     "config.json: /linux/resources: cgroup `%s` is not writable by uid %u (not delegated): "
                     "the limits cannot be applied",
                     dir, (unsigned)geteuid ());
  cell_debug ("cgroup `%s` is not writable by uid %u (not delegated): the container stays in the caller's",
              dir, (unsigned)geteuid ());
  cell_cgroup_free (*cg);
  *cg = NULL;
  return 0;
}

void
cell_cgroup_expect (struct cell_cgroup *cg)
{
  /* the container's own directory, when it is not there yet; parents it may make too are not claimed (one
     look per hierarchy: a crash leaves at most an empty parent such as /cell, never removes one that was
     there), and the state written after create says what it really made */
  for (size_t i = 0; i < cg->n_h; i++)
    cg->h[i].created = access (cg->h[i].dir, F_OK) < 0 && errno == ENOENT ? 1 : 0;
}

void
cell_cgroup_own_leaf (struct cell_cgroup *cg)
{
  for (size_t i = 0; i < cg->n_h; i++)
    if (cg->h[i].created == 0)
      cg->h[i].created = 1;
}

int
cell_cgroup_create (struct cell_cgroup *cg, struct cell_error **err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;

  for (size_t i = 0; i < cg->n_h; i++)
    {
      if (cg->mode == CELL_CGROUP_V2)
        v2_enable_controllers (&cg->h[i]);
      if (hier_mkdir (&cg->h[i], err) < 0)
        {
          cgroup_rollback (cg);
          return cell_err_wrap (err, "create cgroup");
        }
    }
  /* Like runc: refuse a cgroup that already holds processes (in any hierarchy) or is frozen, rather than
     sharing it. A leaf made just now holds nothing; a frozen parent still shows in the leaf's state. */
  for (size_t i = 0; i < cg->n_h; i++)
    {
      size_t cap = 0;
      if (cg->h[i].created > 0)
        continue;
      if (collect_pids (cg->h[i].dir, &pids, &n, &cap, 0, err) < 0)
        {
          cgroup_rollback (cg);
          return -1;
        }
      if (n > 0)
        {
          cgroup_rollback (cg);
          return cell_err (err, 0, "cgroup `%s` is not empty: %zu process(es) found", cg->h[i].dir, n);
        }
    }
  if (cell_cgroup_is_frozen (cg))
    {
      cgroup_rollback (cg);
      return cell_err (err, 0, "cgroup `%s` is frozen", cg->h[0].rel);
    }
  /* the cgroup2 leaf (pure v2, or a hybrid host's unified hierarchy), for CLONE_INTO_CGROUP */
  for (size_t i = 0; i < cg->n_h && cg->clone_dfd < 0; i++)
    if (cg->h[i].v2)
      {
        cg->clone_dfd = open (cg->h[i].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (cg->clone_dfd < 0)
          {
            cell_err_errno (err, "open `%s`", cg->h[i].dir);
            cgroup_rollback (cg);
            return -1;
          }
      }
  return 0;
}

int
cell_cgroup_clone_dfd (struct cell_cgroup *cg)
{
  return cg->clone_dfd;
}

struct cell_mount_cgroup *
cell_cgroup_mount_table (const struct cell_cgroup *cg, size_t *n)
{
  struct cell_mount_cgroup *t = xcalloc (cg->n_h + 1, sizeof *t);
  for (size_t i = 0; i < cg->n_h; i++)
    {
      const struct cell_cgroup_hier *h = &cg->h[i];
      const char *name = h->mount + strlen (CELL_CGROUP_ROOT);
      t[i].name = xstrdup (*name == '/' ? name + 1 : name);
      t[i].host_dir = xstrdup (h->dir);
      if (!h->v2)
        {
          char *o = xstrdup ("");
          for (size_t k = 0; h->ctrls && h->ctrls[k]; k++)
            {
              char *next = xasprintf ("%s%s%s", o, *o ? "," : "", h->ctrls[k]);
              free (o);
              o = next;
            }
          t[i].options = o;
        }
    }
  *n = cg->n_h;
  return t;
}

void
cell_cgroup_mount_table_free (struct cell_mount_cgroup *t, size_t n)
{
  for (size_t i = 0; t && i < n; i++)
    {
      free ((char *)t[i].name);
      free ((char *)t[i].options);
      free ((char *)t[i].host_dir);
    }
  free (t);
}

bool
cell_cgroup_has_v1 (const struct cell_cgroup *cg)
{
  for (size_t i = 0; i < cg->n_h; i++)
    if (!cg->h[i].v2)
      return true;
  return false;
}

/* The runtime's own cgroup.procs in one hierarchy that moves processes by writes: the controller-less
   cgroup2 one of a hybrid host, else the v1 `pids` (or `memory`) one; NULL on a pure v2 host. */
static char *
own_procs (void)
{
  cleanup_fclose FILE *f = NULL;
  cleanup_free char *line = NULL;
  char *v1 = NULL, *v2 = NULL;
  size_t cap = 0;
  struct statfs sf;

  if (statfs (CELL_CGROUP_ROOT, &sf) < 0 || sf.f_type == CGROUP2_SUPER_MAGIC
      || !(f = fopen ("/proc/self/cgroup", "re")))
    return NULL;
  while (getline (&line, &cap, f) > 0)
    {
      char *c1 = strchr (line, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (!c2)
        continue;
      *c2 = '\0';
      c2[1 + strcspn (c2 + 1, "\n")] = '\0';
      if (streq (c1 + 1, "") && !v2)
        v2 = xasprintf (CELL_CGROUP_ROOT "/unified%s/cgroup.procs", c2 + 1);
      else if ((streq (c1 + 1, "pids") || streq (c1 + 1, "memory")) && !v1)
        v1 = xasprintf (CELL_CGROUP_ROOT "/%s%s/cgroup.procs", c1 + 1, c2 + 1);
    }
  if (v2 && access (v2, W_OK) == 0)
    {
      free (v1);
      return v2;
    }
  free (v2);
  return v1;
}

pid_t
cell_cgroup_warm_start (void)
{
  cleanup_free char *procs = own_procs ();
  cleanup_close int fd = -1;
  pid_t pid;
  if (!procs || (fd = open (procs, O_WRONLY | O_CLOEXEC)) < 0)
    return 0;
  /* a process, not a thread: a raw clone of a threaded runtime would leave glibc's setxid waiting in
     init for threads that are not there */
  pid = fork ();
  if (pid == 0)
    {
      char buf[32];
      int n = snprintf (buf, sizeof buf, "%d", (int)getpid ());
      _exit (write (fd, buf, (size_t)n) == n ? 0 : 1);
    }
  return pid > 0 ? pid : 0;
}

void
cell_cgroup_warm_end (pid_t *warm)
{
  if (*warm <= 0)
    return;
  while (waitpid (*warm, NULL, 0) < 0 && errno == EINTR)
    ;
  *warm = 0;
}

/* `exec --cgroup`: "PATH" below the container's directory in every hierarchy, or "CONTROLLER:PATH" in that
   v1 hierarchy alone (runc's form). */
int
cell_cgroup_check_sub (const char *sub, struct cell_error **err)
{
  const char *colon = strchr (sub, ':');
  const char *path = colon ? colon + 1 : sub;
  if (!*path || path[0] == '/' || strstr (path, "..") || strstr (path, "//"))
    return cell_err (err, 0, "--cgroup `%s`: a path below the container's own cgroup", sub);
  return 0;
}

/* Hierarchy i's directory for `sub` (checked by cell_cgroup_check_sub; NULL: the container's own). */
static char *
sub_dir (const struct cell_cgroup *cg, size_t i, const char *sub)
{
  const struct cell_cgroup_hier *h = &cg->h[i];
  const char *colon = sub ? strchr (sub, ':') : NULL;
  size_t clen = colon ? (size_t)(colon - sub) : 0;
  bool named = false;
  if (sub == NULL)
    return xstrdup (h->dir);
  /* v1: "CONTROLLER:PATH" picks one hierarchy; the others take the container's own directory */
  for (size_t k = 0; colon && h->ctrls && h->ctrls[k]; k++)
    named |= strlen (h->ctrls[k]) == clen && strncmp (h->ctrls[k], sub, clen) == 0;
  if (colon && !named && !(h->v2 && clen == 0))
    return xstrdup (h->dir);
  return xasprintf ("%s/%s", h->dir, colon ? colon + 1 : sub);
}

int
cell_cgroup_open_v2 (const struct cell_cgroup *cg, const char *sub, int *dfd, struct cell_error **err)
{
  *dfd = -1;
  for (size_t i = 0; i < cg->n_h; i++)
    if (cg->h[i].v2)
      {
        cleanup_free char *dir = sub_dir (cg, i, sub);
        *dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (*dfd < 0)
          return cell_err_errno (err, "join cgroup: open `%s`", dir);
        break;
      }
  return 0;
}

int
cell_cgroup_enter_self (const struct cell_cgroup *cg, const char *sub, struct cell_error **err)
{
  for (size_t i = 0; i < cg->n_h; i++)
    if (!cg->h[i].v2)
      {
        cleanup_free char *dir = sub_dir (cg, i, sub);
        if (cell_cgroup_write (dir, "tasks", "0", err) < 0)
          return cell_err_wrap (err, "join cgroup");
      }
  return 0;
}

int
cell_cgroup_enter (const struct cell_cgroup *cg, pid_t pid, const char *sub, bool v1_done, bool v2_done,
                   struct cell_error **err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%d", (int)pid);
  for (size_t i = 0; i < cg->n_h; i++)
    if (!(cg->h[i].v2 ? v2_done : v1_done))
      {
        cleanup_free char *dir = sub_dir (cg, i, sub);
        if (cell_cgroup_write (dir, "cgroup.procs", buf, err) < 0)
          return cell_err_wrap (err, "join cgroup");
      }
  return 0;
}

int
cell_cgroup_apply (struct cell_cgroup *cg, const struct cell_spec_resources *res, struct cell_error **err)
{
  static const struct cell_spec_resources empty;
  if (cell_cgroup_resources_apply (cg, res ? res : &empty, !cg->no_devices, false, err) < 0)
    return cell_err_wrap (err, "apply cgroup resources");
  return 0;
}

int
cell_cgroup_update (struct cell_cgroup *cg, const struct cell_spec_resources *res, struct cell_error **err)
{
  /* Without rules in the update, keep the device policy set at create (the default list alone would
     otherwise replace it). A cgroup made without one (rootless) gets none now either: the rules are moot,
     the container's devices being binds in its user namespace, as at create. */
  if (res->n_devices > 0 && cg->no_devices)
    cell_debug ("/linux/resources/devices: no device policy in a rootless container's cgroup: rules ignored");
  if (cell_cgroup_resources_apply (cg, res, res->n_devices > 0 && !cg->no_devices, true, err) < 0)
    return cell_err_wrap (err, "update cgroup resources");
  return 0;
}

/* ---- processes --------------------------------------------------------------------------------------- */

static int
collect_pids (const char *dir, pid_t **pids, size_t *n, size_t *cap, int depth, struct cell_error **err)
{
  cleanup_free char *procs = NULL;
  DIR *d;
  struct dirent *de;

  int r = cell_cgroup_read (dir, "cgroup.procs", &procs, err);
  if (r < 0)
    return -1;
  if (r == CELL_CGROUP_MISSING)
    return 0;
  for (char *save = NULL, *t = strtok_r (procs, "\n", &save); t; t = strtok_r (NULL, "\n", &save))
    {
      *pids = xgrow (*pids, cap, *n + 1, sizeof (pid_t));
      (*pids)[(*n)++] = (pid_t)strtol (t, NULL, 10);
    }
  if (depth > 64)
    return 0;
  d = opendir (dir);
  if (d == NULL)
    return 0;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_type != DT_DIR || streq (de->d_name, ".") || streq (de->d_name, ".."))
        continue;
      {
        cleanup_free char *sub = xasprintf ("%s/%s", dir, de->d_name);
        if (collect_pids (sub, pids, n, cap, depth + 1, err) < 0)
          {
            closedir (d);
            return -1;
          }
      }
    }
  closedir (d);
  return 0;
}

int
cell_cgroup_pids (struct cell_cgroup *cg, pid_t **pids, size_t *n, struct cell_error **err)
{
  struct cell_cgroup_hier *h = cg->ops->procs_hier (cg);
  size_t cap = 0;
  *pids = NULL;
  *n = 0;
  if (h == NULL)
    return 0;
  if (collect_pids (h->dir, pids, n, &cap, 0, err) < 0)
    {
      free (*pids);
      *pids = NULL;
      *n = 0;
      return -1;
    }
  return 0;
}

int
cell_cgroup_freeze (struct cell_cgroup *cg, bool frozen, struct cell_error **err)
{
  return cg->ops->freeze (cg, frozen, err);
}

bool
cell_cgroup_is_frozen (struct cell_cgroup *cg)
{
  return cg->ops->is_frozen (cg);
}

/* Polls until the cgroup is empty, re-sending SIGKILL to stragglers (a process forked just before the
   first pass). */
static int
wait_empty (struct cell_cgroup *cg, struct cell_error **err)
{
  long long deadline = cell_cgroup_now_ms () + EMPTY_TIMEOUT_MS;
  long delay = 1;
  for (;;)
    {
      cleanup_free pid_t *pids = NULL;
      size_t n = 0;
      if (cell_cgroup_pids (cg, &pids, &n, err) < 0)
        return -1;
      if (n == 0)
        return 0;
      if (cell_cgroup_now_ms () > deadline)
        return cell_err (err, EBUSY, "cgroup `%s` still has %zu process(es) after SIGKILL", cg->h[0].rel, n);
      for (size_t i = 0; i < n; i++)
        kill (pids[i], SIGKILL);
      cell_cgroup_sleep_ms (delay);
      if (delay < 100)
        delay *= 2;
    }
}

int
cell_cgroup_kill_all (struct cell_cgroup *cg, int sig, struct cell_error **err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  bool was_frozen;
  int r;

  r = cg->ops->kill_fast (cg, sig, err);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      if (sig != SIGKILL)
        return 0;
      /* A task frozen by the v1 freezer dies only once thawed. */
      if (cell_cgroup_is_frozen (cg))
        {
          struct cell_error *e = NULL;
          if (cell_cgroup_freeze (cg, false, &e) < 0)
            cell_error_free (e);
        }
      return wait_empty (cg, err);
    }

  /* Nothing to signal (the usual end of a container with its own pid namespace): skip the freeze, whose
     first and last user toggle kernel static keys, patching kernel text on every CPU. */
  if (cell_cgroup_pids (cg, &pids, &n, err) < 0)
    return -1;
  if (n == 0)
    return 0;
  free (pids);
  pids = NULL;
  n = 0;
  /* Freeze so that nothing forks between reading the list and signalling it (runc does the same);
     a host without a freezer still gets a best-effort pass. */
  was_frozen = cell_cgroup_is_frozen (cg);
  if (!was_frozen)
    {
      struct cell_error *e = NULL;
      if (cell_cgroup_freeze (cg, true, &e) < 0)
        cell_error_free (e);
    }
  if (cell_cgroup_pids (cg, &pids, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      return cell_err_errno (err, "kill %d with signal %d", (int)pids[i], sig);
  /* A SIGKILLed task in a v1 frozen cgroup dies only once thawed, so thaw even a paused container then. */
  if (!was_frozen || sig == SIGKILL)
    {
      struct cell_error *e = NULL;
      if (cell_cgroup_freeze (cg, false, &e) < 0)
        cell_error_free (e);
    }
  if (sig == SIGKILL)
    return wait_empty (cg, err);
  return 0;
}

/* ---- destroy ----------------------------------------------------------------------------------------- */

bool
cell_cgroup_exists (const struct cell_cgroup *cg)
{
  struct stat st;
  for (size_t i = 0; i < cg->n_h; i++)
    if (stat (cg->h[i].dir, &st) == 0 && S_ISDIR (st.st_mode))
      return true;
  return false;
}

/* rmdir `dir` and the sub-cgroups the container made below it, deepest first (looked for only when the
   plain rmdir says the directory is busy: the usual container has none). */
static int
rmdir_tree (const char *dir, int depth)
{
  DIR *d;
  struct dirent *de;

  if (rmdir (dir) == 0 || errno == ENOENT)
    return 0;
  if (errno != EBUSY)
    return -1;
  d = opendir (dir);
  if (d == NULL)
    return errno == ENOENT ? 0 : -1;
  if (depth < 64)
    while ((de = readdir (d)) != NULL)
      {
        if (de->d_type != DT_DIR || streq (de->d_name, ".") || streq (de->d_name, ".."))
          continue;
        {
          cleanup_free char *sub = xasprintf ("%s/%s", dir, de->d_name);
          (void)rmdir_tree (sub, depth + 1);
        }
      }
  closedir (d);
  if (rmdir (dir) < 0 && errno != ENOENT)
    return -1;
  return 0;
}

int
cell_cgroup_destroy (struct cell_cgroup *cg, struct cell_error **err)
{
  long long deadline;
  long delay = 1;
  uint64_t gone = 0; /* hierarchies whose directory is removed already */

  /* A container whose processes are all gone (`run` after its init exited: its pid namespace went with it)
     has nothing to thaw or kill: once the directory that lists its processes is removed, the others go
     at once (any still busy for a moment wait below). Otherwise the long way: thaw, kill, wait. */
  {
    struct cell_cgroup_hier *p = cg->ops->procs_hier (cg);
    if (p && p->created > 0 && (rmdir (p->dir) == 0 || errno == ENOENT))
      {
        for (size_t i = 0; i < cg->n_h && i < 64; i++)
          if (&cg->h[i] == p || (cg->h[i].created > 0 && (rmdir (cg->h[i].dir) == 0 || errno == ENOENT)))
            gone |= 1ull << i;
        goto remove;
      }
  }
  {
    /* thawed whatever freezer.state says: FREEZING (a task held in an uninterruptible sleep) reads as not
       frozen, yet its tasks would never die of the SIGKILL below */
    struct cell_error *e = NULL;
    if (cell_cgroup_find_ctrl (cg, "freezer") && cell_cgroup_freeze (cg, false, &e) < 0)
      cell_error_free (e);
    else if (cg->mode == CELL_CGROUP_V2 && cell_cgroup_is_frozen (cg)
             && cell_cgroup_freeze (cg, false, &e) < 0)
      cell_error_free (e);
  }
  if (cell_cgroup_kill_all (cg, SIGKILL, err) < 0)
    return cell_err_wrap (err, "destroy cgroup");

remove:
  /* rmdir can still fail with EBUSY for a moment after the last task left (v1 css offlining). */
  deadline = cell_cgroup_now_ms () + EMPTY_TIMEOUT_MS;
  for (size_t i = 0; i < cg->n_h; i++)
    {
      struct cell_cgroup_hier *h = &cg->h[i];
      /* a directory that was there before create is not the container's to remove (runtime.md) */
      if (h->created == 0)
        continue;
      while (!(i < 64 && (gone & (1ull << i))) && rmdir_tree (h->dir, 0) < 0)
        {
          if (errno != EBUSY || cell_cgroup_now_ms () > deadline)
            return cell_err_errno (err, "destroy cgroup: rmdir `%s`", h->dir);
          cell_cgroup_sleep_ms (delay);
          if (delay < 100)
            delay *= 2;
        }
      /* Parents made by create: only while empty (another container may have moved in). */
      {
        cleanup_free char *p = xstrdup (h->dir);
        for (int k = 1; k < h->created; k++)
          {
            *strrchr (p, '/') = '\0';
            if (rmdir (p) < 0)
              break;
          }
      }
    }
  if (cg->clone_dfd >= 0)
    cell_closep (&cg->clone_dfd);
  return 0;
}

void
cell_cgroup_free (struct cell_cgroup *cg)
{
  if (cg == NULL)
    return;
  for (size_t i = 0; i < cg->n_h; i++)
    {
      if (cg->borrowed)
        {
          cg->h[i].name = NULL;
          cg->h[i].mount = NULL;
          cg->h[i].ctrls = NULL;
        }
      cell_cgroup_hier_clear (&cg->h[i]);
    }
  free (cg->h);
  cell_closep (&cg->clone_dfd);
  free (cg);
}
