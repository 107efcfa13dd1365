/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* container.c: placeholder, being written. */
