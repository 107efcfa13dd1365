/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec.c: decodes config.json, process.json and resources JSON into struct cell_spec by walking the
   descriptor tables of spec-tables.c; typed errors name the JSON pointer. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "spec-tables.h"
#include "spec.h"
#include "strv.h"
#include "xalloc.h"

static const char *const ns_names[CELL_NS_COUNT] = {
  [CELL_NS_PID] = "pid", [CELL_NS_NETWORK] = "network", [CELL_NS_MOUNT] = "mount",   [CELL_NS_IPC] = "ipc",
  [CELL_NS_UTS] = "uts", [CELL_NS_USER] = "user",       [CELL_NS_CGROUP] = "cgroup", [CELL_NS_TIME] = "time",
};

const char *
cell_ns_type_name (enum cell_ns_type t)
{
  return (unsigned)t < CELL_NS_COUNT ? ns_names[t] : "?";
}

int
cell_ns_type_from_name (const char *name)
{
  for (int i = 0; i < CELL_NS_COUNT; i++)
    if (streq (name, ns_names[i]))
      return i;
  return -1;
}

#define AT(base, off) ((void *)((char *)(base) + (off)))

/* Integer literals only: JSON numbers with a fraction or exponent are not integers for the spec's
   uint32/int64 fields. */
static int
parse_int (const struct cell_json *j, bool is_signed, int64_t min, uint64_t max, int64_t *sv, uint64_t *uv,
           const char *display, const char *ptr, struct cell_error **err)
{
  const char *s = j->s, *want = is_signed ? "expected integer" : "expected unsigned integer";
  bool neg;
  uint64_t mag;
  char *end;

  if (j->type != CELL_JSON_NUMBER)
    return cell_err (err, 0, "%s: %s: %s", display, ptr, want);
  neg = *s == '-';
  if (neg && !is_signed)
    return cell_err (err, 0, "%s: %s: %s, got %s", display, ptr, want, s);
  if (s[neg] == '\0' || s[neg + strspn (s + neg, "0123456789")] != '\0')
    return cell_err (err, 0, "%s: %s: %s, got %s", display, ptr, want, s);
  errno = 0;
  mag = strtoull (s + neg, &end, 10);
  if (errno == ERANGE)
    return cell_err (err, 0, "%s: %s: %s out of range", display, ptr, s);
  if (is_signed)
    {
      if ((!neg && mag > (uint64_t)INT64_MAX && mag > max) || (neg && mag > (uint64_t)INT64_MAX + 1))
        return cell_err (err, 0, "%s: %s: %s out of range", display, ptr, s);
      int64_t v = neg ? (int64_t)(0 - mag) : (int64_t)mag;
      if (v < min || (v > 0 && (uint64_t)v > max))
        return cell_err (err, 0, "%s: %s: %s out of range", display, ptr, s);
      *sv = v;
    }
  else
    {
      if (mag > max)
        return cell_err (err, 0, "%s: %s: %s out of range", display, ptr, s);
      *uv = mag;
    }
  return 0;
}

static int
decode_strv (const struct cell_json *j, char ***out, const char *display, const char *ptr,
             struct cell_error **err)
{
  char **v;
  if (j->type != CELL_JSON_ARRAY)
    return cell_err (err, 0, "%s: %s: expected array of strings", display, ptr);
  v = xcalloc (j->len + 1, sizeof (char *));
  *out = v;
  for (size_t i = 0; i < j->len; i++)
    {
      if (j->items[i]->type != CELL_JSON_STRING)
        return cell_err (err, 0, "%s: %s/%zu: expected string", display, ptr, i);
      v[i] = xstrdup (j->items[i]->s);
    }
  return 0;
}

/* JSON pointers of members and elements, for error messages: built for every value decoded, so without
   printf. */
static char *
ptr_child (const char *ptr, const char *name)
{
  size_t a = strlen (ptr), b = strlen (name);
  char *p = xmalloc (a + b + 2);
  memcpy (p, ptr, a);
  p[a] = '/';
  memcpy (p + a + 1, name, b + 1);
  return p;
}

static char *
ptr_index (const char *ptr, size_t i)
{
  char num[24], *d = num + sizeof (num);
  *--d = '\0';
  do
    *--d = (char)('0' + i % 10);
  while ((i /= 10) != 0);
  return ptr_child (ptr, d);
}

