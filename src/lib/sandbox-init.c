/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox-init.c: init's sandbox-only steps: namespaces by fd, the nested user namespace, and the command as
   bwrap starts it (working directory fallbacks and PWD, argv0, pack-fds, lock files, block fd, new session,
   the reaping pid 1). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "log.h"
#include "process.h"
#include "sandbox-init.h"
#include "sealed-exe.h"
#include "strv.h"
#include "sysattr.h"
#include "xalloc.h"

int
cell_sandbox_init_join (const struct cell_plan_sandbox *sb, struct cell_error **err)
{
  if (!sb)
    return 0;
  if (sb->userns_fd >= 0 && setns (sb->userns_fd, CLONE_NEWUSER) < 0)
    return cell_err_errno (err, "Setting userns failed");
  if (sb->pidns_fd >= 0 && setns (sb->pidns_fd, CLONE_NEWPID) < 0)
    return cell_err_errno (err, "Setting pidns failed");
  return 0;
}

static int
write_map (int proc_dfd, const char *file, const char *map, struct cell_error **err)
{
  cleanup_free char *rel = xasprintf ("self/%s", file);
  if (proc_dfd < 0)
    return cell_err (err, 0, "a nested user namespace needs --proc (its maps are written through /proc)");
  return cell_proc_write (proc_dfd, rel, map, err);
}

int
cell_sandbox_init_after_root (const struct cell_plan *plan, int proc_dfd, struct cell_error **err)
{
  const struct cell_plan_sandbox *sb = plan->sandbox;
  if (!sb)
    return 0;
  if (sb->disable_userns && write_map (proc_dfd, "../sys/user/max_user_namespaces", "1", err) < 0)
    return cell_err_wrap (err, "--disable-userns");
  if (sb->nested_uid_map || sb->nested_gid_map)
    {
      int r;
      if (unshare (CLONE_NEWUSER) < 0)
        return cell_err_errno (err, "unshare user namespace");
      /* a non-dumpable process's /proc files belong to root, unmapped in the new namespace until these
         very writes: init opens them dumpable (nothing of the sandbox runs yet), then is not again */
      prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
      r = write_map (proc_dfd, "setgroups", "deny", err) < 0
                  || (sb->nested_uid_map && write_map (proc_dfd, "uid_map", sb->nested_uid_map, err) < 0)
                  || (sb->nested_gid_map && write_map (proc_dfd, "gid_map", sb->nested_gid_map, err) < 0)
              ? -1
              : 0;
      prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
      if (r < 0)
        return -1;
    }
  if (sb->userns2_fd >= 0 && setns (sb->userns2_fd, CLONE_NEWUSER) < 0)
    return cell_err_errno (err, "Setting userns2 failed");
  if (sb->assert_userns_disabled)
    {
      /* a throwaway child tries: init's own user namespace must not change */
      pid_t pid = fork ();
      int st = 0;
      if (pid == 0)
        _exit (unshare (CLONE_NEWUSER) == 0 ? 0 : 1);
      if (pid < 0 || waitpid (pid, &st, 0) < 0)
        return cell_err_errno (err, "--assert-userns-disabled");
      if (WIFEXITED (st) && WEXITSTATUS (st) == 0)
        return cell_err (err, 0, "creation of new user namespaces was not disabled as requested");
    }
  return 0;
}

static char **
env_set (char **env, const char *key, const char *value)
{
  size_t n = strlen (key);
  char *kv = xasprintf ("%s=%s", key, value);
  for (size_t i = 0; env && env[i]; i++)
    if (strncmp (env[i], key, n) == 0 && env[i][n] == '=')
      {
        free (env[i]);
        env[i] = kv;
        return env;
      }
  env = cell_strv_append (env, kv);
  free (kv);
  return env;
}

