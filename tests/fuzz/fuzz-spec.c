/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-spec.c: libFuzzer target for config.json: load (cell_spec_load_buffer), validate, and compile the
   plan (cell_plan_from_oci, both ways the caller may ask: it cannot fail on a validated spec) and dump it,
   all without touching the filesystem. Errors must name the file. */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "plan.h"
#include "spec.h"

struct input
{
  const uint8_t *data;
  size_t size;
};

static void
check_error (const struct cell_error *err, const char *step)
{
  cell_fuzz_check (err != NULL && err->msg != NULL, "%s failed without an error", step);
  cell_fuzz_check (cell_fuzz_prefixed (err->msg, "config.json: "), "%s: error does not name the file: %s",
                   step, err->msg);
}

static void
compile (const struct cell_spec *spec, const struct cell_plan_oci_opts *opts)
{
  struct cell_plan *plan = cell_plan_from_oci (spec, opts);
  char *dump;

  cell_fuzz_check (plan != NULL, "cell_plan_from_oci returned no plan");
  dump = cell_plan_dump (plan);
  cell_fuzz_check (dump != NULL && *dump, "an empty plan dump");
  free (dump);
  cell_plan_free (plan);
}

static void
run (void *arg)
{
  const struct input *in = arg;
  static const struct cell_plan_oci_opts plain = { .bundle = "/fuzz/bundle" };
  static const struct cell_plan_oci_opts other
      = { .bundle = "/fuzz/bundle", .no_pivot = true, .root_image = true };
  struct cell_spec *spec = NULL;
  struct cell_error *err = NULL;

  if (cell_spec_load_buffer ((const char *)in->data, in->size, "config.json", &spec, &err) < 0)
    {
      check_error (err, "cell_spec_load_buffer");
      cell_error_free (err);
      return;
    }
  if (cell_spec_validate (spec, "config.json", &err) < 0)
    {
      check_error (err, "cell_spec_validate");
      cell_error_free (err);
      cell_spec_free (spec);
      return;
    }
  compile (spec, &plain);
  compile (spec, &other);
  cell_spec_free (spec);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct input in = { data, size };
  cell_fuzz_guarded ("the config.json compiler", run, &in);
  return 0;
}