static int
decode_field (const struct cell_field *f, const struct cell_json *j, void *base, const char *display,
              const char *ptr, struct cell_error **err)
{
  int64_t sv = 0;
  uint64_t uv = 0;
  void *dst = f->offset == CELL_NO_OFFSET ? NULL : AT (base, f->offset);

  switch (f->kind)
    {
    case CELL_F_STRING:
      if (j->type != CELL_JSON_STRING)
        return cell_err (err, 0, "%s: %s: expected string", display, ptr);
      *(char **)dst = xstrdup (j->s);
      return 0;
    case CELL_F_BOOL:
      if (j->type != CELL_JSON_BOOL)
        return cell_err (err, 0, "%s: %s: expected boolean", display, ptr);
      *(bool *)dst = j->b;
      return 0;
    case CELL_F_U16:
      if (parse_int (j, false, 0, UINT16_MAX, &sv, &uv, display, ptr, err) < 0)
        return -1;
      *(uint16_t *)dst = (uint16_t)uv;
      return 0;
    case CELL_F_U32:
      if (parse_int (j, false, 0, UINT32_MAX, &sv, &uv, display, ptr, err) < 0)
        return -1;
      *(uint32_t *)dst = (uint32_t)uv;
      return 0;
    case CELL_F_U64:
      if (parse_int (j, false, 0, UINT64_MAX, &sv, &uv, display, ptr, err) < 0)
        return -1;
      *(uint64_t *)dst = uv;
      return 0;
    case CELL_F_I32:
      if (parse_int (j, true, INT32_MIN, INT32_MAX, &sv, &uv, display, ptr, err) < 0)
        return -1;
      *(int32_t *)dst = (int32_t)sv;
      return 0;
    case CELL_F_I64:
      if (parse_int (j, true, INT64_MIN, INT64_MAX, &sv, &uv, display, ptr, err) < 0)
        return -1;
      *(int64_t *)dst = sv;
      return 0;
    case CELL_F_STRV:
      return decode_strv (j, (char ***)dst, display, ptr, err);
    case CELL_F_U32V:
      {
        uint32_t *v;
        if (j->type != CELL_JSON_ARRAY)
          return cell_err (err, 0, "%s: %s: expected array of unsigned integers", display, ptr);
        v = xcalloc (j->len + 1, sizeof (uint32_t));
        *(uint32_t **)dst = v;
        for (size_t i = 0; i < j->len; i++)
          {
            cleanup_free char *p = ptr_index (ptr, i);
            if (parse_int (j->items[i], false, 0, UINT32_MAX, &sv, &uv, display, p, err) < 0)
              return -1;
            v[i] = (uint32_t)uv;
            (*(size_t *)AT (base, f->count_offset))++;
          }
        return 0;
      }
    case CELL_F_KV:
      {
        struct cell_spec_kv *kv;
        if (j->type != CELL_JSON_OBJECT)
          return cell_err (err, 0, "%s: %s: expected object", display, ptr);
        kv = xcalloc (j->len + 1, sizeof (*kv));
        *(struct cell_spec_kv **)dst = kv;
        for (size_t i = 0; i < j->len; i++)
          {
            if (j->items[i]->type != CELL_JSON_STRING)
              return cell_err (err, 0, "%s: %s/%s: expected string", display, ptr, j->keys[i]);
            kv[i].key = xstrdup (j->keys[i]);
            kv[i].value = xstrdup (j->items[i]->s);
            (*(size_t *)AT (base, f->count_offset))++;
          }
        return 0;
      }
    case CELL_F_OBJECT:
      return cell_spec_decode_object (f->sub, j, dst, display, ptr, err);
    case CELL_F_OBJECT_PTR:
      {
        void *o = xzalloc (f->sub->size);
        *(void **)dst = o;
        return cell_spec_decode_object (f->sub, j, o, display, ptr, err);
      }
    case CELL_F_ARRAY:
      {
        char *arr;
        if (j->type != CELL_JSON_ARRAY)
          return cell_err (err, 0, "%s: %s: expected array", display, ptr);
        arr = xcalloc (j->len + 1, f->sub->size);
        *(void **)dst = arr;
        for (size_t i = 0; i < j->len; i++)
          {
            cleanup_free char *p = ptr_index (ptr, i);
            /* count first, so a partly decoded element is freed too */
            (*(size_t *)AT (base, f->count_offset))++;
            if (cell_spec_decode_object (f->sub, j->items[i], arr + i * f->sub->size, display, p, err) < 0)
              return -1;
          }
        return 0;
      }
    case CELL_F_CUSTOM:
    case CELL_F_CUSTOM_KV:
      return f->decode (j, dst, display, ptr, err);
    case CELL_F_PRESENT:
    case CELL_F_IGNORED:
      return 0;
    }
  return 0;
}

