/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup.c: the cgroup manager front: detection, paths, hierarchies, create/enter/kill/destroy, state form.
 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <linux/magic.h>
#include "cgroup-internal.h"
#include "strv.h"
#include "xalloc.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CGROUP_ROOT "/sys/fs/cgroup"
/* How long destroy/kill wait for a cgroup to empty after SIGKILL (processes in uninterruptible sleep,
   e.g. on a hung NFS server, may take a while). */
#define EMPTY_TIMEOUT_MS 10000

/* ---- small helpers ---------------------------------------------------------------------------------- */

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms (long ms)
{
  struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* -errno on failure, no error object: for callers that decide by errno. */
static int
write_raw (const char *dir, const char *file, const char *value)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
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
  int r = write_raw (dir, file, value);
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
        return -1;
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
            return -1;
          return cell_err_errno (err, "read `%s`", path);
        }
      if (r == 0)
        break;
      len += r;
    }
  buf[len] = '\0';
  while (len > 0 && buf[len - 1] == '\n')
    buf[--len] = '\0';
  *out = steal_ptr (&buf);
  return 0;
}

bool
cell_cgroup_file_exists (const char *dir, const char *file)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  return access (path, F_OK) == 0;
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

/* ---- device rules ------------------------------------------------------------------------------------ */

/* runc's default allow list (libcontainer/specconv AllowedDevices): mknod of anything, null, zero, full,
   tty, ptmx, the pts range, random, urandom; plus /dev/console (5:1) and tun (10:200), which older runc
   releases also allowed and container engines still expect. */
static const struct
{
  char type;
  int64_t major, minor;
  const char *access;
} default_rules[] = {
  { 'c', -1, -1, "m" },    { 'b', -1, -1, "m" }, { 'c', 1, 3, "rwm" }, { 'c', 1, 5, "rwm" },
  { 'c', 1, 7, "rwm" },    { 'c', 5, 0, "rwm" }, { 'c', 5, 1, "rwm" }, { 'c', 5, 2, "rwm" },
  { 'c', 136, -1, "rwm" }, { 'c', 1, 8, "rwm" }, { 'c', 1, 9, "rwm" }, { 'c', 10, 200, "rwm" },
};

int
cell_cgroup_device_access (const char *access)
{
  int bits = 0;
  if (access == NULL || *access == '\0')
    return 7;
  for (const char *c = access; *c; c++)
    {
      int b = *c == 'm' ? 1 : *c == 'r' ? 2 : *c == 'w' ? 4 : 0;
      if (b == 0)
        return -1;
      bits |= b;
    }
  return bits;
}

int
cell_cgroup_device_rules (const struct cell_spec_resources *res, struct cell_spec_device_rule **out,
                          size_t *n, struct cell_error **err)
{
  size_t ns = res ? res->n_devices : 0, i;
  struct cell_spec_device_rule *v = xcalloc (ns + ARRAY_SIZE (default_rules), sizeof *v);

  *out = NULL;
  *n = 0;
  for (i = 0; i < ns; i++)
    {
      v[i] = res->devices[i];
      if (v[i].type == 0)
        v[i].type = 'a';
      if ((v[i].type != 'a' && v[i].type != 'c' && v[i].type != 'b')
          || cell_cgroup_device_access (v[i].access) < 0)
        {
          cell_err (err, 0, "linux.resources.devices[%zu]: invalid type `%c` or access `%s`", i,
                    v[i].type ? v[i].type : '?', v[i].access ? v[i].access : "");
          free (v);
          return -1;
        }
      if (v[i].access == NULL || *v[i].access == '\0')
        v[i].access = (char *)"rwm";
      if (!v[i].has_major)
        v[i].major = -1;
      if (!v[i].has_minor)
        v[i].minor = -1;
      v[i].has_major = v[i].has_minor = true;
    }
  /* runc appends the defaults after the spec's rules, so they always apply (specconv CreateCgroupConfig). */
  for (size_t j = 0; j < ARRAY_SIZE (default_rules); j++, i++)
    {
      v[i].allow = true;
      v[i].type = default_rules[j].type;
      v[i].has_major = v[i].has_minor = true;
      v[i].major = default_rules[j].major;
      v[i].minor = default_rules[j].minor;
      v[i].access = (char *)default_rules[j].access;
    }
  *out = v;
  *n = i;
  return 0;
}

