/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for what the IPv6 route map walks (route6-map.c): the IPv6 targets as sorted
 * ranges with their first index (targets.h), and the 128-bit address arithmetic of
 * targets6.h.  The lookups themselves need a network namespace: the e2e tests cover them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "icmpsweep/targets.h"
#include "targets6.h"

static void parse6(const char *text, uint8_t out[16])
{
	assert_int_equal(inet_pton(AF_INET6, text, out), 1);
}

static void test_u128_round_trip(void **state)
{
	uint8_t a[16], b[16];

	(void)state;
	parse6("2001:db8:ffff::1:2", a);
	isw_u128_to_bytes(isw_u128_from_bytes(a), b);
	assert_memory_equal(a, b, 16);
	/* Numeric order is address order: the next address carries into the upper bytes. */
	parse6("2001:db8::ffff:ffff", a);
	isw_u128_to_bytes(isw_u128_from_bytes(a) + 1, b);
	parse6("2001:db8::1:0:0", a);
	assert_memory_equal(a, b, 16);
}

static void test_ranges_v6(void **state)
{
	char err[ISW_ERRBUF_SIZE] = "";
	uint8_t lo[16], hi[16], want[16];
	uint64_t first;
	isw_targets *t;

	(void)state;
	assert_int_equal(isw_targets_new(&t), 0);
	isw_targets_allow_ipv6(t);
	assert_int_equal(isw_targets_add(t, "198.18.0.0/30", 0, err), 0);
	assert_int_equal(isw_targets_add(t, "2001:db8:1::/126", 0, err), 0);
	assert_int_equal(isw_targets_add(t, "2001:db8::9", 0, err), 0);
	assert_int_equal(isw_targets_add(t, "2001:db8:1::2", 1, err), 0);
	assert_int_equal(isw_targets_finalize(t, err), 0);
	/* 2001:db8::9, then 2001:db8:1::0-1 and ::3 (::2 excluded). */
	assert_int_equal(isw_targets_nranges_v6(t), 3);
	isw_targets_range_v6(t, 0, lo, hi, &first);
	parse6("2001:db8::9", want);
	assert_memory_equal(lo, want, 16);
	assert_memory_equal(hi, want, 16);
	assert_int_equal(first, 0);
	isw_targets_range_v6(t, 1, lo, hi, &first);
	parse6("2001:db8:1::", want);
	assert_memory_equal(lo, want, 16);
	parse6("2001:db8:1::1", want);
	assert_memory_equal(hi, want, 16);
	assert_int_equal(first, 1);
	isw_targets_range_v6(t, 2, lo, hi, &first);
	parse6("2001:db8:1::3", want);
	assert_memory_equal(lo, want, 16);
	assert_int_equal(first, 3);
	/* The first index agrees with the overall index of the address (after the 4 IPv4). */
	{
		struct isw_addr a = isw_targets_at_addr(t, 4 + first);
		assert_memory_equal(a.bytes, want, 16);
	}
	isw_targets_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_u128_round_trip),
	    cmocka_unit_test(test_ranges_v6),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
