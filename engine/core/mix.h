/* SPDX-License-Identifier: BSD-2-Clause */
/* A 64-bit finalizer (murmur3/splitmix style): every output bit depends on every input bit,
 * so that values close together (neighbouring addresses, consecutive indices) come out far
 * apart.  It only has to look random, not resist an adversary; that makes it several times
 * cheaper than SipHash.  The permutation's rounds are defined by it: changing it changes the
 * order of every seeded sweep. */
#ifndef ISW_MIX_H
#define ISW_MIX_H

#include <stdint.h>

static inline uint64_t isw_mix64(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x9e3779b97f4a7c15ULL;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 32;
	return x;
}

#endif
