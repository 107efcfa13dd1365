/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-state.c: container ID rules, signal names, and the state directory (create, lock, write, read, the
   start socket's holders). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "holders.h"
#include "signals.h"
#include "log.h"
#include "state.h"
#include "tap.h"

static void
check_id (const char *id, const char *want_err)
{
  struct cell_error *err = NULL;
  int r = cell_state_validate_id (id, &err);
  if (want_err == NULL)
    tap_ok (r == 0 && err == NULL, "ID `%s` accepted", id);
  else
    {
      tap_ok (r < 0, "ID rejected");
      tap_is_str (err ? err->msg : NULL, want_err, "... with the expected message");
    }
  cell_error_free (err);
}

/* want > 0: parses to `want`; otherwise fails with exactly "unknown signal `S`". */
static void
check_signal (const char *s, int want)
{
  struct cell_error *err = NULL;
  int sig = -1;
  int r = cell_signal_parse (s, &sig, &err);
  if (want > 0)
    tap_ok (r == 0 && sig == want && err == NULL, "signal `%s` -> %d (got %d)", s, want, sig);
  else
    {
      char want_msg[128];
      snprintf (want_msg, sizeof want_msg, "unknown signal `%s`", s);
      tap_ok (r < 0 && sig == -1, "signal `%s` rejected, nothing stored", s);
      tap_is_str (err ? err->msg : NULL, want_msg, "... with the expected message");
    }
  cell_error_free (err);
}

static void
check_signal_name (int sig, const char *want)
{
  const char *name = cell_signal_name (sig);
  char what[64];
  snprintf (what, sizeof what, "signal %d is named %s", sig, want ? want : "(none)");
  if (want)
    tap_is_str (name, want, what);
  else
    tap_ok (name == NULL, "signal %d has no name (got %s)", sig, name ? name : "NULL");
}

/* A state.json that is not what cell wrote is an error naming the member, with code EBADMSG, and
   salvage keeps only what is proven. */
static void
tampered (int dfd)
{
  static const struct
  {
    const char *json, *want;
  } cases[] = {
    { "{\"pid\":1,\"bundle\":\"/b\",\"annotations\":{},\"cell\":{\"startTime\":5}}",
      "container `c1`: state.json: /cell/ownPidns: missing or invalid (the file was changed?)" },
    { "{\"pid\":1,\"bundle\":\"/b\",\"annotations\":{}}",
      "container `c1`: state.json: /cell: missing or invalid (the file was changed?)" },
    { "{\"pid\":-1,\"bundle\":\"/b\",\"annotations\":{},\"cell\":{}}",
      "container `c1`: state.json: /pid: missing or invalid (the file was changed?)" },
    { "{\"pid\":\"1\",\"bundle\":\"/b\",\"annotations\":{},\"cell\":{}}",
      "container `c1`: state.json: /pid: missing or invalid (the file was changed?)" },
    { "{\"pid\":7,\"bundle\":\"/b\",\"annotations\":{},\"cell\":{\"startTime\":0,\"ownPidns\":true,"
      "\"process\":true,\"poststart\":false,\"poststop\":false}}",
      "container `c1`: state.json: /cell/startTime: missing or invalid (the file was changed?)" },
  };
  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    {
      struct cell_state *st = NULL;
      struct cell_error *err = NULL;
      int fd = openat (dfd, "state.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (fd < 0 || write (fd, cases[i].json, strlen (cases[i].json)) < 0)
        tap_ok (0, "write a tampered state");
      if (fd >= 0)
        close (fd);
      tap_ok (cell_state_read (dfd, "c1", &st, &err) < 0 && err && err->code == EBADMSG
                  && strcmp (err->msg, cases[i].want) == 0,
              "tampered state %zu: %s (got: %s)", i, cases[i].want, err ? err->msg : "accepted");
      cell_error_free (err);
      cell_state_free (st);
    }
  {
    struct cell_state *st = NULL;
    int fd = openat (dfd, "state.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const char *half = "{\"pid\":4242,\"bundle\":7,\"cell\":{\"startTime\":99}}";
    if (fd >= 0 && write (fd, half, strlen (half)) > 0)
      close (fd);
    cell_state_salvage (dfd, "c1", &st);
    tap_ok (st && st->pid == 4242 && st->start_time == 99 && st->cgroup == NULL,
            "salvage keeps the pid and start time, and no cgroup");
    cell_state_free (st);
    fd = openat (dfd, "state.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0 && write (fd, "{garbage", 8) > 0)
      close (fd);
    cell_state_salvage (dfd, "c1", &st);
    tap_ok (st && st->pid == 0, "salvage of garbage proves nothing");
    cell_state_free (st);
    fd = openat (dfd, "state.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    half = "{\"bundle\":\"/b\",\"cell\":{\"startTime\":99,\"cgroup\":\"v1:/cell/c1\"}}";
    if (fd >= 0 && write (fd, half, strlen (half)) > 0)
      close (fd);
    cell_state_salvage (dfd, "c1", &st);
    tap_ok (st && st->pid == 0 && st->start_time == 0 && st->cgroup
                && strcmp (st->cgroup, "v1:/cell/c1") == 0,
            "salvage without a pid keeps no start time, and the cgroup string");
    cell_state_free (st);
  }
}

/* The holders of the start socket, found without connecting: a child that holds the listening socket is
   found (the caller never is), a dead socket file or none is no holder, and a file that is not a socket is
   an error. */
static void
holders (int dfd)
{
  struct cell_holder *h = NULL;
  struct cell_error *err = NULL;
  size_t n = 9;
  int ls = -1, fd;
  pid_t child;

  tap_ok (cell_holders_find (dfd, "exec.sock", &h, &n, &err) == 0 && n == 0,
          "a start socket nobody listens on any more has no holder");
  cell_holders_free (h, n);
  unlinkat (dfd, "exec.sock", 0);
  tap_ok (cell_holders_find (dfd, "exec.sock", &h, &n, &err) == 0 && n == 0, "no start socket: no holder");
  cell_holders_free (h, n);
  if (cell_state_start_listen (dfd, "c1", &ls, &err) < 0)
    tap_ok (0, "the start socket is made again");
  child = fork ();
  if (child == 0)
    {
      pause ();
      _exit (0);
    }
  tap_ok (cell_holders_find (dfd, "exec.sock", &h, &n, &err) == 0 && n == 1 && h[0].pid == child
              && h[0].pidfd >= 0,
          "the child holding the start socket is its only holder (not the caller, which holds it too)");
  cell_holders_free (h, n);
  close (ls);
  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
  tap_ok (cell_holders_find (dfd, "exec.sock", &h, &n, &err) == 0 && n == 0, "once it died, no holder");
  cell_holders_free (h, n);
  unlinkat (dfd, "exec.sock", 0);
  fd = openat (dfd, "exec.sock", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0)
    close (fd);
  tap_ok (cell_holders_find (dfd, "exec.sock", &h, &n, &err) < 0 && err
              && strcmp (err->msg, "`exec.sock` is not a socket") == 0,
          "a start socket that is a regular file is an error");
  cell_error_free (err);
  unlinkat (dfd, "exec.sock", 0);
}

/* cell_time_utc_format against gmtime_r over 1900..2400: leap days, centuries, the epoch, before it. */
static void
check_time (void)
{
  static const long long fixed[] = { 0,
                                     -1,
                                     951782400 /* 2000-02-29 */,
                                     951868800,
                                     4107542400 /* 2100-03-01 */,
                                     -2208988800 /* 1900-01-01 */,
                                     1796310000 };
  char got[64], want[64];
  struct tm tm;
  int bad = 0;
  long long first_bad = 0;
  for (long long t = -2208988800LL; t < 13569465600LL; t += 86400 * 7 + 3607)
    {
      time_t tt = (time_t)t;
      gmtime_r (&tt, &tm);
      snprintf (want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.000000005Z", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
      cell_time_utc_format (got, sizeof got, t, 5);
      if (strcmp (got, want) != 0 && bad++ == 0)
        first_bad = t;
    }
  tap_ok (bad == 0,
          "the UTC stamp agrees with gmtime_r every week from 1900 to 2400 (%d differ, first at %lld)", bad,
          first_bad);
  cell_time_utc_format (got, sizeof got, fixed[2], 123456789);
  tap_is_str (got, "2000-02-29T00:00:00.123456789Z", "2000-02-29, a leap day of a 400-year century");
  cell_time_utc_format (got, sizeof got, fixed[4] - 1, 0);
  tap_is_str (got, "2100-02-28T23:59:59.000000000Z", "2100 has no February 29th");
  cell_time_utc_format (got, sizeof got, fixed[1], 0);
  tap_is_str (got, "1969-12-31T23:59:59.000000000Z", "a second before the epoch");
  cell_time_utc_format (got, sizeof got, fixed[6], 0);
  tap_is_str (got, "2026-12-03T15:00:00.000000000Z", "today");
}

/* A removed state dir is kept (at most two) and given to the next create; an fd that still holds the old
   one finds its ID gone once it has the lock. */
static void
spares (int root_dfd)
{
  struct cell_error *err = NULL;
  struct stat a, b, c;
  int d1 = -1, d2 = -1, d3 = -1, d4 = -1, stale = -1;

  tap_ok (fstatat (root_dfd, ".keep0", &a, 0) == 0 && S_ISDIR (a.st_mode),
          "the removed container's directory is kept as .keep0");
  tap_ok (cell_state_dir_create (root_dfd, "s1", NULL, 0, NULL, &d1, &err) == 0 && fstat (d1, &b) == 0
              && a.st_ino == b.st_ino && fstatat (root_dfd, ".keep0", &c, 0) < 0 && errno == ENOENT,
          "the next create takes it (%s)", err ? err->msg : "same inode");
  cell_error_freep (&err);
  tap_ok (cell_state_dir_create (root_dfd, "s1", NULL, 0, NULL, &d2, &err) < 0 && err
              && strcmp (err->msg, "container `s1` already exists") == 0,
          "a second create of the same ID is refused");
  cell_error_freep (&err);
  {
    /* a process that opened s1 and waits for its lock while s1 is removed: once it has the lock, s1 does
       not exist (not: the emptied directory, soon another container's) */
    pid_t pid = fork ();
    int status = -1;
    if (pid == 0)
      {
        int fd = -1;
        struct cell_error *e = NULL;
        close (d1); /* the lock stays the parent's alone */
        _exit (cell_state_dir_open (root_dfd, "s1", true, &fd, &e) < 0 && e && e->code == ENOENT ? 0 : 1);
      }
    usleep (200 * 1000); /* it has opened s1 and waits in flock */
    d3 = openat (root_dfd, "s1", O_RDONLY | O_DIRECTORY | O_CLOEXEC); /* d1's twin, for the removal */
    if (cell_state_dir_remove (root_dfd, "s1", &d1, &err) < 0)
      cell_error_freep (&err);
    waitpid (pid, &status, 0);
    tap_ok (WIFEXITED (status) && WEXITSTATUS (status) == 0,
            "a waiter for the lock of a removed container finds it gone (ENOENT), not its spare directory");
    d1 = -1;
    /* s1 again, for what follows */
    close (d3);
    if (cell_state_dir_create (root_dfd, "s1", NULL, 0, NULL, &d1, &err) < 0)
      cell_error_freep (&err);
    fstat (d1, &b);
  }
  stale = openat (root_dfd, "s1", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  tap_ok (cell_state_dir_remove (root_dfd, "s1", &d1, &err) == 0 && d1 == -1, "removed, its fd closed");
  tap_ok (cell_state_dir_create (root_dfd, "s2", NULL, 0, NULL, &d3, &err) == 0 && fstat (d3, &c) == 0
              && c.st_ino == b.st_ino,
          "another ID gets the same directory");
  tap_ok (fstat (stale, &a) == 0 && a.st_ino == c.st_ino, "... which an fd of the old container still holds");
  close (d3);
  tap_ok (cell_state_dir_open (root_dfd, "s2", true, &d4, &err) == 0, "the new ID opens");
  close (d4);
  close (stale);
  tap_ok (cell_state_dir_open (root_dfd, "s1", true, &d4, &err) < 0 && err && err->code == ENOENT,
          "the old ID does not exist");
  cell_error_freep (&err);
  /* three removals: two spares, the third directory goes */
  for (int i = 0; i < 3; i++)
    {
      char id[8];
      int fd = -1;
      snprintf (id, sizeof id, "t%d", i);
      if (cell_state_dir_create (root_dfd, id, NULL, 0, NULL, &fd, &err) < 0)
        cell_error_freep (&err);
      close (fd);
    }
  cell_state_dir_remove (root_dfd, "s2", NULL, NULL);
  for (int i = 0; i < 3; i++)
    {
      char id[8];
      snprintf (id, sizeof id, "t%d", i);
      cell_state_dir_remove (root_dfd, id, NULL, NULL);
    }
  tap_ok (fstatat (root_dfd, ".keep0", &a, 0) == 0 && fstatat (root_dfd, ".keep1", &a, 0) == 0
              && fstatat (root_dfd, "t2", &a, 0) < 0 && fstatat (root_dfd, "t1", &a, 0) < 0,
          "at most two spares: the other directories are removed");
  unlinkat (root_dfd, ".keep0", AT_REMOVEDIR);
  unlinkat (root_dfd, ".keep1", AT_REMOVEDIR);
}

/* A spare keeps config.json and state.json: the next create writes its own over them in place (the same
   inodes, cut to its length); a reader without the lock that still holds the old directory finds the new
   container's state there, refuses it, and finds its own container's name gone. */
static void
recycled (int root_dfd)
{
  static const char long_cfg[]
      = "{\"ociVersion\": \"1.0.0\", \"padding\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}";
  static const char short_cfg[] = "{}";
  struct cell_state a = { .id = (char *)"r1", .bundle = (char *)"/a-bundle-of-r1-with-a-longer-name" };
  struct cell_state b = { .id = (char *)"r2", .bundle = (char *)"/b" };
  struct cell_state *back = NULL;
  struct cell_error *err = NULL;
  struct stat c1, s1, c2, s2;
  char buf[128] = { 0 };
  int d1 = -1, d2 = -1, stale = -1, cfg = -1;
  ssize_t n = -1;

  tap_ok (cell_state_dir_create (root_dfd, "r1", long_cfg, strlen (long_cfg), &a, &d1, &err) == 0
              && fstatat (d1, "config.json", &c1, 0) == 0 && fstatat (d1, "state.json", &s1, 0) == 0,
          "r1 made with its config and state (%s)", err ? err->msg : "both there");
  cell_error_freep (&err);
  stale = openat (root_dfd, "r1", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  tap_ok (cell_state_dir_remove (root_dfd, "r1", &d1, &err) == 0, "r1 removed");
  tap_ok (cell_state_dir_create (root_dfd, "r2", short_cfg, strlen (short_cfg), &b, &d2, &err) == 0
              && fstatat (d2, "config.json", &c2, 0) == 0 && fstatat (d2, "state.json", &s2, 0) == 0
              && c1.st_ino == c2.st_ino && s1.st_ino == s2.st_ino,
          "r2 takes r1's directory with its config.json and state.json (no inode allocated)");
  cell_error_freep (&err);
  if ((cfg = openat (d2, "config.json", O_RDONLY | O_CLOEXEC)) >= 0)
    n = read (cfg, buf, sizeof buf - 1);
  tap_ok (n == (ssize_t)strlen (short_cfg) && strcmp (buf, short_cfg) == 0,
          "... its config.json is r2's alone (`%s`), cut to its length", buf);
  tap_ok (cell_state_read (d2, "r2", &back, &err) == 0 && back && strcmp (back->bundle, "/b") == 0,
          "... its state.json is r2's, cut to its length");
  cell_state_free (back);
  back = NULL;
  cell_error_freep (&err);
  tap_ok (cell_state_read (stale, "r1", &back, &err) < 0 && err && err->code == EBADMSG
              && !cell_state_dir_still_named (root_dfd, "r1", stale),
          "a reader still in r1's old directory: the state there names r2 (refused), r1 is gone");
  cell_state_free (back);
  cell_error_freep (&err);
  close (cfg);
  close (stale);
  cell_state_dir_remove (root_dfd, "r2", &d2, NULL);
  {
    /* an earlier version's spare (empty, .spare0) while no .keep is there: taken, the files made in it */
    struct cell_state c = { .id = (char *)"r3", .bundle = (char *)"/c" };
    int d3 = -1;
    mkdirat (root_dfd, ".spare0", 0700);
    fstatat (root_dfd, ".spare0", &c1, 0);
    renameat (root_dfd, ".keep0", root_dfd, ".hold");
    tap_ok (cell_state_dir_create (root_dfd, "r3", short_cfg, strlen (short_cfg), &c, &d3, &err) == 0
                && fstatat (root_dfd, "r3", &c2, 0) == 0 && c1.st_ino == c2.st_ino
                && cell_state_read (d3, "r3", &back, &err) == 0 && back && strcmp (back->bundle, "/c") == 0,
            "an earlier version's empty .spare0 is taken too, config and state made in it");
    cell_state_free (back);
    cell_error_freep (&err);
    cell_state_dir_remove (root_dfd, "r3", &d3, NULL);
    renameat (root_dfd, ".hold", root_dfd, ".keep1");
  }
  for (int i = 0; i < 2; i++)
    {
      char p[64];
      snprintf (p, sizeof p, ".keep%d/config.json", i);
      unlinkat (root_dfd, p, 0);
      snprintf (p, sizeof p, ".keep%d/state.json", i);
      unlinkat (root_dfd, p, 0);
      snprintf (p, sizeof p, ".keep%d", i);
      unlinkat (root_dfd, p, AT_REMOVEDIR);
    }
}

int
main (void)
{
  char tmpl[] = "/tmp/cell-test-state-XXXXXX";
  char long_id[200];
  struct cell_error *err = NULL;
  struct cell_state st = { 0 }, *back = NULL;
  const char *good = "{\"pid\":42,\"bundle\":\"/x\",\"annotations\":{},\"cell\":{\"startTime\":7,"
                     "\"ownPidns\":false,\"process\":true,\"poststart\":false,\"poststop\":true}}";
  const char *no_flags = "{\"pid\":42,\"bundle\":\"/x\",\"annotations\":{},\"cell\":{\"startTime\":7}}";
  struct cell_spec_kv ann = { .key = (char *)"org.example", .value = (char *)"v" };
  int root_dfd = -1, dfd = -1, dfd2 = -1;

  check_time ();
  check_id ("life-123", NULL);
  check_id ("a", NULL);
  check_id ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL);
  check_id ("a.b+c_d-e", NULL);
  check_id ("", "empty container ID");
  check_id (".", "invalid character `.` in the container ID `.`");
  check_id ("..", "invalid character `.` in the container ID `..`");
  check_id (".x", "invalid character `.` in the container ID `.x`");
  check_id ("a/b", "invalid character `/` in the container ID `a/b`");
  check_id ("-rf", "invalid character `-` in the container ID `-rf`");
  check_id ("foo bar", "invalid character ` ` in the container ID `foo bar`");
  check_id ("a\nb", "invalid character 0x0a in the container ID");
  memset (long_id, 'a', sizeof long_id - 1);
  long_id[sizeof long_id - 1] = '\0';
  check_id (long_id, "container ID `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...` is longer than 128 bytes");

  check_signal ("KILL", SIGKILL);
  check_signal ("SIGKILL", SIGKILL);
  check_signal ("kill", SIGKILL);
  check_signal ("9", SIGKILL);
  check_signal ("15", SIGTERM);
  check_signal ("SIGUSR1", SIGUSR1);
  check_signal ("RTMIN+1", SIGRTMIN + 1);
  check_signal ("FOO", -1);
  check_signal ("9abc", -1);
  check_signal ("999", -1);
  check_signal ("-1", -1);
  check_signal ("", -1);
  check_signal ("0", -1);
  check_signal ("+9", -1);
  check_signal (" 9", -1);
  check_signal ("SIG", -1);
  check_signal ("RTMIN+99", -1);
  check_signal ("SIGRTMAX-1", SIGRTMAX - 1);
  check_signal ("rtmax", SIGRTMAX);
  check_signal_name (SIGKILL, "SIGKILL");
  check_signal_name (SIGRTMIN, "SIGRTMIN");
  check_signal_name (SIGRTMIN + 3, "SIGRTMIN+3");
  check_signal_name (SIGRTMAX, "SIGRTMAX");
  check_signal_name (0, NULL);
  check_signal_name (SIGRTMAX + 1, NULL);

  tap_ok (cell_state_parse ("{\"pid\": 1,", 10, "c1", &back, &err) < 0 && back == NULL && err
              && err->code == EBADMSG,
          "a truncated state fails with EBADMSG");
  tap_is_str (err ? err->msg : NULL, "container `c1`: state.json: 1:10: parse error: premature EOF",
              "... naming the container, the file and the position");
  cell_error_free (err);
  err = NULL;
  tap_ok (cell_state_parse (no_flags, strlen (no_flags), "c1", &back, &err) < 0 && back == NULL && err
              && err->code == EBADMSG,
          "a state without cell's flags fails with EBADMSG (the strict reader)");
  tap_is_str (err ? err->msg : NULL,
              "container `c1`: state.json: /cell/ownPidns: missing or invalid (the file was changed?)",
              "... naming the first missing member");
  cell_error_free (err);
  err = NULL;
  tap_ok (cell_state_parse (good, strlen (good), "c2", &back, &err) == 0 && back && back->pid == 42
              && back->start_time == 7,
          "state parses from a buffer (pid, start time)");
  tap_is_str (back ? back->id : NULL, "c2", "... the ID is the caller's");
  tap_is_str (back ? back->bundle : NULL, "/x", "... bundle");
  tap_ok (back && !back->own_pidns && back->has_process && !back->has_poststart && back->has_poststop,
          "... ownPidns, process, poststart and poststop flags");
  cell_state_free (back);
  back = NULL;

  tap_ok (mkdtemp (tmpl) != NULL, "temp root");
  tap_ok (cell_state_root_open (tmpl, &root_dfd, &err) == 0, "root opens");
  tap_ok (cell_state_dir_create (root_dfd, "c1", NULL, 0, NULL, &dfd, &err) == 0, "state dir created");
  tap_ok (cell_state_dir_create (root_dfd, "c1", NULL, 0, NULL, &dfd2, &err) < 0 && err
              && strcmp (err->msg, "container `c1` already exists") == 0,
          "second create of the same ID: already exists");
  cell_error_free (err);
  err = NULL;
  st.id = (char *)"c1";
  st.pid = getpid ();
  st.start_time = cell_state_pid_start_time (getpid ());
  st.bundle = (char *)"/b";
  st.rootfs = (char *)"/b/rootfs";
  st.created = (char *)"2026-01-01T00:00:00.000000000Z";
  st.owner = (char *)"root";
  st.cgroup = (char *)"v1:/cell/c1";
  st.own_pidns = true;
  st.has_process = true;
  st.has_poststop = true;
  st.annotations = &ann;
  st.n_annotations = 1;
  tap_ok (st.start_time != 0, "own start time read from /proc");
  tap_ok (cell_state_write (dfd, &st, &err) == 0, "state written");
  tap_ok (cell_state_read (dfd, "c1", &back, &err) == 0, "state read back");
  tap_ok (back && back->pid == st.pid && back->start_time == st.start_time,
          "state round-trips pid and start time");
  tap_is_str (back ? back->bundle : NULL, "/b", "... bundle");
  tap_is_str (back ? back->rootfs : NULL, "/b/rootfs", "... rootfs");
  tap_is_str (back ? back->created : NULL, "2026-01-01T00:00:00.000000000Z", "... created");
  tap_is_str (back ? back->owner : NULL, "root", "... owner");
  tap_is_str (back ? back->cgroup : NULL, "v1:/cell/c1", "... cgroup");
  tap_ok (back && back->own_pidns && back->has_process && !back->has_poststart && back->has_poststop,
          "... ownPidns, process, poststart and poststop");
  tap_ok (back && back->n_annotations == 1, "... one annotation");
  tap_is_str (back && back->n_annotations ? back->annotations[0].value : NULL, "v", "... its value");
  tap_ok (back && cell_state_status (dfd, back, false) == CELL_STATUS_RUNNING,
          "a live pid without the start socket is running");
  tap_ok (back && cell_state_status (dfd, back, true) == CELL_STATUS_PAUSED, "frozen is paused");
  {
    int ls = -1;
    tap_ok (cell_state_start_listen (dfd, "c1", &ls, &err) == 0, "the start socket is made");
    tap_ok (back && cell_state_status (dfd, back, false) == CELL_STATUS_CREATED,
            "with the start socket: created");
    close (ls);
  }
  tampered (dfd);
  holders (dfd);
  if (back)
    back->start_time++;
  tap_ok (back && cell_state_status (dfd, back, false) == CELL_STATUS_STOPPED,
          "a recycled pid (start time differs) is stopped");
  cell_state_free (back);
  close (dfd);
  tap_ok (cell_state_dir_remove (root_dfd, "c1", NULL, &err) == 0, "state dir removed");
  tap_ok (cell_state_dir_open (root_dfd, "c1", false, &dfd, &err) < 0 && err
              && strcmp (err->msg, "container `c1` does not exist") == 0,
          "removed container does not exist");
  cell_error_free (err);
  err = NULL;
  spares (root_dfd);
  recycled (root_dfd);
  close (root_dfd);
  rmdir (tmpl);
  return tap_done ();
}
