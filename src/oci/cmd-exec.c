/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-exec.c: the exec command (runc's flags; parsing only). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "enter.h"
#include "strv.h"
#include "xalloc.h"

enum
{
  OPT_CONSOLE_SOCKET = 256,
  OPT_PID_FILE,
  OPT_PROCESS_LABEL,
  OPT_APPARMOR,
  OPT_NO_NEW_PRIVS,
  OPT_PRESERVE_FDS,
  OPT_CGROUP,
  OPT_IGNORE_PAUSED,
};

static const struct cell_cmd_flag exec_flags[] = {
  { "console-socket", required_argument, OPT_CONSOLE_SOCKET, "SOCKET",
    "send the pty master of a terminal process to this AF_UNIX socket" },
  { "cwd", required_argument, 'w', "DIR", "the working directory in the container" },
  { "env", required_argument, 'e', "NAME=VALUE", "set an environment variable (repeatable)" },
  { "tty", no_argument, 't', NULL, "give the process a pty" },
  { "user", required_argument, 'u', "UID[:GID]", "run as these numeric ids" },
  { "additional-gids", required_argument, 'g', "GID[,GID...]", "supplementary groups (repeatable)" },
  { "process", required_argument, 'p', "FILE", "the process: a JSON file like config.json's `process`" },
  { "detach", no_argument, 'd', NULL, "return once the process runs; do not wait for it" },
  { "pid-file", required_argument, OPT_PID_FILE, "FILE", "write the process's pid to FILE" },
  { "process-label", required_argument, OPT_PROCESS_LABEL, "LABEL",
    "SELinux label of the process (where SELinux is enabled)" },
  { "apparmor", required_argument, OPT_APPARMOR, "PROFILE",
    "AppArmor profile of the process (where AppArmor is enabled)" },
  { "no-new-privs", no_argument, OPT_NO_NEW_PRIVS, NULL, "set no_new_privs for the process" },
  { "cap", required_argument, 'c', "CAP", "add a capability (bounding, effective, permitted; repeatable)" },
  { "preserve-fds", required_argument, OPT_PRESERVE_FDS, "N", "pass fds 3 .. 3+N-1 on to the process" },
  { "cgroup", required_argument, OPT_CGROUP, "[CONTROLLER:]PATH",
    "run in this existing sub-cgroup of the container's (in one v1 hierarchy with CONTROLLER)" },
  { "ignore-paused", no_argument, OPT_IGNORE_PAUSED, NULL, "exec even if the container is paused" },
  { NULL, 0, 0, NULL, NULL },
};

const struct cell_cmd_flag *
cell_cmd_exec_flags (void)
{
  return exec_flags;
}

int
cell_cmd_exec (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  cleanup_free struct option *opts = cell_cmd_options (exec_flags);
  cleanup_free char *shortopts = cell_cmd_shortopts (exec_flags);
  struct cell_exec_opts o = { 0 };
  cleanup_strv char **env = NULL;
  cleanup_strv char **gids = NULL;
  cleanup_strv char **caps = NULL;
  int c, status = 0;

  while ((c = getopt_long (argc, argv, shortopts, opts, NULL)) != -1)
    switch (c)
      {
      case OPT_CONSOLE_SOCKET:
        o.console_socket = optarg;
        break;
      case 'w':
        o.cwd = optarg;
        break;
      case 'e':
        env = cell_strv_append (env, optarg);
        break;
      case 't':
        o.tty = true;
        break;
      case 'u':
        o.user = optarg;
        break;
      case 'g':
        {
          /* runc takes a comma-separated list or the flag again */
          cleanup_free char *copy = xstrdup (optarg);
          char *save = NULL;
          for (char *tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
            gids = cell_strv_append (gids, tok);
          break;
        }
      case 'p':
        o.process_file = optarg;
        break;
      case 'd':
        o.detach = true;
        break;
      case OPT_PID_FILE:
        o.pid_file = optarg;
        break;
      case OPT_PROCESS_LABEL:
        o.process_label = optarg;
        break;
      case OPT_APPARMOR:
        o.apparmor = optarg;
        break;
      case OPT_NO_NEW_PRIVS:
        o.no_new_privs = true;
        break;
      case 'c':
        caps = cell_strv_append (caps, optarg);
        break;
      case OPT_PRESERVE_FDS:
        {
          char *end;
          long n = strtol (optarg, &end, 10);
          if (*end || end == optarg || n < 0 || n > 65536)
            return cell_err (err, 0, "exec: --preserve-fds: invalid number `%s`", optarg), 1;
          o.preserve_fds = (int)n;
          break;
        }
      case OPT_CGROUP:
        o.cgroup = optarg;
        break;
      case OPT_IGNORE_PAUSED:
        o.ignore_paused = true;
        break;
      default:
        return cell_err (err, 0, "exec: invalid option `%s`", argv[optind - 1]), 1;
      }
  if (optind >= argc)
    return cell_err (err, 0, "exec: expected a container ID and a command (or --process FILE)"), 1;
  if (o.process_file && optind + 1 < argc)
    return cell_err (err, 0, "exec: a command and --process FILE exclude each other"), 1;
  o.args = argv + optind + 1;
  o.env = env;
  o.additional_gids = gids;
  o.caps = caps;
  if (cell_container_exec (ctx, argv[optind], &o, &status, err) < 0)
    return 1;
  return status;
}
