/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-paths.c: where the container's cgroup is: host mode detection, the mounted hierarchies
   (mountinfo, or a scratch tree for tests), cgroupsPath policy and the systemd slice naming. */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include "cgroup-internal.h"
#include "strv.h"
#include "xalloc.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* ---- hierarchies ------------------------------------------------------------------------------------- */

enum cell_cgroup_mode
cell_cgroup_detect (void)
{
  struct statfs st;
  if (statfs (CELL_CGROUP_ROOT, &st) < 0)
    return CELL_CGROUP_NONE;
  if (st.f_type == CGROUP2_SUPER_MAGIC)
    return CELL_CGROUP_V2;
  if (st.f_type != TMPFS_MAGIC)
    return CELL_CGROUP_NONE;
  if (statfs (CELL_CGROUP_ROOT "/unified", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
    return CELL_CGROUP_HYBRID;
  return CELL_CGROUP_V1;
}

const char *const cell_cgroup_mode_names[] = {
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

/* The mounted hierarchies for `mode`, from /proc/self/mountinfo: v1 ones directly under /sys/fs/cgroup,
   the cgroup2 one at /sys/fs/cgroup (v2) or /sys/fs/cgroup/unified (hybrid). `rel` is left NULL. */
static int
mountinfo_discover (enum cell_cgroup_mode mode, struct cell_cgroup_hier **out, size_t *n_out,
                    char ***roots_out, struct cell_error **err)
{
  static char iobuf[32768]; /* outlives the stream */
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
  /* procfs says 1 KiB blocks: every read makes the kernel walk the mount table again */
  setvbuf (f, iobuf, _IOFBF, sizeof (iobuf));
  while (getline (&line, &cap, f) > 0)
    {
      char *fields[10] = { 0 }, *save = NULL, *sep = strstr (line, " - ");
      char *t, *fstype, *superopts;
      size_t nf = 0;
      bool v2;
      const char *base;
      struct cell_cgroup_hier h = { 0 };

      /* most lines are no cgroup mount: the type first (" - cgroup " or " - cgroup2 "), then the fields */
      if (sep == NULL || strncmp (sep + 3, "cgroup", 6) != 0
          || (sep[9] != ' ' && strncmp (sep + 9, "2 ", 2) != 0))
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
          const char *want = mode == CELL_CGROUP_V2 ? CELL_CGROUP_ROOT : CELL_CGROUP_ROOT "/unified";
          if (mode == CELL_CGROUP_V1 || !streq (fields[4], want))
            continue;
        }
      else
        {
          if (mode == CELL_CGROUP_V2
              || strncmp (fields[4], CELL_CGROUP_ROOT "/", strlen (CELL_CGROUP_ROOT "/")) != 0
              || strchr (fields[4] + strlen (CELL_CGROUP_ROOT "/"), '/') != NULL)
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
          char **opts = cell_cgroup_split (superopts, ",");
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
                       cell_cgroup_mode_names[mode]);
    }
  *out = v;
  *n_out = n;
  if (roots_out)
    *roots_out = roots;
  else
    cell_strv_free (roots);
  return 0;
}

/* The hierarchies as systemd (and cgroupfs-mount) lay them out, without reading mountinfo (whose text the
   kernel makes for every mount there is): each v1 hierarchy the runtime is in (/proc/self/cgroup) at
   /sys/fs/cgroup/<its controllers, comma-joined, "name=" dropped>, and the cgroup2 one where
   cell_cgroup_detect found it. Taken only when every v1 hierarchy is there, each a cgroup filesystem of its
   own; returns 0 otherwise, and mountinfo decides. Mount roots are not known here: absolute cgroupsPaths
   only. */
static int
conventional_discover (enum cell_cgroup_mode mode, struct cell_cgroup_hier **out, size_t *n_out)
{
  cleanup_fclose FILE *f = NULL;
  cleanup_free char *line = NULL;
  struct cell_cgroup_hier *v = NULL;
  dev_t devs[32];
  size_t cap = 0, n = 0;
  ssize_t len;
  bool ok = true;

  if (mode == CELL_CGROUP_V1 || mode == CELL_CGROUP_HYBRID)
    {
      f = fopen ("/proc/self/cgroup", "re");
      if (f == NULL)
        return 0;
      while (ok && (len = getline (&line, &cap, f)) > 0)
        {
          char *c1 = strchr (line, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL, *name;
          struct cell_cgroup_hier h = { 0 };
          struct statfs sf;
          struct stat st;
          if (c2 == NULL || n >= ARRAY_SIZE (devs))
            {
              ok = false;
              break;
            }
          *c2 = '\0';
          if (c1[1] == '\0') /* "0::/path": the unified hierarchy's line */
            continue;
          name = c1 + 1;
          if (strncmp (name, "name=", 5) == 0)
            name += 5;
          h.mount = xasprintf (CELL_CGROUP_ROOT "/%s", name);
          ok = *name && !strchr (name, '/') && !strchr (name, '=') && statfs (h.mount, &sf) == 0
               && sf.f_type == CGROUP_SUPER_MAGIC && stat (h.mount, &st) == 0;
          for (size_t i = 0; ok && i < n; i++)
            ok = devs[i] != st.st_dev;
          if (!ok)
            {
              free (h.mount);
              break;
            }
          devs[n] = st.st_dev;
          h.name = xstrdup (name);
          h.ctrls = cell_cgroup_split (c1 + 1, ",");
          v = xrealloc (v, (n + 1) * sizeof *v);
          v[n++] = h;
        }
    }
  /* the kernel lists the newest hierarchy first: mountinfo's order is the mount order */
  for (size_t i = 0; ok && i < n / 2; i++)
    {
      struct cell_cgroup_hier t = v[i];
      v[i] = v[n - 1 - i];
      v[n - 1 - i] = t;
    }
  if (ok && (mode == CELL_CGROUP_V2 || mode == CELL_CGROUP_HYBRID))
    {
      v = xrealloc (v, (n + 1) * sizeof *v);
      v[n] = (struct cell_cgroup_hier){
        .v2 = true,
        .mount = xstrdup (mode == CELL_CGROUP_V2 ? CELL_CGROUP_ROOT : CELL_CGROUP_ROOT "/unified"),
        .name = xstrdup ("unified")
      };
      n++;
    }
  if (!ok || n == 0 || (mode == CELL_CGROUP_HYBRID && n == 1))
    {
      for (size_t i = 0; i < n; i++)
        cell_cgroup_hier_clear (&v[i]);
      free (v);
      return 0;
    }
  *out = v;
  *n_out = n;
  return 1;
}

/* Tests: the hierarchies of a scratch tree laid out like /sys/fs/cgroup: `root` itself is the cgroup2
   hierarchy (v2); otherwise every subdirectory is a v1 hierarchy whose name lists its controllers
   ("cpu,cpuacct", "systemd" for name=systemd), and "unified" the cgroup2 one (hybrid). */
static int
scan_discover (const char *root, enum cell_cgroup_mode mode, struct cell_cgroup_hier **out, size_t *n_out,
               char ***roots_out, struct cell_error **err)
{
  struct cell_cgroup_hier *v = NULL;
  size_t n = 0;
  DIR *d;
  struct dirent *de;

  if (mode == CELL_CGROUP_V2)
    {
      v = xzalloc (sizeof *v);
      v->v2 = true;
      v->mount = xstrdup (root);
      v->name = xstrdup ("unified");
      n = 1;
    }
  else
    {
      d = opendir (root);
      if (d == NULL)
        return cell_err_errno (err, "open `%s`", root);
      while ((de = readdir (d)) != NULL)
        {
          struct cell_cgroup_hier h = { 0 };
          if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
          h.v2 = streq (de->d_name, "unified");
          if (h.v2 && mode != CELL_CGROUP_HYBRID)
            continue;
          h.mount = xasprintf ("%s/%s", root, de->d_name);
          h.name = xstrdup (de->d_name);
          if (!h.v2)
            h.ctrls = streq (de->d_name, "systemd") ? cell_cgroup_split ("name=systemd", ",")
                                                    : cell_cgroup_split (de->d_name, ",");
          v = xrealloc (v, (n + 1) * sizeof *v);
          v[n++] = h;
        }
      closedir (d);
    }
  if (n == 0)
    {
      free (v);
      return cell_err (err, 0, "no cgroup hierarchy in `%s`", root);
    }
  *out = v;
  *n_out = n;
  if (roots_out)
    {
      *roots_out = xcalloc (1, sizeof (char *));
      for (size_t i = 0; i < n; i++)
        *roots_out = cell_strv_append (*roots_out, "/");
    }
  return 0;
}

/* The hierarchies mountinfo_discover found, per mode, kept while cell_cgroup_remember_mounts is on. */
static struct
{
  bool on;
  struct cell_cgroup_hier *h[CELL_CGROUP_V2 + 1];
  size_t n[CELL_CGROUP_V2 + 1];
  char **roots[CELL_CGROUP_V2 + 1];
} memo;

void
cell_cgroup_remember_mounts (bool on)
{
  memo.on = on;
  if (on)
    return;
  for (size_t m = 0; m < ARRAY_SIZE (memo.h); m++)
    {
      for (size_t i = 0; i < memo.n[m]; i++)
        cell_cgroup_hier_clear (&memo.h[m][i]);
      free (memo.h[m]);
      cell_strv_free (memo.roots[m]);
      memo.h[m] = NULL;
      memo.roots[m] = NULL;
      memo.n[m] = 0;
    }
}

/* A copy of the remembered hierarchies of `mode` (after reading mountinfo once). */
static int
remembered_discover (enum cell_cgroup_mode mode, struct cell_cgroup_hier **out, size_t *n_out,
                     char ***roots_out, struct cell_error **err)
{
  struct cell_cgroup_hier *v;

  if (memo.h[mode] == NULL
      && mountinfo_discover (mode, &memo.h[mode], &memo.n[mode], &memo.roots[mode], err) < 0)
    return -1;
  v = xcalloc (memo.n[mode], sizeof *v);
  for (size_t i = 0; i < memo.n[mode]; i++)
    {
      v[i].v2 = memo.h[mode][i].v2;
      v[i].mount = xstrdup (memo.h[mode][i].mount);
      v[i].name = xstrdup (memo.h[mode][i].name);
      v[i].ctrls = memo.h[mode][i].ctrls ? cell_strv_copy (memo.h[mode][i].ctrls) : NULL;
    }
  *out = v;
  *n_out = memo.n[mode];
  if (roots_out)
    *roots_out = cell_strv_copy (memo.roots[mode]);
  return 0;
}

int
cell_cgroup_discover_into (struct cell_cgroup *cg, const char *root, struct cell_error **err)
{
  enum cell_cgroup_mode mode = cg->mode;

  if (root || !memo.on || mode < 0 || (size_t)mode >= ARRAY_SIZE (memo.h))
    return cell_cgroup_discover (root, mode, &cg->h, &cg->n_h, NULL, err);
  if (memo.h[mode] == NULL
      && mountinfo_discover (mode, &memo.h[mode], &memo.n[mode], &memo.roots[mode], err) < 0)
    return -1;
  cg->h = xcalloc (memo.n[mode], sizeof *cg->h);
  for (size_t i = 0; i < memo.n[mode]; i++)
    {
      cg->h[i].v2 = memo.h[mode][i].v2;
      cg->h[i].mount = memo.h[mode][i].mount;
      cg->h[i].name = memo.h[mode][i].name;
      cg->h[i].ctrls = memo.h[mode][i].ctrls;
    }
  cg->n_h = memo.n[mode];
  cg->borrowed = true;
  return 0;
}

int
cell_cgroup_discover (const char *root, enum cell_cgroup_mode mode, struct cell_cgroup_hier **out,
                      size_t *n_out, char ***roots_out, struct cell_error **err)
{
  if (root)
    return scan_discover (root, mode, out, n_out, roots_out, err);
  if (memo.on && mode >= 0 && (size_t)mode < ARRAY_SIZE (memo.h))
    return remembered_discover (mode, out, n_out, roots_out, err);
  return mountinfo_discover (mode, out, n_out, roots_out, err);
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
          char **ctrls = cell_cgroup_split (c1 + 1, ",");
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
  char **parts = cell_cgroup_split (path, "/");
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

static int
new_cgroup (const char *root, const char *path, const char *id, bool systemd, enum cell_cgroup_mode mode,
            struct cell_cgroup **out, struct cell_error **err)
{
  cleanup_free char *clean = NULL;
  struct cell_cgroup *cg;
  char **roots = NULL;
  bool relative = false;

  *out = NULL;
  if (mode == CELL_CGROUP_NONE)
    return cell_err (err, 0, "no cgroup hierarchy is mounted at " CELL_CGROUP_ROOT);
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
  if (relative && root)
    return cell_err (err, 0, "cgroupsPath `%s`: a scratch cgroup tree takes absolute paths only", path);

  cg = cell_cgroup_alloc (mode);
  if (root || relative || memo.on || !conventional_discover (mode, &cg->h, &cg->n_h))
    if (cell_cgroup_discover (root, mode, &cg->h, &cg->n_h, &roots, err) < 0)
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

int
cell_cgroup_new (const char *path, const char *id, bool systemd, enum cell_cgroup_mode mode,
                 struct cell_cgroup **out, struct cell_error **err)
{
  return new_cgroup (NULL, path, id, systemd, mode, out, err);
}

int
cell_cgroup_new_at (const char *root, const char *path, const char *id, bool systemd,
                    enum cell_cgroup_mode mode, struct cell_cgroup **out, struct cell_error **err)
{
  return new_cgroup (root, path, id, systemd, mode, out, err);
}
