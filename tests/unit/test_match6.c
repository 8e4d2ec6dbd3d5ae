/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/packet/match6.c: ICMPv6 echo replies to our probes validate (Ethernet,
 * VLAN, Linux SLL and raw links), forged, foreign and truncated ones do not, errors quoting our
 * probe are reported for the target with the router that sent them, the kernel's identifier
 * of ping sockets is taken where it owns it, and a matcher without
 * IPv6 leaves IPv6 frames alone as before. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "icmpsweep/error.h"
#include "bytes.h"
#include "match.h"
#include "group6.h"
#include "probe6.h"

#define SEND_NS 1700000000000000000ULL
#define TS_US   (1700000000000000LL + 2500) /* 2.5 ms after the send */

static const uint8_t me[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 1};
static const uint8_t router[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 0xfe};
static const uint8_t target[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [14] = 0x12, [15] = 0x34};

static struct isw_tag_key key;
static struct isw_probe6_template tmpl;

static int setup(void **state)
{
	struct isw_probe6_params p = {.hop_limit = 64, .raw_ip = 1};
	char err[ISW_ERRBUF_SIZE];

	(void)state;
	memcpy(p.src, me, 16);
	isw_tag_key_init(&key, 7);
	return isw_probe6_template_init(&tmpl, &p, err);
}

static void matcher(struct isw_matcher *m, enum isw_link link)
{
	memset(m, 0, sizeof(*m));
	m->key = key;
	m->link = link;
	m->ipv6 = 1;
	memcpy(m->src6, me, 16);
}

/* Our probe to target as raw IPv6 into out; its length. */
static size_t probe(uint8_t *out)
{
	isw_probe6_patch(&tmpl, &key, out, target, 2, SEND_NS);
	return tmpl.len;
}

/* The target's echo reply to our probe, raw IPv6, with link bytes of link header in front. */
static size_t reply(uint8_t *out, const uint8_t *link_hdr, size_t link_len)
{
	uint8_t *ip = out + link_len;
	size_t n = probe(ip);

	if (link_len) /* raw links have no header: link_hdr is NULL there */
		memcpy(out, link_hdr, link_len);
	memcpy(ip + 8, target, 16);
	memcpy(ip + 24, me, 16);
	ip[7] = 57;
	ip[40] = 129;
	return link_len + n;
}

/* An ICMPv6 error of type from router quoting quote_len bytes of our probe. */
static size_t error(uint8_t *out, uint8_t type, size_t quote_len)
{
	uint8_t q[ISW_PROBE6_MAX_LEN];
	size_t n = probe(q);

	if (quote_len > n)
		quote_len = n;
	memset(out, 0, 48);
	out[0] = 0x60;
	isw_put_be16(out + 4, (uint16_t)(8 + quote_len));
	out[6] = 58;
	out[7] = 63;
	memcpy(out + 8, router, 16);
	memcpy(out + 24, me, 16);
	out[40] = type;
	memcpy(out + 48, q, quote_len);
	return 48 + quote_len;
}

static void test_echo_reply_links(void **state)
{
	static const uint8_t eth[14] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x86, 0xdd};
	static const uint8_t vlan[18] = {2, 0, 0, 0,    0, 1, 2, 0,    0,
	                                 0, 0, 2, 0x81, 0, 0, 7, 0x86, 0xdd};
	static const uint8_t sll[16] = {[14] = 0x86, [15] = 0xdd};
	const struct {
		enum isw_link link;
		const uint8_t *hdr;
		size_t len;
	} cases[] = {{ISW_LINK_RAW_IP, NULL, 0},
	             {ISW_LINK_ETHERNET, eth, sizeof(eth)},
	             {ISW_LINK_ETHERNET, vlan, sizeof(vlan)},
	             {ISW_LINK_LINUX_SLL, sll, sizeof(sll)}};
	char text[ISW_ADDR_TEXT_MAX], line[160];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct isw_matcher m;
		struct isw_result r;
		uint8_t pkt[128];
		size_t n = reply(pkt, cases[i].hdr, cases[i].len);

		matcher(&m, cases[i].link);
		assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_VALID);
		assert_int_equal(r.type, ISW_RESULT_ECHO_REPLY);
		assert_string_equal(isw_addr_format(&r.addr, text), "2001:db8:1::1234");
		assert_true(isw_addr_equal(&r.addr, &r.responder));
		assert_int_equal(r.addr.family, AF_INET6);
		assert_int_equal(r.scope_id, 0);
		assert_int_equal(r.probe, 2);
		assert_int_equal(r.ttl, 57);
		assert_true(r.rtt_ms > 2.49 && r.rtt_ms < 2.51);
		isw_match_describe(ISW_MATCH_VALID, &r, 0, line, sizeof(line));
		assert_non_null(strstr(line, "reply from 2001:db8:1::1234, attempt 2"));
		/* Ethernet padding after the packet is not ICMPv6 data. */
		memset(pkt + n, 0, 6);
		assert_int_equal(isw_match_packet(&m, pkt, n + 6, TS_US, &r), ISW_MATCH_VALID);
	}
}

