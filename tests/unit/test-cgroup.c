/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-cgroup.c: the cgroup manager without privileges, on scratch trees laid out like /sys/fs/cgroup:
   the strict state parse, the v1, v2 and hybrid file writes of linux.resources (with the conversions),
   the errors naming JSON pointers, stats JSON; and resources.h's dup, dump and validation. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cgroup.h"
#include "resources.h"
#include "spec.h"
#include "tap.h"
#include "xalloc.h"

static char scratch[] = "/tmp/cell-test-cgroup.XXXXXX";

static void
put (const char *dir, const char *file, const char *content)
{
  char *p = xasprintf ("%s/%s", dir, file);
  int fd = open (p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0)
    {
      if (write (fd, content, strlen (content)) < 0)
        perror ("write");
      close (fd);
    }
  free (p);
}

static char *
get (const char *dir, const char *file)
{
  char *p = xasprintf ("%s/%s", dir, file), buf[4096];
  int fd = open (p, O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read (fd, buf, sizeof buf - 1);
  free (p);
  if (fd >= 0)
    close (fd);
  if (n < 0)
    return xstrdup ("(missing)");
  buf[n] = '\0';
  return xstrdup (buf);
}

static void
is_file (const char *dir, const char *file, const char *want)
{
  char *got = get (dir, file), *name = xasprintf ("%s = %s", file, want);
  tap_is_str (got, want, name);
  free (got);
  free (name);
}

static void
mkdirs (const char *path)
{
  char *p = xstrdup (path);
  for (char *s = p + 1; *s; s++)
    if (*s == '/')
      {
        *s = '\0';
        mkdir (p, 0755);
        *s = '/';
      }
  mkdir (p, 0755);
  free (p);
}

static struct cell_spec_resources *
res (const char *json)
{
  struct cell_spec_resources *r = NULL;
  struct cell_error *err = NULL;
  if (cell_spec_resources_load_buffer (json, strlen (json), "r.json", &r, &err) < 0)
    {
      printf ("# load: %s\n", err->msg);
      cell_error_free (err);
      return NULL;
    }
  if (cell_resources_validate (r, "r.json", "", &err) < 0)
    {
      printf ("# validate: %s\n", err->msg);
      cell_error_free (err);
    }
  return r;
}

/* Applies `json` as an update; returns the error message (or NULL). */
static char *
update (struct cell_cgroup *cg, const char *json)
{
  struct cell_spec_resources *r = res (json);
  struct cell_error *err = NULL;
  char *msg = NULL;
  if (r == NULL)
    return xstrdup ("(load failed)");
  if (cell_cgroup_update (cg, r, &err) < 0)
    {
      msg = xstrdup (err->msg);
      cell_error_free (err);
    }
  cell_resources_free (r);
  return msg;
}

static void
expect_error (struct cell_cgroup *cg, const char *json, const char *want, const char *name)
{
  char *msg = update (cg, json);
  int ok = msg && strstr (msg, want);
  tap_ok (ok, "%s", name);
  if (!ok)
    printf ("#   got:  %s\n#   want: ...%s...\n", msg ? msg : "(success)", want);
  free (msg);
}

/* ---- state ---- */

static void
test_state (void)
{
  char *root = xasprintf ("%s/state", scratch);
  static const char *const bad[] = {
    "hybrid:/.",
    "hybrid://",
    "hybrid:/cell/.",
    "hybrid:/cell/x;memory=//",
    "hybrid:/",
    "hybrid:/cell/..",
    "hybrid:/cell/../x",
    "hybrid:/cell//x",
    "hybrid:/cell/x/",
    "hybrid:",
    "hybrid:cell/x",
    "hybrid:/cell/x;;",
    "hybrid:/cell/x;",
    "hybrid:/a;+2",
    "hybrid:/a;bogus=/b",
    "hybrid:/a;memory=/.",
    "hybrid:/a;pids+9",
    "v9:/cell/x",
    "/cell/x",
    "hybrid:/cell/x;memory=/b/../..",
  };
  struct cell_cgroup *cg = NULL;
  struct cell_error *err = NULL;
  char *s;

  mkdirs (root);
  for (size_t i = 0; i < 4; i++)
    {
      static const char *const h[] = { "memory", "pids", "unified", "devices" };
      char *d = xasprintf ("%s/%s", root, h[i]);
      mkdirs (d);
      free (d);
    }
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      int r = cell_cgroup_deserialize_at (root, bad[i], &cg, &err);
      tap_ok (r < 0 && cg == NULL && err && strstr (err->msg, "invalid cgroup state"),
              "state `%s` refused (%s)", bad[i], err ? err->msg : "accepted");
      cell_error_free (err);
      err = NULL;
      cell_cgroup_free (cg);
      cg = NULL;
    }
  tap_ok (cell_cgroup_deserialize_at (root, "hybrid:/cell/x;+2;memory=/other/y;memory+1", &cg, &err) == 0,
          "a state with per-hierarchy parts is accepted");
  s = cg ? cell_cgroup_serialize (cg) : NULL;
  tap_is_str (s, "hybrid:/cell/x;+2;memory=/other/y;memory+1", "... and serialises back the same");
  tap_ok (s && !cell_cgroup_state_is_v2 (s) && cell_cgroup_state_is_v2 ("v2:/cell/x")
              && !cell_cgroup_state_is_v2 ("v1:/cell/x") && !cell_cgroup_state_is_v2 ("v2x:/cell/x"),
          "a state's freezer: cgroup2 for `v2:` alone");
  free (s);
  cell_cgroup_free (cg);
  cg = NULL;
  /* a rootless runtime's cgroup has no device policy: `update` knows it from the state and writes none */
  {
    char *dev = xasprintf ("%s/devices/cell/x", root), *msg, *deny;
    mkdirs (dev);
    put (dev, "devices.deny", "untouched");
    put (dev, "devices.allow", "untouched");
    cg = NULL;
    tap_ok (cell_cgroup_deserialize_at (root, "hybrid:/cell/x;+1;-devices", &cg, &err) == 0,
            "a state with `-devices` is accepted (%s)", err ? err->msg : "ok");
    s = cg ? cell_cgroup_serialize (cg) : NULL;
    tap_is_str (s, "hybrid:/cell/x;+1;-devices", "... and serialises back the same");
    free (s);
    msg = cg ? update (cg, "{\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]}") : xstrdup ("no cg");
    deny = get (dev, "devices.deny");
    tap_ok (msg == NULL && deny && streq (deny, "untouched"),
            "... whose update with device rules writes no policy (%s)", msg ? msg : deny);
    free (msg);
    free (deny);
    cell_cgroup_free (cg);
    cg = NULL;
    if (cell_cgroup_deserialize_at (root, "hybrid:/cell/x;+1", &cg, &err) == 0)
      {
        msg = update (cg, "{\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]}");
        deny = get (dev, "devices.deny");
        tap_ok (msg == NULL && deny && !streq (deny, "untouched"),
                "... while without it the same update writes the policy (devices.deny `%s`)",
                deny ? deny : "-");
        free (msg);
        free (deny);
      }
    else
      tap_ok (false, "the state without `-devices` is accepted");
    cell_cgroup_free (cg);
    free (dev);
  }
  cell_error_free (err);
  free (root);
}

