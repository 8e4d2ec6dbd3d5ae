/* SPDX-License-Identifier: BSD-2-Clause */
/* --map FILE for a sweep or --read: the file opened with the other outputs (before any
 * privilege is dropped), the map fed by the results, the PNG written at the end. */
#ifndef ISW_MAP_CLI_H
#define ISW_MAP_CLI_H

#include <stdio.h>

#include "cli-options.h"
#include "hilbert-map.h"

struct map_run {
	hilbert_map *map; /* NULL without --map */
	FILE *fp;
	char name[512]; /* "'FILE'", for messages */
};

/* Nothing without --map.  0, or a negative errno with a message (a file that cannot be
 * opened: the caller exits 2). */
int map_run_open(struct map_run *mr, const struct cli_options *o, char *errbuf);

/* Writes the PNG (once; nothing without --map).  0, or a negative errno with a message naming
 * the file and the reason. */
int map_run_finish(struct map_run *mr, char *errbuf);

/* Frees the map and closes the file if map_run_finish did not. */
void map_run_free(struct map_run *mr);

#endif
