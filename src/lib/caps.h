/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* caps.h: capability names -> bit masks (libcap's name table), and applying the five sets in init. */
#ifndef CELL_CAPS_H
#define CELL_CAPS_H

#include <stdint.h>
#include "error.h"

/* Names ("CAP_SYS_ADMIN", case-insensitive as libcap) -> mask (bit N = capability N). Unknown names are an
   error naming `display` + `ptr`/index. */
int cell_caps_parse (char *const *names, uint64_t *mask, const char *display, const char *ptr,
                     struct cell_error **err);
/* The kernel's highest capability (/proc/sys/kernel/cap_last_cap, else libcap's CAP_LAST_CAP). */
int cell_caps_last_cap (void);
/* Drops every capability not in `bounding` from the bounding set (needs CAP_SETPCAP). */
int cell_caps_drop_bounding (uint64_t bounding, struct cell_error **err);
/* capset(effective, permitted, inheritable), then raises `ambient` (each must be in permitted and
   inheritable, as the kernel requires). */
int cell_caps_set (uint64_t effective, uint64_t permitted, uint64_t inheritable, uint64_t ambient,
                   struct cell_error **err);

#endif
