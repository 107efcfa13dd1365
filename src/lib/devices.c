/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* devices.c: placeholder, being written. */
