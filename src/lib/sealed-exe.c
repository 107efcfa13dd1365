/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sealed-exe.c: re-executes cell from a sealed memfd copy of its binary before it spawns container
   processes: a container process that execs /proc/self/exe (say via a `#!/proc/self/exe` script) then
   reaches the sealed copy, never the host file. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "sealed-exe.h"

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

int
cell_sealed_exe_ensure (char **argv, struct cell_error **err)
{
  cleanup_close int self = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  cleanup_close int mfd = -1;
  struct stat sb;
  int seals;

  if (self < 0)
    return cell_err_errno (err, "open /proc/self/exe");
  seals = fcntl (self, F_GET_SEALS);
  if (seals >= 0 && (seals & CELL_SEALS) == CELL_SEALS)
    return 0;
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
