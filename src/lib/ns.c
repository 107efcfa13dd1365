/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ns.c: namespace flags, joining by path with an nsfs type check, and the parent's id-map writes. */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "fd-util.h"
#include "ns.h"
#include "sysattr.h"

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

int
cell_ns_write_maps (int proc_dfd, pid_t pid, const char *uid_map, const char *gid_map, bool deny_setgroups,
                    struct cell_error **err)
{
  char rel[48];
  snprintf (rel, sizeof (rel), "%d/setgroups", (int)pid);
  if (deny_setgroups && gid_map && cell_proc_write (proc_dfd, rel, "deny", err) < 0)
    return -1;
  snprintf (rel, sizeof (rel), "%d/uid_map", (int)pid);
  if (uid_map && cell_proc_write (proc_dfd, rel, uid_map, err) < 0)
    return -1;
  snprintf (rel, sizeof (rel), "%d/gid_map", (int)pid);
  if (gid_map && cell_proc_write (proc_dfd, rel, gid_map, err) < 0)
    return -1;
  return 0;
}
