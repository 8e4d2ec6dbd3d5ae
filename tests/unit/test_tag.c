/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/packet/tag.c: keyed probe tags, payload round trip and rejection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tag.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

#define TARGET  IP(198, 18, 7, 9)
#define SEND_NS UINT64_C(1700000000123456789)

static struct isw_tag_key key_for(uint64_t seed)
{
	struct isw_tag_key k;

	memset(&k, 0xaa, sizeof(k));
	isw_tag_key_init(&k, seed);
	return k;
}

static int check(const struct isw_tag_key *k, const uint8_t *payload, uint32_t addr)
{
	uint8_t probe = 0xee;
	uint64_t t = 0xeeee;
	int ok = isw_tag_check_payload(k, payload, addr, &probe, &t);

	if (!ok) {
		/* A rejected payload leaves the outputs alone. */
		assert_int_equal(probe, 0xee);
		assert_true(t == 0xeeee);
	}
	return ok;
}

static void test_round_trip(void **state __attribute__((unused)))
{
	struct isw_tag_key k = key_for(1234);
	const uint32_t addrs[] = {TARGET, 0, 0xffffffff, IP(10, 0, 0, 1)};
	const uint8_t probes[] = {1, 2, 255, 0};
	const uint64_t times[] = {SEND_NS, 0, 1, UINT64_MAX};

	for (size_t a = 0; a < 4; a++)
		for (size_t p = 0; p < 4; p++)
			for (size_t t = 0; t < 4; t++) {
				uint8_t payload[ISW_PAYLOAD_LEN];
				uint8_t probe = 0;
				uint64_t ns = 0;

				memset(payload, 0x55, sizeof(payload));
				isw_tag_fill_payload(&k, payload, addrs[a], probes[p], times[t]);
				assert_int_equal(
				    isw_tag_check_payload(&k, payload, addrs[a], &probe, &ns), 1);
				assert_int_equal(probe, probes[p]);
				assert_true(ns == times[t]);
			}
}

static void test_payload_layout(void **state __attribute__((unused)))
{
	struct isw_tag_key k = key_for(1);
	uint8_t payload[ISW_PAYLOAD_LEN];
	uint32_t tag = isw_tag_payload(&k, TARGET, 3, SEND_NS);

	memset(payload, 0x55, sizeof(payload));
	isw_tag_fill_payload(&k, payload, TARGET, 3, SEND_NS);
	for (int i = 0; i < 8; i++)
		assert_int_equal(payload[ISW_PAYLOAD_OFF_TIME + i],
		                 (uint8_t)(SEND_NS >> (56 - 8 * i)));
	assert_int_equal(payload[ISW_PAYLOAD_OFF_PROBE], 3);
	assert_int_equal(payload[ISW_PAYLOAD_OFF_FORMAT], ISW_PAYLOAD_FORMAT);
	assert_int_equal(payload[10], 0);
	assert_int_equal(payload[11], 0);
	assert_int_equal(payload[ISW_PAYLOAD_OFF_TAG], (uint8_t)(tag >> 24));
	assert_int_equal(payload[ISW_PAYLOAD_OFF_TAG + 1], (uint8_t)(tag >> 16));
	assert_int_equal(payload[ISW_PAYLOAD_OFF_TAG + 2], (uint8_t)(tag >> 8));
	assert_int_equal(payload[ISW_PAYLOAD_OFF_TAG + 3], (uint8_t)tag);
}

static void test_wrong_key(void **state __attribute__((unused)))
{
	struct isw_tag_key k = key_for(1), other = key_for(2);
	uint8_t payload[ISW_PAYLOAD_LEN];

	for (uint8_t probe = 1; probe <= 50; probe++) {
		isw_tag_fill_payload(&k, payload, TARGET, probe, SEND_NS + probe);
		assert_int_equal(check(&k, payload, TARGET), 1);
		assert_int_equal(check(&other, payload, TARGET), 0);
	}
}

static void test_wrong_address(void **state __attribute__((unused)))
{
	struct isw_tag_key k = key_for(1);
	uint8_t payload[ISW_PAYLOAD_LEN];

	isw_tag_fill_payload(&k, payload, TARGET, 1, SEND_NS);
	assert_int_equal(check(&k, payload, TARGET), 1);
	assert_int_equal(check(&k, payload, TARGET + 1), 0);
	assert_int_equal(check(&k, payload, TARGET - 1), 0);
	assert_int_equal(check(&k, payload, TARGET ^ 0x80000000u), 0);
	assert_int_equal(check(&k, payload, 0), 0);
	for (int bit = 0; bit < 32; bit++)
		assert_int_equal(check(&k, payload, TARGET ^ (1u << bit)), 0);
}

