/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-control.c: what the control commands parse without a container: runc's sizes and Go durations,
   the update flags, the errors that name a flag or a JSON pointer, and ps's JSON. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "control.h"
#include "spec.h"
#include "tap.h"
#include "xalloc.h"

static void
size_ok (const char *s, int64_t want)
{
  struct cell_error *err = NULL;
  int64_t v = 0;
  int r = cell_control_parse_size (s, &v, &err);
  tap_ok (r == 0 && v == want, "size `%s` = %" PRId64, s, want);
  if (r != 0 || v != want)
    printf ("#   got: %" PRId64 " %s\n", v, err ? err->msg : "");
  cell_error_free (err);
}

static void
size_bad (const char *s)
{
  struct cell_error *err = NULL;
  int64_t v = 0;
  cleanup_free char *want = xasprintf ("invalid size `%s`", s);
  int r = cell_control_parse_size (s, &v, &err);
  tap_ok (r < 0 && err && strncmp (err->msg, want, strlen (want)) == 0, "size `%s` refused", s);
  cell_error_free (err);
}

static void
duration_ok (const char *s, uint64_t want)
{
  struct cell_error *err = NULL;
  uint64_t v = 0;
  int r = cell_control_parse_duration (s, &v, &err);
  tap_ok (r == 0 && v == want, "duration `%s` = %" PRIu64 " ns", s, want);
  if (r != 0 || v != want)
    printf ("#   got: %" PRIu64 " %s\n", v, err ? err->msg : "");
  cell_error_free (err);
}

static void
duration_bad (const char *s)
{
  struct cell_error *err = NULL;
  uint64_t v = 0;
  cleanup_free char *want = xasprintf ("invalid duration `%s`", s);
  int r = cell_control_parse_duration (s, &v, &err);
  tap_ok (r < 0 && err && strncmp (err->msg, want, strlen (want)) == 0, "duration `%s` refused", s);
  cell_error_free (err);
}

/* Sets the flags (name, value pairs) into a fresh resources object and returns its dump, or the error. */
static char *
flags_dump (const char *const *kv)
{
  struct cell_spec_resources *r = xzalloc (sizeof *r);
  struct cell_error *err = NULL;
  char *out = NULL;
  for (size_t i = 0; kv[i] && out == NULL; i += 2)
    if (cell_control_update_flag (r, kv[i], kv[i + 1], &err) < 0)
      out = xasprintf ("error: %s", err->msg);
  if (out == NULL)
    out = cell_resources_dump (r);
  cell_error_free (err);
  cell_resources_free (r);
  return out;
}

/* cell_control_update validates before it looks for the container: the errors of bad values come back
   without one (the state root is an empty scratch directory). */
static char root[] = "/tmp/cell-test-control.XXXXXX";

static char *
update_error (const char *json, const char *source)
{
  struct cell_context ctx = { .root = root, .root_dfd = -1 };
  struct cell_spec_resources *r = NULL;
  struct cell_error *err = NULL;
  char *out;
  if (cell_spec_resources_load_buffer (json, strlen (json), source ? source : "flags", &r, &err) < 0)
    out = xasprintf ("load: %s", err->msg);
  else if (cell_control_update (&ctx, "x", r, source, &err) < 0)
    out = xstrdup (err->msg);
  else
    out = xstrdup ("(applied?)");
  cell_closep (&ctx.root_dfd);
  cell_error_free (err);
  cell_resources_free (r);
  return out;
}

