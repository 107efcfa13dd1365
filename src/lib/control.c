/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* control.c: the commands that steer a live container through its cgroup: ps (pids and a filtered
   ps(1) table), pause/resume (freezer), update (runc's flags or a resources document), events (stats
   and OOM kills); and the duration and size parsers runc's flags take. */
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include "cgroup.h"
#include "control.h"
#include "json.h"
#include "log.h"
#include "spec.h"
#include "state.h"
#include "strv.h"
#include "xalloc.h"

extern char **environ;

/* ---- the container and its cgroup ---- */

struct target
{
  struct cell_container c;
  struct cell_state *st; /* c.st */
  enum cell_status status;
  struct cell_cgroup *cg;
};

static void
target_clear (struct target *t)
{
  cell_container_close (&t->c);
  cell_cgroup_free (t->cg);
  t->st = NULL;
  t->cg = NULL;
}

#define cleanup_target __attribute__ ((cleanup (target_clear)))

/* The container's state, status and cgroup. pause, resume and update hold the state dir's shared lock
   while they act (a `delete` waits); ps and events read what the cgroup holds when they run, like `state`. */
static int
target_load (struct cell_context *ctx, const char *id, enum cell_container_lock lock, struct target *t,
             struct cell_error **err)
{
  if (cell_container_open (ctx, id, lock, &t->c, err) < 0)
    return -1;
  t->st = t->c.st;
  t->status = t->c.status;
  if (t->st->cgroup == NULL)
    return cell_err (err, 0, "container `%s` has no cgroup (created with --cgroup-manager disabled)", id);
  return cell_cgroup_deserialize (t->st->cgroup, &t->cg, err);
}

/* ---- ps ---- */

int
cell_control_pids (struct cell_context *ctx, const char *id, pid_t **pids, size_t *n, struct cell_error **err)
{
  cleanup_target struct target t = { .c = { .dfd = -1 } };
  *pids = NULL;
  *n = 0;
  if (target_load (ctx, id, CELL_LOCK_NONE, &t, err) < 0)
    return -1;
  return cell_cgroup_pids (t.cg, pids, n, err);
}

char *
cell_control_pids_json (const pid_t *pids, size_t n)
{
  struct cell_json_gen *g = cell_json_gen_new (false);
  char *doc, *line;
  cell_json_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    cell_json_gen_int (g, pids[i]);
  cell_json_gen_array_close (g);
  doc = cell_json_gen_finish (g, NULL);
  line = xasprintf ("%s\n", doc);
  free (doc);
  return line;
}

#define PS_OUTPUT_MAX (64u << 20)

/* Runs `ps ARGS...` with stdout and stderr into one pipe (runc reports both when ps fails). */
static int
run_ps (char *const *ps_args, char **out, struct cell_error **err)
{
  static char *const default_args[] = { (char *)"-ef", NULL };
  cleanup_strv char **argv = NULL;
  cleanup_free char *buf = NULL;
  cleanup_close int rfd = -1, wfd = -1;
  posix_spawn_file_actions_t fa;
  size_t len = 0, cap = 0;
  int pfd[2], status, r;
  pid_t pid;

  if (ps_args == NULL || ps_args[0] == NULL)
    ps_args = default_args;
  argv = xcalloc (cell_strv_len ((char **)ps_args) + 2, sizeof (char *));
  argv[0] = xstrdup ("ps");
  for (size_t i = 0; ps_args[i]; i++)
    argv[i + 1] = xstrdup (ps_args[i]);
  if (pipe2 (pfd, O_CLOEXEC) < 0)
    return cell_err_errno (err, "ps: pipe");
  rfd = pfd[0];
  wfd = pfd[1];
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2 (&fa, wfd, 1);
  posix_spawn_file_actions_adddup2 (&fa, wfd, 2);
  r = posix_spawnp (&pid, "ps", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy (&fa);
  if (r != 0)
    {
      errno = r;
      return cell_err_errno (err, "ps: run `ps`");
    }
  cell_closep (&wfd);
  for (;;)
    {
      ssize_t k;
      buf = xgrow (buf, &cap, len + 4096, 1);
      k = read (rfd, buf + len, cap - len - 1);
      if (k < 0 && errno == EINTR)
        continue;
      if (k <= 0)
        break;
      len += (size_t)k;
      if (len > PS_OUTPUT_MAX)
        {
          kill (pid, SIGKILL);
          waitpid (pid, NULL, 0);
          return cell_err (err, 0, "ps: more than %u MiB of output", PS_OUTPUT_MAX >> 20);
        }
    }
  buf[len] = '\0';
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return cell_err_errno (err, "ps: wait");
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      /* One line: what ps said, newlines folded. */
      for (char *p = buf; *p; p++)
        if (*p == '\n')
          *p = p[1] ? ' ' : '\0';
      if (WIFEXITED (status))
        return cell_err (err, 0, "ps: exit status %d: %s", WEXITSTATUS (status), buf);
      return cell_err (err, 0, "ps: killed by signal %d: %s", WTERMSIG (status), buf);
    }
  *out = steal_ptr (&buf);
  return 0;
}

