/* Round-trip times of validated answers in power-of-two microsecond buckets: cheap enough to
 * feed from the capture thread, and enough to wait "several p99 RTTs" (-c auto) without
 * keeping samples. */
#ifndef ISW_RTT_HIST_H
#define ISW_RTT_HIST_H

#include <stdatomic.h>
#include <stdint.h>

#define ISW_RTT_BUCKETS 40 /* up to 2^40 us: anything longer is the last bucket */

struct isw_rtt_hist {
	atomic_uint_least64_t bucket[ISW_RTT_BUCKETS];
	atomic_uint_least64_t n;
};

/* Single writer (the capture thread); readers see a consistent-enough view. */
static inline void isw_rtt_hist_add(struct isw_rtt_hist *h, double rtt_ms)
{
	uint64_t us = rtt_ms > 0 ? (uint64_t)(rtt_ms * 1000.0) : 0;
	unsigned b = us ? 64u - (unsigned)__builtin_clzll(us) : 0;

	if (b >= ISW_RTT_BUCKETS)
		b = ISW_RTT_BUCKETS - 1;
	atomic_fetch_add_explicit(&h->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->n, 1, memory_order_relaxed);
}

/* Upper edge of the bucket holding the q-quantile, in ms; negative when there is no sample. */
static inline double isw_rtt_hist_quantile_ms(struct isw_rtt_hist *h, double q)
{
	uint64_t n = atomic_load_explicit(&h->n, memory_order_relaxed), seen = 0;

	if (!n)
		return -1.0;
	for (unsigned b = 0; b < ISW_RTT_BUCKETS; b++) {
		seen += atomic_load_explicit(&h->bucket[b], memory_order_relaxed);
		if ((double)seen >= q * (double)n)
			return (double)(1ULL << b) / 1000.0;
	}
	return (double)(1ULL << (ISW_RTT_BUCKETS - 1)) / 1000.0;
}

#endif
