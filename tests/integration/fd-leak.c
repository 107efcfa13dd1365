/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fd-leak.c: SECURITY.md row 4 (runc's TestFdLeaks): the library's lifecycle driven in one process, 100
   times create, state, start, exec, kill, delete and a foreground run of a busybox-free container (the
   static cell-helper is its rootfs); the process's fd table afterwards is the one it had before. Needs
   root; its cgroups are below a parent named after its pid, removed at the end. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../unit/tap.h"
#include "container.h"
#include "enter.h"
#include "xalloc.h"

#define ROUNDS 100

/* "fd -> target" lines of this process's fds, sorted by number (the directory's own fd left out). */
static char *
fd_table (void)
{
  DIR *d = opendir ("/proc/self/fd");
  size_t len = 0, cap = 4096;
  char *out = xmalloc (cap);
  struct dirent *de;
  char lines[256][300];
  int n = 0;

  out[0] = '\0';
  if (d == NULL)
    return out;
  while ((de = readdir (d)) != NULL && n < 256)
    {
      char path[300], target[256];
      ssize_t r;
      if (de->d_name[0] == '.' || atoi (de->d_name) == dirfd (d))
        continue;
      snprintf (path, sizeof path, "/proc/self/fd/%s", de->d_name);
      r = readlink (path, target, sizeof target - 1);
      target[r < 0 ? 0 : r] = '\0';
      snprintf (lines[n++], sizeof lines[0], "%4d %s\n", atoi (de->d_name), target);
    }
  closedir (d);
  qsort (lines, (size_t)n, sizeof lines[0], (int (*) (const void *, const void *))strcmp);
  for (int i = 0; i < n; i++)
    {
      size_t l = strlen (lines[i]);
      if (len + l + 1 > cap)
        out = xrealloc (out, cap *= 2);
      memcpy (out + len, lines[i], l + 1);
      len += l;
    }
  return out;
}

static void
write_file (const char *path, const char *text)
{
  FILE *f = fopen (path, "w");
  if (f)
    {
      fputs (text, f);
      fclose (f);
    }
}

static int
copy_file (const char *from, const char *to)
{
  char *cmd = xasprintf ("cp '%s' '%s'", from, to);
  int r = system (cmd);
  free (cmd);
  return r;
}

/* rmdir of the scratch parent (and anything a failure left below it) in every hierarchy */
static void
rm_cgroups (const char *parent)
{
  char *cmd = xasprintf ("find /sys/fs/cgroup/*/%s /sys/fs/cgroup/%s -depth -type d -exec rmdir {} \\; "
                         "2>/dev/null",
                         parent, parent);
  if (system (cmd) != 0)
    {
      /* nothing was there in one of the hierarchies */
    }
  free (cmd);
}

static int
bail (const char *what)
{
  printf ("Bail out! %s failed\n", what);
  return 1;
}

static bool
ok_or_diag (int r, struct cell_error **err, const char *what, int round)
{
  if (r == 0)
    return true;
  printf ("# round %d: %s: %s\n", round, what, *err ? (*err)->msg : "failed");
  if (*err)
    cell_error_free (*err);
  *err = NULL;
  return false;
}

int
main (void)
{
  const char *helper = getenv ("CELL_HELPER");
  char tmp[] = "/tmp/cell-fdleak.XXXXXX";
  char *parent = xasprintf ("cell-fdleak-%d", (int)getpid ());
  struct cell_context ctx = { .root_dfd = -1 };
  struct cell_create_opts copts = { 0 };
  struct cell_error *err = NULL;
  char *before, *after, *bundle, *cmd;
  int failures = 0, status = 0;

  if (geteuid () != 0 || helper == NULL)
    {
      printf ("1..0 # SKIP needs root and CELL_HELPER\n");
      return 0;
    }
  if (mkdtemp (tmp) == NULL)
    return bail ("mkdtemp");
  ctx.root = xasprintf ("%s/state", tmp);
  bundle = xasprintf ("%s/bundle", tmp);
  cmd = xasprintf ("mkdir -p %s/rootfs/bin %s/rootfs/proc %s/rootfs/dev %s/rootfs/tmp", bundle, bundle,
                   bundle, bundle);
  if (system (cmd) != 0)
    return bail ("mkdir");
  free (cmd);
  cmd = xasprintf ("%s/rootfs/bin/cell-helper", bundle);
  if (copy_file (helper, cmd) != 0)
    return bail ("copy the helper");
  free (cmd);
  copts.bundle = bundle;

  /* the table as the caller had it, after a first round (lazy one-time opens, e.g. the root dir fd, are
     not leaks) */
  before = NULL;
  for (int round = 0; round <= ROUNDS; round++)
    {
      char id[32], *config;
      char a0[] = "/bin/cell-helper", a1[] = "exit", a2[] = "3";
      char *args[] = { a0, a1, a2, NULL };
      struct cell_exec_opts eo = { .args = args };
      int st = 0;

      snprintf (id, sizeof id, "fd%d", round);
      config = xasprintf (
          "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"},"
          " \"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0},"
          " \"args\": [\"/bin/cell-helper\", \"%s\", \"%s\"]},"
          " \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}],"
          " \"linux\": {\"cgroupsPath\": \"/%s/%s\", \"namespaces\": [{\"type\": \"pid\"}, {\"type\": "
          "\"mount\"},"
          " {\"type\": \"ipc\"}, {\"type\": \"uts\"}]}}",
          round % 2 ? "exit" : "sleep", round % 2 ? "0" : "100", parent, id);
      cmd = xasprintf ("%s/config.json", bundle);
      write_file (cmd, config);
      free (cmd);
      free (config);
      if (round % 2)
        {
          /* odd rounds: a foreground run (the supervisor's signalfd, pidfd and subreaper duty) */
          copts.detach = false;
          if (!ok_or_diag (cell_container_run (&ctx, id, &copts, &st, &err), &err, "run", round) || st != 0)
            failures++;
        }
      else
        {
          char *json = NULL;
          bool good
              = ok_or_diag (cell_container_create (&ctx, id, &copts, &err), &err, "create", round)
                && ok_or_diag (cell_container_state (&ctx, id, &json, &err), &err, "state", round)
                && ok_or_diag (cell_container_start (&ctx, id, &err), &err, "start", round)
                && ok_or_diag (cell_container_exec (&ctx, id, &eo, &st, &err), &err, "exec", round) && st == 3
                && ok_or_diag (cell_container_kill (&ctx, id, SIGKILL, false, &err), &err, "kill", round);
          free (json);
          if (!ok_or_diag (cell_container_delete (&ctx, id, true, &err), &err, "delete", round) || !good)
            failures++;
        }
      /* a foreground run's init is our child when there is no pid namespace between: reap what is left */
      while (waitpid (-1, &status, WNOHANG) > 0)
        ;
      if (round == 0)
        before = fd_table ();
    }
  after = fd_table ();
  tap_ok (failures == 0,
          "row 4: %d rounds of create/state/start/exec/kill/delete and %d foreground runs succeed",
          ROUNDS / 2, ROUNDS / 2);
  tap_ok (strcmp (before, after) == 0, "row 4: the process's fd table after them is the one before");
  if (strcmp (before, after) != 0)
    printf ("# before:\n%s# after:\n%s", before, after);
  {
    DIR *d = opendir (ctx.root);
    struct dirent *de;
    int left = 0;
    while (d && (de = readdir (d)) != NULL)
      left += de->d_name[0] != '.';
    if (d)
      closedir (d);
    tap_ok (left == 0, "row 4: ... and no container is left in the state root");
  }
  rm_cgroups (parent);
  cmd = xasprintf ("rm -rf %s", tmp);
  if (system (cmd) != 0)
    printf ("# rm -rf %s failed\n", tmp);
  free (cmd);
  free (before);
  free (after);
  free (bundle);
  free (parent);
  cell_closep (&ctx.root_dfd);
  free (ctx.root);
  return tap_done ();
}
