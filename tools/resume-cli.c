/* SPDX-License-Identifier: BSD-2-Clause */
/* --resume on the command line (resume-cli.h). */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkpoint-run.h"
#include "resume-cli.h"

int resume_parse(struct cli_options *o, int argc, char **argv, struct resume_ctx *rs, char *errbuf)
{
	struct cli_options rec;
	char **recv;
	int rc;

	memset(rs, 0, sizeof(*rs));
	if (!o->resume_path)
		return 0;
	rc = checkpoint_load(o->resume_path, &rs->ck, errbuf);
	if (rc < 0)
		return rc == -ENOMEM ? rc : -EINVAL;
	rs->active = 1;
	/* The checkpoint's options first, so the command line's would override them: any
	 * that does is a difference, found by comparing with the checkpoint's alone. */
	rs->argv = calloc((size_t)rs->ck.argc + (size_t)argc + 1, sizeof(*rs->argv));
	recv = calloc((size_t)rs->ck.argc + 2, sizeof(*recv));
	if (!rs->argv || !recv) {
		free(recv);
		return -ENOMEM;
	}
	rs->argv[rs->argc++] = argv[0];
	recv[0] = argv[0];
	for (int i = 0; i < rs->ck.argc; i++) {
		rs->argv[rs->argc++] = rs->ck.argv[i];
		recv[i + 1] = rs->ck.argv[i];
	}
	for (int i = 1; i < argc; i++)
		rs->argv[rs->argc++] = argv[i];
	cli_free(o);
	rc = cli_parse(o, rs->argc, rs->argv, errbuf);
	if (rc < 0) {
		free(recv);
		return rc;
	}
	rc = cli_parse(&rec, rs->ck.argc + 1, recv, errbuf);
	if (rc == 0)
		rc = ckpt_compare(o, &rec, &rs->ck, errbuf);
	else if (rc == -EINVAL) {
		char msg[ISW_ERRBUF_SIZE];

		snprintf(msg, sizeof(msg), "%s", errbuf);
		snprintf(errbuf, ISW_ERRBUF_SIZE, "--resume: the checkpoint's options: %s", msg);
	}
	cli_free(&rec);
	free(recv);
	if (rc < 0)
		return rc;
	if (!o->checkpoint_path) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "--resume: the checkpoint records no --checkpoint");
		return -EINVAL;
	}
	/* The slices of the order are per sender thread: as many as before. */
	o->cfg.senders = rs->ck.progress.senders;
	return 0;
}

FILE *resume_open_output(const struct resume_ctx *rs, const char *path, char *errbuf)
{
	uint64_t size = rs->ck.output_size;
	struct stat st;
	FILE *fp = fopen(path, "r+");

	if (!fp) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "--resume: cannot open output file '%s': %s",
		         path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) < 0 || (uint64_t)st.st_size < size) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "--resume: output file '%s' has %" PRIu64 " bytes, fewer than the %" PRIu64
		         " the checkpoint recorded: it was "
		         "changed since",
		         path, (uint64_t)st.st_size, size);
		fclose(fp);
		return NULL;
	}
	/* What was written after the checkpoint is written again by this run. */
	if (ftruncate(fileno(fp), (off_t)size) < 0 || fseeko(fp, 0, SEEK_END) < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "--resume: cannot cut output file '%s': %s", path,
		         strerror(errno));
		fclose(fp);
		return NULL;
	}
	return fp;
}

static int mark(isw_scan *scan, const struct isw_addr *addr, enum isw_result_type type,
                char *errbuf)
{
	char text[ISW_ADDR_TEXT_MAX];

	if (isw_scan_mark_answered(scan, addr, type) == 0)
		return 0;
	snprintf(errbuf, ISW_ERRBUF_SIZE,
	         "--resume: the checkpoint lists %s as answered, which is not a target",
	         isw_addr_format(addr, text));
	return -EINVAL;
}

int resume_scan(isw_scan *scan, const struct resume_ctx *rs, char *errbuf)
{
	int rc = isw_scan_resume_at(scan, &rs->ck.progress, errbuf);

	for (size_t i = 0; rc == 0 && i < rs->ck.nanswered; i++)
		rc = mark(scan, &rs->ck.answered[i].addr,
		          (enum isw_result_type)rs->ck.answered[i].type, errbuf);
	for (size_t i = 0; rc == 0 && i < rs->ck.npending; i++)
		rc = mark(scan, &rs->ck.pending[i].addr, rs->ck.pending[i].type, errbuf);
	return rc;
}

void resume_free(struct resume_ctx *rs)
{
	checkpoint_free(&rs->ck);
	free(rs->argv);
	memset(rs, 0, sizeof(*rs));
}
