/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* path-util.h: lexical path cleaning and resolving container paths inside a root fd (openat2
   RESOLVE_IN_ROOT, or an equivalent O_NOFOLLOW component walk on kernels without it). */
#ifndef CELL_PATH_UTIL_H
#define CELL_PATH_UTIL_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"

/* "a//b/./c/../d/" -> "/a/b/d": absolute, no "." or "..", no "//", no trailing "/"; ".." above "/" stays
   at "/", as it does inside a root. Caller frees. */
char *cell_path_clean (const char *path);
/* Joins a base and a relative path ("/bundle" + "rootfs"); an absolute `rel` is returned as is. */
char *cell_path_join (const char *base, const char *rel);
/* strsep for option lists where a backslash escapes the next character (overlayfs's `\,` and `\:`):
   splits *s at the first unescaped `sep`, keeping the escapes in the token; NULL when *s is used up. */
char *cell_strsep_escaped (char **s, char sep);
/* Removes those escapes in place. */
void cell_unescape (char *s);

/* Opens `path` (absolute or relative, interpreted inside root_dfd: symlinks and ".." cannot escape it,
   magic links are refused) with open(2) `flags`. Returns the fd or -1 with errno set. */
int cell_open_in_root (int root_dfd, const char *path, int flags, mode_t mode);
/* Forces the O_NOFOLLOW walk even when openat2 exists (the front-end sets it for tests: CELL_NO_OPENAT2). */
void cell_path_force_fallback (bool on);
/* Whether it is forced (procfs writes take their openat2-less way too). */
bool cell_path_fallback_forced (void);

/* Makes sure `path` exists inside root_dfd (missing parents created 0755; the last component a
   directory, or an empty file with `file`) and returns an O_PATH fd of it (-1 + errno on failure).
   Every component is created with mkdirat/openat on a parent fd that was itself resolved in the root. */
int cell_mkpath_in_root (int root_dfd, const char *path, bool file, mode_t mode);
/* The same, with the missing parents made `parent_mode` (bwrap's --perms: parents without group/other
   access when the target gives them none). */
int cell_mkpath_in_root_mode (int root_dfd, const char *path, bool file, mode_t mode, mode_t parent_mode);

#endif
