/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/scan/cooldown.c with a fake clock: synthetic sweeps (send times, which
 * probes answer, and their RTTs) are replayed in 5 ms steps, and the tests check when the
 * cooldown ends and how many answers would have come after it. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cooldown.h"

#define MS   1000000ull
#define STEP (5 * MS)
#define T0   (1000 * MS) /* the fake monotonic clock's start: not zero */

struct probe {
	uint64_t send_ns;
	int64_t rtt_ns; /* -1: never answers */
};

struct outcome {
	uint64_t stop_after_end_ns; /* when the cooldown ended, after the last probe */
	unsigned answered, lost;    /* answers in time, and answers after the stop */
	uint64_t last_rtt_ns;       /* longest RTT among all answers */
};

/* Deterministic generator for the synthetic distributions. */
static uint64_t rng_state;
static double uniform(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return ((double)(rng_state >> 11) + 0.5) / 9007199254740992.0;
}
static double normal(void)
{
	return sqrt(-2 * log(uniform())) * cos(6.283185307179586 * uniform());
}

/* Internet-like RTT: 90% near hosts (median 50 ms), 10% far ones (median 500 ms), both
 * log-normal with sigma 0.8, redrawn until within [10 ms, 3 s]: the lab responder's shape. */
static int64_t internet_rtt(void)
{
	for (;;) {
		double med = uniform() < 0.9 ? 50.0 : 500.0, ms = med * exp(0.8 * normal());
		if (ms >= 10 && ms <= 3000)
			return (int64_t)(ms * MS);
	}
}

/* n probes at rate per second (0: all within 100 us), a share `live` answering. */
static struct probe *sweep(unsigned n, double rate, double live, int64_t (*rtt)(void))
{
	struct probe *p = calloc(n, sizeof(*p));

	assert_non_null(p);
	for (unsigned i = 0; i < n; i++) {
		p[i].send_ns = T0 + (rate > 0 ? (uint64_t)(i * 1e9 / rate) : i * 100000ull / n);
		p[i].rtt_ns = uniform() < live ? rtt() : -1;
	}
	return p;
}

struct arrival {
	uint64_t at_ns, rtt_ns;
};

static int cmp_arrival(const void *a, const void *b)
{
	uint64_t x = ((const struct arrival *)a)->at_ns, y = ((const struct arrival *)b)->at_ns;
	return x < y ? -1 : x > y;
}

/* Replays the sweep against the rule as the capture thread sees it: sent counter noted and
 * answers binned each step, the decision taken once the last probe has left. */
static struct outcome replay(const struct probe *p, unsigned n, int auto_mode, double c)
{
	struct isw_cooldown_params cp = {auto_mode, c};
	struct isw_send_history h;
	uint64_t counts[ISW_RTT_BUCKETS] = {0};
	struct arrival *arr = malloc((n + 1) * sizeof(*arr));
	uint64_t end = p[n - 1].send_ns, now = T0;
	unsigned na = 0, sent = 0, got = 0;
	struct outcome o = {0};

	assert_non_null(arr);
	for (unsigned i = 0; i < n; i++)
		if (p[i].rtt_ns >= 0) {
			arr[na].rtt_ns = (uint64_t)p[i].rtt_ns;
			arr[na++].at_ns = p[i].send_ns + (uint64_t)p[i].rtt_ns;
			if ((uint64_t)p[i].rtt_ns > o.last_rtt_ns)
				o.last_rtt_ns = (uint64_t)p[i].rtt_ns;
		}
	qsort(arr, na, sizeof(*arr), cmp_arrival);
	isw_send_history_init(&h, T0, (uint64_t)((auto_mode ? c : 0) * 1e9));
	for (;; now += STEP) {
		assert_true(now < end + 3700000 * MS); /* bounded */
		while (sent < n && p[sent].send_ns <= now)
			sent++;
		isw_send_history_note(&h, now, sent);
		while (got < na && arr[got].at_ns <= now)
			counts[isw_rtt_bucket_of_us(arr[got++].rtt_ns / 1000)]++;
		if (sent == n && isw_cooldown_over(&cp, &h, counts, end, now))
			break;
	}
	o.stop_after_end_ns = now - end;
	o.answered = got;
	o.lost = na - got;
	free(arr);
	return o;
}

