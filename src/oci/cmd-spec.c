/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-spec.c: the spec command (writes the default config.json) and the features command. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cmd.h"
#include "features-json.h"
#include "spec.h"
#include "xalloc.h"

enum
{
  OPT_ROOTLESS = 256,
};

static const struct cell_cmd_flag spec_flags[] = {
  { "bundle", required_argument, 'b', "DIR", "write DIR/config.json (default: ./config.json)" },
  { "rootless", no_argument, OPT_ROOTLESS, NULL, "a config for a user namespace with the caller's ids" },
  { NULL, 0, 0, NULL, NULL },
};

const struct cell_cmd_flag *
cell_cmd_spec_flags (void)
{
  return spec_flags;
}

int
cell_cmd_spec (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  cleanup_free struct option *opts = cell_cmd_options (spec_flags);
  cleanup_free char *shortopts = cell_cmd_shortopts (spec_flags);
  const char *bundle = ".";
  bool rootless = false;
  cleanup_free char *doc = NULL;
  cleanup_free char *path = NULL;
  cleanup_close int fd = -1;
  size_t len;
  int c;

  (void)ctx;
  while ((c = getopt_long (argc, argv, shortopts, opts, NULL)) != -1)
    {
      if (c == 'b')
        bundle = optarg;
      else if (c == OPT_ROOTLESS)
        rootless = true;
      else
        return cell_err (err, 0, "spec: invalid option `%s`", argv[optind - 1]), 1;
    }
  if (cell_cmd_operands ("spec", argc, argv, optind, 0, "no arguments", err) < 0)
    return 1;
  doc = cell_spec_default_json (rootless);
  len = strlen (doc);
  path = xasprintf ("%s/config.json", bundle);
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      if (errno == EEXIST)
        return cell_err (err, 0, "spec: `%s` already exists", path), 1;
      return cell_err_errno (err, "spec: create `%s`", path), 1;
    }
  if (write (fd, doc, len) != (ssize_t)len || write (fd, "\n", 1) != 1)
    return cell_err_errno (err, "spec: write `%s`", path), 1;
  return 0;
}

int
cell_cmd_features (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  cleanup_free char *doc = NULL;
  (void)ctx;
  if (cell_cmd_operands ("features", argc, argv, 1, 0, "no arguments", err) < 0)
    return 1;
  doc = cell_features_json ();
  puts (doc);
  return 0;
}
