/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* main.c: the OCI front-end's entry: global flags (runc's), the command table, error printing. */
#include <getopt.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cmd.h"
#include "log.h"
#include "path-util.h"
#include "sandbox.h"
#include "xalloc.h"

struct command
{
  const char *name;
  cell_cmd_fn fn;
  const char *summary;
};

static const struct command commands[] = {
  { "create", cell_cmd_create, "create a container" },
  { "start", cell_cmd_start, "start a created container" },
  { "run", cell_cmd_run, "create and start a container" },
  { "exec", cell_cmd_exec, "run a process in a container" },
  { "kill", cell_cmd_kill, "send a signal to the container's init" },
  { "delete", cell_cmd_delete, "delete a container" },
  { "state", cell_cmd_state, "print the state of a container" },
  { "list", cell_cmd_list, "list containers" },
  { "ps", cell_cmd_ps, "list the processes of a container" },
  { "pause", cell_cmd_pause, "freeze every process of a container" },
  { "resume", cell_cmd_resume, "thaw a paused container" },
  { "update", cell_cmd_update, "change the resource limits of a container" },
  { "events", cell_cmd_events, "print a container's usage statistics and OOM events" },
  { "spec", cell_cmd_spec, "write a default config.json" },
  { "snapshot", cell_cmd_snapshot, "write a container's root filesystem to a squashfs image" },
  { "features", cell_cmd_features, "print the features this runtime supports" },
  { "sandbox", cell_cmd_sandbox, "run a command in a sandbox, with bubblewrap's command line" },
};

static void
usage (FILE *f)
{
  fprintf (f, "usage: cell [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
              "global options:\n"
              "  --root DIR           state directory (default /run/cell)\n"
              "  --log FILE           log file\n"
              "  --log-format FORMAT  text or json\n"
              "  --debug              debug logging (includes the plan)\n"
              "  --systemd-cgroup     systemd-style cgroupsPath (slice:prefix:name)\n"
              "  --cgroup-manager M   cgroupfs, systemd or disabled\n"
              "  --version            print the version\n\ncommands:\n");
  for (size_t i = 0; i < ARRAY_SIZE (commands); i++)
    fprintf (f, "  %-8s %s\n", commands[i].name, commands[i].summary);
}

static void
version (void)
{
  printf ("cell version %s\nspec: 1.2.0\n+SECCOMP +CAP +CGROUPS-V1 +CGROUPS-V2 +USERNS +SQUASHFS\n",
          CELL_VERSION);
}

int
cell_cmd_operands (const char *cmd, int argc, char **argv, int optind_, int n, const char *what,
                   struct cell_error **err)
{
  (void)argv;
  if (argc - optind_ != n)
    return cell_err (err, 0, "%s: expected %s, got %d argument%s", cmd, what, argc - optind_,
                     argc - optind_ == 1 ? "" : "s");
  return 0;
}

/* Every return from main releases the context (--root, or the default root, and its fd). */
static void
context_clear (struct cell_context *ctx)
{
  cell_closep (&ctx->root_dfd);
  free (ctx->root);
  ctx->root = NULL;
}

enum
{
  OPT_ROOT = 256,
  OPT_LOG,
  OPT_LOG_FORMAT,
  OPT_DEBUG,
  OPT_SYSTEMD_CGROUP,
  OPT_CGROUP_MANAGER,
  OPT_VERSION,
  OPT_ROOTLESS,
  OPT_CRIU,
};

/* bwrap runs itself again as /proc/self/exe (its tests nest sandboxes so): in a sandbox that cell made, that
   is cell, called with bwrap's options and none of cell's. */
static bool
bwrap_self_exec (int argc, char **argv)
{
  if (argc < 2 || !argv[0] || !streq (argv[0], "/proc/self/exe") || streq (argv[1], "--help")
      || streq (argv[1], "--version"))
    return false;
  for (size_t i = 0; cell_sandbox_help_row (i); i++)
    if (streq (cell_sandbox_help_row (i)->name, argv[1]))
      return true;
  return false;
}