void
cell_cgroup_device_rule_line (const struct cell_spec_device_rule *r, char *buf, size_t size)
{
  char maj[24] = "*", min[24] = "*";
  if (r->major >= 0)
    snprintf (maj, sizeof maj, "%" PRId64, r->major);
  if (r->minor >= 0)
    snprintf (min, sizeof min, "%" PRId64, r->minor);
  snprintf (buf, size, "%c %s:%s %s", r->type, maj, min, r->access && *r->access ? r->access : "rwm");
}

/* ---- hierarchies ------------------------------------------------------------------------------------- */

enum cell_cgroup_mode
cell_cgroup_detect (void)
{
  struct statfs st;
  if (statfs (CGROUP_ROOT, &st) < 0)
    return CELL_CGROUP_NONE;
  if (st.f_type == CGROUP2_SUPER_MAGIC)
    return CELL_CGROUP_V2;
  if (st.f_type != TMPFS_MAGIC)
    return CELL_CGROUP_NONE;
  if (statfs (CGROUP_ROOT "/unified", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
    return CELL_CGROUP_HYBRID;
  return CELL_CGROUP_V1;
}

static const char *const mode_names[] = {
  [CELL_CGROUP_NONE] = "none",
  [CELL_CGROUP_V1] = "v1",
  [CELL_CGROUP_HYBRID] = "hybrid",
  [CELL_CGROUP_V2] = "v2",
};

/* mountinfo escapes space, tab, newline and backslash as \ooo (fs/proc_namespace.c mangle). */
static void
unescape_octal (char *s)
{
  char *w = s;
  for (char *r = s; *r;)
    {
      if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0'
          && r[3] <= '7')
        {
          *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
          r += 4;
        }
      else
        *w++ = *r++;
    }
  *w = '\0';
}

static bool
is_mount_option (const char *o)
{
  static const char *const opts[]
      = { "rw", "ro", "xattr", "noprefix", "clone_children", "cpuset_v2_mode", "favordynmods", "nsdelegate" };
  for (size_t i = 0; i < ARRAY_SIZE (opts); i++)
    if (streq (o, opts[i]))
      return true;
  return strchr (o, '=') != NULL && strncmp (o, "name=", 5) != 0;
}

static char **
split (const char *s, const char *sep)
{
  cleanup_free char *copy = xstrdup (s);
  char **v = xcalloc (1, sizeof (char *));
  char *save = NULL;
  for (char *t = strtok_r (copy, sep, &save); t; t = strtok_r (NULL, sep, &save))
    v = cell_strv_append (v, t);
  return v;
}

static bool
same_set (char **a, char **b)
{
  if (cell_strv_len (a) != cell_strv_len (b))
    return false;
  for (size_t i = 0; a[i]; i++)
    if (!cell_strv_contains (b, a[i]))
      return false;
  return true;
}

static void
hier_clear (struct cell_cgroup_hier *h)
{
  free (h->name);
  free (h->mount);
  free (h->rel);
  free (h->dir);
  cell_strv_free (h->ctrls);
}

/* The mounted hierarchies for `mode`, from /proc/self/mountinfo: v1 ones directly under /sys/fs/cgroup,
   the cgroup2 one at /sys/fs/cgroup (v2) or /sys/fs/cgroup/unified (hybrid). `rel` is left NULL. */
static int
discover (enum cell_cgroup_mode mode, struct cell_cgroup_hier **out, size_t *n_out, char ***roots_out,
          struct cell_error **err)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0, n = 0;
  struct cell_cgroup_hier *v = NULL;
  char **roots = xcalloc (1, sizeof (char *)), **devs = xcalloc (1, sizeof (char *));

  if (f == NULL)
    {
      cell_strv_free (roots);
      cell_strv_free (devs);
      return cell_err_errno (err, "open `/proc/self/mountinfo`");
    }
  while (getline (&line, &cap, f) > 0)
    {
      char *fields[10] = { 0 }, *save = NULL, *sep = strstr (line, " - ");
      char *t, *fstype, *superopts;
      size_t nf = 0;
      bool v2;
      const char *base;
      struct cell_cgroup_hier h = { 0 };

      if (sep == NULL)
        continue;
      *sep = '\0';
      for (t = strtok_r (line, " ", &save); t && nf < ARRAY_SIZE (fields); t = strtok_r (NULL, " ", &save))
        fields[nf++] = t;
      if (nf < 5)
        continue;
      save = NULL;
      fstype = strtok_r (sep + 3, " \n", &save);
      (void)strtok_r (NULL, " \n", &save);
      superopts = strtok_r (NULL, " \n", &save);
      if (fstype == NULL || superopts == NULL)
        continue;
      v2 = streq (fstype, "cgroup2");
      if (!v2 && !streq (fstype, "cgroup"))
        continue;
      unescape_octal (fields[4]);
      unescape_octal (fields[3]);
      if (v2)
        {
          const char *want = mode == CELL_CGROUP_V2 ? CGROUP_ROOT : CGROUP_ROOT "/unified";
          if (mode == CELL_CGROUP_V1 || !streq (fields[4], want))
            continue;
        }
      else
        {
          if (mode == CELL_CGROUP_V2 || strncmp (fields[4], CGROUP_ROOT "/", strlen (CGROUP_ROOT "/")) != 0
              || strchr (fields[4] + strlen (CGROUP_ROOT "/"), '/') != NULL)
            continue;
        }
      /* A hierarchy mounted twice (bind mounts) is used once. */
      if (cell_strv_contains (devs, fields[2]))
        continue;
      devs = cell_strv_append (devs, fields[2]);
      base = strrchr (fields[4], '/') + 1;
      h.v2 = v2;
      h.mount = xstrdup (fields[4]);
      h.name = xstrdup (*base ? base : "unified");
      if (!v2)
        {
          char **opts = split (superopts, ",");
          h.ctrls = xcalloc (1, sizeof (char *));
          for (size_t i = 0; opts[i]; i++)
            if (!is_mount_option (opts[i]))
              h.ctrls = cell_strv_append (h.ctrls, opts[i]);
          cell_strv_free (opts);
        }
      v = xrealloc (v, (n + 1) * sizeof *v);
      v[n++] = h;
      roots = cell_strv_append (roots, fields[3]);
    }
  cell_strv_free (devs);
  if (n == 0)
    {
      free (v);
      cell_strv_free (roots);
      return cell_err (err, 0, "no cgroup hierarchy for mode `%s` found in /proc/self/mountinfo",
                       mode_names[mode]);
    }
  *out = v;
  *n_out = n;
  if (roots_out)
    *roots_out = roots;
  else
    cell_strv_free (roots);
  return 0;
}

