/* SPDX-License-Identifier: BSD-2-Clause */
/* Round-trip times of validated answers in log-linear microsecond buckets (four per octave,
 * so a bucket is at most 25% wide): cheap enough to feed from the capture thread, and fine
 * enough for the -c auto cooldown (cooldown.h) to estimate how many answers are still to
 * come without keeping samples. */
#ifndef ISW_RTT_HIST_H
#define ISW_RTT_HIST_H

#include <stdatomic.h>
#include <stdint.h>

#define ISW_RTT_SUB     4   /* buckets per octave */
#define ISW_RTT_BUCKETS 160 /* up to 2^40 us: anything longer is the last bucket */

struct isw_rtt_hist {
	atomic_uint_least64_t bucket[ISW_RTT_BUCKETS];
	atomic_uint_least64_t n;
};

/* Bucket of an RTT in us: 0..3 hold 0..3 us, then four equal buckets per octave. */
static inline unsigned isw_rtt_bucket_of_us(uint64_t us)
{
	unsigned e, b;

	if (us < ISW_RTT_SUB)
		return (unsigned)us;
	e = 63u - (unsigned)__builtin_clzll(us); /* >= 2 */
	b = ISW_RTT_SUB * (e - 1) + (unsigned)((us >> (e - 2)) & (ISW_RTT_SUB - 1));
	return b < ISW_RTT_BUCKETS ? b : ISW_RTT_BUCKETS - 1;
}

/* Lower edge of bucket b in us; its upper edge is the next bucket's lower edge. */
static inline uint64_t isw_rtt_bucket_lo_us(unsigned b)
{
	unsigned e;

	if (b < ISW_RTT_SUB)
		return b;
	e = b / ISW_RTT_SUB + 1;
	return (uint64_t)(ISW_RTT_SUB + b % ISW_RTT_SUB) << (e - 2);
}

/* Single writer (the capture thread), so a plain load and store: no locked add per answer.
 * Readers see a consistent-enough view. */
static inline void isw_rtt_hist_add(struct isw_rtt_hist *h, double rtt_ms)
{
	uint64_t us = rtt_ms > 0 ? (uint64_t)(rtt_ms * 1000.0) : 0;
	atomic_uint_least64_t *b;

	if (rtt_ms > 1e12)
		us = UINT64_MAX;
	b = &h->bucket[isw_rtt_bucket_of_us(us)];
	atomic_store_explicit(b, atomic_load_explicit(b, memory_order_relaxed) + 1,
	                      memory_order_relaxed);
	atomic_store_explicit(&h->n, atomic_load_explicit(&h->n, memory_order_relaxed) + 1,
	                      memory_order_relaxed);
}

/* Upper edge of the bucket holding the q-quantile, in ms; negative when there is no sample. */
static inline double isw_rtt_hist_quantile_ms(struct isw_rtt_hist *h, double q)
{
	uint64_t n = atomic_load_explicit(&h->n, memory_order_relaxed), seen = 0;

	if (!n)
		return -1.0;
	for (unsigned b = 0; b + 1 < ISW_RTT_BUCKETS; b++) {
		seen += atomic_load_explicit(&h->bucket[b], memory_order_relaxed);
		if ((double)seen >= q * (double)n)
			return (double)isw_rtt_bucket_lo_us(b + 1) / 1000.0;
	}
	return (double)isw_rtt_bucket_lo_us(ISW_RTT_BUCKETS - 1) / 1000.0;
}

/* Plain copy of the counts, for code that needs a stable view. */
static inline void isw_rtt_hist_snapshot(struct isw_rtt_hist *h, uint64_t out[ISW_RTT_BUCKETS])
{
	for (unsigned b = 0; b < ISW_RTT_BUCKETS; b++)
		out[b] = atomic_load_explicit(&h->bucket[b], memory_order_relaxed);
}

#endif