/* ---- v2 ---- */

static struct cell_cgroup *
make_cg (const char *root, enum cell_cgroup_mode mode, const char *path)
{
  struct cell_cgroup *cg = NULL;
  struct cell_error *err = NULL;
  if (cell_cgroup_new_at (root, path, "x", false, mode, &cg, &err) < 0 || cell_cgroup_create (cg, &err) < 0)
    {
      printf ("# %s\n", err->msg);
      cell_error_free (err);
      cell_cgroup_free (cg);
      return NULL;
    }
  return cg;
}

static void
test_v2 (void)
{
  char *root = xasprintf ("%s/v2", scratch), *leaf = xasprintf ("%s/v2/t/c", scratch), *msg;
  struct cell_cgroup *cg;
  struct cell_cgroup_stats st;
  struct cell_error *err = NULL;
  static const char *const files[]
      = { "memory.max",    "memory.swap.max", "memory.low",  "memory.high",  "cpu.weight",   "cpu.max",
          "cpu.max.burst", "cpu.idle",        "cpuset.cpus", "cpuset.mems",  "pids.max",     "io.weight",
          "io.max",        "hugetlb.2MB.max", "rdma.max",    "cgroup.procs", "cgroup.freeze" };

  mkdirs (root);
  put (root, "cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma\n");
  put (root, "cgroup.subtree_control", "");
  cg = make_cg (root, CELL_CGROUP_V2, "/t/c");
  tap_ok (cg != NULL, "v2 scratch tree: cgroup created");
  if (cg == NULL)
    return;
  for (size_t i = 0; i < ARRAY_SIZE (files); i++)
    put (leaf, files[i], "");
  put (leaf, "cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma\n");
  put (leaf, "cpu.max", "max 100000\n");

  msg = update (cg,
                "{\"memory\": {\"limit\": 123456789, \"swap\": 223456789, \"reservation\": 23456789},"
                " \"cpu\": {\"shares\": 2048, \"quota\": 50000, \"period\": 250000, \"burst\": 10000,"
                " \"idle\": 1, \"cpus\": \"0\", \"mems\": \"0\"}, \"pids\": {\"limit\": 77},"
                " \"blockIO\": {\"weight\": 500, \"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 16,"
                " \"rate\": 1048576}]}, \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 4194304}],"
                " \"rdma\": {\"mlx5_1\": {\"hcaHandles\": 3, \"hcaObjects\": 10000}},"
                " \"unified\": {\"memory.high\": \"99999\"}}");
  tap_ok (msg == NULL, "v2: every supported field applies (%s)", msg ? msg : "ok");
  free (msg);
  is_file (leaf, "memory.max", "123456789");
  is_file (leaf, "memory.swap.max", "100000000"); /* swap is memory+swap: 223456789 - 123456789 */
  is_file (leaf, "memory.low", "23456789");
  is_file (leaf, "cpu.weight", "79"); /* 1 + (2048 - 2) * 9999 / 262142 */
  is_file (leaf, "cpu.max", "50000 250000");
  is_file (leaf, "cpu.max.burst", "10000");
  is_file (leaf, "cpu.idle", "1");
  is_file (leaf, "cpuset.cpus", "0");
  is_file (leaf, "pids.max", "77");
  is_file (leaf, "io.weight", "4950"); /* 1 + (500 - 10) * 9999 / 990 */
  is_file (leaf, "io.max", "8:16 rbps=1048576");
  is_file (leaf, "hugetlb.2MB.max", "4194304");
  is_file (leaf, "rdma.max", "mlx5_1 hca_handle=3 hca_object=10000");
  is_file (leaf, "memory.high", "99999");

  /* update: a lone period keeps the live quota; -1 is "max" */
  put (leaf, "cpu.max", "30000 100000\n");
  msg = update (cg,
                "{\"cpu\": {\"period\": 200000}, \"memory\": {\"limit\": -1}, \"pids\": {\"limit\": -1}}");
  free (msg);
  is_file (leaf, "cpu.max", "30000 200000");
  is_file (leaf, "memory.max", "max");
  is_file (leaf, "pids.max", "max");
  put (leaf, "memory.max", "1000000\n");
  msg = update (cg, "{\"memory\": {\"swap\": 3000000}}");
  free (msg);
  is_file (leaf, "memory.swap.max", "2000000");

  expect_error (cg, "{\"memory\": {\"swappiness\": 10}}",
                "/linux/resources/memory/swappiness: cgroup v2 has no",
                "v2: swappiness is an error naming its pointer");
  expect_error (cg, "{\"network\": {\"classID\": 7}}",
                "/linux/resources/network/classID: cgroup v2 has no `net_cls`",
                "v2: network.classID is an error naming its pointer");
  expect_error (cg, "{\"cpu\": {\"realtimeRuntime\": 5000}}", "/linux/resources/cpu/realtimeRuntime:",
                "v2: realtimeRuntime is an error naming its pointer");
  expect_error (cg, "{\"hugepageLimits\": [{\"pageSize\": \"64KB\", \"limit\": 1}]}",
                "/linux/resources/hugepageLimits/0/pageSize: this host has no 64KB huge pages",
                "v2: an unknown huge page size is an error");
  expect_error (cg, "{\"unified\": {\"misc.max\": \"1\"}}",
                "/linux/resources/unified/misc.max: the `misc` controller is not available",
                "v2: a unified key of an absent controller is an error (config-linux.md MUST)");
  expect_error (cg, "{\"blockIO\": {\"leafWeight\": 300}}",
                "/linux/resources/blockIO/leafWeight: cgroup v2 has no",
                "v2: blockIO.leafWeight is an error");
  put (leaf, "memory.current", "5000000\n");
  expect_error (cg, "{\"memory\": {\"limit\": 4000000, \"checkBeforeUpdate\": true}}",
                "/linux/resources/memory/limit: 4000000 is below the current usage 5000000",
                "checkBeforeUpdate refuses a limit below the usage");
  msg = update (cg, "{\"memory\": {\"limit\": 4000000}}");
  is_file (leaf, "memory.max", "4000000");
  free (msg);

  /* stats from the same files */
  put (leaf, "cpu.stat",
       "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 7\nnr_throttled 3\n"
       "throttled_usec 42\n");
  put (leaf, "memory.stat", "anon 4096\nfile 8192\n");
  put (leaf, "memory.events", "low 0\nhigh 0\nmax 2\noom 1\noom_kill 1\n");
  put (leaf, "pids.current", "5\n");
  put (leaf, "pids.max", "max\n");
  put (leaf, "io.stat", "8:16 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n");
  put (leaf, "hugetlb.2MB.current", "2097152\n");
  put (leaf, "hugetlb.2MB.events", "max 4\n");
  tap_ok (cell_cgroup_stats (cg, &st, &err) == 0, "v2 stats read");
  {
    char *j = cell_cgroup_stats_json ("c1", &st);
    tap_is_str (
        j,
        "{\"type\":\"stats\",\"id\":\"c1\",\"data\":{\"cpu\":{\"usage\":{\"total\":1500000,\"kernel\":500000,"
        "\"user\":"
        "1000000},\"throttling\":{\"periods\":7,\"throttledPeriods\":3,\"throttledTime\":42000}},\"memory\":{"
        "\"cache\":8192,\"usage\":{\"limit\":4000000,\"usage\":5000000,\"failcnt\":2},\"swap\":{\"limit\":"
        "6000000,\"usage\":5000000,\"failcnt\":0},\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{"
        "\"limit\":0,"
        "\"failcnt\":0},\"raw\":{\"anon\":4096,\"file\":8192}},\"pids\":{\"current\":5},\"blkio\":{"
        "\"ioServiceBytesRecursive\":[{\"major\":8,\"minor\":16,\"op\":\"Read\",\"value\":4096},{\"major\":8,"
        "\"minor\":16,\"op\":\"Write\",\"value\":8192},{\"major\":8,\"minor\":16,\"op\":\"Discard\"}],"
        "\"ioServicedRecursive\":[{\"major\":8,\"minor\":16,\"op\":\"Read\",\"value\":1},{\"major\":8,"
        "\"minor\":16,"
        "\"op\":\"Write\",\"value\":2},{\"major\":8,\"minor\":16,\"op\":\"Discard\"}]},\"hugetlb\":{\"2MB\":{"
        "\"usage\":2097152,\"failcnt\":4}}}}",
        "v2 stats JSON has runc's names, values and omissions");
    free (j);
  }
  cell_cgroup_stats_clear (&st);
  cell_error_free (err);
  cell_cgroup_free (cg);
  free (root);
  free (leaf);
}

