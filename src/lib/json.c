/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* json.c: the only file that includes yajl: a bounded parser into a small tree (positions in errors,
   caps checked before the work grows) and a generator. */
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>
#include "json.h"
#include "xalloc.h"

const struct cell_json_limits cell_json_default_limits = {
  .max_bytes = 16 * 1024 * 1024,
  .max_depth = 64,
  .max_string = 1024 * 1024,
  .max_items = 65536,
};

/* ---- parser ------------------------------------------------------------------------------------ */

struct frame
{
  struct cell_json *node;
  size_t cap;
  char *pending_key; /* OBJECT: key awaiting its value */
};

struct parse_ctx
{
  const struct cell_json_limits *lim;
  struct frame *stack;
  size_t depth, cap;
  struct cell_json *root;
  char *fail; /* our own error (caps, duplicates, NUL) */
};

static void fail (struct parse_ctx *c, const char *fmt, ...) PRINTF_LIKE (2, 3);

static void
fail (struct parse_ctx *c, const char *fmt, ...)
{
  va_list ap;
  if (c->fail)
    return;
  va_start (ap, fmt);
  c->fail = xvasprintf (fmt, ap);
  va_end (ap);
}

static int
add_value (struct parse_ctx *c, struct cell_json *v)
{
  struct frame *top;

  if (c->depth == 0)
    {
      c->root = v;
      return 1;
    }
  top = &c->stack[c->depth - 1];
  if (top->node->len >= c->lim->max_items)
    {
      cell_json_free (v);
      fail (c, "more than %zu elements in one array or object", c->lim->max_items);
      return 0;
    }
  if (top->node->len + 1 > top->cap)
    {
      size_t cap = top->cap;
      top->node->items = xgrow (top->node->items, &cap, top->node->len + 1, sizeof (struct cell_json *));
      if (top->node->type == CELL_JSON_OBJECT)
        {
          size_t kcap = top->cap;
          top->node->keys = xgrow (top->node->keys, &kcap, top->node->len + 1, sizeof (char *));
        }
      top->cap = cap;
    }
  if (top->node->type == CELL_JSON_OBJECT)
    {
      top->node->keys[top->node->len] = top->pending_key;
      top->pending_key = NULL;
    }
  top->node->items[top->node->len++] = v;
  return 1;
}

static struct cell_json *
new_node (enum cell_json_type t)
{
  struct cell_json *j = xzalloc (sizeof *j);
  j->type = t;
  return j;
}

static int
on_null (void *ctx)
{
  return add_value (ctx, new_node (CELL_JSON_NULL));
}

static int
on_boolean (void *ctx, int b)
{
  struct cell_json *j = new_node (CELL_JSON_BOOL);
  j->b = b != 0;
  return add_value (ctx, j);
}

static int
on_number (void *ctx, const char *s, size_t len)
{
  struct cell_json *j = new_node (CELL_JSON_NUMBER);
  j->s = xstrndup (s, len);
  j->len = len;
  return add_value (ctx, j);
}

static int
check_string (struct parse_ctx *c, const unsigned char *s, size_t len)
{
  if (len > c->lim->max_string)
    {
      fail (c, "string longer than %zu bytes", c->lim->max_string);
      return 0;
    }
  if (memchr (s, '\0', len) != NULL)
    {
      fail (c, "NUL character in a string");
      return 0;
    }
  return 1;
}

static int
on_string (void *ctx, const unsigned char *s, size_t len)
{
  struct cell_json *j;
  if (!check_string (ctx, s, len))
    return 0;
  j = new_node (CELL_JSON_STRING);
  j->s = xstrndup ((const char *)s, len);
  j->len = len;
  return add_value (ctx, j);
}

static int
push (struct parse_ctx *c, enum cell_json_type t)
{
  struct cell_json *j;
  if (c->depth >= c->lim->max_depth)
    {
      fail (c, "nested deeper than %zu levels", c->lim->max_depth);
      return 0;
    }
  j = new_node (t);
  if (!add_value (c, j))
    return 0;
  c->stack = xgrow (c->stack, &c->cap, c->depth + 1, sizeof *c->stack);
  c->stack[c->depth++] = (struct frame){ .node = j };
  return 1;
}

static int
on_start_map (void *ctx)
{
  return push (ctx, CELL_JSON_OBJECT);
}

static int
on_map_key (void *ctx, const unsigned char *s, size_t len)
{
  struct parse_ctx *c = ctx;
  struct frame *top = &c->stack[c->depth - 1];
  if (!check_string (c, s, len))
    return 0;
  for (size_t i = 0; i < top->node->len; i++)
    if (strlen (top->node->keys[i]) == len && memcmp (top->node->keys[i], s, len) == 0)
      {
        fail (c, "duplicate key `%.*s`", (int)(len > 64 ? 64 : len), s);
        return 0;
      }
  free (top->pending_key);
  top->pending_key = xstrndup ((const char *)s, len);
  return 1;
}

