/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lsm.h: Linux security modules (AppArmor, SELinux): whether the host runs one, applying a profile or label
   to the container's process at its execve, and the SELinux context of its mounts. */
#ifndef CELL_LSM_H
#define CELL_LSM_H

#include <stdbool.h>
#include "error.h"
#include "plan.h"

/* Is the module `name` ("apparmor", "selinux") active: /sys/kernel/security/lsm, or without securityfs
   AppArmor's module parameter and a mounted selinuxfs. */
bool cell_lsm_active (const char *name);
/* A profile or label asked for (non-empty) whose module is not active is an error, prefixed by its `*_what`
   ("config.json: /process/apparmorProfile", "exec: --apparmor"). Reads only. */
int cell_lsm_check (const char *apparmor, const char *apparmor_what, const char *selinux,
                    const char *selinux_what, struct cell_error **err);
/* cell_lsm_check of a container's plan: its process's profile and label, and its mount label. */
int cell_lsm_check_plan (const struct cell_plan *plan, struct cell_error **err);
/* The labels the next execve takes: AppArmor "exec PROFILE" to attr/apparmor/exec (attr/exec before Linux
   5.8), the SELinux label to attr/exec, through the verified procfs `proc_dfd`. NULL or "" leaves one alone.
 */
int cell_lsm_set_exec (int proc_dfd, const char *apparmor, const char *selinux, struct cell_error **err);
/* A mount's data with the SELinux mount label (`context="LABEL"`) for a filesystem that takes it; a copy of
   `data` otherwise (NULL for NULL). Caller frees. */
char *cell_lsm_mount_data (const char *data, const char *fstype, const char *label);

#endif
