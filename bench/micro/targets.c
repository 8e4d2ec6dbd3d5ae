/* SPDX-License-Identifier: BSD-2-Clause */
/* Target-file lines per second: isw_targets_add_file + isw_targets_finalize on a file of
 * 100,000 single addresses in scrambled order (-i FILE with a long host list), so that a
 * loader or merge that grows faster than n log n shows as a drop in the rate.  Then the
 * lookups over the 100,000 ranges it makes: index -> address (the sender's, per probe) and
 * address -> index (the capture's, per answer), at scattered indices. */
#include <unistd.h>

#include "icmpsweep/error.h"
#include "icmpsweep/targets.h"
#include "micro.h"

#define LINES 100000u

struct ctx {
	char path[64];
	isw_targets *t;
};

#define SCATTER 0x9e3779b1u /* odd: consecutive operations far apart in the table */

/* One call loads the file round(n / LINES) times (at least once): an operation is one line,
 * and the rounding is within half a file of the n asked for, a few percent of a trial. */
static uint64_t bench(void *v, uint64_t n)
{
	struct ctx *c = v;
	uint64_t loads = (n + LINES / 2) / LINES, acc = 0;
	char err[ISW_ERRBUF_SIZE];

	if (loads == 0)
		loads = 1;
	for (uint64_t k = 0; k < loads; k++) {
		isw_targets *t = NULL;

		if (isw_targets_new(&t) < 0 || isw_targets_add_file(t, c->path, 0, err) < 0 ||
		    isw_targets_finalize(t, err) < 0) {
			fprintf(stderr, "targets: %s\n", err);
			exit(1);
		}
		if (isw_targets_count(t) != LINES) {
			fprintf(stderr, "targets: %llu addresses, expected %u\n",
			        (unsigned long long)isw_targets_count(t), LINES);
			exit(1);
		}
		acc += isw_targets_count(t);
		isw_targets_free(t);
	}
	return acc;
}

static uint64_t at_bench(void *v, uint64_t n)
{
	const struct ctx *c = v;
	uint64_t acc = 0;

	for (uint64_t i = 0; i < n; i++)
		acc += isw_targets_at(c->t, (uint32_t)(i * SCATTER) % LINES);
	return acc;
}

static uint64_t index_bench(void *v, uint64_t n)
{
	const struct ctx *c = v;
	uint64_t acc = 0;

	for (uint64_t i = 0; i < n; i++)
		acc += (uint64_t)isw_targets_index(c->t, 0x0a000000u +
		                                             (uint32_t)(i * SCATTER) % (2 * LINES));
	return acc;
}

int main(int argc, char **argv)
{
	struct micro_opts o = micro_parse(argc, argv);
	struct ctx c;
	FILE *fp;
	int fd;

	snprintf(c.path, sizeof(c.path), "/tmp/isw-micro-targets-XXXXXX");
	fd = mkstemp(c.path);
	if (fd < 0 || !(fp = fdopen(fd, "w"))) {
		perror("mkstemp");
		return 1;
	}
	/* 7919 is prime and coprime to LINES: every address once, far from sorted. */
	for (uint32_t i = 0; i < LINES; i++) {
		uint32_t a = 0x0a000000u + (uint32_t)(((uint64_t)i * 7919) % LINES) * 2;
		fprintf(fp, "%u.%u.%u.%u\n", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
	}
	if (fclose(fp) != 0) {
		perror(c.path);
		unlink(c.path);
		return 1;
	}
	micro_run(&o, "targets file 100k lines", "lines", bench, &c);
	{
		char err[ISW_ERRBUF_SIZE];

		if (isw_targets_new(&c.t) < 0 || isw_targets_add_file(c.t, c.path, 0, err) < 0 ||
		    isw_targets_finalize(c.t, err) < 0) {
			fprintf(stderr, "targets: %s\n", err);
			return 1;
		}
	}
	micro_run(&o, "targets at (100k ranges)", "addrs", at_bench, &c);
	micro_run(&o, "targets index (100k ranges)", "addrs", index_bench, &c);
	isw_targets_free(c.t);
	unlink(c.path);
	return 0;
}
