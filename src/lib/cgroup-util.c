/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-util.c: the cgroup manager's shared helpers: its clock, reading and writing interface files,
   finding the hierarchy that holds a controller, and enabling cgroup2 controllers on a path. */
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include "cgroup-internal.h"
#include "strv.h"
#include "xalloc.h"

long long
cell_cgroup_now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
cell_cgroup_sleep_ms (long ms)
{
  struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

int
cell_cgroup_write_raw (const char *dir, const char *file, const char *value)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  cleanup_close int fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
  size_t len = strlen (value);
  ssize_t w;
  if (fd < 0)
    return -errno;
  do
    w = write (fd, value, len);
  while (w < 0 && errno == EINTR);
  if (w < 0)
    return -errno;
  if ((size_t)w != len)
    return -EIO;
  return 0;
}

int
cell_cgroup_write (const char *dir, const char *file, const char *value, struct cell_error **err)
{
  int r = cell_cgroup_write_raw (dir, file, value);
  if (r < 0)
    return cell_err (err, -r, "write `%s` to `%s/%s`", value, dir, file);
  return 0;
}

int
cell_cgroup_read (const char *dir, const char *file, char **out, struct cell_error **err)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  cleanup_free char *buf = NULL;
  size_t len = 0, cap = 0;

  *out = NULL;
  if (fd < 0)
    {
      if (errno == ENOENT)
        return CELL_CGROUP_MISSING;
      return cell_err_errno (err, "open `%s`", path);
    }
  for (;;)
    {
      ssize_t r;
      buf = xgrow (buf, &cap, len + 4096 + 1, 1);
      r = read (fd, buf + len, cap - len - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          if (errno == ENOENT || errno == ENODEV)
            return CELL_CGROUP_MISSING;
          return cell_err_errno (err, "read `%s`", path);
        }
      if (r == 0)
        break;
      len += (size_t)r;
    }
  buf[len] = '\0';
  while (len > 0 && buf[len - 1] == '\n')
    buf[--len] = '\0';
  *out = steal_ptr (&buf);
  return 0;
}

static int
parse_u64 (const char *s, uint64_t *out)
{
  char *end;
  if (streq (s, "max"))
    {
      *out = UINT64_MAX;
      return 0;
    }
  errno = 0;
  *out = strtoull (s, &end, 10);
  if (errno || end == s || (*end && *end != '\n' && *end != ' '))
    return -1;
  return 0;
}

int
cell_cgroup_read_u64 (const char *dir, const char *file, uint64_t *out, struct cell_error **err)
{
  cleanup_free char *s = NULL;
  int r = cell_cgroup_read (dir, file, &s, err);
  if (r != 0)
    return r;
  if (parse_u64 (s, out) < 0)
    return cell_err (err, 0, "`%s/%s`: `%s` is not a number", dir, file, s);
  return 0;
}

int
cell_cgroup_read_key (const char *dir, const char *file, const char *key, uint64_t *out,
                      struct cell_error **err)
{
  cleanup_free char *s = NULL;
  size_t kl = strlen (key);
  int r = cell_cgroup_read (dir, file, &s, err);
  if (r != 0)
    return r;
  for (char *save = NULL, *l = strtok_r (s, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    if (strncmp (l, key, kl) == 0 && l[kl] == ' ')
      {
        if (parse_u64 (l + kl + 1, out) < 0)
          return cell_err (err, 0, "`%s/%s`: bad value for `%s`", dir, file, key);
        return 0;
      }
  return CELL_CGROUP_MISSING;
}

bool
cell_cgroup_file_exists (const char *dir, const char *file)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  return access (path, F_OK) == 0;
}

char **
cell_cgroup_split (const char *s, const char *sep)
{
  cleanup_free char *copy = xstrdup (s);
  char **v = xcalloc (1, sizeof (char *));
  char *save = NULL;
  for (char *t = strtok_r (copy, sep, &save); t; t = strtok_r (NULL, sep, &save))
    v = cell_strv_append (v, t);
  return v;
}

struct cell_cgroup_hier *
cell_cgroup_find_ctrl (struct cell_cgroup *cg, const char *ctrl)
{
  for (size_t i = 0; i < cg->n_h; i++)
    if (!cg->h[i].v2 && cell_strv_contains (cg->h[i].ctrls, ctrl))
      return &cg->h[i];
  return NULL;
}

struct cell_cgroup_hier *
cell_cgroup_find_v2 (struct cell_cgroup *cg)
{
  for (size_t i = 0; i < cg->n_h; i++)
    if (cg->h[i].v2)
      return &cg->h[i];
  return NULL;
}

static bool
list_has (const char *dir, const char *file, const char *word)
{
  cleanup_free char *s = NULL;
  cleanup_strv char **v = NULL;
  if (cell_cgroup_read (dir, file, &s, NULL) != 0)
    return false;
  v = cell_cgroup_split (s, " \n");
  return cell_strv_contains (v, word);
}

bool
cell_cgroup_v2_has_ctrl (const struct cell_cgroup_hier *h, const char *ctrl)
{
  return list_has (h->mount, "cgroup.controllers", ctrl);
}

int
cell_cgroup_v2_enable (const struct cell_cgroup_hier *h, const char *ctrl, struct cell_error **err)
{
  cleanup_free char *p = xstrdup (h->mount);
  cleanup_strv char **parts = cell_cgroup_split (h->rel, "/");
  cleanup_free char *plus = xasprintf ("+%s", ctrl);

  for (size_t i = 0; parts[i]; i++)
    {
      char *next;
      if (!list_has (p, "cgroup.subtree_control", ctrl)
          && cell_cgroup_write (p, "cgroup.subtree_control", plus, err) < 0)
        return cell_err_wrap (err, "enable the `%s` cgroup controller", ctrl);
      next = xasprintf ("%s/%s", p, parts[i]);
      free (p);
      p = next;
    }
  return 0;
}

struct cell_cgroup_hier *
cell_cgroup_locate (struct cell_cgroup *cg, const char *ctrl, bool *v2, struct cell_error **err)
{
  struct cell_cgroup_hier *h = cell_cgroup_find_ctrl (cg, ctrl);
  if (h)
    {
      *v2 = false;
      return h;
    }
  h = cell_cgroup_find_v2 (cg);
  if (h == NULL || !cell_cgroup_v2_has_ctrl (h, ctrl))
    return NULL;
  /* In the leaf's own cgroup.controllers already (enabled at create on a v2 host): nothing to do. */
  if (!list_has (h->dir, "cgroup.controllers", ctrl) && cell_cgroup_v2_enable (h, ctrl, err) < 0)
    return NULL;
  *v2 = true;
  return h;
}

void
cell_cgroup_hier_clear (struct cell_cgroup_hier *h)
{
  free (h->name);
  free (h->mount);
  free (h->rel);
  free (h->dir);
  cell_strv_free (h->ctrls);
}

struct cell_cgroup *
cell_cgroup_alloc (enum cell_cgroup_mode mode)
{
  struct cell_cgroup *cg = xzalloc (sizeof *cg);
  cg->mode = mode;
  cg->ops = mode == CELL_CGROUP_V2 ? &cell_cgroup_v2_ops : &cell_cgroup_v1_ops;
  cg->clone_dfd = -1;
  return cg;
}
