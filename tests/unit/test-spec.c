/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-spec.c: config.json decoding and validation: good configs load, bad ones fail with the exact
   one-line message naming the JSON pointer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "spec.h"
#include "tap.h"
#include "xalloc.h"

#define BASE "\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"rootfs\"}"
#define PROC "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0}}"
#define NS "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"uts\"}]}"

static const struct
{
  const char *json, *want;
} bad[] = {
  { "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":-1,\"gid\":0}}}",
    "config.json: /process/user/uid: expected unsigned integer, got -1" },
  { "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":1.5,\"gid\":0}}}",
    "config.json: /process/user/uid: expected unsigned integer, got 1.5" },
  { "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":\"0\",\"gid\":0}}}",
    "config.json: /process/user/uid: expected unsigned integer" },
  { "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":\"sh\",\"user\":{\"uid\":0,\"gid\":0}}}",
    "config.json: /process/args: expected array of strings" },
  { "{" BASE ",\"process\":{\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0}}}",
    "config.json: /process/cwd: required property missing" },
  { "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"gid\":0}}}",
    "config.json: /process/user/uid: required property missing" },
  { "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[],\"user\":{\"uid\":0,\"gid\":0}}}",
    "config.json: /process/args: must not be empty" },
  { "{\"ociVersion\":\"2.1.0\",\"root\":{\"path\":\"r\"}," PROC "}",
    "config.json: /ociVersion: unsupported version `2.1.0` (cell supports 1.x)" },
  { "{\"ociVersion\":\"1.0.0-\",\"root\":{\"path\":\"r\"}," PROC "}",
    "config.json: /ociVersion: `1.0.0-` is not a SemVer version" },
  { "{\"ociVersion\":\"01.0.0\",\"root\":{\"path\":\"r\"}," PROC "}",
    "config.json: /ociVersion: `01.0.0` is not a SemVer version" },
  { "{" BASE "," PROC ",\"linux\":{\"namespaces\":[{\"type\":\"net\"}]}}",
    "config.json: /linux/namespaces/0/type: unknown namespace type `net`" },
  { "{" BASE "," PROC ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]}}",
    "config.json: /linux/namespaces/1: duplicate namespace `pid`" },
  { "{" BASE "," PROC ",\"hostname\":\"h\",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}",
    "config.json: /hostname: needs a uts namespace" },
  { "{" BASE "," PROC ",\"linux\":{\"sysctl\":{\"kernel.shmmax\":\"1\"}}}",
    "config.json: /linux/sysctl/kernel.shmmax: needs an ipc namespace" },
  { "{" BASE "," PROC
    ",\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"q\",\"major\":1,\"minor\":1}]}}",
    "config.json: /linux/devices/0/type: invalid device type `q`" },
  { "{" BASE "," PROC ",\"hooks\":{\"prestart\":[{\"path\":\"hook\"}]}}",
    "config.json: /hooks/prestart/0/path: must be an absolute path" },
  { "{" BASE "," PROC ",\"hooks\":{\"poststop\":[{\"path\":\"/x\",\"timeout\":0}]}}",
    "config.json: /hooks/poststop/0/timeout: must be greater than zero" },
  { "{" BASE "," PROC ",\"annotations\":{\"a\":1}}", "config.json: /annotations/a: expected string" },
  { "{" BASE "," PROC ",\"linux\":{\"intelRdt\":{\"closID\":\"x\",\"memBwSchema\":\"L3:0=1\"}}}",
    "config.json: /linux/intelRdt/memBwSchema: must start with `MB:`" },
  { "{" BASE "," PROC ",\"linux\":{\"intelRdt\":{\"closID\":\"../x\"}}}",
    "config.json: /linux/intelRdt/closID: invalid `../x`" },
  /* process scheduling, affinity, memory policy, network devices */
  { "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},"
    "\"scheduler\":{\"policy\":\"SCHED_FIFO\"}}}",
    "config.json: /process/scheduler/priority: must be between 1 and 99 for `SCHED_FIFO`" },
  { "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},"
    "\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"runtime\":5}}}",
    "config.json: /process/scheduler: runtime, deadline and period are for SCHED_DEADLINE only" },
  { "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},"
    "\"scheduler\":{\"policy\":\"SCHED_LAZY\"}}}",
    "config.json: /process/scheduler/policy: unknown policy `SCHED_LAZY`" },
  { "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},"
    "\"execCPUAffinity\":{\"initial\":\"0,a\"}}}",
    "config.json: /process/execCPUAffinity/initial: invalid cpu list `0,a`" },
  { "{" BASE "," PROC ",\"linux\":{\"memoryPolicy\":{\"mode\":\"MPOL_FAST\"}}}",
    "config.json: /linux/memoryPolicy/mode: unknown mode `MPOL_FAST`" },
  { "{" BASE "," PROC
    ",\"linux\":{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":[\"X\"]}}}",
    "config.json: /linux/memoryPolicy/flags/0: unknown flag `X`" },
  { "{" BASE "," PROC ",\"linux\":{\"memoryPolicy\":{\"mode\":\"MPOL_PREFERRED\",\"nodes\":\"0-\"}}}",
    "config.json: /linux/memoryPolicy/nodes: invalid node list `0-`" },
  { "{" BASE "," PROC
    ",\"linux\":{\"namespaces\":[{\"type\":\"network\"}],\"netDevices\":{\"eth0\":{\"name\":\"c\"},"
    "\"eth1\":{\"name\":\"c\"}}}}",
    "config.json: /linux/netDevices/eth1/name: `c` is taken by another device" },
  { "{" BASE "," PROC
    ",\"linux\":{\"namespaces\":[{\"type\":\"network\"}],\"netDevices\":{\"averyveryverylongname\":{}}}}",
    "config.json: /linux/netDevices/averyveryverylongname: invalid interface name" },
  { "{" BASE "," PROC ",\"linux\":{\"netDevices\":{\"eth0\":{\"name\":1}}}}",
    "config.json: /linux/netDevices/eth0/name: expected string" },
  { "{" BASE
    ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},\"env\":[\"NOEQUALS\"]}}",
    "config.json: /process/env/0: expected KEY=VALUE, got `NOEQUALS`" },
  { "{" BASE
    ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},\"oomScoreAdj\":1001}}",
    "config.json: /process/oomScoreAdj: must be between -1000 and 1000" },
  { "{" BASE "," PROC ",\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}}}",
    "config.json: /linux/resources/devices/0/access: invalid access `rwx`" },
  { "[1]", "config.json: /: expected object" },
  /* refusals that used to live in the compiler (plan-oci.c): one home now */
  { "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},"
    "\"rlimits\":[{\"type\":\"RLIMIT_TYPO\",\"soft\":1,\"hard\":1}]}}",
    "config.json: /process/rlimits/0/type: unknown rlimit `RLIMIT_TYPO`" },
  { "{" BASE "," PROC ",\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\"}]}",
    "config.json: /mounts/0/source: a bind mount needs a source" },
  { "{" BASE "," PROC ",\"mounts\":[{\"destination\":\"/a\",\"source\":\"x\"}]}",
    "config.json: /mounts/0/type: required for a non-bind mount" },
  { "{" BASE "," PROC
    ",\"mounts\":[{\"destination\":\"/a\",\"type\":\"overlay\",\"options\":[\"upperdir=/u\"]}]}",
    "config.json: /mounts/0/options: an overlay mount needs lowerdir=" },
  { "{" BASE "," PROC ",\"mounts\":[{\"destination\":\"/a\",\"type\":\"proc\",\"options\":[\"tmpcopyup\"]}]}",
    "config.json: /mounts/0/options: `tmpcopyup` needs a tmpfs mount" },
  { "{" BASE "," PROC ",\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\",\"options\":[\"remount\"]}]}",
    "config.json: /mounts/0/options/0: `remount` is not a mount option for a container" },
  { "{" BASE "," PROC ",\"annotations\":{\"run.cell.rootfs.size\":\"10x\"}}",
    "config.json: /annotations/run.cell.rootfs.size: invalid size `10x`" },
  { "{" BASE "," PROC ",\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}}",
    "config.json: /linux/uidMappings: a new user namespace needs uid and gid mappings" },
  { "{" BASE "," PROC ",\"linux\":{\"devices\":[{\"path\":\"/dev/"
    "x\",\"type\":\"b\",\"major\":1,\"minor\":1,\"fileMode\":8576}]}}",
    "config.json: /linux/devices/0/fileMode: 20600 is not a file mode of type `b`" },
