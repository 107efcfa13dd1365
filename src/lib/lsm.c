/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lsm.c: AppArmor and SELinux: which of them the host runs, the process's exec label, the mount label. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "fd-util.h"
#include "lsm.h"
#include "sysattr.h"
#include "xalloc.h"

#define SELINUX_MAGIC 0xf97cff8c

static bool
read_small (const char *path, char *buf, size_t size)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n;
  if (fd < 0 || (n = read (fd, buf, size - 1)) < 0)
    return false;
  buf[n] = '\0';
  return true;
}

bool
cell_lsm_active (const char *name)
{
  char buf[512];
  struct statfs sf;
  /* securityfs lists the active modules in order ("lockdown,capability,apparmor") */
  if (read_small ("/sys/kernel/security/lsm", buf, sizeof (buf)))
    {
      for (char *rest = buf, *tok; (tok = strsep (&rest, ",\n")) != NULL;)
        if (streq (tok, name))
          return true;
      return false;
    }
  /* without securityfs: what runc and libselinux look at */
  if (streq (name, "apparmor"))
    return read_small ("/sys/module/apparmor/parameters/enabled", buf, sizeof (buf)) && buf[0] == 'Y';
  if (streq (name, "selinux"))
    return statfs ("/sys/fs/selinux", &sf) == 0 && (unsigned long)sf.f_type == SELINUX_MAGIC;
  return false;
}

int
cell_lsm_check (const char *apparmor, const char *apparmor_what, const char *selinux,
                const char *selinux_what, struct cell_error **err)
{
  if (apparmor && *apparmor && !cell_lsm_active ("apparmor"))
    return cell_err (err, 0, "%s: AppArmor is not enabled on this host: profile `%s` cannot be applied",
                     apparmor_what, apparmor);
  if (selinux && *selinux && !cell_lsm_active ("selinux"))
    return cell_err (err, 0, "%s: SELinux is not enabled on this host: label `%s` cannot be applied",
                     selinux_what, selinux);
  return 0;
}

int
cell_lsm_set_exec (int proc_dfd, const char *apparmor, const char *selinux, struct cell_error **err)
{
  if (apparmor && *apparmor)
    {
      /* the AppArmor-only file (Linux 5.8) where it exists: the shared one may belong to another module */
      cleanup_free char *v = xasprintf ("exec %s", apparmor);
      const char *rel = "thread-self/attr/apparmor/exec";
      if (faccessat (proc_dfd, rel, F_OK, 0) < 0)
        rel = "thread-self/attr/exec";
      if (cell_proc_write (proc_dfd, rel, v, err) < 0)
        return cell_err_wrap (err, "AppArmor profile `%s`", apparmor);
    }
  if (selinux && *selinux && cell_proc_write (proc_dfd, "thread-self/attr/exec", selinux, err) < 0)
    return cell_err_wrap (err, "SELinux label `%s`", selinux);
  return 0;
}

char *
cell_lsm_mount_data (const char *data, const char *fstype, const char *label)
{
  /* runc's choice: not on proc, sysfs, mqueue or cgroup filesystems (they take no context= option) */
  static const char *const none[] = { "proc", "sysfs", "mqueue", "cgroup", "cgroup2" };
  if (!label || !*label)
    return data ? xstrdup (data) : NULL;
  for (size_t i = 0; i < ARRAY_SIZE (none); i++)
    if (streq (fstype, none[i]))
      return data ? xstrdup (data) : NULL;
  return xasprintf ("%s%scontext=\"%s\"", data ? data : "", data && *data ? "," : "", label);
}

int
cell_lsm_check_plan (const struct cell_plan *plan, struct cell_error **err)
{
  if (cell_lsm_check (plan->process.apparmor_profile, "config.json: /process/apparmorProfile",
                      plan->process.selinux_label, "config.json: /process/selinuxLabel", err)
      < 0)
    return -1;
  return cell_lsm_check (NULL, NULL, plan->mount_label, "config.json: /linux/mountLabel", err);
}