/* Index of the "PID" column in ps's header, -1 if none. */
static int
pid_column (const char *header)
{
  cleanup_free char *copy = xstrdup (header);
  int i = 0;
  for (char *save = NULL, *f = strtok_r (copy, " \t", &save); f; f = strtok_r (NULL, " \t", &save), i++)
    if (streq (f, "PID"))
      return i;
  return -1;
}

static bool
pid_in (pid_t p, const pid_t *pids, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (pids[i] == p)
      return true;
  return false;
}

int
cell_control_ps_table (struct cell_context *ctx, const char *id, char *const *ps_args, char **out,
                       struct cell_error **err)
{
  cleanup_free pid_t *pids = NULL;
  cleanup_free char *text = NULL;
  size_t n = 0, cap = 0, len = 0;
  cleanup_free char *res = NULL;
  char *line, *save = NULL;
  int col;

  if (cell_control_pids (ctx, id, &pids, &n, err) < 0 || run_ps (ps_args, &text, err) < 0)
    return -1;
  line = strtok_r (text, "\n", &save);
  if (line == NULL || (col = pid_column (line)) < 0)
    return cell_err (err, 0, "ps: no PID column in the output of ps");
  for (bool header = true; line; line = strtok_r (NULL, "\n", &save), header = false)
    {
      size_t l = strlen (line);
      if (!header)
        {
          cleanup_free char *copy = xstrdup (line);
          char *f = NULL, *fsave = NULL, *end;
          long v;
          int i = 0;
          for (f = strtok_r (copy, " \t", &fsave); f && i < col; f = strtok_r (NULL, " \t", &fsave))
            i++;
          if (f == NULL)
            continue; /* a short line (runc: ignored when empty) */
          errno = 0;
          v = strtol (f, &end, 10);
          if (errno || *end || end == f || v <= 0 || v > INT32_MAX)
            return cell_err (err, 0, "ps: unexpected PID `%s` in the output of ps", f);
          if (!pid_in ((pid_t)v, pids, n))
            continue;
        }
      res = xgrow (res, &cap, len + l + 2, 1);
      memcpy (res + len, line, l);
      len += l;
      res[len++] = '\n';
      res[len] = '\0';
    }
  *out = steal_ptr (&res);
  return 0;
}

/* ---- pause / resume ---- */

int
cell_control_pause (struct cell_context *ctx, const char *id, struct cell_error **err)
{
  cleanup_target struct target t = { .c = { .dfd = -1 } };
  if (target_load (ctx, id, CELL_LOCK_SHARED, &t, err) < 0)
    return -1;
  /* runc: only a created or running container can be paused. */
  if (t.status != CELL_STATUS_RUNNING && t.status != CELL_STATUS_CREATED)
    return cell_err (err, 0, "container `%s` is not running (status: %s)", id, cell_status_name (t.status));
  if (cell_cgroup_freeze (t.cg, true, err) < 0)
    return cell_err_wrap (err, "pause `%s`", id);
  return 0;
}

