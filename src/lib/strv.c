/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* strv.c: placeholder, being written. */
