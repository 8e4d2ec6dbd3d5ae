/* SPDX-License-Identifier: BSD-2-Clause */
/* Single-producer single-consumer ring with an unbounded spill list (see spsc-queue.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spsc-queue.h"

int isw_spsc_init(struct isw_spsc *q, size_t capacity, size_t elem_size)
{
	int rc;

	memset(q, 0, sizeof(*q));
	rc = isw_ring_init(&q->ring, capacity, elem_size);
	atomic_init(&q->spill, NULL);
	atomic_init(&q->spilled, 0);
	return rc;
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
	isw_ring_destroy(&q->ring);
	free_list(q->taken);
	q->taken = NULL;
	free_list(atomic_exchange(&q->spill, NULL));
}

int isw_spsc_push(struct isw_spsc *q, const void *elem)
{
	struct isw_spsc_node *n, *old;

	/* Elements already in the spill list are older: the ring must wait for them. */
	old = atomic_load_explicit(&q->spill, memory_order_acquire);
	if (!old && isw_ring_push(&q->ring, elem))
		return 0;
	n = malloc(sizeof(*n) + q->ring.elem_size);
	if (!n)
		return -ENOMEM;
	memcpy(n->data, elem, q->ring.elem_size);
	n->tail = isw_ring_write_pos(&q->ring);
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

int isw_spsc_pop(struct isw_spsc *q, void *elem)
{
	struct isw_spsc_node *n;

	if (!q->taken) {
		if (isw_ring_pop(&q->ring, elem))
			return 1;
		if (!take_spill(q))
			return 0;
	}
	n = q->taken;
	/* The producer may have filled the ring after we saw it empty and before it spilled
	 * n: those ring elements are older.  They are in the ring: the producer published them
	 * before the spill that take_spill acquired, so the ring's pop sees them. */
	if (isw_ring_read_pos(&q->ring) != n->tail)
		return isw_ring_pop(&q->ring, elem);
	memcpy(elem, n->data, q->ring.elem_size);
	q->taken = n->next;
	free(n);
	return 1;
}

int isw_spsc_empty(struct isw_spsc *q)
{
	return !q->taken && isw_ring_empty(&q->ring) &&
	       !atomic_load_explicit(&q->spill, memory_order_acquire);
}

uint64_t isw_spsc_spilled(const struct isw_spsc *q)
{
	return atomic_load_explicit(&((struct isw_spsc *)q)->spilled, memory_order_relaxed);
}
