/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/path/route-map.c without the kernel: the per-probe lookup over a hand-built
 * table, the text that names unrouted or misrouted targets in messages, and the hop table and
 * predicates of route-hop.c that both families' maps share. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "route-map.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static struct isw_hop hop[] = {
    {.kind = ISW_HOP_GATEWAY, .gateway = A(192, 0, 2, 2)},
    {.kind = ISW_HOP_UNROUTED, .err = -EINVAL},
    {.kind = ISW_HOP_UNROUTED, .err = -EACCES},
    {.kind = ISW_HOP_GATEWAY, .gateway = A(192, 0, 2, 6)},
    {.kind = ISW_HOP_UNROUTED}, /* a route of another type: labelled like a gateway would be */
};

/* 198.18.0.0/30 gw | 198.19.2.0/30 blackhole | 198.19.2.4 prohibit | 198.19.3.7 blackhole |
 * 198.19.6.0-198.19.6.2 second gateway | 198.19.8.0/24 other type | 198.19.9.0/24 gw */
static struct isw_route_seg segs[] = {
    {A(198, 18, 0, 0), A(198, 18, 0, 3), 0},   {A(198, 19, 2, 0), A(198, 19, 2, 3), 1},
    {A(198, 19, 2, 4), A(198, 19, 2, 4), 2},   {A(198, 19, 3, 7), A(198, 19, 3, 7), 1},
    {A(198, 19, 6, 0), A(198, 19, 6, 2), 3},   {A(198, 19, 8, 0), A(198, 19, 8, 255), 4},
    {A(198, 19, 9, 0), A(198, 19, 9, 255), 0},
};

static void map(struct isw_route_map *m, uint32_t *lo, uint32_t *hops)
{
	memset(m, 0, sizeof(*m));
	m->segs = segs;
	m->nsegs = sizeof(segs) / sizeof(segs[0]);
	m->hop = hop;
	m->nhops = sizeof(hop) / sizeof(hop[0]);
	/* Segments 2 and 3 differ; 3 (blackhole) follows 2 (prohibit): no merge there. */
	for (size_t i = 0; i < m->nsegs; i++) {
		lo[i] = segs[i].lo;
		hops[i] = segs[i].hop;
	}
	m->lo = lo;
	m->hops = hops;
	m->n = m->nsegs;
}

static void test_find(void **state)
{
	struct isw_route_map m;
	uint32_t lo[8], hops[8];

	(void)state;
	map(&m, lo, hops);
	assert_int_equal(isw_route_map_find(&m, A(198, 18, 0, 0)), 0);
	assert_int_equal(isw_route_map_find(&m, A(198, 18, 0, 3)), 0);
	assert_int_equal(isw_route_map_find(&m, A(198, 19, 2, 1)), 1);
	assert_int_equal(isw_route_map_find(&m, A(198, 19, 2, 4)), 2);
	assert_int_equal(isw_route_map_find(&m, A(198, 19, 3, 7)), 1);
	assert_int_equal(isw_route_map_find(&m, A(198, 19, 6, 2)), 3);
	assert_int_equal(isw_route_map_find(&m, A(198, 19, 9, 255)), 0);
	assert_int_equal(isw_route_map_find(&m, A(198, 19, 8, 0)), 4);
	/* One entry: every target has that hop. */
	m.n = 1;
	assert_int_equal(isw_route_map_find(&m, A(198, 19, 9, 1)), 0);
}

static int unrouted(const struct isw_hop *h, const void *arg)
{
	(void)arg;
	return h->kind == ISW_HOP_UNROUTED;
}

static int gateway(const struct isw_hop *h, const void *arg)
{
	return h->kind == ISW_HOP_GATEWAY && h->gateway == *(const uint32_t *)arg;
}