/* The runtime's own cgroup in hierarchy `h` (from /proc/self/cgroup), relative to the mount point. */
static int
own_cgroup (const struct cell_cgroup_hier *h, const char *mount_root, char **out, struct cell_error **err)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/cgroup", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  ssize_t len;

  if (f == NULL)
    return cell_err_errno (err, "open `/proc/self/cgroup`");
  while ((len = getline (&line, &cap, f)) > 0)
    {
      char *c1 = strchr (line, ':'), *c2, *path;
      bool match;
      if (line[len - 1] == '\n')
        line[len - 1] = '\0';
      if (c1 == NULL || (c2 = strchr (c1 + 1, ':')) == NULL)
        continue;
      *c1 = *c2 = '\0';
      path = c2 + 1;
      if (h->v2)
        match = c1[1] == '\0' && streq (line, "0");
      else
        {
          char **ctrls = split (c1 + 1, ",");
          match = same_set (ctrls, h->ctrls);
          cell_strv_free (ctrls);
        }
      if (!match)
        continue;
      /* The mount may show a subtree (its root field); the container path is relative to the mount. */
      if (!streq (mount_root, "/") && strncmp (path, mount_root, strlen (mount_root)) == 0
          && (path[strlen (mount_root)] == '/' || path[strlen (mount_root)] == '\0'))
        path += strlen (mount_root);
      *out = xstrdup (streq (path, "/") ? "" : path);
      return 0;
    }
  return cell_err (err, 0, "cgroup hierarchy `%s` not found in /proc/self/cgroup", h->name);
}

