/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/resolve/aimd.c: slow start, additive increase, one halving per window of
 * losses, and the bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "aimd.h"

static void test_init_clamps(void **state)
{
	struct isw_aimd a;

	isw_aimd_init(&a, 32, 1, 256);
	assert_int_equal(isw_aimd_limit(&a), 32);
	isw_aimd_init(&a, 1000, 1, 256);
	assert_int_equal(isw_aimd_limit(&a), 256);
	isw_aimd_init(&a, 0, 0, 256);
	assert_int_equal(isw_aimd_limit(&a), 1);
	isw_aimd_init(&a, 5, 4, 2); /* max below min: min wins */
	assert_int_equal(isw_aimd_limit(&a), 4);
}

/* Before any loss, every answer adds one: the window doubles per round trip. */
static void test_slow_start_then_max(void **state)
{
	struct isw_aimd a;

	isw_aimd_init(&a, 4, 1, 64);
	for (int i = 0; i < 4; i++) {
		isw_aimd_on_send(&a);
		isw_aimd_on_answer(&a);
	}
	assert_int_equal(isw_aimd_limit(&a), 8);
	for (int i = 0; i < 1000; i++)
		isw_aimd_on_answer(&a);
	assert_int_equal(isw_aimd_limit(&a), 64);
}

/* A burst of timeouts of queries sent in the same window halves once, not once per loss. */
static void test_one_halving_per_window(void **state)
{
	struct isw_aimd a;
	uint64_t seq[64];

	isw_aimd_init(&a, 64, 1, 64);
	for (int i = 0; i < 64; i++)
		seq[i] = isw_aimd_on_send(&a);
	assert_int_equal(isw_aimd_on_timeout(&a, seq[0]), 1);
	assert_int_equal(isw_aimd_limit(&a), 32);
	for (int i = 1; i < 64; i++)
		assert_int_equal(isw_aimd_on_timeout(&a, seq[i]), 0);
	assert_int_equal(isw_aimd_limit(&a), 32);
	assert_int_equal(a.decreases, 1);
	/* A query sent after the decrease that also times out: halve again. */
	uint64_t s = isw_aimd_on_send(&a);
	assert_int_equal(isw_aimd_on_timeout(&a, s), 1);
	assert_int_equal(isw_aimd_limit(&a), 16);
}

/* A server that never answers: the window goes down to the minimum and stays there. */
static void test_dead_server_reaches_min(void **state)
{
	struct isw_aimd a;

	isw_aimd_init(&a, 32, 1, 256);
	for (int round = 0; round < 20; round++) {
		uint64_t s = isw_aimd_on_send(&a);
		isw_aimd_on_timeout(&a, s);
	}
	assert_int_equal(isw_aimd_limit(&a), 1);
}

/* After a loss, growth is additive: about one per window of answers. */
static void test_additive_increase(void **state)
{
	struct isw_aimd a;
	uint64_t s;

	isw_aimd_init(&a, 40, 1, 1000);
	s = isw_aimd_on_send(&a);
	isw_aimd_on_timeout(&a, s);
	assert_int_equal(isw_aimd_limit(&a), 20);
	for (int i = 0; i < 20; i++)
		isw_aimd_on_answer(&a);
	assert_int_equal(isw_aimd_limit(&a), 20); /* 20 + 20 * (1/20..1/21) < 21 */
	for (int i = 0; i < 21; i++)
		isw_aimd_on_answer(&a);
	assert_int_equal(isw_aimd_limit(&a), 21);
	/* Recovers to the old size after enough answers. */
	for (int i = 0; i < 5000; i++)
		isw_aimd_on_answer(&a);
	assert_true(isw_aimd_limit(&a) >= 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_clamps),
	    cmocka_unit_test(test_slow_start_then_max),
	    cmocka_unit_test(test_one_halving_per_window),
	    cmocka_unit_test(test_dead_server_reaches_min),
	    cmocka_unit_test(test_additive_increase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