int
cell_spec_decode_object (const struct cell_object_desc *desc, const struct cell_json *j, void *dst,
                         const char *display, const char *ptr, struct cell_error **err)
{
  if (j->type != CELL_JSON_OBJECT)
    return cell_err (err, 0, "%s: %s: expected object", display, *ptr ? ptr : "/");
  for (size_t i = 0; i < desc->n_fields; i++)
    {
      const struct cell_field *f = &desc->fields[i];
      const struct cell_json *v = cell_json_get (j, f->name);
      cleanup_free char *p = NULL;

      /* null is "absent", as Go clients (podman, containerd) write nil slices and maps */
      if (v == NULL || v->type == CELL_JSON_NULL)
        {
          if (f->required)
            return cell_err (err, 0, "%s: %s/%s: required property missing", display, ptr, f->name);
          continue;
        }
      p = ptr_child (ptr, f->name);
      if (f->has_offset != CELL_NO_OFFSET)
        *(bool *)AT (dst, f->has_offset) = true;
      if (f->kind == CELL_F_PRESENT && v->type != CELL_JSON_OBJECT && v->type != CELL_JSON_ARRAY)
        return cell_err (err, 0, "%s: %s: expected object or array", display, p);
      if (decode_field (f, v, dst, display, p, err) < 0)
        return -1;
    }
  return 0;
}

void
cell_spec_free_object (const struct cell_object_desc *desc, void *dst)
{
  for (size_t i = 0; i < desc->n_fields; i++)
    {
      const struct cell_field *f = &desc->fields[i];
      void *p = f->offset == CELL_NO_OFFSET ? NULL : AT (dst, f->offset);
      switch (f->kind)
        {
        case CELL_F_STRING:
        case CELL_F_U32V:
          free (*(void **)p);
          *(void **)p = NULL;
          break;
        case CELL_F_STRV:
          cell_strv_free (*(char ***)p);
          *(char ***)p = NULL;
          break;
        case CELL_F_KV:
        case CELL_F_CUSTOM_KV:
          {
            struct cell_spec_kv *kv = *(struct cell_spec_kv **)p;
            size_t n = *(size_t *)AT (dst, f->count_offset);
            for (size_t k = 0; kv && k < n; k++)
              {
                free (kv[k].key);
                free (kv[k].value);
              }
            free (kv);
            *(void **)p = NULL;
            break;
          }
        case CELL_F_OBJECT:
          cell_spec_free_object (f->sub, p);
          break;
        case CELL_F_OBJECT_PTR:
          if (*(void **)p)
            {
              cell_spec_free_object (f->sub, *(void **)p);
              free (*(void **)p);
              *(void **)p = NULL;
            }
          break;
        case CELL_F_ARRAY:
          {
            char *arr = *(char **)p;
            size_t n = *(size_t *)AT (dst, f->count_offset);
            for (size_t k = 0; arr && k < n; k++)
              cell_spec_free_object (f->sub, arr + k * f->sub->size);
            free (arr);
            *(void **)p = NULL;
            break;
          }
        default:
          break;
        }
    }
}

/* ---- copy and dump (table-driven, like the decoder) ---- */

static struct cell_spec_kv *
kv_copy (const struct cell_spec_kv *kv, size_t n)
{
  struct cell_spec_kv *v;
  if (kv == NULL)
    return NULL;
  v = xcalloc (n + 1, sizeof (*v));
  for (size_t i = 0; i < n; i++)
    {
      v[i].key = xstrdup (kv[i].key);
      v[i].value = xstrdup (kv[i].value);
    }
  return v;
}

