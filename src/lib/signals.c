/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* signals.c: the table of signal names and the strict parser behind `cell kill`. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "signals.h"

static const struct
{
  const char *name;
  int sig;
} signal_table[] = {
  { "SIGHUP", SIGHUP },
  { "SIGINT", SIGINT },
  { "SIGQUIT", SIGQUIT },
  { "SIGILL", SIGILL },
  { "SIGTRAP", SIGTRAP },
  { "SIGABRT", SIGABRT },
  { "SIGBUS", SIGBUS },
  { "SIGFPE", SIGFPE },
  { "SIGKILL", SIGKILL },
  { "SIGUSR1", SIGUSR1 },
  { "SIGSEGV", SIGSEGV },
  { "SIGUSR2", SIGUSR2 },
  { "SIGPIPE", SIGPIPE },
  { "SIGALRM", SIGALRM },
  { "SIGTERM", SIGTERM },
#ifdef SIGSTKFLT
  { "SIGSTKFLT", SIGSTKFLT },
#endif
  { "SIGCHLD", SIGCHLD },
  { "SIGCONT", SIGCONT },
  { "SIGSTOP", SIGSTOP },
  { "SIGTSTP", SIGTSTP },
  { "SIGTTIN", SIGTTIN },
  { "SIGTTOU", SIGTTOU },
  { "SIGURG", SIGURG },
  { "SIGXCPU", SIGXCPU },
  { "SIGXFSZ", SIGXFSZ },
  { "SIGVTALRM", SIGVTALRM },
  { "SIGPROF", SIGPROF },
  { "SIGWINCH", SIGWINCH },
  { "SIGIO", SIGIO },
#ifdef SIGPWR
  { "SIGPWR", SIGPWR },
#endif
  { "SIGSYS", SIGSYS },
  /* Aliases (signal(7)); the canonical name comes first above, so cell_signal_name finds it. */
  { "SIGIOT", SIGABRT },
  { "SIGCLD", SIGCHLD },
  { "SIGPOLL", SIGIO },
};

/* Digits only, no sign, no spaces, no overflow. */
static bool
parse_uint (const char *s, long max, long *out)
{
  long v = 0;
  if (*s == '\0')
    return false;
  for (; *s; s++)
    {
      if (*s < '0' || *s > '9')
        return false;
      v = v * 10 + (*s - '0');
      if (v > max)
        return false;
    }
  *out = v;
  return true;
}

static bool
parse_rt (const char *name, int *sig)
{
  long n;
  int span = SIGRTMAX - SIGRTMIN;
  if (strncasecmp (name, "RTMIN", 5) == 0)
    {
      if (name[5] == '\0')
        n = 0;
      else if (name[5] != '+' || !parse_uint (name + 6, span, &n))
        return false;
      *sig = SIGRTMIN + (int)n;
      return true;
    }
  if (strncasecmp (name, "RTMAX", 5) == 0)
    {
      if (name[5] == '\0')
        n = 0;
      else if (name[5] != '-' || !parse_uint (name + 6, span, &n))
        return false;
      *sig = SIGRTMAX - (int)n;
      return true;
    }
  return false;
}

int
cell_signal_parse (const char *s, int *sig, struct cell_error **err)
{
  const char *name = s;
  long n;

  if (s == NULL)
    return cell_err (err, 0, "unknown signal `(null)`");
  if (s[0] >= '0' && s[0] <= '9')
    {
      if (!parse_uint (s, SIGRTMAX, &n) || n < 1)
        return cell_err (err, 0, "unknown signal `%s`", s);
      *sig = (int)n;
      return 0;
    }
  if (strncasecmp (name, "SIG", 3) == 0 && name[3] != '\0')
    name += 3;
  for (size_t i = 0; i < ARRAY_SIZE (signal_table); i++)
    if (strcasecmp (name, signal_table[i].name + 3) == 0)
      {
        *sig = signal_table[i].sig;
        return 0;
      }
  if (parse_rt (name, sig))
    return 0;
  return cell_err (err, 0, "unknown signal `%s`", s);
}

const char *
cell_signal_name (int sig)
{
  static __thread char buf[32];
  for (size_t i = 0; i < ARRAY_SIZE (signal_table); i++)
    if (signal_table[i].sig == sig)
      return signal_table[i].name;
  if (sig == SIGRTMAX)
    return "SIGRTMAX";
  if (sig >= SIGRTMIN && sig < SIGRTMAX)
    {
      if (sig == SIGRTMIN)
        return "SIGRTMIN";
      snprintf (buf, sizeof buf, "SIGRTMIN+%d", sig - SIGRTMIN);
      return buf;
    }
  return NULL;
}