static void test_forged_and_foreign(void **state)
{
	struct isw_matcher m;
	struct isw_result r;
	uint8_t pkt[128];
	size_t n;

	(void)state;
	matcher(&m, ISW_LINK_RAW_IP);
	/* From another address: the tags are bound to the target. */
	n = reply(pkt, NULL, 0);
	pkt[8 + 15] ^= 1;
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_BAD_TAG);
	/* A changed attempt or send time breaks the payload tag. */
	n = reply(pkt, NULL, 0);
	pkt[48 + ISW_PAYLOAD_OFF_PROBE] = 3;
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_BAD_TAG);
	/* Another key. */
	n = reply(pkt, NULL, 0);
	m.key.k[0] ^= 1;
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_BAD_TAG);
	matcher(&m, ISW_LINK_RAW_IP);
	/* To someone else. */
	pkt[24 + 15] ^= 1;
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_NOT_ICMP);
	pkt[24 + 15] ^= 1;
	/* Not ICMPv6 (UDP), and our own echo request seen on the wire. */
	pkt[6] = 17;
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_NOT_ICMP);
	pkt[6] = 58;
	pkt[40] = 128;
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_OTHER_ICMP);
	pkt[40] = 129;
	/* Truncated: every captured length short of the whole reply fails. */
	for (size_t cut = 0; cut < n; cut++)
		assert_int_not_equal(isw_match_packet(&m, pkt, cut, TS_US, &r), ISW_MATCH_VALID);
	/* A payload length that cuts the tag off. */
	isw_put_be16(pkt + 4, 12);
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_MALFORMED);
	isw_put_be16(pkt + 4, 0);
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_MALFORMED);
}

static void test_errors_name_router(void **state)
{
	const struct {
		uint8_t type;
		enum isw_result_type want;
	} cases[] = {{1, ISW_RESULT_UNREACHABLE},
	             {2, ISW_RESULT_OTHER_ERROR},
	             {3, ISW_RESULT_TIME_EXCEEDED},
	             {4, ISW_RESULT_OTHER_ERROR}};
	char a[ISW_ADDR_TEXT_MAX], line[160];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct isw_matcher m;
		struct isw_result r;
		uint8_t pkt[160];
		size_t n;

		matcher(&m, ISW_LINK_RAW_IP);
		/* Quoted in full: the attempt and the RTT come from the quoted payload. */
		n = error(pkt, cases[i].type, 200);
		assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_VALID);
		assert_int_equal(r.type, cases[i].want);
		assert_string_equal(isw_addr_format(&r.addr, a), "2001:db8:1::1234");
		assert_string_equal(isw_addr_format(&r.responder, a), "2001:db8:ffff::fe");
		assert_int_equal(r.icmp_type, cases[i].type);
		assert_int_equal(r.probe, 2);
		assert_true(r.rtt_ms > 2.49 && r.rtt_ms < 2.51);
		isw_match_describe(ISW_MATCH_VALID, &r, 0, line, sizeof(line));
		assert_non_null(strstr(line, "for 2001:db8:1::1234 from router 2001:db8:ffff::fe"));
		/* Only the headers quoted: still ours, attempt unknown. */
		n = error(pkt, cases[i].type, 48);
		assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_VALID);
		assert_int_equal(r.probe, 0);
		assert_true(r.rtt_ms < 0);
		/* Less than the identifier and sequence. */
		n = error(pkt, cases[i].type, 47);
		assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_MALFORMED);
		/* A quote of someone else's probe, or with a forged identifier. */
		n = error(pkt, cases[i].type, 200);
		pkt[48 + 8 + 3] ^= 1;
		assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_BAD_TAG);
		n = error(pkt, cases[i].type, 200);
		pkt[48 + 44] ^= 1;
		assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_BAD_TAG);
	}
}

/* ICMPv6 ping sockets: the kernel rewrote the identifier of the probe (replies and quotes
 * carry its own); refused by the raw matcher, taken with ident_by_kernel, and the sequence and
 * payload tags still have to hold. */
