/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/scan/report.c, the one reporting path: the same ARP replies and answers,
 * fed once through the live setup (lan.c's per-on-link-target words, dedupe by target index)
 * and once through the offline one (arp-table.c keyed by address, dedupe by address), give
 * the same results: one per address and kind, MAC, vendor and conflict or shared-MAC notes,
 * and arp-only once for the hosts that answered ARP but never echo. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "arp-table.h"
#include "lan.h"
#include "oui.h"
#include "report.h"

#define A(d)       ((uint32_t)198 << 24 | (uint32_t)18 << 16 | (d))
#define SRC        A(1)
#define MAX_RESULT 32

static const uint8_t src_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a}; /* the test vendor's */
static const uint8_t mac_b[6] = {0x06, 0, 0, 0, 0, 0x0b};
static const uint8_t mac_c[6] = {0x06, 0, 0, 0, 0, 0x0c};
static const uint8_t mac_d[6] = {0x06, 0, 0, 0, 0, 0x0d};
static const uint8_t mac_e[6] = {0x06, 0, 0, 0, 0, 0x0e};
static const uint8_t mac_f[6] = {0x06, 0, 0, 0, 0, 0x0f};
static const uint8_t mac_0[6] = {0};

/* The ARP replies of the scenario, in arrival order. */
static const struct {
	uint32_t addr;
	const uint8_t *mac;
} replies[] = {
    {A(2), mac_a}, {A(3), mac_b}, {A(3), mac_c}, {A(3), mac_b}, /* a conflict: two MACs claim .3 */
    {A(4), mac_d}, {A(5), mac_d}, /* one MAC for two addresses: shared */
    {A(6), mac_e},                /* never answers echo: arp-only */
    {A(7), mac_f},                /* only an ICMP error: arp-only too */
    {A(8), mac_0},                /* MAC 0 teaches nothing */
    {A(9), mac_a},                /* .9's MAC is .2's too: both shared, though .9 answers nothing */
};

/* The answers of the scenario, in arrival order, with whether each is a duplicate. */
static const struct {
	uint32_t addr;
	int error;
	int duplicate;
} answers[] = {
    {A(2), 0, 0}, {A(2), 0, 1}, {A(3), 0, 0},  {A(7), 1, 0},  {A(7), 1, 1},
    {A(4), 0, 0}, {A(5), 0, 0}, {A(10), 0, 0}, {A(10), 1, 0}, /* .10: no ARP; both kinds */
    {A(8), 0, 0},
};

struct collected {
	struct isw_result r[MAX_RESULT];
	size_t n;
};

static void collect(const struct isw_result *r, void *arg)
{
	struct collected *c = arg;

	assert_true(c->n < MAX_RESULT);
	c->r[c->n++] = *r;
}

static struct isw_oui *test_oui(void)
{
	char path[] = "/tmp/test_report_oui_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct isw_oui *o;

	assert_non_null(f);
	fputs("02-00-00   (hex)\t\tTest Vendor\n", f);
	fclose(f);
	o = isw_oui_load(path);
	unlink(path);
	assert_non_null(o);
	return o;
}

/* Answers the scenario's answers through rep, checking each verdict. */
static void feed_answers(struct isw_report *rep, const isw_targets *t)
{
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		struct isw_result r = {0};

		r.addr = r.responder = isw_addr_from_v4(answers[i].addr);
		r.type = answers[i].error ? ISW_RESULT_UNREACHABLE : ISW_RESULT_ECHO_REPLY;
		r.rtt_ms = 1.5;
		r.ts_us = 1000 + (int64_t)i;
		assert_int_equal(
		    isw_report_answer(rep, &r, t ? isw_targets_index_addr(t, &r.addr) : -1),
		    answers[i].duplicate ? ISW_REPORT_DUPLICATE : ISW_REPORT_NEW);
	}
}

struct counts {
	atomic_uint_least64_t hits, icmp_errors, duplicates, arp_only, ndp_only;
};

static struct isw_report_counters counters(struct counts *c)
{
	memset(c, 0, sizeof(*c));
	return (struct isw_report_counters){&c->hits, &c->icmp_errors, &c->duplicates, &c->arp_only,
	                                    &c->ndp_only};
}

