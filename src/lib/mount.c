/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount.c: mount primitives on fds (mount(2) via /proc/self/fd, fsopen/fsconfig/fsmount,
   open_tree/mount_setattr/move_mount), and the container's view of its own cgroups at /sys/fs/cgroup on
   v1, hybrid and v2 hosts. */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "log.h"
#include "mount.h"
#include "path-util.h"
#include "xalloc.h"

#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

static int
sys_open_tree (int dfd, const char *path, unsigned flags)
{
  return (int)syscall (SYS_open_tree, dfd, path, flags);
}

static int
sys_move_mount (int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags)
{
  return (int)syscall (SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static int
sys_mount_setattr (int dfd, const char *path, unsigned flags, struct mount_attr *attr)
{
  return (int)syscall (SYS_mount_setattr, dfd, path, flags, attr, sizeof (*attr));
}

uint64_t
cell_ms_to_attr (unsigned long ms)
{
  uint64_t a = 0;
  if (ms & MS_RDONLY)
    a |= MOUNT_ATTR_RDONLY;
  if (ms & MS_NOSUID)
    a |= MOUNT_ATTR_NOSUID;
  if (ms & MS_NODEV)
    a |= MOUNT_ATTR_NODEV;
  if (ms & MS_NOEXEC)
    a |= MOUNT_ATTR_NOEXEC;
  if (ms & MS_NODIRATIME)
    a |= MOUNT_ATTR_NODIRATIME;
  if (ms & MS_NOATIME)
    a |= MOUNT_ATTR_NOATIME;
  else if (ms & MS_STRICTATIME)
    a |= MOUNT_ATTR_STRICTATIME;
  else if (ms & MS_RELATIME)
    a |= MOUNT_ATTR_RELATIME;
  if (ms & MS_NOSYMFOLLOW)
    a |= MOUNT_ATTR_NOSYMFOLLOW;
  return a;
}

int
cell_mount_fs_at (const char *source, const char *fstype, unsigned long flags, const char *data,
                  int target_fd, const char *what, struct cell_error **err)
{
  char path[32];
  snprintf (path, sizeof (path), "/proc/self/fd/%d", target_fd);
  if (mount (source, path, fstype, flags, data) < 0)
    return cell_err_errno (err, "mount %s", what);
  return 0;
}

int
cell_mount_setattr (int fd, bool recursive, uint64_t set, uint64_t clr, unsigned long propagation,
                    const char *what, struct cell_error **err)
{
  struct mount_attr attr
      = { .attr_set = set, .attr_clr = clr, .propagation = propagation & ~(unsigned long)MS_REC };
  if (set & MOUNT_ATTR__ATIME)
    attr.attr_clr |= MOUNT_ATTR__ATIME;
  if (!set && !clr && !propagation)
    return 0;
  if (sys_mount_setattr (fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr) < 0)
    return cell_err_errno (err, "set mount attributes of %s", what);
  return 0;
}

int
cell_mount_set_idmap (int fd, int userns_fd, bool recursive, const char *what, struct cell_error **err)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd };
  if (sys_mount_setattr (fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr) == 0)
    return 0;
  if (errno == EINVAL)
    return cell_err_errno (err, "id-map %s (can its filesystem be id-mapped on this kernel?)", what);
  return cell_err_errno (err, "id-map %s", what);
}

