/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* main.c: the OCI front-end's entry: global flags (runc's), the command table, error printing. */
#include <getopt.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
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
  const char *operands; /* what follows the flags, for `cell COMMAND --help` */
  const char *summary;
  const struct cell_cmd_flag *(*flags) (void); /* NULL: no flags */
};

/* The commands: `cell --help` lists them, and with their flags they are what contrib/cell.1 and
   contrib/cell.bash-completion must cover (tests/integration/cli.sh). */
static const struct command commands[] = {
  { "create", cell_cmd_create, "ID", "create a container", cell_cmd_create_flags },
  { "start", cell_cmd_start, "ID", "start a created container", NULL },
  { "run", cell_cmd_run, "ID", "create and start a container", cell_cmd_run_flags },
  { "exec", cell_cmd_exec, "ID [COMMAND [ARG...]]", "run a process in a container", cell_cmd_exec_flags },
  { "kill", cell_cmd_kill, "ID [SIGNAL]", "send a signal to the container's init", cell_cmd_kill_flags },
  { "delete", cell_cmd_delete, "ID", "delete a container", cell_cmd_delete_flags },
  { "state", cell_cmd_state, "ID", "print the state of a container", NULL },
  { "list", cell_cmd_list, "", "list containers", cell_cmd_list_flags },
  { "ps", cell_cmd_ps, "ID [--] [PS ARGS...]", "list the processes of a container", cell_cmd_ps_flags },
  { "pause", cell_cmd_pause, "ID", "freeze every process of a container", NULL },
  { "resume", cell_cmd_resume, "ID", "thaw a paused container", NULL },
  { "update", cell_cmd_update, "ID", "change the resource limits of a container", cell_cmd_update_flags },
  { "events", cell_cmd_events, "ID", "print a container's usage statistics and OOM events",
    cell_cmd_events_flags },
  { "spec", cell_cmd_spec, "", "write a default config.json", cell_cmd_spec_flags },
  { "snapshot", cell_cmd_snapshot, "(ID | --bundle DIR) FILE",
    "write a container's root filesystem to a squashfs image", cell_cmd_snapshot_flags },
  { "features", cell_cmd_features, "", "print the features this runtime supports", NULL },
  { "sandbox", cell_cmd_sandbox, "[OPTIONS...] [--] COMMAND [ARGS...]",
    "run a command in a sandbox, with bubblewrap's command line", NULL },
};

/* runc's commands that cell does not have: podman probes `checkpoint --help`, whose exit status 0 would
   mean "supported". */
static const char *const unsupported[] = { "checkpoint", "restore" };

enum
{
  OPT_ROOT = 256,
  OPT_LOG,
  OPT_LOG_FORMAT,
  OPT_DEBUG,
  OPT_SYSTEMD_CGROUP,
  OPT_CGROUP_MANAGER,
  OPT_ROOTLESS,
  OPT_CRIU,
};

static const struct cell_cmd_flag global_flags[] = {
  { "root", required_argument, OPT_ROOT, "DIR",
    "state directory (default /run/cell; $XDG_RUNTIME_DIR/cell if not root)" },
  { "log", required_argument, OPT_LOG, "FILE",
    "write errors and log messages to FILE (and errors to stderr)" },
  { "log-format", required_argument, OPT_LOG_FORMAT, "FORMAT", "text or json (runc's JSON lines)" },
  { "debug", no_argument, OPT_DEBUG, NULL, "debug logging (includes the compiled plan)" },
  { "systemd-cgroup", no_argument, OPT_SYSTEMD_CGROUP, NULL,
    "cgroupsPath in systemd's form, slice:prefix:name" },
  { "cgroup-manager", required_argument, OPT_CGROUP_MANAGER, "MANAGER",
    "cgroupfs, systemd (as --systemd-cgroup) or disabled (no cgroup)" },
  { "rootless", required_argument, OPT_ROOTLESS, "VALUE", "accepted for runc's command line; ignored" },
  { "criu", required_argument, OPT_CRIU, "PATH",
    "accepted for runc's command line; ignored (no checkpoint)" },
  { "version", no_argument, 'v', NULL, "print the version" },
  { "help", no_argument, 'h', NULL, "print this help (COMMAND --help: the command's)" },
  { NULL, 0, 0, NULL, NULL },
};

struct option *
cell_cmd_options (const struct cell_cmd_flag *flags)
{
  size_t n = 0;
  struct option *o;
  while (flags[n].name)
    n++;
  o = xcalloc (n + 1, sizeof (*o));
  for (size_t i = 0; i < n; i++)
    o[i] = (struct option){ flags[i].name, flags[i].has_arg, NULL, flags[i].val };
  return o;
}

