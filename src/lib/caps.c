/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* caps.c: placeholder, being written. */
