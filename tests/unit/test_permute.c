/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/core/permute.c: isw_perm_at must be a bijection of [0, n) for every n in
 * 1..2^32, keyed by the seed, and must scatter consecutive indices. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "permute.h"

#define TWO32 (UINT64_C(1) << 32)

/* splitmix64: a reproducible stream of test inputs. */
static uint64_t rng_state = 0x0123456789abcdefULL;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static struct isw_perm make_perm(uint64_t n, uint64_t seed)
{
	struct isw_perm p;

	assert_int_equal(isw_perm_init(&p, n, seed), 0);
	assert_true(p.n == n);
	assert_true(p.a * p.b >= n);
	return p;
}

/* Every i in [0, n) maps into [0, n), and no value is hit twice. */
static void check_bijection(uint64_t n, uint64_t seed)
{
	struct isw_perm p = make_perm(n, seed);
	size_t words = (size_t)((n + 63) / 64);
	uint64_t *seen = calloc(words, sizeof(*seen));

	assert_non_null(seen);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t x = isw_perm_at(&p, i);

		if (x >= n)
			fail_msg("n=%llu seed=%llu: perm(%llu) = %llu out of range",
			         (unsigned long long)n, (unsigned long long)seed,
			         (unsigned long long)i, (unsigned long long)x);
		if (seen[x / 64] >> (x % 64) & 1)
			fail_msg("n=%llu seed=%llu: perm(%llu) = %llu already seen",
			         (unsigned long long)n, (unsigned long long)seed,
			         (unsigned long long)i, (unsigned long long)x);
		seen[x / 64] |= UINT64_C(1) << (x % 64);
	}
	/* n values, all distinct, all below n: every value was hit. */
	free(seen);
}

static void test_bijection_tiny(void **state __attribute__((unused)))
{
	for (uint64_t n = 1; n <= 300; n++)
		for (uint64_t seed = 0; seed < 8; seed++)
			check_bijection(n, seed);
}

static void test_bijection_1_2_3(void **state __attribute__((unused)))
{
	struct isw_perm p = make_perm(1, 42);

	assert_true(isw_perm_at(&p, 0) == 0);
	check_bijection(2, 42);
	check_bijection(3, 42);
}

static void test_bijection_primes(void **state __attribute__((unused)))
{
	check_bijection(65521, 1);
	check_bijection(65521, 0xdeadbeef);
	check_bijection(1000003, 7);
}

static void test_bijection_powers_of_two(void **state __attribute__((unused)))
{
	check_bijection(1u << 16, 3);
	check_bijection(1u << 20, 3);
	check_bijection((1u << 20) + 1, 3); /* a*b - n is largest just above a square */
	check_bijection((1u << 20) - 1, 3);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Too big to walk: distinct sampled inputs must give distinct in-range outputs. */
static void check_sampled(uint64_t n, uint64_t seed, size_t samples)
{
	struct isw_perm p = make_perm(n, seed);
	uint64_t *out = malloc(samples * sizeof(*out));
	uint64_t start = rng() % n;

	assert_non_null(out);
	/* Half consecutive indices from a random start (wrapping), half spread by a stride
	 * coprime to nothing in particular; the two halves never overlap because the stride
	 * walk starts past the consecutive block. */
	for (size_t k = 0; k < samples / 2; k++)
		out[k] = isw_perm_at(&p, (start + k) % n);
	for (size_t k = samples / 2; k < samples; k++) {
		uint64_t i = (start + samples / 2 + (uint64_t)(k - samples / 2) * 997) % n;

		out[k] = isw_perm_at(&p, i);
	}
	for (size_t k = 0; k < samples; k++)
		if (out[k] >= n)
			fail_msg("n=%llu: output %llu out of range", (unsigned long long)n,
			         (unsigned long long)out[k]);
	qsort(out, samples, sizeof(*out), cmp_u64);
	for (size_t k = 1; k < samples; k++)
		if (out[k] == out[k - 1])
			fail_msg("n=%llu seed=%llu: two sampled inputs map to %llu",
			         (unsigned long long)n, (unsigned long long)seed,
			         (unsigned long long)out[k]);
	free(out);
}

static void test_sampled_large(void **state __attribute__((unused)))
{
	check_sampled(TWO32, 11, 3000000);
	check_sampled(TWO32 - 1, 12, 1000000);
	check_sampled(UINT64_C(3000000017), 13, 1000000);
	check_sampled(TWO32 - (UINT64_C(1) << 16), 14, 500000);
}

static void test_large_edges(void **state __attribute__((unused)))
{
	/* The last indices of the largest spaces stay in range (cycle-walking terminates). */
	uint64_t sizes[] = {TWO32, TWO32 - 1, UINT64_C(3000000017), (UINT64_C(1) << 31) + 1};

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct isw_perm p = make_perm(sizes[s], 99);

		for (uint64_t k = 0; k < 1000; k++) {
			assert_true(isw_perm_at(&p, k) < sizes[s]);
			assert_true(isw_perm_at(&p, sizes[s] - 1 - k) < sizes[s]);
		}
	}
}

