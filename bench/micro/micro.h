/* SPDX-License-Identifier: BSD-2-Clause */
/* A tiny timing harness shared by the microbenchmarks in bench/micro/.
 *
 * Each benchmark is a function that performs `n` operations and returns a value derived
 * from all of them (so the compiler cannot drop the work).  micro_run() calls it with a
 * growing n until one call lasts at least MICRO_MIN_SECONDS, then repeats that call
 * MICRO_TRIALS times and reports the median rate.  Output is one line per benchmark:
 *
 *   name  <ops/s>  <ns/op>        (or, with --json, one JSON object per line)
 */
#ifndef ISW_MICRO_H
#define ISW_MICRO_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MICRO_TRIALS 5

typedef uint64_t (*micro_fn)(void *ctx, uint64_t n);

struct micro_opts {
	double min_seconds; /* per trial */
	int json;
};

static inline double micro_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --json, --seconds S (default 0.3, the smoke path uses less). */
static inline struct micro_opts micro_parse(int argc, char **argv)
{
	struct micro_opts o = {0.3, 0};

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			o.json = 1;
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			o.min_seconds = atof(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [--json] [--seconds S]\n", argv[0]);
			exit(2);
		}
	}
	if (o.min_seconds <= 0 || o.min_seconds > 60)
		o.min_seconds = 0.3;
	return o;
}

static volatile uint64_t micro_sink;

static int micro_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static inline void micro_run(const struct micro_opts *o, const char *name, const char *unit,
                             micro_fn fn, void *ctx)
{
	uint64_t n = 1024;
	double t, rates[MICRO_TRIALS];

	/* Calibrate: grow n until one call takes long enough (bounded: n < 2^40). */
	for (;;) {
		t = micro_now();
		micro_sink += fn(ctx, n);
		t = micro_now() - t;
		if (t >= o->min_seconds || n >= (1ULL << 40))
			break;
		n = t > 0.001 ? (uint64_t)((double)n * o->min_seconds * 1.2 / t) + 1 : n * 8;
	}
	for (int i = 0; i < MICRO_TRIALS; i++) {
		t = micro_now();
		micro_sink += fn(ctx, n);
		t = micro_now() - t;
		rates[i] = t > 0 ? (double)n / t : 0;
	}
	qsort(rates, MICRO_TRIALS, sizeof(rates[0]), micro_cmp);
	double med = rates[MICRO_TRIALS / 2];
	if (o->json)
		printf("{\"name\":\"%s\",\"unit\":\"%s\",\"ops_per_s\":%.1f,\"ns_per_op\":%.3f,"
		       "\"min_ops_per_s\":%.1f,\"max_ops_per_s\":%.1f,\"trials\":%d,\"ops_per_"
		       "trial\":%llu}\n",
		       name, unit, med, 1e9 / med, rates[0], rates[MICRO_TRIALS - 1], MICRO_TRIALS,
		       (unsigned long long)n);
	else
		printf("%-28s %14.0f %s/s %9.2f ns/op  (min %.0f, max %.0f)\n", name, med, unit,
		       1e9 / med, rates[0], rates[MICRO_TRIALS - 1]);
	fflush(stdout);
}

#endif
