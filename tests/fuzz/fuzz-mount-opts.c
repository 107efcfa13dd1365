/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-mount-opts.c: libFuzzer target for mount options (cell_mount_opts_parse): the input is one option
   per line, the first byte's low bit says bind mount. A failure leaves nothing to free; a success gives
   consistent flags. */
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include "fuzz.h"
#include "mount-opts.h"

#define PROPAGATION (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)

struct input
{
  const uint8_t *data;
  size_t size;
};

static void
run (void *arg)
{
  const struct input *in = arg;
  bool bind = in->size > 0 && (in->data[0] & 1);
  char *text = cell_fuzz_strndup (in->data + (in->size > 0), in->size - (in->size > 0));
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
  if (cell_mount_opts_parse (opts, bind, &mo, "config.json", "/mounts/0/options", &err) < 0)
    {
      cell_fuzz_check (err && cell_fuzz_prefixed (err->msg, "config.json: /mounts/0/options/"),
                       "an option error names the JSON pointer: %s", err ? err->msg : "(none)");
      cell_fuzz_check (mo.data == NULL, "a failed parse leaves filesystem data behind");
      cell_error_free (err);
    }
  else
    {
      cell_fuzz_check (err == NULL, "a successful parse set an error");
      cell_fuzz_check (!bind || mo.data == NULL, "a bind mount got filesystem data `%s`", mo.data);
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
