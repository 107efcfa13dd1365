/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hooks.h: placeholder, being written. */
