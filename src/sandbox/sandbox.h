/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox.h: the sandbox front-end: bubblewrap's command line (plus mkosi-sandbox's extras) -> a plan. */
#ifndef CELL_SANDBOX_H
#define CELL_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "error.h"
#include "plan.h"

/* bubblewrap caps its argv (its own and --args files together) at this many words. */
#define CELL_SANDBOX_MAX_ARGS 9000

/* What the compiler needs to know about its caller; the front-end's main gathers it (the compiler makes no
   system calls). */
struct cell_sandbox_input
{
  uid_t uid; /* the caller's real uid and gid */
  gid_t gid;
  uint64_t caps;        /* the caller's effective capabilities: what uid 0 keeps by default */
  char *const *environ; /* the caller's environment, the start of --setenv/--unsetenv/--clearenv */
  const char *cwd;      /* the caller's working directory: relative sources, --same-dir; NULL unknown */
  const char *tty;      /* the tty on stdout (bwrap: ttyname(1)), bound as --dev's console; NULL none */
  bool as_bwrap;        /* invoked as `bwrap`: a failed exec exits 1 with bwrap's message */
};

enum cell_sandbox_action
{
  CELL_SANDBOX_RUN,        /* *plan is set: run it */
  CELL_SANDBOX_HELP,       /* --help: print the usage on stdout, exit 0 */
  CELL_SANDBOX_VERSION,    /* --version */
  CELL_SANDBOX_NO_COMMAND, /* no COMMAND after the options: print the usage on stderr, exit 1 */
};

/* Compiles `args` (the words after the program name; --args already spliced in by the caller) into a plan.
   On success returns 0 with *action set, *plan set for CELL_SANDBOX_RUN (caller frees), and *warnings a
   NULL-terminated list the caller prints and frees (bwrap's "Only the last --X option will take effect").
   On bad input returns -1 with a one-line error naming the option, in bwrap's words where bwrap has them
   ("--bind takes two arguments"). Makes no system calls. */
int cell_sandbox_compile (int argc, char *const *args, const struct cell_sandbox_input *in,
                          enum cell_sandbox_action *action, struct cell_plan **plan, char ***warnings,
                          struct cell_error **err);

/* The index in `args` of the first `--args` at or after `from` that sits where an option is expected
   (not an option's argument, not after the command or `--`), or -1. For the caller that splices the
   NUL-separated words read from its fd in its place. */
int cell_sandbox_find_args (int argc, char *const *args, int from);

/* "12" -> 12; anything else: "Invalid fd: %s" (bwrap's words). */
int cell_sandbox_parse_fd (const char *s, int *fd, struct cell_error **err);

/* One row of the option table, for the usage text. */
struct cell_sandbox_help
{
  const char *name;    /* "--bind" */
  const char *metavar; /* "SRC DEST", or NULL */
  const char *help;    /* NULL: not listed (an alias) */
  bool mkosi;          /* an extra of mkosi-sandbox, not bubblewrap's */
};
/* Row `i` of the table in usage order (bubblewrap's own order first), NULL past the end. */
const struct cell_sandbox_help *cell_sandbox_help_row (size_t i);

/* Runs a compiled plan (CELL_SANDBOX_RUN) through the executor and waits for its command: *status is its
   exit status (128+N for signal N), or -1 with *err when the sandbox could not be set up (nothing left
   behind). */
int cell_sandbox_run (struct cell_plan *plan, int *status, struct cell_error **err);

/* The front-end's entry (src/sandbox/main.c): `cell sandbox ...` (as_bwrap false, argv[0] = "sandbox")
   and argv[0] == "bwrap". Prints its own errors ("bwrap: ..." / "cell sandbox: ...") and returns the
   exit status. */
int cell_sandbox_main (int argc, char **argv, const char *prog, bool as_bwrap);

#endif
