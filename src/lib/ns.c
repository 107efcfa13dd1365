/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ns.c: namespace flags, joining by path with an nsfs type check, the parent's id-map writes (directly, or
   through newuidmap/newgidmap for an unprivileged runtime), and user namespaces made only to be pointed at
   (id-mapped mounts). */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fd-util.h"
#include "ns.h"
#include "sysattr.h"
#include "xalloc.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int
cell_ns_clone_flag (enum cell_ns_type t)
{
  static const int flags[CELL_NS_COUNT] = {
    [CELL_NS_PID] = CLONE_NEWPID,       [CELL_NS_NETWORK] = CLONE_NEWNET, [CELL_NS_MOUNT] = CLONE_NEWNS,
    [CELL_NS_IPC] = CLONE_NEWIPC,       [CELL_NS_UTS] = CLONE_NEWUTS,     [CELL_NS_USER] = CLONE_NEWUSER,
    [CELL_NS_CGROUP] = CLONE_NEWCGROUP, [CELL_NS_TIME] = CLONE_NEWTIME,
  };
  return flags[t];
}

int
cell_ns_open (const char *path, enum cell_ns_type t, int *out, struct cell_error **err)
{
  struct statfs sfs;
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  int type;

  if (fd < 0)
    return cell_err_errno (err, "open %s namespace `%s`", cell_ns_type_name (t), path);
  if (fstatfs (fd, &sfs) < 0 || (unsigned long)sfs.f_type != NSFS_MAGIC)
    {
      close (fd);
      return cell_err (err, 0, "%s namespace `%s`: not a namespace file", cell_ns_type_name (t), path);
    }
  type = ioctl (fd, NS_GET_NSTYPE);
  if (type >= 0 && type != cell_ns_clone_flag (t))
    {
      close (fd);
      return cell_err (err, 0, "%s namespace `%s`: a namespace of another type", cell_ns_type_name (t), path);
    }
  *out = fd;
  return 0;
}

int
cell_ns_join (int fd, enum cell_ns_type t, const char *path, struct cell_error **err)
{
  if (setns (fd, cell_ns_clone_flag (t)) < 0)
    return cell_err_errno (err, "join %s namespace `%s`", cell_ns_type_name (t), path);
  return 0;
}

int
cell_ns_join_paths (const struct cell_plan_ns ns[CELL_NS_COUNT], struct cell_error **err)
{
  static const enum cell_ns_type order[CELL_NS_COUNT]
      = { CELL_NS_USER, CELL_NS_PID,    CELL_NS_NETWORK, CELL_NS_IPC,
          CELL_NS_UTS,  CELL_NS_CGROUP, CELL_NS_TIME,    CELL_NS_MOUNT };
  int fds[CELL_NS_COUNT];
  int r = 0;

  /* open every path first: they are host paths, and joining the mount namespace changes what they mean */
  for (int i = 0; i < CELL_NS_COUNT; i++)
    {
      fds[i] = -1;
      if (ns[i].path && r == 0)
        r = cell_ns_open (ns[i].path, (enum cell_ns_type)i, &fds[i], err);
    }
  for (int k = 0; k < CELL_NS_COUNT && r == 0; k++)
    if (fds[order[k]] >= 0)
      r = cell_ns_join (fds[order[k]], order[k], ns[order[k]].path, err);
  for (int i = 0; i < CELL_NS_COUNT; i++)
    cell_closep (&fds[i]);
  return r;
}

