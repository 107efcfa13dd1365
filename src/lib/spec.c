/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec.c: placeholder, being written. */