int
cell_control_resume (struct cell_context *ctx, const char *id, struct cell_error **err)
{
  cleanup_target struct target t = { .c = { .dfd = -1 } };
  if (target_load (ctx, id, CELL_LOCK_SHARED, &t, err) < 0)
    return -1;
  if (t.status != CELL_STATUS_PAUSED)
    return cell_err (err, 0, "container `%s` is not paused (status: %s)", id, cell_status_name (t.status));
  if (cell_cgroup_freeze (t.cg, false, err) < 0)
    return cell_err_wrap (err, "resume `%s`", id);
  return 0;
}

/* ---- update ---- */

enum flag_kind
{
  F_SIZE,   /* int64 bytes, runc's suffixes, "-1" */
  F_INT,    /* int64 */
  F_UINT,   /* uint64 */
  F_WEIGHT, /* uint16, 0 = unset */
  F_LIST,   /* string (cpuset list) */
  F_RDT,    /* Intel RDT: refused */
};

struct update_flag
{
  const char *name;
  const char *ptr; /* JSON pointer below linux.resources */
  enum flag_kind kind;
  size_t has; /* offsetof the has_ flag (F_LIST: unused) */
  size_t val; /* offsetof the value */
};

#define RES struct cell_spec_resources
#define FLAG(n, p, k, f)                                                                                     \
  {                                                                                                          \
    n, p, k, offsetof (RES, has_##f), offsetof (RES, f)                                                      \
  }

/* runc's update.go flags (cpu-share is runc's spelling; cpu-shares is accepted too). */
static const struct update_flag update_flags[] = {
  FLAG ("memory", "/memory/limit", F_SIZE, memory_limit),
  FLAG ("memory-swap", "/memory/swap", F_SIZE, memory_swap),
  FLAG ("memory-reservation", "/memory/reservation", F_SIZE, memory_reservation),
  FLAG ("kernel-memory", "/memory/kernel", F_SIZE, memory_kernel),
  FLAG ("kernel-memory-tcp", "/memory/kernelTCP", F_SIZE, memory_kernel_tcp),
  FLAG ("cpu-quota", "/cpu/quota", F_INT, cpu_quota),
  FLAG ("cpu-period", "/cpu/period", F_UINT, cpu_period),
  FLAG ("cpu-burst", "/cpu/burst", F_UINT, cpu_burst),
  FLAG ("cpu-share", "/cpu/shares", F_UINT, cpu_shares),
  FLAG ("cpu-shares", "/cpu/shares", F_UINT, cpu_shares),
  FLAG ("cpu-rt-period", "/cpu/realtimePeriod", F_UINT, cpu_realtime_period),
  FLAG ("cpu-rt-runtime", "/cpu/realtimeRuntime", F_INT, cpu_realtime_runtime),
  FLAG ("cpu-idle", "/cpu/idle", F_INT, cpu_idle),
  { "cpuset-cpus", "/cpu/cpus", F_LIST, 0, offsetof (RES, cpu_cpus) },
  { "cpuset-mems", "/cpu/mems", F_LIST, 0, offsetof (RES, cpu_mems) },
  FLAG ("pids-limit", "/pids/limit", F_INT, pids_limit),
  FLAG ("blkio-weight", "/blockIO/weight", F_WEIGHT, blkio_weight),
  { "l3-cache-schema", NULL, F_RDT, 0, 0 },
  { "mem-bw-schema", NULL, F_RDT, 0, 0 },
};

const char *
cell_control_update_flag_name (size_t i)
{
  return i < ARRAY_SIZE (update_flags) ? update_flags[i].name : NULL;
}

const char *
cell_control_update_flag_pointer (size_t i)
{
  return i < ARRAY_SIZE (update_flags) ? update_flags[i].ptr : NULL;
}

static const struct update_flag *
flag_by_name (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (update_flags); i++)
    if (streq (update_flags[i].name, name))
      return &update_flags[i];
  return NULL;
}

