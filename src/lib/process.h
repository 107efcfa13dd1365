/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* process.h: placeholder, being written. */