/* bwrap: --chdir, else the caller's working directory if the sandbox has it, else $HOME, else /. */
static int
choose_cwd (const struct cell_plan *plan, struct cell_sandbox_proc *sp, struct cell_error **err)
{
  const struct cell_plan_sandbox *sb = plan->sandbox;
  const char *cwd = plan->process.cwd;
  if (!cwd)
    {
      cwd = "/";
      for (size_t i = 0; sb->cwd_fallbacks && sb->cwd_fallbacks[i]; i++)
        if (chdir (sb->cwd_fallbacks[i]) == 0)
          {
            cwd = sb->cwd_fallbacks[i];
            break;
          }
    }
  sp->p.cwd = xstrdup (cwd);
  if (chdir (cwd) < 0)
    return cell_err_errno (err, "Can't chdir to %s", cwd);
  sp->p.env = env_set (sp->p.env, "PWD", cwd);
  return 0;
}

/* mkosi-sandbox's --pack-fds: the inherited fds (not init's own) renumbered from 3, LISTEN_FDS set. */
static int
pack_fds (const struct cell_plan *plan, struct cell_sandbox_proc *sp, const int *own, size_t n_own,
          struct cell_error **err)
{
  int fds[256], n = 0;
  char buf[32];
  for (int fd = 3; fd < 1024 && n < 256; fd++)
    {
      bool mine = false;
      for (size_t k = 0; k < n_own; k++)
        mine |= own[k] == fd;
      if (!mine && fcntl (fd, F_GETFD) >= 0)
        fds[n++] = fd;
    }
  /* first out of the way (above every one of them), then down to 3.. */
  for (int i = 0; i < n; i++)
    {
      int hi = fcntl (fds[i], F_DUPFD, 1024);
      if (hi < 0)
        return cell_err_errno (err, "--pack-fds");
      close (fds[i]);
      fds[i] = hi;
    }
  for (int i = 0; i < n; i++)
    {
      if (dup2 (fds[i], 3 + i) < 0)
        return cell_err_errno (err, "--pack-fds");
      close (fds[i]);
    }
  snprintf (buf, sizeof (buf), "%d", n);
  sp->p.env = env_set (sp->p.env, "LISTEN_FDS", buf);
  /* the command is pid 1 itself, or pid 1's first child */
  snprintf (buf, sizeof (buf), "%d",
            plan->sandbox->reaper && plan->ns[CELL_NS_PID].create ? 2 : (int)getpid ());
  sp->p.env = env_set (sp->p.env, "LISTEN_PID", buf);
  return 0;
}

static int
lock_files (const struct cell_plan_sandbox *sb, struct cell_sandbox_proc *sp, struct cell_error **err)
{
  size_t n = 0;
  for (size_t i = 0; sb->lock_files && sb->lock_files[i] && n < ARRAY_SIZE (sp->lock_fds) - 1; i++)
    {
      struct flock l = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
      /* held by pid 1 across its exec (no close-on-exec); its child closes it */
      int fd = open (sb->lock_files[i], O_RDONLY);
      if (fd < 0)
        return cell_err_errno (err, "Unable to open lock file %s", sb->lock_files[i]);
      sp->lock_fds[n++] = fd;
      sp->lock_fds[n] = -1;
      if (fcntl (fd, F_SETLK, &l) < 0)
        return cell_err_errno (err, "Unable to lock file %s", sb->lock_files[i]);
    }
  return 0;
}

/* execvp's search, done by hand so that exec needs no allocation: the first executable regular file along
   the sandbox's PATH (bwrap's default when unset); NULL when none (the exec then fails as execvp would). */
static char *
lookup (char **env, const char *cmd)
{
  const char *path = NULL;
  for (size_t i = 0; env && env[i] && !path; i++)
    if (strncmp (env[i], "PATH=", 5) == 0)
      path = env[i] + 5;
  if (strchr (cmd, '/'))
    return xstrdup (cmd);
  for (const char *p = path ? path : "/bin:/usr/bin";;)
    {
      const char *e = strchrnul (p, ':');
      cleanup_free char *cand = xasprintf ("%.*s%s%s", (int)(e - p), p, e == p ? "" : "/", cmd);
      struct stat st;
      if (stat (cand, &st) == 0 && S_ISREG (st.st_mode) && access (cand, X_OK) == 0)
        return steal_ptr (&cand);
      if (!*e)
        return NULL;
      p = e + 1;
    }
}

void
cell_sandbox_init_start (const struct cell_plan_sandbox *sb)
{
  /* the runtime's to write and read; bwrap's child closes them too */
  if (sb->info_fd >= 0)
    close (sb->info_fd);
  if (sb->json_status_fd >= 0)
    close (sb->json_status_fd);
  if (sb->userns_block_fd >= 0)
    close (sb->userns_block_fd);
}

