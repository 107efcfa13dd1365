/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* json.c: placeholder, being written. */
