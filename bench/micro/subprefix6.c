/* SPDX-License-Identifier: BSD-2-Clause */
/* IPv6 sub-prefix sweeps (issue 14): how long a spec of 2^32 sub-prefixes (2001:db8::/32-64)
 * takes to load and finalize, alone and cut by 10,000 exclusions, and what one index -> address
 * costs the sender (isw_targets_at_addr at scattered indices, as the permutation asks) with the
 * ::1 identifier, a random one, and the cut set; the inverse (the capture's address -> index)
 * too. */
#include <sys/socket.h>

#include "icmpsweep/error.h"
#include "icmpsweep/targets.h"
#include "micro.h"

#define SPEC     "2001:db8::/32-64"
#define N        (1ull << 32)
#define EXCLUDES 10000u
#define LOADS    5
#define SCATTER  0x9e3779b1u /* odd: i * SCATTER mod 2^32 visits every index once */

struct ctx {
	isw_targets *t;
	uint64_t n;
};

/* mode 0: ::1; 1: random; 2: ::1 with EXCLUDES single /64 addresses taken out. */
static isw_targets *load(int mode)
{
	isw_targets *t = NULL;
	char err[ISW_ERRBUF_SIZE], spec[64];

	if (isw_targets_new(&t) < 0) {
		fprintf(stderr, "subprefix6: out of memory\n");
		exit(1);
	}
	isw_targets_allow_ipv6(t);
	if (mode == 1)
		isw_targets_set_iid_random(t, 42);
	if (isw_targets_add(t, SPEC, 0, err) < 0)
		goto fail;
	for (uint32_t i = 0; mode == 2 && i < EXCLUDES; i++) {
		uint32_t k = i * SCATTER;

		snprintf(spec, sizeof(spec), "2001:db8:%x:%x::1", k >> 16, k & 0xffff);
		if (isw_targets_add(t, spec, 1, err) < 0)
			goto fail;
	}
	if (isw_targets_finalize(t, err) < 0)
		goto fail;
	if (isw_targets_count(t) != N - (mode == 2 ? EXCLUDES : 0)) {
		fprintf(stderr, "subprefix6: %llu targets\n",
		        (unsigned long long)isw_targets_count(t));
		exit(1);
	}
	return t;
fail:
	fprintf(stderr, "subprefix6: %s\n", err);
	exit(1);
}

static uint64_t at_bench(void *v, uint64_t n)
{
	const struct ctx *c = v;
	uint64_t acc = 0;

	for (uint64_t i = 0; i < n; i++) {
		struct isw_addr a = isw_targets_at_addr(c->t, (uint32_t)(i * SCATTER) % c->n);

		acc += a.bytes[15] ^ a.bytes[7];
	}
	return acc;
}

static uint64_t index_bench(void *v, uint64_t n)
{
	const struct ctx *c = v;
	struct isw_addr a = {.family = AF_INET6, .bytes = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
	uint64_t acc = 0;

	for (uint64_t i = 0; i < n; i++) {
		uint32_t k = (uint32_t)(i * SCATTER);

		a.bytes[4] = (uint8_t)(k >> 24);
		a.bytes[5] = (uint8_t)(k >> 16);
		a.bytes[6] = (uint8_t)(k >> 8);
		a.bytes[7] = (uint8_t)k;
		acc += (uint64_t)isw_targets_index_addr(c->t, &a);
	}
	return acc;
}

static void time_loads(const struct micro_opts *o, const char *name, int mode)
{
	double us[LOADS];

	for (int i = 0; i < LOADS; i++) {
		double t = micro_now();

		isw_targets_free(load(mode));
		us[i] = (micro_now() - t) * 1e6;
	}
	qsort(us, LOADS, sizeof(us[0]), micro_cmp);
	if (o->json)
		printf("{\"name\":\"%s\",\"unit\":\"loads\",\"ops_per_s\":%.1f,\"ns_per_op\":%.1f,"
		       "\"min_ops_per_s\":%.1f,\"max_ops_per_s\":%.1f,\"trials\":%d,"
		       "\"ops_per_trial\":1}\n",
		       name, 1e6 / us[LOADS / 2], us[LOADS / 2] * 1e3, 1e6 / us[LOADS - 1],
		       1e6 / us[0], LOADS);
	else
		printf("%-28s %14.1f us/load  (min %.1f, max %.1f)\n", name, us[LOADS / 2], us[0],
		       us[LOADS - 1]);
}

int main(int argc, char **argv)
{
	static const char *const names[] = {"subprefix6 at ::1", "subprefix6 at random",
	                                    "subprefix6 at 10k excl"};
	struct micro_opts o = micro_parse(argc, argv);
	struct ctx c;

	time_loads(&o, "subprefix6 load 2^32", 0);
	time_loads(&o, "subprefix6 load 2^32 -10k", 2);
	for (int mode = 0; mode < 3; mode++) {
		c.t = load(mode);
		c.n = isw_targets_count(c.t);
		micro_run(&o, names[mode], "addrs", at_bench, &c);
		if (mode != 1)
			micro_run(&o, mode ? "subprefix6 index 10k excl" : "subprefix6 index ::1",
			          "addrs", index_bench, &c);
		isw_targets_free(c.t);
	}
	return 0;
}
