/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sealed-exe.c: re-executes cell from a view of its binary that nothing can write before it spawns
   container processes (a read-only detached overlay, else a sealed memfd copy): a container process that
   reaches /proc/PID/exe (say via a `#!/proc/self/exe` script) never gets the host file for writing. */
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include "fd-util.h"
#include "mount.h"
#include "sealed-exe.h"
#include "xalloc.h"

#ifdef HAVE_EXEC_STUB
/* src/lib/exec-stub-blob.c, generated from the stub built for this architecture */
extern const unsigned char cell_exec_stub[];
extern const unsigned long cell_exec_stub_size;
#endif

#define CELL_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

/* MFD_EXEC: kernels with vm.memfd_noexec would otherwise make it non-executable. */
static int
sealable_memfd (struct cell_error **err)
{
  int mfd = memfd_create ("cell", MFD_CLOEXEC | MFD_ALLOW_SEALING | 0x0010U /* MFD_EXEC */);
  if (mfd < 0 && errno == EINVAL)
    mfd = memfd_create ("cell", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return cell_err_errno (err, "memfd_create");
  return mfd;
}

/* The binary through a detached overlayfs of its directory over an empty detached tmpfs, with no upper
   layer: the kernel makes such an overlay read-only, the mount is read-only too and attached nowhere, so
   /proc/PID/exe of the re-executed runtime is a file that no one can open for writing (EROFS), at no copy
   (the page cache is shared). Returns the binary's fd, or -1 (errno) where the kernel cannot (no new mount
   API, no overlayfs, not privileged): the caller copies. */
static int
overlay_view (void)
{
  char path[4096];
  ssize_t n = readlink ("/proc/self/exe", path, sizeof (path) - 1);
  cleanup_close int tmp_fs = -1, tmp = -1, ovl_fs = -1, ovl = -1;
  char *slash, layer[32];

  if (n <= 0 || path[0] != '/')
    return -1;
  path[n] = '\0';
  slash = strrchr (path, '/');
  *slash = '\0';
  if ((tmp_fs = cell_fs_open ("tmpfs")) < 0 || (ovl_fs = cell_fs_open ("overlay")) < 0)
    return -1;
  if ((tmp = cell_fs_create (tmp_fs, "tmpfs", MOUNT_ATTR_RDONLY, "exe view", NULL)) < 0)
    return -1;
  snprintf (layer, sizeof (layer), "/proc/self/fd/%d", tmp);
  /* one layer at a time (Linux 6.5+: "lowerdir+"), else the classic list, where ':' and ',' would split */
  if (cell_fs_set (ovl_fs, "lowerdir+", path[0] ? path : "/", "exe view", NULL) < 0
      || cell_fs_set (ovl_fs, "lowerdir+", layer, "exe view", NULL) < 0)
    {
      cleanup_free char *list = NULL;
      if (strpbrk (path, ":,\\"))
        return -1;
      close (ovl_fs);
      if ((ovl_fs = cell_fs_open ("overlay")) < 0)
        return -1;
      list = xasprintf ("%s:%s", path[0] ? path : "/", layer);
      if (cell_fs_set (ovl_fs, "lowerdir", list, "exe view", NULL) < 0)
        return -1;
    }
  ovl = cell_fs_create (ovl_fs, "overlay", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID,
                        "exe view", NULL);
  if (ovl < 0)
    return -1;
  return openat (ovl, slash + 1, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

static bool force_copy;

void
cell_sealed_exe_force_copy (bool on)
{
  force_copy = on;
}

/* Is `fd` (the running binary) a view no one can write: a sealed memfd, or a file on a read-only mount
   (the overlay view above, or a binary installed on one)? */
static bool
unwritable (int fd)
{
  struct statvfs sv;
  int seals = fcntl (fd, F_GET_SEALS);
  if (seals >= 0 && (seals & CELL_SEALS) == CELL_SEALS)
    return true;
  return fstatvfs (fd, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

int
cell_sealed_exe_ensure (char **argv, struct cell_error **err)
{
  cleanup_close int self = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  cleanup_close int mfd = -1;
  struct stat sb;

  if (self < 0)
    return cell_err_errno (err, "open /proc/self/exe");
  if (unwritable (self))
    return 0;
  if (!force_copy)
    {
      cleanup_close int view = overlay_view ();
      if (view >= 0 && unwritable (view))
        syscall (SYS_execveat, view, "", argv, environ, AT_EMPTY_PATH);
    }
  if (fstat (self, &sb) < 0)
    return cell_err_errno (err, "stat /proc/self/exe");
  mfd = sealable_memfd (err);
  if (mfd < 0)
    return -1;
  for (off_t off = 0; off < sb.st_size;)
    {
      ssize_t n = sendfile (mfd, self, &off, (size_t)(sb.st_size - off));
      if (n <= 0)
        return cell_err (err, n < 0 ? errno : EIO, "copy /proc/self/exe into a memfd");
    }
  if (fchmod (mfd, 0555) < 0 && errno != EPERM)
    return cell_err_errno (err, "chmod memfd");
  if (fcntl (mfd, F_ADD_SEALS, CELL_SEALS) < 0)
    return cell_err_errno (err, "seal memfd");
  syscall (SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
  return cell_err_errno (err, "re-execute cell from a sealed memfd");
}

bool
cell_exec_stub_built (void)
{
#ifdef HAVE_EXEC_STUB
  return true;
#else
  return false;
#endif
}

int
cell_exec_stub_open (struct cell_error **err)
{
#ifdef HAVE_EXEC_STUB
  cleanup_close int mfd = sealable_memfd (err);
  size_t off = 0;

  if (mfd < 0)
    return -1;
  while (off < cell_exec_stub_size)
    {
      ssize_t n = write (mfd, cell_exec_stub + off, cell_exec_stub_size - off);
      if (n <= 0)
        return cell_err (err, n < 0 ? errno : EIO, "write the exec stub into a memfd");
      off += (size_t)n;
    }
  if (fchmod (mfd, 0555) < 0 && errno != EPERM)
    return cell_err_errno (err, "chmod memfd");
  if (fcntl (mfd, F_ADD_SEALS, CELL_SEALS) < 0)
    return cell_err_errno (err, "seal memfd");
  return steal_fd (&mfd);
#else
  return cell_err (err, 0, "this build has no exec stub for its architecture");
#endif
}

/* argv = PREFIX... PATH ARGS...: the stub refuses to run without its magic (src/stub/exec-stub.c) */
static void
stub_exec (int stub_fd, const char *const *prefix, size_t n_prefix, const char *path, char *const *args,
           char *const *env)
{
  static char *const none[] = { NULL };
  size_t n = 0;
  char **argv;

  while (args && args[n])
    n++;
  argv = calloc (n_prefix + n + 2, sizeof (char *));
  if (argv == NULL)
    return;
  memcpy (argv, prefix, n_prefix * sizeof (char *));
  argv[n_prefix] = (char *)path;
  if (n)
    memcpy (argv + n_prefix + 1, args, n * sizeof (char *));
  syscall (SYS_execveat, stub_fd, "", argv, env ? env : none, AT_EMPTY_PATH);
  free (argv);
}

void
cell_exec_stub_exec (int stub_fd, int sync_fd, const char *path, char *const *args, char *const *env)
{
  char fd[16];
  const char *prefix[] = { "\001cell-exec-stub", fd };
  snprintf (fd, sizeof (fd), "%d", sync_fd);
  /* open through the stub's own exec: the stub closes it at PATH's */
  if (sync_fd >= 0)
    fcntl (sync_fd, F_SETFD, 0);
  stub_exec (stub_fd, prefix, 2, path, args, env);
  if (sync_fd >= 0)
    fcntl (sync_fd, F_SETFD, FD_CLOEXEC);
}

void
cell_exec_stub_wait (int stub_fd, int start_sock, const char *path, char *const *args, char *const *env)
{
  char num[16];
  const char *prefix[] = { "\001cell-wait-stub", num };
  int fl = fcntl (start_sock, F_GETFD);
  snprintf (num, sizeof (num), "%d", start_sock);
  if (fl < 0 || fcntl (start_sock, F_SETFD, fl & ~FD_CLOEXEC) < 0)
    return;
  stub_exec (stub_fd, prefix, 2, path, args, env);
}

void
cell_exec_stub_sandbox (int stub_fd, bool reap, bool die_with_parent, bool bwrap, int status_fd,
                        const int *close_fds, const char *path, char *const *args, char *const *env)
{
  char flags[8], fds[512];
  const char *prefix[] = { "\001cell-reap-stub", flags, fds };
  size_t n = (size_t)snprintf (fds, sizeof (fds), "%d", status_fd);
  snprintf (flags, sizeof (flags), "-%s%s%s", reap ? "" : "x", die_with_parent ? "p" : "", bwrap ? "b" : "");
  for (size_t i = 0; close_fds && close_fds[i] >= 0 && n < sizeof (fds) - 16; i++)
    n += (size_t)snprintf (fds + n, sizeof (fds) - n, ",%d", close_fds[i]);
  stub_exec (stub_fd, prefix, 3, path, args, env);
}
