/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/sender.c over a fake transmit backend: each target's probe leaves by
 * its route's interface (its own handle, source address and next-hop MAC) and is counted per
 * interface; IPv6 targets beside IPv4 ones get whole ICMPv6 frames by their own hops; ARP
 * requests the backend refuses are counted as send errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "send-fixture.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* The fake backend's handle: what it was given to send. */
struct isw_tx {
	int refuse_arp;
	unsigned icmp, arp;
	uint32_t src[64], dst[64];
	uint8_t dst_mac[64][6];
	/* ICMPv6 frames: length, source, destination, next-hop MAC. */
	unsigned icmp6;
	uint32_t len6[64];
	uint8_t src6[64][16], dst6[64][16], mac6[64][6], type6[64];
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int fake_send(struct isw_tx *tx, uint8_t *const *frames, const uint32_t *lens, unsigned n)
{
	unsigned ok = 0;

	for (unsigned k = 0; k < n; k++) {
		const uint8_t *f = frames[k];

		if (f[12] == 0x86 && f[13] == 0xdd) {
			assert_true(tx->icmp6 < 64);
			tx->len6[tx->icmp6] = lens[k];
			memcpy(tx->src6[tx->icmp6], f + 14 + 8, 16);
			memcpy(tx->dst6[tx->icmp6], f + 14 + 24, 16);
			memcpy(tx->mac6[tx->icmp6], f, 6);
			tx->type6[tx->icmp6] = f[14 + 40];
			tx->icmp6++;
			ok++;
			continue;
		}
		assert_int_equal(lens[k], f[12] == 0x08 && f[13] == 0x06 ? 42 : 14 + 20 + 8 + 16);
		if (f[12] == 0x08 && f[13] == 0x06) {
			tx->arp++;
			ok += !tx->refuse_arp;
			continue;
		}
		assert_true(tx->icmp < 64);
		tx->src[tx->icmp] = be32(f + 14 + 12);
		tx->dst[tx->icmp] = be32(f + 14 + 16);
		memcpy(tx->dst_mac[tx->icmp], f, 6);
		tx->icmp++;
		ok++;
	}
	return (int)ok;
}

static void fake_close(struct isw_tx *tx)
{
	(void)tx;
}

static const struct isw_tx_ops fake_ops = {
    .name = "fake",
    .send = fake_send,
    .close = fake_close,
};

static const uint8_t our_mac[6] = {2, 0, 0, 0, 0, 1};

static isw_targets *targets(const char *a, const char *b)
{
	isw_targets *t;
	char err[256];

	assert_int_equal(isw_targets_new(&t), 0);
	isw_targets_allow_ipv6(t);
	assert_int_equal(isw_targets_add(t, a, 0, err), 0);
	if (b)
		assert_int_equal(isw_targets_add(t, b, 0, err), 0);
	assert_int_equal(isw_targets_finalize(t, err), 0);
	return t;
}

static void fixture_init(struct send_fixture *x, const isw_targets *t)
{
	assert_int_equal(send_fixture_init(x, t, &fake_ops), 0);
	x->c.arp_tries = 2;
}

static void link_init(struct isw_send_link *l, uint32_t src, struct isw_tx *tx)
{
	struct isw_probe_params p = {.src = src, .ttl = 64};
	char err[256];

	memcpy(p.src_mac, our_mac, 6);
	assert_int_equal(isw_probe_template_init(&l->tmpl, &p, err), 0);
	l->tx[0] = tx;
}

/* Two interfaces: 198.18.0.0/28 behind gateway A on link 0, 198.19.0.0/28 behind gateway B on
 * link 1.  Every probe leaves by its own link, from that link's source, to its gateway. */
static void test_two_links(void **state)
{
	static const uint8_t mac_a[6] = {2, 0, 0, 0, 0, 0xa}, mac_b[6] = {2, 0, 0, 0, 0, 0xb};
	struct isw_hop hop[2] = {
	    {.kind = ISW_HOP_GATEWAY, .link = 0, .count = 16},
	    {.kind = ISW_HOP_GATEWAY, .link = 1, .count = 16},
	};
	uint32_t lo[2] = {A(198, 18, 0, 0), A(198, 19, 0, 0)}, hops[2] = {0, 1};
	struct isw_route_map m = {.lo = lo, .hops = hops, .n = 2, .hop = hop, .nhops = 2};
	isw_targets *t = targets("198.18.0.0/28", "198.19.0.0/28");
	struct isw_tx tx0 = {0}, tx1 = {0};
	struct send_fixture x;

	(void)state;
	memcpy(hop[0].mac, mac_a, 6);
	memcpy(hop[1].mac, mac_b, 6);
	fixture_init(&x, t);
	link_init(&x.c.link[0], A(192, 0, 2, 1), &tx0);
	link_init(&x.c.link[1], A(192, 0, 2, 5), &tx1);
	x.c.nlinks = 2;
	x.c.hops.routes = &m;
	isw_sender_main(&x.c);

	assert_int_equal(tx0.icmp, 16);
	assert_int_equal(tx1.icmp, 16);
	for (unsigned k = 0; k < 16; k++) {
		assert_int_equal(tx0.dst[k] >> 4, A(198, 18, 0, 0) >> 4);
		assert_int_equal(tx0.src[k], A(192, 0, 2, 1));
		assert_memory_equal(tx0.dst_mac[k], mac_a, 6);
		assert_int_equal(tx1.dst[k] >> 4, A(198, 19, 0, 0) >> 4);
		assert_int_equal(tx1.src[k], A(192, 0, 2, 5));
		assert_memory_equal(tx1.dst_mac[k], mac_b, 6);
	}
	assert_int_equal(atomic_load(&x.count.sent), 32);
	assert_int_equal(atomic_load(&x.count.link_sent[0]), 16);
	assert_int_equal(atomic_load(&x.count.link_sent[1]), 16);
	assert_int_equal(atomic_load(&x.count.send_errors), 0);
	send_fixture_free(&x);
	isw_targets_free(t);
}

/* IPv4 198.18.0.0/28 by link 0's template; IPv6 2001:db8:1::/124 (16 targets, indices after
 * the IPv4 ones): the first 8 behind a gateway on link 1, then 4 on-link on link 0 (two of
 * them answered NDP), then 4 unrouted.  Each IPv6 probe is a whole ICMPv6 frame from its
 * link's IPv6 source to its own next hop; the silent and unrouted ones are counted, not sent. */
static void test_ipv6_beside_ipv4(void **state)
{
	static const uint8_t mac_gw[6] = {2, 0, 0, 0, 0, 0x66}, mac_h[6] = {2, 0, 0, 0, 0, 0x77};
	static const uint8_t src0[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 1},
	                     src1[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xfe, [15] = 1};
	struct isw_hop hop[3] = {
	    {.kind = ISW_HOP_GATEWAY, .link = 1, .count = 8},
	    {.kind = ISW_HOP_ONLINK, .link = 0, .count = 4},
	    {.kind = ISW_HOP_UNROUTED, .count = 4},
	};
	uint64_t first[3] = {0, 8, 12};
	uint32_t hops[3] = {0, 1, 2};
	struct isw_nd_host onlink[4] = {{.k = 8}, {.k = 9}, {.k = 10}, {.k = 11}};
	struct isw_route6_map m6 = {.first = first,
	                            .hops = hops,
	                            .n = 3,
	                            .hop = hop,
	                            .nhops = 3,
	                            .onlink = onlink,
	                            .nonlink = 4};
	isw_targets *t = targets("198.18.0.0/28", "2001:db8:1::/124");
	struct isw_tx tx0 = {0}, tx1 = {0};
	struct isw_probe6_params p6 = {.hop_limit = 64};
	struct send_fixture x;
	unsigned gw = 0, host = 0;
	char err[256];

	(void)state;
	memcpy(hop[0].mac, mac_gw, 6);
	onlink[1].word = ISW_ARP_KNOWN | isw_get_be48(mac_h);
	onlink[3].word = ISW_ARP_KNOWN | isw_get_be48(mac_h);
	fixture_init(&x, t);
	assert_int_equal(x.c.n4, 16);
	link_init(&x.c.link[0], A(192, 0, 2, 1), &tx0);
	link_init(&x.c.link[1], A(192, 0, 2, 5), &tx1);
	memcpy(p6.src, src0, 16);
	assert_int_equal(isw_probe6_template_init(&x.c.link[0].tmpl6, &p6, err), 0);
	memcpy(p6.src, src1, 16);
	assert_int_equal(isw_probe6_template_init(&x.c.link[1].tmpl6, &p6, err), 0);
	x.c.nlinks = 2;
	x.c.hops.routes6 = &m6;
	isw_sender_main(&x.c);

	assert_int_equal(tx0.icmp, 16); /* every IPv4 target, by the template */
	assert_int_equal(tx1.icmp, 0);
	assert_int_equal(tx1.icmp6, 8);
	assert_int_equal(tx0.icmp6, 2);
	for (unsigned k = 0; k < tx1.icmp6; k++) {
		assert_int_equal(tx1.len6[k], 14 + 40 + 8 + 16);
		assert_memory_equal(tx1.src6[k], src1, 16);
		assert_memory_equal(tx1.mac6[k], mac_gw, 6);
		assert_memory_equal(tx1.dst6[k], ((const uint8_t[]){0x20, 0x01, 0x0d, 0xb8, 0, 1}),
		                    6);
		assert_true(tx1.dst6[k][15] < 8);
		gw |= 1u << tx1.dst6[k][15];
	}
	for (unsigned k = 0; k < tx0.icmp6; k++) {
		assert_memory_equal(tx0.src6[k], src0, 16);
		assert_memory_equal(tx0.mac6[k], mac_h, 6);
		host |= 1u << tx0.dst6[k][15];
	}
	assert_int_equal(gw, 0xff);
	assert_int_equal(host, 1u << 9 | 1u << 11);
	assert_int_equal(atomic_load(&x.count.sent), 26);
	assert_int_equal(atomic_load(&x.count.absent), 2); /* silent to NDP */
	assert_int_equal(atomic_load(&x.count.done), 32);
	assert_int_equal(atomic_load(&x.count.skipped), 0); /* unrouted: counted before */
	send_fixture_free(&x);
	isw_targets_free(t);
}

/* The ARP pass's requests that the backend refuses are counted, try after try. */
static void test_arp_errors_counted(void **state)
{
	static const struct isw_prefix onlink[] = {{A(192, 0, 2, 0), A(192, 0, 2, 15)}};
	isw_targets *t = targets("192.0.2.0/28", NULL);
	struct isw_tx tx = {.refuse_arp = 1};
	struct isw_lan lan;
	struct send_fixture x;
	char err[256];

	(void)state;
	fixture_init(&x, t);
	/* Our own address is not asked for: 15 requests per try. */
	assert_int_equal(isw_lan_init(&lan, t, onlink, 1, A(192, 0, 2, 1), our_mac, 7, NULL,
	                              "/nonexistent", err),
	                 15);
	link_init(&x.c.link[0], A(192, 0, 2, 1), &tx);
	x.c.nlinks = 1;
	x.c.lan = &lan;
	x.c.hops.lan = &lan;
	x.c.passes = 0; /* ARP only */
	isw_sender_main(&x.c);

	assert_int_equal(tx.arp, 30);
	assert_int_equal(atomic_load(&x.count.arp_errors), 30);
	assert_int_equal(atomic_load(&x.count.arp_sent), 0);
	isw_lan_free(&lan);
	send_fixture_free(&x);
	isw_targets_free(t);
}

/* The NDP pass: a neighbour solicitation per try to each on-link IPv6 host whose MAC is not
 * known, through its own interface, to its solicited-node group; then one echo request to all
 * nodes there (--ipv6-multicast); then echo to the hosts with a MAC only. */
static void test_ndp_pass(void **state)
{
	static const uint8_t mac_gw[6] = {2, 0, 0, 0, 0, 0x66}, mac_h[6] = {2, 0, 0, 0, 0, 0x77};
	static const uint8_t src0[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0xf},
	                     src1[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xfe, [15] = 1},
	                     ll0[16] = {0xfe, 0x80, [15] = 1}, all[16] = {0xff, 2, [15] = 1};
	struct isw_hop hop[2] = {
	    {.kind = ISW_HOP_GATEWAY, .link = 1, .count = 8},
	    {.kind = ISW_HOP_ONLINK, .link = 0, .count = 8},
	};
	uint64_t first[2] = {0, 8};
	uint32_t hops[2] = {0, 1};
	struct isw_nd_host onlink[4] = {{.k = 8}, {.k = 9}, {.k = 10}, {.k = 11}};
	struct isw_route6_map m6 = {.first = first,
	                            .hops = hops,
	                            .n = 2,
	                            .hop = hop,
	                            .nhops = 2,
	                            .onlink = onlink,
	                            .nonlink = 4};
	isw_targets *t = targets("198.18.0.0/28", "2001:db8:1::/124");
	struct isw_tx tx0 = {0}, tx1 = {0};
	struct isw_probe6_params p6 = {.hop_limit = 64};
	struct isw_lan6 lan6;
	struct send_fixture x;
	unsigned ns = 0, group = 0, echo = 0, asked = 0;
	char err[256];

	(void)state;
	memcpy(hop[0].mac, mac_gw, 6);
	onlink[1].word = ISW_ARP_KNOWN | isw_get_be48(mac_h);
	onlink[3].word = ISW_ARP_KNOWN | isw_get_be48(mac_h);
	fixture_init(&x, t);
	link_init(&x.c.link[0], A(192, 0, 2, 1), &tx0);
	link_init(&x.c.link[1], A(192, 0, 2, 5), &tx1);
	memcpy(p6.src, src0, 16);
	memcpy(p6.src_mac, our_mac, 6);
	assert_int_equal(isw_probe6_template_init(&x.c.link[0].tmpl6, &p6, err), 0);
	memcpy(p6.src, src1, 16);
	assert_int_equal(isw_probe6_template_init(&x.c.link[1].tmpl6, &p6, err), 0);
	isw_ndp_template_init(&x.c.link[0].ns, our_mac, src0);
	x.c.link[0].group = 1;
	memcpy(x.c.link[0].group_src, ll0, 16);
	x.c.link[0].ifindex = 5;
	assert_int_equal(isw_lan6_init(&lan6, &m6, t, 16, 7, "/nonexistent"), 4);
	x.c.lan6 = &lan6;
	x.c.nlinks = 2;
	x.c.hops.routes6 = &m6;
	isw_sender_main(&x.c);

	for (unsigned k = 0; k < tx0.icmp6; k++) {
		if (tx0.type6[k] == 135) {
			/* To ff02::1:ff00:8 or :a, the unknown hosts 2001:db8:1::8 and ::a. */
			assert_int_equal(tx0.len6[k], ISW_NDP_NS_LEN);
			assert_memory_equal(tx0.mac6[k],
			                    ((const uint8_t[]){0x33, 0x33, 0xff, 0, 0}), 5);
			assert_int_equal(tx0.dst6[k][0], 0xff);
			assert_int_equal(tx0.dst6[k][12], 0xff);
			asked |= 1u << tx0.dst6[k][15];
			ns++;
		} else if (!memcmp(tx0.dst6[k], all, 16)) {
			assert_memory_equal(tx0.src6[k], ll0, 16);
			group++;
		} else {
			assert_int_equal(tx0.type6[k], 128);
			assert_memory_equal(tx0.mac6[k], mac_h, 6);
			echo |= 1u << tx0.dst6[k][15];
		}
	}
	assert_int_equal(ns, 4); /* 2 hosts, 2 tries */
	assert_int_equal(asked, 1u << 8 | 1u << 10);
	assert_int_equal(group, 1);
	assert_int_equal(echo, 1u << 9 | 1u << 11);
	for (unsigned k = 0; k < tx1.icmp6; k++)
		assert_int_equal(tx1.type6[k],
		                 128); /* no solicitation through the gateway's link */
	assert_int_equal(tx1.icmp6, 8);
	assert_int_equal(atomic_load(&x.count.ndp_sent), 4);
	assert_int_equal(atomic_load(&x.count.sent), 16 + 8 + 2 + 1);
	isw_lan6_free(&lan6);
	send_fixture_free(&x);
	isw_targets_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_two_links),
	    cmocka_unit_test(test_ndp_pass),
	    cmocka_unit_test(test_ipv6_beside_ipv4),
	    cmocka_unit_test(test_arp_errors_counted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
