/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/scan/adaptive.c with a fake clock: a simulated path (drops, a policer on
 * the answers) is stepped one decision window at a time, and the tests check each decision:
 * slow down on loss, to the floor at worst, recover after a calm spell up to what was asked,
 * and go straight below a policer's limit when the answers fall short. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "adaptive.h"

#define MS 1000000ull
#define T0 (5000 * MS) /* the fake monotonic clock's start: not zero */

/* A sweep at a rate the decisions set; the path answers a share of the probes, at most
 * answer_cap_pps answers per second (a policer; 0: none). */
struct sim {
	struct isw_adaptive a;
	uint64_t now, rate, sent, replies, drops, window_start, window_sent;
	double share, answer_cap_pps;
};

static void sim_init(struct sim *m, uint64_t asked, double share)
{
	*m = (struct sim){.now = T0, .rate = asked, .window_start = T0, .share = share};
	isw_adaptive_init(&m->a, asked);
	isw_adaptive_new_pass(&m->a);
}

/* One window of probes and answers, then the decision at its end; returns its reason. */
static enum isw_slow_reason sim_window(struct sim *m, uint64_t new_drops)
{
	uint64_t probes = m->rate / 10, nr;
	double answers = m->share * (double)probes;
	enum isw_slow_reason why;

	if (m->answer_cap_pps > 0 && answers > m->answer_cap_pps / 10)
		answers = m->answer_cap_pps / 10;
	m->now += ISW_ADAPTIVE_CHECK_NS;
	m->sent += probes;
	m->window_sent += probes;
	m->replies += (uint64_t)answers;
	m->drops += new_drops;
	assert_true(isw_adaptive_due(&m->a, m->now));
	why = isw_adaptive_decide(&m->a,
	                          &(struct isw_adaptive_input){
	                              .now_ns = m->now,
	                              .rate = m->rate,
	                              .window_start_ns = m->window_start,
	                              .window_sent = m->window_sent,
	                              .sent = m->sent,
	                              .replies = m->replies,
	                              .drops = m->drops,
	                              .rtt_p90_ms = 1.0,
	                          },
	                          &nr);
	if (nr != m->rate) {
		/* As the sender does: a new rate limiter window. */
		m->rate = nr;
		m->window_start = m->now;
		m->window_sent = 0;
	}
	return why;
}

static void test_lag_follows_capture_timeout(void **state)
{
	(void)state;
	/* The answers' RTT plus the capture's block timeout plus slack: 40 ms before any RTT,
	 * as before the timeout was a named constant. */
	assert_int_equal(isw_adaptive_lag_ns(-1),
	                 ISW_RX_BLOCK_TIMEOUT_MS * MS + ISW_ADAPTIVE_LAG_SLACK_NS);
	assert_int_equal(isw_adaptive_lag_ns(-1), 40 * MS);
	assert_int_equal(isw_adaptive_lag_ns(10.0), 50 * MS);
}

static void test_decides_once_per_window(void **state)
{
	struct sim m;

	(void)state;
	sim_init(&m, 50000, 0.5);
	assert_true(isw_adaptive_due(&m.a, m.now)); /* the first decision is due at once */
	assert_int_equal(sim_window(&m, 0), ISW_SLOW_NONE);
	assert_false(isw_adaptive_due(&m.a, m.now + ISW_ADAPTIVE_CHECK_NS - 1));
	assert_true(isw_adaptive_due(&m.a, m.now + ISW_ADAPTIVE_CHECK_NS));
}

static void test_drops_cut_to_floor(void **state)
{
	struct sim m;
	unsigned cuts = 0;

	(void)state;
	sim_init(&m, 100000, 0.5);
	assert_int_equal(sim_window(&m, 0), ISW_SLOW_NONE);
	assert_int_equal(m.rate, 100000);
	assert_int_equal(sim_window(&m, 5), ISW_SLOW_DROPS);
	assert_int_equal(m.rate, 70000);
	assert_int_equal(sim_window(&m, 1), ISW_SLOW_DROPS);
	assert_int_equal(m.rate, 49000);
	/* Drops that stopped growing are no new loss. */
	assert_int_equal(sim_window(&m, 0), ISW_SLOW_NONE);
	assert_int_equal(m.rate, 49000);
	while (m.rate > ISW_ADAPTIVE_FLOOR_PPS && cuts < 100) {
		uint64_t before = m.rate;

		assert_int_equal(sim_window(&m, 1), ISW_SLOW_DROPS);
		assert_true(m.rate == ISW_ADAPTIVE_FLOOR_PPS ||
		            m.rate == before * ISW_ADAPTIVE_CUT_PERCENT / 100);
		cuts++;
	}
	assert_int_equal(m.rate, ISW_ADAPTIVE_FLOOR_PPS);
	assert_true(cuts < 20);
	/* At the floor a loss still counts as a slowdown, but the rate stays. */
	assert_int_equal(sim_window(&m, 1), ISW_SLOW_DROPS);
	assert_int_equal(m.rate, ISW_ADAPTIVE_FLOOR_PPS);
}

