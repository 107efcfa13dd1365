/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* control.h: steering a live container through its cgroup: the processes in it (`ps`), freezing
   (`pause`/`resume`), resource updates (`update`) and usage and OOM events (`events`). */
#ifndef CELL_CONTROL_H
#define CELL_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "container.h"
#include "error.h"
#include "resources.h"

/* ---- ps ---- */

/* Host pids of every process in the container's cgroup (sub-cgroups included), in the order the kernel
   lists them; a stopped container whose cgroup is gone has none. Errors: unknown container, a container
   without a cgroup (--cgroup-manager disabled). Caller frees *pids. */
int cell_control_pids (struct cell_context *ctx, const char *id, pid_t **pids, size_t *n,
                       struct cell_error **err);
/* `[1234,1240]` plus a newline (what containerd's shim parses). Caller frees. */
char *cell_control_pids_json (const pid_t *pids, size_t n);
/* Runs ps(1) with `ps_args` (NULL or empty: `-ef`) and keeps its header and the lines whose PID column
   is one of the container's pids (runc's `ps`). *out: the filtered table (caller frees). Errors: ps
   failing (with what it said, on one line), no PID column, a PID field that is not a number. */
int cell_control_ps_table (struct cell_context *ctx, const char *id, char *const *ps_args, char **out,
                           struct cell_error **err);

/* ---- pause / resume ---- */

/* Freezes every process of a created or running container (v1 freezer, v2 cgroup.freeze); `state` then
   says "paused". "container `ID` is not running (status: paused)" otherwise. */
int cell_control_pause (struct cell_context *ctx, const char *id, struct cell_error **err);
/* Thaws a paused container; "container `ID` is not paused (status: running)" otherwise. */
int cell_control_resume (struct cell_context *ctx, const char *id, struct cell_error **err);

/* ---- update ---- */

/* The i-th of runc's `update` flags taking a value ("memory", "cpu-quota", ...: without the dashes), NULL
   past the last: for the front-end's option table. */
const char *cell_control_update_flag_name (size_t i);
/* The JSON pointer below linux.resources that flag i sets ("/memory/limit"); NULL for the refused Intel RDT
   flags. */
const char *cell_control_update_flag_pointer (size_t i);
/* Sets the field of flag `name` (a cell_control_update_flag_name) from `value` as runc does: sizes with
   suffixes (`512m`, `1.5g`, `-1`), an empty value or a blkio weight of 0 leaves the field unset.
   "--memory: invalid size `12q`"; Intel RDT flags are refused ("--l3-cache-schema: Intel RDT is not
   supported by cell"). */
int cell_control_update_flag (struct cell_spec_resources *r, const char *name, const char *value,
                              struct cell_error **err);
/* Reads an `update --resources` document: a file, or stdin for "-" (linux.resources JSON). Errors name
   the file (or "stdin") and the JSON pointer. */
int cell_control_update_load (const char *path, struct cell_spec_resources **out, struct cell_error **err);
/* Validates `r` (cell_resources_validate), then applies it to the container's cgroup (created, running or
   paused): only the fields set change, nothing is written to the bundle or the state directory.
   `source`: the file name (or "stdin") the values came from, or NULL when they came from flags: errors
   then name the JSON pointer in that file ("res.json: /memory/limit: ..."), or the flag ("--memory:
   ..."). A value the kernel refuses stops the update there (earlier writes of the same update stay). */
int cell_control_update (struct cell_context *ctx, const char *id, const struct cell_spec_resources *r,
                         const char *source, struct cell_error **err);

/* ---- events ---- */

/* Called with each event line (JSON, no newline); a negative return stops the stream with that error. */
typedef int (*cell_control_event_fn) (const char *line, void *userdata, struct cell_error **err);

/* `stats_once`: one `{"type":"stats",...}` line (runc's format) and return. Otherwise a stats line every
   `interval_ns` and an `{"type":"oom","id":ID}` line for each OOM kill in the container's cgroup, until
   the container's init exits (then returns 0). "container `ID` is not running" when it already has. */
int cell_control_events (struct cell_context *ctx, const char *id, bool stats_once, uint64_t interval_ns,
                         cell_control_event_fn fn, void *userdata, struct cell_error **err);

/* ---- parsers shared with the front-end ---- */

/* Go's time.ParseDuration syntax ("5s", "250ms", "1m30s", "1.5h"; units ns us µs ms s m h) into ns. */
int cell_control_parse_duration (const char *s, uint64_t *ns, struct cell_error **err);
/* runc's (docker/go-units RAMInBytes) sizes: a number, an optional space, then k/m/g/t/p (binary
   multiples, any case), optionally followed by "i" and "b" ("512m", "1.5GiB", "100KB", "42"). */
int cell_control_parse_size (const char *s, int64_t *bytes, struct cell_error **err);

#endif
