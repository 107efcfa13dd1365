/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seccomp.h: seccomp filters as classic-BPF programs: linux.seccomp compiled with libseccomp before anything
   is created, raw programs (bwrap's --seccomp FD), the sandbox's suppress filters; loading them (with the
   SCMP_ACT_NOTIFY listener), and handing a listener to the seccomp agent at listenerPath. */
#ifndef CELL_SECCOMP_H
#define CELL_SECCOMP_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"
#include "spec.h"

struct cell_seccomp; /* a compiled filter: the BPF program plus the seccomp(2) flags to load it with */

/* The names `cell features` lists, from the tables the compiler uses: exactly those the compiler accepts
   on this kernel and libseccomp (ACTIONS, OPERATORS, ARCHS, SUPPORTED_FLAGS), and every flag the runtime
   knows (KNOWN_FLAGS). NULL-terminated; the strings are static, the caller frees the array. */
enum cell_seccomp_list
{
  CELL_SECCOMP_ACTIONS,
  CELL_SECCOMP_OPERATORS,
  CELL_SECCOMP_ARCHS,
  CELL_SECCOMP_KNOWN_FLAGS,
  CELL_SECCOMP_SUPPORTED_FLAGS,
};
const char **cell_seccomp_list (enum cell_seccomp_list which);

/* Compiles linux.seccomp into a BPF program. Every action, errnoRet, architecture, flag, operator and
   argument index is checked here, before anything is created; errors name the JSON pointer under
   `display` ("config.json: /linux/seccomp/syscalls/3/action: unknown action `SCMP_ACT_FOO`"). Unknown
   syscall names are skipped with a debug line (the kernel or libseccomp may not know them), as runc does. */
int cell_seccomp_compile (const struct cell_spec_seccomp *s, const char *display, struct cell_seccomp **out,
                          struct cell_error **err);
/* A raw classic-BPF program read to EOF from `fd` (not closed): an array of struct sock_filter, as
   bubblewrap's --seccomp and --add-seccomp-fd take it (seccomp_export_bpf's output). */
int cell_seccomp_from_bpf_fd (int fd, struct cell_seccomp **out, struct cell_error **err);
/* mkosi-sandbox's --suppress-chown / --suppress-sync: chown, fchown, fchownat, lchown (and their 32-bit
   forms) / sync, fsync, fdatasync, syncfs, sync_file_range, msync return 0 without doing anything;
   everything else is allowed, on the native and compat architectures. At least one must be true. */
int cell_seccomp_suppress (bool chown, bool sync, struct cell_seccomp **out, struct cell_error **err);

/* Does loading this filter create a listener (SCMP_ACT_NOTIFY rules)? */
bool cell_seccomp_has_notify (const struct cell_seccomp *f);

/* Loads the filter into the calling thread (needs no_new_privs or CAP_SYS_ADMIN). With SCMP_ACT_NOTIFY
   rules *notify_fd is the listener (caller closes it), else -1; notify_fd may be NULL only for a filter
   without. Makes no system call after the seccomp(2) that loads the filter: the caller's next one may be
   the one that hands the listener on (a profile may notify on any other, and nobody could answer). */
int cell_seccomp_load (const struct cell_seccomp *f, int *notify_fd, struct cell_error **err);
void cell_seccomp_free (struct cell_seccomp *f);

/* Sends the listener to the seccomp agent as runtime-spec config-linux.md "The Container Process State"
   says: connects to the AF_UNIX SOCK_STREAM socket `listener_path`, sends the JSON {ociVersion, fds:
   ["seccompFd"], pid, metadata (when not NULL), state: `state_json`} with `notify_fd` as SCM_RIGHTS, closes
   the connection. `state_json` is the container's state document (runtime.md "State"). */
int cell_seccomp_notify_send (const char *listener_path, int notify_fd, pid_t pid, const char *state_json,
                              const char *metadata, struct cell_error **err);

#endif
