/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* caps.h: capability names -> bit masks (libcap's name table), and applying the five sets in init. */
#ifndef CELL_CAPS_H
#define CELL_CAPS_H

#include <stdint.h>
#include "error.h"

/* Names ("CAP_SYS_ADMIN", case-insensitive as libcap) -> mask (bit N = capability N). Unknown names are
   left out (validation warns about them: runtime-spec 1.1 config.md, "SHOULD NOT fail"). */
uint64_t cell_caps_mask (char *const *names);
/* Capability number of `name`, -1 when libcap does not know it. */
int cell_caps_from_name (const char *name);
/* "CAP_SYS_RESOURCE" for 24 (caller frees). */
char *cell_caps_name (int cap);
/* runtime-spec 1.1 config.md: a capability that cannot be granted is logged and left out, never fatal.
   Clears from each of the five sets what the runtime cannot hand on (its own bounding set lacks it), with
   one warning per capability prefixed by `what`. */
void cell_caps_fit (uint64_t *bounding, uint64_t *effective, uint64_t *permitted, uint64_t *inheritable,
                    uint64_t *ambient, const char *what);
/* The capabilities the runtime itself can hand on: its own bounding set. */
uint64_t cell_caps_bounding_self (void);
/* The kernel's highest capability (/proc/sys/kernel/cap_last_cap, else libcap's CAP_LAST_CAP). */
int cell_caps_last_cap (void);
/* Drops every capability not in `bounding` from the bounding set (needs CAP_SETPCAP). */
int cell_caps_drop_bounding (uint64_t bounding, struct cell_error **err);
/* capset(effective, permitted, inheritable), then raises `ambient` (each must be in permitted and
   inheritable, as the kernel requires). */
int cell_caps_set (uint64_t effective, uint64_t permitted, uint64_t inheritable, uint64_t ambient,
                   struct cell_error **err);

#endif
