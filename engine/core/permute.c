/* SPDX-License-Identifier: BSD-2-Clause */
/* The keyed permutation of permute.h: a seeded walk over [0, n) with no table. */
#include <errno.h>
#include <string.h>

#include "mix.h"
#include "tag.h"
#include "permute.h"

/* The round function only has to look random, not resist an adversary: the keyed finalizer. */
static inline uint64_t round_fn(uint64_t key, uint64_t v)
{
	return isw_mix64(v ^ key);
}

/* floor(sqrt(n)) by Newton's method: integers only, so no libm (its pages cost RSS). */
static uint64_t isqrt(uint64_t n)
{
	uint64_t x = n, y = (x + 1) / 2;

	while (y < x) {
		x = y;
		y = (x + n / x) / 2;
	}
	return x;
}

int isw_perm_init(struct isw_perm *p, uint64_t n, uint64_t seed)
{
	uint8_t k[ISW_TAG_KEY_LEN * 3];

	if (n < 1 || n > (1ULL << 32))
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->n = n;
	p->a = isqrt(n);
	while (p->a * p->a < n)
		p->a++;
	while (p->a > 1 && (p->a - 1) * (p->a - 1) >= n)
		p->a--;
	p->b = (n + p->a - 1) / p->a;
	isw_key_derive(seed, "perm-0", k);
	isw_key_derive(seed, "perm-1", k + 16);
	isw_key_derive(seed, "perm-2", k + 32);
	memcpy(p->round_key, k, sizeof(p->round_key));
	return 0;
}

/* One encryption of x in [0, a*b).  State (L in Z_a, R in Z_b); each round maps it to
 * (R, (L + F(R)) mod a) and swaps the roles of a and b, so an even number of rounds returns
 * to (Z_a, Z_b).  Every round is invertible, hence the whole is a bijection. */
static inline uint64_t fe2(const struct isw_perm *p, uint64_t x)
{
	uint64_t l = x % p->a, r = x / p->a;
	uint64_t ma = p->a, mb = p->b;

	for (int j = 0; j < ISW_PERM_ROUNDS; j++) {
		/* Reduce F first: l + F could wrap past 2^64 and break the bijection.  Both terms
		 * are below ma, so one subtraction finishes the sum mod ma (a division less per
		 * round on the sender's hot path). */
		uint64_t t = l + round_fn(p->round_key[j], r) % ma;
		if (t >= ma)
			t -= ma;
		l = r;
		r = t;
		uint64_t m = ma;
		ma = mb;
		mb = m;
	}
	return l + p->a * r;
}

uint64_t isw_perm_at(const struct isw_perm *p, uint64_t i)
{
	uint64_t x = fe2(p, i);

	/* Cycle-walking: the orbit of i under fe2 re-enters [0, n) within a*b - n + 1 steps,
	 * and a*b - n < a, so this loop is bounded (and almost always skipped). */
	while (x >= p->n)
		x = fe2(p, x);
	return x;
}

/* fe2 undone round by round: round j turned (l, r) in Z_ma x Z_mb into (r, l + F(r) mod ma),
 * so from (l', r') the previous state is (r' - F(l') mod ma, l') with ma the modulus l' had
 * as r. */
static inline uint64_t fe2_inverse(const struct isw_perm *p, uint64_t y)
{
	uint64_t l = y % p->a, r = y / p->a;
	uint64_t ma = p->a, mb = p->b;

	for (int j = ISW_PERM_ROUNDS - 1; j >= 0; j--) {
		uint64_t m = mb, f = round_fn(p->round_key[j], l) % m;

		mb = ma;
		ma = m;
		uint64_t prev_l = r >= f ? r - f : r + ma - f;
		r = l;
		l = prev_l;
	}
	return l + p->a * r;
}

uint64_t isw_perm_position(const struct isw_perm *p, uint64_t x)
{
	uint64_t i = fe2_inverse(p, x);

	/* The forward walk's steps outside [0, n), backwards. */
	while (i >= p->n)
		i = fe2_inverse(p, i);
	return i;
}
