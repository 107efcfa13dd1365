/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-ids.c: libFuzzer target for container IDs (cell_state_validate_id, checked against the rule
   DESIGN.md states) and signal names and numbers (cell_signal_parse, round-tripped through
   cell_signal_name). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "signals.h"
#include "state.h"

struct input
{
  const uint8_t *data;
  size_t size;
};

/* ^[A-Za-z0-9][A-Za-z0-9_.+-]*$, at most 128 bytes */
static bool
id_ok (const char *s)
{
  size_t n = strlen (s);
  if (n == 0 || n > 128)
    return false;
  for (size_t i = 0; i < n; i++)
    {
      char c = s[i];
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && (i == 0 || !strchr ("_.+-", c)))
        return false;
    }
  return true;
}

static void
run (void *arg)
{
  const struct input *in = arg;
  char *s = cell_fuzz_strndup (in->data, in->size);
  struct cell_error *err = NULL;
  int sig = -1, again = -1;
  bool ok = cell_state_validate_id (s, &err) == 0;

  cell_fuzz_check (ok == id_ok (s), "container ID `%s`: validate says %s", s, ok ? "valid" : "invalid");
  cell_fuzz_check (ok == (err == NULL), "an invalid ID has an error, a valid one none");
  if (ok)
    cell_fuzz_check (!streq (s, ".") && !streq (s, "..") && !strchr (s, '/'), "ID `%s` is a path", s);
  cell_error_free (err);
  err = NULL;

  if (cell_signal_parse (s, &sig, &err) == 0)
    {
      const char *name = cell_signal_name (sig);
      cell_fuzz_check (err == NULL && sig >= 1 && sig <= SIGRTMAX, "signal `%s` parsed to %d", s, sig);
      /* 32 and 33 are glibc's own (below SIGRTMIN): valid numbers, no name. */
      cell_fuzz_check (name != NULL || (sig >= 32 && sig < SIGRTMIN), "signal %d (from `%s`) has no name",
                       sig, s);
      if (name)
        cell_fuzz_check (cell_signal_parse (name, &again, &err) == 0 && again == sig,
                         "signal name `%s` does not parse back to %d", name, sig);
    }
  else
    cell_fuzz_check (err != NULL && cell_fuzz_prefixed (err->msg, "unknown signal"),
                     "a bad signal says `unknown signal`: %s", err ? err->msg : "(none)");
  cell_error_free (err);
  if (in->size >= sizeof (int))
    {
      int n;
      memcpy (&n, in->data, sizeof n);
      (void)cell_signal_name (n);
    }
  free (s);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct input in = { data, size };
  cell_fuzz_guarded ("the ID and signal parsers", run, &in);
  return 0;
}
