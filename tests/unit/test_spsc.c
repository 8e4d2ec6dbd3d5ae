/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/core/spsc-ring.h and engine/resolve/spsc-queue.c: the bare ring and the
 * probe log over it refuse to overfill and keep order across wrap-around; the queue keeps FIFO
 * order, a full ring spills instead of failing or waiting, and nothing is lost or reordered when a
 * producer and a consumer thread race. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe-log.h"
#include "spsc-queue.h"

/* The bare ring: space counts down, a full ring refuses, elements come back in order across
 * many wrap-arounds, whether written one by one or as a batch then published. */
static void test_ring(void **state)
{
	struct isw_ring r;
	uint32_t v, next = 0, want = 0;

	assert_int_equal(isw_ring_init(&r, 3, sizeof(v)), 0); /* becomes 4 */
	assert_true(isw_ring_empty(&r));
	assert_null(isw_ring_front(&r));
	for (int round = 0; round < 50; round++) {
		size_t pos = isw_ring_write_pos(&r);

		assert_int_equal(isw_ring_space(&r), 4);
		assert_int_equal(isw_ring_push(&r, &next), 1);
		next++;
		assert_true(isw_ring_room(&r, 3));
		assert_false(isw_ring_room(&r, 4));
		for (size_t i = 1; i < 4; i++, next++)
			memcpy(isw_ring_slot(&r, pos + i), &next, sizeof(next));
		isw_ring_publish(&r, pos + 4);
		assert_int_equal(isw_ring_space(&r), 0);
		assert_int_equal(isw_ring_push(&r, &next), 0); /* full */
		assert_int_equal(*(uint32_t *)isw_ring_front(&r), want);
		isw_ring_release(&r);
		want++;
		while (isw_ring_pop(&r, &v))
			assert_int_equal(v, want++);
		assert_int_equal(want, next);
		assert_true(isw_ring_empty(&r));
	}
	isw_ring_destroy(&r);
	assert_int_equal(isw_ring_init(&r, 4, 0), -EINVAL);
}

static void test_probe_log(void **state)
{
	struct isw_probe_log l;
	struct isw_probe_rec in[3], out;
	uint64_t sent = 0, got = 0;

	assert_int_equal(isw_probe_log_init(&l, 3), 0);
	for (int round = 0; round < 20; round++) {
		for (unsigned i = 0; i < 3; i++, sent++)
			in[i] = (struct isw_probe_rec){
			    .send_ns = sent, .dst = (uint32_t)sent, .probe = 1};
		assert_true(isw_probe_log_space(&l) >= 3);
		isw_probe_log_push(&l, in, 3);
		if (round % 2)
			continue; /* let records pile up, then drain them */
		while (isw_probe_log_pop(&l, &out)) {
			assert_int_equal(out.send_ns, got);
			assert_int_equal(out.dst, (uint32_t)got);
			got++;
		}
		assert_int_equal(isw_probe_log_space(&l), 8);
	}
	assert_int_equal(got, sent - 3);
	isw_probe_log_destroy(&l);
}

static void test_order(void **state)
{
	struct isw_spsc q;
	uint64_t v;

	assert_int_equal(isw_spsc_init(&q, 8, sizeof(uint64_t)), 0);
	assert_true(isw_spsc_empty(&q));
	assert_int_equal(isw_spsc_pop(&q, &v), 0);
	for (uint64_t round = 0; round < 100; round++) {
		for (uint64_t i = 0; i < 5; i++) {
			v = round * 10 + i;
			assert_int_equal(isw_spsc_push(&q, &v), 0);
		}
		for (uint64_t i = 0; i < 5; i++) {
			assert_int_equal(isw_spsc_pop(&q, &v), 1);
			assert_int_equal(v, round * 10 + i);
		}
		assert_true(isw_spsc_empty(&q));
	}
	isw_spsc_destroy(&q);
}

static void test_capacity_rounds_up(void **state)
{
	struct isw_spsc q;
	uint64_t v = 0;
	int spilled = 0;

	assert_int_equal(isw_spsc_init(&q, 5, sizeof(v)), 0); /* becomes 8 */
	for (int i = 0; i < 8; i++)
		spilled += isw_spsc_push(&q, &v);
	assert_int_equal(spilled, 0);
	assert_int_equal(isw_spsc_push(&q, &v), 1);
	isw_spsc_destroy(&q);
	assert_int_equal(isw_spsc_init(&q, 1, 0), -EINVAL);
}

/* Full ring: push goes on (spills), order holds across ring and spill, and after a spill the
 * ring is not used again until the spilled elements are taken. */
