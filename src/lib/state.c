/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state.c: placeholder, being written. */