/* Flipping any bit of the authenticated fields (time, attempt, format, tag) is caught. */
static void test_flipped_bits_authenticated(void **state __attribute__((unused)))
{
	struct isw_tag_key k = key_for(77);
	uint8_t payload[ISW_PAYLOAD_LEN];

	isw_tag_fill_payload(&k, payload, TARGET, 2, SEND_NS);
	assert_int_equal(check(&k, payload, TARGET), 1);
	for (int byte = 0; byte < ISW_PAYLOAD_LEN; byte++) {
		if (byte == 10 || byte == 11)
			continue; /* reserved bytes: see test_flipped_bits_reserved */
		for (int bit = 0; bit < 8; bit++) {
			uint8_t bad[ISW_PAYLOAD_LEN];

			memcpy(bad, payload, sizeof(bad));
			bad[byte] ^= (uint8_t)(1u << bit);
			if (check(&k, bad, TARGET))
				fail_msg("payload with byte %d bit %d flipped was accepted", byte,
				         bit);
		}
	}
}

/* Regression (engine/packet/tag.c isw_tag_check_payload): bytes 10 and 11 of the payload are
 * written as zero and not covered by the payload tag, so check_payload must reject non-zero
 * values there or an altered reply would validate. */
static void test_flipped_bits_reserved(void **state __attribute__((unused)))
{
	struct isw_tag_key k = key_for(77);
	uint8_t payload[ISW_PAYLOAD_LEN];

	isw_tag_fill_payload(&k, payload, TARGET, 2, SEND_NS);
	for (int byte = 10; byte <= 11; byte++)
		for (int bit = 0; bit < 8; bit++) {
			uint8_t bad[ISW_PAYLOAD_LEN];

			memcpy(bad, payload, sizeof(bad));
			bad[byte] ^= (uint8_t)(1u << bit);
			if (check(&k, bad, TARGET))
				fail_msg("payload with reserved byte %d bit %d flipped was "
				         "accepted (bytes 10-11 are not authenticated)",
				         byte, bit);
		}
}

static void test_format_byte(void **state __attribute__((unused)))
{
	struct isw_tag_key k = key_for(5);
	uint8_t payload[ISW_PAYLOAD_LEN];

	isw_tag_fill_payload(&k, payload, TARGET, 1, SEND_NS);
	for (int f = 0; f < 256; f++) {
		uint8_t bad[ISW_PAYLOAD_LEN];

		if (f == ISW_PAYLOAD_FORMAT)
			continue;
		memcpy(bad, payload, sizeof(bad));
		bad[ISW_PAYLOAD_OFF_FORMAT] = (uint8_t)f;
		assert_int_equal(check(&k, bad, TARGET), 0);
	}
}

static void test_forged_fields(void **state __attribute__((unused)))
{
	/* Changing the attempt or the time, even keeping the tag, does not validate. */
	struct isw_tag_key k = key_for(5);
	uint8_t payload[ISW_PAYLOAD_LEN], bad[ISW_PAYLOAD_LEN];

	isw_tag_fill_payload(&k, payload, TARGET, 1, SEND_NS);
	memcpy(bad, payload, sizeof(bad));
	bad[ISW_PAYLOAD_OFF_PROBE] = 2;
	assert_int_equal(check(&k, bad, TARGET), 0);
	memcpy(bad, payload, sizeof(bad));
	bad[ISW_PAYLOAD_OFF_TIME + 7] += 1;
	assert_int_equal(check(&k, bad, TARGET), 0);
	/* A tag computed for another attempt of the same target is not reusable. */
	isw_tag_fill_payload(&k, bad, TARGET, 2, SEND_NS);
	memcpy(bad + ISW_PAYLOAD_OFF_TAG, payload + ISW_PAYLOAD_OFF_TAG, 4);
	assert_int_equal(check(&k, bad, TARGET), 0);
	/* All zeros and all ones are not valid payloads. */
	memset(bad, 0, sizeof(bad));
	assert_int_equal(check(&k, bad, TARGET), 0);
	memset(bad, 0xff, sizeof(bad));
	assert_int_equal(check(&k, bad, TARGET), 0);
}

static void test_payload_tag_inputs(void **state __attribute__((unused)))
{
	struct isw_tag_key k = key_for(9);
	uint32_t t = isw_tag_payload(&k, TARGET, 1, SEND_NS);

	assert_int_equal(isw_tag_payload(&k, TARGET, 1, SEND_NS), t);
	assert_int_not_equal(isw_tag_payload(&k, TARGET + 1, 1, SEND_NS), t);
	assert_int_not_equal(isw_tag_payload(&k, TARGET, 2, SEND_NS), t);
	assert_int_not_equal(isw_tag_payload(&k, TARGET, 1, SEND_NS + 1), t);
	/* Not the destination tag with another name. */
	assert_int_not_equal(isw_tag_dst(&k, TARGET), t);
}

