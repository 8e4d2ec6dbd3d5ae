/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for IPv6 sub-prefix sweeps (engine/core/subprefix6.c through targets.h): counts
 * up to the 2^32 limit, index <-> address at the first, middle and last index for a fixed and a
 * random interface identifier, random identifiers stable per seed and different across seeds,
 * exclusions and never-sent addresses cutting segments, overlaps with plain targets and across
 * lengths, the runs route maps cut, and the bad values with their messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "icmpsweep/targets.h"
#include "targets6-build.h"

static int64_t index_of(const isw_targets *t, const char *text)
{
	struct isw_addr a;

	assert_int_equal(isw_addr_parse(text, &a, NULL), 0);
	return isw_targets_index_addr(t, &a);
}

/* Every index maps to an address that maps back to it (n small enough to walk). */
static void assert_inverse(const isw_targets *t)
{
	for (uint64_t i = 0; i < isw_targets_count(t); i++) {
		struct isw_addr a = isw_targets_at_addr(t, i);

		if (isw_targets_index_addr(t, &a) != (int64_t)i)
			fail_msg("index %llu does not map back", (unsigned long long)i);
	}
}

static void test_fixed_iid(void **state)
{
	static const uint8_t iid[16] = {[9] = 0xa, [11] = 0xb, [13] = 0xc, [15] = 0xd};
	isw_targets *t = new6();
	char buf[ISW_ADDR_TEXT_MAX];

	(void)state;
	add(t, "2001:db8::/32-48", 0);
	finalize(t);
	assert_int_equal(isw_targets_count(t), 65536);
	assert_int_equal(isw_targets_count_v6(t), 65536);
	assert_string_equal(at(t, 0, buf), "2001:db8::1");
	assert_string_equal(at(t, 1, buf), "2001:db8:1::1");
	assert_string_equal(at(t, 32768, buf), "2001:db8:8000::1");
	assert_string_equal(at(t, 65535, buf), "2001:db8:ffff::1");
	assert_int_equal(index_of(t, "2001:db8:1234::1"), 0x1234);
	/* Other addresses of the sub-prefix are not targets. */
	assert_int_equal(index_of(t, "2001:db8:1234::2"), -1);
	assert_int_equal(index_of(t, "2001:db8:1234::"), -1);
	assert_int_equal(index_of(t, "2001:db9::1"), -1);
	isw_targets_free(t);

	/* The identifier's low 128 - 64 bits; the largest spec: 2^32 sub-prefixes. */
	t = new6();
	isw_targets_set_iid(t, iid);
	add(t, "2001:db8::/32-64", 0);
	finalize(t);
	assert_int_equal(isw_targets_count(t), 1ull << 32);
	assert_string_equal(at(t, 0, buf), "2001:db8::a:b:c:d");
	assert_string_equal(at(t, (1ull << 31) + 5, buf), "2001:db8:8000:5:a:b:c:d");
	assert_string_equal(at(t, (1ull << 32) - 1, buf), "2001:db8:ffff:ffff:a:b:c:d");
	assert_int_equal(index_of(t, "2001:db8:ffff:ffff:a:b:c:d"), (int64_t)(1ull << 32) - 1);
	assert_int_equal(index_of(t, "2001:db8:8000:5::a:b:c"), -1);
	isw_targets_free(t);
}

static void test_random_iid(void **state)
{
	isw_targets *a = new6(), *b = new6(), *c = new6();
	uint64_t probe[] = {0, 1, 2, 1000, 65535};

	(void)state;
	isw_targets_set_iid_random(a, 7);
	isw_targets_set_iid_random(b, 7);
	isw_targets_set_iid_random(c, 8);
	add(a, "2001:db8::/32-48", 0);
	add(b, "2001:db8::/32-48", 0);
	add(c, "2001:db8::/32-48", 0);
	finalize(a);
	finalize(b);
	finalize(c);
	assert_int_equal(isw_targets_count(a), 65536);
	for (size_t k = 0; k < sizeof(probe) / sizeof(probe[0]); k++) {
		struct isw_addr x = isw_targets_at_addr(a, probe[k]),
		                y = isw_targets_at_addr(b, probe[k]),
		                z = isw_targets_at_addr(c, probe[k]);
		static const uint8_t zero[10];

		/* The sub-prefix: 2001:db8 and the index; the host part keyed by the seed. */
		assert_int_equal(x.bytes[0] << 8 | x.bytes[1], 0x2001);
		assert_int_equal(x.bytes[4] << 8 | x.bytes[5], probe[k]);
		assert_memory_equal(x.bytes, y.bytes, 16);
		assert_memory_equal(x.bytes, z.bytes, 6);
		assert_memory_not_equal(x.bytes + 6, z.bytes + 6, 10);
		assert_memory_not_equal(x.bytes + 6, zero, 10);
		assert_int_equal(isw_targets_index_addr(a, &x), (int64_t)probe[k]);
		assert_int_equal(isw_targets_index_addr(c, &x), -1);
	}
	isw_targets_free(a);
	isw_targets_free(b);
	isw_targets_free(c);
}