static void test_init_rejects(void **state __attribute__((unused)))
{
	struct isw_perm p;

	assert_int_equal(isw_perm_init(&p, 0, 1), -EINVAL);
	assert_int_equal(isw_perm_init(&p, TWO32 + 1, 1), -EINVAL);
	assert_int_equal(isw_perm_init(&p, UINT64_MAX, 1), -EINVAL);
	assert_int_equal(isw_perm_init(&p, 1, 1), 0);
	assert_int_equal(isw_perm_init(&p, TWO32, 1), 0);
}

static void test_same_seed_same_order(void **state __attribute__((unused)))
{
	uint64_t sizes[] = {10, 65536, 1000003, TWO32};

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct isw_perm p = make_perm(sizes[s], 0x5eed);
		struct isw_perm q = make_perm(sizes[s], 0x5eed);

		assert_memory_equal(&p, &q, sizeof(p));
		for (uint64_t i = 0; i < 10000 && i < sizes[s]; i++)
			assert_true(isw_perm_at(&p, i) == isw_perm_at(&q, i));
	}
}

static void test_different_seeds_differ(void **state __attribute__((unused)))
{
	uint64_t sizes[] = {1000, 65536, 1000003, TWO32};

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (uint64_t seed = 0; seed < 20; seed++) {
			struct isw_perm p = make_perm(sizes[s], seed);
			struct isw_perm q = make_perm(sizes[s], seed + 1);
			uint64_t same = 0, m = sizes[s] < 1000 ? sizes[s] : 1000;

			for (uint64_t i = 0; i < m; i++)
				same += isw_perm_at(&p, i) == isw_perm_at(&q, i);
			/* Two independent orders agree at about one place in n. */
			if (same > 10)
				fail_msg("n=%llu seeds %llu and %llu agree at %llu of %llu places",
				         (unsigned long long)sizes[s], (unsigned long long)seed,
				         (unsigned long long)seed + 1, (unsigned long long)same,
				         (unsigned long long)m);
		}
	}
	/* Small spaces: over many seeds, several distinct orders appear. */
	{
		uint64_t first[64];
		int distinct = 0;

		for (uint64_t seed = 0; seed < 64; seed++) {
			struct isw_perm p = make_perm(5, seed);
			uint64_t code = 0;

			for (uint64_t i = 0; i < 5; i++)
				code = code * 5 + isw_perm_at(&p, i);
			first[seed] = code;
			int dup = 0;
			for (uint64_t k = 0; k < seed; k++)
				dup |= first[k] == code;
			distinct += !dup;
		}
		assert_true(distinct >= 20); /* 120 orders of 5 exist */
	}
}

static void test_not_identity(void **state __attribute__((unused)))
{
	struct isw_perm p = make_perm(1u << 16, 1);
	uint64_t fixed = 0;

	for (uint64_t i = 0; i < (1u << 16); i++)
		fixed += isw_perm_at(&p, i) == i;
	assert_true(fixed < 20); /* about 1 expected */
}

static void test_spread(void **state __attribute__((unused)))
{
	/* The order must not walk a /24 at a time: consecutive probes land in different
	 * /24s almost always (a random order: 1 in 256). */
	for (uint64_t seed = 1; seed <= 4; seed++) {
		struct isw_perm p = make_perm(1u << 16, seed);
		uint64_t prev = isw_perm_at(&p, 0), same24 = 0, near = 0;

		for (uint64_t i = 1; i < (1u << 16); i++) {
			uint64_t x = isw_perm_at(&p, i);

			same24 += (x >> 8) == (prev >> 8);
			near += (x > prev ? x - prev : prev - x) < 16;
			prev = x;
		}
		if (same24 > 65536 / 50 || near > 65536 / 100)
			fail_msg(
			    "seed %llu: %llu consecutive pairs in the same /24, %llu within 16",
			    (unsigned long long)seed, (unsigned long long)same24,
			    (unsigned long long)near);
	}
	/* And over the whole IPv4 space, the first 64k outputs hit many distinct /16s. */
	{
		struct isw_perm p = make_perm(TWO32, 5);
		uint8_t *hit = calloc(65536, 1);
		unsigned distinct = 0;

		assert_non_null(hit);
		for (uint64_t i = 0; i < 65536; i++) {
			uint64_t x = isw_perm_at(&p, i) >> 16;

			distinct += !hit[x];
			hit[x] = 1;
		}
		/* Random: 65536 * (1 - 1/e) ~ 41400. */
		assert_true(distinct > 38000);
		free(hit);
	}
}