int
main (void)
{
  /* runc's sizes (docker/go-units RAMInBytes: binary multiples, any case, optional i and b) */
  size_ok ("512m", INT64_C (536870912));
  size_ok ("512M", INT64_C (536870912));
  size_ok ("1.5g", INT64_C (1610612736));
  size_ok ("100KiB", INT64_C (102400));
  size_ok ("1 GB", INT64_C (1073741824));
  size_ok ("42", 42);
  size_ok ("42b", 42);
  size_ok ("2t", INT64_C (2199023255552));
  size_ok ("-1", -1);
  size_bad ("12q");
  size_bad ("");
  size_bad ("m");
  size_bad ("-2");
  size_bad ("1.");
  size_bad ("1..5m");
  size_bad ("5mm");
  size_bad ("99999999999p");

  /* Go's time.ParseDuration */
  duration_ok ("5s", UINT64_C (5000000000));
  duration_ok ("250ms", 250000000);
  duration_ok ("1m30s", UINT64_C (90000000000));
  duration_ok ("1.5h", UINT64_C (5400000000000));
  duration_ok ("100us", 100000);
  duration_ok ("100\xc2\xb5s", 100000);
  duration_ok ("7ns", 7);
  duration_ok ("0", 0);
  duration_ok (".5s", 500000000);
  duration_bad ("5");
  duration_bad ("-1s");
  duration_bad ("1x");
  duration_bad ("");
  duration_bad ("s");
  duration_bad ("1s5");

  /* the update flags */
  {
    static const char *const kv[] = { "memory",       "300m", "memory-swap", "-1",  "cpu-share",  "512",
                                      "cpu-quota",    "-1",   "cpuset-cpus", "0-1", "pids-limit", "0",
                                      "blkio-weight", "300",  "cpu-idle",    "1",   NULL };
    cleanup_free char *d = flags_dump (kv);
    tap_is_str (d,
                "/memory/limit 314572800\n/memory/swap -1\n/cpu/shares 512\n/cpu/quota -1\n/cpu/cpus 0-1\n"
                "/cpu/idle 1\n/pids/limit 0\n/blockIO/weight 300\n",
                "runc's flags set the fields of linux.resources");
  }
  {
    /* runc: empty string flags and a blkio weight of 0 are "not given" */
    static const char *const kv[]
        = { "memory", "", "cpu-period", "", "cpuset-mems", "", "blkio-weight", "0", NULL };
    cleanup_free char *d = flags_dump (kv);
    tap_is_str (d, "", "empty values and --blkio-weight 0 leave the fields unset");
  }
  {
    static const char *const kv[] = { "cpu-period", "-5", NULL };
    cleanup_free char *d = flags_dump (kv);
    tap_is_str (d, "error: --cpu-period: invalid non-negative number `-5`", "--cpu-period -5 refused");
  }
  {
    static const char *const kv[] = { "pids-limit", "", NULL };
    cleanup_free char *d = flags_dump (kv);
    tap_is_str (d, "error: --pids-limit: invalid number ``", "--pids-limit needs a number");
  }
  {
    static const char *const kv[] = { "mem-bw-schema", "MB:0=70", NULL };
    cleanup_free char *d = flags_dump (kv);
    tap_is_str (d, "error: --mem-bw-schema: Intel RDT is not supported by cell", "Intel RDT flags refused");
  }
  {
    static const char *const kv[] = { "kernel-memory-tcp", "1x", NULL };
    cleanup_free char *d = flags_dump (kv);
    tap_is_str (d, "error: --kernel-memory-tcp: invalid size `1x`", "a bad size names the flag");
  }
  {
    size_t n = 0;
    bool shares = false;
    for (; cell_control_update_flag_name (n); n++)
      shares |= strcmp (cell_control_update_flag_name (n), "cpu-shares") == 0;
    tap_ok (n == 19 && shares, "19 update flags, cpu-shares among them");
  }

  /* errors name the flag, or the file and JSON pointer */
  if (mkdtemp (root) == NULL)
    return 1;
  {
    cleanup_free char *e = update_error ("{\"blockIO\": {\"weight\": 5}}", NULL);
    tap_is_str (e, "--blkio-weight: 5 is outside [10, 1000]",
                "a validation error of a flag value names the flag");
  }
  {
    cleanup_free char *e = update_error ("{\"memory\": {\"limit\": 104857600, \"swap\": 1000}}", NULL);
    tap_is_str (e, "--memory-swap: 1000 is below memory/limit 104857600 (swap counts memory+swap)",
                "... the swap check names --memory-swap");
  }
  {
    cleanup_free char *e = update_error ("{\"cpu\": {\"mems\": \"0-\"}}", "r.json");
    tap_is_str (e, "r.json: /cpu/mems: `0-` is not a memory node list",
                "... and a file's values the pointer");
  }
  {
    cleanup_free char *e = update_error ("{\"pids\": {\"limit\": 5}}", "r.json");
    tap_is_str (e, "container `x` does not exist", "valid values go on to the container");
  }

  rmdir (root);

  /* ps --format json */
  {
    pid_t pids[] = { 12, 3456 };
    cleanup_free char *a = cell_control_pids_json (pids, 2);
    cleanup_free char *b = cell_control_pids_json (NULL, 0);
    tap_is_str (a, "[12,3456]\n", "ps json: an array of pids");
    tap_is_str (b, "[]\n", "ps json: an empty array, never null");
  }
  return tap_done ();
}
