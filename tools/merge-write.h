/* SPDX-License-Identifier: BSD-2-Clause */
/* What icmpsweep merge writes: the united hosts and the shards' summed metadata. */
#ifndef ISW_TOOLS_MERGE_WRITE_H
#define ISW_TOOLS_MERGE_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "icmpsweep/output.h"
#include "result-file.h"
#include "shard-meta.h"

#define MERGE_OK         0
#define MERGE_INCOMPLETE 1
#define MERGE_BAD        2

struct merge_opts {
	enum isw_format format;
	int format_given;
	const char *output, *metadata;
};

/* The hosts of all (sorted, once each) to fp, with the columns result files carry back;
 * targets for XML's footer.  0, or a negative errno with errbuf set. */
int merge_write_hosts(FILE *fp, enum isw_format format, const struct rf_set *all, uint64_t targets,
                      char *errbuf);

/* The merged metadata to path: the sweep's identity (seed, shard count, target digest), the
 * shards found, hosts up and every counter summed; "status" done when complete, else
 * incomplete.  0, or -1 after a message on stderr. */
int merge_write_metadata(const char *path, const struct shard_meta *m, size_t nm, uint64_t hosts,
                         int complete);

#endif
