/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount-opts.c: OCI mount option strings -> flags (the table mount(8) knows), plus the recursive
   mount_setattr attributes the runtime-spec adds (rro, rnosuid, ...) and idmap/ridmap. */
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

/* The options mount(8) turns into mount(2) flags (util-linux's Linux map; cell once took it from libmount,
   whose dependencies cost every start 0.9 MB of RSS and four more libraries for this one table). */
struct flag_opt
{
  const char *name;
  unsigned long id;
  bool invert; /* clears `id` */
};
static const struct flag_opt flag_opts[] = {
  { "ro", MS_RDONLY, false },
  { "rw", MS_RDONLY, true },
  { "exec", MS_NOEXEC, true },
  { "noexec", MS_NOEXEC, false },
  { "suid", MS_NOSUID, true },
  { "nosuid", MS_NOSUID, false },
  { "dev", MS_NODEV, true },
  { "nodev", MS_NODEV, false },
  { "sync", MS_SYNCHRONOUS, false },
  { "async", MS_SYNCHRONOUS, true },
  { "dirsync", MS_DIRSYNC, false },
  { "remount", MS_REMOUNT, false },
  { "bind", MS_BIND, false },
  { "rbind", MS_BIND | MS_REC, false },
  { "silent", MS_SILENT, false },
  { "loud", MS_SILENT, true },
  { "mand", MS_MANDLOCK, false },
  { "nomand", MS_MANDLOCK, true },
  { "atime", MS_NOATIME, true },
  { "noatime", MS_NOATIME, false },
  { "iversion", MS_I_VERSION, false },
  { "noiversion", MS_I_VERSION, true },
  { "diratime", MS_NODIRATIME, true },
  { "nodiratime", MS_NODIRATIME, false },
  { "relatime", MS_RELATIME, false },
  { "norelatime", MS_RELATIME, true },
  { "strictatime", MS_STRICTATIME, false },
  { "nostrictatime", MS_STRICTATIME, true },
  { "lazytime", MS_LAZYTIME, false },
  { "nolazytime", MS_LAZYTIME, true },
  { "unbindable", MS_UNBINDABLE, false },
  { "runbindable", MS_UNBINDABLE | MS_REC, false },
  { "private", MS_PRIVATE, false },
  { "rprivate", MS_PRIVATE | MS_REC, false },
  { "slave", MS_SLAVE, false },
  { "rslave", MS_SLAVE | MS_REC, false },
  { "shared", MS_SHARED, false },
  { "rshared", MS_SHARED | MS_REC, false },
  { "symfollow", MS_NOSYMFOLLOW, true },
  { "nosymfollow", MS_NOSYMFOLLOW, false },
};

static const struct flag_opt *
lookup (const char *name)
{
  /* the first letter first: this runs for every option of every mount, twice */
  for (size_t i = 0; i < ARRAY_SIZE (flag_opts); i++)
    if (flag_opts[i].name[0] == name[0] && streq (flag_opts[i].name, name))
      return &flag_opts[i];
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
      const struct flag_opt *m;
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
        if (rattrs[k].name[0] == o[0] && streq (rattrs[k].name, o))
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
          if (m->invert)
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
