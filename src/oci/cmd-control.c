/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-control.c: the ps, pause, resume, update and events commands (flag parsing only; control.c acts). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cmd.h"
#include "control.h"
#include "log.h"
#include "xalloc.h"

static const struct option no_options[] = { { NULL, 0, NULL, 0 } };

static const struct cell_cmd_flag ps_flags[] = {
  { "format", required_argument, 'f', "FORMAT", "table (ps(1)'s lines, the default) or json (host pids)" },
  { NULL, 0, 0, NULL, NULL },
};

const struct cell_cmd_flag *
cell_cmd_ps_flags (void)
{
  return ps_flags;
}

/* cell ps [--format table|json] ID [--] [PS ARGS...] */
int
cell_cmd_ps (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  cleanup_free struct option *opts = cell_cmd_options (ps_flags);
  cleanup_free char *shortopts = cell_cmd_shortopts (ps_flags);
  bool json = false;
  char **ps_args;
  int c;

  while ((c = getopt_long (argc, argv, shortopts, opts, NULL)) != -1)
    {
      if (c == 'f' && (streq (optarg, "json") || streq (optarg, "table")))
        json = streq (optarg, "json");
      else if (c == 'f')
        return cell_err (err, 0, "ps: --format: unknown format `%s` (table or json)", optarg), 1;
      else
        return cell_err (err, 0, "ps: invalid option `%s`", argv[optind - 1]), 1;
    }
  if (optind >= argc)
    return cell_err (err, 0, "ps: expected a container ID and optional ps(1) arguments"), 1;
  ps_args = argv + optind + 1;
  if (*ps_args && streq (*ps_args, "--"))
    ps_args++;
  if (json)
    {
      cleanup_free pid_t *pids = NULL;
      cleanup_free char *doc = NULL;
      size_t n = 0;
      if (cell_control_pids (ctx, argv[optind], &pids, &n, err) < 0)
        return 1;
      doc = cell_control_pids_json (pids, n);
      fputs (doc, stdout);
    }
  else
    {
      cleanup_free char *table = NULL;
      if (cell_control_ps_table (ctx, argv[optind], ps_args, &table, err) < 0)
        return 1;
      fputs (table, stdout);
    }
  return 0;
}

/* cell pause ID / cell resume ID */
static int
id_only (const char *cmd, int argc, char **argv, struct cell_error **err)
{
  if (getopt_long (argc, argv, "+", no_options, NULL) != -1)
    return cell_err (err, 0, "%s: invalid option `%s`", cmd, argv[optind - 1]);
  return cell_cmd_operands (cmd, argc, argv, optind, 1, "a container ID", err);
}

int
cell_cmd_pause (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  if (id_only ("pause", argc, argv, err) < 0)
    return 1;
  return cell_control_pause (ctx, argv[optind], err) < 0 ? 1 : 0;
}

int
cell_cmd_resume (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  if (id_only ("resume", argc, argv, err) < 0)
    return 1;
  return cell_control_resume (ctx, argv[optind], err) < 0 ? 1 : 0;
}

/* cell update [--resources FILE|-] [runc's flags] ID */
enum
{
  OPT_RESOURCES = 'r',
  OPT_FLAG0 = 1000, /* OPT_FLAG0 + i: cell_control_update_flag_name (i) */
};

static void
resources_freep (struct cell_spec_resources **r)
{
  cell_resources_free (*r);
}

/* --resources, then runc's flags from control.c's table (built once; lives as long as the process). */
const struct cell_cmd_flag *
cell_cmd_update_flags (void)
{
  static struct cell_cmd_flag *flags;
  size_t n = 0;
  if (flags)
    return flags;
  while (cell_control_update_flag_name (n))
    n++;
  flags = xcalloc (n + 2, sizeof *flags);
  flags[0] = (struct cell_cmd_flag){
    "resources", required_argument, OPT_RESOURCES, "FILE",
    "a linux.resources JSON document (- for stdin); the other flags are ignored"
  };
  for (size_t i = 0; i < n; i++)
    {
      const char *ptr = cell_control_update_flag_pointer (i);
      flags[i + 1] = (struct cell_cmd_flag){ cell_control_update_flag_name (i), required_argument,
                                             OPT_FLAG0 + (int)i, "VALUE",
                                             ptr ? xasprintf ("set linux.resources%s", ptr)
                                                 : "Intel RDT (refused: not supported by cell)" };
    }
  return flags;
}

