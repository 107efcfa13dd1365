/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* snapshot.c: `cell snapshot`: mksquashfs (squashfs-tools, what cosmk runs) over the container's root as
   its processes see it, never crossing into other mounts, into a temporary file renamed into place. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/mount.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "image.h"
#include "log.h"
#include "snapshot.h"
#include "xalloc.h"

static const char *const mksquashfs_paths[]
    = { "/usr/bin/mksquashfs", "/usr/sbin/mksquashfs", "/sbin/mksquashfs", "/bin/mksquashfs" };

static volatile sig_atomic_t interrupted;

static void
on_signal (int sig)
{
  interrupted = sig;
}

/* What to archive: a directory (path), a container's root (pid), or an image root prepared in parts (image,
   built on the empty directory `scratch`). */
struct source
{
  const char *path;
  pid_t pid;
  const struct cell_image_root *image;
  const char *scratch;
};

/* In the mksquashfs child: make the cwd the root filesystem to archive. For a container, a clone of its root
   mount alone (taken inside its mount namespace, then used from ours): lower plus upper as its processes
   see them, without /proc, /sys, /dev or volumes mounted below. An image root in parts is built in a
   private mount namespace of the child's own, gone with it. */
static int
enter_source (const struct source *src, struct cell_error **err)
{
  char p[64];
  int host, ctr, t;
  if (src->image)
    {
      if (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return cell_err_errno (err, "snapshot: private mount namespace");
      if (cell_image_root_build (src->image, src->scratch, err) < 0)
        return cell_err_wrap (err, "snapshot");
      if (chdir (src->scratch) < 0)
        return cell_err_errno (err, "snapshot: chdir `%s`", src->scratch);
      return 0;
    }
  if (src->pid <= 0)
    {
      if (chdir (src->path) < 0)
        return cell_err_errno (err, "snapshot: chdir `%s`", src->path);
      return 0;
    }
  snprintf (p, sizeof (p), "/proc/%d/ns/mnt", (int)src->pid);
  host = open ("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  ctr = open (p, O_RDONLY | O_CLOEXEC);
  if (host < 0 || ctr < 0 || setns (ctr, CLONE_NEWNS) < 0)
    return cell_err_errno (err, "snapshot: enter the mount namespace of %d", (int)src->pid);
  t = (int)syscall (SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (t < 0 || setns (host, CLONE_NEWNS) < 0 || fchdir (t) < 0)
    return cell_err_errno (err, "snapshot: clone the container's root");
  return 0;
}

/* In the mksquashfs child: its error goes to the parent through `fd` (close-on-exec), never to stderr. */
static NORETURN void
child_fail (int fd, struct cell_error *e, int status)
{
  if (e && write (fd, e->msg, strlen (e->msg)) < 0)
    _exit (status);
  _exit (status);
}

/* The mksquashfs to run and its -comp argument (NULL: mksquashfs's own default). */
struct tool
{
  const char *bin;
  const char *comp;
};

/* The compressors `bin -help` lists (lines "\tNAME" or "\tNAME (default)") as " a b c ", or "" when it
   lists none this way (then mksquashfs judges -comp itself). */
static char *
list_compressors (const char *bin)
{
  char buf[65536], *out = xstrdup (" ");
  size_t len = 0;
  ssize_t n;
  int p[2], st;
  pid_t pid;

  if (pipe2 (p, O_CLOEXEC) < 0)
    return out;
  pid = fork ();
  if (pid == 0)
    {
      dup2 (p[1], 1);
      dup2 (p[1], 2);
      execl (bin, bin, "-help", (char *)NULL);
      _exit (127);
    }
  close (p[1]);
  while (pid > 0 && len < sizeof (buf) - 1
         && ((n = read (p[0], buf + len, sizeof (buf) - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
    len += n > 0 ? (size_t)n : 0;
  close (p[0]);
  buf[len] = '\0';
  while (pid > 0 && waitpid (pid, &st, 0) < 0 && errno == EINTR)
    ;
  for (char *save = NULL, *line = strtok_r (buf, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      size_t w = line[0] == '\t' ? strspn (line + 1, "abcdefghijklmnopqrstuvwxyz0123456789") : 0;
      if (w && (line[1 + w] == '\0' || strcmp (line + 1 + w, " (default)") == 0))
        {
          char *more = xasprintf ("%s%.*s ", out, (int)w, line + 1);
          free (out);
          out = more;
        }
    }
  return out;
}

/* Finds mksquashfs and settles the compression, before anything is created. */
static int
choose_tool (const struct cell_snapshot_opts *opts, struct tool *t, struct cell_error **err)
{
  cleanup_free char *list = NULL;
  cleanup_free char *want = NULL;
  const char *c = opts ? opts->compression : NULL;

  t->bin = NULL;
  for (size_t i = 0; i < ARRAY_SIZE (mksquashfs_paths) && !t->bin; i++)
    if (access (mksquashfs_paths[i], X_OK) == 0)
      t->bin = mksquashfs_paths[i];
  if (!t->bin)
    return cell_err (err, 0, "snapshot: mksquashfs not found (install the Debian package squashfs-tools)");
  if (c && (!*c || strchr (c, ' ')))
    return cell_err (err, 0, "snapshot: --compression `%s`: not a compressor name", c);
  list = list_compressors (t->bin);
  want = xasprintf (" %s ", c ? c : "zstd");
  if (c && strcmp (list, " ") != 0 && !strstr (list, want))
    return cell_err (err, 0, "snapshot: --compression `%s`: %s offers%s", c, t->bin, list);
  if (!c && strcmp (list, " ") != 0 && !strstr (list, want))
    {
      /* zstd when available, else mksquashfs's default */
      cell_debug ("snapshot: %s has no zstd; its default compression instead", t->bin);
      t->comp = NULL;
      return 0;
    }
  t->comp = c ? c : "zstd";
  return 0;
}

static int
run_mksquashfs (struct source *src, const struct tool *tool, const char *out,
                const struct cell_snapshot_opts *opts, struct cell_error **err)
{
  const char *bin = tool->bin;
  cleanup_free char *tmp = NULL;
  cleanup_free char *scratch = NULL;
  struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
  pid_t pid;
  int st = 0, ep[2];
  char why[1024];
  ssize_t nwhy = 0;

  /* absolute: mksquashfs runs from inside the source */
  if (out[0] == '/')
    tmp = xasprintf ("%s.tmp.%d", out, (int)getpid ());
  else
    {
      char cwd[4096];
      if (!getcwd (cwd, sizeof (cwd)))
        return cell_err_errno (err, "snapshot: getcwd");
      tmp = xasprintf ("%s/%s.tmp.%d", cwd, out, (int)getpid ());
    }
  if (src->image)
    {
      /* beside the temporary image, never holding it; empty again (and removed) once the child is gone */
      scratch = xasprintf ("%s.root", tmp);
      if (mkdir (scratch, 0700) < 0)
        return cell_err_errno (err, "snapshot: create `%s`", scratch);
      src->scratch = scratch;
    }
  /* SIGINT/SIGTERM stop mksquashfs and remove the temporary file: no half-written image */
  if (pipe2 (ep, O_CLOEXEC) < 0)
    {
      cell_err_errno (err, "snapshot: pipe");
      if (scratch)
        rmdir (scratch);
      return -1;
    }
  sigaction (SIGINT, &sa, &old_int);
  sigaction (SIGTERM, &sa, &old_term);
  pid = fork ();
  if (pid < 0)
    {
      cell_err_errno (err, "snapshot: fork");
      close (ep[0]);
      close (ep[1]);
      if (scratch)
        rmdir (scratch);
      return -1;
    }
  if (pid == 0)
    {
      /* from inside: a source that is a symlink (/proc/PID/root, /proc/self/fd/N) would be stored as one */
      const char *argv[10];
      int n = 0;
      argv[n++] = bin;
      argv[n++] = ".";
      argv[n++] = tmp;
      argv[n++] = "-noappend";
      if (tool->comp)
        {
          argv[n++] = "-comp";
          argv[n++] = tool->comp;
        }
      argv[n++] = opts && opts->progress ? "-progress" : "-no-progress";
      /* -quiet would hide the bar too: on a terminal mksquashfs reports (bar, then summary) on our stderr,
         keeping our stdout clean */
      if (opts && opts->progress)
        dup2 (2, 1);
      else
        argv[n++] = "-quiet";
      argv[n] = NULL;
      {
        struct cell_error *e = NULL;
        close (ep[0]);
        signal (SIGINT, SIG_DFL);
        signal (SIGTERM, SIG_DFL);
        if (enter_source (src, &e) < 0)
          child_fail (ep[1], e, 126);
        execv (bin, (char **)argv);
        cell_err_errno (&e, "snapshot: exec `%s`", bin);
        child_fail (ep[1], e, 127);
      }
    }
  close (ep[1]);
  while ((nwhy = read (ep[0], why, sizeof (why) - 1)) < 0 && errno == EINTR)
    ;
  close (ep[0]);
  while (waitpid (pid, &st, 0) < 0)
    if (errno != EINTR)
      break;
    else if (interrupted)
      kill (pid, SIGTERM);
  sigaction (SIGINT, &old_int, NULL);
  sigaction (SIGTERM, &old_term, NULL);
  if (scratch)
    rmdir (scratch);
  if (interrupted || !WIFEXITED (st) || WEXITSTATUS (st) != 0)
    {
      unlink (tmp);
      if (interrupted)
        return cell_err (err, 0, "snapshot `%s`: interrupted", out);
      if (nwhy > 0)
        {
          why[nwhy] = '\0';
          return cell_err (err, 0, "%s", why);
        }
      return cell_err (err, 0, "snapshot `%s`: mksquashfs failed (%s %d)", out,
                       WIFEXITED (st) ? "status" : "signal",
                       WIFEXITED (st) ? WEXITSTATUS (st) : WTERMSIG (st));
    }
  if (rename (tmp, out) < 0)
    {
      int e = errno;
      unlink (tmp);
      errno = e;
      return cell_err_errno (err, "snapshot: rename into `%s`", out);
    }
  return 0;
}

int
cell_snapshot_pid (pid_t pid, const char *out, const struct cell_snapshot_opts *opts, struct cell_error **err)
{
  cleanup_free char *root = xasprintf ("/proc/%d/root", (int)pid);
  struct source src = { .path = root, .pid = pid };
  struct tool tool;
  if (choose_tool (opts, &tool, err) < 0)
    return -1;
  return run_mksquashfs (&src, &tool, out, opts, err);
}

int
cell_snapshot_image (const char *image, const char *upper, const char *out,
                     const struct cell_snapshot_opts *opts, struct cell_error **err)
{
  struct cell_image_root r;
  cleanup_free char *path = NULL;
  struct source src = { 0 };
  struct tool tool;
  int ret;

  struct cell_image_root_opts io
      = { .readonly = upper == NULL, .upper = upper, .force_mount2 = opts && opts->force_mount2 };
  cleanup_close int fd = open (image, O_RDONLY | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    return cell_err_errno (err, "open image `%s`", image);
  if (choose_tool (opts, &tool, err) < 0 || cell_image_root_prepare (fd, image, &io, &r, err) < 0)
    return -1;
  if (!cell_image_root_in_parts (&r))
    {
      /* a detached mount, reachable by mksquashfs through the fd it inherits */
      path = xasprintf ("/proc/self/fd/%d", r.mnt_fd);
      src.path = path;
    }
  else
    src.image = &r;
  ret = run_mksquashfs (&src, &tool, out, opts, err);
  cell_image_root_release (&r);
  return ret;
}