static int64_t lan_rtt(void)
{
	return (int64_t)((0.1 + 0.9 * uniform()) * MS);
}

/* Sweeps per randomised test: 5, or ISW_COOLDOWN_SEEDS to explore. */
static uint64_t seeds(void)
{
	const char *e = getenv("ISW_COOLDOWN_SEEDS");
	return e && atoi(e) > 0 ? (uint64_t)atoi(e) : 5;
}

/* A /24 on a LAN at the default rate: sub-millisecond answers, so the cooldown is its
 * floor. */
static void test_lan_ends_at_floor(void **state)
{
	struct probe *p;
	struct outcome o;

	(void)state;
	rng_state = 1;
	p = sweep(256, 10000, 0.8, lan_rtt);
	o = replay(p, 256, 1, 10);
	assert_int_equal(o.lost, 0);
	assert_true(o.stop_after_end_ns >= ISW_COOLDOWN_FLOOR_NS);
	assert_true(o.stop_after_end_ns < ISW_COOLDOWN_FLOOR_NS + STEP);
	free(p);
}

/* The Internet-like mix sent faster than its RTTs (a /15 in 0.1 ms): nearly every RTT bucket
 * is seen only as the cooldown goes on, so the rule must extrapolate the tail; nothing may
 * be lost, and it ends well before the 8 s zmap waits (about twice the longest RTT). */
static void test_internet_burst_loses_nothing(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= seeds(); seed++) {
		struct probe *p;
		struct outcome o;

		rng_state = seed;
		p = sweep(131072, 0, 0.02, internet_rtt);
		o = replay(p, 131072, 1, 10);
		print_message("burst seed %llu: stop %.2f s after the last probe, last RTT %.2f s, "
		              "%u answers, %u lost\n",
		              (unsigned long long)seed, o.stop_after_end_ns / 1e9,
		              o.last_rtt_ns / 1e9, o.answered, o.lost);
		assert_int_equal(o.lost, 0);
		assert_true(o.stop_after_end_ns > o.last_rtt_ns);
		assert_true(o.stop_after_end_ns < 7000 * MS);
		free(p);
	}
}

/* The same mix at the default 10k probes/s over a /16 (6.5 s, longer than the tail): the
 * distribution is known by the end, and it stops once a twentieth of a host is still
 * expected (with half a host, as many as two of 1,300 answers came late in these sweeps). */
static void test_internet_paced(void **state)
{
	unsigned lost = 0;

	(void)state;
	for (uint64_t seed = 11; seed <= 10 + seeds(); seed++) {
		struct probe *p;
		struct outcome o;

		rng_state = seed;
		p = sweep(65536, 10000, 0.02, internet_rtt);
		o = replay(p, 65536, 1, 10);
		print_message("paced seed %llu: stop %.2f s after the last probe, last RTT %.2f s, "
		              "%u answers, %u lost\n",
		              (unsigned long long)seed, o.stop_after_end_ns / 1e9,
		              o.last_rtt_ns / 1e9, o.answered, o.lost);
		lost += o.lost;
		assert_true(o.stop_after_end_ns < 5000 * MS);
		free(p);
	}
	assert_int_equal(lost, 0);
}

static int64_t no_rtt(void)
{
	return -1;
}

/* Nothing answers: one quiet second, then stop. */
static void test_no_answer_waits_quiet_time(void **state)
{
	struct probe *p;
	struct outcome o;

	(void)state;
	rng_state = 3;
	p = sweep(1024, 10000, 0, no_rtt);
	o = replay(p, 1024, 1, 10);
	assert_true(o.stop_after_end_ns >= ISW_COOLDOWN_QUIET_NS);
	assert_true(o.stop_after_end_ns < ISW_COOLDOWN_QUIET_NS + STEP);
	free(p);
}

static int64_t endless_rtt(void)
{
	return (int64_t)(uniform() * 60000 * MS);
}