/* /127 sub-prefixes have one host bit: never all zero leaves exactly the odd address. */
static void test_random_never_zero(void **state)
{
	isw_targets *t = new6();
	char buf[ISW_ADDR_TEXT_MAX];

	(void)state;
	isw_targets_set_iid_random(t, 99);
	add(t, "2001:db8::/112-127", 0);
	finalize(t);
	assert_int_equal(isw_targets_count(t), 32768);
	for (uint64_t i = 0; i < 32768; i++) {
		struct isw_addr a = isw_targets_at_addr(t, i);

		assert_int_equal(a.bytes[15] & 1, 1);
		assert_int_equal(a.bytes[14] << 8 | (a.bytes[15] & 0xfe), i << 1);
	}
	assert_string_equal(at(t, 32767, buf), "2001:db8::ffff");
	isw_targets_free(t);
}

static void test_exclusions_and_reserved(void **state)
{
	isw_targets *t = new6();
	char buf[ISW_ADDR_TEXT_MAX];

	(void)state;
	add(t, "2001:db8::/40-48", 0);                 /* 256 */
	add(t, "2001:db8:10::/44", 1);                 /* /48s 0x10..0x1f: 16 out */
	add(t, "2001:db8:80::1", 1);                   /* 1 out */
	add(t, "2001:db8:81::2-2001:db8:81::ffff", 1); /* misses 2001:db8:81::1 */
	add(t, "2001:db8:90::-2001:db8:92::", 1);      /* 0x90, 0x91 out; 0x92's ::1 stays */
	finalize(t);
	assert_int_equal(isw_targets_count(t), 256 - 16 - 1 - 2);
	assert_string_equal(at(t, 15, buf), "2001:db8:f::1");
	assert_string_equal(at(t, 16, buf), "2001:db8:20::1");
	assert_int_equal(index_of(t, "2001:db8:10::1"), -1);
	assert_int_equal(index_of(t, "2001:db8:80::1"), -1);
	assert_true(index_of(t, "2001:db8:81::1") >= 0);
	assert_true(index_of(t, "2001:db8:92::1") >= 0);
	assert_string_equal(at(t, isw_targets_count(t) - 1, buf), "2001:db8:ff::1");
	assert_inverse(t);
	isw_targets_free(t);

	/* The whole space by /32: ff00::/8's 2^24 sub-prefixes are multicast, never sent. */
	t = new6();
	add(t, "::/0-32", 0);
	finalize(t);
	assert_int_equal(isw_targets_count(t), (1ull << 32) - (1ull << 24));
	assert_int_equal(isw_targets_reserved_dropped(t), 1ull << 24);
	assert_string_equal(at(t, 0, buf), "::1");
	assert_string_equal(at(t, isw_targets_count(t) - 1, buf), "feff:ffff::1");
	isw_targets_free(t);
}

/* IPv4 first, then the plain IPv6 targets, then the sub-prefix addresses; an address named
 * both ways is there once; fixed-identifier sweeps of two lengths share their overlap. */
