/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* run.c: runs a compiled sandbox plan through the executor, doing what bwrap's launcher does around it: the
   namespaces it may only try, its seccomp programs read before anything exists, the info and json-status
   fds, the userns block fd, the wait (signals forwarded) and the exit status (128+N for a signal). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fd-util.h"
#include "log.h"
#include "sandbox.h"
#include "sealed-exe.h"
#include "seccomp.h"
#include "spawn.h"
#include "supervise.h"
#include "xalloc.h"

/* bwrap's list, in its order: the namespaces whose ids the info fd reports (mnt always, the others when
   unshared; the user namespace is left out, as bwrap leaves it). */
static const struct
{
  const char *name;
  int type; /* -1: always */
} info_ns[] = {
  { "cgroup", CELL_NS_CGROUP }, { "ipc", CELL_NS_IPC }, { "mnt", -1 },
  { "net", CELL_NS_NETWORK },   { "pid", CELL_NS_PID }, { "uts", CELL_NS_UTS },
};

struct run
{
  struct cell_plan *plan;
  struct cell_seccomp **filters;
  size_t n_filters;
  int status_rd, status_wr; /* the reaping pid 1 reports the command's status here */
  bool info_written;
};

static void
run_release (struct run *r)
{
  for (size_t i = 0; i < r->n_filters; i++)
    cell_seccomp_free (r->filters[i]);
  free (r->filters);
  cell_closep (&r->status_rd);
  cell_closep (&r->status_wr);
}

/* --unshare-cgroup-try, --unshare-user-try: only where the kernel has the namespace (bwrap looks at
   /proc/self/ns, as here). */
static void
probe_tries (struct cell_plan *plan)
{
  for (int t = 0; t < CELL_NS_COUNT; t++)
    {
      cleanup_free char *path = NULL;
      if (!(plan->sandbox->ns_try & (1u << t)))
        continue;
      path = xasprintf ("/proc/self/ns/%s", t == CELL_NS_USER ? "user" : t == CELL_NS_CGROUP ? "cgroup" : "");
      if (access (path, F_OK) == 0)
        continue;
      plan->ns[t].create = false;
      if (t == CELL_NS_USER)
        {
          free (plan->uid_map);
          free (plan->gid_map);
          plan->uid_map = plan->gid_map = NULL;
        }
    }
}

/* The programs, read (and their fds closed, as bwrap does) before anything is created. */
static int
read_filters (struct run *r, struct cell_error **err)
{
  const struct cell_plan_sandbox *sb = r->plan->sandbox;
  r->filters = xcalloc (sb->n_seccomp_fds + 1, sizeof (*r->filters));
  for (size_t i = 0; i < sb->n_seccomp_fds; i++)
    {
      int rc = cell_seccomp_from_bpf_fd (sb->seccomp_fds[i], &r->filters[r->n_filters], err);
      close (sb->seccomp_fds[i]);
      if (rc < 0)
        return -1;
      r->n_filters++;
    }
  if ((sb->suppress_chown || sb->suppress_sync)
      && cell_seccomp_suppress (sb->suppress_chown, sb->suppress_sync, &r->filters[r->n_filters++], err) < 0)
    {
      r->n_filters--;
      return -1;
    }
  return 0;
}

static int
write_all (int fd, const char *s)
{
  for (size_t off = 0, len = strlen (s); off < len;)
    {
      ssize_t w = write (fd, s + off, len - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return -1;
      off += (size_t)w;
    }
  return 0;
}

/* `{"child-pid": N, "<ns>-namespace": ID...}`, laid out as bwrap lays it out (pretty for --info-fd, one
   line for --json-status-fd). */
static char *
info_text (const struct cell_plan *plan, pid_t pid, bool json_line)
{
  char *out = xasprintf (json_line ? "{ \"child-pid\": %d" : "{\n    \"child-pid\": %d", (int)pid);
  for (size_t i = 0; i < ARRAY_SIZE (info_ns); i++)
    {
      cleanup_free char *path = NULL;
      struct stat st;
      char *next;
      if (info_ns[i].type >= 0 && !plan->ns[info_ns[i].type].create)
        continue;
      path = xasprintf ("/proc/%d/ns/%s", (int)pid, info_ns[i].name);
      if (stat (path, &st) < 0)
        continue;
      next = xasprintf ("%s,%s\"%s-namespace\": %ju", out, json_line ? " " : "\n    ", info_ns[i].name,
                        (uintmax_t)st.st_ino);
      free (out);
      out = next;
    }
  return out;
}

static int
write_info (struct run *r, pid_t pid, struct cell_error **err)
{
  struct cell_plan_sandbox *sb = r->plan->sandbox;
  r->info_written = true;
  if (sb->info_fd >= 0)
    {
      cleanup_free char *text = info_text (r->plan, pid, false);
      int rc = write_all (sb->info_fd, text) < 0 || write_all (sb->info_fd, "\n}\n") < 0;
      close (sb->info_fd);
      sb->info_fd = -1;
      if (rc)
        return cell_err_errno (err, "Write to info_fd");
    }
  if (sb->json_status_fd >= 0)
    {
      cleanup_free char *text = info_text (r->plan, pid, true);
      if (write_all (sb->json_status_fd, text) < 0 || write_all (sb->json_status_fd, " }\n") < 0)
        return cell_err_errno (err, "Write to json_status_fd");
    }
  return 0;
}

/* Init exists, its namespaces too, and waits for GO: what the caller learns, and (--userns-block-fd) the
   caller's maps. With --pidns the pid is init's only after a fork, so the info then waits for the end. */
static int
placed (void *userdata, pid_t pid, bool in_cgroup, struct cell_error **err)
{
  struct run *r = userdata;
  struct cell_plan_sandbox *sb = r->plan->sandbox;
  if (sb->pidns_fd >= 0 && sb->userns_block_fd < 0)
    return 0;
  if (write_info (r, pid, err) < 0)
    return -1;
  if (sb->userns_block_fd >= 0)
    {
      char b;
      while (read (sb->userns_block_fd, &b, 1) < 0 && errno == EINTR)
        ;
      close (sb->userns_block_fd);
      sb->userns_block_fd = -1;
    }
  return 0;
}

/* The highest fd the caller passed on (open without close-on-exec: everything of cell's has it), or 2. */
static int
caller_fds_top (void)
{
  DIR *d = opendir ("/proc/self/fd");
  struct dirent *e;
  int top = 2;
  while (d && (e = readdir (d)))
    {
      int fd = atoi (e->d_name), fl;
      if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && fd != dirfd (d) && fd > top
          && (fl = fcntl (fd, F_GETFD)) >= 0 && !(fl & FD_CLOEXEC))
        top = fd;
    }
  if (d)
    closedir (d);
  return top;
}

