/* SPDX-License-Identifier: BSD-2-Clause */
/* Neighbour solicitations from the template, defensive parsing of advertisements, and what
 * the on-link IPv6 table (lan6.h) learns from them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "icmpsweep/error.h"
#include "icmpsweep/targets.h"
#include "bytes.h"
#include "checksum.h"
#include "lan6.h"
#include "ndp.h"

static const uint8_t our_mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t host_mac[6] = {0x00, 0x00, 0x0c, 0x12, 0x34, 0x56};
static const uint8_t other_mac[6] = {0x02, 0, 0, 0, 0, 0x99};
static const uint8_t our_ip[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x01, [15] = 0x01};
static const uint8_t target[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x01, [13] = 0xab, 0xcd, 0xef};

/* Whether the ICMPv6 checksum of an Ethernet frame of len bytes is right. */
static int cksum_ok(const uint8_t *f, size_t len)
{
	size_t plen = len - 54;

	return isw_cksum_fold(isw_cksum_partial(
	           f + 54, plen, isw_cksum_pseudo6(f + 22, f + 38, (uint32_t)plen, 58))) == 0;
}

static void test_solicitation(void **state)
{
	static const uint8_t group[16] = {0xff, 0x02, [11] = 0x01, 0xff, 0xab, 0xcd, 0xef};
	struct isw_ndp_template t;
	uint8_t f[ISW_NDP_NS_LEN];

	(void)state;
	isw_ndp_template_init(&t, our_mac, our_ip);
	assert_int_equal(t.len, 86);
	isw_ndp_patch(&t, f, target);
	/* To the solicited-node group, at its multicast MAC. */
	assert_memory_equal(f, ((uint8_t[]){0x33, 0x33, 0xff, 0xab, 0xcd, 0xef}), 6);
	assert_memory_equal(f + 6, our_mac, 6);
	assert_int_equal(isw_get_be16(f + 12), 0x86dd);
	assert_int_equal(f[14] >> 4, 6);
	assert_int_equal(isw_get_be16(f + 18), 32);
	assert_int_equal(f[20], 58);
	assert_int_equal(f[21], 255);
	assert_memory_equal(f + 22, our_ip, 16);
	assert_memory_equal(f + 38, group, 16);
	assert_int_equal(f[54], 135);
	assert_int_equal(f[55], 0);
	assert_memory_equal(f + 62, target, 16);
	/* The source link-layer address option. */
	assert_int_equal(f[78], 1);
	assert_int_equal(f[79], 1);
	assert_memory_equal(f + 80, our_mac, 6);
	assert_true(cksum_ok(f, sizeof(f)));
	/* Another target: its group, its address, a right checksum again. */
	isw_ndp_patch(&t, f, our_ip);
	assert_int_equal(f[5], 0x01);
	assert_int_equal(f[53], 0x01);
	assert_memory_equal(f + 62, our_ip, 16);
	assert_true(cksum_ok(f, sizeof(f)));
}

/* An advertisement from the host about addr to us, with the target link-layer option when
 * opt; returns its length. */
static size_t advert(uint8_t *f, const uint8_t addr[16], int solicited, int opt)
{
	size_t plen = 24 + (opt ? 8 : 0);
	uint16_t sum;

	memset(f, 0, 128);
	memcpy(f, our_mac, 6);
	memcpy(f + 6, host_mac, 6);
	isw_put_be16(f + 12, 0x86dd);
	f[14] = 0x60;
	isw_put_be16(f + 18, (uint16_t)plen);
	f[20] = 58;
	f[21] = 255;
	memcpy(f + 22, addr, 16);
	memcpy(f + 38, our_ip, 16);
	f[54] = 136;
	f[58] = solicited ? 0x60 : 0x20;
	memcpy(f + 62, addr, 16);
	if (opt) {
		f[78] = 2;
		f[79] = 1;
		memcpy(f + 80, other_mac, 6);
	}
	sum = isw_cksum_fold(
	    isw_cksum_partial(f + 54, plen, isw_cksum_pseudo6(f + 22, f + 38, (uint32_t)plen, 58)));
	memcpy(f + 56, &sum, 2);
	return 54 + plen;
}

