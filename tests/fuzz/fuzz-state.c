/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-state.c: libFuzzer target for state.json as `state`, `kill` and `delete` read it back
   (cell_state_parse), then the state JSON they print from it, which must parse again. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "json.h"
#include "state.h"

struct input
{
  const uint8_t *data;
  size_t size;
};

static void
run (void *arg)
{
  const struct input *in = arg;
  struct cell_state *st = NULL;
  struct cell_error *err = NULL;
  struct cell_json *doc = NULL;
  char *json;

  if (cell_state_parse ((const char *)in->data, in->size, "fuzzstate", &st, &err) < 0)
    {
      cell_fuzz_check (err && cell_fuzz_prefixed (err->msg, "container `fuzzstate`: state.json: "),
                       "a parse error names the container and the file: %s", err ? err->msg : "(none)");
      /* `delete --force` removes a state it cannot read by this code */
      cell_fuzz_check (err->code == EBADMSG, "a bad state.json gives code %d, not EBADMSG", err->code);
      cell_fuzz_check (st == NULL, "a failed parse returned a state");
      cell_error_free (err);
      return;
    }
  cell_fuzz_check (st && st->id && streq (st->id, "fuzzstate") && st->bundle,
                   "a parsed state has id and bundle");
  cell_fuzz_check (st->pid >= 0 && (st->pid == 0) == (st->start_time == 0),
                   "a parsed state has pid %d with start time %llu", (int)st->pid, st->start_time);
  json = cell_state_json (st, CELL_STATUS_STOPPED, (in->size & 1) != 0);
  if (cell_json_parse (json, strlen (json), "state", &cell_json_default_limits, &doc, &err) < 0)
    cell_fuzz_check (false, "the state JSON printed from a parsed state.json does not parse: %s\n%s",
                     err->msg, json);
  cell_json_free (doc);
  free (json);
  cell_state_free (st);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct input in = { data, size };
  cell_fuzz_guarded ("the state.json reader", run, &in);
  return 0;
}