/* ---- v1 and hybrid ---- */

static void
test_v1 (void)
{
  char *root = xasprintf ("%s/v1", scratch), *msg, *d;
  struct cell_cgroup *cg;
  static const char *const hiers[]
      = { "memory", "cpu,cpuacct", "cpuset", "pids", "blkio", "net_cls", "freezer", "unified" };
  static const char *const files[] = { "memory/memory.limit_in_bytes",
                                       "memory/memory.memsw.limit_in_bytes",
                                       "memory/memory.soft_limit_in_bytes",
                                       "memory/memory.kmem.tcp.limit_in_bytes",
                                       "memory/memory.swappiness",
                                       "memory/memory.oom_control",
                                       "cpu,cpuacct/cpu.shares",
                                       "cpu,cpuacct/cpu.cfs_quota_us",
                                       "cpu,cpuacct/cpu.cfs_period_us",
                                       "cpu,cpuacct/cpu.rt_period_us",
                                       "pids/pids.max",
                                       "blkio/blkio.bfq.weight",
                                       "blkio/blkio.bfq.weight_device",
                                       "blkio/blkio.throttle.write_iops_device",
                                       "net_cls/net_cls.classid" };

  for (size_t i = 0; i < ARRAY_SIZE (hiers); i++)
    {
      d = xasprintf ("%s/%s", root, hiers[i]);
      mkdirs (d);
      free (d);
    }
  d = xasprintf ("%s/cpuset", root);
  put (d, "cpuset.cpus", "0-1\n");
  put (d, "cpuset.mems", "0\n");
  free (d);
  d = xasprintf ("%s/unified", root);
  put (d, "cgroup.controllers", "hugetlb\n");
  put (d, "cgroup.subtree_control", "");
  free (d);
  cg = make_cg (root, CELL_CGROUP_HYBRID, "/p/c");
  tap_ok (cg != NULL, "hybrid scratch tree: cgroup created");
  if (cg == NULL)
    return;
  for (size_t i = 0; i < ARRAY_SIZE (files); i++)
    {
      char *dir = xasprintf ("%s/%.*s/p/c", root, (int)strcspn (files[i], "/"), files[i]);
      put (dir, strchr (files[i], '/') + 1, "");
      free (dir);
    }
  d = xasprintf ("%s/unified/p", root);
  put (d, "cgroup.subtree_control", "");
  free (d);
  d = xasprintf ("%s/unified/p/c", root);
  put (d, "hugetlb.1GB.max", "");
  free (d);

  msg = update (
      cg, "{\"memory\": {\"limit\": 123456789, \"swap\": 223456789, \"reservation\": 23456789,"
          " \"kernelTCP\": 16777216, \"swappiness\": 33, \"disableOOMKiller\": true},"
          " \"cpu\": {\"shares\": 2048, \"quota\": 50000, \"period\": 250000, \"realtimePeriod\": 900000},"
          " \"pids\": {\"limit\": 77}, \"blockIO\": {\"weight\": 500, \"weightDevice\": [{\"major\": 8,"
          " \"minor\": 16, \"weight\": 300}], \"throttleWriteIOPSDevice\": [{\"major\": 8, \"minor\": 16,"
          " \"rate\": 120}]}, \"network\": {\"classID\": 1048577},"
          " \"hugepageLimits\": [{\"pageSize\": \"1GB\", \"limit\": 1073741824}]}");
  tap_ok (msg == NULL, "hybrid: every field applies (%s)", msg ? msg : "ok");
  free (msg);
#define V1(h, f, v)                                                                                          \
  do                                                                                                         \
    {                                                                                                        \
      char *dir_ = xasprintf ("%s/%s/p/c", root, h);                                                         \
      is_file (dir_, f, v);                                                                                  \
      free (dir_);                                                                                           \
    }                                                                                                        \
  while (0)
  V1 ("memory", "memory.limit_in_bytes", "123456789");
  V1 ("memory", "memory.memsw.limit_in_bytes", "223456789");
  V1 ("memory", "memory.soft_limit_in_bytes", "23456789");
  V1 ("memory", "memory.kmem.tcp.limit_in_bytes", "16777216");
  V1 ("memory", "memory.swappiness", "33");
  V1 ("memory", "memory.oom_control", "1");
  V1 ("cpu,cpuacct", "cpu.shares", "2048");
  V1 ("cpu,cpuacct", "cpu.cfs_quota_us", "50000");
  V1 ("cpu,cpuacct", "cpu.cfs_period_us", "250000");
  V1 ("cpu,cpuacct", "cpu.rt_period_us", "900000");
  V1 ("pids", "pids.max", "77");
  V1 ("blkio", "blkio.bfq.weight", "500");
  V1 ("blkio", "blkio.bfq.weight_device", "8:16 300");
  V1 ("blkio", "blkio.throttle.write_iops_device", "8:16 120");
  V1 ("net_cls", "net_cls.classid", "1048577");
  V1 ("unified", "hugetlb.1GB.max", "1073741824");
  d = xasprintf ("%s/unified", root);
  is_file (d, "cgroup.subtree_control", "+hugetlb"); /* enabled on the path, as cgroup v2 requires */
  free (d);
  expect_error (cg, "{\"network\": {\"priorities\": [{\"name\": \"eth0\", \"priority\": 5}]}}",
                "/linux/resources/network/priorities: the `net_prio` cgroup controller is not available",
                "hybrid: a controller the host lacks is an error naming the pointer");
  expect_error (cg, "{\"unified\": {\"memory.high\": \"1\"}}",
                "/linux/resources/unified/memory.high: the `memory` controller is bound to cgroup v1",
                "hybrid: a unified key of a v1-bound controller is an error");
  expect_error (cg, "{\"memory\": {\"useHierarchy\": false}}", "/linux/resources/memory/useHierarchy",
                "a file the host lacks is an error naming the pointer");
  cell_cgroup_free (cg);
  free (root);
}