static int
parse_int (const char *s, bool is_signed, int64_t *i, uint64_t *u)
{
  char *end;
  errno = 0;
  if (is_signed)
    *i = strtoll (s, &end, 10);
  else
    {
      if (strchr (s, '-'))
        return -1;
      *u = strtoull (s, &end, 10);
    }
  return errno || end == s || *end ? -1 : 0;
}

int
cell_control_update_flag (struct cell_spec_resources *r, const char *name, const char *value,
                          struct cell_error **err)
{
  const struct update_flag *f = flag_by_name (name);
  char *base = (char *)r;
  int64_t i = 0;
  uint64_t u = 0;

  if (f == NULL)
    return cell_err (err, 0, "--%s: not an update flag", name);
  if (f->kind == F_RDT)
    return cell_err (err, 0, "--%s: Intel RDT is not supported by cell", name);
  /* runc leaves string flags that are empty unset. */
  if (*value == '\0' && (f->kind == F_SIZE || f->kind == F_LIST || f->kind == F_INT || f->kind == F_UINT)
      && !streq (name, "pids-limit"))
    return 0;
  switch (f->kind)
    {
    case F_SIZE:
      if (cell_control_parse_size (value, &i, err) < 0)
        return cell_err_wrap (err, "--%s", name);
      *(bool *)(base + f->has) = true;
      *(int64_t *)(base + f->val) = i;
      return 0;
    case F_INT:
    case F_UINT:
      if (parse_int (value, f->kind == F_INT, &i, &u) < 0)
        return cell_err (err, 0, "--%s: invalid %snumber `%s`", name,
                         f->kind == F_UINT ? "non-negative " : "", value);
      *(bool *)(base + f->has) = true;
      if (f->kind == F_INT)
        *(int64_t *)(base + f->val) = i;
      else
        *(uint64_t *)(base + f->val) = u;
      return 0;
    case F_WEIGHT:
      if (parse_int (value, true, &i, &u) < 0 || i < 0 || i > UINT16_MAX)
        return cell_err (err, 0, "--%s: invalid weight `%s`", name, value);
      if (i == 0)
        return 0; /* runc: 0 means "not given" */
      *(bool *)(base + f->has) = true;
      *(uint16_t *)(base + f->val) = (uint16_t)i;
      return 0;
    case F_LIST:
      free (*(char **)(base + f->val));
      *(char **)(base + f->val) = xstrdup (value);
      return 0;
    case F_RDT:
      break;
    }
  return 0;
}

#define RESOURCES_DOC_MAX (4u << 20)

int
cell_control_update_load (const char *path, struct cell_spec_resources **out, struct cell_error **err)
{
  bool is_stdin = streq (path, "-");
  const char *display = is_stdin ? "stdin" : path;
  cleanup_close int own_fd = -1;
  cleanup_free char *buf = NULL;
  size_t len = 0, cap = 0;
  int fd = 0;

  *out = NULL;
  if (!is_stdin)
    {
      own_fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
      if (own_fd < 0)
        return cell_err_errno (err, "open `%s`", path);
      fd = own_fd;
    }
  for (;;)
    {
      ssize_t k;
      buf = xgrow (buf, &cap, len + 65536, 1);
      k = read (fd, buf + len, cap - len);
      if (k < 0 && errno == EINTR)
        continue;
      if (k < 0)
        return cell_err_errno (err, "read `%s`", display);
      if (k == 0)
        break;
      len += (size_t)k;
      if (len > RESOURCES_DOC_MAX)
        return cell_err (err, EFBIG, "%s: larger than %u MiB", display, RESOURCES_DOC_MAX >> 20);
    }
  return cell_spec_resources_load_buffer (buf ? buf : "", len, display, out, err);
}