static void test_mixed_and_overlaps(void **state)
{
	isw_targets *t = new6();
	char err[ISW_ERRBUF_SIZE], buf[ISW_ADDR_TEXT_MAX];
	struct isw_targets_run6 run;
	uint8_t cut[16] = {0x20, 0x01, 0x0d, 0xb8, 0x01, 0x80};

	(void)state;
	add(t, "198.18.0.0/31", 0);        /* 2 */
	add(t, "2001:db8:100::/40-44", 0); /* 16 /44s: 2001:db8:100::1, ..:110::1, .. */
	add(t, "2001:db8:100::/44-48", 0); /* 16 /48s of the first /44: 100::1 shared */
	add(t, "2001:db8:1f0::1", 0);      /* the last /44's address, plain */
	add(t, "2001:db8:2::/126", 0);     /* 4 plain */
	finalize(t);
	assert_int_equal(isw_targets_count(t), 2 + 4 + 1 + (16 - 1) + (16 - 1));
	assert_int_equal(isw_targets_count_v6(t), 4 + 1 + 15 + 15);
	assert_string_equal(at(t, 1, buf), "198.18.0.1");
	assert_string_equal(at(t, 2, buf), "2001:db8:2::");
	assert_string_equal(at(t, 6, buf), "2001:db8:1f0::1");
	/* Sub-prefix runs in address order: the /48s of 100::/44 (100::1 to 10f::1), then the
	 * /44s from 110::1 on, without 1f0::1. */
	assert_string_equal(at(t, 7, buf), "2001:db8:100::1");
	assert_string_equal(at(t, 7 + 15, buf), "2001:db8:10f::1");
	assert_string_equal(at(t, 7 + 16, buf), "2001:db8:110::1");
	assert_string_equal(at(t, isw_targets_count(t) - 1, buf), "2001:db8:1e0::1");
	assert_inverse(t);

	/* The runs a route map cuts: plain ranges (sublen 0), then the sub-prefix runs. */
	assert_int_equal(isw_targets_nruns_v6(t), 4);
	isw_targets_run_v6(t, 0, &run);
	assert_int_equal(run.first, 0);
	assert_int_equal(run.count, 4);
	assert_int_equal(run.sublen, 0);
	isw_targets_run_v6(t, 2, &run);
	assert_int_equal(run.first, 5);
	assert_int_equal(run.count, 16);
	assert_int_equal(run.sublen, 48);
	assert_int_equal(run.lo[5], 0);
	assert_int_equal(run.hi[5], 0x0f);
	isw_targets_run_v6(t, 3, &run);
	assert_int_equal(run.first, 21);
	assert_int_equal(run.count, 14);
	assert_int_equal(run.sublen, 44);
	/* 2001:db8:180:: cuts the /44 run after 110::1 .. 170::1: 7 below. */
	assert_int_equal(isw_targets_run_v6_below(t, 3, cut), 7);
	assert_int_equal(isw_targets_run_v6_below(t, 3, run.lo), 0);
	cut[4] = 0xff;
	assert_int_equal(isw_targets_run_v6_below(t, 3, cut), 14);
	assert_int_equal(isw_targets_run_v6_below(t, 0, cut), 4);
	isw_targets_free(t);

	/* Random identifiers of two lengths could meet: refused, naming both. */
	t = new6();
	isw_targets_set_iid_random(t, 1);
	add(t, "2001:db8:100::/40-44", 0);
	add(t, "2001:db8:100::/44-48", 0);
	assert_int_equal(isw_targets_finalize(t, err), -EINVAL);
	assert_non_null(strstr(err, "/48 (from 2001:db8:100::/48)"));
	assert_non_null(strstr(err, "--iid random"));
	isw_targets_free(t);
}

static void test_bad_values(void **state)
{
	static const struct {
		const char *spec, *want;
	} bad[] = {
	    {"2001:db8::/32-16", "invalid IPv6 sub-prefix length in '2001:db8::/32-16'"},
	    {"2001:db8::/32-129", "invalid IPv6 sub-prefix length in '2001:db8::/32-129'"},
	    {"2001:db8::/32-", "invalid IPv6 sub-prefix length in '2001:db8::/32-'"},
	    {"2001:db8::/32-48x", "invalid IPv6 sub-prefix length in '2001:db8::/32-48x'"},
	    {"2001:db8::/32--48", "invalid IPv6 sub-prefix length in '2001:db8::/32--48'"},
	    {"2001:db8::/32-65", "'2001:db8::/32-65' has 2^33 sub-prefixes, more than the limit"},
	    {"::/0-33", "'::/0-33' has 2^33 sub-prefixes"},
	    {"198.18.0.0/24-32", "invalid target '198.18.0.0/24-32': sub-prefix sweeps"},
	};
	static const uint8_t wide[16] = {[7] = 1, [15] = 1};
	char err[ISW_ERRBUF_SIZE];
	isw_targets *t = new6();

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		assert_int_equal(isw_targets_add(t, bad[i].spec, 0, err), -EINVAL);
		if (!strstr(err, bad[i].want))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].spec, err, bad[i].want);
	}
	assert_int_equal(isw_targets_add(t, "2001:db8::/32-48", 1, err), -EINVAL);
	assert_non_null(strstr(err, "exclusion '2001:db8::/32-48'"));
	assert_false(isw_targets_has_subprefix(t));
	/* /LEN-128 is every address of the prefix: a plain target. */
	add(t, "2001:db8::/120-128", 0);
	assert_true(isw_targets_has_subprefix(t));
	finalize(t);
	assert_int_equal(isw_targets_count(t), 256);
	assert_int_equal(isw_targets_nruns_v6(t), 1);
	isw_targets_free(t);

	/* An identifier with a bit above a /64's host part. */
	t = new6();
	isw_targets_set_iid(t, wide);
	add(t, "2001:db8::/40-48", 0);
	add(t, "2001:db8::/48-64", 0);
	assert_int_equal(isw_targets_finalize(t, err), -EINVAL);
	assert_string_equal(err, "--iid '::1:0:0:0:1' does not fit the low 64 bits that are the "
	                         "host part of a /64 sub-prefix (the first is 2001:db8::/64): give "
	                         "an identifier of at most 64 bits, such as ::1");
	isw_targets_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixed_iid),
	    cmocka_unit_test(test_random_iid),
	    cmocka_unit_test(test_random_never_zero),
	    cmocka_unit_test(test_exclusions_and_reserved),
	    cmocka_unit_test(test_mixed_and_overlaps),
	    cmocka_unit_test(test_bad_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
