/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-lifecycle.c: the create, start, run, kill and delete commands (flag parsing only). */
#include <signal.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "signals.h"
#include "xalloc.h"

enum
{
  OPT_BUNDLE = 'b',
  OPT_PID_FILE = 256,
  OPT_CONSOLE_SOCKET,
  OPT_NO_PIVOT,
  OPT_NO_NEW_KEYRING,
  OPT_PRESERVE_FDS,
  OPT_DETACH,
  OPT_NO_SUBREAPER,
  OPT_KEEP,
};

static int
parse_create_flags (const char *cmd, int argc, char **argv, struct cell_create_opts *o, bool is_run,
                    struct cell_error **err)
{
  static const struct option opts[] = {
    { "bundle", required_argument, NULL, OPT_BUNDLE },
    { "pid-file", required_argument, NULL, OPT_PID_FILE },
    { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
    { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
    { "no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING },
    { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
    { "detach", no_argument, NULL, OPT_DETACH },
    { "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
    { "keep", no_argument, NULL, OPT_KEEP },
    { NULL, 0, NULL, 0 },
  };
  int c;

  while ((c = getopt_long (argc, argv, is_run ? "+b:d" : "+b:", opts, NULL)) != -1)
    {
      switch (c)
        {
        case OPT_BUNDLE:
          o->bundle = optarg;
          break;
        case OPT_PID_FILE:
          o->pid_file = optarg;
          break;
        case OPT_CONSOLE_SOCKET:
          o->console_socket = optarg;
          break;
        case OPT_NO_PIVOT:
          o->no_pivot = true;
          break;
        case OPT_NO_NEW_KEYRING:
          o->no_new_keyring = true;
          break;
        case OPT_PRESERVE_FDS:
          {
            char *end;
            long n;
            errno = 0;
            n = strtol (optarg, &end, 10);
            if (errno || *end || end == optarg || n < 0 || n > 65536)
              return cell_err (err, 0, "%s: --preserve-fds: invalid number `%s`", cmd, optarg);
            o->preserve_fds = (int)n;
            break;
          }
        case 'd':
        case OPT_DETACH:
          if (!is_run)
            return cell_err (err, 0, "%s: unknown option --detach", cmd);
          o->detach = true;
          break;
        case OPT_NO_SUBREAPER:
        case OPT_KEEP:
          break;
        default:
          return cell_err (err, 0, "%s: invalid option `%s`", cmd, argv[optind - 1]);
        }
    }
  return cell_cmd_operands (cmd, argc, argv, optind, 1, "a container ID", err);
}

int
cell_cmd_create (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  struct cell_create_opts o = { 0 };
  if (parse_create_flags ("create", argc, argv, &o, false, err) < 0)
    return 1;
  return cell_container_create (ctx, argv[optind], &o, err) < 0 ? 1 : 0;
}

int
cell_cmd_run (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  struct cell_create_opts o = { 0 };
  int status = 0;
  if (parse_create_flags ("run", argc, argv, &o, true, err) < 0)
    return 1;
  if (cell_container_run (ctx, argv[optind], &o, &status, err) < 0)
    return status ? status : 1;
  return status;
}

static int
simple_flags (const char *cmd, int argc, char **argv, const struct option *opts, const char *shortopts,
              bool *flag, struct cell_error **err)
{
  int c;
  while ((c = getopt_long (argc, argv, shortopts, opts, NULL)) != -1)
    {
      if (c == 'f' || c == 'a')
        *flag = true;
      else
        return cell_err (err, 0, "%s: invalid option `%s`", cmd, argv[optind - 1]);
    }
  return 0;
}

int
cell_cmd_start (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  static const struct option opts[] = { { NULL, 0, NULL, 0 } };
  bool unused = false;
  if (simple_flags ("start", argc, argv, opts, "+", &unused, err) < 0
      || cell_cmd_operands ("start", argc, argv, optind, 1, "a container ID", err) < 0)
    return 1;
  return cell_container_start (ctx, argv[optind], err) < 0 ? 1 : 0;
}

int
cell_cmd_delete (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
  bool force = false;
  if (simple_flags ("delete", argc, argv, opts, "+f", &force, err) < 0
      || cell_cmd_operands ("delete", argc, argv, optind, 1, "a container ID", err) < 0)
    return 1;
  return cell_container_delete (ctx, argv[optind], force, err) < 0 ? 1 : 0;
}

int
cell_cmd_kill (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  static const struct option opts[] = { { "all", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 } };
  bool all = false;
  int sig = SIGTERM;
  if (simple_flags ("kill", argc, argv, opts, "+a", &all, err) < 0)
    return 1;
  if (argc - optind == 2)
    {
      if (cell_signal_parse (argv[optind + 1], &sig, err) < 0)
        return 1;
    }
  else if (cell_cmd_operands ("kill", argc, argv, optind, 1, "a container ID and an optional signal", err)
           < 0)
    return 1;
  return cell_container_kill (ctx, argv[optind], sig, all, err) < 0 ? 1 : 0;
}
