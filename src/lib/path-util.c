/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* path-util.c: lexical path cleaning and in-root resolution: openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS)
   with a component-by-component O_NOFOLLOW walk that follows symlinks inside the root as a fallback. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "path-util.h"
#include "xalloc.h"

char *
cell_path_clean (const char *path)
{
  size_t n = strlen (path);
  char *out = xmalloc (n + 2);
  size_t len = 0;
  const char *p = path;

  out[len++] = '/';
  while (*p)
    {
      const char *c;
      size_t clen;
      while (*p == '/')
        p++;
      c = p;
      while (*p && *p != '/')
        p++;
      clen = (size_t)(p - c);
      if (clen == 0 || (clen == 1 && c[0] == '.'))
        continue;
      if (clen == 2 && c[0] == '.' && c[1] == '.')
        {
          while (len > 1 && out[len - 1] != '/')
            len--;
          if (len > 1)
            len--;
          continue;
        }
      if (len > 1)
        out[len++] = '/';
      memcpy (out + len, c, clen);
      len += clen;
    }
  out[len] = '\0';
  return out;
}

char *
cell_path_join (const char *base, const char *rel)
{
  if (rel[0] == '/')
    return xstrdup (rel);
  return xasprintf ("%s/%s", base, rel);
}

static bool force_fallback;

void
cell_path_force_fallback (bool on)
{
  force_fallback = on;
}

bool
cell_path_fallback_forced (void)
{
  return force_fallback;
}

/* The fallback walk: emulates RESOLVE_IN_ROOT by opening one component at a time with O_NOFOLLOW,
   reading symlinks and splicing their targets into the rest of the path (absolute targets restart at the
   root), clamping ".." at the root. The caller's open flags apply to the last component only. */
static int
walk_in_root (int root_dfd, const char *path, int flags, mode_t mode)
{
  cleanup_free char *rest = xstrdup (path);
  int cur = -1, links = 0;

  cur = openat (root_dfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cur < 0)
    return -1;
  for (;;)
    {
      char *p = rest, *comp, *slash;
      int next;
      struct stat st;

      while (*p == '/')
        p++;
      if (*p == '\0')
        {
          /* the path named the directory itself */
          next = openat (cur, ".", flags | O_CLOEXEC, mode);
          close (cur);
          return next;
        }
      comp = p;
      slash = strchr (p, '/');
      if (slash)
        *slash = '\0';
      bool last = slash == NULL || slash[1 + strspn (slash + 1, "/")] == '\0';

      if (streq (comp, ".."))
        {
          struct stat a, b;
          /* never above the root */
          if (fstat (cur, &a) == 0 && fstat (root_dfd, &b) == 0 && a.st_dev == b.st_dev
              && a.st_ino == b.st_ino)
            next = openat (cur, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
          else
            next = openat (cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
        }
      else if (streq (comp, "."))
        next = openat (cur, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
      else
        {
          if (fstatat (cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode)
              && !(last && (flags & O_NOFOLLOW)))
            {
              char target[4096];
              ssize_t n = readlinkat (cur, comp, target, sizeof (target) - 1);
              if (n < 0 || ++links > 40)
                {
                  if (n >= 0)
                    errno = ELOOP;
                  close (cur);
                  return -1;
                }
              target[n] = '\0';
              char *nrest = xasprintf ("%s/%s", target, slash ? slash + 1 : "");
              if (target[0] == '/')
                {
                  close (cur);
                  cur = openat (root_dfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
                  if (cur < 0)
                    {
                      free (nrest);
                      return -1;
                    }
                }
              free (rest);
              rest = nrest;
              continue;
            }
          if (last)
            {
              next = openat (cur, comp, flags | O_NOFOLLOW | O_CLOEXEC, mode);
              if (next < 0 && errno == ELOOP && (flags & O_PATH))
                next = openat (cur, comp, flags | O_CLOEXEC, mode);
              close (cur);
              return next;
            }
          next = openat (cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
      close (cur);
      if (next < 0)
        return -1;
      cur = next;
      if (!slash)
        {
          next = openat (cur, ".", flags | O_CLOEXEC, mode);
          close (cur);
          return next;
        }
      memmove (rest, slash + 1, strlen (slash + 1) + 1);
    }
}

/* openat2 says EAGAIN when a rename raced the lookup (RESOLVE_IN_ROOT cannot then prove it stayed inside);
   a container renaming in a loop must not make setup fail (SECURITY.md row 50): retry, within a deadline. */
#define RESOLVE_RETRY_MS 2000

static long long
mono_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
cell_open_in_root (int root_dfd, const char *path, int flags, mode_t mode)
{
  static bool have_openat2 = true;
  if (have_openat2 && !force_fallback)
    {
      struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC),
        .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
      };
      const char *p = path;
      long long deadline = -1;
      int fd;
      while (*p == '/')
        p++;
      for (;;)
        {
          fd = (int)syscall (SYS_openat2, root_dfd, *p ? p : ".", &how, sizeof (how));
          if (fd >= 0 || errno != EAGAIN)
            break;
          if (deadline < 0)
            deadline = mono_ms () + RESOLVE_RETRY_MS;
          else if (mono_ms () > deadline)
            return -1;
        }
      if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
        return fd;
      /* ENOSYS: old kernel; EPERM: a seccomp filter of an outer sandbox. Remember and walk. */
      have_openat2 = false;
    }
  return walk_in_root (root_dfd, path, flags, mode);
}

int
cell_mkpath_in_root (int root_dfd, const char *path, bool file, mode_t mode)
{
  return cell_mkpath_in_root_mode (root_dfd, path, file, mode, 0755);
}

int
cell_mkpath_in_root_mode (int root_dfd, const char *path, bool file, mode_t mode, mode_t parent_mode)
{
  cleanup_free char *clean = cell_path_clean (path);
  int fd = cell_open_in_root (root_dfd, clean, O_PATH, 0);
  char *slash;
  int parent;

  if (fd >= 0 || errno != ENOENT)
    return fd;
  if (streq (clean, "/"))
    return -1;
  slash = strrchr (clean, '/');
  *slash = '\0';
  parent = cell_mkpath_in_root_mode (root_dfd, *clean ? clean : "/", false, parent_mode, parent_mode);
  if (parent < 0)
    return -1;
  {
    /* O_PATH directory fds are valid dirfds for mkdirat/openat */
    int r;
    if (file)
      {
        r = openat (parent, slash + 1, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    mode ? mode : 0644);
        if (r >= 0)
          close (r);
      }
    else
      r = mkdirat (parent, slash + 1, mode ? mode : 0755);
    close (parent);
    if (r < 0 && errno != EEXIST)
      return -1;
  }
  *slash = '/';
  return cell_open_in_root (root_dfd, clean, O_PATH, 0);
}

char *
cell_strsep_escaped (char **s, char sep)
{
  char *start = *s, *p;

  if (!start)
    return NULL;
  for (p = start; *p && *p != sep; p++)
    if (*p == '\\' && p[1])
      p++;
  if (*p)
    {
      *p = '\0';
      *s = p + 1;
    }
  else
    *s = NULL;
  return start;
}

void
cell_unescape (char *s)
{
  char *w = s;
  for (; *s; s++)
    {
      if (*s == '\\' && s[1])
        s++;
      *w++ = *s;
    }
  *w = '\0';
}