static void test_dst_tag(void **state __attribute__((unused)))
{
	struct isw_tag_key k1 = key_for(1), k2 = key_for(2);
	uint32_t tags[4096];
	unsigned same_seed_collisions = 0, cross = 0;

	for (uint32_t i = 0; i < 4096; i++) {
		tags[i] = isw_tag_dst(&k1, IP(198, 18, 0, 0) + i);
		assert_int_equal(isw_tag_dst(&k1, IP(198, 18, 0, 0) + i), tags[i]);
		cross += isw_tag_dst(&k2, IP(198, 18, 0, 0) + i) == tags[i];
	}
	for (uint32_t i = 0; i < 4096; i++)
		for (uint32_t j = i + 1; j < 4096; j++)
			same_seed_collisions += tags[i] == tags[j];
	/* 32-bit tags: ~0.002 collisions expected among 4096 addresses. */
	assert_true(same_seed_collisions <= 1);
	assert_true(cross <= 1);
	assert_int_not_equal(isw_tag_dst(&k1, 0), isw_tag_dst(&k2, 0));
	/* Neighbouring addresses differ in about half the tag bits, not a few. */
	{
		unsigned bits = 0;

		for (uint32_t i = 0; i < 1000; i++)
			bits += (unsigned)__builtin_popcount(isw_tag_dst(&k1, TARGET + i) ^
			                                     isw_tag_dst(&k1, TARGET + i + 1));
		assert_true(bits > 1000 * 12 && bits < 1000 * 20);
	}
}

static void test_key_derivation(void **state __attribute__((unused)))
{
	uint8_t a[ISW_TAG_KEY_LEN], b[ISW_TAG_KEY_LEN], c[ISW_TAG_KEY_LEN];
	struct isw_tag_key k1 = key_for(42), k2 = key_for(42), k3 = key_for(43);
	static const uint8_t zero[ISW_TAG_KEY_LEN];

	assert_memory_equal(k1.k, k2.k, ISW_TAG_KEY_LEN);
	assert_memory_not_equal(k1.k, k3.k, ISW_TAG_KEY_LEN);
	assert_memory_not_equal(k1.k, zero, ISW_TAG_KEY_LEN);
	/* The probe key is the "probe-mac" derivation. */
	isw_key_derive(42, "probe-mac", a);
	assert_memory_equal(a, k1.k, ISW_TAG_KEY_LEN);

	isw_key_derive(42, "perm-0", a);
	isw_key_derive(42, "perm-0", b);
	isw_key_derive(42, "perm-1", c);
	assert_memory_equal(a, b, ISW_TAG_KEY_LEN);
	assert_memory_not_equal(a, c, ISW_TAG_KEY_LEN);
	/* Both halves depend on the seed and on the label. */
	isw_key_derive(43, "perm-0", b);
	assert_memory_not_equal(a, b, 8);
	assert_memory_not_equal(a + 8, b + 8, 8);
	assert_memory_not_equal(a, c, 8);
	assert_memory_not_equal(a + 8, c + 8, 8);
	/* Seeds that differ only in high bits give different keys. */
	isw_key_derive(UINT64_C(1) << 63, "probe-mac", a);
	isw_key_derive(0, "probe-mac", b);
	assert_memory_not_equal(a, b, ISW_TAG_KEY_LEN);
	/* Many seeds, no two keys alike. */
	{
		static uint8_t keys[1000][ISW_TAG_KEY_LEN];

		for (uint64_t s = 0; s < 1000; s++)
			isw_key_derive(s, "probe-mac", keys[s]);
		for (int i = 0; i < 1000; i++)
			for (int j = i + 1; j < 1000; j++)
				assert_true(memcmp(keys[i], keys[j], ISW_TAG_KEY_LEN) != 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_payload_layout),
	    cmocka_unit_test(test_wrong_key),
	    cmocka_unit_test(test_wrong_address),
	    cmocka_unit_test(test_flipped_bits_authenticated),
	    cmocka_unit_test(test_flipped_bits_reserved),
	    cmocka_unit_test(test_format_byte),
	    cmocka_unit_test(test_forged_fields),
	    cmocka_unit_test(test_payload_tag_inputs),
	    cmocka_unit_test(test_dst_tag),
	    cmocka_unit_test(test_key_derivation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
