/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* resctrl.h: Intel RDT (linux.intelRdt). */
#ifndef CELL_RESCTRL_H
#define CELL_RESCTRL_H

#include "error.h"

/* Always an error today, naming /linux/intelRdt: that the host has no resctrl filesystem mounted (the
   runtime-spec's MUST), or that cell does not drive it yet. Reads only. */
int cell_resctrl_check (struct cell_error **err);

#endif