/* id-mapped mounts (config.md "idmap", runc's rules) */
#define BINDM "{\"destination\":\"/a\",\"source\":\"/b\",\"options\":[\"bind\""
#define IDM "[{\"containerID\":0,\"hostID\":1000,\"size\":10}]"
  { "{" BASE "," PROC ",\"mounts\":[" BINDM "],\"uidMappings\":" IDM "}]}",
    "config.json: /mounts/0/gidMappings: uidMappings and gidMappings go together" },
  { "{" BASE "," PROC ",\"mounts\":[" BINDM "],\"gidMappings\":" IDM "}]}",
    "config.json: /mounts/0/uidMappings: uidMappings and gidMappings go together" },
  { "{" BASE "," PROC ",\"mounts\":[" BINDM ",\"idmap\"]}]}",
    "config.json: /mounts/0/options: `idmap` without uidMappings and gidMappings needs a user namespace" },
  { "{" BASE "," PROC ",\"mounts\":[" BINDM ",\"ridmap\"]}]}",
    "config.json: /mounts/0/options: `ridmap` without uidMappings and gidMappings needs a user namespace" },
  { "{" BASE "," PROC ",\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\",\"options\":[\"idmap\"]}]}",
    "config.json: /mounts/0: id-mapped mounts must be bind mounts" },
  { "{" BASE "," PROC ",\"mounts\":[" BINDM "],\"uidMappings\":" IDM ",\"gidMappings\":"
    "[{\"containerID\":0,\"hostID\":1000,\"size\":0}]}]}",
    "config.json: /mounts/0/gidMappings/0/size: must not be zero" },
  { "{" BASE "," PROC ",\"mounts\":[" BINDM "],\"uidMappings\":[{\"containerID\":4294967000,\"hostID\":1,"
    "\"size\":1000}],\"gidMappings\":" IDM "}]}",
    "config.json: /mounts/0/uidMappings/0: the range goes past the last id" },
