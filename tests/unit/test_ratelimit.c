/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/scan/ratelimit.c, driven by a fake clock: a simulated sender asks the
 * limiter at the times it would wake up, as engine/scan/sender.c does. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "ratelimit.h"

#define NS_PER_S  UINT64_C(1000000000)
#define MAX_BATCH 64                            /* ISW_SEND_BATCH */
#define T0        (UINT64_C(123456) * NS_PER_S) /* a monotonic clock does not start at 0 */

struct sim {
	struct isw_ratelimit rl;
	uint64_t now;
	uint64_t sent;
	uint64_t calls;
	uint64_t max_burst; /* most probes allowed by one call */
};

static void sim_init(struct sim *s, uint64_t rate)
{
	s->now = T0;
	s->sent = s->calls = s->max_burst = 0;
	isw_ratelimit_init(&s->rl, rate, MAX_BATCH, s->now);
}

/* One wake-up of the sender: sleep as told, or send everything allowed at cost_ns each.
 * oversleep_ns models a sleep that wakes late. */
static uint32_t sim_step(struct sim *s, uint64_t cost_ns, uint64_t oversleep_ns)
{
	uint64_t wait = 12345;
	uint32_t n = isw_ratelimit_take(&s->rl, s->now, &wait);

	s->calls++;
	assert_true(n <= MAX_BATCH);
	if (n == 0) {
		assert_true(wait > 0);
		assert_true(wait <= NS_PER_S); /* never asks for more than a second */
		s->now += wait + oversleep_ns;
		return 0;
	}
	assert_true(wait == 0);
	isw_ratelimit_commit(&s->rl, n);
	s->sent += n;
	s->now += n * cost_ns;
	if (n > s->max_burst)
		s->max_burst = n;
	return n;
}

static void sim_run_until(struct sim *s, uint64_t until, uint64_t cost_ns, uint64_t oversleep_ns)
{
	while (s->now < until)
		sim_step(s, cost_ns, oversleep_ns);
}

static void check_rate(uint64_t rate, uint64_t cost_ns, uint64_t oversleep_ns, double tol)
{
	struct sim s;
	const uint64_t secs = 10;
	double achieved;

	sim_init(&s, rate);
	sim_run_until(&s, T0 + secs * NS_PER_S, cost_ns, oversleep_ns);
	achieved = (double)s.sent / ((double)(s.now - T0) / 1e9);
	if (achieved < rate * (1 - tol) || achieved > rate * (1 + tol))
		fail_msg("rate %llu (cost %llu ns, oversleep %llu ns): achieved %.1f pps",
		         (unsigned long long)rate, (unsigned long long)cost_ns,
		         (unsigned long long)oversleep_ns, achieved);
	/* And at every second along the way, not just on average at the end. */
	sim_init(&s, rate);
	for (uint64_t k = 1; k <= 3; k++) {
		sim_run_until(&s, T0 + k * NS_PER_S, cost_ns, oversleep_ns);
		double r = (double)s.sent / ((double)(s.now - T0) / 1e9);
		if (r < rate * (1 - tol) || r > rate * (1 + tol))
			fail_msg("rate %llu: after %llu s achieved %.1f pps",
			         (unsigned long long)rate, (unsigned long long)k, r);
	}
}

static void test_rates_exact_sleep(void **state __attribute__((unused)))
{
	const uint64_t rates[] = {1000, 10000, 100000, 1000000, 5000000};

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		check_rate(rates[i], 20, 0, 0.01);
}

static void test_rates_late_wakeups(void **state __attribute__((unused)))
{
	/* nanosleep overshoots by tens of microseconds; the average still holds. */
	const uint64_t rates[] = {1000, 10000, 100000, 1000000, 5000000};

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		check_rate(rates[i], 20, 60000, 0.01);
		check_rate(rates[i], 100, 5000, 0.01);
	}
}

static void test_rate_above_capacity(void **state __attribute__((unused)))
{
	/* When sending itself is slower than the rate, the sender just goes flat out: every
	 * call allows something and no sleep is asked for. */
	struct sim s;

	sim_init(&s, 5000000);
	s.now += NS_PER_S / 1000; /* let some become due */
	for (int i = 0; i < 100000; i++)
		assert_true(sim_step(&s, 1000, 0) > 0); /* 1 us per probe: 1M pps max */
}

static void test_unlimited(void **state __attribute__((unused)))
{
	struct isw_ratelimit rl;
	uint64_t now = T0, wait = 99;

	isw_ratelimit_init(&rl, 0, MAX_BATCH, now);
	for (int i = 0; i < 100000; i++) {
		uint32_t n = isw_ratelimit_take(&rl, now, &wait);

		assert_int_equal(n, MAX_BATCH);
		assert_true(wait == 0);
		isw_ratelimit_commit(&rl, n);
		now += i % 3; /* the clock barely moves: still no limit */
	}
	/* max_batch 0 is taken as 1. */
	isw_ratelimit_init(&rl, 0, 0, now);
	assert_int_equal(isw_ratelimit_take(&rl, now, &wait), 1);
}

