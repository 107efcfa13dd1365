/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-plan.c: the config.json -> plan compiler, compared as text dumps with golden files
   (tests/unit/data/plan/NAME.dump; CELL_UPDATE_GOLDEN=1 rewrites them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan.h"
#include "spec.h"
#include "tap.h"
#include "xalloc.h"

static char *
read_all (const char *path)
{
  FILE *f = fopen (path, "re");
  char *buf = NULL;
  size_t len = 0;
  if (!f)
    return NULL;
  if (getdelim (&buf, &len, '\0', f) < 0)
    {
      free (buf);
      buf = NULL;
    }
  fclose (f);
  return buf;
}

static void
golden (const char *srcdir, const char *name, struct cell_spec *spec, bool root_image)
{
  struct cell_plan_oci_opts opts = { .bundle = "/bundle", .root_image = root_image };
  struct cell_plan *plan = cell_plan_from_oci (spec, &opts);
  char *dump, *want, *path;

  dump = cell_plan_dump (plan);
  path = xasprintf ("%s/tests/unit/data/plan/%s.dump", srcdir, name);
  if (getenv ("CELL_UPDATE_GOLDEN"))
    {
      FILE *f = fopen (path, "we");
      if (f)
        {
          fputs (dump, f);
          fclose (f);
        }
    }
  want = read_all (path);
  tap_ok (want && strcmp (want, dump) == 0, "%s: the plan dump matches %s.dump", name, name);
  if (!want || strcmp (want, dump) != 0)
    printf ("# got:\n%s", dump);
  free (want);
  free (path);
  free (dump);
  cell_plan_free (plan);
}

static struct cell_spec *
load (const char *srcdir, const char *file)
{
  struct cell_spec *spec = NULL;
  struct cell_error *err = NULL;
  char *path = xasprintf ("%s/tests/unit/data/spec/%s", srcdir, file);
  int r = cell_spec_load_file (path, "config.json", &spec, &err);
  if (r == 0)
    r = cell_spec_validate (spec, "config.json", &err);
  tap_ok (r == 0, "%s loads and validates%s%s", file, err ? ": " : "", err ? err->msg : "");
  cell_error_free (err);
  free (path);
  return r == 0 ? spec : NULL;
}

int
main (void)
{
  const char *srcdir = getenv ("CELL_SRCDIR") ? getenv ("CELL_SRCDIR") : ".";
  struct cell_spec *spec;
  struct cell_error *err = NULL;
  char *json;

  json = cell_spec_default_json (false);
  tap_ok (cell_spec_load_buffer (json, strlen (json), "config.json", &spec, &err) == 0,
          "the default spec loads");
  free (json);
  if (spec)
    {
      golden (srcdir, "default", spec, false);
      cell_spec_free (spec);
    }
  if ((spec = load (srcdir, "cosmk-config.json")))
    {
      golden (srcdir, "cosmk", spec, false);
      cell_spec_free (spec);
    }
  if ((spec = load (srcdir, "podman-config.json")))
    {
      golden (srcdir, "podman", spec, false);
      cell_spec_free (spec);
    }
  {
    /* name, config, root.path names an image */
    static const struct
    {
      const char *name, *file;
      bool image;
    } more[] = {
      { "image", "image-config.json", true },
      { "rootless", "rootless-config.json", false },
      { "resources-hooks", "resources-hooks-config.json", false },
      { "seccomp", "seccomp-config.json", false },
      { "joined-mnt", "joined-mnt-config.json", false },
      { "no-mnt", "no-mnt-config.json", false },
      { "idmap", "idmap-config.json", false },
      { "idmap-joined", "idmap-joined-config.json", false },
      { "process", "process-config.json", false },
    };
    for (size_t i = 0; i < sizeof (more) / sizeof (more[0]); i++)
      if ((spec = load (srcdir, more[i].file)))
        {
          golden (srcdir, more[i].name, spec, more[i].image);
          cell_spec_free (spec);
        }
  }
  return tap_done ();
}
