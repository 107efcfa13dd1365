/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* process.c: placeholder, being written. */