int
cell_cmd_update (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  __attribute__ ((cleanup (resources_freep))) struct cell_spec_resources *r = NULL;
  const struct cell_cmd_flag *flags = cell_cmd_update_flags ();
  cleanup_free struct option *opts = cell_cmd_options (flags);
  cleanup_free char *shortopts = cell_cmd_shortopts (flags);
  const char *resources = NULL;
  bool flags_given = false;
  size_t nflags = 0;
  int c;

  while (cell_control_update_flag_name (nflags))
    nflags++;
  r = xzalloc (sizeof *r);
  while ((c = getopt_long (argc, argv, shortopts, opts, NULL)) != -1)
    {
      if (c == OPT_RESOURCES)
        resources = optarg;
      else if (c >= OPT_FLAG0 && c < OPT_FLAG0 + (int)nflags)
        {
          flags_given = true;
          if (cell_control_update_flag (r, cell_control_update_flag_name ((size_t)(c - OPT_FLAG0)), optarg,
                                        err)
              < 0)
            return cell_err_wrap (err, "update"), 1;
        }
      else
        return cell_err (err, 0, "update: invalid option `%s`", argv[optind - 1]), 1;
    }
  if (cell_cmd_operands ("update", argc, argv, optind, 1, "a container ID", err) < 0)
    return 1;
  if (resources)
    {
      /* runc: with --resources every other flag is ignored. */
      if (flags_given)
        cell_warn ("update: --resources is given: the other flags are ignored");
      cell_resources_free (steal_ptr (&r));
      if (cell_control_update_load (resources, &r, err) < 0)
        return cell_err_wrap (err, "update"), 1;
    }
  if (cell_control_update (ctx, argv[optind], r,
                           resources ? (streq (resources, "-") ? "stdin" : resources) : NULL, err)
      < 0)
    return cell_err_wrap (err, "update"), 1;
  return 0;
}

/* cell events [--stats] [--interval DURATION] ID */
static int
print_line (const char *line, void *userdata, struct cell_error **err)
{
  (void)userdata;
  if (puts (line) < 0 || fflush (stdout) != 0)
    return cell_err_errno (err, "events: write to stdout");
  return 0;
}

enum
{
  OPT_STATS = 256,
  OPT_INTERVAL,
};

static const struct cell_cmd_flag events_flags[] = {
  { "stats", no_argument, OPT_STATS, NULL, "print one line of statistics and exit" },
  { "interval", required_argument, OPT_INTERVAL, "DURATION", "time between statistics lines (default 5s)" },
  { NULL, 0, 0, NULL, NULL },
};

const struct cell_cmd_flag *
cell_cmd_events_flags (void)
{
  return events_flags;
}

int
cell_cmd_events (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  cleanup_free struct option *opts = cell_cmd_options (events_flags);
  cleanup_free char *shortopts = cell_cmd_shortopts (events_flags);
  uint64_t interval = UINT64_C (5000000000);
  bool stats = false;
  int c;

  while ((c = getopt_long (argc, argv, shortopts, opts, NULL)) != -1)
    {
      if (c == OPT_STATS)
        stats = true;
      else if (c == OPT_INTERVAL)
        {
          if (cell_control_parse_duration (optarg, &interval, err) < 0)
            return cell_err_wrap (err, "events: --interval"), 1;
        }
      else
        return cell_err (err, 0, "events: invalid option `%s`", argv[optind - 1]), 1;
    }
  if (cell_cmd_operands ("events", argc, argv, optind, 1, "a container ID", err) < 0)
    return 1;
  return cell_control_events (ctx, argv[optind], stats, interval, print_line, NULL, err) < 0 ? 1 : 0;
}