int
main (int argc, char **argv)
{
  static const struct option opts[] = {
    { "root", required_argument, NULL, OPT_ROOT },
    { "log", required_argument, NULL, OPT_LOG },
    { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
    { "debug", no_argument, NULL, OPT_DEBUG },
    { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
    { "cgroup-manager", required_argument, NULL, OPT_CGROUP_MANAGER },
    { "rootless", required_argument, NULL, OPT_ROOTLESS },
    { "criu", required_argument, NULL, OPT_CRIU },
    { "version", no_argument, NULL, OPT_VERSION },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  __attribute__ ((cleanup (context_clear))) struct cell_context ctx = { .root_dfd = -1, .argv = argv };

  cell_trace_begin ();
  cleanup_error struct cell_error *err = NULL;
  const char *log_path = NULL;
  bool log_json = false, debug = false;
  struct stat sb;
  int c, status;

  /* No setuid mode (DESIGN.md "Decisions taken"). */
  if (getuid () != geteuid () || getgid () != getegid ())
    {
      fputs ("cell: refusing to run setuid or setgid\n", stderr);
      return 1;
    }
  (void)sb;
  /* every command says what was wrong with its options in one line of its own */
  opterr = 0;
  /* a `bwrap` link to cell: the sandbox front-end with bwrap's whole command line (src/sandbox) */
  {
    cleanup_free char *name = xstrdup (argv[0] ? argv[0] : "");
    if (streq (basename (name), "bwrap") || bwrap_self_exec (argc, argv))
      return cell_sandbox_main (argc, argv, argv[0], true);
  }
  while ((c = getopt_long (argc, argv, "+hv", opts, NULL)) != -1)
    {
      switch (c)
        {
        case OPT_ROOT:
          free (ctx.root);
          ctx.root = xstrdup (optarg);
          break;
        case OPT_LOG:
          log_path = optarg;
          break;
        case OPT_LOG_FORMAT:
          if (streq (optarg, "json"))
            log_json = true;
          else if (!streq (optarg, "text"))
            {
              fprintf (stderr, "cell: --log-format: unknown format `%s` (text or json)\n", optarg);
              return 1;
            }
          break;
        case OPT_DEBUG:
          debug = true;
          break;
        case OPT_SYSTEMD_CGROUP:
          ctx.systemd_cgroup = true;
          break;
        case OPT_CGROUP_MANAGER:
          if (streq (optarg, "disabled"))
            ctx.no_cgroups = true;
          else if (streq (optarg, "systemd"))
            ctx.systemd_cgroup = true;
          else if (!streq (optarg, "cgroupfs"))
            {
              fprintf (stderr,
                       "cell: --cgroup-manager: unknown manager `%s` (cgroupfs, systemd or disabled)\n",
                       optarg);
              return 1;
            }
          break;
        case OPT_ROOTLESS:
        case OPT_CRIU:
          break; /* accepted for runc compatibility */
        case OPT_VERSION:
        case 'v':
          version ();
          return 0;
        case 'h':
          usage (stdout);
          return 0;
        default:
          fprintf (stderr, "cell: invalid option `%s` (cell --help)\n", argv[optind - 1]);
          return 1;
        }
    }
  if (cell_log_init (log_path, log_json, debug) < 0)
    {
      fprintf (stderr, "cell: --log `%s`: %s\n", log_path, strerror (errno));
      return 1;
    }
  if (ctx.root == NULL)
    ctx.root = cell_state_default_root ();
  /* test switches: the mount(2) way for image roots, the O_NOFOLLOW walk instead of openat2 */
  ctx.force_mount2 = getenv ("CELL_IMAGE_MOUNT2") != NULL;
  cell_path_force_fallback (getenv ("CELL_NO_OPENAT2") != NULL);
  if (optind >= argc)
    {
      usage (stderr);
      return 1;
    }
  for (size_t i = 0; i < ARRAY_SIZE (commands); i++)
    if (streq (argv[optind], commands[i].name))
      {
        int cargc = argc - optind;
        char **cargv = argv + optind;
        optind = 0;
        status = commands[i].fn (&ctx, cargc, cargv, &err);
        if (err)
          {
            cell_log (CELL_LOG_ERROR, "%s", err->msg);
            if (status == 0)
              status = 1;
          }
        cell_log_close ();
        return status;
      }
  cell_log (CELL_LOG_ERROR, "unknown command `%s`", argv[optind]);
  return 1;
}
