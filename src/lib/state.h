/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state.h: the state directory (--root): one locked directory per container holding state.json, the
   config.json `create` validated (later commands never read the bundle again) and, while the container is
   created, the socket `start` connects to; status derived from init's pid + start time. */
#ifndef CELL_STATE_H
#define CELL_STATE_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"
#include "spec.h"

#define CELL_STATE_SOCK "exec.sock"
#define CELL_STATE_FILE "state.json"
#define CELL_STATE_CONFIG "config.json"

struct cell_state
{
  char *id;
  pid_t pid;                     /* 0 while being created */
  unsigned long long start_time; /* init's start time (clock ticks since boot), against pid reuse */
  char *bundle;
  char *rootfs;
  char *created; /* RFC 3339 */
  char *owner;
  char *cgroup;   /* cell_cgroup_serialize form, NULL when none */
  bool own_pidns; /* init is pid 1 of its own pid namespace (delete kills the whole cgroup otherwise) */
  struct cell_spec_kv *annotations;
  size_t n_annotations;
  bool has_process;   /* the config has a `process` (start fails without) */
  bool has_poststart; /* the config has hooks that later commands run: only then is it read again */
  bool has_poststop;
};

enum cell_status
{
  CELL_STATUS_CREATING,
  CELL_STATUS_CREATED,
  CELL_STATUS_RUNNING,
  CELL_STATUS_PAUSED,
  CELL_STATUS_STOPPED,
};

const char *cell_status_name (enum cell_status s);

/* Container IDs: ^[A-Za-z0-9][A-Za-z0-9_.+-]*$, at most 128 bytes ("." and ".." can't match). */
int cell_state_validate_id (const char *id, struct cell_error **err);
/* The default --root: /run/cell as root, $XDG_RUNTIME_DIR/cell otherwise. Caller frees. */
char *cell_state_default_root (void);
/* Opens (creating it 0700 when missing) the root directory. */
int cell_state_root_open (const char *root, int *root_dfd, struct cell_error **err);
/* Creates <root>/<id> atomically with the config.json `create` validated (`config_len` bytes; later
   commands load it from there) and the first state.json (`st`), and locks it (exclusive flock held by *dfd).
   A kept spare gets both before it is named `id`; a new directory right after. Either may be NULL (not
   written). "container `ID` already exists" on EEXIST. On an error after the directory was made (*dfd
   set), the caller removes it (cell_state_dir_remove). */
int cell_state_dir_create (int root_dfd, const char *id, const char *config, size_t config_len,
                           const struct cell_state *st, int *dfd, struct cell_error **err);
/* Is the directory `fd` (opened as <root>/<id>) still named `id`? For a reader without the lock whose
   state.json did not read or named another container: the directory was recycled meanwhile. */
bool cell_state_dir_still_named (int root_dfd, const char *id, int fd);
/* Opens and locks <root>/<id> (exclusive or shared). ENOENT: "container `ID` does not exist" with
   code ENOENT. */
int cell_state_dir_open (int root_dfd, const char *id, bool exclusive, int *dfd, struct cell_error **err);
/* Removes <root>/<id> and its files: the directory is kept as a spare for the next create (at most two;
   hidden names no ID can take; with config.json and state.json for it to write over), else removed. *held
   (may be NULL or -1): the caller's open (locked) fd of it, closed once the ID is gone. */
int cell_state_dir_remove (int root_dfd, const char *id, int *held, struct cell_error **err);
/* state.json by write-tmp + rename. */
int cell_state_write (int dfd, const struct cell_state *st, struct cell_error **err);
/* Reads and checks state.json: every member cell wrote must be there with its type (a tampered file is an
   error naming it). A missing file is a container being created (pid 0). */
int cell_state_read (int dfd, const char *id, struct cell_state **out, struct cell_error **err);
/* What cell_state_read does with the file's contents (`len` bytes, no file access; the fuzz target's entry):
   the same checks and errors (EBADMSG: "container `ID`: state.json: LINE:COL: <cause>" or "...: /pid:
   missing or invalid ..."). Caller frees *out. */
int cell_state_parse (const char *buf, size_t len, const char *id, struct cell_state **out,
                      struct cell_error **err);
/* For `delete --force` of a state that does not read: what it still says (the pid with its start time, if
   both parse; the cgroup string, unchecked: cell_cgroup_deserialize checks it); never fails, *out may be
   empty. */
void cell_state_salvage (int dfd, const char *id, struct cell_state **out);
/* The config.json `create` kept in the state dir (cell_state_dir_create). */
int cell_state_config_load (int dfd, const char *id, struct cell_spec **out, struct cell_error **err);
/* The socket a created container's init waits on: bound (listening) by `create`, connected by `start`. */
int cell_state_start_listen (int dfd, const char *id, int *fd, struct cell_error **err);
int cell_state_start_connect (int dfd, const char *id, int *fd, struct cell_error **err);
void cell_state_free (struct cell_state *st);
/* Status from the pid, start time, start socket and freezer (`frozen` supplied by the caller from the
   cgroup). */
enum cell_status cell_state_status (int dfd, const struct cell_state *st, bool frozen);
/* The same, and (init_state non-NULL) the state letter of init when it lives, else 0: a frozen process
   shows 'D', so one seen running or sleeping ('R', 'S') is not in a frozen cgroup. */
enum cell_status cell_state_status_seen (int dfd, const struct cell_state *st, bool frozen, char *init_state);
/* Is init (pid + start time) still alive (not a zombie)? */
bool cell_state_init_alive (const struct cell_state *st);
/* Start time of `pid` from /proc/PID/stat, 0 if gone. */
unsigned long long cell_state_pid_start_time (pid_t pid);
/* The same, and (state non-NULL) the process's state letter from /proc/PID/stat ('S', 'R', 'D', ...). */
unsigned long long cell_state_pid_stat (pid_t pid, char *state);
/* The OCI state JSON (runtime.md "State") plus runc's created/owner fields. Caller frees. */
char *cell_state_json (const struct cell_state *st, enum cell_status status, bool pretty);
/* Current time, RFC 3339 with nanoseconds (caller frees). */
char *cell_state_now (void);

#endif