/* Answers keep coming for a minute: auto:MAX stops at MAX. */
static void test_cap(void **state)
{
	struct probe *p;
	struct outcome o;

	(void)state;
	rng_state = 4;
	p = sweep(4096, 0, 0.5, endless_rtt);
	o = replay(p, 4096, 1, 10);
	assert_true(o.stop_after_end_ns >= 10000 * MS);
	assert_true(o.stop_after_end_ns < 10000 * MS + STEP);
	assert_true(o.lost > 0);
	o = replay(p, 4096, 1, 2.5);
	assert_true(o.stop_after_end_ns >= 2500 * MS && o.stop_after_end_ns < 2500 * MS + STEP);
	free(p);
}

/* -c SECONDS is exact, whatever answers; -c 0 still drains briefly. */
static void test_fixed(void **state)
{
	struct probe *p;
	struct outcome o;

	(void)state;
	rng_state = 5;
	p = sweep(256, 10000, 0.8, lan_rtt);
	o = replay(p, 256, 0, 2);
	assert_true(o.stop_after_end_ns >= 2000 * MS && o.stop_after_end_ns < 2000 * MS + STEP);
	o = replay(p, 256, 0, 0);
	assert_true(o.stop_after_end_ns >= ISW_COOLDOWN_MIN_DRAIN_NS);
	assert_true(o.stop_after_end_ns < ISW_COOLDOWN_MIN_DRAIN_NS + STEP);
	assert_int_equal(o.lost, 0);
	free(p);
}

/* A sweep longer than the history ring (two minutes at 2k/s): the oldest probes fold into
 * one count, and the estimate still settles on the RTTs of the recent ones. */
static void test_long_sweep_folds_history(void **state)
{
	struct probe *p;
	struct outcome o;
	unsigned n = 240000;

	(void)state;
	rng_state = 6;
	p = sweep(n, 2000, 0.3, internet_rtt);
	o = replay(p, n, 1, 10);
	print_message("long: stop %.2f s, %u lost\n", o.stop_after_end_ns / 1e9, o.lost);
	assert_true(o.lost <= 1);
	assert_true(o.stop_after_end_ns < 5000 * MS);
	free(p);
}

/* The expectation itself on cases worked by hand: 1000 probes in one slot. */
static void test_expected_by_hand(void **state)
{
	struct isw_send_history h;
	uint64_t counts[ISW_RTT_BUCKETS] = {0};
	double e;

	(void)state;
	isw_send_history_init(&h, T0, 10000 * MS);
	isw_send_history_note(&h, T0, 1000);
	/* Before any answer nothing is known: the estimate is zero (the quiet wait covers it). */
	assert_true(isw_cooldown_expected(&h, counts, T0 + 100 * MS) == 0);
	counts[isw_rtt_bucket_of_us(1000)] = 100;
	e = isw_cooldown_expected(&h, counts, T0 + 50 * MS);
	assert_true(e < 1e-9);
	/* 100 answers at 300 ms seen 400 ms after the probes left: the last octave [200, 400)
	 * ms holds 10% of the probes, so as many again are expected beyond it, and the
	 * smoothing adds a share of the buckets up to two above 300 ms ([393, 459) ms covers
	 * 400 ms): 100 + 1000 x 0.1/5 x 59/66 = 117.9. */
	memset(counts, 0, sizeof(counts));
	counts[isw_rtt_bucket_of_us(300000)] = 100;
	e = isw_cooldown_expected(&h, counts, T0 + 410 * MS);
	assert_true(e > 117 && e < 119);
	/* 800 ms later the octave [400, 800) ms stayed empty: nothing expected. */
	e = isw_cooldown_expected(&h, counts, T0 + 1000 * MS);
	assert_true(e < 0.5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_expected_by_hand),
	    cmocka_unit_test(test_lan_ends_at_floor),
	    cmocka_unit_test(test_internet_burst_loses_nothing),
	    cmocka_unit_test(test_internet_paced),
	    cmocka_unit_test(test_no_answer_waits_quiet_time),
	    cmocka_unit_test(test_cap),
	    cmocka_unit_test(test_fixed),
	    cmocka_unit_test(test_long_sweep_folds_history),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
