/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* signals.h: signal names <-> numbers, as `kill` and the state machine spell them. */
#ifndef CELL_SIGNALS_H
#define CELL_SIGNALS_H

#include "error.h"

/* Parses a signal: a name with or without the "SIG" prefix, in any case ("KILL", "SIGKILL", "kill"),
   "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n" (within SIGRTMIN..SIGRTMAX), or a decimal number 1..SIGRTMAX
   written as digits only ("9abc", "+9", " 9", "0" and "999" are rejected: signal 0 is only a probe and
   no command here takes it). Error: "unknown signal `FOO`". */
int cell_signal_parse (const char *s, int *sig, struct cell_error **err);
/* "SIGKILL", "SIGRTMIN+3", "SIGRTMAX"; NULL for a number that is no signal. Names are static strings;
   "SIGRTMIN+n" lives in a per-thread buffer valid until the next call. */
const char *cell_signal_name (int sig);

#endif
