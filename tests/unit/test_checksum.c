/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/packet/checksum.c: RFC 1071 checksum and RFC 1624 incremental update,
 * against a plain big-endian reference written here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "checksum.h"

static uint64_t rng_state = 0x1071;

static uint32_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (uint32_t)(z ^ (z >> 31));
}

/* RFC 1071 the slow way: big-endian 16-bit words, odd byte padded with a zero, end-around
 * carry, complement.  Returns the value in host order. */
static uint16_t ref_cksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)p[i] << 8 | p[i + 1];
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1) {
		sum += (uint32_t)p[len - 1] << 8;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)~sum;
}

/* isw_cksum returns network order as stored in memory: read it back as bytes. */
static uint16_t stored(uint16_t v)
{
	uint8_t b[2];

	memcpy(b, &v, 2);
	return (uint16_t)(b[0] << 8 | b[1]);
}

static void fill_random(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rng();
}

static void test_known_vector(void **state __attribute__((unused)))
{
	/* IPv4 header from the Wikipedia/RFC examples: checksum field zero. */
	uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	                   0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	uint16_t c = isw_cksum(hdr, sizeof(hdr));

	assert_int_equal(stored(c), 0xb861);
	assert_int_equal(ref_cksum(hdr, sizeof(hdr)), 0xb861);
	/* Stored in place, the header sums to zero. */
	memcpy(hdr + 10, &c, 2);
	assert_int_equal(hdr[10], 0xb8);
	assert_int_equal(hdr[11], 0x61);
	assert_int_equal(isw_cksum(hdr, sizeof(hdr)), 0);
}

