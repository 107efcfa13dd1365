/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* main.c: placeholder, being written. */
#include <stdio.h>
int
main (void)
{
  puts ("cell version " CELL_VERSION);
  return 0;
}