/* A val below 256 is also the flag's short form. */
char *
cell_cmd_shortopts (const struct cell_cmd_flag *flags)
{
  size_t n = 0;
  char *s, *p;
  while (flags[n].name)
    n++;
  p = s = xzalloc (2 * n + 2);
  *p++ = '+';
  for (size_t i = 0; i < n; i++)
    if (flags[i].val > 0 && flags[i].val < 256)
      {
        *p++ = (char)flags[i].val;
        if (flags[i].has_arg == required_argument)
          *p++ = ':';
      }
  return s;
}

/* "  --bundle DIR, -b DIR    help" */
static void
print_flags (FILE *f, const struct cell_cmd_flag *flags)
{
  for (size_t i = 0; flags[i].name; i++)
    {
      cleanup_free char *left = NULL;
      const char *arg = flags[i].has_arg == required_argument ? flags[i].arg : NULL;
      if (flags[i].val > 0 && flags[i].val < 256)
        left = xasprintf ("--%s%s%s, -%c%s%s", flags[i].name, arg ? " " : "", arg ? arg : "", flags[i].val,
                          arg ? " " : "", arg ? arg : "");
      else
        left = xasprintf ("--%s%s%s", flags[i].name, arg ? " " : "", arg ? arg : "");
      fprintf (f, "  %-28s %s\n", left, flags[i].help);
    }
}

static void
usage (FILE *f)
{
  fprintf (f, "usage: cell [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\nglobal options:\n");
  print_flags (f, global_flags);
  fprintf (f, "\ncommands:\n");
  for (size_t i = 0; i < ARRAY_SIZE (commands); i++)
    fprintf (f, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf (f, "\ncell COMMAND --help describes a command's options.\n");
}

static void
command_usage (FILE *f, const struct command *cmd)
{
  const struct cell_cmd_flag *flags = cmd->flags ? cmd->flags () : NULL;
  fprintf (f, "usage: cell %s%s%s%s\n\n%s\n", cmd->name, flags ? " [OPTIONS]" : "", *cmd->operands ? " " : "",
           cmd->operands, cmd->summary);
  if (flags)
    {
      fprintf (f, "\noptions:\n");
      print_flags (f, flags);
    }
}

/* Whether the command's own flags (before its first operand) ask for help: `--help` or `-h`. */
static bool
wants_help (const struct command *cmd, int argc, char **argv)
{
  const struct cell_cmd_flag *flags = cmd->flags ? cmd->flags () : NULL;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (streq (a, "--help") || streq (a, "-h"))
        return true;
      if (streq (a, "--") || a[0] != '-' || a[1] == '\0')
        return false;
      for (size_t j = 0; flags && flags[j].name; j++)
        {
          bool takes = flags[j].has_arg == required_argument;
          size_t n = strlen (flags[j].name);
          /* --name VALUE, or -x VALUE as the last of a cluster of short flags */
          if (takes
              && ((a[1] == '-' && strncmp (a + 2, flags[j].name, n) == 0 && a[2 + n] == '\0')
                  || (a[1] != '-' && flags[j].val < 256 && a[strlen (a) - 1] == flags[j].val)))
            {
              i++;
              break;
            }
        }
    }
  return false;
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
  cleanup_free struct option *opts = cell_cmd_options (global_flags);
  struct cell_context ctx = { .root_dfd = -1, .argv = argv };

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
  for (size_t i = 0; i < ARRAY_SIZE (unsupported); i++)
    if (streq (argv[optind], unsupported[i]))
      {
        cell_log (CELL_LOG_ERROR, "%s is not supported: cell has no checkpoint/restore", unsupported[i]);
        cell_log_close ();
        return 1;
      }
  for (size_t i = 0; i < ARRAY_SIZE (commands); i++)
    if (streq (argv[optind], commands[i].name))
      {
        int cargc = argc - optind;
        char **cargv = argv + optind;
        /* the sandbox front-end has bwrap's --help */
        if (commands[i].fn != cell_cmd_sandbox && wants_help (&commands[i], cargc, cargv))
          {
            command_usage (stdout, &commands[i]);
            return 0;
          }
        optind = 0;
        status = commands[i].fn (&ctx, cargc, cargv, &err);
        if (err)
          {
            cell_log (CELL_LOG_ERROR, "%s", err->msg);
            if (status == 0)
              status = 1;
          }
        cell_closep (&ctx.root_dfd);
        free (ctx.root);
        cell_log_close ();
        return status;
      }
  cell_log (CELL_LOG_ERROR, "unknown command `%s`", argv[optind]);
  return 1;
}