static void test_rfc1071_example(void **state __attribute__((unused)))
{
	/* RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (folded). */
	const uint8_t d[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

	assert_int_equal(stored(isw_cksum(d, sizeof(d))), (uint16_t)~0xddf2);
	assert_int_equal(stored(isw_cksum_fold(isw_cksum_partial(d, sizeof(d), 0))),
	                 (uint16_t)~0xddf2);
}

static void test_small_and_edge_buffers(void **state __attribute__((unused)))
{
	const uint8_t zeros[8] = {0}, ones[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const uint8_t one = 0xab;

	/* Empty and all-zero data: the sum is zero, the checksum 0xffff. */
	assert_int_equal(stored(isw_cksum(zeros, 0)), 0xffff);
	assert_int_equal(stored(isw_cksum(zeros, 7)), 0xffff);
	/* All-ones words are ones'-complement zero: checksum 0x0000. */
	assert_int_equal(stored(isw_cksum(ones, 8)), 0x0000);
	assert_int_equal(ref_cksum(ones, 8), 0x0000);
	/* One odd byte is the high half of a padded word. */
	assert_int_equal(stored(isw_cksum(&one, 1)), (uint16_t)~0xab00);
}

static void test_random_buffers(void **state __attribute__((unused)))
{
	uint8_t *buf = malloc(2100);

	assert_non_null(buf);
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = rng() % 2049;
		size_t off = rng() % 4; /* unaligned starts too */

		fill_random(buf + off, len);
		uint16_t c = isw_cksum(buf + off, len);
		if (stored(c) != ref_cksum(buf + off, len))
			fail_msg("len %zu off %zu: isw_cksum %04x, reference %04x", len, off,
			         stored(c), ref_cksum(buf + off, len));
	}
	/* Saturating data exercises the carries (many 0xffff words). */
	for (size_t len = 0; len <= 70000; len += 4999) {
		uint8_t *big = malloc(len + 1);

		assert_non_null(big);
		memset(big, 0xff, len);
		if (len)
			big[len / 2] = 0xfe;
		assert_int_equal(stored(isw_cksum(big, len)), ref_cksum(big, len));
		free(big);
	}
	free(buf);
}

static void test_partial_chaining(void **state __attribute__((unused)))
{
	uint8_t buf[600];

	for (int iter = 0; iter < 2000; iter++) {
		size_t len = rng() % sizeof(buf);
		size_t cut = (rng() % (len / 2 + 1)) * 2; /* an even split point */

		fill_random(buf, len);
		uint32_t s = isw_cksum_partial(buf, cut, 0);
		s = isw_cksum_partial(buf + cut, len - cut, s);
		assert_int_equal(isw_cksum_fold(s), isw_cksum(buf, len));
	}
}

/* Ones'-complement equality: 0x0000 and 0xffff are both zero. */
static int oc_equal(uint16_t a, uint16_t b)
{
	return a == b || ((a == 0 || a == 0xffff) && (b == 0 || b == 0xffff));
}

/* Changes n words at random even offsets of a buffer holding its checksum at offset csum_off,
 * updates incrementally, and compares with a full recomputation. */
static void update_case(uint8_t *buf, size_t len, size_t csum_off, const size_t *woff,
                        const uint16_t *neww, int n)
{
	uint16_t hc, full, inc;
	uint32_t old_sum = 0, new_sum = 0;

	memset(buf + csum_off, 0, 2);
	hc = isw_cksum(buf, len);
	memcpy(buf + csum_off, &hc, 2);
	assert_int_equal(isw_cksum(buf, len), 0);

	for (int k = 0; k < n; k++)
		old_sum = isw_cksum_partial(buf + woff[k], 2, old_sum);
	for (int k = 0; k < n; k++) {
		uint8_t be[2] = {(uint8_t)(neww[k] >> 8), (uint8_t)neww[k]};

		memcpy(buf + woff[k], be, 2);
	}
	for (int k = 0; k < n; k++)
		new_sum = isw_cksum_partial(buf + woff[k], 2, new_sum);
	inc = isw_cksum_update(hc, old_sum, new_sum);

	memset(buf + csum_off, 0, 2);
	full = isw_cksum(buf, len);
	memcpy(buf + csum_off, &inc, 2);
	/* The stored result must verify, and equal the full recomputation (as a value, except
	 * that RFC 1624 eqn. 3 gives 0x0000 where a full computation over data that became all
	 * zero gives 0xffff). */
	if (isw_cksum(buf, len) != 0 && !(inc == 0 && full == 0xffff))
		fail_msg("incremental checksum %04x does not verify (full %04x)", stored(inc),
		         stored(full));
	if (inc != full && !oc_equal(inc, full))
		fail_msg("incremental %04x != full %04x", stored(inc), stored(full));
	if (inc != full) {
		/* Only the all-zero case may differ, and only as 0x0000 vs 0xffff. */
		int all_zero = 1;

		for (size_t i = 0; i < len; i++)
			all_zero &= i == csum_off || i == csum_off + 1 || buf[i] == 0;
		if (!all_zero)
			fail_msg("incremental %04x != full %04x on non-zero data", stored(inc),
			         stored(full));
	}
}

static void test_update_random(void **state __attribute__((unused)))
{
	uint8_t buf[64];

	for (int iter = 0; iter < 100000; iter++) {
		size_t len = 4 + 2 * (rng() % 29), woff[4];
		uint16_t neww[4];
		int n = 1 + (int)(rng() % 4);
		size_t csum_off = 2 * (rng() % (len / 2));

		fill_random(buf, len);
		if (n > (int)(len / 2) - 1)
			n = (int)(len / 2) - 1;
		for (int k = 0; k < n; k++) {
			int dup;

			/* Distinct words, none of them the checksum. */
			do {
				woff[k] = 2 * (rng() % (len / 2));
				dup = woff[k] == csum_off;
				for (int j = 0; j < k; j++)
					dup |= woff[j] == woff[k];
			} while (dup);
			/* Bias towards extreme words. */
			switch (rng() % 4) {
			case 0:
				neww[k] = 0;
				break;
			case 1:
				neww[k] = 0xffff;
				break;
			default:
				neww[k] = (uint16_t)rng();
			}
		}
		update_case(buf, len, csum_off, woff, neww, n);
	}
}

static void test_update_edge_results(void **state __attribute__((unused)))
{
	/* Make the new data sum to 0xffff (ones'-complement -0): the checksum is 0x0000. */
	uint8_t buf[8] = {0x12, 0x34, 0, 0, 0x00, 0x00, 0x00, 0x00};
	size_t w[2] = {4, 6};
	uint16_t v[2] = {0xedcb, 0x0000}; /* 0x1234 + 0xedcb = 0xffff */

	update_case(buf, sizeof(buf), 2, w, v, 2);
	/* Make everything zero: full computation gives 0xffff, eqn. 3 gives 0x0000. */
	{
		uint8_t z[8] = {0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78};
		uint16_t zv[2] = {0, 0};

		update_case(z, sizeof(z), 2, w, zv, 2);
	}
	/* From all zero to something. */
	{
		uint8_t z[8] = {0};
		uint16_t nv[2] = {0xffff, 0x0001};

		update_case(z, sizeof(z), 2, w, nv, 2);
	}
	/* Old words 0xffff replaced by 0x0000 and back. */
	{
		uint8_t b[8] = {0xab, 0xcd, 0, 0, 0xff, 0xff, 0xff, 0xff};
		uint16_t nv[2] = {0, 0};
		uint16_t back[2] = {0xffff, 0xffff};

		update_case(b, sizeof(b), 2, w, nv, 2);
		update_case(b, sizeof(b), 2, w, back, 2);
	}
	/* Exhaustive over one changed word next to one fixed word, old and new in a grid
	 * including every boundary value. */
	{
		static const uint16_t vals[] = {0x0000, 0x0001, 0x7fff, 0x8000, 0xfffe, 0xffff,
		                                0x1234, 0xedcb, 0xedcc, 0x00ff, 0xff00};
		size_t nv = sizeof(vals) / sizeof(vals[0]);

		for (size_t a = 0; a < nv; a++)
			for (size_t o = 0; o < nv; o++)
				for (size_t n = 0; n < nv; n++) {
					uint8_t b[6] = {
					    (uint8_t)(vals[a] >> 8), (uint8_t)vals[a], 0, 0,
					    (uint8_t)(vals[o] >> 8), (uint8_t)vals[o]};
					size_t wo[1] = {4};
					uint16_t nw[1] = {vals[n]};

					update_case(b, sizeof(b), 2, wo, nw, 1);
				}
	}
}

static void test_rfc1624_example(void **state __attribute__((unused)))
{
	/* RFC 1624 section 4: the other octets sum to 0xcd7a, m = 0x5555 becomes m' = 0x3285;
	 * the new checksum is 0x0000, where eqn. 2 would wrongly give 0xffff. */
	uint8_t b[6] = {0xcd, 0x7a, 0, 0, 0x55, 0x55};
	uint16_t hc, inc;
	uint32_t old_sum, new_sum;

	hc = isw_cksum(b, sizeof(b));
	assert_int_equal(stored(hc), 0xdd2f);
	memcpy(b + 2, &hc, 2);
	old_sum = isw_cksum_partial(b + 4, 2, 0);
	b[4] = 0x32;
	b[5] = 0x85;
	new_sum = isw_cksum_partial(b + 4, 2, 0);
	inc = isw_cksum_update(hc, old_sum, new_sum);
	assert_int_equal(stored(inc), 0x0000);
	memset(b + 2, 0, 2);
	assert_int_equal(stored(isw_cksum(b, sizeof(b))), 0x0000);
}

static void test_update_chain(void **state __attribute__((unused)))
{
	/* Many successive incremental updates never drift from a full computation. */
	uint8_t buf[40];
	uint16_t hc;

	fill_random(buf, sizeof(buf));
	memset(buf + 10, 0, 2);
	hc = isw_cksum(buf, sizeof(buf));
	memcpy(buf + 10, &hc, 2);
	for (int iter = 0; iter < 100000; iter++) {
		size_t off = 2 * (rng() % 20);
		uint32_t old_sum, new_sum;
		uint16_t w = (uint16_t)rng(), full;

		if (off == 10)
			continue;
		old_sum = isw_cksum_partial(buf + off, 2, 0);
		memcpy(buf + off, &w, 2);
		new_sum = isw_cksum_partial(buf + off, 2, 0);
		memcpy(&hc, buf + 10, 2);
		hc = isw_cksum_update(hc, old_sum, new_sum);
		memcpy(buf + 10, &hc, 2);
		assert_int_equal(isw_cksum(buf, sizeof(buf)), 0);
		memset(buf + 10, 0, 2);
		full = isw_cksum(buf, sizeof(buf));
		memcpy(buf + 10, &hc, 2);
		if (!oc_equal(full, hc))
			fail_msg("iteration %d: incremental %04x, full %04x", iter, stored(hc),
			         stored(full));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_vector),           cmocka_unit_test(test_rfc1071_example),
	    cmocka_unit_test(test_small_and_edge_buffers), cmocka_unit_test(test_random_buffers),
	    cmocka_unit_test(test_partial_chaining),       cmocka_unit_test(test_update_random),
	    cmocka_unit_test(test_update_edge_results),    cmocka_unit_test(test_rfc1624_example),
	    cmocka_unit_test(test_update_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
