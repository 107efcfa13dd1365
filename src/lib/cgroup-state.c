/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-state.c: the container's cgroup in state.json: one string written at create, and read back
   strictly (only a directory of the container's own, never a hierarchy root or a path out of it), since
   `delete` kills everything under what it names. */
#include <string.h>
#include "cgroup-internal.h"
#include "strv.h"
#include "xalloc.h"

/* "MODE:PATH" followed by ";+N" (trailing components create made, when > 0), per-hierarchy exceptions
   ";NAME=PATH" / ";NAME+N" where a hierarchy differs from the first one (relative cgroupsPaths land under
   a different own cgroup per v1 hierarchy), and ";-devices" when the cgroup has no device policy of ours (a
   rootless runtime's delegated cgroup: `update` must not write one either). E.g. "hybrid:/cell/foo;+2". */
char *
cell_cgroup_serialize (const struct cell_cgroup *cg)
{
  const struct cell_cgroup_hier *h0 = &cg->h[0];
  char *s = xasprintf ("%s:%s", cell_cgroup_mode_names[cg->mode], h0->rel);
  if (h0->created > 0)
    {
      char *n = xasprintf ("%s;+%d", s, h0->created);
      free (s);
      s = n;
    }
  for (size_t i = 1; i < cg->n_h; i++)
    {
      const struct cell_cgroup_hier *h = &cg->h[i];
      if (!streq (h->rel, h0->rel))
        {
          char *n = xasprintf ("%s;%s=%s", s, h->name, h->rel);
          free (s);
          s = n;
        }
      if (h->created != h0->created)
        {
          char *n = xasprintf ("%s;%s+%d", s, h->name, h->created);
          free (s);
          s = n;
        }
    }
  if (cg->no_devices)
    {
      char *n = xasprintf ("%s;-devices", s);
      free (s);
      s = n;
    }
  return s;
}

static int
parse_count (const char *s, int *out)
{
  char *end;
  long v;
  if (*s < '0' || *s > '9')
    return -1;
  errno = 0;
  v = strtol (s, &end, 10);
  if (errno || end == s || *end || v < 0 || v > 4096)
    return -1;
  *out = (int)v;
  return 0;
}

/* The number of components of a strictly formed cgroup path: "/a/b" -> 2. -1 when the path is not one:
   it must start with '/', and have no empty, "." or ".." component (so no "//", no trailing '/', and never
   the hierarchy root "/"). */
static int
path_components (const char *p)
{
  int n = 0;
  if (p[0] != '/')
    return -1;
  while (*p == '/')
    {
      const char *c = p + 1;
      size_t len = strcspn (c, "/");
      if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
        return -1;
      if (memchr (c, '\n', len) || memchr (c, ';', len))
        return -1;
      n++;
      p = c + len;
    }
  return *p == '\0' && n > 0 ? n : -1;
}

/* a then b, newly allocated (no printf: list deserializes every container's cgroup) */
static char *
concat (const char *a, const char *b)
{
  size_t la = strlen (a), lb = strlen (b);
  char *s = xmalloc (la + lb + 1);
  memcpy (s, a, la);
  memcpy (s + la, b, lb + 1);
  return s;
}

/* Fills cg's hierarchies from the tokens of a serialised form (tokens[0] is the common path). Every token
   must be understood, name a hierarchy this host has, and leave a strict path; `created` may not reach
   above the path's first component (destroy removes that many trailing components). */
static int
apply_state_tokens (struct cell_cgroup *cg, char **tokens, const char *s, struct cell_error **err)
{
  int base_created = 0;

  for (size_t t = 1; tokens[t]; t++)
    {
      bool known = false;
      if (streq (tokens[t], "-devices"))
        {
          cg->no_devices = true;
          continue;
        }
      if (tokens[t][0] == '+')
        {
          if (parse_count (tokens[t] + 1, &base_created) < 0)
            return cell_err (err, 0, "invalid cgroup state `%s`: bad count `%s`", s, tokens[t]);
          continue;
        }
      for (size_t i = 0; i < cg->n_h && !known; i++)
        {
          size_t nl = strlen (cg->h[i].name);
          known
              = strncmp (tokens[t], cg->h[i].name, nl) == 0 && (tokens[t][nl] == '=' || tokens[t][nl] == '+');
        }
      if (!known)
        return cell_err (err, 0, "invalid cgroup state `%s`: unknown part `%s`", s, tokens[t]);
    }
  for (size_t i = 0; i < cg->n_h; i++)
    {
      struct cell_cgroup_hier *h = &cg->h[i];
      size_t nl = strlen (h->name);
      int ncomp;
      h->rel = xstrdup (tokens[0]);
      h->created = base_created;
      for (size_t t = 1; tokens[t]; t++)
        {
          if (strncmp (tokens[t], h->name, nl) != 0)
            continue;
          if (tokens[t][nl] == '=')
            {
              free (h->rel);
              h->rel = xstrdup (tokens[t] + nl + 1);
            }
          else if (tokens[t][nl] == '+' && parse_count (tokens[t] + nl + 1, &h->created) < 0)
            return cell_err (err, 0, "invalid cgroup state `%s`: bad count `%s`", s, tokens[t]);
        }
      /* A path that is a hierarchy root, or that leaves it, would make delete kill and rmdir elsewhere. */
      ncomp = path_components (h->rel);
      if (ncomp < 0)
        return cell_err (err, 0, "invalid cgroup state `%s`: `%s` is not a container cgroup path", s, h->rel);
      if (h->created > ncomp)
        return cell_err (err, 0, "invalid cgroup state `%s`: more directories created than `%s` has", s,
                         h->rel);
      h->dir = concat (h->mount, h->rel);
    }
  return 0;
}

static int
deserialize (const char *root, const char *s, struct cell_cgroup **out, struct cell_error **err)
{
  cleanup_free char *copy = xstrdup (s);
  cleanup_strv char **tokens = NULL;
  char *colon = strchr (copy, ':');
  int mode = -1;
  struct cell_cgroup *cg;

  *out = NULL;
  if (colon == NULL)
    return cell_err (err, 0, "invalid cgroup state `%s`: no mode", s);
  *colon = '\0';
  for (int m = CELL_CGROUP_V1; m <= CELL_CGROUP_V2; m++)
    if (streq (copy, cell_cgroup_mode_names[m]))
      mode = m;
  if (mode < 0)
    return cell_err (err, 0, "invalid cgroup state `%s`: unknown mode `%s`", s, copy);
  /* Split by hand: strtok would let ";;" or a trailing ";" pass unnoticed. */
  tokens = xcalloc (1, sizeof (char *));
  for (char *p = colon + 1;;)
    {
      char *semi = strchr (p, ';');
      if (semi)
        *semi = '\0';
      if (*p == '\0')
        return cell_err (err, 0, "invalid cgroup state `%s`: empty part", s);
      tokens = cell_strv_append (tokens, p);
      if (semi == NULL)
        break;
      p = semi + 1;
    }
  cg = cell_cgroup_alloc ((enum cell_cgroup_mode)mode);
  if (cell_cgroup_discover_into (cg, root, err) < 0 || apply_state_tokens (cg, tokens, s, err) < 0)
    {
      cell_cgroup_free (cg);
      return -1;
    }
  *out = cg;
  return 0;
}

int
cell_cgroup_deserialize (const char *s, struct cell_cgroup **out, struct cell_error **err)
{
  return deserialize (NULL, s, out, err);
}

int
cell_cgroup_deserialize_at (const char *root, const char *s, struct cell_cgroup **out,
                            struct cell_error **err)
{
  return deserialize (root, s, out, err);
}

bool
cell_cgroup_state_is_v2 (const char *s)
{
  size_t n = strlen (cell_cgroup_mode_names[CELL_CGROUP_V2]);
  return strncmp (s, cell_cgroup_mode_names[CELL_CGROUP_V2], n) == 0 && s[n] == ':';
}
