/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-lifecycle.c: placeholder, being written. */