static void
test_v1_only (void)
{
  char *root = xasprintf ("%s/v1only", scratch), *d = xasprintf ("%s/v1only/memory", scratch);
  struct cell_cgroup *cg;
  mkdirs (d);
  cg = make_cg (root, CELL_CGROUP_V1, "/p/c");
  if (cg)
    expect_error (cg, "{\"unified\": {\"memory.high\": \"1\"}}",
                  "/linux/resources/unified: needs cgroup v2 (this host has only cgroup v1)",
                  "v1: unified is a clear error");
  cell_cgroup_free (cg);
  free (root);
  free (d);
}

/* ---- resources.h ---- */

static void
test_resources (void)
{
  struct cell_spec_resources *r = res (
      "{\"devices\": [{\"allow\": false, \"access\": \"rwm\"}, {\"allow\": true, \"type\": \"c\", \"major\": "
      "1,"
      " \"minor\": 3, \"access\": \"rw\"}], \"memory\": {\"limit\": 1048576, \"disableOOMKiller\": true},"
      " \"cpu\": {\"cpus\": \"0-1\"}, \"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": 0, "
      "\"weight\": 500}]},"
      " \"network\": {\"priorities\": [{\"name\": \"eth0\", \"priority\": 5}]},"
      " \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 4194304}], \"rdma\": {\"mlx4_0\": "
      "{\"hcaObjects\": 9}},"
      " \"unified\": {\"memory.high\": \"1G\"}}");
  struct cell_spec_resources *c = cell_resources_dup (r);
  char *a = cell_resources_dump (r), *b;
  cell_resources_free (r);
  b = cell_resources_dump (c);
  tap_is_str (b, a, "the deep copy dumps like the original after the original is freed");
  tap_is_str (a,
              "/devices/0/allow false\n"
              "/devices/0/type -\n"
              "/devices/0/access rwm\n"
              "/devices/1/allow true\n"
              "/devices/1/type c\n"
              "/devices/1/major 1\n"
              "/devices/1/minor 3\n"
              "/devices/1/access rw\n"
              "/memory/limit 1048576\n"
              "/memory/disableOOMKiller true\n"
              "/cpu/cpus 0-1\n"
              "/blockIO/weightDevice/0/major 8\n"
              "/blockIO/weightDevice/0/minor 0\n"
              "/blockIO/weightDevice/0/weight 500\n"
              "/hugepageLimits/2MB 4194304\n"
              "/network/priorities/0/name eth0\n"
              "/network/priorities/0/priority 5\n"
              "/rdma/mlx4_0 hca_object=9\n"
              "/unified/memory.high 1G\n",
              "the dump: one line per set field, in the spec's order");
  free (a);
  free (b);
  cell_resources_free (c);
  b = cell_resources_dump (NULL);
  tap_is_str (b, "", "nothing set dumps as nothing");
  free (b);

  {
    static const struct
    {
      const char *json, *want;
    } bad[] = {
      { "{\"memory\": {\"limit\": -2}}", "r.json: /memory/limit: -2 is not a limit" },
      { "{\"memory\": {\"limit\": 2000, \"swap\": 1000}}",
        "r.json: /memory/swap: 1000 is below memory/limit" },
      { "{\"memory\": {\"swappiness\": 101}}", "r.json: /memory/swappiness: 101 is outside [0, 100]" },
      { "{\"cpu\": {\"cpus\": \"3-1\"}}", "r.json: /cpu/cpus: `3-1` is not a CPU list" },
      { "{\"cpu\": {\"cpus\": \"0,,1\"}}", "r.json: /cpu/cpus: `0,,1` is not a CPU list" },
      { "{\"cpu\": {\"mems\": \"x\"}}", "r.json: /cpu/mems: `x` is not a memory node list" },
      { "{\"cpu\": {\"quota\": 1000, \"burst\": 2000}}",
        "r.json: /cpu/burst: 2000 is larger than quota 1000" },
      { "{\"cpu\": {\"quota\": -5}}", "r.json: /cpu/quota: -5 is not a quota" },
      { "{\"cpu\": {\"idle\": 2}}", "r.json: /cpu/idle: must be 0 or 1" },
      { "{\"pids\": {\"limit\": -3}}", "r.json: /pids/limit: -3 is not a limit" },
      { "{\"blockIO\": {\"weight\": 5}}", "r.json: /blockIO/weight: 5 is outside [10, 1000]" },
      { "{\"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": 0}]}}",
        "r.json: /blockIO/weightDevice/0: needs weight or leafWeight" },
      { "{\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": -1, \"minor\": 0, \"rate\": 1}]}}",
        "r.json: /blockIO/throttleReadBpsDevice/0: major and minor must not be negative" },
      { "{\"hugepageLimits\": [{\"pageSize\": \"2XB\", \"limit\": 1}]}",
        "r.json: /hugepageLimits/0/pageSize: `2XB` is not a size" },
      { "{\"network\": {\"priorities\": [{\"name\": \"eth0 1\", \"priority\": 1}]}}",
        "r.json: /network/priorities/0/name: invalid interface name" },
      { "{\"unified\": {\"../memory.max\": \"1\"}}",
        "r.json: /unified/../memory.max: not a cgroup interface file" },
      { "{\"devices\": [{\"allow\": true, \"access\": \"rwx\"}]}",
        "r.json: /devices/0/access: invalid access" },
    };
    for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
      {
        struct cell_spec_resources *x = NULL;
        struct cell_error *err = NULL;
        int ok = cell_spec_resources_load_buffer (bad[i].json, strlen (bad[i].json), "r.json", &x, &err) == 0
                 && cell_resources_validate (x, "r.json", "", &err) < 0
                 && strstr (err->msg, bad[i].want) == err->msg;
        tap_ok (ok, "invalid: %s", bad[i].want);
        if (!ok)
          printf ("#   got: %s\n", err ? err->msg : "(valid)");
        cell_error_free (err);
        cell_resources_free (x);
      }
  }
  {
    const char *j = "{\"rdma\": {\"mlx4_0\": {}}}";
    struct cell_spec_resources *x = NULL;
    struct cell_error *err = NULL;
    tap_ok (cell_spec_resources_load_buffer (j, strlen (j), "r.json", &x, &err) < 0
                && streq (err->msg, "r.json: /rdma/mlx4_0: needs hcaHandles or hcaObjects"),
            "an rdma entry without a limit is refused (config-linux.md MUST)");
    cell_error_free (err);
    cell_resources_free (x);
  }
}

