/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/core/addr-map.c and the address helpers of include/icmpsweep/addr.h: keys
 * of both families stay apart, values survive growth, probing finds every key among colliding
 * neighbours, iteration visits each entry once, and the text forms are the usual ones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addr-map.h"

struct val {
	uint64_t n;
	uint32_t tag;
};

static struct isw_addr v6(uint16_t first, uint64_t low)
{
	uint8_t b[16] = {(uint8_t)(first >> 8), (uint8_t)first, 0x0d, 0xb8};

	for (int i = 15; i >= 8; i--, low >>= 8)
		b[i] = (uint8_t)low;
	return isw_addr_from_v6(b);
}

static void test_insert_find(void **state)
{
	struct isw_addr_map m;
	struct isw_addr a = isw_addr_from_v4(0xc6120001), b = isw_addr_from_v4(0xc6120002);
	struct val *v;
	int created;

	assert_int_equal(isw_addr_map_init(&m, sizeof(struct val), 4), 0);
	assert_null(isw_addr_map_find(&m, &a));
	v = isw_addr_map_insert(&m, &a, &created);
	assert_non_null(v);
	assert_int_equal(created, 1);
	assert_int_equal(v->n, 0); /* new values are zeroed */
	v->n = 42;
	v = isw_addr_map_insert(&m, &a, &created);
	assert_int_equal(created, 0);
	assert_int_equal(v->n, 42);
	assert_ptr_equal(isw_addr_map_find(&m, &a), v);
	assert_null(isw_addr_map_find(&m, &b));
	assert_int_equal(isw_addr_map_count(&m), 1);
	isw_addr_map_free(&m);
	assert_null(isw_addr_map_find(&m, &a)); /* a freed map is empty */
}

/* An IPv4 address and the IPv6 address whose first bytes match it are different keys. */
static void test_families_apart(void **state)
{
	struct isw_addr_map m;
	struct isw_addr a4 = isw_addr_from_v4(0x01020304), none = {0};
	uint8_t b[16] = {1, 2, 3, 4};
	struct isw_addr a6 = isw_addr_from_v6(b);
	uint32_t *v;
	int created;

	assert_int_equal(isw_addr_map_init(&m, sizeof(uint32_t), 0), 0);
	v = isw_addr_map_insert(&m, &a4, &created);
	*v = 4;
	v = isw_addr_map_insert(&m, &a6, &created);
	assert_int_equal(created, 1);
	*v = 6;
	assert_int_equal(*(uint32_t *)isw_addr_map_find(&m, &a4), 4);
	assert_int_equal(*(uint32_t *)isw_addr_map_find(&m, &a6), 6);
	assert_int_equal(isw_addr_map_count(&m), 2);
	/* Family 0 marks an empty slot: no such key goes in. */
	assert_null(isw_addr_map_insert(&m, &none, &created));
	assert_int_equal(created, 0);
	assert_int_equal(isw_addr_map_count(&m), 2);
	isw_addr_map_free(&m);
}

/* Keys that weak hashes send to the same slot: multiples of large powers of two (whose low
 * bits are zero), and IPv6 addresses that differ only in their first or last byte.  A map
 * started small grows many times over them; every key keeps its value and an absent key is
 * never found. */
