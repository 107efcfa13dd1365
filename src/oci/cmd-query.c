/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-query.c: the state and list commands. */
#include <fcntl.h>
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cgroup.h"
#include "cmd.h"
#include "json.h"
#include "xalloc.h"

int
cell_cmd_state (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  cleanup_free char *json = NULL;
  if (getopt_long (argc, argv, "+", (const struct option[]){ { NULL, 0, NULL, 0 } }, NULL) != -1)
    return cell_err (err, 0, "state: invalid option `%s`", argv[optind - 1]), 1;
  if (cell_cmd_operands ("state", argc, argv, optind, 1, "a container ID", err) < 0)
    return 1;
  if (cell_container_state (ctx, argv[optind], &json, err) < 0)
    return 1;
  puts (json);
  return 0;
}

static const struct cell_cmd_flag list_flags[] = {
  { "format", required_argument, 'f', "FORMAT", "table (the default) or json" },
  { "quiet", no_argument, 'q', NULL, "print only the IDs" },
  { NULL, 0, 0, NULL, NULL },
};

const struct cell_cmd_flag *
cell_cmd_list_flags (void)
{
  return list_flags;
}

static int
cmp_names (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

int
cell_cmd_list (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  cleanup_free struct option *opts = cell_cmd_options (list_flags);
  cleanup_free char *shortopts = cell_cmd_shortopts (list_flags);
  bool json = false, quiet = false;
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct cell_json_gen *g = NULL;
  DIR *d;
  struct dirent *de;
  int c, fd;

  while ((c = getopt_long (argc, argv, shortopts, opts, NULL)) != -1)
    {
      if (c == 'q')
        quiet = true;
      else if (c == 'f' && (streq (optarg, "json") || streq (optarg, "table")))
        json = streq (optarg, "json");
      else if (c == 'f')
        return cell_err (err, 0, "list: --format: unknown format `%s` (table or json)", optarg), 1;
      else
        return cell_err (err, 0, "list: invalid option `%s`", argv[optind - 1]), 1;
    }
  if (cell_cmd_operands ("list", argc, argv, optind, 0, "no arguments", err) < 0)
    return 1;
  if (cell_context_root (ctx, err) < 0)
    return 1;
  fd = openat (ctx->root_dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    return cell_err_errno (err, "list `%s`", ctx->root), 1;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.' || de->d_type != DT_DIR)
        continue;
      names = xgrow (names, &cap, n + 1, sizeof *names);
      names[n++] = xstrdup (de->d_name);
    }
  closedir (d);
  qsort (names, n, sizeof *names, cmp_names);
  /* one look at the mount table for all the containers, not one each */
  cell_cgroup_remember_mounts (true);

  if (json)
    {
      g = cell_json_gen_new (false);
      cell_json_gen_array_open (g);
    }
  else if (!quiet)
    printf ("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
  for (size_t i = 0; i < n; i++)
    {
      struct cell_state *st = NULL;
      enum cell_status status;
      struct cell_error *e = NULL;
      if (cell_container_load (ctx, names[i], &st, &status, &e) < 0)
        {
          cell_error_free (e);
          free (names[i]);
          continue;
        }
      if (quiet)
        puts (st->id);
      else if (json)
        {
          cell_json_gen_map_open (g);
          cell_json_gen_kv_string (g, "ociVersion", "1.2.0");
          cell_json_gen_kv_string (g, "id", st->id);
          cell_json_gen_kv_int (g, "pid", status == CELL_STATUS_STOPPED ? 0 : st->pid);
          cell_json_gen_kv_string (g, "status", cell_status_name (status));
          cell_json_gen_kv_string (g, "bundle", st->bundle);
          cell_json_gen_kv_string (g, "rootfs", st->rootfs ? st->rootfs : "");
          cell_json_gen_kv_string (g, "created", st->created ? st->created : "");
          cell_json_gen_kv_string (g, "owner", st->owner ? st->owner : "");
          cell_json_gen_map_close (g);
        }
      else
        printf ("%-12s %-8d %-10s %-40s %-30s %s\n", st->id, status == CELL_STATUS_STOPPED ? 0 : st->pid,
                cell_status_name (status), st->bundle, st->created ? st->created : "",
                st->owner ? st->owner : "");
      cell_state_free (st);
      free (names[i]);
    }
  free (names);
  cell_cgroup_remember_mounts (false);
  if (json)
    {
      char *doc;
      cell_json_gen_array_close (g);
      doc = cell_json_gen_finish (g, NULL);
      puts (doc);
      free (doc);
    }
  return 0;
}
