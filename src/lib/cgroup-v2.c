/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-v2.c: placeholder, being written. */
