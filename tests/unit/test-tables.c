/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-tables.c: schema/config.schema.json and the decoder tables (spec-tables.c) name the same
   properties in every object; the mount option and capability name tables map what they should. */
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include "caps.h"
#include "json.h"
#include "mount-opts.h"
#include "signals.h"
#include "spec-tables.h"
#include "tap.h"

#define S(x) ((char *)(x))

static const struct cell_json *schema_root;

static const struct cell_json *
resolve (const struct cell_json *node)
{
  const struct cell_json *ref;
  while (node && (ref = cell_json_get (node, "$ref")) && ref->type == CELL_JSON_STRING)
    {
      const char *p = ref->s;
      const struct cell_json *t = schema_root;
      char buf[256];
      if (strncmp (p, "#/", 2) != 0)
        return NULL;
      p += 2;
      while (*p && t)
        {
          size_t n = strcspn (p, "/");
          snprintf (buf, sizeof (buf), "%.*s", (int)n, p);
          t = cell_json_get (t, buf);
          p += n;
          if (*p == '/')
            p++;
        }
      node = t;
    }
  return node;
}

/* The schema node describing the objects a field decodes: the property itself, or its array items. */
static const struct cell_json *
object_node (const struct cell_json *prop)
{
  const struct cell_json *items;
  prop = resolve (prop);
  if (prop && (items = cell_json_get (prop, "items")))
    prop = resolve (items);
  return prop;
}

static int checked_objects;

static void
walk (const struct cell_object_desc *desc, const struct cell_json *node, const char *path)
{
  const struct cell_json *props = node ? cell_json_get (node, "properties") : NULL;
  int missing = 0;

  if (!props)
    {
      tap_ok (0, "%s: the schema has properties for `%s`", path, desc->name);
      return;
    }
  checked_objects++;
  for (size_t i = 0; i < props->len; i++)
    {
      bool found = false;
      for (size_t k = 0; k < desc->n_fields && !found; k++)
        found = strcmp (desc->fields[k].name, props->keys[i]) == 0;
      if (!found)
        {
          printf ("#   %s/%s: in the schema, not in the table `%s`\n", path, props->keys[i], desc->name);
          missing++;
        }
    }
  for (size_t k = 0; k < desc->n_fields; k++)
    {
      const struct cell_field *f = &desc->fields[k];
      const struct cell_json *p = cell_json_get (props, f->name);
      char sub[512];
      if (!p)
        {
          printf ("#   %s/%s: in the table `%s`, not in the schema\n", path, f->name, desc->name);
          missing++;
          continue;
        }
      if (f->sub && (f->kind == CELL_F_OBJECT || f->kind == CELL_F_OBJECT_PTR || f->kind == CELL_F_ARRAY))
        {
          snprintf (sub, sizeof (sub), "%s/%s", path, f->name);
          walk (f->sub, object_node (p), sub);
        }
    }
  tap_ok (missing == 0, "%s: schema and table `%s` agree (%zu properties)", *path ? path : "/", desc->name,
          props->len);
}

static void
test_schema (const char *srcdir)
{
  char path[4096];
  struct cell_json *schema = NULL;
  struct cell_error *err = NULL;

  snprintf (path, sizeof (path), "%s/schema/config.schema.json", srcdir);
  if (cell_json_parse_file (path, "config.schema.json", &cell_json_default_limits, &schema, &err) < 0)
    {
      tap_ok (0, "parse %s: %s", path, err->msg);
      cell_error_free (err);
      return;
    }
  schema_root = schema;
  walk (&cell_spec_desc, schema, "");
  tap_ok (checked_objects > 30, "the walk compared %d objects", checked_objects);
  cell_json_free (schema);
}

