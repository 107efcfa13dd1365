/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* signals.c: placeholder, being written. */
