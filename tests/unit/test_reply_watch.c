/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/path/reply-watch.c: a steady share of answers never trips it, however
 * noisy; a real shortfall does within a few windows, also when it creeps in; answers in
 * flight across a rate change do not count as lost. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "reply-watch.h"

#define WINDOW_NS 100000000ull

static uint64_t rng = 88172645463325252ull;

static double uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

/* Answers to n probes that each come back with probability p. */
static uint64_t binomial(uint64_t n, double p)
{
	uint64_t k = 0;

	for (uint64_t i = 0; i < n; i++)
		k += uniform() < p;
	return k;
}

/* A simulated sweep: per window, probes sent at some rate, answers to them counted one lag
 * later. */
struct sim {
	struct isw_reply_watch w;
	uint64_t now, sent, answers, lag_windows;
	uint64_t pending[8]; /* answers still in flight, by windows left */
};

static void sim_init(struct sim *m, uint64_t lag_windows)
{
	*m = (struct sim){0};
	isw_reply_watch_reset(&m->w);
	m->lag_windows = lag_windows;
}

/* One window: n probes, share p answered; returns what the watch says. */
static int sim_window(struct sim *m, uint64_t n, double p)
{
	m->now += WINDOW_NS;
	m->sent += n;
	m->pending[m->lag_windows] += binomial(n, p);
	m->answers += m->pending[0];
	for (unsigned i = 0; i + 1 < 8; i++)
		m->pending[i] = m->pending[i + 1];
	m->pending[7] = 0;
	return isw_reply_watch_update(&m->w, m->now, m->sent, m->answers,
	                              m->lag_windows * WINDOW_NS + WINDOW_NS / 2);
}

static void test_steady_share_never_trips(void **state)
{
	struct sim m;

	/* 10% live, 5,000 probes a window (500 answers expected): 3,000 windows of noise. */
	sim_init(&m, 1);
	for (int i = 0; i < 3000; i++)
		assert_int_equal(sim_window(&m, 5000, 0.10), 0);
	assert_true(isw_reply_watch_baseline(&m.w) > 0.095 &&
	            isw_reply_watch_baseline(&m.w) < 0.11);
	/* Near the noise floor: about 120 answers a window. */
	sim_init(&m, 1);
	for (int i = 0; i < 5000; i++)
		assert_int_equal(sim_window(&m, 4000, 0.03), 0);
}

static void test_shortfall_trips(void **state)
{
	struct sim m;
	int fired = 0;

	sim_init(&m, 1);
	for (int i = 0; i < 50; i++)
		assert_int_equal(sim_window(&m, 5000, 0.10), 0);
	/* From here a policer passes 60% of what it did. */
	for (int i = 0; i < 5 && !fired; i++)
		fired = sim_window(&m, 5000, 0.06);
	assert_true(fired);
}

/* The rate grows while a limit takes a little more each time: the baseline must not follow
 * the loss down, or the rate would grow without end. */
static void test_creeping_loss_trips(void **state)
{
	struct sim m;
	double p = 0.2;
	int fired = 0, i;

	sim_init(&m, 1);
	for (i = 0; i < 50; i++)
		assert_int_equal(sim_window(&m, 5000, p), 0);
	for (i = 0; i < 400 && !fired; i++) {
		if (i % 20 == 0)
			p *= 0.95;
		fired = sim_window(&m, 5000, p);
	}
	assert_true(fired);
	assert_true(p < 0.2 * 0.93); /* not at the first 5% step: that is within the noise */
}

/* Too few answers expected to tell loss from chance: silence, even when nothing answers. */
static void test_sparse_says_nothing(void **state)
{
	struct sim m;

	sim_init(&m, 1);
	for (int i = 0; i < 100; i++)
		sim_window(&m, 5000, 0.005);
	for (int i = 0; i < 100; i++)
		assert_int_equal(sim_window(&m, 5000, 0.0), 0);
}

/* The rate doubles: with the lag known, answers arriving a window late are not a shortfall;
 * a hold covers the windows the change is in flight. */
static void test_rate_change_with_lag(void **state)
{
	struct sim m;

	sim_init(&m, 3);
	for (int i = 0; i < 50; i++)
		assert_int_equal(sim_window(&m, 3000, 0.5), 0);
	for (int i = 0; i < 50; i++)
		assert_int_equal(sim_window(&m, 6000, 0.5), 0);
	isw_reply_watch_hold(&m.w, m.now + 4 * WINDOW_NS);
	for (int i = 0; i < 50; i++)
		assert_int_equal(sim_window(&m, 1500, 0.5), 0);
}

/* While held, even a collapse goes unjudged; after the hold it is caught. */
static void test_hold(void **state)
{
	struct sim m;
	int fired = 0;

	sim_init(&m, 0);
	for (int i = 0; i < 30; i++)
		sim_window(&m, 5000, 0.5);
	isw_reply_watch_hold(&m.w, m.now + 5 * WINDOW_NS);
	for (int i = 0; i < 5; i++)
		assert_int_equal(sim_window(&m, 5000, 0.1), 0);
	for (int i = 0; i < 4 && !fired; i++)
		fired = sim_window(&m, 5000, 0.1);
	assert_true(fired);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_steady_share_never_trips),
	    cmocka_unit_test(test_shortfall_trips),
	    cmocka_unit_test(test_creeping_loss_trips),
	    cmocka_unit_test(test_sparse_says_nothing),
	    cmocka_unit_test(test_rate_change_with_lag),
	    cmocka_unit_test(test_hold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