static const struct isw_result *find(const struct collected *c, uint32_t addr,
                                     enum isw_result_type type)
{
	for (size_t i = 0; i < c->n; i++)
		if (isw_addr_v4(&c->r[i].addr) == addr && c->r[i].type == type)
			return &c->r[i];
	return NULL;
}

/* What both paths must report, whatever keeps the words and the dedupe state. */
static void check_scenario(const struct collected *c, const struct counts *k)
{
	const struct isw_result *r;

	assert_int_equal(k->hits, 6);        /* .2 .3 .4 .5 .8 .10 */
	assert_int_equal(k->icmp_errors, 2); /* .7 .10 */
	assert_int_equal(k->duplicates, 2);
	assert_int_equal(k->arp_only, 3); /* .6 .7 .9 */
	assert_int_equal(c->n, 6 + 2 + 3);

	r = find(c, A(2), ISW_RESULT_ECHO_REPLY);
	assert_non_null(r);
	assert_true(r->have_mac);
	assert_memory_equal(r->mac, mac_a, 6);
	assert_non_null(r->vendor);
	assert_string_equal(r->vendor, "Test Vendor");
	assert_ptr_equal(r->note, isw_note_arp_shared);

	r = find(c, A(3), ISW_RESULT_ECHO_REPLY); /* the first MAC kept, the conflict noted */
	assert_non_null(r);
	assert_memory_equal(r->mac, mac_b, 6);
	assert_null(r->vendor);
	assert_ptr_equal(r->note, isw_note_arp_conflict);

	assert_ptr_equal(find(c, A(4), ISW_RESULT_ECHO_REPLY)->note, isw_note_arp_shared);
	assert_ptr_equal(find(c, A(5), ISW_RESULT_ECHO_REPLY)->note, isw_note_arp_shared);

	r = find(c, A(7), ISW_RESULT_UNREACHABLE);
	assert_non_null(r);
	assert_memory_equal(r->mac, mac_f, 6);
	assert_null(r->note);

	r = find(c, A(8), ISW_RESULT_ECHO_REPLY);
	assert_non_null(r);
	assert_false(r->have_mac);
	assert_false(find(c, A(10), ISW_RESULT_ECHO_REPLY)->have_mac);
	assert_false(find(c, A(10), ISW_RESULT_UNREACHABLE)->have_mac);

	/* arp-only last, in address order, once each, never for hosts that answered echo. */
	assert_int_equal(isw_addr_v4(&c->r[8].addr), A(6));
	assert_int_equal(isw_addr_v4(&c->r[9].addr), A(7));
	assert_int_equal(isw_addr_v4(&c->r[10].addr), A(9));
	for (size_t i = 8; i < 11; i++) {
		assert_int_equal(c->r[i].type, ISW_RESULT_ARP_ONLY);
		assert_true(isw_addr_equal(&c->r[i].responder, &c->r[i].addr));
		assert_true(c->r[i].have_mac);
		assert_true(c->r[i].rtt_ms < 0);
	}
	assert_memory_equal(c->r[8].mac, mac_e, 6);
	assert_null(c->r[8].note);
	assert_ptr_equal(c->r[10].note, isw_note_arp_shared);
	assert_string_equal(c->r[10].vendor, "Test Vendor");
}

