/* SPDX-License-Identifier: BSD-2-Clause */
/* A single-producer single-consumer queue that never blocks and never drops: the bounded
 * lock-free ring of spsc-ring.h, and when the ring is full an unbounded overflow ("spill") list.
 *
 * Contract:
 *   - exactly one thread calls isw_spsc_push at a time (the producer) and exactly one thread
 *     calls isw_spsc_pop / isw_spsc_empty at a time (the consumer); ownership of a side may
 *     move to another thread only through a synchronizing operation (pthread_join, a mutex);
 *   - push never waits: it copies the element into the ring, or, when the ring is full or
 *     earlier elements are still in the spill list, into a malloc'ed node pushed onto the
 *     spill list with one compare-and-swap (which can only fail when the consumer took the
 *     list at that instant, so the loop is short);
 *   - pop returns elements in push order (FIFO), including across ring and spill: the
 *     producer puts an element in the ring only when the spill list is empty, and each spill
 *     node records the ring's tail when it was spilled; the consumer pops a node only once
 *     the ring's head has reached that tail.  (Seeing the ring empty before taking the list
 *     is not enough: between the two, the producer may fill the ring and spill again.)
 */
#ifndef ISW_SPSC_QUEUE_H
#define ISW_SPSC_QUEUE_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "spsc-ring.h"

struct isw_spsc_node {
	struct isw_spsc_node *next;
	size_t tail; /* ring elements pushed before this one: those come out first */
	alignas(max_align_t) unsigned char data[];
};

struct isw_spsc {
	struct isw_ring ring;

	/* The spill list, newest first, and what goes with it.  Only the spill path writes this
	 * line: the ring's pushes and pops just read it. */
	alignas(64) _Atomic(struct isw_spsc_node *) spill;
	struct isw_spsc_node *taken;   /* consumer: spilled elements taken, FIFO */
	atomic_uint_least64_t spilled; /* elements that went through the spill list */
};

/* capacity is rounded up to a power of two (at least 2).  -ENOMEM, -EINVAL. */
int isw_spsc_init(struct isw_spsc *q, size_t capacity, size_t elem_size);
/* Frees the ring and anything still queued. */
void isw_spsc_destroy(struct isw_spsc *q);

/* Producer.  0: in the ring; 1: in the spill list; -ENOMEM: the ring was full and no memory
 * was left for a spill node (the element was not queued). */
int isw_spsc_push(struct isw_spsc *q, const void *elem);

/* Consumer.  1 and the oldest element copied to elem, or 0 when nothing is queued. */
int isw_spsc_pop(struct isw_spsc *q, void *elem);

/* Consumer: 1 when nothing is queued (a racing push may land right after). */
int isw_spsc_empty(struct isw_spsc *q);

/* Any thread: elements spilled so far (approximate while the producer runs). */
uint64_t isw_spsc_spilled(const struct isw_spsc *q);

#endif