int
cell_sandbox_run (struct cell_plan *plan, int *status, struct cell_error **err)
{
  struct cell_plan_sandbox *sb = plan->sandbox;
  struct run r = { .plan = plan, .status_rd = -1, .status_wr = -1 };
  struct cell_spawn_opts o = {
    .end = CELL_SPAWN_EXEC,
    .rootfs_fd = -1,
    .start_sock = -1,
    .console_socket_fd = -1,
    .cgroup_dfd = -1,
    .status_fd = -1,
    .cb = { .userdata = &r, .placed = placed },
  };
  struct cell_spawn_result res;
  sigset_t mask, old;
  int wstatus = 0, rc;
  bool never_started;

  probe_tries (plan);
  if (read_filters (&r, err) < 0)
    {
      run_release (&r);
      return -1;
    }
  o.filters = r.filters;
  o.n_filters = r.n_filters;
  /* bwrap's pid 1 (a reaper) is the sealed stub: nothing in the sandbox reaches the host's cell binary
     through /proc/1/exe. As root (the sandbox may hold the host's root) the command is exec'd through it
     too, so that even a `#!/proc/self/exe` command finds the stub, not cell (CVE-2019-5736); and without a
     pid namespace of its own the sandbox sees the runtime itself: it goes non-dumpable, so that only
     CAP_SYS_PTRACE opens its /proc/PID/exe. Anyone else's sandbox holds nothing of the host's to attack
     there, and execs directly (bwrap's tests run /proc/self/exe: bwrap's own binary). */
  o.exec_stub = sb->reaper || geteuid () == 0;
  rc = 0;
  if (o.exec_stub && !cell_exec_stub_built ())
    rc = cell_err (err, 0, "this build has no exec stub for the sandbox's pid 1 (architecture)");
  else if (geteuid () == 0 && !plan->ns[CELL_NS_PID].create)
    prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* the sandbox's report: the command's status from a reaping pid 1, or an exec that failed */
  if (rc == 0)
    {
      int p[2];
      if (pipe2 (p, O_CLOEXEC) < 0)
        rc = cell_err_errno (err, "pipe");
      else
        {
          r.status_rd = p[0];
          r.status_wr = o.status_fd = p[1];
        }
      /* --pack-fds renumbers the caller's fds from 3 in init: what init keeps of the runtime's (its socket
         and exec stub, which spawn puts past preserve_fds, and the status pipe) stays above all of them */
      if (rc == 0 && sb->pack_fds)
        {
          o.preserve_fds = caller_fds_top () - 2;
          if ((r.status_wr = fcntl (p[1], F_DUPFD_CLOEXEC, 3 + o.preserve_fds)) < 0)
            rc = cell_err_errno (err, "--pack-fds: move the status pipe");
          close (p[1]);
          o.status_fd = r.status_wr;
        }
    }
  if (rc < 0)
    {
      run_release (&r);
      return -1;
    }
  if (sb->die_with_parent)
    prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  /* init may be a grandchild (a fork into a joined pid namespace): it comes back to us to be waited for */
  prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  /* signals that arrive during the setup stay pending, then go to the sandbox */
  sigfillset (&mask);
  sigdelset (&mask, SIGSEGV);
  sigdelset (&mask, SIGBUS);
  sigdelset (&mask, SIGILL);
  sigdelset (&mask, SIGFPE);
  sigprocmask (SIG_BLOCK, &mask, &old);
  rc = cell_spawn (plan, &o, &res, err);
  cell_closep (&r.status_wr);
  if (rc == 0 && !r.info_written)
    rc = write_info (&r, res.pid, err);
  if (rc < 0)
    {
      sigprocmask (SIG_SETMASK, &old, NULL);
      run_release (&r);
      return -1;
    }
  never_started = cell_supervise (res.pid, res.pidfd, -1, r.status_rd, &wstatus) == 1;
  cell_closep (&res.pidfd);
  *status = cell_exit_code (wstatus);
  /* bwrap reports an exit code only for a command that ran */
  if (sb->json_status_fd >= 0 && !never_started)
    {
      cleanup_free char *line = xasprintf ("{ \"exit-code\": %d }\n", *status);
      if (write_all (sb->json_status_fd, line) < 0)
        cell_warn ("Write to json_status_fd: %m");
    }
  if (sb->json_status_fd >= 0)
    close (sb->json_status_fd);
  sb->json_status_fd = -1;
  run_release (&r);
  return 0;
}