static void test_stall_burst_bounded(void **state __attribute__((unused)))
{
	const uint64_t rates[] = {1000, 10000, 100000, 1000000, 5000000};

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint64_t rate = rates[i];
		uint64_t batch = rate / 20000 > MAX_BATCH ? MAX_BATCH
		                 : rate / 20000 < 1       ? 1
		                                          : rate / 20000;
		/* A second is a pause: one wake-up's batch plus the slack (1 ms of probes, at
		 * most a send batch, at least 100 us of them). */
		uint64_t slack = rate / 1000 < MAX_BATCH ? rate / 1000 : MAX_BATCH;
		uint64_t bound = batch + (slack > rate / 10000 ? slack : rate / 10000);
		uint64_t before, burst = 0, after;
		struct sim s;

		sim_init(&s, rate);
		sim_run_until(&s, T0 + NS_PER_S, 0, 0);
		/* The thread is descheduled for a second. */
		s.now += NS_PER_S;
		before = s.sent;
		/* At the same instant (sending costs nothing), take everything allowed. */
		for (;;) {
			uint64_t wait;
			uint32_t n = isw_ratelimit_take(&s.rl, s.now, &wait);

			if (!n)
				break;
			isw_ratelimit_commit(&s.rl, n);
			burst += n;
			assert_true(burst <= rate); /* no runaway */
		}
		s.sent += burst;
		if (burst > bound)
			fail_msg(
			    "rate %llu: %llu probes in the burst after a 1 s stall, bound %llu",
			    (unsigned long long)rate, (unsigned long long)burst,
			    (unsigned long long)bound);
		/* It does catch up on something: the debt up to the bound is paid at once. */
		assert_true(burst >= bound / 2);
		/* Then the nominal rate resumes, without further catch-up of the forgiven
		 * second. */
		before = s.sent;
		{
			uint64_t start = s.now;

			sim_run_until(&s, start + NS_PER_S, 20, 0);
			after = s.sent - before;
			double r = (double)after / ((double)(s.now - start) / 1e9);
			if (r > rate * 1.01 + MAX_BATCH || r < rate * 0.99 - MAX_BATCH)
				fail_msg("rate %llu: %.1f pps in the second after the stall",
				         (unsigned long long)rate, r);
		}
	}
}

/* SIGSTOP for a second, then SIGCONT: the probes that go at once and in the next 10 ms are one
 * batch and the rate's share, not the credit of the pause.  At 2k/s that is 3 probes at once and
 * at most 23 in 10 ms (it was 64 and 77). */
static void test_pause_no_burst(void **state __attribute__((unused)))
{
	const struct {
		uint64_t rate, at_once;
	} cases[] = {{2000, 3}, {20000, 21}, {100000, 69}, {1000000, 150}};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t rate = cases[i].rate, burst = 0, in_10ms = 0, start;
		struct sim s;

		sim_init(&s, rate);
		sim_run_until(&s, T0 + NS_PER_S, 20, 0);
		s.now += NS_PER_S; /* stopped */
		for (;;) {
			uint64_t wait;
			uint32_t n = isw_ratelimit_take(&s.rl, s.now, &wait);

			if (!n)
				break;
			isw_ratelimit_commit(&s.rl, n);
			burst += n;
		}
		if (burst > cases[i].at_once)
			fail_msg("rate %llu: %llu probes at once after a pause, at most %llu",
			         (unsigned long long)rate, (unsigned long long)burst,
			         (unsigned long long)cases[i].at_once);
		start = s.now;
		while (s.now < start + NS_PER_S / 100)
			in_10ms += sim_step(&s, 20, 0);
		if (burst + in_10ms > cases[i].at_once + rate / 100 + 1)
			fail_msg("rate %llu: %llu probes in the 10 ms after a pause",
			         (unsigned long long)rate, (unsigned long long)(burst + in_10ms));
	}
}

/* A sender descheduled for 5 ms (a busy machine) owes 100 probes at 20k/s: none go in a
 * burst beyond one batch, yet within the next 20 ms the average is whole again. */