static void test_ident_by_kernel(void **state)
{
	struct isw_matcher raw, ping;
	struct isw_result r;
	uint8_t pkt[160];
	size_t n = reply(pkt, NULL, 0);
	char a[ISW_ADDR_TEXT_MAX];

	(void)state;
	matcher(&raw, ISW_LINK_RAW_IP);
	matcher(&ping, ISW_LINK_RAW_IP);
	ping.ident_by_kernel = 1;
	pkt[40 + 4] ^= 0x5a; /* the kernel's identifier, not our tag's */
	pkt[40 + 5] ^= 0xa5;
	assert_int_equal(isw_match_packet(&raw, pkt, n, TS_US, &r), ISW_MATCH_BAD_TAG);
	assert_int_equal(isw_match_packet(&ping, pkt, n, TS_US, &r), ISW_MATCH_VALID);
	assert_string_equal(isw_addr_format(&r.addr, a), "2001:db8:1::1234");
	assert_int_equal(r.probe, 2);
	pkt[40 + 7] ^= 1; /* the sequence is still ours */
	assert_int_equal(isw_match_packet(&ping, pkt, n, TS_US, &r), ISW_MATCH_BAD_TAG);
	pkt[40 + 7] ^= 1;
	pkt[40 + 8 + ISW_PAYLOAD_OFF_TAG] ^= 1; /* and so is the payload */
	assert_int_equal(isw_match_packet(&ping, pkt, n, TS_US, &r), ISW_MATCH_BAD_TAG);

	/* An error quoting the probe with the kernel's identifier. */
	n = error(pkt, 1, 200);
	pkt[48 + 40 + 4] ^= 0x33;
	assert_int_equal(isw_match_packet(&raw, pkt, n, TS_US, &r), ISW_MATCH_BAD_TAG);
	assert_int_equal(isw_match_packet(&ping, pkt, n, TS_US, &r), ISW_MATCH_VALID);
	assert_int_equal(r.type, ISW_RESULT_UNREACHABLE);
	assert_string_equal(isw_addr_format(&r.responder, a), "2001:db8:ffff::fe");
	pkt[48 + 40 + 6] ^= 0x33; /* the sequence */
	assert_int_equal(isw_match_packet(&ping, pkt, n, TS_US, &r), ISW_MATCH_BAD_TAG);
}

static void test_ipv4_matcher_ignores_ipv6(void **state)
{
	struct isw_matcher m;
	struct isw_result r;
	uint8_t pkt[128];
	size_t n = reply(pkt, NULL, 0);

	(void)state;
	matcher(&m, ISW_LINK_RAW_IP);
	m.ipv6 = 0;
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_NOT_ICMP);
	/* Any destination when no IPv6 source is set (offline reading). */
	matcher(&m, ISW_LINK_RAW_IP);
	memset(m.src6, 0, 16);
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_VALID);
}

/* --ipv6-multicast: a host's answer to our echo request to all nodes on interface 7 comes
 * from its own (link-local) address to ours; it validates through the group's key, on that
 * interface only, and only when the matcher takes group answers. */
static void test_group_answers(void **state)
{
	static const uint8_t ll[16] = {0xfe, 0x80, [15] = 1}, host[16] = {0xfe, 0x80, [15] = 9};
	uint8_t pkt[ISW_PROBE6_MAX_LEN];
	struct isw_matcher m;
	struct isw_result r;
	size_t n = tmpl.len;

	(void)state;
	isw_group6_patch(&tmpl, &key, pkt, ll, 7, 1, SEND_NS);
	assert_int_equal(pkt[7], 1);
	assert_int_equal(pkt[24], 0xff);
	assert_int_equal(pkt[25], 0x02);
	assert_int_equal(pkt[39], 0x01);
	memcpy(pkt + 24, pkt + 8, 16);
	memcpy(pkt + 8, host, 16);
	pkt[40] = 129;
	matcher(&m, ISW_LINK_RAW_IP);
	m.ifindex = 7;
	/* Not taking group answers: our link-local address is not ours to the matcher. */
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_NOT_ICMP);
	m.group6 = 1;
	memcpy(m.ll6, ll, 16);
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_VALID);
	assert_int_equal(r.via_group, 1);
	assert_int_equal(r.scope_id, 7);
	assert_memory_equal(r.addr.bytes, host, 16);
	assert_int_equal(r.probe, 1);
	assert_true(r.rtt_ms > 2.4 && r.rtt_ms < 2.6);
	/* Read back from a trace (no interface): the payload's index is the scope. */
	m.ifindex = 0;
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_VALID);
	assert_int_equal(r.scope_id, 7);
	/* Captured on another interface; another index in the payload; a forged tag. */
	m.ifindex = 8;
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_BAD_TAG);
	m.ifindex = 7;
	pkt[48 + ISW_GROUP6_OFF_IFINDEX + 1] = 8;
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_BAD_TAG);
	m.ifindex = 0;
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_BAD_TAG);
	pkt[48 + ISW_GROUP6_OFF_IFINDEX + 1] = 7;
	pkt[48 + ISW_PAYLOAD_OFF_TAG] ^= 1;
	assert_int_equal(isw_match_packet(&m, pkt, n, TS_US, &r), ISW_MATCH_BAD_TAG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_echo_reply_links),
	    cmocka_unit_test(test_forged_and_foreign),
	    cmocka_unit_test(test_errors_name_router),
	    cmocka_unit_test(test_ident_by_kernel),
	    cmocka_unit_test(test_ipv4_matcher_ignores_ipv6),
	    cmocka_unit_test(test_group_answers),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