/* Lexically cleans `path` into "/a/b" ("" for the root); a ".." that would leave the starting point is an
   error (SECURITY.md row 47: never escape the cgroup root). */
static int
clean_path (const char *path, char **out, struct cell_error **err)
{
  char **parts = split (path, "/");
  size_t n = 0;
  char *res = xstrdup ("");

  for (size_t i = 0; parts[i]; i++)
    {
      if (streq (parts[i], "."))
        continue;
      if (streq (parts[i], ".."))
        {
          char *slash;
          if (n == 0)
            {
              cell_strv_free (parts);
              free (res);
              return cell_err (err, 0, "cgroupsPath `%s`: `..` escapes the cgroup root", path);
            }
          slash = strrchr (res, '/');
          *slash = '\0';
          n--;
          continue;
        }
      {
        char *next = xasprintf ("%s/%s", res, parts[i]);
        free (res);
        res = next;
        n++;
      }
    }
  cell_strv_free (parts);
  *out = res;
  return 0;
}

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice" (systemd.slice(5) naming); "-.slice" is the root. */
static int
expand_slice (const char *slice, char **out, struct cell_error **err)
{
  size_t len = strlen (slice);
  char *res;

  if (len < 6 || strcmp (slice + len - 6, ".slice") != 0 || strchr (slice, '/'))
    return cell_err (err, 0, "invalid systemd slice `%s`", slice);
  if (streq (slice, "-.slice"))
    {
      *out = xstrdup ("");
      return 0;
    }
  if (slice[0] == '-' || strstr (slice, "--") || slice[len - 7] == '-')
    return cell_err (err, 0, "invalid systemd slice `%s`", slice);
  res = xstrdup ("");
  for (size_t i = 0; i < len - 6; i++)
    if (slice[i] == '-')
      {
        char *next = xasprintf ("%s/%.*s.slice", res, (int)i, slice);
        free (res);
        res = next;
      }
  {
    char *next = xasprintf ("%s/%s", res, slice);
    free (res);
    res = next;
  }
  *out = res;
  return 0;
}

/* "slice:prefix:name" -> "<slice path>/<prefix>-<name>.scope" (runc's systemd cgroupsPath form). */
static int
systemd_path (const char *spec, const char *id, char **out, struct cell_error **err)
{
  cleanup_free char *copy = NULL, *slice_path = NULL;
  char *slice, *prefix, *name, *c1, *c2;

  if (spec == NULL)
    {
      *out = xasprintf ("/system.slice/cell-%s.scope", id);
      return 0;
    }
  copy = xstrdup (spec);
  c1 = strchr (copy, ':');
  c2 = c1 ? strchr (c1 + 1, ':') : NULL;
  if (c1 == NULL || c2 == NULL || strchr (c2 + 1, ':'))
    return cell_err (err, 0, "cgroupsPath `%s`: expected the form `slice:prefix:name` for systemd cgroups",
                     spec);
  *c1 = *c2 = '\0';
  slice = copy;
  prefix = c1 + 1;
  name = c2 + 1;
  if (*name == '\0' || strchr (name, '/') || strchr (prefix, '/') || streq (name, ".") || streq (name, ".."))
    return cell_err (err, 0, "cgroupsPath `%s`: invalid systemd unit name", spec);
  if (expand_slice (*slice ? slice : "system.slice", &slice_path, err) < 0)
    return cell_err_wrap (err, "cgroupsPath `%s`", spec);
  if (strlen (name) > 6 && streq (name + strlen (name) - 6, ".slice"))
    {
      /* The container gets a slice of its own: nest it like systemd would. */
      cleanup_free char *sub = NULL;
      if (expand_slice (name, &sub, err) < 0)
        return cell_err_wrap (err, "cgroupsPath `%s`", spec);
      *out = xasprintf ("%s%s", slice_path, strrchr (sub, '/'));
      return 0;
    }
  *out = *prefix ? xasprintf ("%s/%s-%s.scope", slice_path, prefix, name)
                 : xasprintf ("%s/%s.scope", slice_path, name);
  return 0;
}

