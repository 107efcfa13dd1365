/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd.h: placeholder, being written. */
