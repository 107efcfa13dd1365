/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* log.c: placeholder, being written. */
