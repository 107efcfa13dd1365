/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-internal.h: placeholder, being written. */
