/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* resctrl.c: Intel RDT (linux.intelRdt): whether the host offers it. cell does not drive resctrl yet, so a
   config that asks for it is refused before anything is created, saying why. */
#include <sys/vfs.h>
#include "resctrl.h"

#define RDTGROUP_SUPER_MAGIC 0x7655821

int
cell_resctrl_check (struct cell_error **err)
{
  struct statfs sf;
  /* config-linux.md "IntelRdt": no resctrl mounted in the runtime's mount namespace MUST be an error */
  if (statfs ("/sys/fs/resctrl", &sf) < 0 || (unsigned long)sf.f_type != RDTGROUP_SUPER_MAGIC)
    return cell_err (err, 0,
                     "config.json: /linux/intelRdt: not supported on this host (no resctrl filesystem at "
                     "/sys/fs/resctrl)");
  return cell_err (err, 0, "config.json: /linux/intelRdt: not supported by cell yet (resctrl is mounted)");
}
