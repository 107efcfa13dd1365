/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount-opts.h: placeholder, being written. */
