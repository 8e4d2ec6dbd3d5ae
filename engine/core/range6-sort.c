/* SPDX-License-Identifier: BSD-2-Clause */
/* Sorting IPv6 ranges by their first address (targets6.h's isw_range6_sort): an introsort
 * (quicksort, heapsort past a depth limit, insertion sort for short runs) in place, with the
 * 128-bit comparison inline.  qsort took a third of a million-line hitlist's load between its
 * callback and its merge sort's copy, a second array as large as the list. */
#include "targets6.h"

#define SHORT_RUN 16

static void swap6(struct isw_range6 *a, struct isw_range6 *b)
{
	struct isw_range6 t = *a;

	*a = *b;
	*b = t;
}

static void insertion_sort(struct isw_range6 *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct isw_range6 x = v[i];
		size_t j = i;

		for (; j > 0 && v[j - 1].lo > x.lo; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void sift_down(struct isw_range6 *v, size_t root, size_t n)
{
	for (size_t child; (child = 2 * root + 1) < n; root = child) {
		if (child + 1 < n && v[child + 1].lo > v[child].lo)
			child++;
		if (v[root].lo >= v[child].lo)
			return;
		swap6(&v[root], &v[child]);
	}
}

static void heap_sort(struct isw_range6 *v, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(v, i, n);
	for (size_t end = n; end-- > 1;) {
		swap6(&v[0], &v[end]);
		sift_down(v, 0, end);
	}
}

/* Hoare's partition around the median of the first, middle and last, moved to the front
 * (with the pivot at the front, both sides are never empty): v[0, j] <= pivot <= v[j + 1, n). */
static size_t partition(struct isw_range6 *v, size_t n)
{
	struct isw_range6 *a = &v[0], *m = &v[n / 2], *z = &v[n - 1];
	isw_u128 pivot;
	size_t i = 0, j = n;

	if (m->lo < a->lo)
		swap6(m, a);
	if (z->lo < m->lo) {
		swap6(z, m);
		if (m->lo < a->lo)
			swap6(m, a);
	}
	swap6(a, m);
	pivot = v[0].lo;
	for (;;) {
		while (v[--j].lo > pivot)
			;
		while (v[i].lo < pivot)
			i++;
		if (i >= j)
			return j;
		swap6(&v[i], &v[j]);
		i++;
	}
}

void isw_range6_introsort(struct isw_range6 *v, size_t n, unsigned depth)
{
	while (n > SHORT_RUN) {
		size_t j;

		if (depth-- == 0) {
			heap_sort(v, n);
			return;
		}
		j = partition(v, n) + 1;
		/* The smaller side by recursion (at most log n deep), the larger by the loop. */
		if (j < n - j) {
			isw_range6_introsort(v, j, depth);
			v += j;
			n -= j;
		} else {
			isw_range6_introsort(v + j, n - j, depth);
			n = j;
		}
	}
	insertion_sort(v, n);
}

void isw_range6_sort(struct isw_range6 *v, size_t n)
{
	unsigned depth = 0;
	size_t sorted = 1;

	/* Hitlists often come sorted: one pass tells. */
	while (sorted < n && v[sorted - 1].lo <= v[sorted].lo)
		sorted++;
	if (sorted >= n)
		return;
	for (size_t k = n; k > 1; k >>= 1)
		depth += 2;
	isw_range6_introsort(v, n, depth);
}