static void test_describe(void **state)
{
	struct isw_route_map m;
	uint32_t lo[8], hops[8], gw = A(192, 0, 2, 6);
	char buf[256];

	(void)state;
	map(&m, lo, hops);
	isw_route_map_describe(&m, unrouted, NULL, isw_hop_unrouted_name, buf, sizeof(buf));
	assert_string_equal(buf, "198.19.2.0/30 (blackhole), 198.19.2.4 (prohibit), "
	                         "198.19.3.7 (blackhole), 198.19.8.0/24 (no unicast route)");
	/* Without labels, adjacent ranges of the wanted kind read as one. */
	isw_route_map_describe(&m, unrouted, NULL, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "198.19.2.0-198.19.2.4, 198.19.3.7, 198.19.8.0/24");
	isw_route_map_describe(&m, gateway, &gw, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "198.19.6.0-198.19.6.2");
	gw = A(192, 0, 2, 2);
	isw_route_map_describe(&m, gateway, &gw, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "198.18.0.0/30, 198.19.9.0/24");
	/* A small buffer is cut, never overrun. */
	isw_route_map_describe(&m, unrouted, NULL, isw_hop_unrouted_name, buf, 20);
	assert_true(strlen(buf) < 20);
}

static void test_describe_many(void **state)
{
	static struct isw_route_seg many[10];
	struct isw_route_map m;
	char buf[256];

	(void)state;
	memset(&m, 0, sizeof(m));
	for (int i = 0; i < 10; i++)
		many[i] = (struct isw_route_seg){A(198, 19, 2, 2 * i), A(198, 19, 2, 2 * i), 1};
	m.segs = many;
	m.nsegs = 10;
	m.hop = hop;
	m.nhops = 5;
	isw_route_map_describe(&m, unrouted, NULL, NULL, buf, sizeof(buf));
	assert_string_equal(buf,
	                    "198.19.2.0, 198.19.2.2, 198.19.2.4, 198.19.2.6 and 6 more ranges");
}

/* The hop table both families' maps keep: equal hops share an index, an IPv6 gateway tells
 * hops apart as an IPv4 one does; the predicates pick what the messages name. */
static void test_hop_table(void **state)
{
	struct isw_hop gw4 = {.kind = ISW_HOP_GATEWAY, .ifindex = 2, .gateway = A(192, 0, 2, 2)},
	               gw6 = {.kind = ISW_HOP_GATEWAY,
	                      .ifindex = 3,
	                      .gateway6 = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}},
	               other6 = gw6, black = {.kind = ISW_HOP_UNROUTED, .err = -EINVAL};
	struct isw_hop *t = NULL;
	size_t n = 0;
	uint32_t i;
	int oif = 2;

	(void)state;
	other6.gateway6[15] = 2;
	other6.count = 9; /* not part of what a hop is */
	assert_int_equal(isw_hop_intern(&t, &n, &gw4, &i), 0);
	assert_int_equal(i, 0);
	assert_int_equal(isw_hop_intern(&t, &n, &gw6, &i), 0);
	assert_int_equal(i, 1);
	assert_int_equal(isw_hop_intern(&t, &n, &black, &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(isw_hop_intern(&t, &n, &other6, &i), 0);
	assert_int_equal(i, 3);
	assert_int_equal(isw_hop_intern(&t, &n, &gw6, &i), 0);
	assert_int_equal(i, 1);
	assert_int_equal(isw_hop_intern(&t, &n, &gw4, &i), 0);
	assert_int_equal(i, 0);
	assert_int_equal(n, 4);
	assert_ptr_equal(isw_hop_find(t, n, isw_hop_unrouted, NULL), &t[2]);
	assert_ptr_equal(isw_hop_find(t, n, isw_hop_elsewhere, &oif), &t[1]);
	assert_null(isw_hop_find(t, n, isw_hop_self, NULL));
	assert_string_equal(isw_hop_unrouted_name(&t[2]), "blackhole");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_describe),
	    cmocka_unit_test(test_describe_many),
	    cmocka_unit_test(test_hop_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
