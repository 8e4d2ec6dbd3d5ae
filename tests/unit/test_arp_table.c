/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/lan/arp-table.c and the rules of arp-view.c it applies: the offline ARP
 * store keeps the first MAC of an address, flags a second one as a conflict, flags MACs that
 * answer for several addresses, and grows without losing entries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "arp-table.h"

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0xa};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0xb};

static uint64_t flags_of(const struct isw_arp_table *t, uint32_t addr)
{
	return atomic_load(&isw_arp_table_find(t, addr)->word) &
	       (ISW_ARP_CONFLICT | ISW_ARP_SHARED);
}

static void mark_shared(struct isw_arp_table *t)
{
	struct isw_arp_view v = isw_arp_table_view(t, NULL);
	isw_arp_view_mark_shared(&v);
}

static void test_learn_and_conflict(void **state)
{
	struct isw_arp_table t = {0};
	struct isw_arp_entry *e;
	uint8_t m[6];

	assert_int_equal(isw_arp_table_learn(&t, 0xc6120001, mac_a, 100), ISW_ARP_LEARNT_HOST);
	assert_int_equal(isw_arp_table_learn(&t, 0xc6120001, mac_a, 200), 0); /* a repeat */
	e = isw_arp_table_find(&t, 0xc6120001);
	assert_non_null(e);
	assert_int_equal(e->ts_us, 100);
	assert_int_equal(flags_of(&t, 0xc6120001), 0);
	assert_int_equal(isw_arp_table_learn(&t, 0xc6120001, mac_b, 300), ISW_ARP_LEARNT_CONFLICT);
	assert_int_equal(flags_of(&t, 0xc6120001), ISW_ARP_CONFLICT);
	assert_int_equal(isw_arp_table_learn(&t, 0xc6120001, mac_b, 400), 0); /* flagged once */
	isw_arp_mac_bytes(atomic_load(&e->word) & ISW_ARP_MAC_BITS, m);
	assert_memory_equal(m, mac_a, 6); /* the first MAC stays */
	assert_null(isw_arp_table_find(&t, 0xc6120002));
	isw_arp_table_free(&t);
}

static void test_shared(void **state)
{
	struct isw_arp_table t = {0};

	isw_arp_table_learn(&t, 1, mac_a, 0);
	isw_arp_table_learn(&t, 2, mac_a, 0);
	isw_arp_table_learn(&t, 3, mac_b, 0);
	mark_shared(&t);
	assert_int_equal(flags_of(&t, 1), ISW_ARP_SHARED);
	assert_int_equal(flags_of(&t, 2), ISW_ARP_SHARED);
	assert_int_equal(flags_of(&t, 3), 0);
	isw_arp_table_free(&t);
}

static void test_grows(void **state)
{
	struct isw_arp_table t = {0};
	uint8_t m[6] = {0x02, 0, 0, 0, 0, 0};

	for (uint32_t a = 0; a < 5000; a++) {
		m[4] = (uint8_t)(a >> 8);
		m[5] = (uint8_t)a;
		m[3] = 1;
		assert_int_equal(isw_arp_table_learn(&t, 0xc6120000 + a * 7, m, a),
		                 ISW_ARP_LEARNT_HOST);
	}
	assert_int_equal(isw_arp_table_count(&t), 5000);
	assert_true(t.map.cap >= 10000);
	for (uint32_t a = 0; a < 5000; a++) {
		struct isw_arp_entry *e = isw_arp_table_find(&t, 0xc6120000 + a * 7);
		assert_non_null(e);
		assert_int_equal(e->ts_us, a);
	}
	mark_shared(&t); /* 5,000 distinct MACs: none shared */
	for (uint32_t a = 0; a < 5000; a++)
		assert_int_equal(atomic_load(&isw_arp_table_find(&t, 0xc6120000 + a * 7)->word) &
		                     ISW_ARP_SHARED,
		                 0);
	isw_arp_table_free(&t);
}

/* MAC 0 is no answer: nothing is learnt from it. */
static void test_zero_mac_ignored(void **state)
{
	struct isw_arp_table t = {0};
	const uint8_t zero[6] = {0};

	assert_int_equal(isw_arp_table_learn(&t, 5, zero, 0), 0);
	assert_null(isw_arp_table_find(&t, 5));
	isw_arp_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_learn_and_conflict),
	    cmocka_unit_test(test_shared),
	    cmocka_unit_test(test_grows),
	    cmocka_unit_test(test_zero_mac_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