static void test_full_spills_in_order(void **state)
{
	struct isw_spsc q;
	uint64_t v, next = 0, want = 0;

	assert_int_equal(isw_spsc_init(&q, 4, sizeof(v)), 0);
	for (int i = 0; i < 4; i++, next++)
		assert_int_equal(isw_spsc_push(&q, &next), 0);
	for (int i = 0; i < 100; i++, next++)
		assert_int_equal(isw_spsc_push(&q, &next), 1);
	assert_int_equal(isw_spsc_spilled(&q), 100);
	/* Make room in the ring: the next push must still spill (older elements wait there). */
	assert_int_equal(isw_spsc_pop(&q, &v), 1);
	assert_int_equal(v, want++);
	assert_int_equal(isw_spsc_push(&q, &next), 1);
	next++;
	/* Drain all: strictly increasing. */
	while (isw_spsc_pop(&q, &v)) {
		assert_int_equal(v, want);
		want++;
		/* Interleave pushes while draining. */
		if (want % 7 == 0) {
			isw_spsc_push(&q, &next);
			next++;
		}
	}
	assert_int_equal(want, next);
	assert_true(isw_spsc_empty(&q));
	/* Back to the ring once everything is out. */
	assert_int_equal(isw_spsc_push(&q, &next), 0);
	isw_spsc_destroy(&q); /* frees what is left */
}

struct elem {
	uint64_t seq;
	uint64_t check;
};

#define THREAD_N 2000000u

static void *producer(void *arg)
{
	struct isw_spsc *q = arg;

	for (uint64_t i = 0; i < THREAD_N; i++) {
		struct elem e = {i, i * 0x9e3779b97f4a7c15ull};
		if (isw_spsc_push(q, &e) < 0)
			abort();
		if ((i & 0xffff) == 0)
			sched_yield();
	}
	return NULL;
}

/* Runs the producer against a ring of capacity slots and consumes all THREAD_N elements;
 * pause_every: the consumer sleeps 2 ms every so many elements (0: never), yield_after_empty:
 * it yields after a failed pop.  Fails on the first element out of order or damaged -- after
 * joining the producer, which writes into q. */
static void run_threads(size_t capacity, uint64_t pause_every, int spin)
{
	struct isw_spsc q;
	struct elem e;
	pthread_t t;
	uint64_t got = 0, bad_at = UINT64_MAX, bad_seq = 0, empties = 0;

	assert_int_equal(isw_spsc_init(&q, capacity, sizeof(e)), 0);
	assert_int_equal(pthread_create(&t, NULL, producer, &q), 0);
	while (got < THREAD_N) {
		if (!isw_spsc_pop(&q, &e)) {
			/* Spinning now and then instead of yielding varies where the consumer is
			 * when the producer runs. */
			if (!spin || ++empties % 3)
				sched_yield();
			continue;
		}
		if (bad_at == UINT64_MAX &&
		    (e.seq != got || e.check != got * 0x9e3779b97f4a7c15ull)) {
			bad_at = got;
			bad_seq = e.seq;
		}
		got++;
		if (pause_every && got % pause_every == 0) {
			struct timespec ts = {0, 2000000};
			nanosleep(&ts, NULL); /* let the ring fill up */
		}
	}
	pthread_join(t, NULL);
	if (bad_at != UINT64_MAX)
		fail_msg("ring of %zu: element %llu: got seq %llu", capacity,
		         (unsigned long long)bad_at, (unsigned long long)bad_seq);
	assert_int_equal(isw_spsc_pop(&q, &e), 0);
	assert_true(isw_spsc_spilled(&q) > 0);
	isw_spsc_destroy(&q);
}

/* A small ring and a consumer that pauses now and then: the producer spills often, and the
 * consumer must see every element exactly once, in order, with its payload intact. */
static void test_threads_no_loss(void **state)
{
	run_threads(64, 0x40000, 0);
}

/* A 2-slot ring: three pushes fill the ring and spill again while the consumer is between
 * seeing the ring empty and taking the spill list; the spilled element must still come after
 * the two in the ring. */
static void test_threads_tiny_ring(void **state)
{
	run_threads(2, 0, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ring),
	    cmocka_unit_test(test_probe_log),
	    cmocka_unit_test(test_order),
	    cmocka_unit_test(test_capacity_rounds_up),
	    cmocka_unit_test(test_full_spills_in_order),
	    cmocka_unit_test(test_threads_no_loss),
	    cmocka_unit_test(test_threads_tiny_ring),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