int
cell_move_mount_at (int mnt_fd, int target_fd, const char *what, struct cell_error **err)
{
  if (sys_move_mount (mnt_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return cell_err_errno (err, "attach %s", what);
  return 0;
}

int
cell_bind_at (const char *source, int source_fd, bool recursive, unsigned long ms, uint64_t attr_set,
              uint64_t attr_clr, int target_fd, const char *what, struct cell_error **err)
{
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
  int t;
  int r = -1;

  if (source_fd >= 0)
    t = sys_open_tree (source_fd, "", flags | AT_EMPTY_PATH);
  else
    t = sys_open_tree (AT_FDCWD, source, flags);
  if (t < 0)
    return cell_err_errno (err, "bind %s", what);
  /* the per-mount flags go on the top mount, the r* attributes on the whole tree, before attaching, so
     the mount is never visible with weaker flags */
  if (cell_mount_setattr (t, false, cell_ms_to_attr (ms), 0, 0, what, err) < 0
      || cell_mount_setattr (t, true, attr_set, attr_clr, 0, what, err) < 0
      || cell_move_mount_at (t, target_fd, what, err) < 0)
    goto out;
  r = 0;
out:
  close (t);
  return r;
}

/* ---- filesystem contexts (the new mount API) ---- */

int
cell_fs_open (const char *fstype)
{
  return (int)syscall (SYS_fsopen, fstype, FSOPEN_CLOEXEC);
}

/* The kernel's own words for a failed fsconfig, from the context's log ("e overlay: ..."): " (...)" or "". */
static const char *
fs_reason (int fs, char *buf, size_t size)
{
  char msg[256];
  ssize_t n;

  buf[0] = '\0';
  while ((n = read (fs, msg, sizeof (msg) - 1)) > 0)
    {
      msg[n] = '\0';
      if (msg[0] == 'e' && msg[1] == ' ')
        snprintf (buf, size, " (%s)", msg + 2);
    }
  return buf;
}

int
cell_fs_set (int fs, const char *key, const char *value, const char *what, struct cell_error **err)
{
  char why[300];
  int e;

  if (syscall (SYS_fsconfig, fs, value ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, key, value, 0) == 0)
    return 0;
  e = errno;
  fs_reason (fs, why, sizeof (why));
  cell_err (err, 0, "%s: option `%s%s%s`: %s%s", what, key, value ? "=" : "", value ? value : "",
            strerror (e), why);
  errno = e; /* callers tell a kernel that cannot from one that will not */
  return -1;
}

int
cell_fs_set_fd (int fs, const char *key, int fd)
{
  return (int)syscall (SYS_fsconfig, fs, FSCONFIG_SET_FD, key, NULL, fd);
}

int
cell_fs_create (int fs, const char *fstype, unsigned attrs, const char *what, struct cell_error **err)
{
  int m;

  if (syscall (SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    {
      char why[300];
      int e = errno;
      fs_reason (fs, why, sizeof (why));
      cell_err (err, 0, "%s: mount %s: %s%s", what, fstype, strerror (e), why);
      errno = e;
      return -1;
    }
  m = (int)syscall (SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs);
  if (m < 0)
    return cell_err_errno (err, "%s: fsmount %s", what, fstype);
  return m;
}

/* ---- cgroups ---- */

struct cg_mount
{
  char *name;     /* entry under /sys/fs/cgroup ("cpu,cpuacct", "unified", "" for a v2 host) */
  char *host_dir; /* the container's directory on the host */
  char *options;  /* v1 controllers (super options) for a fresh mount, NULL for cgroup2 */
};

/* /proc/self/cgroup, read once for all hierarchies (NULL if unreadable; the caller frees it). */
static char *
read_self_cgroup (void)
{
  FILE *f = fopen ("/proc/self/cgroup", "re");
  char *buf = NULL;
  size_t len = 0;
  FILE *m;
  char chunk[1024];
  size_t n;
  if (!f)
    return NULL;
  m = open_memstream (&buf, &len);
  if (m)
    {
      while ((n = fread (chunk, 1, sizeof chunk, f)) > 0)
        fwrite (chunk, 1, n, m);
      fclose (m);
    }
  fclose (f);
  return buf;
}

/* The path of our cgroup in the hierarchy with `controllers` (v1) or in the unified one (NULL), from the
   text of /proc/self/cgroup. */
static char *
own_cgroup (const char *self, const char *controllers)
{
  for (const char *line = self; line && *line;)
    {
      const char *end = strchrnul (line, '\n'), *c = memchr (line, ':', (size_t)(end - line)), *p;
      if (c && (p = memchr (c + 1, ':', (size_t)(end - c - 1))) != NULL)
        {
          size_t clen = (size_t)(p - c - 1);
          if (controllers ? (strlen (controllers) == clen && strncmp (c + 1, controllers, clen) == 0)
                          : clen == 0)
            return xstrndup (p + 1, (size_t)(end - p - 1));
        }
      line = *end ? end + 1 : end;
    }
  return NULL;
}

static size_t
list_cgroup_mounts (struct cg_mount *out, size_t max)
{
  FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *self = NULL;
  char *line = NULL;
  size_t cap = 0, n = 0;
  if (!f)
    return 0;
  self = read_self_cgroup ();
  while (getline (&line, &cap, f) > 0 && n < max)
    {
      char *fields[11] = { 0 }, *save = NULL, *tok, *dash;
      int k = 0;
      dash = strstr (line, " - ");
      if (!dash)
        continue;
      *dash = '\0';
      for (tok = strtok_r (line, " ", &save); tok && k < 6; tok = strtok_r (NULL, " ", &save))
        fields[k++] = tok;
      char *fstype = strtok_r (dash + 3, " ", &save);
      strtok_r (NULL, " ", &save); /* source */
      char *super = strtok_r (NULL, " \n", &save);
      if (k < 5 || !fstype || strncmp (fields[4], "/sys/fs/cgroup", 14) != 0)
        continue;
      const char *name = fields[4] + 14;
      if (*name == '/')
        name++;
      if (streq (fstype, "cgroup2"))
        {
          char *own = own_cgroup (self, NULL);
          if (!own)
            continue;
          out[n].name = xstrdup (name);
          out[n].host_dir = xasprintf ("%s%s", fields[4], own);
          out[n].options = NULL;
          free (own);
          n++;
        }
      else if (streq (fstype, "cgroup") && super)
        {
          /* the super options list the controllers ("rw,cpu,cpuacct"); /proc/self/cgroup names them in
             the same order, so strip the mount flags and match */
          cleanup_free char *ctrl = xstrdup ("");
          char *s2 = NULL;
          for (char *o = strtok_r (super, ",", &s2); o; o = strtok_r (NULL, ",", &s2))
            {
              static const char *const notctl[]
                  = { "rw", "ro", "xattr", "noprefix", "clone_children", "cpuset_v2_mode", "favordynmods" };
              bool skip = strchr (o, '=') != NULL && strncmp (o, "name=", 5) != 0;
              for (size_t q = 0; q < ARRAY_SIZE (notctl); q++)
                skip |= streq (o, notctl[q]);
              if (skip)
                continue;
              char *tmp = xasprintf ("%s%s%s", ctrl, *ctrl ? "," : "", o);
              free (ctrl);
              ctrl = tmp;
            }
          char *own = own_cgroup (self, ctrl);
          if (!own)
            continue;
          out[n].name = xstrdup (name);
          out[n].host_dir = xasprintf ("%s%s", fields[4], own);
          out[n].options = xstrdup (ctrl);
          free (own);
          n++;
        }
    }
  free (line);
  fclose (f);
  return n;
}

/* A fresh mount of hierarchy `m` on /sys/fs/cgroup/NAME (`dfd` is the tmpfs there). */
static int
mount_hierarchy (int dfd, const struct cg_mount *m, unsigned long fl, const char *what,
                 struct cell_error **err)
{
  cleanup_close int sub = openat (dfd, m->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (sub < 0)
    return cell_err_errno (err, "open `/sys/fs/cgroup/%s`", m->name);
  return cell_mount_fs_at ("cgroup", m->options ? "cgroup" : "cgroup2", fl, m->options, sub, what, err);
}

/* The container's directory of hierarchy `m` bound on /sys/fs/cgroup/NAME, in the tmpfs init just made
   (`dfd`): the name is resolved there, where nothing but init has been; the flags come with the tmpfs's. */
static int
bind_hierarchy (int dfd, const struct cg_mount *m, const char *what, struct cell_error **err)
{
  cleanup_close int t = sys_open_tree (AT_FDCWD, m->host_dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (t < 0)
    return cell_err_errno (err, "bind %s", what);
  if (sys_move_mount (t, "", dfd, m->name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return cell_err_errno (err, "attach %s", what);
  return 0;
}

int
cell_mount_cgroups (int root_dfd, const char *dest, int target_fd, bool own_ns, bool readonly,
                    unsigned long ms, const struct cell_mount_cgroup *known, size_t n_known,
                    struct cell_error **err)
{
  struct cg_mount m[32];
  size_t n = 0;
  unsigned long fl = (ms | MS_NOSUID | MS_NODEV | MS_NOEXEC) & ~(unsigned long)MS_RDONLY;
  int r = -1;

  if (known)
    for (; n < n_known && n < ARRAY_SIZE (m); n++)
      {
        m[n].name = xstrdup (known[n].name);
        m[n].options = known[n].options ? xstrdup (known[n].options) : NULL;
        m[n].host_dir = xstrdup (known[n].host_dir);
      }
  else
    n = list_cgroup_mounts (m, ARRAY_SIZE (m));

  if (n == 0)
    return cell_err (err, 0, "mount `cgroup` on `/sys/fs/cgroup`: no cgroup hierarchy found on the host");
  if (n == 1 && m[0].name[0] == '\0')
    {
      /* v2 host: the container's directory is the whole view */
      if (own_ns && !known)
        r = cell_mount_fs_at ("cgroup2", "cgroup2", fl | (readonly ? MS_RDONLY : 0), NULL, target_fd,
                              "`cgroup2` on `/sys/fs/cgroup`", err);
      else
        r = cell_bind_at (m[0].host_dir, -1, false, fl | (readonly ? MS_RDONLY : 0), 0, 0, target_fd,
                          "cgroup on `/sys/fs/cgroup`", err);
      goto out;
    }
  if (cell_mount_fs_at ("tmpfs", "tmpfs", fl, "mode=755", target_fd, "`tmpfs` on `/sys/fs/cgroup`", err) < 0)
    goto out;
  {
    /* the fd still names the directory under the tmpfs: reopen by path to reach the tmpfs itself */
    int dfd = cell_open_in_root (root_dfd, dest, O_PATH | O_DIRECTORY, 0);
    if (dfd < 0)
      {
        cell_err_errno (err, "open `/sys/fs/cgroup`");
        goto out;
      }
    for (size_t i = 0; i < n; i++)
      {
        cleanup_free char *what = xasprintf ("cgroup `%s` on `/sys/fs/cgroup/%s`", m[i].host_dir, m[i].name);
        if (strchr (m[i].name, '/') || !*m[i].name)
          continue;
        if (mkdirat (dfd, m[i].name, 0755) < 0 && errno != EEXIST)
          {
            cell_err_errno (err, "mkdir `/sys/fs/cgroup/%s`", m[i].name);
            close (dfd);
            goto out;
          }
        if ((own_ns && !known ? mount_hierarchy (dfd, &m[i], fl | (readonly ? MS_RDONLY : 0), what, err)
                              : bind_hierarchy (dfd, &m[i], what, err))
            < 0)
          {
            close (dfd);
            goto out;
          }
        /* "cpu,cpuacct": the controllers' own names link to it, as on the host */
        if (strchr (m[i].name, ','))
          {
            cleanup_free char *names = xstrdup (m[i].name);
            char *s2 = NULL;
            for (char *c = strtok_r (names, ",", &s2); c; c = strtok_r (NULL, ",", &s2))
              if (symlinkat (m[i].name, dfd, c) < 0 && errno != EEXIST)
                cell_debug ("link /sys/fs/cgroup/%s: %m", c);
          }
      }
    /* the tmpfs and every hierarchy on it at once (nothing of the container's runs yet) */
    r = cell_mount_setattr (dfd, true, cell_ms_to_attr (fl | (readonly ? MS_RDONLY : 0)), 0, 0,
                            "`/sys/fs/cgroup`", err);
    close (dfd);
  }
out:
  for (size_t i = 0; i < n; i++)
    {
      free (m[i].name);
      free (m[i].host_dir);
      free (m[i].options);
    }
  return r;
}
