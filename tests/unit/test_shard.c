/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/core/shard.h and tools/cli-shard.c: shards cover the order exactly once and
 * balance within one; membership agrees with the ranges; --shard, --shards and --shard auto
 * resolve from options and scheduler variables, and every bad value is refused by name. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli-shard.h"
#include "icmpsweep/error.h"
#include "shard.h"

static void test_ranges_cover_and_balance(void **state __attribute__((unused)))
{
	static const uint64_t sizes[] = {1, 2, 5, 14, 100, 65536, 1000003, UINT64_C(1) << 32};
	static const uint32_t counts[] = {1, 2, 3, 4, 7, 64, 1000, 4096, 65535};
	struct isw_perm p;

	for (size_t a = 0; a < sizeof(sizes) / sizeof(sizes[0]); a++) {
		assert_int_equal(isw_perm_init(&p, sizes[a], 1), 0);
		for (size_t b = 0; b < sizeof(counts) / sizeof(counts[0]); b++) {
			uint64_t next = 0, min = UINT64_MAX, max = 0;

			for (uint32_t i = 0; i < counts[b]; i++) {
				struct isw_shard s;

				isw_shard_init(&s, &p, sizes[a], i, counts[b]);
				assert_true(s.lo == next); /* contiguous: no gap, no overlap */
				assert_true(s.hi >= s.lo);
				next = s.hi;
				if (s.hi - s.lo < min)
					min = s.hi - s.lo;
				if (s.hi - s.lo > max)
					max = s.hi - s.lo;
			}
			assert_true(next == sizes[a]);
			assert_true(max - min <= 1);
		}
	}
}

/* Every target is in exactly one shard, and isw_shard_has says which. */
static void test_membership(void **state __attribute__((unused)))
{
	const uint64_t n = 1234;
	const uint32_t count = 5;
	struct isw_perm p;
	struct isw_shard s[5];
	unsigned hits[1234] = {0};

	assert_int_equal(isw_perm_init(&p, n, 77), 0);
	for (uint32_t i = 0; i < count; i++)
		isw_shard_init(&s[i], &p, n, i, count);
	for (uint32_t i = 0; i < count; i++)
		for (uint64_t pos = s[i].lo; pos < s[i].hi; pos++) {
			uint64_t idx = isw_perm_at(&p, pos);

			hits[idx]++;
			for (uint32_t j = 0; j < count; j++)
				assert_int_equal(isw_shard_has(&s[j], idx), i == j);
		}
	for (uint64_t idx = 0; idx < n; idx++)
		assert_int_equal(hits[idx], 1);
	/* No sharding: everything is in. */
	struct isw_shard all;
	isw_shard_init(&all, &p, n, 0, 0);
	assert_true(all.lo == 0 && all.hi == n && isw_shard_has(&all, 5));
}

/* A shard's slots number its own targets 0..slots-1, each once, the same from a target's
 * index (capture) as from its position (sender); another shard's target has none. */
static void test_slots(void **state __attribute__((unused)))
{
	const uint64_t n = 1000;
	struct isw_perm p;
	struct isw_shard s, other, all;
	unsigned seen[1000] = {0};

	assert_int_equal(isw_perm_init(&p, n, 5), 0);
	isw_shard_init(&s, &p, n, 2, 7);
	isw_shard_init(&other, &p, n, 3, 7);
	assert_int_equal(isw_shard_slots(&s), s.hi - s.lo);
	for (uint64_t pos = s.lo; pos < s.hi; pos++) {
		uint64_t idx = isw_perm_at(&p, pos), slot = isw_shard_slot_at(&s, pos, idx);

		assert_true(slot < isw_shard_slots(&s));
		assert_int_equal(isw_shard_slot(&s, idx), (int64_t)slot);
		assert_int_equal(isw_shard_slot(&other, idx), -1);
		seen[slot]++;
	}
	for (uint64_t i = 0; i < isw_shard_slots(&s); i++)
		assert_int_equal(seen[i], 1);
	/* The whole order: the slot is the index. */
	isw_shard_init(&all, &p, n, 0, 1);
	assert_int_equal(isw_shard_slots(&all), n);
	assert_int_equal(isw_shard_slot(&all, 17), 17);
	assert_int_equal(isw_shard_slot_at(&all, 3, 17), 17);
}

/* A fake environment: "NAME=VALUE" strings. */
static const char *const *fake_env;

static const char *lookup(const char *name)
{
	size_t len = strlen(name);

	for (const char *const *e = fake_env; e && *e; e++)
		if (!strncmp(*e, name, len) && (*e)[len] == '=')
			return *e + len + 1;
	return NULL;
}

