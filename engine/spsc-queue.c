/* Single-producer single-consumer ring with an unbounded spill list (see spsc-queue.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spsc-queue.h"

int isw_spsc_init(struct isw_spsc *q, size_t capacity, size_t elem_size)
{
	size_t cap = 2;

	memset(q, 0, sizeof(*q));
	if (!elem_size || capacity > ((size_t)1 << 40))
		return -EINVAL;
	while (cap < capacity)
		cap <<= 1;
	q->slots = calloc(cap, elem_size);
	if (!q->slots)
		return -ENOMEM;
	q->mask = cap - 1;
	q->elem_size = elem_size;
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	atomic_init(&q->spill, NULL);
	atomic_init(&q->spilled, 0);
	return 0;
}

static void free_list(struct isw_spsc_node *n)
{
	while (n) {
		struct isw_spsc_node *next = n->next;
		free(n);
		n = next;
	}
}

void isw_spsc_destroy(struct isw_spsc *q)
{
	free(q->slots);
	q->slots = NULL;
	free_list(q->taken);
	q->taken = NULL;
	free_list(atomic_exchange(&q->spill, NULL));
}

int isw_spsc_push(struct isw_spsc *q, const void *elem)
{
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
	struct isw_spsc_node *n, *old;

	/* Elements already in the spill list are older: the ring must wait for them. */
	old = atomic_load_explicit(&q->spill, memory_order_acquire);
	if (!old) {
		if (tail - q->head_cache > q->mask)
			q->head_cache = atomic_load_explicit(&q->head, memory_order_acquire);
		if (tail - q->head_cache <= q->mask) {
			memcpy(q->slots + (tail & q->mask) * q->elem_size, elem, q->elem_size);
			atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
			return 0;
		}
	}
	n = malloc(sizeof(*n) + q->elem_size);
	if (!n)
		return -ENOMEM;
	memcpy(n->data, elem, q->elem_size);
	n->tail = tail;
	n->next = old;
	while (!atomic_compare_exchange_weak_explicit(&q->spill, &n->next, n, memory_order_release,
	                                              memory_order_acquire))
		;
	atomic_fetch_add_explicit(&q->spilled, 1, memory_order_relaxed);
	return 1;
}

/* Takes the whole spill list (newest first) and keeps it oldest first in q->taken. */
static int take_spill(struct isw_spsc *q)
{
	struct isw_spsc_node *n = atomic_exchange_explicit(&q->spill, NULL, memory_order_acquire);
	struct isw_spsc_node *rev = NULL;

	while (n) {
		struct isw_spsc_node *next = n->next;
		n->next = rev;
		rev = n;
		n = next;
	}
	q->taken = rev;
	return rev != NULL;
}

static int ring_nonempty(struct isw_spsc *q, size_t head)
{
	if (head != q->tail_cache)
		return 1;
	q->tail_cache = atomic_load_explicit(&q->tail, memory_order_acquire);
	return head != q->tail_cache;
}

int isw_spsc_pop(struct isw_spsc *q, void *elem)
{
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
	struct isw_spsc_node *n;

	if (!q->taken) {
		if (ring_nonempty(q, head))
			goto ring;
		if (!take_spill(q))
			return 0;
	}
	n = q->taken;
	/* The producer may have filled the ring after we saw it empty and before it spilled
	 * n: those ring elements are older.  They are in the ring (written before the spill
	 * that take_spill acquired), so tail_cache may move up to n->tail. */
	if (head != n->tail) {
		if ((ptrdiff_t)(n->tail - q->tail_cache) > 0)
			q->tail_cache = n->tail;
		goto ring;
	}
	memcpy(elem, n->data, q->elem_size);
	q->taken = n->next;
	free(n);
	return 1;
ring:
	memcpy(elem, q->slots + (head & q->mask) * q->elem_size, q->elem_size);
	atomic_store_explicit(&q->head, head + 1, memory_order_release);
	return 1;
}

int isw_spsc_empty(struct isw_spsc *q)
{
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);

	return !q->taken && !ring_nonempty(q, head) &&
	       !atomic_load_explicit(&q->spill, memory_order_acquire);
}

uint64_t isw_spsc_spilled(const struct isw_spsc *q)
{
	return atomic_load_explicit(&((struct isw_spsc *)q)->spilled, memory_order_relaxed);
}
