/* SPDX-License-Identifier: BSD-2-Clause */
/* A bounded single-producer single-consumer ring of fixed-size elements: no locks, no
 * allocation after init, C11 acquire/release only.  The probe log (probe-log.h) and the
 * resolver's queue (spsc-queue.h) are both this ring.
 *
 * Contract: one thread at a time produces (space, room, push, slot/write_pos/publish) and one
 * consumes (front, release, pop, empty); a side moves to another thread only through a
 * synchronizing operation (pthread_join, a mutex).  Positions count elements ever written and
 * ever read, so head <= tail <= head + capacity, and slot(i) is where element i lives.
 * Everything is inline: the probe log sits on the sender's hot path. */
#ifndef ISW_SPSC_RING_H
#define ISW_SPSC_RING_H

#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct isw_ring {
	unsigned char *slots;
	size_t mask; /* capacity - 1; the capacity is a power of two */
	size_t elem_size;

	/* Separate cache lines: the two ends are written by different threads, and each keeps
	 * its last view of the other's position to read that line only when it must. */
	alignas(64) atomic_size_t tail; /* producer: next position to write */
	size_t head_cache;
	alignas(64) atomic_size_t head; /* consumer: next position to read */
	size_t tail_cache;
};

/* capacity is rounded up to a power of two (at least 2).  0, -EINVAL or -ENOMEM. */
static inline int isw_ring_init(struct isw_ring *r, size_t capacity, size_t elem_size)
{
	size_t cap = 2;

	memset(r, 0, sizeof(*r));
	if (!elem_size || capacity > ((size_t)1 << 40))
		return -EINVAL;
	while (cap < capacity)
		cap <<= 1;
	r->slots = calloc(cap, elem_size);
	if (!r->slots)
		return -ENOMEM;
	r->mask = cap - 1;
	r->elem_size = elem_size;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	return 0;
}

static inline void isw_ring_destroy(struct isw_ring *r)
{
	free(r->slots);
	r->slots = NULL;
}

/* Where element i (a position) lives. */
static inline void *isw_ring_slot(const struct isw_ring *r, size_t i)
{
	return r->slots + (i & r->mask) * r->elem_size;
}

/* Producer: free slots right now. */
static inline size_t isw_ring_space(struct isw_ring *r)
{
	size_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);

	r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
	return r->mask + 1 - (t - r->head_cache);
}

/* Producer: 1 if n elements fit; reads the consumer's position only when the last view of it
 * says they do not. */
static inline int isw_ring_room(struct isw_ring *r, size_t n)
{
	size_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);

	if (t + n - r->head_cache <= r->mask + 1)
		return 1;
	return isw_ring_space(r) >= n;
}

/* Producer: the position the next element goes to.  Write elements at slot(pos), slot(pos +
 * 1), ... (as many as there is room for), then publish them. */
static inline size_t isw_ring_write_pos(const struct isw_ring *r)
{
	return atomic_load_explicit(&r->tail, memory_order_relaxed);
}

/* Producer: hands the consumer every element written below position end. */
static inline void isw_ring_publish(struct isw_ring *r, size_t end)
{
	atomic_store_explicit(&r->tail, end, memory_order_release);
}

/* Producer: copies elem in; 0 when the ring is full. */
static inline int isw_ring_push(struct isw_ring *r, const void *elem)
{
	size_t t = isw_ring_write_pos(r);

	if (!isw_ring_room(r, 1))
		return 0;
	memcpy(isw_ring_slot(r, t), elem, r->elem_size);
	isw_ring_publish(r, t + 1);
	return 1;
}

/* Consumer: the position of the oldest element, read or not. */
static inline size_t isw_ring_read_pos(const struct isw_ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_relaxed);
}

/* Consumer: the oldest element, left in place, or NULL when the ring is empty. */
static inline void *isw_ring_front(struct isw_ring *r)
{
	size_t h = isw_ring_read_pos(r);

	if (h == r->tail_cache) {
		r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
		if (h == r->tail_cache)
			return NULL;
	}
	return isw_ring_slot(r, h);
}

/* Consumer: done with the oldest element (front returned it); its slot may be reused. */
static inline void isw_ring_release(struct isw_ring *r)
{
	atomic_store_explicit(&r->head, isw_ring_read_pos(r) + 1, memory_order_release);
}

/* Consumer: copies the oldest element out; 0 when the ring is empty. */
static inline int isw_ring_pop(struct isw_ring *r, void *elem)
{
	const void *p = isw_ring_front(r);

	if (!p)
		return 0;
	memcpy(elem, p, r->elem_size);
	isw_ring_release(r);
	return 1;
}

/* Consumer: 1 when nothing is in the ring (a racing push may land right after). */
static inline int isw_ring_empty(struct isw_ring *r)
{
	return isw_ring_front(r) == NULL;
}

#endif
