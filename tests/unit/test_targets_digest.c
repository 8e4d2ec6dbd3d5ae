/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for tools/targets-digest.c: an IPv4-only set digests as before IPv6 existed (old
 * checkpoints and shards' metadata still agree), IPv6 targets count, two spellings of one set
 * agree, and the interface identifier of a sub-prefix sweep changes the digest. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "icmpsweep/error.h"
#include "targets-digest.h"

/* The set's digest as the metadata takes it. */
static uint64_t digest(const char *const *specs, const uint8_t *iid, int random_seed)
{
	char err[ISW_ERRBUF_SIZE];
	isw_targets *t;
	uint64_t h = DIGEST_FNV_BASIS;

	assert_int_equal(isw_targets_new(&t), 0);
	isw_targets_allow_ipv6(t);
	if (iid)
		isw_targets_set_iid(t, iid);
	if (random_seed)
		isw_targets_set_iid_random(t, (uint64_t)random_seed);
	for (; *specs; specs++)
		assert_int_equal(isw_targets_add(t, *specs, 0, err), 0);
	assert_int_equal(isw_targets_finalize(t, err), 0);
	for (size_t i = 0; i < isw_targets_nranges(t); i++) {
		uint32_t lo, hi;

		isw_targets_range(t, i, &lo, &hi);
		h = digest_fold(h, (uint64_t)lo << 32 | hi);
	}
	h = digest_fold_v6(h, t);
	isw_targets_free(t);
	return h;
}

static void test_ipv4_unchanged(void **state)
{
	static const char *const v4[] = {"198.18.0.0/24", "198.19.0.1", NULL};
	/* The loop metadata.c had before IPv6: FNV-1a over each range's lo << 32 | hi. */
	uint64_t h = 0xcbf29ce484222325ULL,
	         v[2] = {0xc6120000ull << 32 | 0xc61200ffu, 0xc6130001ull << 32 | 0xc6130001u};

	(void)state;
	for (int i = 0; i < 2; i++)
		for (int b = 0; b < 8; b++) {
			h ^= (v[i] >> (8 * b)) & 0xff;
			h *= 0x100000001b3ULL;
		}
	assert_int_equal(digest(v4, NULL, 0), h);
}

static void test_ipv6_counts(void **state)
{
	static const char *const a[] = {"198.18.0.0/24", "2001:db8::/126", NULL};
	static const char *const a2[] = {"2001:db8::2-2001:db8::3", "198.18.0.0/24",
	                                 "2001:db8::/127", NULL};
	static const char *const b[] = {"198.18.0.0/24", "2001:db8::/125", NULL};
	static const char *const v4[] = {"198.18.0.0/24", NULL};
	static const char *const sub[] = {"2001:db8::/32-48", NULL};
	static const uint8_t iid2[16] = {[15] = 2};

	(void)state;
	assert_int_equal(digest(a, NULL, 0), digest(a2, NULL, 0));
	assert_int_not_equal(digest(a, NULL, 0), digest(b, NULL, 0));
	assert_int_not_equal(digest(a, NULL, 0), digest(v4, NULL, 0));
	assert_int_not_equal(digest(sub, NULL, 0), digest(sub, iid2, 0));
	assert_int_not_equal(digest(sub, NULL, 1), digest(sub, NULL, 2));
	assert_int_equal(digest(sub, NULL, 1), digest(sub, NULL, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipv4_unchanged),
	    cmocka_unit_test(test_ipv6_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
