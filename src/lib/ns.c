/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ns.c: placeholder, being written. */
