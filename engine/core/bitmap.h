/* SPDX-License-Identifier: BSD-2-Clause */
/* One bit per target index, shared between the capture thread (the only writer) and the
 * sender (which reads it to skip answered targets on later passes).  Allocated zeroed with
 * calloc so that untouched pages of a huge index space cost no memory. */
#ifndef ISW_BITMAP_H
#define ISW_BITMAP_H

#include <stdatomic.h>
#include <stdint.h>

struct isw_bitmap {
	_Atomic uint64_t *words;
	uint64_t nbits;
};

int isw_bitmap_init(struct isw_bitmap *b, uint64_t nbits);
void isw_bitmap_destroy(struct isw_bitmap *b);

/* Sets bit i; returns its previous value. */
static inline int isw_bitmap_test_and_set(struct isw_bitmap *b, uint64_t i)
{
	uint64_t m = 1ULL << (i & 63);
	return (atomic_fetch_or_explicit(&b->words[i >> 6], m, memory_order_relaxed) & m) != 0;
}

static inline int isw_bitmap_test(const struct isw_bitmap *b, uint64_t i)
{
	uint64_t w = atomic_load_explicit(&b->words[i >> 6], memory_order_relaxed);
	return (w >> (i & 63)) & 1;
}

#endif