static void test_live(void **state)
{
	static const struct isw_prefix onlink[] = {{A(0), A(15)}};
	struct isw_bitmap alive, errored;
	struct isw_shard whole;
	struct collected c = {0};
	struct isw_report rep;
	struct counts k;
	struct isw_lan l;
	isw_targets *t;
	char err[256];

	(void)state;
	assert_int_equal(isw_targets_new(&t), 0);
	assert_int_equal(isw_targets_add(t, "198.18.0.0/28", 0, err), 0);
	assert_int_equal(isw_targets_finalize(t, err), 0);
	assert_int_equal(isw_lan_init(&l, t, onlink, 1, SRC, src_mac, 1, NULL, NULL, err), 15);
	l.view.oui = test_oui();
	for (size_t i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		struct isw_arp_packet a = {.op = 2, .spa = replies[i].addr, .tpa = SRC};

		memcpy(a.sha, replies[i].mac, 6);
		isw_lan_learn(&l, &a);
	}
	assert_int_equal(l.hosts, 7);
	assert_int_equal(l.conflicts, 1);
	assert_int_equal(isw_lan_mark_shared(&l), 4);
	assert_int_equal(isw_bitmap_init(&alive, isw_targets_count(t)), 0);
	assert_int_equal(isw_bitmap_init(&errored, isw_targets_count(t)), 0);
	isw_shard_init(&whole, NULL, isw_targets_count(t), 0, 0);
	isw_report_init_indexed(&rep, t, &whole, &alive, &errored, &l.view, counters(&k), collect,
	                        &c);

	feed_answers(&rep, t);
	/* The sender reads who answered from the same bitmaps. */
	assert_true(isw_bitmap_test(&alive, (uint64_t)isw_targets_index(t, A(2))));
	assert_true(isw_bitmap_test(&errored, (uint64_t)isw_targets_index(t, A(7))));
	assert_false(isw_bitmap_test(&alive, (uint64_t)isw_targets_index(t, A(7))));
	assert_int_equal(isw_report_arp_only(&rep, 424242, NULL), 3);
	assert_int_equal(isw_report_arp_only(&rep, 424242, NULL), 0); /* once */
	check_scenario(&c, &k);
	/* Live knows no time for ARP replies: arp-only results carry the time given. */
	assert_int_equal(c.r[8].ts_us, 424242);

	isw_report_free(&rep);
	isw_bitmap_destroy(&alive);
	isw_bitmap_destroy(&errored);
	isw_oui_free((struct isw_oui *)l.view.oui);
	isw_lan_free(&l);
	isw_targets_free(t);
}

static void test_offline(void **state)
{
	struct isw_arp_table table = {0};
	struct isw_arp_view view;
	struct collected c = {0};
	struct isw_report rep;
	struct isw_oui *oui = test_oui();
	struct counts k;

	(void)state;
	for (size_t i = 0; i < sizeof(replies) / sizeof(replies[0]); i++)
		assert_true(isw_arp_table_learn(&table, replies[i].addr, replies[i].mac,
		                                100 + (int64_t)i) >= 0);
	view = isw_arp_table_view(&table, oui);
	assert_int_equal(isw_arp_view_mark_shared(&view), 4);
	assert_int_equal(isw_report_init_keyed(&rep, &view, counters(&k), collect, &c), 0);

	feed_answers(&rep, NULL);
	assert_int_equal(isw_report_arp_only(&rep, 424242, NULL), 3);
	assert_int_equal(isw_report_arp_only(&rep, 424242, NULL), 0);
	check_scenario(&c, &k);
	/* A trace knows when each host first answered ARP. */
	assert_int_equal(c.r[8].ts_us, 100 + 6);
	assert_int_equal(c.r[9].ts_us, 100 + 7);

	isw_report_free(&rep);
	isw_oui_free(oui);
	isw_arp_table_free(&table);
}

/* Without an ARP view (no LAN sweep): answers are reported bare, and there is no arp-only. */
static void test_no_arp(void **state)
{
	struct collected c = {0};
	struct isw_report rep;
	struct counts k;

	(void)state;
	assert_int_equal(isw_report_init_keyed(&rep, NULL, counters(&k), collect, &c), 0);
	feed_answers(&rep, NULL);
	assert_int_equal(isw_report_arp_only(&rep, 0, NULL), 0);
	assert_int_equal(c.n, 8);
	for (size_t i = 0; i < c.n; i++)
		assert_false(c.r[i].have_mac);
	isw_report_free(&rep);
}

/* A stop request ends the arp-only report early (live: a second Ctrl-C). */
static void test_arp_only_stops(void **state)
{
	struct isw_arp_table table = {0};
	struct isw_arp_view view;
	struct collected c = {0};
	struct isw_report rep;
	struct counts k;
	atomic_int stop = 1;

	(void)state;
	isw_arp_table_learn(&table, A(6), mac_e, 0);
	view = isw_arp_table_view(&table, NULL);
	assert_int_equal(isw_report_init_keyed(&rep, &view, counters(&k), collect, &c), 0);
	assert_int_equal(isw_report_arp_only(&rep, 0, &stop), 0);
	assert_int_equal(c.n, 0);
	isw_report_free(&rep);
	isw_arp_table_free(&table);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_live),
	    cmocka_unit_test(test_offline),
	    cmocka_unit_test(test_no_arp),
	    cmocka_unit_test(test_arp_only_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
