/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup.c: placeholder, being written. */