static void ok(const char *shard, const char *shards, const char *const *env, uint32_t index,
               uint32_t count, const char *source)
{
	struct cli_shard o;
	char err[ISW_ERRBUF_SIZE] = "";

	fake_env = env;
	if (cli_shard_resolve(shard, shards, lookup, &o, err) != 0)
		fail_msg("--shard %s --shards %s: %s", shard, shards ? shards : "-", err);
	assert_int_equal(o.index, index);
	assert_int_equal(o.count, count);
	if (source)
		assert_string_equal(o.source, source);
}

static void bad(const char *shard, const char *shards, const char *const *env, const char *want)
{
	struct cli_shard o;
	char err[ISW_ERRBUF_SIZE] = "";

	fake_env = env;
	assert_int_equal(cli_shard_resolve(shard, shards, lookup, &o, err), -EINVAL);
	if (!strstr(err, want))
		fail_msg("--shard %s: message '%s' lacks '%s'", shard ? shard : "-", err, want);
}

static void test_options(void **state __attribute__((unused)))
{
	ok(NULL, NULL, NULL, 0, 0, NULL);
	ok("0/1", NULL, NULL, 0, 1, "option");
	ok("3/4", NULL, NULL, 3, 4, "option");
	ok("3/4", "4", NULL, 3, 4, "option");
	ok("2", "5", NULL, 2, 5, "option");
	ok("4294967294/4294967295", NULL, NULL, 4294967294u, 4294967295u, "option");
	bad("4/4", NULL, NULL, "'4/4'");
	bad("1/0", NULL, NULL, "'1/0'");
	bad("0/0", NULL, NULL, "'0/0'");
	bad("x/4", NULL, NULL, "'x/4'");
	bad("1/4x", NULL, NULL, "'1/4x'");
	bad("01/4", NULL, NULL, "'01/4'");
	bad("-1/4", NULL, NULL, "'-1/4'");
	bad("1/", NULL, NULL, "'1/'");
	bad("/4", NULL, NULL, "'/4'");
	bad("", NULL, NULL, "''");
	bad("1/4", "5", NULL, "--shards 5");
	bad("2", NULL, NULL, "--shards N");
	bad("5", "5", NULL, "'5'");
	bad(NULL, "4", NULL, "needs --shard");
	bad("1", "0", NULL, "'0'");
	bad("1", "junk", NULL, "'junk'");
}

static void test_auto(void **state __attribute__((unused)))
{
	static const char *const array[] = {"SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_COUNT=4",
	                                    "SLURM_PROCID=0", "SLURM_NTASKS=1", NULL};
	static const char *const array1[] = {"SLURM_ARRAY_TASK_ID=4", "SLURM_ARRAY_TASK_COUNT=4",
	                                     "SLURM_ARRAY_TASK_MIN=1", NULL};
	static const char *const gap[] = {"SLURM_ARRAY_TASK_ID=7", "SLURM_ARRAY_TASK_COUNT=4",
	                                  "SLURM_ARRAY_TASK_MIN=1", NULL};
	static const char *const nocount[] = {"SLURM_ARRAY_TASK_ID=1", NULL};
	static const char *const tasks[] = {"SLURM_PROCID=5", "SLURM_NTASKS=8", NULL};
	static const char *const tasks_bad[] = {"SLURM_PROCID=8", "SLURM_NTASKS=8", NULL};
	static const char *const junk[] = {"SLURM_PROCID=abc", "SLURM_NTASKS=8", NULL};
	static const char *const k8s[] = {"JOB_COMPLETION_INDEX=3", NULL};

	ok("auto", NULL, array, 2, 4, "slurm-array");
	ok("auto", "4", array, 2, 4, "slurm-array");
	ok("auto", NULL, array1, 3, 4, "slurm-array");
	ok("auto", NULL, tasks, 5, 8, "slurm-tasks");
	ok("auto", "6", k8s, 3, 6, "kubernetes");
	bad("auto", NULL, NULL, "SLURM_ARRAY_TASK_ID");
	bad("auto", "4", NULL, "no scheduler");
	bad("auto", "5", array, "--shards 5");
	bad("auto", NULL, gap, "task 7");
	bad("auto", NULL, nocount, "SLURM_ARRAY_TASK_COUNT is not set");
	bad("auto", NULL, tasks_bad, "SLURM_PROCID 8");
	bad("auto", NULL, junk, "'abc'");
	bad("auto", NULL, k8s, "--shards N");
	bad("auto", "3", k8s, "JOB_COMPLETION_INDEX 3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ranges_cover_and_balance),
	    cmocka_unit_test(test_membership),
	    cmocka_unit_test(test_slots),
	    cmocka_unit_test(test_options),
	    cmocka_unit_test(test_auto),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
