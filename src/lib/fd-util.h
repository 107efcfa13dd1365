/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fd-util.h: placeholder, being written. */
