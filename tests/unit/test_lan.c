/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/lan/lan.c's choice of on-link targets: the target set intersected with the
 * on-link ranges the routes name, in one walk over both sorted lists, without our address. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lan.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};

static isw_targets *targets(const char *const *specs, size_t n)
{
	isw_targets *t;
	char err[256];

	assert_int_equal(isw_targets_new(&t), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(isw_targets_add(t, specs[i], 0, err), 0);
	assert_int_equal(isw_targets_finalize(t, err), 0);
	return t;
}

static void test_intersection(void **state)
{
	static const char *const specs[] = {"198.18.0.0/24", "198.18.1.10-198.18.1.20",
	                                    "198.18.2.5", "198.18.3.0/25", "198.18.9.0/24"};
	/* Sorted and disjoint: one starts before the first target, one spans two ranges, one
	 * holds no target, one covers part of a range. */
	static const struct isw_prefix onlink[] = {
	    {A(198, 17, 255, 0), A(198, 18, 0, 15)},
	    {A(198, 18, 1, 15), A(198, 18, 2, 255)},
	    {A(198, 18, 4, 0), A(198, 18, 8, 255)},
	    {A(198, 18, 9, 128), A(198, 18, 10, 255)},
	};
	isw_targets *t = targets(specs, 5);
	struct isw_lan l;
	char err[256];
	int64_t n;

	(void)state;
	/* Our address (198.18.0.1) is on-link but never ARPed for. */
	n = isw_lan_init(&l, t, onlink, 4, A(198, 18, 0, 1), mac, 1, NULL, "/nonexistent", err);
	assert_int_equal(n, 15 + 6 + 1 + 128);
	assert_true(isw_lan_index(&l, A(198, 18, 0, 0)) >= 0);
	assert_int_equal(isw_lan_index(&l, A(198, 18, 0, 1)), -1);
	assert_true(isw_lan_index(&l, A(198, 18, 0, 15)) >= 0);
	assert_int_equal(isw_lan_index(&l, A(198, 18, 0, 16)), -1);
	assert_int_equal(isw_lan_index(&l, A(198, 18, 1, 14)), -1);
	assert_true(isw_lan_index(&l, A(198, 18, 1, 15)) >= 0);
	assert_true(isw_lan_index(&l, A(198, 18, 2, 5)) >= 0);
	assert_int_equal(isw_lan_index(&l, A(198, 18, 3, 1)), -1);
	assert_int_equal(isw_lan_index(&l, A(198, 18, 9, 127)), -1);
	assert_true(isw_lan_index(&l, A(198, 18, 9, 255)) >= 0);
	isw_lan_free(&l);

	/* No on-link range: inert. */
	assert_int_equal(isw_lan_init(&l, t, onlink, 0, A(198, 18, 0, 1), mac, 1, NULL, NULL, err),
	                 0);
	isw_lan_free(&l);
	isw_targets_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_intersection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
