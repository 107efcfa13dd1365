/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* caps.h: placeholder, being written. */
