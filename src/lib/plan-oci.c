/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plan-oci.c: placeholder, being written. */