static int
on_end (void *ctx)
{
  struct parse_ctx *c = ctx;
  c->depth--;
  free (c->stack[c->depth].pending_key);
  c->stack[c->depth].pending_key = NULL;
  return 1;
}

static int
on_start_array (void *ctx)
{
  return push (ctx, CELL_JSON_ARRAY);
}

static const yajl_callbacks callbacks = {
  .yajl_null = on_null,
  .yajl_boolean = on_boolean,
  .yajl_number = on_number,
  .yajl_string = on_string,
  .yajl_start_map = on_start_map,
  .yajl_map_key = on_map_key,
  .yajl_end_map = on_end,
  .yajl_start_array = on_start_array,
  .yajl_end_array = on_end,
};

static void
position (const char *buf, size_t off, size_t *line, size_t *col)
{
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off; i++)
    {
      if (buf[i] == '\n')
        {
          (*line)++;
          *col = 1;
        }
      else
        (*col)++;
    }
}

/* yajl's message is "lexical error: invalid char in json text.\n <context>\n (right here) ------^": keep
   the first line. */
static char *
first_line (const unsigned char *msg)
{
  const char *m = (const char *)msg;
  size_t n = strcspn (m, "\n");
  while (n > 0 && (m[n - 1] == ' ' || m[n - 1] == '.'))
    n--;
  return xstrndup (m, n);
}

/* `buf` need not be NUL-terminated (strspn would read past `len`). */
static bool
only_whitespace (const char *buf, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n')
      return false;
  return true;
}

int
cell_json_parse (const char *buf, size_t len, const char *display, const struct cell_json_limits *lim,
                 struct cell_json **out, struct cell_error **err)
{
  struct parse_ctx c = { .lim = lim ? lim : &cell_json_default_limits };
  yajl_handle h;
  yajl_status st;
  size_t line, col, off;
  bool at_end = false;

  if (len > c.lim->max_bytes)
    return cell_err (err, 0, "%s: larger than %zu bytes", display, c.lim->max_bytes);
  if (memchr (buf, '\0', len) != NULL)
    {
      off = (size_t)((const char *)memchr (buf, '\0', len) - buf);
      position (buf, off, &line, &col);
      return cell_err (err, 0, "%s: %zu:%zu: NUL byte in the document", display, line, col);
    }
  h = yajl_alloc (&callbacks, NULL, &c);
  st = yajl_parse (h, (const unsigned char *)buf, len);
  if (st == yajl_status_ok)
    {
      st = yajl_complete_parse (h);
      at_end = true;
    }
  if (st != yajl_status_ok)
    {
      unsigned char *m = c.fail ? NULL : yajl_get_error (h, 0, (const unsigned char *)buf, len);
      cleanup_free char *cause = c.fail ? xstrdup (c.fail) : first_line (m);
      /* A truncated document fails in yajl_complete_parse, which consumed nothing: point at its end. */
      off = at_end ? len : yajl_get_bytes_consumed (h);
      if (off > len)
        off = len;
      /* yajl counts the offending byte as consumed; point at it. */
      if (off > 0 && c.fail == NULL && st == yajl_status_error)
        off--;
      position (buf, off, &line, &col);
      if (m)
        yajl_free_error (h, m);
      yajl_free (h);
      free (c.fail);
      for (size_t i = 0; i < c.depth; i++)
        free (c.stack[i].pending_key);
      free (c.stack);
      cell_json_free (c.root);
      if (only_whitespace (buf, len))
        return cell_err (err, 0, "%s: empty document", display);
      return cell_err (err, 0, "%s: %zu:%zu: %s", display, line, col, cause);
    }
  yajl_free (h);
  free (c.stack);
  if (c.root == NULL)
    return cell_err (err, 0, "%s: empty document", display);
  *out = c.root;
  return 0;
}

int
cell_json_parse_file (const char *path, const char *display, const struct cell_json_limits *lim,
                      struct cell_json **out, struct cell_error **err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return cell_err_errno (err, "%s", display);
  return cell_json_parse_fd (fd, display, lim, out, err);
}

int
cell_json_parse_fd (int fd, const char *display, const struct cell_json_limits *lim, struct cell_json **out,
                    struct cell_error **err)
{
  const struct cell_json_limits *l = lim ? lim : &cell_json_default_limits;
  cleanup_free char *buf = NULL;
  size_t len;
  if (cell_json_read_fd (fd, display, l, &buf, &len, err) < 0)
    return -1;
  return cell_json_parse (buf, len, display, l, out, err);
}

