/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sealed-exe.c: re-executes cell from a sealed memfd copy of its binary before it spawns container
   processes: a container process that execs /proc/self/exe (say via a `#!/proc/self/exe` script) then
   reaches the sealed copy, never the host file. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "sealed-exe.h"

#define CELL_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

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
  /* MFD_EXEC: kernels with vm.memfd_noexec would otherwise make it non-executable. */
  mfd = memfd_create ("cell", MFD_CLOEXEC | MFD_ALLOW_SEALING | 0x0010U /* MFD_EXEC */);
  if (mfd < 0 && errno == EINVAL)
    mfd = memfd_create ("cell", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return cell_err_errno (err, "memfd_create");
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
