/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ns.h: placeholder, being written. */