static struct cell_cgroup *
cgroup_alloc (enum cell_cgroup_mode mode)
{
  struct cell_cgroup *cg = xzalloc (sizeof *cg);
  cg->mode = mode;
  cg->ops = mode == CELL_CGROUP_V2 ? &cell_cgroup_v2_ops : &cell_cgroup_v1_ops;
  cg->clone_dfd = -1;
  return cg;
}

int
cell_cgroup_new (const char *path, const char *id, bool systemd, enum cell_cgroup_mode mode,
                 struct cell_cgroup **out, struct cell_error **err)
{
  cleanup_free char *clean = NULL;
  struct cell_cgroup *cg;
  char **roots = NULL;
  bool relative = false;

  *out = NULL;
  if (mode == CELL_CGROUP_NONE)
    return cell_err (err, 0, "no cgroup hierarchy is mounted at " CGROUP_ROOT);
  if (path && (strpbrk (path, ";\n") != NULL))
    return cell_err (err, 0, "cgroupsPath `%s`: `;` and newlines are not supported", path);
  if (systemd)
    {
      if (systemd_path (path, id, &clean, err) < 0)
        return -1;
    }
  else if (path == NULL || *path == '\0')
    {
      if (strchr (id, '/') || streq (id, ".") || streq (id, ".."))
        return cell_err (err, 0, "container ID `%s` cannot name a cgroup", id);
      clean = xasprintf ("/cell/%s", id);
    }
  else
    {
      relative = path[0] != '/';
      if (clean_path (path, &clean, err) < 0)
        return -1;
    }
  if (!relative && *clean == '\0')
    return cell_err (err, 0, "cgroupsPath `%s` names the root cgroup", path ? path : "/");

  cg = cgroup_alloc (mode);
  if (discover (mode, &cg->h, &cg->n_h, &roots, err) < 0)
    {
      cell_cgroup_free (cg);
      return -1;
    }
  for (size_t i = 0; i < cg->n_h; i++)
    {
      struct cell_cgroup_hier *h = &cg->h[i];
      if (relative)
        {
          cleanup_free char *own = NULL;
          if (own_cgroup (h, roots[i], &own, err) < 0)
            {
              cell_strv_free (roots);
              cell_cgroup_free (cg);
              return -1;
            }
          h->rel = xasprintf ("%s%s", own, clean);
          if (*h->rel == '\0')
            {
              cell_strv_free (roots);
              cell_cgroup_free (cg);
              return cell_err (err, 0, "cgroupsPath `%s` names the root cgroup", path);
            }
        }
      else
        h->rel = xstrdup (clean);
      h->dir = xasprintf ("%s%s", h->mount, h->rel);
    }
  cell_strv_free (roots);
  *out = cg;
  return 0;
}

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
      if (cell_cgroup_read (dir, files[i], &cur, err) < 0)
        {
          if (*err)
            return -1;
          continue;
        }
      if (*cur != '\0')
        continue;
      if (cell_cgroup_read (parent, files[i], &pval, err) < 0)
        return *err ? -1 : cell_err (err, ENOENT, "read `%s/%s`", parent, files[i]);
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
          continue;
        }
      if (errno == EEXIST)
        {
          struct stat st;
          if (stat (p, &st) < 0 || !S_ISDIR (st.st_mode))
            return cell_err (err, ENOTDIR, "mkdir `%s`", p);
          continue;
        }
      if (errno == ENOENT && first_created < 0)
        return 1;
      return cell_err_errno (err, "mkdir `%s`", p);
    }
  return 0;
}

