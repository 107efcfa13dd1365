/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-json.c: the bounded JSON parser (positions, caps, duplicate keys, NUL) and the generator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "tap.h"
#include "xalloc.h"

/* The whole message: file, position and cause. */
static void
expect_fail (const char *doc, size_t len, const struct cell_json_limits *lim, const char *want,
             const char *what)
{
  struct cell_json *j = NULL;
  struct cell_error *err = NULL;
  int r = cell_json_parse (doc, len, "t.json", lim ? lim : &cell_json_default_limits, &j, &err);
  tap_ok (r < 0 && j == NULL, "%s fails", what);
  tap_is_str (err ? err->msg : NULL, want, "... with the message");
  cell_json_free (j);
  cell_error_free (err);
}

int
main (void)
{
  struct cell_json *j = NULL;
  struct cell_error *err = NULL;
  const char *ok = "{\"a\": [1, -2, \"x\\u00e9\", true, null], \"b\": {\"c\": 1.5e3}}";
  struct cell_json_limits small = { .max_bytes = 64, .max_depth = 3, .max_string = 4, .max_items = 3 };

  tap_ok (cell_json_parse (ok, strlen (ok), "t.json", &cell_json_default_limits, &j, &err) == 0,
          "valid document");
  tap_ok (j && j->type == CELL_JSON_OBJECT && j->len == 2, "object with two members");
  {
    const struct cell_json *a = j ? cell_json_get (j, "a") : NULL;
    tap_ok (a && a->type == CELL_JSON_ARRAY && a->len == 5 && streq (a->items[1]->s, "-2"),
            "numbers keep their literal text");
    tap_ok (a && streq (a->items[2]->s, "x\xc3\xa9"), "\\u escapes decode to UTF-8");
    tap_ok (a && a->items[3]->type == CELL_JSON_BOOL && a->items[3]->b && a->items[4]->type == CELL_JSON_NULL,
            "true and null");
  }
  cell_json_free (j);

  expect_fail ("{\n  \"a\": ]", 10, NULL,
               "t.json: 2:8: parse error: unallowed token at this point in JSON text",
               "syntax errors give line:column");
  expect_fail ("{} x", 4, NULL, "t.json: 1:4: parse error: trailing garbage", "trailing garbage");
  expect_fail ("{\"pid\": 1,", 10, NULL, "t.json: 1:10: parse error: premature EOF",
               "a truncated document points at its end");
  expect_fail ("", 0, NULL, "t.json: empty document", "empty document");
  expect_fail ("{\"a\":1,\"a\":2}", 13, NULL, "t.json: 1:11: duplicate key `a`", "duplicate keys");
  expect_fail ("[\"a\\u0000b\"]", 12, NULL, "t.json: 1:12: NUL character in a string", "escaped NUL");
  expect_fail ("[\"a\0b\"]", 7, NULL, "t.json: 1:4: NUL byte in the document", "raw NUL");
  expect_fail ("[\"\xff\"]", 5, NULL, "t.json: 1:3: lexical error: invalid bytes in UTF8 string",
               "invalid UTF-8");
  expect_fail ("[[[[1]]]]", 9, &small, "t.json: 1:5: nested deeper than 3 levels", "depth cap");
  expect_fail ("[\"abcdef\"]", 10, &small, "t.json: 1:10: string longer than 4 bytes", "string length cap");
  expect_fail ("[1,2,3,4]", 9, &small, "t.json: 1:9: more than 3 elements in one array or object",
               "item count cap");
  {
    char big[100];
    memset (big, ' ', sizeof (big));
    big[0] = '[';
    big[98] = ']';
    big[99] = ' ';
    expect_fail (big, sizeof (big), &small, "t.json: larger than 64 bytes",
                 "document size cap, checked before parsing");
  }
  {
    /* Exactly `len` bytes on the heap, no NUL after them: the parser must not read past them (ASan). */
    char *blank = xmalloc (3);
    memcpy (blank, " \n\t", 3);
    expect_fail (blank, 3, NULL, "t.json: empty document", "only whitespace, in a buffer without a NUL");
    free (blank);
  }

  {
    struct cell_json_gen *g = cell_json_gen_new (false);
    char *out;
    cell_json_gen_map_open (g);
    cell_json_gen_kv_string (g, "s", "q\"\\\n\x01");
    cell_json_gen_kv_int (g, "n", -5);
    cell_json_gen_map_close (g);
    out = cell_json_gen_finish (g, NULL);
    tap_is_str (out, "{\"s\":\"q\\\"\\\\\\n\\u0001\",\"n\":-5}", "the generator escapes strings");
    free (out);
  }
  return tap_done ();
}
