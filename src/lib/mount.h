/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount.h: placeholder, being written. */