static int
hier_mkdir (struct cell_cgroup_hier *h, struct cell_error **err)
{
  int r = 1;
  h->created = 0;
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
          char **ctrls = split (avail, " ");
          for (size_t i = 0; ctrls[i]; i++)
            {
              cleanup_free char *v = xasprintf ("+%s", ctrls[i]);
              (void)write_raw (p, "cgroup.subtree_control", v);
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
     sharing it. */
  for (size_t i = 0; i < cg->n_h; i++)
    {
      size_t cap = 0;
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
  if (cg->mode == CELL_CGROUP_V2)
    {
      cg->clone_dfd = open (cg->h[0].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (cg->clone_dfd < 0)
        {
          cell_err_errno (err, "open `%s`", cg->h[0].dir);
          cgroup_rollback (cg);
          return -1;
        }
    }
  return 0;
}

int
cell_cgroup_clone_dfd (struct cell_cgroup *cg)
{
  return cg->mode == CELL_CGROUP_V2 ? cg->clone_dfd : -1;
}

int
cell_cgroup_enter (struct cell_cgroup *cg, pid_t pid, struct cell_error **err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%d", (int)pid);
  for (size_t i = 0; i < cg->n_h; i++)
    if (cell_cgroup_write (cg->h[i].dir, "cgroup.procs", buf, err) < 0)
      return cell_err_wrap (err, "join cgroup");
  return 0;
}

int
cell_cgroup_apply (struct cell_cgroup *cg, const struct cell_spec_resources *res, struct cell_error **err)
{
  static const struct cell_spec_resources empty;
  if (cg->ops->apply (cg, res ? res : &empty, true, err) < 0)
    return cell_err_wrap (err, "apply cgroup resources");
  return 0;
}

int
cell_cgroup_update (struct cell_cgroup *cg, const struct cell_spec_resources *res, struct cell_error **err)
{
  /* Without rules in the update, keep the device policy set at create (the default list alone would
     otherwise replace it). */
  if (cg->ops->apply (cg, res, res->n_devices > 0, err) < 0)
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

  if (cell_cgroup_read (dir, "cgroup.procs", &procs, err) < 0)
    return *err ? -1 : 0;
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
cell_cgroup_has_processes (struct cell_cgroup *cg, bool *has, struct cell_error **err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  if (cell_cgroup_pids (cg, &pids, &n, err) < 0)
    return -1;
  *has = n > 0;
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
  long long deadline = now_ms () + EMPTY_TIMEOUT_MS;
  long delay = 1;
  for (;;)
    {
      cleanup_free pid_t *pids = NULL;
      size_t n = 0;
      if (cell_cgroup_pids (cg, &pids, &n, err) < 0)
        return -1;
      if (n == 0)
        return 0;
      if (now_ms () > deadline)
        return cell_err (err, EBUSY, "cgroup `%s` still has %zu process(es) after SIGKILL", cg->h[0].rel, n);
      for (size_t i = 0; i < n; i++)
        kill (pids[i], SIGKILL);
      sleep_ms (delay);
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

/* rmdir `dir` and the sub-cgroups the container made below it, deepest first. */
static int
rmdir_tree (const char *dir, int depth)
{
  DIR *d = opendir (dir);
  struct dirent *de;

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

  {
    struct cell_error *e = NULL;
    if (cell_cgroup_is_frozen (cg) && cell_cgroup_freeze (cg, false, &e) < 0)
      cell_error_free (e);
  }
  if (cell_cgroup_kill_all (cg, SIGKILL, err) < 0)
    return cell_err_wrap (err, "destroy cgroup");

  /* rmdir can still fail with EBUSY for a moment after the last task left (v1 css offlining). */
  deadline = now_ms () + EMPTY_TIMEOUT_MS;
  for (size_t i = 0; i < cg->n_h; i++)
    {
      struct cell_cgroup_hier *h = &cg->h[i];
      while (rmdir_tree (h->dir, 0) < 0)
        {
          if (errno != EBUSY || now_ms () > deadline)
            return cell_err_errno (err, "destroy cgroup: rmdir `%s`", h->dir);
          sleep_ms (delay);
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

/* ---- state form -------------------------------------------------------------------------------------- */

/* "MODE:PATH" followed by ";+N" (trailing components create made, when > 0) and per-hierarchy exceptions
   ";NAME=PATH" / ";NAME+N" where a hierarchy differs from the first one (relative cgroupsPaths land under
   a different own cgroup per v1 hierarchy). E.g. "hybrid:/cell/foo;+2". */
char *
cell_cgroup_serialize (const struct cell_cgroup *cg)
{
  const struct cell_cgroup_hier *h0 = &cg->h[0];
  char *s = xasprintf ("%s:%s", mode_names[cg->mode], h0->rel);
  if (h0->created > 0)
    {
      char *n = xasprintf ("%s;+%d", s, h0->created);
      free (s);
      s = n;
    }
  for (size_t i = 1; i < cg->n_h; i++)
    {
      const struct cell_cgroup_hier *h = &cg->h[i];
      if (!streq (h->rel, h0->rel))
        {
          char *n = xasprintf ("%s;%s=%s", s, h->name, h->rel);
          free (s);
          s = n;
        }
      if (h->created != h0->created)
        {
          char *n = xasprintf ("%s;%s+%d", s, h->name, h->created);
          free (s);
          s = n;
        }
    }
  return s;
}

static int
parse_count (const char *s, int *out)
{
  char *end;
  long v;
  errno = 0;
  v = strtol (s, &end, 10);
  if (errno || end == s || *end || v < 0 || v > 4096)
    return -1;
  *out = (int)v;
  return 0;
}

/* Fills cg's hierarchies from the tokens of a serialised form (tokens[0] is the common path). */
static int
apply_state_tokens (struct cell_cgroup *cg, char **tokens, const char *s, struct cell_error **err)
{
  int base_created = 0;

  for (size_t t = 1; tokens[t]; t++)
    if (tokens[t][0] == '+' && parse_count (tokens[t] + 1, &base_created) < 0)
      return cell_err (err, 0, "invalid cgroup state `%s`", s);
  for (size_t i = 0; i < cg->n_h; i++)
    {
      struct cell_cgroup_hier *h = &cg->h[i];
      size_t nl = strlen (h->name);
      h->rel = xstrdup (tokens[0]);
      h->created = base_created;
      for (size_t t = 1; tokens[t]; t++)
        {
          if (strncmp (tokens[t], h->name, nl) != 0)
            continue;
          if (tokens[t][nl] == '=')
            {
              free (h->rel);
              h->rel = xstrdup (tokens[t] + nl + 1);
            }
          else if (tokens[t][nl] == '+' && parse_count (tokens[t] + nl + 1, &h->created) < 0)
            return cell_err (err, 0, "invalid cgroup state `%s`", s);
        }
      /* The state file is ours, but a path leaving the hierarchy would make destroy rmdir elsewhere. */
      if (h->rel[0] != '/' || strstr (h->rel, "/..") || strstr (h->rel, "/./") || streq (h->rel, "/"))
        return cell_err (err, 0, "invalid cgroup state `%s`", s);
      h->dir = xasprintf ("%s%s", h->mount, h->rel);
    }
  return 0;
}

int
cell_cgroup_deserialize (const char *s, struct cell_cgroup **out, struct cell_error **err)
{
  cleanup_free char *copy = xstrdup (s);
  cleanup_strv char **tokens = NULL;
  char *colon = strchr (copy, ':');
  int mode = -1;
  struct cell_cgroup *cg;

  *out = NULL;
  if (colon == NULL)
    return cell_err (err, 0, "invalid cgroup state `%s`", s);
  *colon = '\0';
  for (int m = CELL_CGROUP_V1; m <= CELL_CGROUP_V2; m++)
    if (streq (copy, mode_names[m]))
      mode = m;
  tokens = split (colon + 1, ";");
  if (mode < 0 || tokens[0] == NULL || tokens[0][0] != '/')
    return cell_err (err, 0, "invalid cgroup state `%s`", s);
  cg = cgroup_alloc ((enum cell_cgroup_mode)mode);
  if (discover (cg->mode, &cg->h, &cg->n_h, NULL, err) < 0 || apply_state_tokens (cg, tokens, s, err) < 0)
    {
      cell_cgroup_free (cg);
      return -1;
    }
  *out = cg;
  return 0;
}

void
cell_cgroup_free (struct cell_cgroup *cg)
{
  if (cg == NULL)
    return;
  for (size_t i = 0; i < cg->n_h; i++)
    hier_clear (&cg->h[i]);
  free (cg->h);
  cell_closep (&cg->clone_dfd);
  free (cg);
}