/* Renames the JSON pointer in an error about `r`: "...: /linux/resources/memory/limit: cause" (the cgroup
   manager's) or "flags: /memory/limit: cause" (validation of flag values) becomes "SOURCE:
   /memory/limit: cause", or "--memory: cause" when the values came from flags. */
static void
retarget (struct cell_error *e, const char *source)
{
  static const char cg_prefix[] = "/linux/resources";
  static const char flag_prefix[] = "flags: ";
  const char *ptr, *rest;
  char *msg = NULL;

  if (e == NULL)
    return;
  if ((ptr = strstr (e->msg, cg_prefix)) != NULL)
    ptr += strlen (cg_prefix);
  else if (source == NULL && strncmp (e->msg, flag_prefix, strlen (flag_prefix)) == 0)
    ptr = e->msg + strlen (flag_prefix);
  else
    return;
  rest = strstr (ptr, ": ");
  if (*ptr != '/' || rest == NULL)
    return;
  if (source)
    msg = xasprintf ("%s: %s", source, ptr);
  else
    for (size_t i = 0; i < ARRAY_SIZE (update_flags) && msg == NULL; i++)
      if (update_flags[i].ptr && strlen (update_flags[i].ptr) == (size_t)(rest - ptr)
          && strncmp (update_flags[i].ptr, ptr, (size_t)(rest - ptr)) == 0)
        msg = xasprintf ("--%s%s", update_flags[i].name, rest);
  if (msg == NULL)
    msg = xasprintf ("%s", ptr);
  free (e->msg);
  e->msg = msg;
}

int
cell_control_update (struct cell_context *ctx, const char *id, const struct cell_spec_resources *r,
                     const char *source, struct cell_error **err)
{
  cleanup_target struct target t = { .c = { .dfd = -1 } };

  /* Everything static first: a bad value changes nothing. */
  if (cell_resources_validate (r, source ? source : "flags", "", err) < 0)
    {
      retarget (*err, source);
      return -1;
    }
  if (target_load (ctx, id, CELL_LOCK_SHARED, &t, err) < 0)
    return -1;
  /* runc updates created, running and paused containers. */
  if (t.status == CELL_STATUS_STOPPED || t.status == CELL_STATUS_CREATING)
    return cell_err (err, 0, "container `%s` is not running (status: %s)", id, cell_status_name (t.status));
  if (cell_cgroup_update (t.cg, r, err) < 0)
    {
      retarget (*err, source);
      return -1;
    }
  return 0;
}

/* ---- events ---- */

static uint64_t
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The stats line, or NULL when the cgroup files could not be read (*err set). */
static char *
stats_line (const char *id, struct cell_cgroup *cg, struct cell_error **err)
{
  struct cell_cgroup_stats s = { 0 };
  char *line;
  if (cell_cgroup_stats (cg, &s, err) < 0)
    return NULL;
  line = cell_cgroup_stats_json (id, &s);
  cell_cgroup_stats_clear (&s);
  return line;
}

/* Reports the OOM kills since the last check; *kills: how many. */
static int
emit_ooms (const char *id, struct cell_cgroup_oom *w, cell_control_event_fn fn, void *userdata,
           uint64_t *kills, struct cell_error **err)
{
  cleanup_free char *line = NULL;
  *kills = 0;
  if (w == NULL)
    return 0;
  if (cell_cgroup_oom_check (w, kills, err) < 0)
    return -1;
  line = cell_cgroup_oom_json (id);
  for (uint64_t i = 0; i < *kills; i++)
    if (fn (line, userdata, err) < 0)
      return -1;
  return 0;
}

/* A pidfd for init, checked against its start time (pid reuse). -1 with *gone when init has exited, -1
   alone when the kernel has no pidfds. */
