/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hooks.h: running OCI lifecycle hooks (config.md "POSIX-platform Hooks"). */
#ifndef CELL_HOOKS_H
#define CELL_HOOKS_H

#include <stddef.h>
#include "error.h"
#include "spec.h"

enum cell_hooks_mode
{
  CELL_HOOKS_STOP, /* the first failure fails the lot (prestart, createRuntime, createContainer,
                      startContainer) */
  CELL_HOOKS_WARN, /* a failure is a warning and the rest still run (poststart, poststop: runtime.md) */
};

/* Runs `hooks` in order. Each hook: execve(path, args or [path], env or an
   empty environment) with the container state JSON on stdin (a pipe), stdout/stderr inherited (/dev/null
   where the runtime's are closed), no other fds, default signal dispositions and an empty signal mask.
   The runtime waits (hook.timeout seconds, or forever without one). `phase` names the hook kind in
   messages. Errors: "prestart hook `/bin/x` exited with status 3", "... was killed by signal SIGSEGV",
   "prestart hook `/bin/x`: timed out after 5 s" (the hook is SIGKILLed), "prestart hook `/bin/x`: exec:
   No such file or directory". */
int cell_hooks_run (const struct cell_spec_hook *hooks, size_t n, const char *state_json, const char *phase,
                    enum cell_hooks_mode mode, struct cell_error **err);

#endif
