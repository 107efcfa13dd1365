/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-mount-opts.c: libFuzzer target for mount options (cell_mount_opts_parse): the input is one option
   per line. A failure leaves nothing to free; a success gives consistent flags and filesystem data made of
   non-empty options (a bind's data is dropped by its caller, so binds need no case of their own). */
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include "fuzz.h"
#include "macros.h"
#include "mount-opts.h"

#define PROPAGATION (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)

struct input
{
  const uint8_t *data;
  size_t size;
};

/* The filesystem data is, in order, the options that are data on their own (each option is classified
   alone: the same option is never a flag in one list and data in another). */
static void
check_data (char **opts, const char *data)
{
  size_t cap = 1, len = 0;
  char *want;

  for (size_t i = 0; opts[i]; i++)
    cap += strlen (opts[i]) + 1;
  want = calloc (cap, 1);
  if (want == NULL)
    abort ();
  for (size_t i = 0; opts[i]; i++)
    {
      char *one[] = { opts[i], NULL };
      struct cell_mount_opts alone;
      struct cell_error *err = NULL;
      if (cell_mount_opts_parse (one, &alone, "config.json", "/mounts/0/options", &err) < 0)
        {
          cell_fuzz_check (false, "option `%s` fails alone but not in its list: %s", opts[i], err->msg);
          cell_error_free (err);
          continue;
        }
      if (alone.data)
        {
          cell_fuzz_check (streq (alone.data, opts[i]), "option `%s` alone gives data `%s`", opts[i],
                           alone.data);
          len += (size_t)sprintf (want + len, "%s%s", len ? "," : "", opts[i]);
        }
      cell_mount_opts_clear (&alone);
    }
  cell_fuzz_check (streq (data ? data : "", want), "filesystem data `%s`, expected `%s`", data ? data : "",
                   want);
  free (want);
}

static void
run (void *arg)
{
  const struct input *in = arg;
  char *text = cell_fuzz_strndup (in->data, in->size);
  char **opts = calloc (in->size + 2, sizeof *opts);
  size_t n = 0;
  struct cell_mount_opts mo;
  struct cell_error *err = NULL;

  if (opts == NULL)
    abort ();
  for (char *p = text, *nl; p; p = nl ? nl + 1 : NULL)
    {
      nl = strchr (p, '\n');
      if (nl)
        *nl = '\0';
      opts[n++] = p;
    }
  if (cell_mount_opts_parse (opts, &mo, "config.json", "/mounts/0/options", &err) < 0)
    {
      cell_fuzz_check (err && cell_fuzz_prefixed (err->msg, "config.json: /mounts/0/options/"),
                       "an option error names the JSON pointer: %s", err ? err->msg : "(none)");
      cell_fuzz_check (mo.data == NULL, "a failed parse leaves filesystem data behind");
      cell_error_free (err);
    }
  else
    {
      cell_fuzz_check (err == NULL, "a successful parse set an error");
      check_data (opts, mo.data);
      cell_fuzz_check ((mo.attr_set & mo.attr_clr) == 0, "attributes both set and cleared: %llx",
                       (unsigned long long)(mo.attr_set & mo.attr_clr));
      cell_fuzz_check ((mo.propagation & ~(unsigned long)(PROPAGATION | MS_REC)) == 0
                           && (mo.propagation == 0 || (mo.propagation & PROPAGATION) != 0),
                       "propagation %lx is not a propagation type", mo.propagation);
      cell_fuzz_check ((mo.flags & PROPAGATION) == 0, "propagation in the mount flags: %lx", mo.flags);
      cell_fuzz_check (!mo.ridmap || mo.idmap, "ridmap without idmap");
      cell_mount_opts_clear (&mo);
    }
  for (size_t i = 0; i < n; i++)
    (void)cell_mount_opts_known (opts[i]);
  free (opts);
  free (text);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct input in = { data, size };
  cell_fuzz_guarded ("the mount option parser", run, &in);
  return 0;
}