/* dst holds a shallow copy of src: replace every pointer it shares with src by a copy of its own. */
static void
copy_fields (const struct cell_object_desc *desc, const void *src, void *dst)
{
  for (size_t i = 0; i < desc->n_fields; i++)
    {
      const struct cell_field *f = &desc->fields[i];
      const void *s;
      void *d;
      if (f->offset == CELL_NO_OFFSET)
        continue;
      s = AT (src, f->offset);
      d = AT (dst, f->offset);
      switch (f->kind)
        {
        case CELL_F_STRING:
          *(char **)d = *(char *const *)s ? xstrdup (*(char *const *)s) : NULL;
          break;
        case CELL_F_STRV:
          *(char ***)d = *(char **const *)s ? cell_strv_copy (*(char **const *)s) : NULL;
          break;
        case CELL_F_U32V:
          {
            size_t n = *(const size_t *)AT (src, f->count_offset);
            const uint32_t *v = *(uint32_t *const *)s;
            *(uint32_t **)d = v ? xmemdup (v, (n + 1) * sizeof (uint32_t)) : NULL;
            break;
          }
        case CELL_F_KV:
        case CELL_F_CUSTOM_KV:
          *(struct cell_spec_kv **)d
              = kv_copy (*(struct cell_spec_kv *const *)s, *(const size_t *)AT (src, f->count_offset));
          break;
        case CELL_F_OBJECT:
          copy_fields (f->sub, s, d);
          break;
        case CELL_F_OBJECT_PTR:
          if (*(void *const *)s)
            {
              void *o = xmemdup (*(void *const *)s, f->sub->size);
              copy_fields (f->sub, *(void *const *)s, o);
              *(void **)d = o;
            }
          break;
        case CELL_F_ARRAY:
          {
            size_t n = *(const size_t *)AT (src, f->count_offset);
            const char *arr = *(char *const *)s;
            char *copy;
            if (arr == NULL)
              break;
            copy = xmemdup (arr, (n + 1) * f->sub->size);
            for (size_t k = 0; k < n; k++)
              copy_fields (f->sub, arr + k * f->sub->size, copy + k * f->sub->size);
            *(void **)d = copy;
            break;
          }
        default:
          break;
        }
    }
}

void
cell_spec_copy_object (const struct cell_object_desc *desc, const void *src, void *dst)
{
  memcpy (dst, src, desc->size);
  copy_fields (desc, src, dst);
}

static char *
strv_join (char *const *v)
{
  char *s = xstrdup ("");
  for (size_t i = 0; v && v[i]; i++)
    {
      char *n = xasprintf ("%s%s%s", s, i ? "," : "", v[i]);
      free (s);
      s = n;
    }
  return s;
}

static void
dump_fields (const struct cell_object_desc *desc, const void *obj, const char *prefix, cell_spec_emit_fn emit,
             void *ud)
{
  for (size_t i = 0; i < desc->n_fields; i++)
    {
      const struct cell_field *f = &desc->fields[i];
      const void *v = f->offset == CELL_NO_OFFSET ? NULL : AT (obj, f->offset);
      bool has = f->has_offset == CELL_NO_OFFSET || *(const bool *)AT (obj, f->has_offset);
      cleanup_free char *path = xasprintf ("%s/%s", prefix, f->name);
      cleanup_free char *text = NULL;
      char buf[64];

      if (!has)
        continue;
      switch (f->kind)
        {
        case CELL_F_STRING:
          if (*(char *const *)v)
            emit (ud, path, *(char *const *)v);
          break;
        case CELL_F_BOOL:
          if (f->has_offset != CELL_NO_OFFSET || f->required || *(const bool *)v)
            emit (ud, path, *(const bool *)v ? "true" : "false");
          break;
        case CELL_F_U16:
        case CELL_F_U32:
        case CELL_F_U64:
        case CELL_F_I32:
        case CELL_F_I64:
          {
            bool neg = false;
            uint64_t u = 0;
            if (f->kind == CELL_F_U16)
              u = *(const uint16_t *)v;
            else if (f->kind == CELL_F_U32)
              u = *(const uint32_t *)v;
            else if (f->kind == CELL_F_U64)
              u = *(const uint64_t *)v;
            else
              {
                int64_t sv = f->kind == CELL_F_I32 ? *(const int32_t *)v : *(const int64_t *)v;
                neg = sv < 0;
                u = neg ? (uint64_t)0 - (uint64_t)sv : (uint64_t)sv;
              }
            if (f->has_offset == CELL_NO_OFFSET && !f->required && u == 0)
              break;
            snprintf (buf, sizeof (buf), "%s%" PRIu64, neg ? "-" : "", u);
            emit (ud, path, buf);
            break;
          }
        case CELL_F_STRV:
          if (*(char **const *)v)
            {
              text = strv_join (*(char **const *)v);
              emit (ud, path, text);
            }
          break;
        case CELL_F_U32V:
          {
            size_t n = *(const size_t *)AT (obj, f->count_offset);
            const uint32_t *u = *(uint32_t *const *)v;
            text = xstrdup ("");
            for (size_t k = 0; u && k < n; k++)
              {
                char *t = xasprintf ("%s%s%u", text, k ? "," : "", u[k]);
                free (text);
                text = t;
              }
            if (u)
              emit (ud, path, text);
            break;
          }
        case CELL_F_KV:
        case CELL_F_CUSTOM_KV:
          {
            const struct cell_spec_kv *kv = *(struct cell_spec_kv *const *)v;
            size_t n = *(const size_t *)AT (obj, f->count_offset);
            for (size_t k = 0; kv && k < n; k++)
              {
                cleanup_free char *p = xasprintf ("%s/%s", path, kv[k].key);
                emit (ud, p, kv[k].value);
              }
            break;
          }
        case CELL_F_OBJECT:
          dump_fields (f->sub, v, path, emit, ud);
          break;
        case CELL_F_OBJECT_PTR:
          if (*(void *const *)v)
            dump_fields (f->sub, *(void *const *)v, path, emit, ud);
          break;
        case CELL_F_ARRAY:
          {
            size_t n = *(const size_t *)AT (obj, f->count_offset);
            const char *arr = *(char *const *)v;
            for (size_t k = 0; arr && k < n; k++)
              {
                cleanup_free char *p = xasprintf ("%s/%zu", path, k);
                dump_fields (f->sub, arr + k * f->sub->size, p, emit, ud);
              }
            break;
          }
        case CELL_F_CUSTOM:
          if (f->show)
            emit (ud, path, f->show (v, buf, sizeof (buf)));
          break;
        case CELL_F_PRESENT:
          emit (ud, path, "(present)");
          break;
        case CELL_F_IGNORED:
          break;
        }
    }
}

