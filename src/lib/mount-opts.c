/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount-opts.c: OCI mount option strings -> flags via libmount's Linux option map, plus the recursive
   mount_setattr attributes the runtime-spec adds (rro, rnosuid, ...) and idmap/ridmap. */
#include <libmount/libmount.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include "mount-opts.h"
#include "xalloc.h"

#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

struct rattr
{
  const char *name;
  uint64_t set, clr;
};

/* The atime attributes are one field: setting one clears the others (MOUNT_ATTR__ATIME). */
static const struct rattr rattrs[] = {
  { "rro", MOUNT_ATTR_RDONLY, 0 },
  { "rrw", 0, MOUNT_ATTR_RDONLY },
  { "rnosuid", MOUNT_ATTR_NOSUID, 0 },
  { "rsuid", 0, MOUNT_ATTR_NOSUID },
  { "rnodev", MOUNT_ATTR_NODEV, 0 },
  { "rdev", 0, MOUNT_ATTR_NODEV },
  { "rnoexec", MOUNT_ATTR_NOEXEC, 0 },
  { "rexec", 0, MOUNT_ATTR_NOEXEC },
  { "rnodiratime", MOUNT_ATTR_NODIRATIME, 0 },
  { "rdiratime", 0, MOUNT_ATTR_NODIRATIME },
  { "rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME },
  { "rnorelatime", 0, MOUNT_ATTR__ATIME },
  { "rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME },
  { "ratime", 0, MOUNT_ATTR__ATIME },
  { "rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME },
  { "rnostrictatime", 0, MOUNT_ATTR__ATIME },
  { "rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0 },
  { "rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW },
};

#define PROPAGATION (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)

static const struct libmnt_optmap *
lookup (const char *name)
{
  const struct libmnt_optmap *m = mnt_get_builtin_optmap (MNT_LINUX_MAP);
  for (; m && m->name; m++)
    if (streq (m->name, name))
      return m;
  return NULL;
}

bool
cell_mount_opts_known (const char *name)
{
  if (streq (name, "defaults") || streq (name, "idmap") || streq (name, "ridmap"))
    return true;
  for (size_t i = 0; i < ARRAY_SIZE (rattrs); i++)
    if (streq (rattrs[i].name, name))
      return true;
  return lookup (name) != NULL;
}

/* A `,` that would split one option in two (overlayfs takes `\,` inside a path). */
static bool
unescaped_comma (const char *s)
{
  for (; *s; s++)
    if (*s == '\\' && s[1])
      s++;
    else if (*s == ',')
      return true;
  return false;
}

int
cell_mount_opts_parse (char *const *opts, struct cell_mount_opts *out, const char *display, const char *ptr,
                       struct cell_error **err)
{
  size_t datalen = 0;
  memset (out, 0, sizeof (*out));
  for (size_t i = 0; opts && opts[i]; i++)
    {
      const char *o = opts[i];
      const struct libmnt_optmap *m;
      bool done = false;

      if (streq (o, "defaults"))
        continue;
      /* podman's and crun's extension: the new tmpfs starts with a copy of what the image had there */
      if (streq (o, "tmpcopyup") || streq (o, "notmpcopyup"))
        {
          out->copyup = streq (o, "tmpcopyup");
          continue;
        }
      if (streq (o, "idmap") || streq (o, "ridmap"))
        {
          out->idmap = true;
          out->ridmap |= streq (o, "ridmap");
          continue;
        }
      for (size_t k = 0; k < ARRAY_SIZE (rattrs) && !done; k++)
        if (streq (rattrs[k].name, o))
          {
            out->attr_clr |= rattrs[k].clr;
            out->attr_set &= ~rattrs[k].clr;
            out->attr_set |= rattrs[k].set;
            out->attr_clr &= ~rattrs[k].set;
            done = true;
          }
      if (done)
        continue;
      m = lookup (o);
      if (m && streq (o, "remount"))
        {
          cell_mount_opts_clear (out);
          return cell_err (err, 0, "%s: %s/%zu: `remount` is not a mount option for a container", display,
                           ptr, i);
        }
      if (m && (m->id & PROPAGATION))
        {
          out->propagation = (unsigned long)m->id;
          continue;
        }
      if (m)
        {
          if (m->mask & MNT_INVERT)
            out->flags &= ~(unsigned long)m->id;
          else
            out->flags |= (unsigned long)m->id;
          continue;
        }
      if (unescaped_comma (o) || !*o)
        {
          cell_mount_opts_clear (out);
          return cell_err (err, 0, "%s: %s/%zu: invalid mount option `%s`", display, ptr, i, o);
        }
      /* filesystem data (mode=755, size=65536k, newinstance, ...), passed to the kernel as is; a bind mount
         has no filesystem of its own, so the caller drops it there (config.md: SHOULD be passed through) */
      out->data = xrealloc (out->data, datalen + strlen (o) + 2);
      if (datalen)
        out->data[datalen++] = ',';
      strcpy (out->data + datalen, o);
      datalen += strlen (o);
    }
  return 0;
}

void
cell_mount_opts_clear (struct cell_mount_opts *o)
{
  free (o->data);
  o->data = NULL;
}
