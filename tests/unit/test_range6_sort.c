/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/core/range6-sort.c: the in-place sort of IPv6 ranges agrees with
 * qsort on random, sorted, reversed, all-equal and few-distinct inputs of every size up to a
 * few hundred and on large ones (the quicksort and insertion-sort paths, and the heapsort
 * fallback forced), and keeps each range whole. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "targets6.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int cmp(const void *a, const void *b)
{
	const struct isw_range6 *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

/* kind 0: random 128-bit; 1: sorted; 2: reversed; 3: all equal; 4: eight distinct keys;
 * 5: keys differing only in the top 64 bits. */
static void fill(struct isw_range6 *v, size_t n, int kind)
{
	for (size_t i = 0; i < n; i++) {
		isw_u128 k = (isw_u128)next() << 64 | next();

		if (kind == 1)
			k = i;
		else if (kind == 2)
			k = (isw_u128)(n - i) << 70;
		else if (kind == 3)
			k = 42;
		else if (kind == 4)
			k = (isw_u128)(next() % 8) << 100;
		else if (kind == 5)
			k = (isw_u128)next() << 64;
		v[i].lo = k;
		v[i].hi = k + (next() & 0xff); /* rides along with its lo */
	}
}

/* depth: the introsort's, or ~0u for isw_range6_sort itself. */
static void check_depth(size_t n, int kind, unsigned depth)
{
	struct isw_range6 *v = malloc((n + 1) * sizeof(*v)), *w = malloc((n + 1) * sizeof(*w));

	assert_non_null(v);
	assert_non_null(w);
	fill(v, n, kind);
	memcpy(w, v, n * sizeof(*v));
	if (depth == ~0u)
		isw_range6_sort(v, n);
	else
		isw_range6_introsort(v, n, depth);
	qsort(w, n, sizeof(*w), cmp);
	for (size_t i = 1; i < n; i++)
		if (v[i - 1].lo > v[i].lo)
			fail_msg("n %zu kind %d: out of order at %zu", n, kind, i);
	/* Equal keys may come in any order: compare as multisets. */
	qsort(v, n, sizeof(*v), cmp);
	if (n && memcmp(v, w, n * sizeof(*v)))
		fail_msg("n %zu kind %d: not a permutation of the input", n, kind);
	free(v);
	free(w);
}

static void check(size_t n, int kind)
{
	check_depth(n, kind, ~0u);
}

static void test_small(void **state)
{
	(void)state;
	for (int kind = 0; kind < 6; kind++)
		for (size_t n = 0; n < 300; n++)
			check(n, kind);
}

static void test_large(void **state)
{
	(void)state;
	for (int kind = 0; kind < 6; kind++)
		check(200000 + (size_t)kind, kind);
}

/* The heapsort the quicksort turns to on adversarial input, at once and part way. */
static void test_heapsort_fallback(void **state)
{
	(void)state;
	for (int kind = 0; kind < 6; kind++)
		for (unsigned depth = 0; depth < 3; depth++) {
			for (size_t n = 0; n < 100; n++)
				check_depth(n, kind, depth);
			check_depth(50000, kind, depth);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_small),
	    cmocka_unit_test(test_large),
	    cmocka_unit_test(test_heapsort_fallback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
