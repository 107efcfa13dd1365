/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-v1.c: the legacy backend (also hybrid hosts): the freezer, where the processes are listed, and
   cgroup.kill through the unified directory of a hybrid host. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "cgroup-internal.h"
#include "xalloc.h"

#define FREEZE_TIMEOUT_MS 5000

/* freezer.state goes FREEZING -> FROZEN once every task stopped; a task in an uninterruptible sleep can
   hold it in FREEZING, so keep writing FROZEN until it sticks or the timeout (runc retries the same). */
static int
v1_freeze (struct cell_cgroup *cg, bool frozen, struct cell_error **err)
{
  struct cell_cgroup_hier *h = cell_cgroup_find_ctrl (cg, "freezer");
  const char *want = frozen ? "FROZEN" : "THAWED";
  long long deadline = cell_cgroup_now_ms () + FREEZE_TIMEOUT_MS;

  if (h == NULL)
    return cell_err (err, 0, "the `freezer` cgroup controller is not mounted");
  for (;;)
    {
      cleanup_free char *state = NULL;
      int r;
      if (cell_cgroup_write (h->dir, "freezer.state", want, err) < 0)
        return -1;
      r = cell_cgroup_read (h->dir, "freezer.state", &state, err);
      if (r < 0)
        return -1;
      if (r == CELL_CGROUP_MISSING)
        return cell_err (err, ENOENT, "read `%s/freezer.state`", h->dir);
      if (streq (state, want))
        return 0;
      if (cell_cgroup_now_ms () > deadline)
        {
          if (frozen)
            {
              struct cell_error *e = NULL;
              if (cell_cgroup_write (h->dir, "freezer.state", "THAWED", &e) < 0)
                cell_error_free (e);
            }
          return cell_err (err, ETIMEDOUT, "`%s/freezer.state` stays `%s`", h->dir, state);
        }
      cell_cgroup_sleep_ms (1);
    }
}

/* One read: list asks this of every container. freezer.state is a seq_file, whose value ("THAWED",
   "FREEZING" or "FROZEN" and a newline) comes whole in the first read of a large enough buffer. */
static bool
v1_is_frozen (struct cell_cgroup *cg)
{
  static const char file[] = "/freezer.state";
  struct cell_cgroup_hier *h = cell_cgroup_find_ctrl (cg, "freezer");
  cleanup_close int fd = -1;
  char path[PATH_MAX], buf[32];
  size_t len;
  ssize_t n;

  if (h == NULL || (len = strlen (h->dir)) + sizeof (file) > sizeof (path))
    return false;
  memcpy (path, h->dir, len);
  memcpy (path + len, file, sizeof (file));
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return false;
  do
    n = read (fd, buf, sizeof (buf));
  while (n < 0 && errno == EINTR);
  return n == 7 && memcmp (buf, "FROZEN\n", 7) == 0;
}

static struct cell_cgroup_hier *
v1_procs_hier (struct cell_cgroup *cg)
{
  static const char *const prefer[] = { "freezer", "pids", "name=systemd", "memory", "cpu" };
  for (size_t i = 0; i < ARRAY_SIZE (prefer); i++)
    {
      struct cell_cgroup_hier *h = cell_cgroup_find_ctrl (cg, prefer[i]);
      if (h)
        return h;
    }
  return cg->n_h > 0 ? &cg->h[0] : NULL;
}

/* On a hybrid host the container also sits in a cgroup2 directory, whose cgroup.kill (Linux 5.14) kills
   every task at once without the freeze/list/kill race. */
static int
v1_kill_fast (struct cell_cgroup *cg, int sig, struct cell_error **err)
{
  struct cell_cgroup_hier *h = cell_cgroup_find_v2 (cg);
  int r;
  if (sig != SIGKILL || h == NULL || !cell_cgroup_file_exists (h->dir, "cgroup.kill"))
    return 0;
  r = cell_cgroup_write (h->dir, "cgroup.kill", "1", err);
  if (r < 0)
    return -1;
  return 1;
}

const struct cell_cgroup_ops cell_cgroup_v1_ops = {
  .freeze = v1_freeze,
  .is_frozen = v1_is_frozen,
  .procs_hier = v1_procs_hier,
  .kill_fast = v1_kill_fast,
};