/* the process's ids must be mapped in a user namespace the runtime creates (container id 0 need not be) */
#define UNS "\"namespaces\":[{\"type\":\"user\"}]"
#define MAP1000 "[{\"containerID\":1000,\"hostID\":500000,\"size\":10}]"
  { "{" BASE "," PROC ",\"linux\":{" UNS ",\"uidMappings\":" MAP1000 ",\"gidMappings\":" MAP1000 "}}",
    "config.json: /process/user/uid: 0 is not mapped by /linux/uidMappings" },
  { "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":1009,\"gid\":1010}},"
    "\"linux\":{" UNS ",\"uidMappings\":" MAP1000 ",\"gidMappings\":" MAP1000 "}}",
    "config.json: /process/user/gid: 1010 is not mapped by /linux/gidMappings" },
  { "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":1009,\"gid\":1000,"
    "\"additionalGids\":[1001,999]}},\"linux\":{" UNS ",\"uidMappings\":" MAP1000 ",\"gidMappings\":" MAP1000
    "}}",
    "config.json: /process/user/additionalGids/1: 999 is not mapped by /linux/gidMappings" },
};

/* Valid configs that cell once refused. */
static const char *const good_too[] = {
  /* runtime.md: `process` is needed by `start`, not by `create` */
  "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}}",
  /* podman writes the file type bits into fileMode (S_IFCHR|0600) */
  "{" BASE "," PROC ",\"linux\":{\"devices\":[{\"path\":\"/dev/"
  "x\",\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":8576}]}}",
  /* config.md: an unknown capability SHOULD NOT fail (a warning) */
  "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},"
  "\"capabilities\":{\"bounding\":[\"CAP_TYPO\"]}}}",
  /* config.md: filesystem options on a bind SHOULD be passed through (logged at debug) */
  "{" BASE "," PROC ",\"mounts\":[{\"destination\":\"/a\",\"source\":\"/b\",\"type\":\"bind\","
  "\"options\":[\"rbind\",\"mode=755\",\"size=1m\"]}]}",
  /* config-linux.md: a namespace type not listed is inherited (no mount namespace at all) */
  "{" BASE "," PROC ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}",
  /* the spec's other process and linux settings, all valid */
  "{" BASE
  ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},\"scheduler\":{\"policy\":"
  "\"SCHED_DEADLINE\",\"runtime\":1000000,\"deadline\":2000000,\"period\":3000000},\"execCPUAffinity\":{"
  "\"initial\":"
  "\"0-3,7\",\"final\":\"\"},\"apparmorProfile\":\"p\",\"selinuxLabel\":\"l\"},\"linux\":{\"namespaces\":[{"
  "\"type\":"
  "\"network\"}],\"memoryPolicy\":{\"mode\":\"MPOL_PREFERRED\"},\"netDevices\":{\"eth0\":{},\"eth1\":{"
  "\"name\":"
  "\"c%d\"}},\"mountLabel\":\"m\",\"intelRdt\":{\"closID\":\"/\",\"schemata\":[\"L3:0=f\"]}}}",
  /* config.md: mappings without `idmap` still id-map the mount (runc too); no user namespace needed */
  "{" BASE "," PROC ",\"mounts\":[" BINDM "],\"uidMappings\":" IDM ",\"gidMappings\":" IDM "}]}",
  /* `idmap` alone: the container's user namespace's maps */
  "{" BASE "," PROC ",\"mounts\":[" BINDM ",\"idmap\"]}],\"linux\":{\"namespaces\":[{\"type\":\"user\","
  "\"path\":\"/proc/1/ns/user\"},{\"type\":\"mount\"}]}}",
  /* maps without container id 0 (runtime-spec requires none): the process's ids are mapped */
  "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":1009,\"gid\":1000}},"
  "\"linux\":{" UNS ",\"uidMappings\":" MAP1000 ",\"gidMappings\":" MAP1000 "}}",
};

