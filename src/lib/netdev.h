/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* netdev.h: linux.netDevices: host network interfaces moved into the container's network namespace. */
#ifndef CELL_NETDEV_H
#define CELL_NETDEV_H

#include <sys/types.h>
#include "error.h"
#include "plan.h"

/* Every device of plan->net_devices exists on the host (config-linux.md: the runtime MUST check the move is
   possible). Errors name /linux/netDevices/NAME. Reads only. */
int cell_netdev_check (const struct cell_plan *plan, struct cell_error **err);
/* Moves each device into the network namespace of `pid` under its new name (a name there already is the
   kernel's EEXIST, a `%d` template the kernel's choice), restores its permanent addresses of global scope
   there and sets it up. Devices never come back: the kernel returns physical ones to the host when the
   namespace goes, and destroys virtual ones (config-linux.md). */
int cell_netdev_move (const struct cell_plan *plan, pid_t pid, struct cell_error **err);

#endif
