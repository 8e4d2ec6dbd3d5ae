/* SPDX-License-Identifier: BSD-2-Clause */
/* The resolver stage as the CLI shows it: summary line, progress line, metadata block. */
#ifndef ISW_RESOLVE_CLI_H
#define ISW_RESOLVE_CLI_H

#include <stdio.h>

#include "cli-options.h"
#include "icmpsweep/resolve.h"

/* "icmpsweep: lookups: N in S s (R/s): a ok, b nxdomain, c servfail, d timeout; ..." */
void resolve_summary_print(FILE *fp, const isw_resolver *r);

/* The once-a-second line while lookups are still running after the sweep. */
void resolve_status_print(FILE *fp, const isw_resolver *r, double elapsed_s);

/* The metadata's "resolve" value: a JSON object (or null when r is NULL). */
void resolve_metadata_write(FILE *fp, const struct cli_options *o, const isw_resolver *r);

#endif
