/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-tables.h: placeholder, being written. */
