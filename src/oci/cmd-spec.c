/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-spec.c: placeholder, being written. */
