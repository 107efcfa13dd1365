/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-sandbox.c: libFuzzer target for the sandbox front-end's compiler (cell_sandbox_compile: bwrap's
   command line -> a plan) and the --args finder: the first byte picks the caller (bit 0: root or a user,
   bit 1: invoked as bwrap, bit 2: no working directory, bit 3: a tty), the rest is NUL-separated words as
   an --args file holds them. An error is one message and no plan; a success is deterministic (a second
   compile dumps the same plan) and a run has a plan with its sandbox settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "macros.h"
#include "sandbox.h"
#include "strv.h"

struct input
{
  const uint8_t *data;
  size_t size;
};

static const char *const root_env[] = { "PATH=/usr/sbin:/usr/bin", "HOME=/root", "TERM=dumb", NULL };
static const char *const user_env[] = { "PATH=/usr/bin:/bin", "HOME=/home/user", "LANG=C.UTF-8", NULL };

/* Compiles; on success returns the plan's dump (NULL for an action without a plan) and *msg NULL, on error
   NULL with `failed` and the message in *msg. */
static char *
compile (int argc, char **words, const struct cell_sandbox_input *in, enum cell_sandbox_action *action,
         bool *failed, char **msg)
{
  struct cell_error *err = NULL;
  struct cell_plan *plan = NULL;
  char **warnings = NULL;
  char *dump = NULL;
  int r = cell_sandbox_compile (argc, words, in, action, &plan, &warnings, &err);

  *failed = r < 0;
  if (r < 0)
    {
      cell_fuzz_check (err && err->msg && *err->msg, "a refused command line has no message");
      cell_fuzz_check (plan == NULL, "a refused command line left a plan");
      *msg = strdup (err && err->msg ? err->msg : "");
    }
  else
    {
      cell_fuzz_check (r == 0 && err == NULL, "compile returned %d and an error: %s", r, err ? err->msg : "");
      cell_fuzz_check (*action == CELL_SANDBOX_RUN || *action == CELL_SANDBOX_HELP
                           || *action == CELL_SANDBOX_VERSION || *action == CELL_SANDBOX_NO_COMMAND,
                       "unknown action %d", (int)*action);
      cell_fuzz_check ((*action == CELL_SANDBOX_RUN) == (plan != NULL), "action %d with%s a plan",
                       (int)*action, plan ? "" : "out");
      if (plan)
        {
          cell_fuzz_check (plan->sandbox != NULL, "a sandbox plan without its sandbox settings");
          dump = cell_plan_dump (plan);
          cell_fuzz_check (dump && *dump, "an empty plan dump");
        }
      *msg = NULL;
    }
  for (size_t i = 0; warnings && warnings[i]; i++)
    cell_fuzz_check (*warnings[i] != '\0', "an empty warning");
  cell_plan_free (plan);
  cell_strv_free (warnings);
  cell_error_free (err);
  return dump;
}

static void
run (void *arg)
{
  const struct input *in = arg;
  uint8_t sel = in->size > 0 ? in->data[0] : 0;
  const uint8_t *body = in->data + (in->size > 0);
  size_t len = in->size - (in->size > 0);
  char *text = cell_fuzz_strndup (body, len);
  char **words = calloc (len + 2, sizeof *words);
  struct cell_sandbox_input who = {
    .uid = (sel & 1) ? 0 : 1000,
    .gid = (sel & 1) ? 0 : 1000,
    .caps = (sel & 1) ? UINT64_C (0x1ffffffffff) : 0,
    .environ = (char *const *)((sel & 1) ? root_env : user_env),
    .cwd = (sel & 4) ? NULL : "/srv/build",
    .tty = (sel & 8) ? "/dev/pts/3" : NULL,
    .as_bwrap = (sel & 2) != 0,
  };
  enum cell_sandbox_action a1 = CELL_SANDBOX_RUN, a2 = CELL_SANDBOX_RUN;
  char *d1, *d2, *m1 = NULL, *m2 = NULL;
  bool f1, f2;
  int argc = 0, fd = -1;

  if (words == NULL)
    abort ();
  /* the words of an --args file: NUL-terminated, the last one may lack its NUL */
  for (size_t off = 0; off < len && argc < CELL_SANDBOX_MAX_ARGS; off += strlen (text + off) + 1)
    words[argc++] = text + off;

  for (int from = 0; from <= argc; from++)
    {
      int idx = cell_sandbox_find_args (argc, words, from);
      cell_fuzz_check (idx == -1 || (idx >= from && idx < argc && streq (words[idx], "--args")),
                       "--args found at %d from %d (of %d words)", idx, from, argc);
      if (idx < 0)
        break;
      from = idx;
    }
  if (argc > 0)
    {
      struct cell_error *err = NULL;
      if (cell_sandbox_parse_fd (words[0], &fd, &err) == 0)
        cell_fuzz_check (err == NULL && fd >= 0, "fd `%s` parsed to %d", words[0], fd);
      else
        cell_fuzz_check (err && cell_fuzz_prefixed (err->msg, "Invalid fd: "), "a bad fd's message: %s",
                         err ? err->msg : "(none)");
      cell_error_free (err);
    }

  d1 = compile (argc, words, &who, &a1, &f1, &m1);
  d2 = compile (argc, words, &who, &a2, &f2, &m2);
  cell_fuzz_check (f1 == f2 && a1 == a2, "two compiles of one command line differ (%s, %s)", m1 ? m1 : "ok",
                   m2 ? m2 : "ok");
  cell_fuzz_check ((!d1 && !d2) || (d1 && d2 && streq (d1, d2)), "two compiles dump different plans");
  cell_fuzz_check ((!m1 && !m2) || (m1 && m2 && streq (m1, m2)), "two compiles give different errors");
  free (d1);
  free (d2);
  free (m1);
  free (m2);
  free (words);
  free (text);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct input in = { data, size };
  cell_fuzz_guarded ("the sandbox compiler", run, &in);
  return 0;
}
