/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-v1.c: placeholder, being written. */
