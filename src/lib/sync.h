/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sync.h: placeholder, being written. */