int
cell_sandbox_init_process (const struct cell_plan *plan, struct cell_sandbox_proc *sp,
                           struct cell_error **err)
{
  const struct cell_plan_sandbox *sb = plan->sandbox;
  int own[4];
  size_t n_own = 0;

  sp->p = plan->process;
  sp->p.env = cell_strv_copy (plan->process.env);
  sp->p.args = cell_strv_copy (plan->process.args);
  sp->p.cwd = NULL;
  sp->lock_fds[0] = -1;
  if (sb->block_fd >= 0)
    {
      char b;
      while (read (sb->block_fd, &b, 1) < 0 && errno == EINTR)
        ;
      close (sb->block_fd);
    }
  if (choose_cwd (plan, sp, err) < 0 || lock_files (sb, sp, err) < 0)
    return -1;
  /* the command as the sandbox sees it, from its working directory */
  sp->exe = lookup (sp->p.env, plan->process.args[0]);
  if (!sp->exe)
    sp->exe = xstrdup (plan->process.args[0]);
  if (sb->argv0)
    {
      free (sp->p.args[0]);
      sp->p.args[0] = xstrdup (sb->argv0);
    }
  if (sb->sync_fd >= 0)
    own[n_own++] = sb->sync_fd;
  for (size_t i = 0; sp->lock_fds[i] >= 0; i++)
    if (n_own < ARRAY_SIZE (own))
      own[n_own++] = sp->lock_fds[i];
  if (sb->pack_fds && pack_fds (plan, sp, own, n_own, err) < 0)
    return -1;
  if (sb->new_session && setsid () < 0)
    return cell_err_errno (err, "setsid");
  return 0;
}

void
cell_sandbox_init_exec (const struct cell_plan *plan, struct cell_sandbox_proc *sp, int stub_fd,
                        int status_fd)
{
  const struct cell_plan_sandbox *sb = plan->sandbox;
  struct cell_error *err = NULL;
  int e, code;

  /* a change of credentials cleared it: bwrap sets it last */
  prctl (PR_SET_PDEATHSIG, sb->die_with_parent ? SIGKILL : 0, 0, 0, 0);
  if (sb->suspend)
    raise (SIGSTOP);
  if (stub_fd >= 0)
    {
      int close_fds[ARRAY_SIZE (sp->lock_fds) + 1], n = 0;
      for (size_t i = 0; sp->lock_fds[i] >= 0; i++)
        close_fds[n++] = sp->lock_fds[i];
      if (sb->sync_fd >= 0)
        close_fds[n++] = sb->sync_fd;
      close_fds[n] = -1;
      if (status_fd >= 0)
        fcntl (status_fd, F_SETFD, 0);
      cell_exec_stub_sandbox (stub_fd, sb->reaper, sb->die_with_parent, sb->bwrap_exec_errors, status_fd,
                              sb->reaper ? close_fds : NULL, sp->exe, sp->p.args, sp->p.env);
      fprintf (stderr, "%s: the exec stub: %m\n", sb->bwrap_exec_errors ? "bwrap" : "cell sandbox");
      _exit (1);
    }
  /* inherited fds stay: bwrap passes them on (a negative preserve count keeps every one); the status fd
     closes at the exec: the runtime then waits for the command */
  cell_process_exec (&sp->p, sp->exe, -1, -1, -1, &err);
  e = err && err->code ? err->code : errno;
  cell_error_freep (&err);
  if (sb->bwrap_exec_errors)
    fprintf (stderr, "bwrap: execvp %s: %s\n", plan->process.args[0], strerror (e));
  else
    fprintf (stderr, "cell sandbox: exec `%s`: %s\n", plan->process.args[0],
             e == ENOENT   ? "no such file or directory"
             : e == EACCES ? "permission denied"
                           : strerror (e));
  code = sb->bwrap_exec_errors ? 1 : e == ENOENT ? 127 : 126;
  if (status_fd >= 0)
    {
      unsigned char b[2] = { 'E', (unsigned char)code };
      if (write (status_fd, b, 2) < 0)
        _exit (code);
    }
  _exit (code);
}
