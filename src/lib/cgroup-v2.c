/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-v2.c: the unified backend: cgroup.freeze (with cgroup.events), the leaf's cgroup.procs and
   cgroup.kill. */
#include <signal.h>
#include <string.h>
#include "cgroup-internal.h"
#include "xalloc.h"

#define FREEZE_TIMEOUT_MS 5000

static struct cell_cgroup_hier *
leaf (struct cell_cgroup *cg)
{
  return cell_cgroup_find_v2 (cg);
}

static int
events_frozen (const char *dir, struct cell_error **err)
{
  uint64_t v = 0;
  int r = cell_cgroup_read_key (dir, "cgroup.events", "frozen", &v, err);
  if (r < 0)
    return -1;
  if (r == CELL_CGROUP_MISSING)
    return cell_err (err, ENOENT, "read `frozen` from `%s/cgroup.events`", dir);
  return v == 1;
}

/* cgroup.freeze asks; cgroup.events "frozen 1" says it happened (cgroup-v2.rst, Linux 5.2). */
static int
v2_freeze (struct cell_cgroup *cg, bool frozen, struct cell_error **err)
{
  struct cell_cgroup_hier *h = leaf (cg);
  long long deadline = cell_cgroup_now_ms () + FREEZE_TIMEOUT_MS;

  if (h == NULL)
    return cell_err (err, 0, "no cgroup2 directory");
  if (cell_cgroup_write (h->dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
    return -1;
  for (;;)
    {
      int r = events_frozen (h->dir, err);
      if (r < 0)
        return -1;
      if (r == (int)frozen)
        return 0;
      if (cell_cgroup_now_ms () > deadline)
        {
          if (frozen)
            (void)cell_cgroup_write (h->dir, "cgroup.freeze", "0", NULL);
          return cell_err (err, ETIMEDOUT, "`%s/cgroup.events` does not report `frozen %d`", h->dir, frozen);
        }
      cell_cgroup_sleep_ms (1);
    }
}

static bool
v2_is_frozen (struct cell_cgroup *cg)
{
  struct cell_cgroup_hier *h = leaf (cg);
  cleanup_free char *v = NULL;
  cleanup_error struct cell_error *e = NULL;
  if (h == NULL || cell_cgroup_read (h->dir, "cgroup.freeze", &v, &e) != 0)
    return false;
  return streq (v, "1");
}

static struct cell_cgroup_hier *
v2_procs_hier (struct cell_cgroup *cg)
{
  return leaf (cg);
}

/* cgroup.kill (Linux 5.14) SIGKILLs the whole subtree, frozen or not, with no race against fork. */
static int
v2_kill_fast (struct cell_cgroup *cg, int sig, struct cell_error **err)
{
  struct cell_cgroup_hier *h = leaf (cg);
  if (sig != SIGKILL || h == NULL || !cell_cgroup_file_exists (h->dir, "cgroup.kill"))
    return 0;
  if (cell_cgroup_write (h->dir, "cgroup.kill", "1", err) < 0)
    return -1;
  return 1;
}

const struct cell_cgroup_ops cell_cgroup_v2_ops = {
  .freeze = v2_freeze,
  .is_frozen = v2_is_frozen,
  .procs_hier = v2_procs_hier,
  .kill_fast = v2_kill_fast,
};
