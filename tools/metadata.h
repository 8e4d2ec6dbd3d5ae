/* --metadata: the JSON summary of a scan. */
#ifndef ISW_METADATA_H
#define ISW_METADATA_H

#include <stdio.h>
#include <time.h>

#include "cli-options.h"
#include "icmpsweep/scan.h"

struct run_info {
	struct timespec start, end;
	int interrupted;
	int argc;
	char **argv;
	const isw_resolver *resolver; /* NULL with -n */
};

int metadata_write(FILE *fp, const struct cli_options *o, const isw_scan *scan,
                   const struct run_info *ri);

#endif
