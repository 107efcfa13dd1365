/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* path-util.h: placeholder, being written. */
