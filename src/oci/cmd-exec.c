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

int
cell_cmd_exec (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  static const struct option opts[] = {
    { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
    { "cwd", required_argument, NULL, 'w' },
    { "env", required_argument, NULL, 'e' },
    { "tty", no_argument, NULL, 't' },
    { "user", required_argument, NULL, 'u' },
    { "additional-gids", required_argument, NULL, 'g' },
    { "process", required_argument, NULL, 'p' },
    { "detach", no_argument, NULL, 'd' },
    { "pid-file", required_argument, NULL, OPT_PID_FILE },
    { "process-label", required_argument, NULL, OPT_PROCESS_LABEL },
    { "apparmor", required_argument, NULL, OPT_APPARMOR },
    { "no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS },
    { "cap", required_argument, NULL, 'c' },
    { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
    { "cgroup", required_argument, NULL, OPT_CGROUP },
    { "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
    { NULL, 0, NULL, 0 },
  };
  struct cell_exec_opts o = { 0 };
  cleanup_strv char **env = NULL;
  cleanup_strv char **gids = NULL;
  cleanup_strv char **caps = NULL;
  int c, status = 0;

  while ((c = getopt_long (argc, argv, "+w:e:tu:g:p:dc:", opts, NULL)) != -1)
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
