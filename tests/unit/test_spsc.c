/* Unit tests for engine/spsc-queue.c: FIFO order, a full ring spills instead of failing or
 * waiting, and nothing is lost or reordered when a producer and a consumer thread race. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include "spsc-queue.h"

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

/* A small ring and a consumer that pauses now and then: the producer spills often, and the
 * consumer must see every element exactly once, in order, with its payload intact. */
static void test_threads_no_loss(void **state)
{
	struct isw_spsc q;
	struct elem e;
	pthread_t t;
	uint64_t want = 0;

	assert_int_equal(isw_spsc_init(&q, 64, sizeof(e)), 0);
	assert_int_equal(pthread_create(&t, NULL, producer, &q), 0);
	while (want < THREAD_N) {
		if (!isw_spsc_pop(&q, &e)) {
			sched_yield();
			continue;
		}
		if (e.seq != want || e.check != want * 0x9e3779b97f4a7c15ull)
			fail_msg("element %llu: got seq %llu", (unsigned long long)want,
			         (unsigned long long)e.seq);
		want++;
		if ((want & 0x3ffff) == 0) {
			struct timespec ts = {0, 2000000};
			nanosleep(&ts, NULL); /* let the ring fill up */
		}
	}
	pthread_join(t, NULL);
	assert_int_equal(isw_spsc_pop(&q, &e), 0);
	assert_true(isw_spsc_spilled(&q) > 0);
	isw_spsc_destroy(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order),
	    cmocka_unit_test(test_capacity_rounds_up),
	    cmocka_unit_test(test_full_spills_in_order),
	    cmocka_unit_test(test_threads_no_loss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
