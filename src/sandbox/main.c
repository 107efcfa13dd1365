/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* main.c: the sandbox front-end's entry (`cell sandbox ...`, or cell invoked as `bwrap`): reads --args
   fds, gathers what the compiler needs to know about its caller, compiles, prints usage, errors and
   (with --debug) the plan. */
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "cmd.h"
#include "log.h"
#include "sandbox.h"
#include "strv.h"
#include "xalloc.h"

extern char **environ;

/* bwrap's own version: programs parse `bwrap --version` (mkosi strips "bubblewrap " and compares). */
#define BWRAP_VERSION "0.8.0"

static void
usage (FILE *f, const char *prog)
{
  bool mkosi_header = false;
  fprintf (f, "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n\n", prog);
  for (size_t i = 0;; i++)
    {
      const struct cell_sandbox_help *h = cell_sandbox_help_row (i);
      cleanup_free char *col = NULL;
      if (!h)
        break;
      if (!h->help)
        continue;
      if (h->mkosi && !mkosi_header)
        {
          fprintf (f, "\n    Options of mkosi-sandbox:\n");
          mkosi_header = true;
        }
      col = h->metavar ? xasprintf ("%s %s", h->name, h->metavar) : xstrdup (h->name);
      fprintf (f, "    %-28s %s\n", col, h->help);
    }
}

/* One more line on stderr, prefixed as the program the caller invoked. */
static void PRINTF_LIKE (2, 3) say (const char *prefix, const char *fmt, ...)
{
  va_list ap;
  cleanup_free char *msg = NULL;
  va_start (ap, fmt);
  msg = xvasprintf (fmt, ap);
  va_end (ap);
  fprintf (stderr, "%s: %s\n", prefix, msg);
}

/* All of fd's data (bwrap's load_file_data), then the fd is closed as bwrap closes it. */
static int
read_fd (int fd, char **data, size_t *len, struct cell_error **err)
{
  size_t cap = 0, n = 0;
  char *buf = NULL;
  for (;;)
    {
      ssize_t r;
      buf = xgrow (buf, &cap, n + 4096 + 1, 1);
      r = read (fd, buf + n, cap - n - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          cell_err_errno (err, "Can't read --args data");
          free (buf);
          return -1;
        }
      if (r == 0)
        break;
      n += (size_t)r;
    }
  buf[n] = '\0';
  close (fd);
  *data = buf;
  *len = n;
  return 0;
}

struct spliced
{
  char **words;  /* the argv being built (pointers into argv or into the data buffers; not owned) */
  bool *in_file; /* per word: read from an --args fd */
  size_t n;
  char **buffers; /* the --args data (owned) */
  size_t n_buffers;
};

/* Replaces each `--args FD` (where an option may stand) by the NUL-separated words read from FD, as
   bwrap parses them in place. An --args inside such data is refused, as bwrap refuses it. */
static int
splice_args (int argc, char **argv, struct spliced *s, struct cell_error **err)
{
  int at = 0;
  s->n = (size_t)argc;
  s->words = xcalloc ((size_t)argc + 1, sizeof (char *));
  s->in_file = xcalloc ((size_t)argc + 1, sizeof (bool));
  memcpy (s->words, argv, (size_t)argc * sizeof (char *));
  for (;;)
    {
      int idx = cell_sandbox_find_args ((int)s->n, s->words, at), fd;
      size_t len, k = 0, nw = 0;
      char *data, **words;
      bool *in_file;

      if (idx < 0)
        return 0;
      if (s->in_file[idx])
        return cell_err (err, 0, "--args not supported in arguments file");
      if ((size_t)idx + 1 >= s->n)
        return cell_err (err, 0, "--args takes an argument");
      if (cell_sandbox_parse_fd (s->words[idx + 1], &fd, err) < 0 || read_fd (fd, &data, &len, err) < 0)
        return -1;
      s->buffers = xrealloc (s->buffers, (s->n_buffers + 1) * sizeof (char *));
      s->buffers[s->n_buffers++] = data;
      for (const char *p = data; p < data + len; p += strlen (p) + 1)
        nw++;
      if (s->n - 2 + nw > CELL_SANDBOX_MAX_ARGS)
        return cell_err (err, 0, "Exceeded maximum number of arguments %u", CELL_SANDBOX_MAX_ARGS);
      words = xcalloc (s->n - 2 + nw + 1, sizeof (char *));
      in_file = xcalloc (s->n - 2 + nw + 1, sizeof (bool));
      memcpy (words, s->words, (size_t)idx * sizeof (char *));
      memcpy (in_file, s->in_file, (size_t)idx * sizeof (bool));
      for (char *p = data; p < data + len; p += strlen (p) + 1, k++)
        {
          words[idx + k] = p;
          in_file[idx + k] = true;
        }
      memcpy (words + idx + nw, s->words + idx + 2, (s->n - (size_t)idx - 2) * sizeof (char *));
      memcpy (in_file + idx + nw, s->in_file + idx + 2, (s->n - (size_t)idx - 2) * sizeof (bool));
      free (s->words);
      free (s->in_file);
      s->words = words;
      s->in_file = in_file;
      s->n = s->n - 2 + nw;
      at = idx;
    }
}

