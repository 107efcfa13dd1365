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

static int
write_file (pid_t pid, const char *name, const char *data, struct cell_error **err)
{
  char path[64];
  snprintf (path, sizeof (path), "/proc/%d/%s", (int)pid, name);
  if (cell_write_file_at (AT_FDCWD, path, 0, data, strlen (data)) < 0)
    return cell_err_errno (err, "write %s `%s`", name, data);
  return 0;
}

int
cell_ns_write_maps (pid_t pid, const char *uid_map, const char *gid_map, struct cell_error **err)
{
  if (uid_map && write_file (pid, "uid_map", uid_map, err) < 0)
    return -1;
  if (gid_map && write_file (pid, "gid_map", gid_map, err) < 0)
    return -1;
  return 0;
}