/* Regression for a latent bug: isw_perm_at must stay a bijection whatever the round keys.
 *
 * fe2 computes (l + round_fn(key, r)) % ma in uint64_t.  When round_fn returns a value within
 * ma of 2^64 the sum wraps, and unless ma divides 2^64 the round is no longer a permutation of
 * Z_ma: two values of l collide (and cycle-walking may then never leave [n, a*b)).  For random
 * keys it happens with probability ~ rounds * b * a / 2^64 per seed, so the test forces it by
 * choosing a round key: round_fn is an invertible 64-bit mix, so the key that makes
 * round_fn(key, 0) == 2^64 - 1 can be computed. */
static uint64_t inv_odd(uint64_t c)
{
	uint64_t x = c;

	for (int i = 0; i < 6; i++)
		x *= 2 - c * x;
	return x;
}

static uint64_t unxorshift(uint64_t y, int s)
{
	uint64_t x = y;

	for (int i = 0; i < 64 / s + 1; i++)
		x = y ^ (x >> s);
	return x;
}

static void test_bijection_any_round_key(void **state __attribute__((unused)))
{
	/* Regression (engine/core/permute.c fe2): the round must add round_fn(...) % ma; letting
	 * l + round_fn(...) wrap around 2^64 breaks the bijection for some keys. */
	uint64_t y = UINT64_MAX, seen = 0;
	struct isw_perm p = make_perm(49, 1); /* a = b = 7: no cycle-walking, fe2 is the perm */

	assert_true(p.a == 7 && p.b == 7);
	/* Invert x ^= x >> 31; x *= C1; x ^= x >> 29; x *= C2; x ^= x >> 32. */
	y ^= y >> 32;
	y *= inv_odd(0xbf58476d1ce4e5b9ULL);
	y = unxorshift(y, 29);
	y *= inv_odd(0x9e3779b97f4a7c15ULL);
	y = unxorshift(y, 31);
	p.round_key[0] = y; /* round_fn(key, r = 0) == 2^64 - 1 */

	for (uint64_t i = 0; i < 49; i++) {
		uint64_t x = isw_perm_at(&p, i);

		assert_true(x < 49);
		if (seen >> x & 1)
			fail_msg("perm(%llu) = %llu collides: (l + round_fn) wraps mod 2^64 "
			         "in fe2, so a round is not a bijection of Z_a",
			         (unsigned long long)i, (unsigned long long)x);
		seen |= UINT64_C(1) << x;
	}
}

/* isw_perm_position undoes isw_perm_at for every position, cycle-walked ones included
 * (small n where a*b - n is large relative to n, and sizes just above a square). */
static void test_position_inverts(void **state __attribute__((unused)))
{
	static const uint64_t sizes[] = {1, 2, 3, 5, 7, 10, 17, 26, 99, 101, 1000, 4097, 65537};

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		for (uint64_t seed = 1; seed <= 3; seed++) {
			struct isw_perm p = make_perm(sizes[k], seed * 7919);

			for (uint64_t i = 0; i < sizes[k]; i++)
				if (isw_perm_position(&p, isw_perm_at(&p, i)) != i)
					fail_msg("n=%llu: position(perm(%llu)) != %llu",
					         (unsigned long long)sizes[k],
					         (unsigned long long)i, (unsigned long long)i);
		}
	/* Sampled at the largest size. */
	struct isw_perm big = make_perm(TWO32, 42);
	for (int k = 0; k < 20000; k++) {
		uint64_t i = rng() % TWO32;
		assert_true(isw_perm_position(&big, isw_perm_at(&big, i)) == i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bijection_tiny),
	    cmocka_unit_test(test_bijection_1_2_3),
	    cmocka_unit_test(test_bijection_primes),
	    cmocka_unit_test(test_bijection_powers_of_two),
	    cmocka_unit_test(test_sampled_large),
	    cmocka_unit_test(test_large_edges),
	    cmocka_unit_test(test_init_rejects),
	    cmocka_unit_test(test_same_seed_same_order),
	    cmocka_unit_test(test_different_seeds_differ),
	    cmocka_unit_test(test_not_identity),
	    cmocka_unit_test(test_spread),
	    cmocka_unit_test(test_bijection_any_round_key),
	    cmocka_unit_test(test_position_inverts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
