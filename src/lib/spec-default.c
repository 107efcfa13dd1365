/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-default.c: placeholder, being written. */
