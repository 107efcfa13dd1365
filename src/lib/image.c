/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* image.c: placeholder, being written. */
