/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/path/nh-check.c: when to send ARP to the next hop, and what its answer
 * (or silence) means. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "nh-check.h"

#define S 1000000000ull

static const uint8_t OURS[6] = {2, 0, 0, 0, 0, 1}, OTHER[6] = {2, 0, 0, 0, 0, 0x42}, NONE[6];

static void test_idle(void **state)
{
	struct isw_nh_check c = {0};

	(void)state;
	/* No check asked for: an answer on the wire changes nothing. */
	assert_int_equal(isw_nh_check_step(&c, 5 * S, 4 * S, OTHER, OURS), ISW_NH_IDLE);
}

static void test_answer_ours(void **state)
{
	struct isw_nh_check c = {0};

	(void)state;
	isw_nh_check_start(&c, 10 * S);
	assert_int_equal(isw_nh_check_step(&c, 10 * S, 0, NONE, OURS), ISW_NH_ASK);
	assert_int_equal(isw_nh_check_step(&c, 10 * S + S / 2, 0, NONE, OURS), ISW_NH_WAIT);
	assert_int_equal(isw_nh_check_step(&c, 10 * S + S / 2 + 1, 10 * S + S / 2, OURS, OURS),
	                 ISW_NH_OK);
	assert_int_equal(isw_nh_check_step(&c, 11 * S, 0, NONE, OURS), ISW_NH_IDLE);
}

static void test_answer_moved(void **state)
{
	struct isw_nh_check c = {0};

	(void)state;
	isw_nh_check_start(&c, 10 * S);
	assert_int_equal(isw_nh_check_step(&c, 10 * S, 0, NONE, OURS), ISW_NH_ASK);
	/* Answered on the second try, from another MAC. */
	assert_int_equal(isw_nh_check_step(&c, 11 * S, 0, NONE, OURS), ISW_NH_ASK);
	assert_int_equal(isw_nh_check_step(&c, 11 * S + 5, 11 * S + 1, OTHER, OURS), ISW_NH_MOVED);
}

static void test_old_answer_ignored(void **state)
{
	struct isw_nh_check c = {0};

	(void)state;
	/* An answer from before the check (an earlier one) says nothing about now. */
	isw_nh_check_start(&c, 10 * S);
	assert_int_equal(isw_nh_check_step(&c, 10 * S, 9 * S, OURS, OURS), ISW_NH_ASK);
	assert_int_equal(isw_nh_check_step(&c, 10 * S + 1, 9 * S, OURS, OURS), ISW_NH_WAIT);
}

static void test_silent(void **state)
{
	struct isw_nh_check c = {0};
	uint64_t t = 10 * S;
	unsigned asked = 0;
	enum isw_nh_verdict v;

	(void)state;
	isw_nh_check_start(&c, t);
	/* Every 50 ms, as the supervisor ticks: ISW_NH_TRIES requests 1 s apart, then silent
	 * a second after the last. */
	for (; t < 20 * S; t += S / 20) {
		v = isw_nh_check_step(&c, t, 0, NONE, OURS);
		if (v == ISW_NH_ASK)
			asked++;
		else if (v != ISW_NH_WAIT)
			break;
	}
	assert_int_equal(v, ISW_NH_SILENT);
	assert_int_equal(asked, ISW_NH_TRIES);
	assert_true(t >= 10 * S + ISW_NH_TRIES * ISW_NH_TRY_GAP_NS);
	assert_true(t < 10 * S + ISW_NH_TRIES * ISW_NH_TRY_GAP_NS + S / 10);
	/* Starting again runs a fresh check. */
	isw_nh_check_start(&c, t);
	assert_int_equal(isw_nh_check_step(&c, t, 0, NONE, OURS), ISW_NH_ASK);
	/* A second start while it runs does not reset it. */
	isw_nh_check_start(&c, t + S / 2);
	assert_int_equal(isw_nh_check_step(&c, t + S / 2, 0, NONE, OURS), ISW_NH_WAIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_idle),         cmocka_unit_test(test_answer_ours),
	    cmocka_unit_test(test_answer_moved), cmocka_unit_test(test_old_answer_ignored),
	    cmocka_unit_test(test_silent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
