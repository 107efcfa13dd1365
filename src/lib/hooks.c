/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hooks.c: placeholder, being written. */
