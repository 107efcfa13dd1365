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
  OPT_DETACH = 'd',
  OPT_PID_FILE = 256,
  OPT_CONSOLE_SOCKET,
  OPT_NO_PIVOT,
  OPT_NO_NEW_KEYRING,
  OPT_PRESERVE_FDS,
  OPT_NO_SUBREAPER,
  OPT_KEEP,
};

static const struct cell_cmd_flag create_flags[] = {
  { "bundle", required_argument, OPT_BUNDLE, "DIR", "the bundle: config.json and the root (default: .)" },
  { "pid-file", required_argument, OPT_PID_FILE, "FILE", "write the container init's pid to FILE" },
  { "console-socket", required_argument, OPT_CONSOLE_SOCKET, "SOCKET",
    "send the pty master of a process.terminal container to this AF_UNIX socket" },
  { "no-pivot", no_argument, OPT_NO_PIVOT, NULL, "switch the root with MS_MOVE and chroot, not pivot_root" },
  { "no-new-keyring", no_argument, OPT_NO_NEW_KEYRING, NULL,
    "keep the caller's session keyring (default: a new one named _ses.ID)" },
  { "preserve-fds", required_argument, OPT_PRESERVE_FDS, "N", "pass fds 3 .. 3+N-1 on to the process" },
  { NULL, 0, 0, NULL, NULL },
};
/* run: create's flags and these */
static const struct cell_cmd_flag run_only_flags[] = {
  { "detach", no_argument, OPT_DETACH, NULL, "return once the process runs; do not wait for it" },
  { "no-subreaper", no_argument, OPT_NO_SUBREAPER, NULL, "do not make cell a subreaper while it waits" },
  { "keep", no_argument, OPT_KEEP, NULL, "do not delete the container when its process has exited" },
  { NULL, 0, 0, NULL, NULL },
};

const struct cell_cmd_flag *
cell_cmd_create_flags (void)
{
  return create_flags;
}

/* Built once; lives as long as the process. */
const struct cell_cmd_flag *
cell_cmd_run_flags (void)
{
  static struct cell_cmd_flag *flags;
  size_t a = ARRAY_SIZE (create_flags) - 1, b = ARRAY_SIZE (run_only_flags);
  if (!flags)
    {
      flags = xcalloc (a + b, sizeof (*flags));
      memcpy (flags, create_flags, a * sizeof (*flags));
      memcpy (flags + a, run_only_flags, b * sizeof (*flags));
    }
  return flags;
}

static int
parse_create_flags (const char *cmd, int argc, char **argv, struct cell_create_opts *o, bool is_run,
                    struct cell_error **err)
{
  const struct cell_cmd_flag *flags = is_run ? cell_cmd_run_flags () : create_flags;
  cleanup_free struct option *opts = cell_cmd_options (flags);
  cleanup_free char *shortopts = cell_cmd_shortopts (flags);
  int c;

  while ((c = getopt_long (argc, argv, shortopts, opts, NULL)) != -1)
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
        case OPT_DETACH:
          o->detach = true;
          break;
        case OPT_NO_SUBREAPER:
          o->no_subreaper = true;
          break;
        case OPT_KEEP:
          o->keep = true;
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

static const struct cell_cmd_flag delete_flags[] = {
  { "force", no_argument, 'f', NULL, "kill a running or paused container first (SIGKILL)" },
  { NULL, 0, 0, NULL, NULL },
};
static const struct cell_cmd_flag kill_flags[] = {
  { "all", no_argument, 'a', NULL, "signal every process in the container's cgroup" },
  { NULL, 0, 0, NULL, NULL },
};
static const struct cell_cmd_flag no_flags[] = { { NULL, 0, 0, NULL, NULL } };

const struct cell_cmd_flag *
cell_cmd_delete_flags (void)
{
  return delete_flags;
}

const struct cell_cmd_flag *
cell_cmd_kill_flags (void)
{
  return kill_flags;
}

/* A command whose only flag (if any) is a switch. */
static int
simple_flags (const char *cmd, int argc, char **argv, const struct cell_cmd_flag *flags, bool *flag,
              struct cell_error **err)
{
  cleanup_free struct option *opts = cell_cmd_options (flags);
  cleanup_free char *shortopts = cell_cmd_shortopts (flags);
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
  bool unused = false;
  if (simple_flags ("start", argc, argv, no_flags, &unused, err) < 0
      || cell_cmd_operands ("start", argc, argv, optind, 1, "a container ID", err) < 0)
    return 1;
  return cell_container_start (ctx, argv[optind], err) < 0 ? 1 : 0;
}

int
cell_cmd_delete (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  bool force = false;
  if (simple_flags ("delete", argc, argv, delete_flags, &force, err) < 0
      || cell_cmd_operands ("delete", argc, argv, optind, 1, "a container ID", err) < 0)
    return 1;
  return cell_container_delete (ctx, argv[optind], force, err) < 0 ? 1 : 0;
}

int
cell_cmd_kill (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  bool all = false;
  int sig = SIGTERM;
  if (simple_flags ("kill", argc, argv, kill_flags, &all, err) < 0)
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