static int
init_pidfd (const struct cell_state *st, bool *gone)
{
  int fd = (int)syscall (SYS_pidfd_open, st->pid, 0);
  *gone = fd < 0 ? errno != ENOSYS : cell_state_pid_start_time (st->pid) != st->start_time;
  if (*gone)
    cell_closep (&fd);
  return fd;
}

#define OOM_RECHECK_NS 20000000u          /* 20 ms */
#define OOM_RECHECK_WINDOW_NS 2000000000u /* 2 s */

static void
oom_freep (struct cell_cgroup_oom **w)
{
  cell_cgroup_oom_free (*w);
}

int
cell_control_events (struct cell_context *ctx, const char *id, bool stats_once, uint64_t interval_ns,
                     cell_control_event_fn fn, void *userdata, struct cell_error **err)
{
  cleanup_target struct target t = { .c = { .dfd = -1 } };
  __attribute__ ((cleanup (oom_freep))) struct cell_cgroup_oom *oom = NULL;
  cleanup_close int pidfd = -1;
  bool gone = false;
  uint64_t next, recheck_until = 0;

  if (interval_ns == 0)
    return cell_err (err, 0, "events: the interval must be greater than 0");
  if (target_load (ctx, id, CELL_LOCK_NONE, &t, err) < 0)
    return -1;
  if (t.status == CELL_STATUS_STOPPED || t.status == CELL_STATUS_CREATING)
    return cell_err (err, 0, "container `%s` is not running (status: %s)", id, cell_status_name (t.status));
  if (stats_once)
    {
      cleanup_free char *line = stats_line (id, t.cg, err);
      return line ? fn (line, userdata, err) : -1;
    }

  pidfd = init_pidfd (t.st, &gone);
  if (gone)
    return cell_err (err, 0, "container `%s` is not running (status: stopped)", id);
  {
    cleanup_error struct cell_error *e = NULL;
    if (cell_cgroup_oom_watch (t.cg, &oom, &e) < 0)
      cell_warn ("events: %s", e->msg);
  }
  next = now_ns () + interval_ns;
  for (;;)
    {
      struct pollfd p[2] = {
        { .fd = pidfd, .events = POLLIN },
        { .fd = oom ? cell_cgroup_oom_fd (oom) : -1, .events = POLLIN | POLLPRI },
      };
      uint64_t now = now_ns (), kills = 0;
      uint64_t wait = next > now ? next - now : 0;
      int n;
      /* Without pidfds, look at init at least twice a second. */
      if (pidfd < 0 && wait > 500000000u)
        wait = 500000000u;
      if (recheck_until > now && wait > OOM_RECHECK_NS)
        wait = OOM_RECHECK_NS;
      n = poll (p, 2, (int)((wait + 999999) / 1000000));
      if (n < 0 && errno != EINTR)
        return cell_err_errno (err, "events: poll");
      if ((n > 0 && (p[1].revents & (POLLIN | POLLPRI | POLLERR))) || recheck_until > now_ns ())
        {
          bool woken = n > 0 && (p[1].revents & (POLLIN | POLLPRI | POLLERR));
          if (emit_ooms (id, oom, fn, userdata, &kills, err) < 0)
            return -1;
          /* v1 signals the eventfd when the cgroup runs out of memory, before the victim is chosen: look
             again shortly for the kill that follows. */
          if (kills > 0)
            recheck_until = 0;
          else if (woken)
            recheck_until = now_ns () + OOM_RECHECK_WINDOW_NS;
        }
      /* Init is gone: report the kills that took it (the counter moves before the exit) and stop. */
      if ((n > 0 && (p[0].revents & (POLLIN | POLLHUP))) || (pidfd < 0 && !cell_state_init_alive (t.st)))
        return emit_ooms (id, oom, fn, userdata, &kills, err);
      if (now_ns () >= next)
        {
          cleanup_error struct cell_error *e = NULL;
          cleanup_free char *line = stats_line (id, t.cg, &e);
          /* runc logs a failed read and goes on */
          if (line == NULL)
            cell_warn ("events: %s", e->msg);
          else if (fn (line, userdata, err) < 0)
            return -1;
          next += interval_ns;
          if (next < now_ns ())
            next = now_ns () + interval_ns;
        }
    }
}

