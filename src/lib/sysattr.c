/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sysattr.c: host and domain name, sysctls, and the verified procfs writes every other file uses. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "path-util.h"
#include "sysattr.h"
#include "xalloc.h"

static int
mount_id (int fd, unsigned long long *id)
{
  struct statx sx;
  if (statx (fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID))
    return -1;
  *id = sx.stx_mnt_id;
  return 0;
}

/* The file on the same procfs mount as proc_dfd, never through a magic link nor across a mount point. */
static int
open_in_proc (int proc_dfd, const char *rel)
{
  struct open_how how = {
    .flags = O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
  };
  unsigned long long a, b;
  int fd = -1;

  if (!cell_path_fallback_forced ())
    {
      fd = (int)syscall (SYS_openat2, proc_dfd, rel, &how, sizeof (how));
      if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
        return fd;
    }
  /* no openat2 (old kernel, or an outer sandbox's filter): open, then compare mount ids */
  fd = openat (proc_dfd, rel, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -1;
  if (mount_id (fd, &a) == 0 && mount_id (proc_dfd, &b) == 0 && a != b)
    {
      close (fd);
      errno = EXDEV;
      return -1;
    }
  return fd;
}

int
cell_proc_write (int proc_dfd, const char *rel, const char *value, struct cell_error **err)
{
  cleanup_close int fd = open_in_proc (proc_dfd, rel);
  struct statfs sf;
  size_t len = strlen (value), done = 0;

  if (fd < 0)
    return cell_err_errno (err, "write `%s` to /proc/%s", value, rel);
  if (fstatfs (fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
    return cell_err (err, 0, "write `%s` to /proc/%s: not a procfs file", value, rel);
  while (done < len)
    {
      ssize_t n = write (fd, value + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return cell_err (err, n < 0 ? errno : EIO, "write `%s` to /proc/%s", value, rel);
      done += (size_t)n;
    }
  return 0;
}

int
cell_proc_open (const char *path, int *proc_dfd, struct cell_error **err)
{
  struct statfs sf;
  int fd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return cell_err_errno (err, "open `%s`", path);
  if (fstatfs (fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
    {
      close (fd);
      return cell_err (err, 0, "`%s` is not a procfs", path);
    }
  *proc_dfd = fd;
  return 0;
}

int
cell_sysattr_set_names (const char *hostname, const char *domainname, struct cell_error **err)
{
  if (hostname && sethostname (hostname, strlen (hostname)) < 0)
    return cell_err_errno (err, "set hostname `%s`", hostname);
  if (domainname && setdomainname (domainname, strlen (domainname)) < 0)
    return cell_err_errno (err, "set domainname `%s`", domainname);
  return 0;
}

int
cell_sysattr_set_sysctls (const struct cell_spec_kv *sysctl, size_t n, int proc_dfd, struct cell_error **err)
{
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *rel = xasprintf ("sys/%s", sysctl[i].key);
      if (proc_dfd < 0)
        return cell_err (err, 0, "sysctl `%s`: the container has no /proc mount", sysctl[i].key);
      /* validation refused '/', "..", and newlines in keys and values (CVE-2022-0811) */
      for (char *c = rel + 4; *c; c++)
        if (*c == '.')
          *c = '/';
      if (cell_proc_write (proc_dfd, rel, sysctl[i].value, err) < 0)
        return cell_err_wrap (err, "sysctl `%s`", sysctl[i].key);
    }
  return 0;
}