int
cell_json_read_file (const char *path, const char *display, const struct cell_json_limits *lim, char **out,
                     size_t *len, struct cell_error **err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return cell_err_errno (err, "%s", display);
  return cell_json_read_fd (fd, display, lim, out, len, err);
}

int
cell_json_read_fd (int fd, const char *display, const struct cell_json_limits *lim, char **out, size_t *len,
                   struct cell_error **err)
{
  const struct cell_json_limits *l = lim ? lim : &cell_json_default_limits;
  cleanup_free char *buf = NULL;
  struct stat sb;
  size_t off = 0;

  if (fstat (fd, &sb) < 0)
    return cell_err_errno (err, "%s", display);
  if (!S_ISREG (sb.st_mode))
    return cell_err (err, 0, "%s: not a regular file", display);
  if ((size_t)sb.st_size > l->max_bytes)
    return cell_err (err, 0, "%s: larger than %zu bytes", display, l->max_bytes);
  buf = xmalloc ((size_t)sb.st_size + 1);
  while (off < (size_t)sb.st_size)
    {
      ssize_t n = read (fd, buf + off, (size_t)sb.st_size - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return cell_err_errno (err, "%s", display);
      if (n == 0)
        break;
      off += (size_t)n;
    }
  buf[off] = '\0';
  *out = steal_ptr (&buf);
  *len = off;
  return 0;
}

void
cell_json_free (struct cell_json *j)
{
  if (j == NULL)
    return;
  for (size_t i = 0; (j->type == CELL_JSON_ARRAY || j->type == CELL_JSON_OBJECT) && i < j->len; i++)
    {
      cell_json_free (j->items[i]);
      if (j->keys)
        free (j->keys[i]);
    }
  free (j->items);
  free (j->keys);
  free (j->s);
  free (j);
}

const struct cell_json *
cell_json_get (const struct cell_json *obj, const char *key)
{
  if (obj == NULL || obj->type != CELL_JSON_OBJECT)
    return NULL;
  for (size_t i = 0; i < obj->len; i++)
    if (strcmp (obj->keys[i], key) == 0)
      return obj->items[i];
  return NULL;
}

/* ---- generator ---------------------------------------------------------------------------------- */

struct cell_json_gen
{
  yajl_gen g;
};

struct cell_json_gen *
cell_json_gen_new (bool pretty)
{
  struct cell_json_gen *g = xzalloc (sizeof *g);
  g->g = yajl_gen_alloc (NULL);
  if (g->g == NULL)
    abort ();
  yajl_gen_config (g->g, yajl_gen_beautify, pretty ? 1 : 0);
  if (pretty)
    yajl_gen_config (g->g, yajl_gen_indent_string, "  ");
  yajl_gen_config (g->g, yajl_gen_validate_utf8, 0);
  return g;
}

void
cell_json_gen_map_open (struct cell_json_gen *g)
{
  yajl_gen_map_open (g->g);
}

void
cell_json_gen_map_close (struct cell_json_gen *g)
{
  yajl_gen_map_close (g->g);
}

void
cell_json_gen_array_open (struct cell_json_gen *g)
{
  yajl_gen_array_open (g->g);
}

void
cell_json_gen_array_close (struct cell_json_gen *g)
{
  yajl_gen_array_close (g->g);
}

void
cell_json_gen_key (struct cell_json_gen *g, const char *key)
{
  cell_json_gen_string (g, key);
}

void
cell_json_gen_string (struct cell_json_gen *g, const char *s)
{
  yajl_gen_string (g->g, (const unsigned char *)s, strlen (s));
}

void
cell_json_gen_int (struct cell_json_gen *g, long long v)
{
  yajl_gen_integer (g->g, v);
}

void
cell_json_gen_uint (struct cell_json_gen *g, unsigned long long v)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%llu", v);
  yajl_gen_number (g->g, buf, (size_t)n);
}

void
cell_json_gen_bool (struct cell_json_gen *g, bool v)
{
  yajl_gen_bool (g->g, v);
}

void
cell_json_gen_kv_string (struct cell_json_gen *g, const char *key, const char *s)
{
  cell_json_gen_key (g, key);
  cell_json_gen_string (g, s);
}

void
cell_json_gen_kv_int (struct cell_json_gen *g, const char *key, long long v)
{
  cell_json_gen_key (g, key);
  cell_json_gen_int (g, v);
}

char *
cell_json_gen_finish (struct cell_json_gen *g, size_t *len)
{
  const unsigned char *buf;
  size_t n;
  char *r;

  yajl_gen_get_buf (g->g, &buf, &n);
  r = xstrndup ((const char *)buf, n);
  if (len)
    *len = n;
  yajl_gen_free (g->g);
  free (g);
  return r;
}