/* list's remembered mount table: a cgroup deserialized while it is on borrows the table's strings, comes
   out the same as one read afresh, is refused the same, and is freed without freeing the table (the same
   table serves the next one, and turning it off frees it once). On the host's own hierarchies. */
static void
test_remembered (void)
{
  enum cell_cgroup_mode mode = cell_cgroup_detect ();
  const char *modes[] = { [CELL_CGROUP_V1] = "v1", [CELL_CGROUP_HYBRID] = "hybrid", [CELL_CGROUP_V2] = "v2" };
  cleanup_free char *good = NULL, *bad = NULL, *fresh_s = NULL;
  struct cell_cgroup *fresh = NULL;
  struct cell_error *err = NULL;
  bool same = true, refused = true;

  if (mode == CELL_CGROUP_NONE)
    {
      for (int i = 0; i < 2; i++)
        tap_ok (1, "# SKIP no cgroup hierarchy mounted on this host");
      return;
    }
  good = xasprintf ("%s:/cell-unit/x;+1", modes[mode]);
  bad = xasprintf ("%s:/cell-unit/x;nosuchhierarchy=/y", modes[mode]);
  if (cell_cgroup_deserialize (good, &fresh, &err) < 0)
    {
      tap_ok (0, "deserialize `%s`: %s", good, err->msg);
      tap_ok (0, "(skipped)");
      cell_error_free (err);
      return;
    }
  fresh_s = cell_cgroup_serialize (fresh);
  cell_cgroup_free (fresh);
  cell_cgroup_remember_mounts (true);
  for (int round = 0; round < 3; round++)
    {
      struct cell_cgroup *cg = NULL;
      cleanup_free char *s = NULL;
      if (cell_cgroup_deserialize (good, &cg, &err) < 0)
        {
          same = false;
          cell_error_free (err);
          err = NULL;
          continue;
        }
      s = cell_cgroup_serialize (cg);
      same = same && streq (s, fresh_s);
      cell_cgroup_free (cg);
      cg = NULL;
      refused = refused && cell_cgroup_deserialize (bad, &cg, &err) < 0 && cg == NULL;
      cell_error_free (err);
      err = NULL;
    }
  cell_cgroup_remember_mounts (false);
  tap_ok (same, "remembered mounts: a cgroup deserialized three times comes out as one read afresh (%s)",
          fresh_s);
  tap_ok (refused, "remembered mounts: a part naming no hierarchy is still refused");
}

int
main (void)
{
  char *cmd;
  if (mkdtemp (scratch) == NULL)
    return 1;
  test_state ();
  test_v2 ();
  test_v1 ();
  test_v1_only ();
  test_resources ();
  test_remembered ();
  cmd = xasprintf ("rm -rf '%s'", scratch);
  if (system (cmd) != 0)
    printf ("# could not remove %s\n", scratch);
  free (cmd);
  return tap_done ();
}