int
main (void)
{
  struct cell_spec *spec = NULL;
  struct cell_error *err = NULL;
  const char *good = "{" BASE "," PROC "," NS ",\"hostname\":\"h\",\"process2\":1,\"linux2\":{}}";

  tap_ok (cell_spec_load_buffer (good, strlen (good), "config.json", &spec, &err) == 0
              && cell_spec_validate (spec, "config.json", &err) == 0,
          "a minimal config with unknown properties loads and validates");
  tap_ok (spec && streq (spec->hostname, "h") && spec->linux_.n_namespaces == 2
              && spec->linux_.namespaces[1].type == CELL_NS_UTS,
          "... with its values decoded");
  cell_spec_free (spec);
  cell_error_free (err);
  err = NULL;

  {
    const char *nulls = "{" BASE "," PROC ",\"mounts\":null,\"annotations\":null,\"linux\":{\"namespaces\":"
                        "[{\"type\":\"mount\"}],\"maskedPaths\":null}}";
    spec = NULL;
    tap_ok (cell_spec_load_buffer (nulls, strlen (nulls), "config.json", &spec, &err) == 0
                && spec->n_mounts == 0 && spec->n_annotations == 0
                && (spec->linux_.masked_paths == NULL || spec->linux_.masked_paths[0] == NULL)
                && spec->linux_.n_namespaces == 1,
            "null values are absent (Go clients write nil slices as null)");
    cell_spec_free (spec);
    cell_error_free (err);
    err = NULL;
  }

  for (size_t i = 0; i < ARRAY_SIZE (good_too); i++)
    {
      int r;
      spec = NULL;
      r = cell_spec_load_buffer (good_too[i], strlen (good_too[i]), "config.json", &spec, &err);
      if (r == 0)
        r = cell_spec_validate (spec, "config.json", &err);
      tap_ok (r == 0, "accepted: %s%s%s", good_too[i], err ? ": " : "", err ? err->msg : "");
      cell_spec_free (spec);
      cell_error_free (err);
      err = NULL;
    }
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      int r;
      spec = NULL;
      r = cell_spec_load_buffer (bad[i].json, strlen (bad[i].json), "config.json", &spec, &err);
      if (r == 0)
        r = cell_spec_validate (spec, "config.json", &err);
      tap_is_str (r < 0 && err ? err->msg : "(accepted)", bad[i].want, bad[i].want);
      cell_spec_free (spec);
      cell_error_free (err);
      err = NULL;
    }
  return tap_done ();
}
