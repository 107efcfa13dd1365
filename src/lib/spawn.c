/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spawn.c: placeholder, being written. */