static void test_collisions_and_growth(void **state)
{
	struct isw_addr_map m;
	const size_t n = 3 * 4096;
	struct val *v;
	int created;

	assert_int_equal(isw_addr_map_init(&m, sizeof(struct val), 1), 0);
	for (size_t i = 0; i < n; i++) {
		struct isw_addr k = i % 3 == 0   ? isw_addr_from_v4((uint32_t)(i / 3) << 20)
		                    : i % 3 == 1 ? v6(0x2001, i / 3)
		                                 : v6((uint16_t)(0x2002 + i / 3), 0);
		v = isw_addr_map_insert(&m, &k, &created);
		assert_non_null(v);
		assert_int_equal(created, 1);
		v->n = i;
		v->tag = (uint32_t)~i;
	}
	assert_int_equal(isw_addr_map_count(&m), n);
	assert_true(m.cap >= 2 * n && (m.cap & (m.cap - 1)) == 0);
	for (size_t i = 0; i < n; i++) {
		struct isw_addr k = i % 3 == 0   ? isw_addr_from_v4((uint32_t)(i / 3) << 20)
		                    : i % 3 == 1 ? v6(0x2001, i / 3)
		                                 : v6((uint16_t)(0x2002 + i / 3), 0);
		v = isw_addr_map_find(&m, &k);
		assert_non_null(v);
		assert_int_equal(v->n, i);
		assert_int_equal(v->tag, (uint32_t)~i);
	}
	for (uint32_t i = 0; i < 4096; i++) {
		struct isw_addr k = isw_addr_from_v4(i << 20 | 1);
		assert_null(isw_addr_map_find(&m, &k));
		k = v6(0x2001, 4096 + i);
		assert_null(isw_addr_map_find(&m, &k));
	}
	isw_addr_map_free(&m);
}

/* A sweep's worth of neighbouring IPv4 addresses, as a set (no value), then walked. */
static void test_many_keys_and_walk(void **state)
{
	struct isw_addr_map m;
	const uint32_t base = 0xc6120000, n = 200000;
	unsigned char *seen = calloc(n, 1);
	const struct isw_addr *key;
	size_t pos = 0, walked = 0;
	int created;

	assert_non_null(seen);
	assert_int_equal(isw_addr_map_init(&m, 0, 1024), 0);
	for (uint32_t i = 0; i < n; i++) {
		struct isw_addr k = isw_addr_from_v4(base + i);
		assert_non_null(isw_addr_map_insert(&m, &k, &created));
		assert_int_equal(created, 1);
	}
	for (uint32_t i = 0; i < n; i += 997) {
		struct isw_addr k = isw_addr_from_v4(base + i);
		assert_non_null(isw_addr_map_insert(&m, &k, &created));
		assert_int_equal(created, 0);
	}
	assert_int_equal(isw_addr_map_count(&m), n);
	while (isw_addr_map_next(&m, &pos, &key)) {
		uint32_t a;

		assert_true(isw_addr_is_v4(key));
		a = isw_addr_v4(key);
		assert_true(a >= base && a - base < n);
		assert_int_equal(seen[a - base], 0);
		seen[a - base] = 1;
		walked++;
	}
	assert_int_equal(walked, n);
	assert_null(isw_addr_map_next(&m, &pos, &key)); /* stays at the end */
	free(seen);
	isw_addr_map_free(&m);
}

static void test_addr_helpers(void **state)
{
	char buf[ISW_ADDR_TEXT_MAX];
	struct isw_addr a = isw_addr_from_v4(0xc0000201), b = v6(0x2001, 1), none = {0};
	struct isw_addr a2 = isw_addr_from_v4(0xc0000201);

	assert_true(isw_addr_is_v4(&a));
	assert_false(isw_addr_is_v4(&b));
	assert_int_equal(isw_addr_v4(&a), 0xc0000201);
	assert_int_equal(a.bytes[0], 192); /* network order */
	assert_true(isw_addr_equal(&a, &a2));
	assert_false(isw_addr_equal(&a, &b));
	assert_string_equal(isw_addr_str(0xc0000201, buf), "192.0.2.1");
	assert_string_equal(isw_addr_str(0xffffffff, buf), "255.255.255.255");
	assert_string_equal(isw_addr_format(&a, buf), "192.0.2.1");
	assert_string_equal(isw_addr_format(&b, buf), "2001:db8::1");
	assert_string_equal(isw_addr_format(&none, buf), "?");
}