static void test_advert_parse(void **state)
{
	uint8_t f[128];
	struct isw_ndp_packet a;
	size_t n;

	(void)state;
	n = advert(f, target, 1, 1);
	assert_true(isw_ndp_is_advert(f, n));
	assert_true(isw_ndp_parse(f, n, &a));
	assert_memory_equal(a.target, target, 16);
	assert_memory_equal(a.dst, our_ip, 16);
	assert_memory_equal(a.mac, other_mac, 6); /* the option's, not the frame's */
	assert_int_equal(a.solicited, 1);
	/* Without the option, the frame's source MAC. */
	n = advert(f, target, 0, 0);
	assert_true(isw_ndp_parse(f, n, &a));
	assert_memory_equal(a.mac, host_mac, 6);
	assert_int_equal(a.solicited, 0);

	/* Refused: a hop limit below 255 (it crossed a router), a bad checksum, a code, an
	 * option of length 0, a truncated frame, a multicast target. */
	n = advert(f, target, 1, 1);
	f[21] = 64;
	assert_false(isw_ndp_parse(f, n, &a));
	n = advert(f, target, 1, 1);
	f[57] ^= 1;
	assert_false(isw_ndp_parse(f, n, &a));
	n = advert(f, target, 1, 1);
	f[55] = 1;
	assert_false(isw_ndp_parse(f, n, &a));
	n = advert(f, target, 1, 1);
	f[79] = 0;
	assert_false(isw_ndp_parse(f, n, &a));
	n = advert(f, target, 1, 1);
	assert_false(isw_ndp_parse(f, n - 1, &a));
	assert_false(isw_ndp_parse(f, 60, &a));
	{
		uint8_t mc[16] = {0xff, 0x02, [15] = 1};
		n = advert(f, mc, 1, 1);
		assert_false(isw_ndp_parse(f, n, &a));
	}
	/* Not an advertisement at all: an echo reply. */
	n = advert(f, target, 1, 1);
	f[54] = 129;
	assert_false(isw_ndp_is_advert(f, n));
}

/* The on-link table: two hosts of 2001:db8:1::/124 on link 0; answers teach their MACs. */
static void test_lan6_learn(void **state)
{
	struct isw_hop hop[1] = {{.kind = ISW_HOP_ONLINK, .link = 0}};
	uint64_t first[1] = {0};
	uint32_t hops[1] = {0};
	struct isw_nd_host onlink[2] = {{.k = 1}, {.k = 5}};
	struct isw_route6_map m = {.first = first,
	                           .hops = hops,
	                           .n = 1,
	                           .hop = hop,
	                           .nhops = 1,
	                           .onlink = onlink,
	                           .nonlink = 2};
	uint8_t h1[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x01, [15] = 0x01};
	uint8_t h5[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x01, [15] = 0x05};
	uint8_t f[128];
	struct isw_ndp_packet a;
	struct isw_lan6 l;
	struct isw_addr addr;
	isw_targets *t;
	char err[256];
	size_t n;

	(void)state;
	assert_int_equal(isw_targets_new(&t), 0);
	isw_targets_allow_ipv6(t);
	assert_int_equal(isw_targets_add(t, "198.18.0.0/30", 0, err), 0);
	assert_int_equal(isw_targets_add(t, "2001:db8:1::/125", 0, err), 0);
	assert_int_equal(isw_targets_finalize(t, err), 0);
	assert_int_equal(isw_lan6_init(&l, &m, t, 4, 7, "/nonexistent"), 2);
	addr = isw_lan6_addr(&l, 1);
	assert_memory_equal(addr.bytes, h5, 16);
	assert_false(isw_lan6_known(&l, 0));

	n = advert(f, h1, 1, 1);
	assert_true(isw_ndp_parse(f, n, &a));
	/* On another interface, or not to our address: nothing. */
	assert_int_equal(isw_lan6_learn(&l, 1, our_ip, &a), 0);
	assert_int_equal(isw_lan6_learn(&l, 0, target, &a), 0);
	assert_int_equal(isw_lan6_learn(&l, 0, our_ip, &a), 1);
	assert_true(isw_lan6_known(&l, 0));
	assert_false(isw_lan6_known(&l, 1));
	assert_int_equal(isw_arp_view_word(&l.view, &(struct isw_addr){0}), 0);
	addr = isw_addr_from_v6(h1);
	assert_int_equal(isw_arp_view_word(&l.view, &addr) & ISW_ARP_MAC_BITS,
	                 isw_get_be48(other_mac));
	/* Unsolicited: nothing; a repeat: nothing new. */
	n = advert(f, h5, 0, 1);
	assert_true(isw_ndp_parse(f, n, &a));
	assert_int_equal(isw_lan6_learn(&l, 0, our_ip, &a), 0);
	n = advert(f, h1, 1, 1);
	assert_true(isw_ndp_parse(f, n, &a));
	assert_int_equal(isw_lan6_learn(&l, 0, our_ip, &a), 0);
	/* Another MAC for h1: a conflict, the first MAC kept. */
	n = advert(f, h1, 1, 0);
	assert_true(isw_ndp_parse(f, n, &a));
	assert_int_equal(isw_lan6_learn(&l, 0, our_ip, &a), 1);
	assert_int_equal(atomic_load(&l.conflicts), 1);
	assert_int_equal(atomic_load(&l.hosts), 1);
	/* A target that is not on-link (h3): nothing. */
	h1[15] = 3;
	n = advert(f, h1, 1, 1);
	assert_true(isw_ndp_parse(f, n, &a));
	assert_int_equal(isw_lan6_learn(&l, 0, our_ip, &a), 0);
	isw_lan6_free(&l);
	isw_targets_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_solicitation),
	    cmocka_unit_test(test_advert_parse),
	    cmocka_unit_test(test_lan6_learn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