static uint64_t
effective_caps (void)
{
  struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct data[2] = { { 0 } };
  if (syscall (SYS_capget, &hdr, data) < 0)
    return 0;
  return (uint64_t)data[1].effective << 32 | data[0].effective;
}

/* What only the running system knows (the compiler looks at nothing). */
static int
refuse_labels (const struct cell_plan_sandbox *sb, struct cell_error **err)
{
  /* no SELinux (no selinuxfs): bwrap's die_unless_label_valid */
  if ((sb->exec_label || sb->file_label) && access ("/sys/fs/selinux/enforce", F_OK) != 0)
    return cell_err (err, 0, "%s: labeling not supported on this system",
                     sb->exec_label ? "--exec-label" : "--file-label");
  return 0;
}

int
cell_sandbox_main (int argc, char **argv, const char *prog, bool as_bwrap)
{
  const char *prefix = as_bwrap ? "bwrap" : "cell sandbox";
  cleanup_error struct cell_error *err = NULL;
  cleanup_free char *cwd = NULL;
  struct spliced s = { 0 };
  struct cell_sandbox_input in = { 0 };
  enum cell_sandbox_action action = CELL_SANDBOX_RUN;
  struct cell_plan *plan = NULL;
  char **warnings = NULL;
  int status = 1;

  if (argc <= 1)
    {
      usage (stderr, prog);
      return 1;
    }
  if (splice_args (argc - 1, argv + 1, &s, &err) == 0)
    {
      cwd = getcwd (NULL, 0);
      in.uid = getuid ();
      in.gid = getgid ();
      in.caps = in.uid == 0 ? effective_caps () : 0;
      in.environ = environ;
      in.cwd = cwd;
      in.tty = isatty (1) ? ttyname (1) : NULL;
      in.as_bwrap = as_bwrap;
      if (cell_sandbox_compile ((int)s.n, s.words, &in, &action, &plan, &warnings, &err) == 0 && plan)
        (void)refuse_labels (plan->sandbox, &err);
    }
  for (size_t i = 0; warnings && warnings[i]; i++)
    say (prefix, "%s", warnings[i]);
  if (err)
    say (prefix, "%s", err->msg);
  else if (action == CELL_SANDBOX_HELP)
    {
      usage (stdout, prog);
      status = 0;
    }
  else if (action == CELL_SANDBOX_VERSION)
    {
      if (as_bwrap)
        printf ("bubblewrap %s\n", BWRAP_VERSION);
      else
        printf ("cell version %s (bubblewrap %s command line)\n", CELL_VERSION, BWRAP_VERSION);
      status = 0;
    }
  else if (action == CELL_SANDBOX_NO_COMMAND)
    usage (stderr, prog);
  else
    {
      if (cell_log_debug_enabled ())
        {
          unsigned long long t = cell_trace_now ();
          cleanup_free char *dump = cell_plan_dump (plan);
          cell_debug ("sandbox plan:\n%s", dump);
          cell_trace_exclude (t);
        }
      if (cell_sandbox_run (plan, &status, &err) < 0)
        {
          say (prefix, "%s", err->msg);
          status = 1;
        }
    }
  cell_plan_free (plan);
  cell_strv_free (warnings);
  for (size_t i = 0; i < s.n_buffers; i++)
    free (s.buffers[i]);
  free (s.buffers);
  free (s.words);
  free (s.in_file);
  return status;
}

int
cell_cmd_sandbox (struct cell_context *ctx, int argc, char **argv, struct cell_error **err)
{
  cleanup_free char *prog = xasprintf ("%s sandbox", ctx->argv[0]);
  (void)err;
  return cell_sandbox_main (argc, argv, prog, false);
}
