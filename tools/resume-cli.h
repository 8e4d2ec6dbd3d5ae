/* SPDX-License-Identifier: BSD-2-Clause */
/* --resume FILE on the command line: the checkpoint loaded, the options it recorded parsed
 * (then the command line's own, which must agree), the output cut back to the checkpoint and
 * the scan set to go on where it was. */
#ifndef ISW_RESUME_CLI_H
#define ISW_RESUME_CLI_H

#include <stdio.h>

#include "checkpoint.h"
#include "cli-options.h"
#include "icmpsweep/scan.h"

struct resume_ctx {
	int active;
	struct checkpoint ck;
	int argc;
	char **argv; /* argv[0], the checkpoint's options, the command line's */
};

/* o is the command line's parse.  With --resume: o becomes the parse of the checkpoint's
 * options followed by the command line's; a difference that matters is refused.  0, or a
 * negative errno with a message (-EINVAL: the caller exits 2). */
int resume_parse(struct cli_options *o, int argc, char **argv, struct resume_ctx *rs, char *errbuf);
/* The results' file, opened for update and cut back to the size the checkpoint recorded
 * (the hosts written then, and no partial line).  NULL with a message when it is missing or
 * shorter than that. */
FILE *resume_open_output(const struct resume_ctx *rs, const char *path, char *errbuf);
/* After prepare: the senders' positions and the targets answered before.  0 or -EINVAL
 * with a message. */
int resume_scan(isw_scan *scan, const struct resume_ctx *rs, char *errbuf);
void resume_free(struct resume_ctx *rs);

#endif