void
cell_spec_dump_object (const struct cell_object_desc *desc, const void *obj, const char *prefix,
                       cell_spec_emit_fn emit, void *ud)
{
  dump_fields (desc, obj, prefix, emit, ud);
}

static int
load_json (const struct cell_json *j, const struct cell_object_desc *desc, size_t size, const char *display,
           void **out, struct cell_error **err)
{
  void *o = xzalloc (size);
  if (cell_spec_decode_object (desc, j, o, display, "", err) < 0)
    {
      cell_spec_free_object (desc, o);
      free (o);
      return -1;
    }
  *out = o;
  return 0;
}

int
cell_spec_load_buffer (const char *buf, size_t len, const char *display, struct cell_spec **out,
                       struct cell_error **err)
{
  struct cell_json *j = NULL;
  int r;
  if (cell_json_parse (buf, len, display, &cell_json_default_limits, &j, err) < 0)
    return -1;
  r = load_json (j, &cell_spec_desc, sizeof (struct cell_spec), display, (void **)out, err);
  cell_json_free (j);
  return r;
}

int
cell_spec_load_file (const char *path, const char *display, struct cell_spec **out, struct cell_error **err)
{
  struct cell_json *j = NULL;
  int r;
  if (cell_json_parse_file (path, display, &cell_json_default_limits, &j, err) < 0)
    return -1;
  r = load_json (j, &cell_spec_desc, sizeof (struct cell_spec), display, (void **)out, err);
  cell_json_free (j);
  return r;
}

void
cell_spec_free (struct cell_spec *spec)
{
  if (!spec)
    return;
  cell_spec_free_object (&cell_spec_desc, spec);
  free (spec);
}

int
cell_spec_process_load_file (const char *path, const char *display, struct cell_spec_process **out,
                             struct cell_error **err)
{
  struct cell_json *j = NULL;
  int r;
  if (cell_json_parse_file (path, display, &cell_json_default_limits, &j, err) < 0)
    return -1;
  r = load_json (j, &cell_spec_process_desc, sizeof (struct cell_spec_process), display, (void **)out, err);
  cell_json_free (j);
  return r;
}

void
cell_spec_process_free (struct cell_spec_process *p)
{
  if (!p)
    return;
  cell_spec_free_object (&cell_spec_process_desc, p);
  free (p);
}

int
cell_spec_resources_load_buffer (const char *buf, size_t len, const char *display,
                                 struct cell_spec_resources **out, struct cell_error **err)
{
  struct cell_json *j = NULL;
  int r;
  if (cell_json_parse (buf, len, display, &cell_json_default_limits, &j, err) < 0)
    return -1;
  r = load_json (j, &cell_spec_resources_desc, sizeof (struct cell_spec_resources), display, (void **)out,
                 err);
  cell_json_free (j);
  return r;
}

const char *
cell_spec_annotation (const struct cell_spec *spec, const char *key)
{
  for (size_t i = 0; i < spec->n_annotations; i++)
    if (streq (spec->annotations[i].key, key))
      return spec->annotations[i].value;
  return NULL;
}
