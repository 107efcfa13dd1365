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
  { "{" BASE "," PROC ",\"linux\":{\"intelRdt\":{\"closID\":\"x\"}}}",
    "config.json: /linux/intelRdt: not supported by cell" },
  { "{" BASE
    ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},\"env\":[\"NOEQUALS\"]}}",
    "config.json: /process/env/0: expected KEY=VALUE, got `NOEQUALS`" },
  { "{" BASE
    ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},\"oomScoreAdj\":1001}}",
    "config.json: /process/oomScoreAdj: must be between -1000 and 1000" },
  { "{" BASE "," PROC ",\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}}}",
    "config.json: /linux/resources/devices/0/access: invalid access `rwx`" },
  { "[1]", "config.json: /: expected object" },
  { "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}}",
    "config.json: /process: required to create a container" },
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
