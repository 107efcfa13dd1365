/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* json.h: the only JSON code in cell (wraps yajl): a bounded parser into a small tree, typed accessors
   that name JSON pointers in errors, and a generator. */
#ifndef CELL_JSON_H
#define CELL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"

enum cell_json_type
{
  CELL_JSON_NULL,
  CELL_JSON_BOOL,
  CELL_JSON_NUMBER,
  CELL_JSON_STRING,
  CELL_JSON_ARRAY,
  CELL_JSON_OBJECT,
};

struct cell_json
{
  enum cell_json_type type;
  bool b;      /* BOOL */
  char *s;     /* STRING (NUL-free: the parser rejects \u0000 and raw NULs), NUMBER (its literal text) */
  size_t len;  /* STRING length; ARRAY/OBJECT element count */
  char **keys; /* OBJECT keys (unique: duplicate keys are a parse error) */
  struct cell_json **items; /* ARRAY items / OBJECT values, `len` of them */
};

struct cell_json_limits
{
  size_t max_bytes;  /* whole document */
  size_t max_depth;  /* nesting of arrays/objects */
  size_t max_string; /* bytes in one string */
  size_t max_items;  /* elements in one array or object */
};
/* 16 MiB, depth 64, 1 MiB strings, 65536 items. */
extern const struct cell_json_limits cell_json_default_limits;

/* Parses `len` bytes. Errors: "<display>: LINE:COL: <cause>" for syntax errors (trailing garbage,
   duplicate keys, NUL, invalid UTF-8, caps exceeded included). Caller frees *out. */
int cell_json_parse (const char *buf, size_t len, const char *display, const struct cell_json_limits *lim,
                     struct cell_json **out, struct cell_error **err);
/* Reads a whole file (a regular file, checked against lim->max_bytes with fstat before reading) into *out
   (NUL-terminated, caller frees), *len bytes. */
int cell_json_read_file (const char *path, const char *display, const struct cell_json_limits *lim,
                         char **out, size_t *len, struct cell_error **err);
/* The same for an open file, read from its current offset. */
int cell_json_read_fd (int fd, const char *display, const struct cell_json_limits *lim, char **out,
                       size_t *len, struct cell_error **err);
/* Reads a file (fstat size check before reading) and parses it. */
int cell_json_parse_file (const char *path, const char *display, const struct cell_json_limits *lim,
                          struct cell_json **out, struct cell_error **err);
/* The same for an open file, read from its current offset. */
int cell_json_parse_fd (int fd, const char *display, const struct cell_json_limits *lim,
                        struct cell_json **out, struct cell_error **err);
void cell_json_free (struct cell_json *j);
/* Object member by key, or NULL. */
const struct cell_json *cell_json_get (const struct cell_json *obj, const char *key);

/* Generator. Strings are escaped; output is compact unless `pretty`. */
struct cell_json_gen;
struct cell_json_gen *cell_json_gen_new (bool pretty);
void cell_json_gen_map_open (struct cell_json_gen *g);
void cell_json_gen_map_close (struct cell_json_gen *g);
void cell_json_gen_array_open (struct cell_json_gen *g);
void cell_json_gen_array_close (struct cell_json_gen *g);
void cell_json_gen_key (struct cell_json_gen *g, const char *key);
void cell_json_gen_string (struct cell_json_gen *g, const char *s);
void cell_json_gen_int (struct cell_json_gen *g, long long v);
void cell_json_gen_uint (struct cell_json_gen *g, unsigned long long v);
void cell_json_gen_bool (struct cell_json_gen *g, bool v);
/* Convenience: key + value. */
void cell_json_gen_kv_string (struct cell_json_gen *g, const char *key, const char *s);
void cell_json_gen_kv_int (struct cell_json_gen *g, const char *key, long long v);
/* Returns the document (NUL-terminated, caller frees; *len if non-NULL) and frees the generator. */
char *cell_json_gen_finish (struct cell_json_gen *g, size_t *len);

#endif
