/* SPDX-License-Identifier: BSD-2-Clause */
/* Shards (--shard I/N): shard I is the positions [n*I/N, n*(I+1)/N) of the keyed order.
 * Contiguous ranges of one permutation: disjoint and covering by construction, sizes within
 * one of each other, and a shard starts at its first position with no walk.  Passes (-P)
 * re-walk the range and sender threads (-T) split it; on-link targets (ARP) and counts such
 * as unrouted targets ask isw_shard_has, through the permutation's inverse. */
#ifndef ISW_SHARD_H
#define ISW_SHARD_H

#include <stdint.h>

#include "permute.h"

struct isw_shard {
	uint64_t lo, hi; /* positions [lo, hi) of the permutation */
	const struct isw_perm *perm;
	int partial; /* 0: the whole order, isw_shard_has is always 1 */
};

/* Shard index of count (count 0 or 1: all of [0, n)); n below 2^32 + 1 and index below 2^32
 * keep n * index within 64 bits. */
static inline void isw_shard_init(struct isw_shard *s, const struct isw_perm *perm, uint64_t n,
                                  uint32_t index, uint32_t count)
{
	s->perm = perm;
	s->partial = count > 1;
	s->lo = s->partial ? n * index / count : 0;
	s->hi = s->partial ? n * (index + 1) / count : n;
}

/* Whether target index idx is in the shard. */
static inline int isw_shard_has(const struct isw_shard *s, uint64_t idx)
{
	uint64_t pos;

	if (!s->partial)
		return 1;
	pos = isw_perm_position(s->perm, idx);
	return pos >= s->lo && pos < s->hi;
}

/* Only the positions below max_pos (--max-targets: the first of the shared order); the rest
 * of the shard is then outside it, as another shard's targets are. */
static inline void isw_shard_cap(struct isw_shard *s, uint64_t max_pos)
{
	if (max_pos >= s->hi)
		return;
	s->hi = max_pos > s->lo ? max_pos : s->lo;
	s->partial = 1;
}

/* Slots: where a target's bits live in per-target bitmaps (answers).  The whole order's slot
 * is the target index; a shard's is its position within the shard, so that a shard of
 * 0.0.0.0/0 keeps bitmaps of its own size, dense and cache-friendly, instead of two of
 * 3.7 G bits (460 MiB each) that its few lookups would scatter page faults over. */
static inline uint64_t isw_shard_slots(const struct isw_shard *s)
{
	return s->hi - s->lo;
}

/* The slot of target index idx, or -1 when idx is another shard's. */
static inline int64_t isw_shard_slot(const struct isw_shard *s, uint64_t idx)
{
	uint64_t pos;

	if (!s->partial)
		return (int64_t)idx;
	pos = isw_perm_position(s->perm, idx);
	return pos >= s->lo && pos < s->hi ? (int64_t)(pos - s->lo) : -1;
}

/* The slot of the target at position pos (its index idx): no inverse needed. */
static inline uint64_t isw_shard_slot_at(const struct isw_shard *s, uint64_t pos, uint64_t idx)
{
	return s->partial ? pos - s->lo : idx;
}

#endif