static void
test_mount_opts (void)
{
  char *opts[]
      = { S ("ro"), S ("nosuid"), S ("rshared"), S ("rnoexec"), S ("mode=755"), S ("size=1m"), NULL };
  char *bad[] = { S ("rbind"), S ("a,b"), NULL };
  char *bind[] = { S ("rbind"), S ("mode=755"), S ("tmpcopyup"), NULL };
  char *later[] = { S ("ro"),   S ("nosuid"),  S ("rw"),        S ("rro"),
                    S ("rrw"),  S ("rnosuid"), S ("rrelatime"), S ("rnoatime"),
                    S ("rdev"), S ("rshared"), S ("slave"),     S ("ridmap"),
                    NULL };
  char *data_then_bad[] = { S ("mode=755"), S ("size=1m"), S ("remount"), NULL };
  char *data_then_comma[] = { S ("mode=755"), S ("a,b"), NULL };
  struct cell_mount_opts mo;
  struct cell_error *err = NULL;

  tap_ok (cell_mount_opts_parse (opts, &mo, "config.json", "/mounts/0/options", &err) == 0, "parse options");
  tap_ok (mo.flags == (MS_RDONLY | MS_NOSUID), "ro,nosuid map to MS_RDONLY|MS_NOSUID (got %lx)", mo.flags);
  tap_ok (mo.propagation == (MS_SHARED | MS_REC), "rshared maps to MS_SHARED|MS_REC");
  tap_ok (mo.attr_set == MOUNT_ATTR_NOEXEC && mo.attr_clr == 0,
          "rnoexec sets MOUNT_ATTR_NOEXEC and clears nothing (got set %llx clr %llx)",
          (unsigned long long)mo.attr_set, (unsigned long long)mo.attr_clr);
  tap_ok (!mo.idmap && !mo.ridmap, "no idmap unless asked");
  tap_is_str (mo.data, "mode=755,size=1m", "other options are filesystem data, in order");
  cell_mount_opts_clear (&mo);
  tap_ok (cell_mount_opts_parse (bad, &mo, "config.json", "/mounts/3/options", &err) < 0 && err,
          "an option holding a comma fails");
  tap_is_str (err ? err->msg : NULL, "config.json: /mounts/3/options/1: invalid mount option `a,b`",
              "... naming the JSON pointer and the option");
  tap_ok (mo.data == NULL, "... and leaves nothing to free");
  cell_error_free (err);
  err = NULL;
  tap_ok (cell_mount_opts_parse (bind, &mo, "config.json", "/mounts/4/options", &err) == 0,
          "filesystem options on a bind parse (config.md: SHOULD pass them through)");
  tap_is_str (mo.data, "mode=755", "... as filesystem data");
  tap_ok (mo.copyup && (mo.flags & MS_BIND) && (mo.flags & MS_REC), "tmpcopyup and rbind are recognised");
  cell_mount_opts_clear (&mo);

  /* A later option cancels an earlier one; the atime modes are one field. */
  tap_ok (cell_mount_opts_parse (later, &mo, "config.json", "/mounts/1/options", &err) == 0,
          "parse options that override each other");
  tap_ok (mo.flags == MS_NOSUID, "nosuid stays, ro then rw is rw (got %lx)", mo.flags);
  tap_ok (mo.attr_set == (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME)
              && mo.attr_clr
                     == (MOUNT_ATTR_RDONLY | (MOUNT_ATTR__ATIME & ~MOUNT_ATTR_NOATIME) | MOUNT_ATTR_NODEV),
          "rro then rrw clears RDONLY, rrelatime then rnoatime sets NOATIME and clears the other atime modes "
          "(mount.c adds NOATIME to the cleared field), rdev clears NODEV (got set %llx clr %llx)",
          (unsigned long long)mo.attr_set, (unsigned long long)mo.attr_clr);
  tap_ok (mo.propagation == MS_SLAVE, "the last propagation wins: slave (got %lx)", mo.propagation);
  tap_ok (mo.idmap && mo.ridmap, "ridmap sets idmap and ridmap");
  tap_ok (mo.data == NULL, "no filesystem data");
  cell_mount_opts_clear (&mo);

  /* Filesystem data collected before a refused option is released (LeakSanitizer). */
  tap_ok (cell_mount_opts_parse (data_then_bad, &mo, "config.json", "/mounts/2/options", &err) < 0,
          "remount after filesystem data fails");
  tap_is_str (err ? err->msg : NULL,
              "config.json: /mounts/2/options/2: `remount` is not a mount option for a container",
              "... naming the JSON pointer");
  tap_ok (mo.data == NULL, "... and leaves no filesystem data");
  cell_error_free (err);
  err = NULL;
  tap_ok (cell_mount_opts_parse (data_then_comma, &mo, "config.json", "/mounts/5/options", &err) < 0,
          "an option holding a comma after filesystem data fails");
  tap_is_str (err ? err->msg : NULL, "config.json: /mounts/5/options/1: invalid mount option `a,b`",
              "... naming the JSON pointer");
  tap_ok (mo.data == NULL, "... and leaves no filesystem data");
  cell_error_free (err);
}

static void
test_caps (void)
{
  char *names[] = { S ("CAP_CHOWN"), S ("CAP_KILL"), S ("CAP_SYS_ADMIN"), NULL };
  char *bad[] = { S ("CAP_CHOWN"), S ("CAP_TYPO"), NULL };
  uint64_t m = cell_caps_mask (names);
  tap_ok (m == ((1ULL << 0) | (1ULL << 5) | (1ULL << 21)), "capability names map to bits (got %llx)",
          (unsigned long long)m);
  m = cell_caps_mask (bad);
  tap_ok (m == 1ULL, "an unknown capability is left out (got %llx)", (unsigned long long)m);
  tap_ok (cell_caps_from_name ("CAP_TYPO") == -1 && cell_caps_from_name ("cap_kill") == 5,
          "names are looked up case-insensitively, unknown ones give -1");
}

int
main (void)
{
  const char *srcdir = getenv ("CELL_SRCDIR");
  test_schema (srcdir ? srcdir : ".");
  test_mount_opts ();
  test_caps ();
  return tap_done ();
}
