/* SPDX-License-Identifier: BSD-2-Clause */
/* IPv6 hitlist lines per second: isw_targets_add_file + isw_targets_finalize on a file of
 * 1,000,000 single IPv6 addresses in scrambled order (the hitlist form of issue 14), and the
 * peak memory the load takes per line, which must stay proportional to the file. */
#include <sys/resource.h>
#include <unistd.h>

#include "icmpsweep/error.h"
#include "icmpsweep/targets.h"
#include "micro.h"

#define LINES 1000000u

static isw_targets *load(const char *path)
{
	isw_targets *t = NULL;
	char err[ISW_ERRBUF_SIZE];

	if (isw_targets_new(&t) < 0) {
		fprintf(stderr, "targets6: out of memory\n");
		exit(1);
	}
	isw_targets_allow_ipv6(t);
	if (isw_targets_add_file(t, path, 0, err) < 0 || isw_targets_finalize(t, err) < 0) {
		fprintf(stderr, "targets6: %s\n", err);
		exit(1);
	}
	if (isw_targets_count(t) != LINES) {
		fprintf(stderr, "targets6: %llu addresses, expected %u\n",
		        (unsigned long long)isw_targets_count(t), LINES);
		exit(1);
	}
	return t;
}

static long peak_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
	struct micro_opts o = micro_parse(argc, argv);
	double rates[MICRO_TRIALS];
	char path[64];
	long before;
	FILE *fp;
	int fd;

	snprintf(path, sizeof(path), "/tmp/isw-micro-targets6-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || !(fp = fdopen(fd, "w"))) {
		perror("mkstemp");
		return 1;
	}
	/* 7919 is prime and coprime to LINES: every address once, far from sorted, and spread
	 * over many /64s as a hitlist is. */
	for (uint32_t i = 0; i < LINES; i++) {
		uint32_t k = (uint32_t)(((uint64_t)i * 7919) % LINES);
		fprintf(fp, "2001:db8:%x:%x::%x:%x\n", k >> 12, k & 0xfff, k * 2654435761u >> 16,
		        k & 0xffff);
	}
	if (fclose(fp) != 0) {
		perror(path);
		unlink(path);
		return 1;
	}
	before = peak_rss_kib();
	isw_targets_free(load(path));
	/* On stderr under --json, whose stdout is one JSON object per line. */
	fprintf(o.json ? stderr : stdout,
	        "targets6 1M-line hitlist: peak RSS +%ld KiB (%.1f bytes/line)\n",
	        peak_rss_kib() - before, (peak_rss_kib() - before) * 1024.0 / LINES);
	/* One load is a second or so: timed load by load rather than through micro_run, whose
	 * calibration would count a whole file as its first 1024 operations. */
	for (int i = 0; i < MICRO_TRIALS; i++) {
		double t = micro_now();

		isw_targets_free(load(path));
		t = micro_now() - t;
		rates[i] = t > 0 ? LINES / t : 0;
	}
	qsort(rates, MICRO_TRIALS, sizeof(rates[0]), micro_cmp);
	if (o.json)
		printf("{\"name\":\"targets6 hitlist 1M lines\",\"unit\":\"lines\","
		       "\"ops_per_s\":%.1f,\"ns_per_op\":%.3f,\"min_ops_per_s\":%.1f,"
		       "\"max_ops_per_s\":%.1f,\"trials\":%d,\"ops_per_trial\":%u}\n",
		       rates[MICRO_TRIALS / 2], 1e9 / rates[MICRO_TRIALS / 2], rates[0],
		       rates[MICRO_TRIALS - 1], MICRO_TRIALS, LINES);
	else
		printf("%-28s %14.0f lines/s %9.2f ns/op  (min %.0f, max %.0f)\n",
		       "targets6 hitlist 1M lines", rates[MICRO_TRIALS / 2],
		       1e9 / rates[MICRO_TRIALS / 2], rates[0], rates[MICRO_TRIALS - 1]);
	unlink(path);
	return 0;
}
