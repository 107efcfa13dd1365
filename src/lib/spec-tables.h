/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-tables.h: the descriptor tables that drive config.json decoding: one table per JSON object, one
   row per property (name, kind, where it lands in the C struct). A unit test walks schema/ and these
   tables and fails on any property one has and the other lacks. */
#ifndef CELL_SPEC_TABLES_H
#define CELL_SPEC_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "json.h"

enum cell_field_kind
{
  CELL_F_STRING,     /* char * */
  CELL_F_BOOL,       /* bool */
  CELL_F_U16,        /* uint16_t */
  CELL_F_U32,        /* uint32_t */
  CELL_F_I32,        /* int32_t */
  CELL_F_U64,        /* uint64_t */
  CELL_F_I64,        /* int64_t */
  CELL_F_STRV,       /* char ** (NULL-terminated) */
  CELL_F_U32V,       /* uint32_t * + size_t count */
  CELL_F_KV,         /* object of strings -> struct cell_spec_kv * + size_t count */
  CELL_F_OBJECT,     /* nested object decoded into the same struct at `offset` (inline or flattened) */
  CELL_F_OBJECT_PTR, /* nested object into a heap struct of sub->size, pointer at `offset` */
  CELL_F_ARRAY,      /* array of objects -> element array (sub->size each) + size_t count */
  CELL_F_CUSTOM,     /* decoded by `decode` (scalars only: nothing to free) */
  CELL_F_CUSTOM_KV,  /* decoded by `decode` into struct cell_spec_kv * + count (freed as KV) */
  CELL_F_PRESENT,    /* accepted, not decoded: only sets the has_ flag (unsupported features) */
  CELL_F_IGNORED,    /* accepted and ignored (Windows/Solaris/VM parts, informational fields) */
};

#define CELL_NO_OFFSET ((size_t)-1)

struct cell_object_desc;

typedef int (*cell_field_decoder) (const struct cell_json *j, void *dst, const char *display, const char *ptr,
                                   struct cell_error **err);
/* Text form of a CUSTOM field's value for dumps (buf has `size` bytes). */
typedef const char *(*cell_field_shower) (const void *value, char *buf, size_t size);

struct cell_field
{
  const char *name;
  enum cell_field_kind kind;
  size_t offset;       /* of the value (CELL_NO_OFFSET for PRESENT/IGNORED) */
  size_t has_offset;   /* bool set when the property is present, or CELL_NO_OFFSET */
  size_t count_offset; /* size_t count for U32V/KV/ARRAY/CUSTOM_KV */
  const struct cell_object_desc *sub;
  cell_field_decoder decode;
  cell_field_shower show; /* CUSTOM: the value as text (dumps) */
  bool required;
};

struct cell_object_desc
{
  const char *name; /* for the schema test: "config", "process", "linux.resources.memory" ... */
  size_t size;      /* of the C struct (OBJECT_PTR / ARRAY elements) */
  const struct cell_field *fields;
  size_t n_fields;
};

extern const struct cell_object_desc cell_spec_desc;           /* config.json */
extern const struct cell_object_desc cell_spec_process_desc;   /* /process, process.json */
extern const struct cell_object_desc cell_spec_resources_desc; /* /linux/resources, update --resources */
extern const struct cell_object_desc cell_spec_hooks_desc;     /* /hooks */
extern const struct cell_object_desc cell_spec_seccomp_desc;   /* /linux/seccomp */

/* Decodes object `j` by `desc` into `dst` (zeroed by the caller). Errors: "<display>: <ptr>/<key>: ...". */
int cell_spec_decode_object (const struct cell_object_desc *desc, const struct cell_json *j, void *dst,
                             const char *display, const char *ptr, struct cell_error **err);
/* Frees everything decode_object allocated inside `dst` (not dst itself). */
void cell_spec_free_object (const struct cell_object_desc *desc, void *dst);
/* Deep copy of `src` into `dst` (both desc->size bytes; dst's old contents are overwritten, not freed). */
void cell_spec_copy_object (const struct cell_object_desc *desc, const void *src, void *dst);
/* Calls emit (ud, path, value) for every property that is set, in table order, with its JSON pointer
   below `prefix` ("/memory/limit", "/devices/0/access") and its value as text (lists comma-joined). */
typedef void (*cell_spec_emit_fn) (void *ud, const char *path, const char *value);
void cell_spec_dump_object (const struct cell_object_desc *desc, const void *obj, const char *prefix,
                            cell_spec_emit_fn emit, void *ud);

#endif
