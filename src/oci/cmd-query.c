/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-query.c: placeholder, being written. */