int
cell_ns_create_time (const char *offsets, struct cell_error **err)
{
  cleanup_close int fd = -1;
  if (unshare (CLONE_NEWTIME) < 0)
    return cell_err_errno (err, "create time namespace");
  if (offsets && cell_write_file_at (AT_FDCWD, "/proc/self/timens_offsets", 0, offsets, strlen (offsets)) < 0)
    return cell_err_errno (err, "set time namespace offsets");
  fd = open ("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns (fd, CLONE_NEWTIME) < 0)
    return cell_err_errno (err, "enter time namespace");
  return 0;
}

/* One line mapping its own id ("N ID 1\n"): the one map an unprivileged writer may write itself
   (user_namespaces(7)). */
static bool
map_is_own_id (const char *map, unsigned id)
{
  unsigned inside, host, size;
  int end = 0;
  return sscanf (map, "%u %u %u\n%n", &inside, &host, &size, &end) == 3 && end > 0 && map[end] == '\0'
         && host == id && size == 1;
}

/* newuidmap/newgidmap (shadow's setuid helpers, which check /etc/subuid and /etc/subgid) write a map an
   unprivileged runtime may not: PID then the map's triples as arguments. */
static int
run_map_tool (const char *tool, pid_t pid, const char *map, struct cell_error **err)
{
  cleanup_free char *copy = xstrdup (map);
  char *argv[3 + 3 * 340 + 1];
  char pidbuf[16];
  size_t n = 0;
  pid_t child;
  int st;

  snprintf (pidbuf, sizeof (pidbuf), "%d", (int)pid);
  argv[n++] = (char *)tool;
  argv[n++] = pidbuf;
  for (char *rest = copy, *tok; (tok = strsep (&rest, " \n")) != NULL;)
    if (*tok && n < ARRAY_SIZE (argv) - 1)
      argv[n++] = tok;
  argv[n] = NULL;
  child = fork ();
  if (child < 0)
    return cell_err_errno (err, "fork `%s`", tool);
  if (child == 0)
    {
      execvp (tool, argv);
      _exit (errno == ENOENT ? 127 : 126);
    }
  while (waitpid (child, &st, 0) < 0)
    if (errno != EINTR)
      return cell_err_errno (err, "wait for `%s`", tool);
  if (WIFEXITED (st) && WEXITSTATUS (st) == 127)
    return cell_err (err, ENOENT,
                     "`%s` not found: an unprivileged runtime needs it (the uidmap package) for any mapping "
                     "but its own id",
                     tool);
  if (!WIFEXITED (st) || WEXITSTATUS (st) != 0)
    return cell_err (err, 0, "`%s %s ...` failed (are the ids in /etc/sub%cid?)", tool, pidbuf,
                     tool[3] == 'u' ? 'u' : 'g');
  return 0;
}

int
cell_ns_deny_setgroups (int proc_dfd, pid_t pid, struct cell_error **err)
{
  char rel[48];
  snprintf (rel, sizeof (rel), "%d/setgroups", (int)pid);
  return cell_proc_write (proc_dfd, rel, "deny", err);
}

int
cell_ns_write_maps (int proc_dfd, pid_t pid, const char *uid_map, const char *gid_map, bool unprivileged,
                    struct cell_error **err)
{
  char rel[48];
  bool uid_tool = unprivileged && uid_map && !map_is_own_id (uid_map, (unsigned)geteuid ());
  bool gid_tool = unprivileged && gid_map && !map_is_own_id (gid_map, (unsigned)getegid ());

  /* user_namespaces(7): an unprivileged writer of gid_map must deny setgroups first; newgidmap decides that
     itself (runc's rule too) */
  snprintf (rel, sizeof (rel), "%d/setgroups", (int)pid);
  if (unprivileged && gid_map && !gid_tool && cell_proc_write (proc_dfd, rel, "deny", err) < 0)
    return -1;
  snprintf (rel, sizeof (rel), "%d/uid_map", (int)pid);
  if (uid_tool ? run_map_tool ("newuidmap", pid, uid_map, err) < 0
               : uid_map && cell_proc_write (proc_dfd, rel, uid_map, err) < 0)
    return -1;
  snprintf (rel, sizeof (rel), "%d/gid_map", (int)pid);
  if (gid_tool ? run_map_tool ("newgidmap", pid, gid_map, err) < 0
               : gid_map && cell_proc_write (proc_dfd, rel, gid_map, err) < 0)
    return -1;
  return 0;
}

int
cell_ns_userns_for_maps (const char *uid_map, const char *gid_map, int *fd, struct cell_error **err)
{
  struct clone_args ca = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
  cleanup_close int proc = -1;
  char path[48];
  pid_t pid;
  int r = 0;

  *fd = -1;
  pid = (pid_t)syscall (SYS_clone3, &ca, sizeof (ca));
  if (pid < 0)
    return cell_err_errno (err, "create a user namespace for an id-mapped mount");
  if (pid == 0)
    {
      /* only the holder of the namespace: it never runs anything */
      prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
      for (;;)
        pause ();
    }
  snprintf (path, sizeof (path), "/proc/%d/ns/user", (int)pid);
  if (cell_proc_open ("/proc", &proc, err) < 0
      || cell_ns_write_maps (proc, pid, uid_map, gid_map, false, err) < 0)
    r = -1;
  else if ((*fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    r = cell_err_errno (err, "open `%s`", path);
  kill (pid, SIGKILL);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return r;
}