/* ---- parsers ---- */

int
cell_control_parse_duration (const char *s, uint64_t *ns, struct cell_error **err)
{
  static const struct
  {
    const char *unit;
    uint64_t ns;
  } units[] = {
    { "ns", 1 },
    { "us", 1000 },
    { "\xc2\xb5s", 1000 }, /* µs (micro sign) */
    { "\xce\xbcs", 1000 }, /* μs (Greek mu) */
    { "ms", 1000000 },
    { "s", 1000000000 },
    { "m", UINT64_C (60000000000) },
    { "h", UINT64_C (3600000000000) },
  };
  const char *p = s;
  long double total = 0;

  if (*p == '+')
    p++;
  if (streq (p, "0"))
    {
      *ns = 0;
      return 0;
    }
  if (*p == '\0' || *p == '-')
    return cell_err (err, 0, "invalid duration `%s`", s);
  while (*p)
    {
      const char *num = p;
      long double v = 0, scale = 1;
      bool digits = false;
      size_t best = 0, ulen = 0;
      while (*p >= '0' && *p <= '9')
        {
          v = v * 10 + (*p++ - '0');
          digits = true;
        }
      if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
          {
            scale /= 10;
            v += (*p - '0') * scale;
            digits = true;
          }
      if (!digits || p == num)
        return cell_err (err, 0, "invalid duration `%s`", s);
      for (size_t i = 0; i < ARRAY_SIZE (units); i++)
        {
          size_t l = strlen (units[i].unit);
          if (strncmp (p, units[i].unit, l) == 0 && l > ulen)
            {
              best = i;
              ulen = l;
            }
        }
      if (ulen == 0)
        return cell_err (err, 0, "invalid duration `%s`: missing or unknown unit (ns, us, ms, s, m, h)", s);
      p += ulen;
      total += v * (long double)units[best].ns;
      if (total > (long double)INT64_MAX)
        return cell_err (err, 0, "invalid duration `%s`: too large", s);
    }
  *ns = (uint64_t)total;
  return 0;
}

int
cell_control_parse_size (const char *s, int64_t *bytes, struct cell_error **err)
{
  static const char units[] = "kmgtp";
  const char *p = s;
  long double v = 0, scale = 1, mult = 1;
  bool digits = false;

  if (streq (s, "-1"))
    {
      *bytes = -1;
      return 0;
    }
  while (*p >= '0' && *p <= '9')
    {
      v = v * 10 + (*p++ - '0');
      digits = true;
    }
  if (*p == '.')
    {
      bool frac = false;
      for (p++; *p >= '0' && *p <= '9'; p++)
        {
          scale /= 10;
          v += (*p - '0') * scale;
          frac = true;
        }
      if (!frac)
        digits = false;
    }
  if (!digits)
    return cell_err (err, 0, "invalid size `%s`", s);
  if (*p == ' ')
    p++;
  if (*p && strchr (units, *p | 0x20))
    {
      for (const char *u = units; *u; u++)
        {
          mult *= 1024;
          if (*u == (*p | 0x20))
            break;
        }
      p++;
    }
  if (*p == 'i' || *p == 'I')
    p++;
  if (*p == 'b' || *p == 'B')
    p++;
  if (*p)
    return cell_err (err, 0, "invalid size `%s`", s);
  v *= mult;
  if (v > (long double)INT64_MAX)
    return cell_err (err, 0, "invalid size `%s`: too large", s);
  *bytes = (int64_t)v;
  return 0;
}
