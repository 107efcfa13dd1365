/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* features-json.h: what this build of cell supports, as the runtime-spec features document. */
#ifndef CELL_FEATURES_H
#define CELL_FEATURES_H

/* The `cell features` JSON (runtime-spec features.md). Caller frees. */
char *cell_features_json (void);

#endif