static void test_recovers_after_calm(void **state)
{
	struct sim m;
	uint64_t cut_at, prev;
	unsigned windows = 0;

	(void)state;
	sim_init(&m, 100000, 0.5);
	assert_int_equal(sim_window(&m, 3), ISW_SLOW_DROPS);
	assert_int_equal(sim_window(&m, 3), ISW_SLOW_DROPS);
	assert_int_equal(m.rate, 49000);
	cut_at = m.now;
	/* Calm for ISW_ADAPTIVE_CALM_NS: no change yet. */
	while (m.now + ISW_ADAPTIVE_CHECK_NS - cut_at <= ISW_ADAPTIVE_CALM_NS) {
		assert_int_equal(sim_window(&m, 0), ISW_SLOW_NONE);
		assert_int_equal(m.rate, 49000);
	}
	/* Then a tenth more (and one), once per calm spell. */
	assert_int_equal(sim_window(&m, 0), ISW_SLOW_NONE);
	assert_int_equal(m.rate, 49000 + 4900 + 1);
	assert_int_equal(sim_window(&m, 0), ISW_SLOW_NONE);
	assert_int_equal(m.rate, 53901);
	/* Back up to what was asked, and no further. */
	prev = m.rate;
	while (m.rate < 100000 && windows < 1000) {
		assert_int_equal(sim_window(&m, 0), ISW_SLOW_NONE);
		assert_true(m.rate >= prev);
		prev = m.rate;
		windows++;
	}
	assert_int_equal(m.rate, 100000);
	for (int k = 0; k < 50; k++)
		sim_window(&m, 0);
	assert_int_equal(m.rate, 100000);
}

static void test_unlimited_cuts_from_achieved_rate(void **state)
{
	struct isw_adaptive a;
	uint64_t nr;

	(void)state;
	isw_adaptive_init(&a, 0);
	isw_adaptive_new_pass(&a);
	/* Unlimited, no loss: stays unlimited. */
	assert_int_equal(isw_adaptive_decide(&a,
	                                     &(struct isw_adaptive_input){
	                                         .now_ns = T0,
	                                         .window_start_ns = T0 - 1000 * MS,
	                                         .window_sent = 400000,
	                                         .sent = 400000,
	                                         .rtt_p90_ms = -1,
	                                     },
	                                     &nr),
	                 ISW_SLOW_NONE);
	assert_int_equal(nr, 0);
	/* Drops after 2 s at 300000 pps: cut from that. */
	assert_int_equal(isw_adaptive_decide(&a,
	                                     &(struct isw_adaptive_input){
	                                         .now_ns = T0 + 1000 * MS,
	                                         .window_start_ns = T0 - 1000 * MS,
	                                         .window_sent = 600000,
	                                         .sent = 600000,
	                                         .drops = 7,
	                                         .rtt_p90_ms = -1,
	                                     },
	                                     &nr),
	                 ISW_SLOW_DROPS);
	assert_int_equal(nr, 210000);
	/* Nothing asked: growth after a calm spell has no cap. */
	assert_int_equal(isw_adaptive_decide(&a,
	                                     &(struct isw_adaptive_input){
	                                         .now_ns = T0 + 3100 * MS,
	                                         .rate = 210000,
	                                         .window_start_ns = T0 + 1000 * MS,
	                                         .window_sent = 441000,
	                                         .sent = 1041000,
	                                         .drops = 7,
	                                         .rtt_p90_ms = -1,
	                                     },
	                                     &nr),
	                 ISW_SLOW_NONE);
	assert_int_equal(nr, 231001);
}

static void test_policer_goes_below_its_limit(void **state)
{
	struct sim m;
	enum isw_slow_reason why = ISW_SLOW_NONE;
	unsigned windows = 0;

	(void)state;
	sim_init(&m, 50000, 0.5);
	/* Two seconds at the full share: the baseline is learnt. */
	for (int k = 0; k < 20; k++)
		assert_int_equal(sim_window(&m, 0), ISW_SLOW_NONE);
	assert_int_equal(m.rate, 50000);
	/* The path starts letting through 10000 answers a second, 40% of them. */
	m.answer_cap_pps = 10000;
	while (why == ISW_SLOW_NONE && windows < 10) {
		why = sim_window(&m, 0);
		windows++;
	}
	assert_int_equal(why, ISW_SLOW_ANSWERS);
	/* Two short windows in a row, then straight to 80% of the 40% that came back. */
	assert_true(windows >= 2 && windows <= 4);
	assert_true(m.rate >= 15000 && m.rate <= 17000);
	/* Below the limit the full share comes back: no further cut while the rate is held. */
	for (int k = 0; k < 15; k++)
		assert_int_equal(sim_window(&m, 0), ISW_SLOW_NONE);
	assert_true(m.rate >= 15000 && m.rate <= 17000);
}

static void test_any_shortfall_goes_below_the_step(void **state)
{
	struct sim m;
	enum isw_slow_reason why = ISW_SLOW_NONE;
	unsigned windows = 0;

	(void)state;
	sim_init(&m, 50000, 0.5);
	for (int k = 0; k < 20; k++)
		assert_int_equal(sim_window(&m, 0), ISW_SLOW_NONE);
	/* 80% of the answers come back: a shortfall is flagged below 85% (reply-watch.c), and
	 * the margin puts the rate below the step's 70% then (at 64%). */
	m.answer_cap_pps = 20000;
	while (why == ISW_SLOW_NONE && windows < 10) {
		why = sim_window(&m, 0);
		windows++;
	}
	assert_int_equal(why, ISW_SLOW_ANSWERS);
	assert_int_equal(m.rate, 32000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lag_follows_capture_timeout),
	    cmocka_unit_test(test_decides_once_per_window),
	    cmocka_unit_test(test_drops_cut_to_floor),
	    cmocka_unit_test(test_recovers_after_calm),
	    cmocka_unit_test(test_unlimited_cuts_from_achieved_rate),
	    cmocka_unit_test(test_policer_goes_below_its_limit),
	    cmocka_unit_test(test_any_shortfall_goes_below_the_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
