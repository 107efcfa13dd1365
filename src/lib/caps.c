/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* caps.c: capability names -> masks with libcap, and the bounding/effective/permitted/inheritable/ambient
   sets applied in the container's init. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "caps.h"
#include "log.h"
#include "xalloc.h"

int
cell_caps_from_name (const char *name)
{
  cap_value_t c;
  if (cap_from_name (name, &c) < 0 || c < 0 || c > 63)
    return -1;
  return (int)c;
}

uint64_t
cell_caps_mask (char *const *names)
{
  uint64_t mask = 0;
  for (size_t i = 0; names && names[i]; i++)
    {
      int c = cell_caps_from_name (names[i]);
      if (c >= 0)
        mask |= UINT64_C (1) << c;
    }
  return mask;
}

char *
cell_caps_name (int cap)
{
  char *n = cap_to_name ((cap_value_t)cap);
  char *r = NULL;
  if (n)
    {
      r = xasprintf ("%s", n);
      cap_free (n);
      for (char *c = r; *c; c++)
        *c = (char)toupper ((unsigned char)*c);
    }
  return r ? r : xasprintf ("capability %d", cap);
}

uint64_t
cell_caps_bounding_self (void)
{
  uint64_t mask = 0;
  int last = cell_caps_last_cap ();
  for (int c = 0; c <= last && c < 64; c++)
    if (prctl (PR_CAPBSET_READ, c, 0, 0, 0) == 1)
      mask |= UINT64_C (1) << c;
  return mask;
}

int
cell_caps_last_cap (void)
{
  /* libcap probed the kernel's bounding set for it when the program started (no /proc read) */
  static int last = -1;
  if (last < 0)
    {
      int bits = (int)cap_max_bits ();
      last = bits > 0 ? bits - 1 : CAP_LAST_CAP;
    }
  return last;
}

int
cell_caps_drop_bounding (uint64_t bounding, struct cell_error **err)
{
  int last = cell_caps_last_cap ();
  for (int c = 0; c <= last; c++)
    {
      if (bounding & (UINT64_C (1) << c))
        continue;
      if (prctl (PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
        return cell_err_errno (err, "drop capability %d from the bounding set", c);
    }
  return 0;
}

int
cell_caps_set (uint64_t effective, uint64_t permitted, uint64_t inheritable, uint64_t ambient,
               struct cell_error **err)
{
  struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct data[2];
  uint64_t known
      = cell_caps_last_cap () >= 63 ? UINT64_MAX : (UINT64_C (1) << (cell_caps_last_cap () + 1)) - 1;

  /* capabilities the running kernel does not know cannot be set; the spec's names may be newer */
  effective &= known;
  permitted &= known;
  inheritable &= known;
  ambient &= known;
  data[0].effective = (uint32_t)effective;
  data[1].effective = (uint32_t)(effective >> 32);
  data[0].permitted = (uint32_t)permitted;
  data[1].permitted = (uint32_t)(permitted >> 32);
  data[0].inheritable = (uint32_t)inheritable;
  data[1].inheritable = (uint32_t)(inheritable >> 32);
  if (syscall (SYS_capset, &hdr, data) < 0)
    return cell_err_errno (err, "set capabilities");
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return cell_err_errno (err, "clear ambient capabilities");
  /* the kernel only raises ambient capabilities that are permitted and inheritable; configs written for
     runc list ambient sets without the inheritable one, which runc accepts with a warning: so do we */
  if (ambient & ~(permitted & inheritable))
    cell_warn ("ambient capabilities %llx are not both permitted and inheritable: not raised",
               (unsigned long long)(ambient & ~(permitted & inheritable)));
  ambient &= permitted & inheritable;
  for (int c = 0; c < 64; c++)
    if ((ambient & (UINT64_C (1) << c)) && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
      return cell_err_errno (err, "raise ambient capability %d", c);
  return 0;
}

void
cell_caps_fit (uint64_t *bounding, uint64_t *effective, uint64_t *permitted, uint64_t *inheritable,
               uint64_t *ambient, const char *what)
{
  uint64_t avail = cell_caps_bounding_self ();
  uint64_t *sets[] = { bounding, effective, permitted, inheritable, ambient };
  uint64_t missing = 0;

  for (size_t i = 0; i < ARRAY_SIZE (sets); i++)
    {
      missing |= *sets[i] & ~avail;
      *sets[i] &= avail;
    }
  for (int c = 0; c < 64; c++)
    if (missing & (UINT64_C (1) << c))
      {
        char *name = cell_caps_name (c);
        cell_warn ("%s: %s is not in the runtime's bounding set: left out", what, name);
        free (name);
      }
}
