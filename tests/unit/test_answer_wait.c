/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for the pause between passes (isw_answer_wait_ns in engine/scan/cooldown.c), fed
 * from an RTT histogram as the sender does: -c SECONDS is taken as it is; -c auto waits four
 * p99 RTTs, between its floor and the cap, and a second before any answer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cooldown.h"

#define MS 1000000ull

static uint64_t wait_after(const struct isw_cooldown_params *p, const double *rtts_ms, int n)
{
	static struct isw_rtt_hist h;

	memset(&h, 0, sizeof(h));
	for (int k = 0; k < n; k++)
		isw_rtt_hist_add(&h, rtts_ms[k]);
	return isw_answer_wait_ns(p, isw_rtt_hist_quantile_ms(&h, 0.99));
}

static void test_fixed(void **state)
{
	struct isw_cooldown_params p = {.auto_mode = 0, .cooldown_s = 2.5};
	double rtts[] = {1, 2, 300};

	(void)state;
	assert_int_equal(wait_after(&p, NULL, 0), 2500 * MS);
	assert_int_equal(wait_after(&p, rtts, 3), 2500 * MS);
}

static void test_auto_before_any_answer(void **state)
{
	struct isw_cooldown_params p = {.auto_mode = 1, .cooldown_s = 10};

	(void)state;
	assert_int_equal(wait_after(&p, NULL, 0), ISW_ANSWER_WAIT_BLIND_NS);
	/* ... but never past the cap. */
	p.cooldown_s = 0.3;
	assert_int_equal(wait_after(&p, NULL, 0), 300 * MS);
}

static void test_auto_four_p99s(void **state)
{
	struct isw_cooldown_params p = {.auto_mode = 1, .cooldown_s = 10};
	double rtts[100];
	uint64_t w;

	(void)state;
	for (int k = 0; k < 100; k++)
		rtts[k] = 40 + k * 0.1;
	/* The p99 is the upper edge of the bucket holding 49.8 ms (57.344 ms). */
	w = wait_after(&p, rtts, 100);
	assert_int_equal(w,
	                 (uint64_t)(ISW_ANSWER_WAIT_P99S * 1000 *
	                            (double)isw_rtt_bucket_lo_us(isw_rtt_bucket_of_us(49800) + 1)));
	assert_int_equal(w, 4 * 57344000ull);
	/* The cap wins. */
	p.cooldown_s = 0.1;
	assert_int_equal(wait_after(&p, rtts, 100), 100 * MS);
}

static void test_auto_floor(void **state)
{
	struct isw_cooldown_params p = {.auto_mode = 1, .cooldown_s = 10};
	double rtts[] = {0.2, 0.3, 0.25};

	(void)state;
	/* Sub-millisecond LAN answers: the floor, not four times almost nothing. */
	assert_int_equal(wait_after(&p, rtts, 3), ISW_ANSWER_WAIT_MIN_NS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixed),
	    cmocka_unit_test(test_auto_before_any_answer),
	    cmocka_unit_test(test_auto_four_p99s),
	    cmocka_unit_test(test_auto_floor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
