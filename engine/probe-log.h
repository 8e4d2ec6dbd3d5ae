/* Single-producer single-consumer ring of sent probes, from the sender to the capture thread
 * which writes them to the trace (--trace-probes).  A record is enough to rebuild the frame
 * byte for byte (template + key + these fields), so the sender copies 16 bytes, not frames,
 * and never does I/O. */
#ifndef ISW_PROBE_LOG_H
#define ISW_PROBE_LOG_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

struct isw_probe_rec {
	uint64_t send_ns;
	uint32_t dst;
	uint8_t probe; /* ICMP attempt (1, 2, ...), or ISW_PROBE_REC_ARP */
};

#define ISW_PROBE_REC_ARP 0 /* an ARP request for dst (the LAN sweep's first pass) */

struct isw_probe_log {
	struct isw_probe_rec *ring;
	uint64_t mask;
	/* Separate cache lines: the two ends are written by different threads. */
	_Alignas(64) atomic_uint_least64_t head; /* next slot the producer writes */
	_Alignas(64) atomic_uint_least64_t tail; /* next slot the consumer reads */
};

static inline int isw_probe_log_init(struct isw_probe_log *l, unsigned order)
{
	l->ring = calloc((size_t)1 << order, sizeof(*l->ring));
	l->mask = ((uint64_t)1 << order) - 1;
	atomic_init(&l->head, 0);
	atomic_init(&l->tail, 0);
	return l->ring ? 0 : -1;
}

static inline void isw_probe_log_destroy(struct isw_probe_log *l)
{
	free(l->ring);
	l->ring = NULL;
}

/* Producer: free slots right now. */
static inline uint64_t isw_probe_log_space(struct isw_probe_log *l)
{
	uint64_t h = atomic_load_explicit(&l->head, memory_order_relaxed);
	uint64_t t = atomic_load_explicit(&l->tail, memory_order_acquire);
	return l->mask + 1 - (h - t);
}

/* Producer: appends n records (n <= space). */
static inline void isw_probe_log_push(struct isw_probe_log *l, const struct isw_probe_rec *r,
                                      unsigned n)
{
	uint64_t h = atomic_load_explicit(&l->head, memory_order_relaxed);
	for (unsigned i = 0; i < n; i++)
		l->ring[(h + i) & l->mask] = r[i];
	atomic_store_explicit(&l->head, h + n, memory_order_release);
}

/* Consumer: takes one record; 0 when empty. */
static inline int isw_probe_log_pop(struct isw_probe_log *l, struct isw_probe_rec *r)
{
	uint64_t t = atomic_load_explicit(&l->tail, memory_order_relaxed);
	if (t == atomic_load_explicit(&l->head, memory_order_acquire))
		return 0;
	*r = l->ring[t & l->mask];
	atomic_store_explicit(&l->tail, t + 1, memory_order_release);
	return 1;
}

#endif