static void test_hiccup_paced(void **state __attribute__((unused)))
{
	const uint64_t rate = 20000;
	uint64_t burst = 0, hiccup_at;
	struct sim s;

	sim_init(&s, rate);
	sim_run_until(&s, T0 + NS_PER_S, 20, 0);
	s.now += NS_PER_S / 200;
	hiccup_at = s.sent;
	for (;;) {
		uint64_t wait;
		uint32_t n = isw_ratelimit_take(&s.rl, s.now, &wait);

		if (!n)
			break;
		isw_ratelimit_commit(&s.rl, n);
		burst += n;
	}
	s.sent += burst;
	if (burst > 21)
		fail_msg("%llu probes at once after a 5 ms stall, at most 21",
		         (unsigned long long)burst);
	s.max_burst = 0;
	sim_run_until(&s, s.now + NS_PER_S / 50, 20, 0);
	assert_true(s.max_burst <= 21);
	/* 1.025 s at 20k/s: 20,500 probes, the stall's included. */
	if (s.sent + 2 < rate * (s.now - T0) / NS_PER_S)
		fail_msg("after the stall: %llu probes by %.4f s, owed %llu",
		         (unsigned long long)s.sent, (double)(s.now - T0) / 1e9,
		         (unsigned long long)(rate * (s.now - T0) / NS_PER_S));
	assert_true(s.sent - hiccup_at > 100); /* the debt was paid */
}

static void test_batching(void **state __attribute__((unused)))
{
	/* At high rates the limiter is asked far less often than once per probe. */
	const uint64_t rates[] = {100000, 1000000, 5000000};

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct sim s;

		sim_init(&s, rates[i]);
		sim_run_until(&s, T0 + 2 * NS_PER_S, 20, 0);
		double calls_per_s = (double)s.calls / 2, pkts_per_s = (double)s.sent / 2;

		if (rates[i] >= 1000000 ? calls_per_s * 10 > pkts_per_s : calls_per_s > pkts_per_s)
			fail_msg("rate %llu: %.0f take() calls per second for %.0f probes",
			         (unsigned long long)rates[i], calls_per_s, pkts_per_s);
		/* Batches really grow with the rate. */
		assert_true(s.max_burst >= (rates[i] >= 1000000 ? 32u : 5u));
	}
	/* At low rates, one probe per wake-up is fine, but never more calls than two per
	 * probe (one sleep, one send). */
	{
		struct sim s;

		sim_init(&s, 1000);
		sim_run_until(&s, T0 + 2 * NS_PER_S, 20, 0);
		assert_true(s.calls <= 2 * s.sent + 2);
	}
}

static void test_wait_is_precise(void **state __attribute__((unused)))
{
	/* Waking up exactly when told always yields probes (no spurious zero returns). */
	const uint64_t rates[] = {1, 7, 1000, 33333, 1000000, 5000000};

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct isw_ratelimit rl;
		uint64_t now = T0, wait;
		int zeros_in_a_row = 0;

		isw_ratelimit_init(&rl, rates[i], MAX_BATCH, now);
		for (int k = 0; k < 2000; k++) {
			uint32_t n = isw_ratelimit_take(&rl, now, &wait);

			if (n == 0) {
				assert_true(++zeros_in_a_row <= 1);
				now += wait;
			} else {
				zeros_in_a_row = 0;
				isw_ratelimit_commit(&rl, n);
			}
		}
	}
}

static void test_clock_before_start(void **state __attribute__((unused)))
{
	struct isw_ratelimit rl;
	uint64_t wait;

	isw_ratelimit_init(&rl, 1000, MAX_BATCH, T0);
	/* A time before the start behaves as the start: nothing due, a sane wait. */
	assert_int_equal(isw_ratelimit_take(&rl, T0 - NS_PER_S, &wait), 0);
	assert_true(wait > 0 && wait <= 2 * NS_PER_S);
	assert_int_equal(isw_ratelimit_take(&rl, T0 + NS_PER_S / 1000, &wait), 1);
}

static void test_first_probe_soon(void **state __attribute__((unused)))
{
	/* At 1 pps the first probe goes after at most a second, at 10k after 100 us. */
	struct isw_ratelimit rl;
	uint64_t wait;

	isw_ratelimit_init(&rl, 1, MAX_BATCH, T0);
	assert_int_equal(isw_ratelimit_take(&rl, T0, &wait), 0);
	assert_true(wait <= NS_PER_S);
	isw_ratelimit_init(&rl, 10000, MAX_BATCH, T0);
	assert_int_equal(isw_ratelimit_take(&rl, T0, &wait), 0);
	assert_true(wait <= NS_PER_S / 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rates_exact_sleep),   cmocka_unit_test(test_rates_late_wakeups),
	    cmocka_unit_test(test_rate_above_capacity), cmocka_unit_test(test_unlimited),
	    cmocka_unit_test(test_stall_burst_bounded), cmocka_unit_test(test_batching),
	    cmocka_unit_test(test_wait_is_precise),     cmocka_unit_test(test_clock_before_start),
	    cmocka_unit_test(test_first_probe_soon),    cmocka_unit_test(test_pause_no_burst),
	    cmocka_unit_test(test_hiccup_paced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
