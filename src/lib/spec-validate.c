/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-validate.c: placeholder, being written. */
