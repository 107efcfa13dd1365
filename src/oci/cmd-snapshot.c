/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-snapshot.c: `cell snapshot [--compression C] ID FILE` and `cell snapshot --bundle DIR FILE`. */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmd.h"
#include "image.h"
#include "path-util.h"
#include "snapshot.h"
#include "spec.h"
#include "xalloc.h"

#define UPPER_ANNOTATION "run.cell.rootfs.upper"

/* The image and the persistent upper a bundle names (both absolute), or an error. */
static int
bundle_image (const char *dir, const struct cell_spec *spec, char **image, char **upper,
              struct cell_error **err)
{
  cleanup_free char *joined = NULL;
  const char *u;
  bool is_image = false;

  if (!spec->has_root || !spec->root.path)
    return cell_err (err, 0, "config.json: /root/path: required");
  joined = cell_path_join (dir, spec->root.path);
  *image = cell_path_clean (joined);
  if (cell_image_probe (*image, &is_image, err) < 0)
    return -1;
  if (!is_image)
    return cell_err (err, 0, "snapshot --bundle: root `%s` is not a squashfs image", *image);
  u = cell_spec_annotation (spec, UPPER_ANNOTATION);
  if (!u)
    return cell_err (err, 0, "snapshot --bundle: config.json has no persistent upper (annotation %s)",
                     UPPER_ANNOTATION);
  *upper = cell_path_join (dir, u);
  return 0;
}

static int
snapshot_bundle (const char *bundle, const char *out, const struct cell_snapshot_opts *o,
                 struct cell_error **err)
{
  char dir[PATH_MAX];
  cleanup_free char *config = NULL, *image = NULL, *upper = NULL;
  struct cell_spec *spec = NULL;
  int r = -1;

  if (!realpath (bundle, dir))
    return cell_err_errno (err, "bundle `%s`", bundle);
  config = xasprintf ("%s/config.json", dir);
  if (cell_spec_load_file (config, "config.json", &spec, err) < 0)
    return -1;
  if (bundle_image (dir, spec, &image, &upper, err) == 0)
    r = cell_snapshot_image (image, upper, out, o, err);
  cell_spec_free (spec);
  return r;
}

static const struct cell_cmd_flag snapshot_flags[] = {
  { "bundle", required_argument, 'b', "DIR", "snapshot a stopped bundle's image root and persistent upper" },
  { "compression", required_argument, 'c', "C", "mksquashfs's compressor (default zstd)" },
  { NULL, 0, 0, NULL, NULL },
};

const struct cell_cmd_flag *
cell_cmd_snapshot_flags (void)
{
  return snapshot_flags;
}

int
cell_cmd_snapshot (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  cleanup_free struct option *longopts = cell_cmd_options (snapshot_flags);
  cleanup_free char *shortopts = cell_cmd_shortopts (snapshot_flags);
  struct cell_snapshot_opts o = { .progress = isatty (2), .force_mount2 = ctx->force_mount2 };
  const char *bundle = NULL;
  int c;

  optind = 1;
  while ((c = getopt_long (argc, argv, shortopts, longopts, NULL)) != -1)
    switch (c)
      {
      case 'b':
        bundle = optarg;
        break;
      case 'c':
        o.compression = optarg;
        break;
      default:
        cell_err (
            err, 0,
            "snapshot: invalid option `%s` (usage: snapshot [--compression C] (ID | --bundle DIR) FILE)",
            argv[optind - 1]);
        return 1;
      }
  if (bundle)
    {
      if (cell_cmd_operands ("snapshot", argc, argv, optind, 1, "FILE", err) < 0)
        return 1;
      return snapshot_bundle (bundle, argv[optind], &o, err) < 0 ? 1 : 0;
    }
  if (cell_cmd_operands ("snapshot", argc, argv, optind, 2, "ID FILE", err) < 0)
    return 1;
  {
    pid_t pid;
    if (cell_container_init_pid (ctx->root, argv[optind], &pid, err) < 0)
      return 1;
    return cell_snapshot_pid (pid, argv[optind + 1], &o, err) < 0 ? 1 : 0;
  }
}
