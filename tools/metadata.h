/* SPDX-License-Identifier: BSD-2-Clause */
/* --metadata: the JSON summary of a scan (or of a --read analysis).
 *
 * Written twice: at the start, with the seed, the configuration and the targets and
 * "status": "running", and again at the end with the counters.  Each write goes to a temporary
 * file in the same directory, is synced and then renamed over the path, so whatever happens to
 * the process (SIGKILL, SIGPIPE, a full disk) the file is always one whole JSON document. */
#ifndef ISW_METADATA_H
#define ISW_METADATA_H

#include <stdio.h>
#include <time.h>

#include "cli-options.h"
#include "icmpsweep/scan.h"
#include "icmpsweep/trace.h"

struct run_info {
	struct timespec start, end; /* end: zero while running */
	/* "running", "done", "interrupted" (SIGINT/SIGTERM) or "failed" (results, trace or
	 * metadata not fully written). */
	const char *status;
	int interrupted;
	const char *limit; /* "max-results" or "max-runtime" when one ended the sweep, else NULL */
	int argc;
	char **argv;
	const isw_resolver *resolver;            /* NULL with -n */
	const struct isw_offline_stats *offline; /* --read: what the analysis found */
	/* --resume: the checkpoint this run went on from, and how many runs came before it
	 * (1: the first resume).  NULL and 0 for a new sweep. */
	const char *resumed_from;
	unsigned resumes;
};

/* Writes the document to fp; scan is NULL for --read (ri->offline set).  0 or -EIO. */
int metadata_write(FILE *fp, const struct cli_options *o, const isw_scan *scan,
                   const struct run_info *ri);

/* Before anything is sent: 0 if path can be written (a temporary file can be made beside
 * it), else -errno with a message naming the path.  Creates nothing that stays. */
int metadata_check(const char *path, char *errbuf);

/* Writes the document to path atomically (temporary file, fsync, rename).  A path that is not
 * a regular file (/dev/null, /dev/stdout) is written in place.  0, or -errno with a message. */
int metadata_save(const char *path, const struct cli_options *o, const isw_scan *scan,
                  const struct run_info *ri, char *errbuf);

/* After the first save and before privileges are dropped: a descriptor of the file itself,
 * or -1.  The user the sweep switches to may not be allowed to create files beside it, so
 * metadata_save_kept falls back to rewriting the file in place through this descriptor. */
int metadata_keep(const char *path);

/* metadata_save, or when the directory refuses the temporary file or the rename (EACCES,
 * EPERM: privileges dropped) and kept_fd >= 0, the document rewritten in place. */
int metadata_save_kept(const char *path, int kept_fd, const struct cli_options *o,
                       const isw_scan *scan, const struct run_info *ri, char *errbuf);

#endif
