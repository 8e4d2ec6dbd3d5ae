/* SPDX-License-Identifier: BSD-2-Clause */
/* A keyed pseudo-random permutation of [0, n) for any n from 1 to 2^32.
 *
 * A generalized Feistel network (Black and Rogaway's FE2) over Z_a x Z_b with a*b >= n and
 * a, b close to sqrt(n), so a*b - n < a and cycle-walking back into [0, n) is rare.  The
 * sender only steps a plain index i and asks for perm(i): a shard or a resume point is just
 * an index range, and pass k of -P re-walks the same order.
 */
#ifndef ISW_PERMUTE_H
#define ISW_PERMUTE_H

#include <stdint.h>

#define ISW_PERM_ROUNDS 6 /* even, so the output lands back in Z_a x Z_b */

struct isw_perm {
	uint64_t n, a, b;
	uint64_t round_key[ISW_PERM_ROUNDS];
};

/* -EINVAL unless 1 <= n <= 2^32. */
int isw_perm_init(struct isw_perm *p, uint64_t n, uint64_t seed);
uint64_t isw_perm_at(const struct isw_perm *p, uint64_t i);
/* The inverse: the position i at which isw_perm_at gives x (x < n).  Tells which shard, or
 * which sender's slice, holds a target without walking the order. */
uint64_t isw_perm_position(const struct isw_perm *p, uint64_t x);

#endif