static void test_addr_parse(void **state)
{
	struct isw_addr a, b;
	char buf[ISW_ADDR_SCOPED_MAX];
	uint32_t scope = 99;

	(void)state;
	assert_int_equal(isw_addr_parse("198.18.0.1", &a, &scope), 0);
	assert_true(isw_addr_is_v4(&a));
	assert_int_equal(isw_addr_v4(&a), 0xc6120001);
	assert_int_equal(scope, 0);
	/* The mapped spelling is the same IPv4 address, not a second key. */
	assert_int_equal(isw_addr_parse("::ffff:198.18.0.1", &b, NULL), 0);
	assert_true(isw_addr_equal(&a, &b));

	assert_int_equal(isw_addr_parse("2001:DB8:0:0::1", &a, NULL), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_string_equal(isw_addr_format(&a, buf), "2001:db8::1");
	assert_false(isw_addr_is_link_local(&a));

	/* Scopes: the loopback's name and a bare index; refused where none may be given. */
	assert_int_equal(isw_addr_parse("fe80::1%lo", &a, &scope), 0);
	assert_int_equal(scope, 1);
	assert_true(isw_addr_is_link_local(&a));
	assert_string_equal(isw_addr_format_scoped(&a, scope, buf), "fe80::1%lo");
	assert_int_equal(isw_addr_parse("fe80::1%7", &a, &scope), 0);
	assert_int_equal(scope, 7);
	assert_int_equal(isw_addr_parse("fe80::1%lo", &a, NULL), -EINVAL);
	assert_int_equal(isw_addr_parse("fe80::1%", &a, &scope), -EINVAL);
	assert_int_equal(isw_addr_parse("fe80::1%no-such-if0", &a, &scope), -EINVAL);
	assert_int_equal(isw_addr_parse("198.18.0.1%lo", &a, &scope), -EINVAL);
	/* A global address shows no scope even when it has one. */
	assert_int_equal(isw_addr_parse("2001:db8::1", &a, NULL), 0);
	assert_string_equal(isw_addr_format_scoped(&a, 1, buf), "2001:db8::1");

	assert_int_equal(isw_addr_parse("2001:db8::1::2", &a, NULL), -EINVAL);
	assert_int_equal(isw_addr_parse("198.18.0.256", &a, NULL), -EINVAL);
	assert_int_equal(isw_addr_parse("", &a, NULL), -EINVAL);
	assert_int_equal(isw_addr_parse("2001:db8:0000:0000:0000:0000:0000:0000:1", &a, NULL),
	                 -EINVAL);
}

static void test_addr_order_and_hash(void **state)
{
	struct isw_addr v4a = isw_addr_from_v4(0xc6120001), v4b = isw_addr_from_v4(0xc6120002);
	struct isw_addr x = v6(0x2001, 1), y = v6(0x2001, 2), z = v6(0x2002, 0);

	(void)state;
	assert_true(isw_addr_cmp(&v4a, &v4b) < 0);
	assert_true(isw_addr_cmp(&v4b, &x) < 0); /* IPv4 first */
	assert_true(isw_addr_cmp(&x, &v4a) > 0);
	assert_true(isw_addr_cmp(&x, &y) < 0);
	assert_true(isw_addr_cmp(&y, &z) < 0);
	assert_int_equal(isw_addr_cmp(&y, &y), 0);
	assert_true(isw_addr_hash(&x) != isw_addr_hash(&y));
	assert_true(isw_addr_hash(&v4a) != isw_addr_hash(&v4b));
	/* The family is part of the key: 198.18.0.1 and c612:1:: hash apart. */
	uint8_t b[16] = {0xc6, 0x12, 0x00, 0x01};
	struct isw_addr same_bytes = isw_addr_from_v6(b);
	assert_true(isw_addr_hash(&v4a) != isw_addr_hash(&same_bytes));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_insert_find),           cmocka_unit_test(test_families_apart),
	    cmocka_unit_test(test_collisions_and_growth), cmocka_unit_test(test_many_keys_and_walk),
	    cmocka_unit_test(test_addr_helpers),          cmocka_unit_test(test_addr_parse),
	    cmocka_unit_test(test_addr_order_and_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
