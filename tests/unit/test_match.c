/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/packet/match.c: real probes from engine/packet/probe.c, replies crafted
 * here. Every packet handed to isw_match_packet lives in a heap block of exactly its captured
 * length, so valgrind or ASan catch any read past the end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "checksum.h"
#include "tag.h"
#include "match.h"
#include "probe.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

#define SRC     IP(192, 0, 2, 1)
#define ROUTER  IP(192, 0, 2, 254)
#define TARGET  IP(198, 18, 3, 77)
#define SEED    0xfeedULL
#define SEND_NS UINT64_C(1700000000123456000)
/* Received 12.5 ms after SEND_NS. */
#define TS_US ((int64_t)(SEND_NS / 1000) + 12500)

#define PROBE_LEN 58 /* Ethernet + IPv4 + ICMP + payload */
#define QUOTE_MIN 28 /* quoted IPv4 header + 8 bytes */
#define QUOTE_ALL 44 /* the whole probe IP packet */

static const uint8_t our_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t gw_mac[6] = {0x02, 0, 0, 0, 0, 0xfe};

static struct isw_probe_template tmpl;
static struct isw_tag_key key;

static int setup(void **state __attribute__((unused)))
{
	struct isw_probe_params p;
	char err[ISW_ERRBUF_SIZE] = "";

	memset(&p, 0, sizeof(p));
	p.src = SRC;
	memcpy(p.src_mac, our_mac, 6);
	memcpy(p.dst_mac, gw_mac, 6);
	p.ttl = 64;
	if (isw_probe_template_init(&tmpl, &p, err) != 0)
		fail_msg("template: %s", err);
	assert_int_equal(tmpl.len, PROBE_LEN);
	isw_tag_key_init(&key, SEED);
	return 0;
}

static struct isw_matcher matcher(void)
{
	struct isw_matcher m;

	memset(&m, 0, sizeof(m));
	m.key = key;
	m.src_addr = SRC;
	m.link = ISW_LINK_ETHERNET;
	return m;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Recomputes the IPv4 header checksum and the ICMP checksum of an IPv4 packet. */
static void fix_sums(uint8_t *ip, size_t ip_len)
{
	size_t hl = (size_t)(ip[0] & 15) * 4;
	uint16_t c;

	memset(ip + 10, 0, 2);
	c = isw_cksum(ip, hl);
	memcpy(ip + 10, &c, 2);
	memset(ip + hl + 2, 0, 2);
	c = isw_cksum(ip + hl, ip_len - hl);
	memcpy(ip + hl + 2, &c, 2);
}

/* The probe we would send to dst (an Ethernet frame of PROBE_LEN bytes). */
static void make_probe(uint8_t *frame, uint32_t dst, uint8_t probe, uint64_t send_ns)
{
	isw_probe_patch(&tmpl, &key, frame, dst, probe, send_ns);
}

/* An echo reply from `from` echoing the probe to `dst`; returns the frame length. */
static size_t make_echo_reply(uint8_t *out, uint32_t dst, uint32_t from, uint8_t probe,
                              uint64_t send_ns, uint8_t ttl)
{
	uint8_t *ip = out + ISW_ETH_LEN;

	make_probe(out, dst, probe, send_ns);
	memcpy(out, our_mac, 6);
	memcpy(out + 6, gw_mac, 6);
	ip[8] = ttl;
	put32(ip + 12, from);
	put32(ip + 16, SRC);
	ip[20] = 0; /* echo reply */
	fix_sums(ip, PROBE_LEN - ISW_ETH_LEN);
	return PROBE_LEN;
}

/* An ICMP error from `router` quoting the first quote_len bytes of the probe to dst. */
static size_t make_error(uint8_t *out, uint8_t type, uint8_t code, uint32_t router, uint32_t dst,
                         uint8_t probe, uint64_t send_ns, size_t quote_len)
{
	uint8_t probe_frame[PROBE_LEN];
	uint8_t *ip = out + ISW_ETH_LEN;
	size_t ip_len = 20 + 8 + quote_len;

	make_probe(probe_frame, dst, probe, send_ns);
	memcpy(out, our_mac, 6);
	memcpy(out + 6, gw_mac, 6);
	put16(out + 12, 0x0800);
	memset(ip, 0, 28);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)ip_len);
	put16(ip + 4, 0x1234);
	ip[8] = 250;
	ip[9] = 1;
	put32(ip + 12, router);
	put32(ip + 16, SRC);
	ip[20] = type;
	ip[21] = code;
	memcpy(ip + 28, probe_frame + ISW_ETH_LEN, quote_len);
	/* A router decrements the TTL of what it quotes, and fixes that header's checksum. */
	ip[28 + 8] -= 3;
	memset(ip + 28 + 10, 0, 2);
	{
		uint16_t c = isw_cksum(ip + 28, 20);
		memcpy(ip + 28 + 10, &c, 2);
	}
	fix_sums(ip, ip_len);
	return ISW_ETH_LEN + ip_len;
}

/* Runs the matcher on an exact-size heap copy of the first len bytes of pkt. */
static enum isw_match_verdict run(const struct isw_matcher *m, const uint8_t *pkt, size_t len,
                                  int64_t ts_us, struct isw_result *r)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum isw_match_verdict v;

	assert_non_null(copy);
	memcpy(copy, pkt, len);
	v = isw_match_packet(m, copy, len, ts_us, r);
	free(copy);
	return v;
}

static enum isw_match_verdict verdict(const struct isw_matcher *m, const uint8_t *pkt, size_t len)
{
	struct isw_result r;

	return run(m, pkt, len, TS_US, &r);
}

static void check_echo_result(const struct isw_result *r, uint32_t addr, uint8_t ttl, uint8_t probe)
{
	assert_int_equal(isw_addr_v4(&r->addr), addr);
	assert_int_equal(isw_addr_v4(&r->responder), addr);
	assert_int_equal(r->type, ISW_RESULT_ECHO_REPLY);
	assert_int_equal(r->icmp_type, 0);
	assert_int_equal(r->icmp_code, 0);
	assert_int_equal(r->ttl, ttl);
	assert_int_equal(r->probe, probe);
	assert_true(r->ts_us == TS_US);
	assert_null(r->hostname);
	if (fabs(r->rtt_ms - 12.5) > 0.001)
		fail_msg("rtt %.6f ms, wanted 12.5", r->rtt_ms);
}

/* --- echo replies --- */

static void test_echo_reply_valid(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	struct isw_result r;
	uint8_t f[128];
	size_t len = make_echo_reply(f, TARGET, TARGET, 2, SEND_NS, 57);

	memset(&r, 0x5a, sizeof(r));
	assert_int_equal(run(&m, f, len, TS_US, &r), ISW_MATCH_VALID);
	check_echo_result(&r, TARGET, 57, 2);

	/* Many targets and attempts. */
	for (uint32_t i = 0; i < 1000; i++) {
		uint32_t a = IP(10, 0, 0, 0) + i * 7919;
		uint8_t probe = (uint8_t)(1 + i % 255);

		len = make_echo_reply(f, a, a, probe, SEND_NS, (uint8_t)i);
		assert_int_equal(run(&m, f, len, TS_US, &r), ISW_MATCH_VALID);
		check_echo_result(&r, a, (uint8_t)i, probe);
	}
}

static void test_echo_reply_rtt(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	struct isw_result r;
	uint8_t f[128];
	size_t len = make_echo_reply(f, TARGET, TARGET, 1, SEND_NS, 64);

	assert_int_equal(run(&m, f, len, (int64_t)(SEND_NS / 1000) + 1, &r), ISW_MATCH_VALID);
	assert_true(fabs(r.rtt_ms - 0.001) < 0.0005);
	assert_int_equal(run(&m, f, len, (int64_t)(SEND_NS / 1000) + 3000000, &r), ISW_MATCH_VALID);
	assert_true(fabs(r.rtt_ms - 3000.0) < 0.001);
}

/* The send time comes from the packet and the receive time from a trace that may be crafted:
 * extreme values give an unknown RTT (-1), never garbage or signed overflow (UBSan). */
static void test_rtt_extremes(void **state __attribute__((unused)))
{
	static const struct {
		uint64_t send_ns;
		int64_t ts_us;
	} cases[] = {
	    {UINT64_MAX, TS_US},                         /* sent after any receive time */
	    {UINT64_C(1) << 63, TS_US},                  /* was INT64_MIN once cast */
	    {SEND_NS, INT64_MAX},                        /* ts_us * 1000 overflows */
	    {SEND_NS, (int64_t)(UINT64_MAX / 1000) + 1}, /* just past 64-bit nanoseconds */
	    {SEND_NS, -1},                               /* before the epoch */
	    {SEND_NS, INT64_MIN},                        /* ... far before */
	    {SEND_NS, (int64_t)(SEND_NS / 1000) - 1},    /* reply before the probe */
	    {UINT64_C(1) << 63, (int64_t)(UINT64_C(1) << 63 >> 10)}, /* receive time < send time */
	};
	struct isw_matcher m = matcher();
	struct isw_result r;
	uint8_t f[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = make_echo_reply(f, TARGET, TARGET, 1, cases[i].send_ns, 64);

		assert_int_equal(run(&m, f, len, cases[i].ts_us, &r), ISW_MATCH_VALID);
		if (r.rtt_ms != -1.0)
			fail_msg("echo case %zu: rtt %g ms, wanted -1 (unknown)", i, r.rtt_ms);
		len = make_error(f, 3, 1, ROUTER, TARGET, 1, cases[i].send_ns, QUOTE_ALL);
		assert_int_equal(run(&m, f, len, cases[i].ts_us, &r), ISW_MATCH_VALID);
		if (r.rtt_ms != -1.0)
			fail_msg("error case %zu: rtt %g ms, wanted -1 (unknown)", i, r.rtt_ms);
	}
	/* The largest receive time that still has nanoseconds in 64 bits works. */
	{
		int64_t ts = (int64_t)(UINT64_MAX / 1000);
		uint64_t send = (uint64_t)ts * 1000 - 2500000;
		size_t len = make_echo_reply(f, TARGET, TARGET, 1, send, 64);

		assert_int_equal(run(&m, f, len, ts, &r), ISW_MATCH_VALID);
		assert_true(fabs(r.rtt_ms - 2.5) < 0.0005);
	}
}

static void test_echo_reply_wrong_source(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	uint8_t f[128];
	size_t len;

	/* The probe to TARGET answered by someone else. */
	len = make_echo_reply(f, TARGET, TARGET + 1, 1, SEND_NS, 64);
	assert_int_equal(verdict(&m, f, len), ISW_MATCH_BAD_TAG);
	len = make_echo_reply(f, TARGET, ROUTER, 1, SEND_NS, 64);
	assert_int_equal(verdict(&m, f, len), ISW_MATCH_BAD_TAG);
	/* Wrong key: a scan with another seed. */
	{
		struct isw_matcher other = matcher();

		isw_tag_key_init(&other.key, SEED + 1);
		len = make_echo_reply(f, TARGET, TARGET, 1, SEND_NS, 64);
		assert_int_equal(verdict(&other, f, len), ISW_MATCH_BAD_TAG);
	}
}

static void test_echo_reply_not_for_us(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	struct isw_result r;
	uint8_t f[128];
	size_t len = make_echo_reply(f, TARGET, TARGET, 1, SEND_NS, 64);

	put32(f + ISW_ETH_LEN + 16, SRC + 1);
	fix_sums(f + ISW_ETH_LEN, len - ISW_ETH_LEN);
	assert_int_equal(verdict(&m, f, len), ISW_MATCH_NOT_ICMP);
	/* With no source address configured, any destination is accepted. */
	m.src_addr = 0;
	assert_int_equal(run(&m, f, len, TS_US, &r), ISW_MATCH_VALID);
	assert_int_equal(isw_addr_v4(&r.addr), TARGET);
}

static void test_echo_reply_flipped_bits(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	uint8_t f[128];
	size_t len = make_echo_reply(f, TARGET, TARGET, 1, SEND_NS, 64);
	size_t icmp = ISW_ETH_LEN + ISW_IP_LEN;

	/* Identifier, sequence and payload: every bit matters (bytes 10-11 of the payload are
	 * reserved and unauthenticated: see test_tag's test_flipped_bits_reserved). */
	for (size_t byte = icmp + 4; byte < len; byte++) {
		if (byte == icmp + 8 + 10 || byte == icmp + 8 + 11)
			continue;
		for (int bit = 0; bit < 8; bit++) {
			uint8_t g[128];

			memcpy(g, f, len);
			g[byte] ^= (uint8_t)(1u << bit);
			fix_sums(g + ISW_ETH_LEN, len - ISW_ETH_LEN);
			if (verdict(&m, g, len) != ISW_MATCH_BAD_TAG)
				fail_msg("frame byte %zu bit %d flipped: not BAD_MAC", byte, bit);
		}
	}
	/* The source address too. */
	for (int bit = 0; bit < 32; bit++) {
		uint8_t g[128];

		memcpy(g, f, len);
		put32(g + ISW_ETH_LEN + 12, TARGET ^ (1u << bit));
		fix_sums(g + ISW_ETH_LEN, len - ISW_ETH_LEN);
		assert_int_equal(verdict(&m, g, len), ISW_MATCH_BAD_TAG);
	}
}

static void test_echo_reply_truncated(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	uint8_t f[128];
	size_t len = make_echo_reply(f, TARGET, TARGET, 1, SEND_NS, 64);

	for (size_t cut = 0; cut <= len; cut++) {
		enum isw_match_verdict v = verdict(&m, f, cut);

		if (cut < len && v == ISW_MATCH_VALID)
			fail_msg("echo reply cut to %zu of %zu bytes validated", cut, len);
		if (cut == len)
			assert_int_equal(v, ISW_MATCH_VALID);
	}
	/* The same with the IP total length telling the truth about the short packet. */
	for (size_t cut = ISW_ETH_LEN + 20; cut < len; cut++) {
		uint8_t g[128];

		memcpy(g, f, len);
		put16(g + ISW_ETH_LEN + 2, (uint16_t)(cut - ISW_ETH_LEN));
		fix_sums(g + ISW_ETH_LEN, cut - ISW_ETH_LEN);
		assert_int_not_equal(verdict(&m, g, cut), ISW_MATCH_VALID);
		/* And with the full frame captured but the IP length short. */
		assert_int_not_equal(verdict(&m, g, len), ISW_MATCH_VALID);
	}
	/* The other link types too. */
	m.link = ISW_LINK_RAW_IP;
	for (size_t cut = 0; cut < len - ISW_ETH_LEN; cut++)
		assert_int_not_equal(verdict(&m, f + ISW_ETH_LEN, cut), ISW_MATCH_VALID);
	assert_int_equal(verdict(&m, f + ISW_ETH_LEN, len - ISW_ETH_LEN), ISW_MATCH_VALID);
}

static void test_echo_reply_padding(void **state __attribute__((unused)))
{
	/* Ethernet padding or trailing junk after the IP packet is ignored. */
	struct isw_matcher m = matcher();
	struct isw_result r;
	uint8_t f[128];
	size_t len = make_echo_reply(f, TARGET, TARGET, 3, SEND_NS, 64);

	memset(f + len, 0xee, 20);
	assert_int_equal(run(&m, f, len + 20, TS_US, &r), ISW_MATCH_VALID);
	check_echo_result(&r, TARGET, 64, 3);
}

static void test_echo_reply_ip_options(void **state __attribute__((unused)))
{
	/* A reply with IP options (IHL 6): the ICMP header follows the options. */
	struct isw_matcher m = matcher();
	struct isw_result r;
	uint8_t f[128], g[128];
	size_t len = make_echo_reply(f, TARGET, TARGET, 1, SEND_NS, 64);

	memcpy(g, f, ISW_ETH_LEN + 20);
	g[ISW_ETH_LEN] = 0x46;
	memset(g + ISW_ETH_LEN + 20, 1, 4); /* four NOPs */
	memcpy(g + ISW_ETH_LEN + 24, f + ISW_ETH_LEN + 20, len - ISW_ETH_LEN - 20);
	put16(g + ISW_ETH_LEN + 2, (uint16_t)(len - ISW_ETH_LEN + 4));
	fix_sums(g + ISW_ETH_LEN, len - ISW_ETH_LEN + 4);
	assert_int_equal(run(&m, g, len + 4, TS_US, &r), ISW_MATCH_VALID);
	check_echo_result(&r, TARGET, 64, 1);
	/* IHL larger than the packet, or below 5: malformed. */
	for (int ihl = 0; ihl < 16; ihl++) {
		if (ihl == 5 || ihl == 6)
			continue;
		g[ISW_ETH_LEN] = (uint8_t)(0x40 | ihl);
		assert_int_not_equal(verdict(&m, g, len + 4), ISW_MATCH_VALID);
	}
}

static void test_fragments(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	uint8_t f[128];
	size_t len = make_echo_reply(f, TARGET, TARGET, 1, SEND_NS, 64);

	/* A later fragment carries no ICMP header. */
	put16(f + ISW_ETH_LEN + 6, 0x0003);
	assert_int_equal(verdict(&m, f, len), ISW_MATCH_MALFORMED);
	put16(f + ISW_ETH_LEN + 6, 0x2001);
	assert_int_equal(verdict(&m, f, len), ISW_MATCH_MALFORMED);
	/* The first fragment (MF set, offset 0) still holds the whole reply here. */
	put16(f + ISW_ETH_LEN + 6, 0x2000);
	assert_int_equal(verdict(&m, f, len), ISW_MATCH_VALID);
}

static void test_other_icmp(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	uint8_t f[128];
	size_t len = make_echo_reply(f, TARGET, TARGET, 1, SEND_NS, 64);
	static const uint8_t others[] = {8, 13, 14, 9, 10, 15, 16, 17, 18, 42, 255};

	for (size_t i = 0; i < sizeof(others); i++) {
		f[ISW_ETH_LEN + 20] = others[i];
		fix_sums(f + ISW_ETH_LEN, len - ISW_ETH_LEN);
		assert_int_equal(verdict(&m, f, len), ISW_MATCH_OTHER_ICMP);
	}
	/* Our own probe, looped back or seen on the wire, is an echo request. */
	m.src_addr = 0;
	make_probe(f, TARGET, 1, SEND_NS);
	assert_int_equal(verdict(&m, f, PROBE_LEN), ISW_MATCH_OTHER_ICMP);
}

static void test_not_icmp(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	uint8_t f[128], g[128];
	size_t len = make_echo_reply(f, TARGET, TARGET, 1, SEND_NS, 64);
	static const uint16_t types[] = {0x86dd, 0x0806, 0x8035, 0x0000, 0xffff, 0x0801, 0x88cc};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memcpy(g, f, len);
		put16(g + 12, types[i]);
		assert_int_equal(verdict(&m, g, len), ISW_MATCH_NOT_ICMP);
	}
	/* IPv4 but not ICMP. */
	memcpy(g, f, len);
	g[ISW_ETH_LEN + 9] = 17;
	fix_sums(g + ISW_ETH_LEN, len - ISW_ETH_LEN);
	assert_int_equal(verdict(&m, g, len), ISW_MATCH_NOT_ICMP);
	/* IPv6 version nibble behind an IPv4 ethertype. */
	memcpy(g, f, len);
	g[ISW_ETH_LEN] = 0x65;
	assert_int_equal(verdict(&m, g, len), ISW_MATCH_NOT_ICMP);
}

static void test_vlan(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	struct isw_result r;
	uint8_t f[128], g[160];
	size_t len = make_echo_reply(f, TARGET, TARGET, 4, SEND_NS, 61);

	/* 802.1Q, VLAN 100. */
	memcpy(g, f, 12);
	put16(g + 12, 0x8100);
	put16(g + 14, 100);
	memcpy(g + 16, f + 12, len - 12);
	assert_int_equal(run(&m, g, len + 4, TS_US, &r), ISW_MATCH_VALID);
	check_echo_result(&r, TARGET, 61, 4);
	for (size_t cut = 0; cut < len + 4; cut++)
		assert_int_not_equal(verdict(&m, g, cut), ISW_MATCH_VALID);

	/* QinQ: 802.1ad outer tag, 802.1Q inner tag. */
	memcpy(g, f, 12);
	put16(g + 12, 0x88a8);
	put16(g + 14, 200);
	put16(g + 16, 0x8100);
	put16(g + 18, 100);
	memcpy(g + 20, f + 12, len - 12);
	assert_int_equal(run(&m, g, len + 8, TS_US, &r), ISW_MATCH_VALID);
	check_echo_result(&r, TARGET, 61, 4);
	for (size_t cut = 0; cut < len + 8; cut++)
		assert_int_not_equal(verdict(&m, g, cut), ISW_MATCH_VALID);

	/* A VLAN tag around something else. */
	put16(g + 20, 0x86dd);
	assert_int_equal(verdict(&m, g, len + 8), ISW_MATCH_NOT_ICMP);
	/* Three tags are not looked through. */
	memcpy(g, f, 12);
	put16(g + 12, 0x8100);
	put16(g + 16, 0x8100);
	put16(g + 20, 0x8100);
	memcpy(g + 24, f + 12, len - 12);
	assert_int_equal(verdict(&m, g, len + 12), ISW_MATCH_NOT_ICMP);
}

static void test_linux_sll(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	struct isw_result r;
	uint8_t f[128], g[160];
	size_t len = make_echo_reply(f, TARGET, TARGET, 1, SEND_NS, 64);
	size_t ip_len = len - ISW_ETH_LEN;

	m.link = ISW_LINK_LINUX_SLL;
	memset(g, 0, 16);
	put16(g, 0);     /* packet to us */
	put16(g + 2, 1); /* ARPHRD_ETHER */
	put16(g + 4, 6); /* address length */
	memcpy(g + 6, gw_mac, 6);
	put16(g + 14, 0x0800);
	memcpy(g + 16, f + ISW_ETH_LEN, ip_len);
	assert_int_equal(run(&m, g, 16 + ip_len, TS_US, &r), ISW_MATCH_VALID);
	check_echo_result(&r, TARGET, 64, 1);
	for (size_t cut = 0; cut < 16 + ip_len; cut++)
		assert_int_not_equal(verdict(&m, g, cut), ISW_MATCH_VALID);
	put16(g + 14, 0x86dd);
	assert_int_equal(verdict(&m, g, 16 + ip_len), ISW_MATCH_NOT_ICMP);
}

static void test_no_validate(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	struct isw_result r;
	uint8_t f[128], g[160];
	size_t len = make_echo_reply(f, TARGET, TARGET, 1, SEND_NS, 64);

	m.no_validate = 1;
	/* A reply to ping(8): foreign id/seq and a 56-byte payload. */
	memcpy(g, f, ISW_ETH_LEN + 20 + 8);
	put16(g + ISW_ETH_LEN + 24, 0x4242);
	put16(g + ISW_ETH_LEN + 26, 7);
	for (int i = 0; i < 56; i++)
		g[ISW_ETH_LEN + 28 + i] = (uint8_t)i;
	put16(g + ISW_ETH_LEN + 2, 20 + 8 + 56);
	fix_sums(g + ISW_ETH_LEN, 20 + 8 + 56);
	assert_int_equal(run(&m, g, ISW_ETH_LEN + 84, TS_US, &r), ISW_MATCH_VALID);
	assert_int_equal(isw_addr_v4(&r.addr), TARGET);
	assert_int_equal(r.type, ISW_RESULT_ECHO_REPLY);
	assert_int_equal(r.probe, 0);
	assert_true(r.rtt_ms < 0);
	/* Without no_validate the same is rejected. */
	m.no_validate = 0;
	assert_int_equal(verdict(&m, g, ISW_ETH_LEN + 84), ISW_MATCH_BAD_TAG);

	/* An echo reply without payload. */
	m.no_validate = 1;
	put16(g + ISW_ETH_LEN + 2, 28);
	fix_sums(g + ISW_ETH_LEN, 28);
	assert_int_equal(run(&m, g, ISW_ETH_LEN + 28, TS_US, &r), ISW_MATCH_VALID);
	assert_int_equal(r.probe, 0);
	assert_true(r.rtt_ms < 0);
	/* Shorter than an ICMP echo header is still malformed. */
	assert_int_not_equal(verdict(&m, g, ISW_ETH_LEN + 27), ISW_MATCH_VALID);

	/* Our own probes still give attempt and RTT. */
	assert_int_equal(run(&m, f, len, TS_US, &r), ISW_MATCH_VALID);
	check_echo_result(&r, TARGET, 64, 1);
}

/* --- ICMP errors --- */

/* --- ping sockets: the kernel owns the identifier --- */

/* Replies and errors whose identifier the kernel rewrote: refused by the raw matcher, taken
 * with ident_by_kernel; the sequence and payload tags still have to hold. */
static void test_ident_by_kernel(void **state __attribute__((unused)))
{
	struct isw_matcher raw = matcher(), ping = matcher();
	struct isw_result r;
	uint8_t f[160];
	uint8_t *icmp = f + ISW_ETH_LEN + ISW_IP_LEN;
	size_t len = make_echo_reply(f, TARGET, TARGET, 1, SEND_NS, 64);

	ping.ident_by_kernel = 1;
	icmp[4] ^= 0x5a; /* the kernel's identifier, not our tag's */
	icmp[5] ^= 0xa5;
	assert_int_equal(verdict(&raw, f, len), ISW_MATCH_BAD_TAG);
	assert_int_equal(run(&ping, f, len, TS_US, &r), ISW_MATCH_VALID);
	check_echo_result(&r, TARGET, 64, 1);
	/* The sequence is still ours. */
	icmp[7] ^= 1;
	assert_int_equal(verdict(&ping, f, len), ISW_MATCH_BAD_TAG);
	icmp[7] ^= 1;
	/* And so is the payload. */
	icmp[8 + ISW_PAYLOAD_OFF_TAG] ^= 1;
	assert_int_equal(verdict(&ping, f, len), ISW_MATCH_BAD_TAG);
	/* A reply echoing another target's probe, sent from this one. */
	len = make_echo_reply(f, TARGET + 1, TARGET, 1, SEND_NS, 64);
	assert_int_equal(verdict(&ping, f, len), ISW_MATCH_BAD_TAG);

	/* An error quoting the probe with the kernel's identifier. */
	len = make_error(f, 3, 1, ROUTER, TARGET, 2, SEND_NS, QUOTE_ALL);
	f[ISW_ETH_LEN + 28 + 20 + 4] ^= 0x33;
	assert_int_equal(verdict(&raw, f, len), ISW_MATCH_BAD_TAG);
	assert_int_equal(run(&ping, f, len, TS_US, &r), ISW_MATCH_VALID);
	assert_int_equal(isw_addr_v4(&r.addr), TARGET);
	assert_int_equal(r.type, ISW_RESULT_UNREACHABLE);
	f[ISW_ETH_LEN + 28 + 20 + 6] ^= 0x33; /* the sequence */
	assert_int_equal(verdict(&ping, f, len), ISW_MATCH_BAD_TAG);
}

static void test_unreachable_short_quote(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	struct isw_result r;
	uint8_t f[160];
	size_t len = make_error(f, 3, 1, ROUTER, TARGET, 2, SEND_NS, QUOTE_MIN);

	assert_int_equal(len, 70);
	memset(&r, 0x5a, sizeof(r));
	assert_int_equal(run(&m, f, len, TS_US, &r), ISW_MATCH_VALID);
	assert_int_equal(r.type, ISW_RESULT_UNREACHABLE);
	assert_int_equal(isw_addr_v4(&r.addr), TARGET);
	assert_int_equal(isw_addr_v4(&r.responder), ROUTER);
	assert_int_equal(r.icmp_type, 3);
	assert_int_equal(r.icmp_code, 1);
	assert_int_equal(r.ttl, 250);
	assert_int_equal(r.probe, 0);
	assert_true(r.rtt_ms < 0);
	assert_true(r.ts_us == TS_US);
	assert_null(r.hostname);
	/* Every shorter capture is rejected. */
	for (size_t cut = 0; cut < len; cut++)
		if (verdict(&m, f, cut) == ISW_MATCH_VALID)
			fail_msg("error cut to %zu of %zu bytes validated", cut, len);
}

static void test_unreachable_full_quote(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	struct isw_result r;
	uint8_t f[160];
	size_t len = make_error(f, 3, 3, ROUTER, TARGET, 5, SEND_NS, QUOTE_ALL);

	assert_int_equal(len, 86);
	assert_int_equal(run(&m, f, len, TS_US, &r), ISW_MATCH_VALID);
	assert_int_equal(r.type, ISW_RESULT_UNREACHABLE);
	assert_int_equal(isw_addr_v4(&r.addr), TARGET);
	assert_int_equal(isw_addr_v4(&r.responder), ROUTER);
	assert_int_equal(r.probe, 5);
	assert_true(fabs(r.rtt_ms - 12.5) < 0.001);
	/* A capture cut inside the quoted payload still validates, without attempt or RTT. */
	for (size_t cut = 0; cut < len; cut++) {
		enum isw_match_verdict v = run(&m, f, cut, TS_US, &r);

		if (cut < 70) {
			assert_int_not_equal(v, ISW_MATCH_VALID);
		} else {
			assert_int_equal(v, ISW_MATCH_VALID);
			assert_int_equal(r.probe, 0);
			assert_true(r.rtt_ms < 0);
		}
	}
	/* The host itself may answer (port/protocol unreachable from the target). */
	len = make_error(f, 3, 2, TARGET, TARGET, 1, SEND_NS, QUOTE_ALL);
	assert_int_equal(run(&m, f, len, TS_US, &r), ISW_MATCH_VALID);
	assert_int_equal(isw_addr_v4(&r.addr), TARGET);
	assert_int_equal(isw_addr_v4(&r.responder), TARGET);
}

static void test_error_types(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	struct isw_result r;
	uint8_t f[160];
	static const struct {
		uint8_t type;
		enum isw_result_type want;
	} cases[] = {
	    {3, ISW_RESULT_UNREACHABLE},  {11, ISW_RESULT_TIME_EXCEEDED},
	    {4, ISW_RESULT_OTHER_ERROR},  {5, ISW_RESULT_OTHER_ERROR},
	    {12, ISW_RESULT_OTHER_ERROR},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = make_error(f, cases[i].type, 0, ROUTER, TARGET, 1, SEND_NS, QUOTE_MIN);

		assert_int_equal(run(&m, f, len, TS_US, &r), ISW_MATCH_VALID);
		assert_int_equal(r.type, cases[i].want);
		assert_int_equal(r.icmp_type, cases[i].type);
		assert_int_equal(isw_addr_v4(&r.addr), TARGET);
	}
}

static void test_error_forged_quote(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	uint8_t f[160], g[160];
	size_t q = ISW_ETH_LEN + 28; /* quoted IP header */
	size_t len = make_error(f, 3, 1, ROUTER, TARGET, 1, SEND_NS, QUOTE_ALL);

	/* Forged identifier or sequence: every bit. */
	for (size_t byte = q + 24; byte < q + 28; byte++)
		for (int bit = 0; bit < 8; bit++) {
			memcpy(g, f, len);
			g[byte] ^= (uint8_t)(1u << bit);
			assert_int_equal(verdict(&m, g, len), ISW_MATCH_BAD_TAG);
			assert_int_equal(verdict(&m, g, 70), ISW_MATCH_BAD_TAG);
		}
	/* Quoted target changed: the tag was for another address. */
	memcpy(g, f, len);
	g[q + 19] ^= 1;
	assert_int_equal(verdict(&m, g, 70), ISW_MATCH_BAD_TAG);
	/* Quoted source not ours. */
	memcpy(g, f, len);
	g[q + 15] ^= 1;
	assert_int_equal(verdict(&m, g, len), ISW_MATCH_BAD_TAG);
	/* Quoted payload present but forged: every authenticated bit. */
	for (size_t byte = q + 28; byte < q + 44; byte++) {
		if (byte == q + 28 + 10 || byte == q + 28 + 11)
			continue; /* reserved, see test_tag */
		for (int bit = 0; bit < 8; bit++) {
			memcpy(g, f, len);
			g[byte] ^= (uint8_t)(1u << bit);
			assert_int_equal(verdict(&m, g, len), ISW_MATCH_BAD_TAG);
		}
	}
	/* Another scan's key. */
	{
		struct isw_matcher other = matcher();

		isw_tag_key_init(&other.key, SEED ^ 1);
		assert_int_equal(verdict(&other, f, len), ISW_MATCH_BAD_TAG);
		assert_int_equal(verdict(&other, f, 70), ISW_MATCH_BAD_TAG);
	}
}

static void test_error_bad_quote(void **state __attribute__((unused)))
{
	struct isw_matcher m = matcher();
	uint8_t f[160], g[160];
	size_t q = ISW_ETH_LEN + 28;
	size_t len = make_error(f, 3, 1, ROUTER, TARGET, 1, SEND_NS, QUOTE_MIN);

	/* Quoted header with a lying IHL: longer than what is quoted, too short, or shifting
	 * the quoted ICMP header. */
	for (int ihl = 0; ihl < 16; ihl++) {
		if (ihl == 5)
			continue;
		memcpy(g, f, len);
		g[q] = (uint8_t)(0x40 | ihl);
		if (verdict(&m, g, len) == ISW_MATCH_VALID)
			fail_msg("quoted IHL %d validated", ihl);
	}
	/* Not IPv4, not ICMP, not an echo request. */
	memcpy(g, f, len);
	g[q] = 0x65;
	assert_int_not_equal(verdict(&m, g, len), ISW_MATCH_VALID);
	memcpy(g, f, len);
	g[q + 9] = 17;
	assert_int_not_equal(verdict(&m, g, len), ISW_MATCH_VALID);
	memcpy(g, f, len);
	g[q + 20] = 0;
	assert_int_equal(verdict(&m, g, len), ISW_MATCH_MALFORMED);
	/* Quote cut short: the outer total length says so too. */
	for (size_t quote = 0; quote < QUOTE_MIN; quote++) {
		size_t l = make_error(g, 3, 1, ROUTER, TARGET, 1, SEND_NS, quote);

		assert_int_not_equal(verdict(&m, g, l), ISW_MATCH_VALID);
	}
	/* Outer total length shorter than the quote although the capture holds it all. */
	memcpy(g, f, len);
	put16(g + ISW_ETH_LEN + 2, 20 + 8 + 27);
	assert_int_not_equal(verdict(&m, g, len), ISW_MATCH_VALID);
	/* A quote with IP options: IHL 6 and the ICMP header 4 bytes later is fine. */
	{
		uint8_t h[160];
		size_t l;

		memcpy(h, f, q + 20);
		h[q] = 0x46;
		memset(h + q + 20, 1, 4);
		memcpy(h + q + 24, f + q + 20, 8);
		l = q + 32;
		put16(h + ISW_ETH_LEN + 2, (uint16_t)(l - ISW_ETH_LEN));
		fix_sums(h + ISW_ETH_LEN, l - ISW_ETH_LEN);
		assert_int_equal(verdict(&m, h, l), ISW_MATCH_VALID);
		for (size_t cut = 0; cut < l; cut++)
			assert_int_not_equal(verdict(&m, h, cut), ISW_MATCH_VALID);
	}
}

/* --- fuzzing --- */

static uint64_t rng_state = 42;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void test_fuzz_random(void **state __attribute__((unused)))
{
	/* Fully random buffers, some shaped enough to reach the ICMP parser: none validates. */
	struct isw_matcher m = matcher();
	struct isw_result r;

	for (int i = 0; i < 200000; i++) {
		size_t len = rng() % 140;
		uint8_t *p = malloc(len ? len : 1);
		enum isw_match_verdict v;

		assert_non_null(p);
		for (size_t k = 0; k < len; k++)
			p[k] = (uint8_t)rng();
		m.link = (enum isw_link)(rng() % 3);
		m.src_addr = rng() % 2 ? SRC : 0;
		if (rng() % 2) {
			/* Plausible IPv4 ICMP behind the link header. */
			size_t ip = m.link == ISW_LINK_ETHERNET ? 14
			            : m.link == ISW_LINK_RAW_IP ? 0
			                                        : 16;

			if (len >= ip + 20) {
				if (ip)
					put16(p + ip - 2, 0x0800);
				p[ip] = (uint8_t)(0x45 + rng() % 2);
				p[ip + 9] = 1;
				put16(p + ip + 6, 0);
				put16(p + ip + 2, (uint16_t)(len - ip));
				if (m.src_addr)
					put32(p + ip + 16, SRC);
				if (len >= ip + 28)
					p[ip + 20] = (uint8_t)(rng() % 2 ? 0 : 3 + (rng() % 3) * 4);
				if (len > ip + 48) {
					/* A quoted header too. */
					p[ip + 28] = 0x45;
					p[ip + 28 + 9] = 1;
					put32(p + ip + 28 + 12, SRC);
					p[ip + 48] = 8;
				}
			}
		}
		v = isw_match_packet(&m, p, len, TS_US, &r);
		assert_true(v >= ISW_MATCH_VALID && v <= ISW_MATCH_OTHER_ICMP);
		if (v == ISW_MATCH_VALID)
			fail_msg("random buffer %d (%zu bytes, link %d) validated", i, len, m.link);
		free(p);
	}
}

static void test_fuzz_mutated(void **state __attribute__((unused)))
{
	/* Valid replies with random damage: never a crash or a read out of bounds, and
	 * whatever still validates is about the probed target. */
	struct isw_matcher m = matcher();
	struct isw_result r;
	uint8_t base[3][160];
	size_t base_len[3];

	base_len[0] = make_echo_reply(base[0], TARGET, TARGET, 1, SEND_NS, 64);
	base_len[1] = make_error(base[1], 3, 1, ROUTER, TARGET, 1, SEND_NS, QUOTE_MIN);
	base_len[2] = make_error(base[2], 11, 0, ROUTER, TARGET, 1, SEND_NS, QUOTE_ALL);
	for (int i = 0; i < 200000; i++) {
		int b = (int)(rng() % 3);
		size_t len = base_len[b];
		uint8_t *p;
		int muts = 1 + (int)(rng() % 4);
		enum isw_match_verdict v;

		if (rng() % 4 == 0)
			len = rng() % (len + 1); /* truncated */
		else if (rng() % 8 == 0)
			len += rng() % 16; /* trailing bytes */
		p = malloc(len ? len : 1);
		assert_non_null(p);
		memcpy(p, base[b], len < base_len[b] ? len : base_len[b]);
		for (size_t k = base_len[b]; k < len; k++)
			p[k] = (uint8_t)rng();
		for (int k = 0; k < muts && len; k++) {
			size_t at = rng() % len;

			switch (rng() % 3) {
			case 0:
				p[at] ^= (uint8_t)(1u << (rng() % 8));
				break;
			case 1:
				p[at] = (uint8_t)rng();
				break;
			default:
				p[at] = rng() % 2 ? 0 : 0xff;
				break;
			}
		}
		v = isw_match_packet(&m, p, len, TS_US, &r);
		assert_true(v >= ISW_MATCH_VALID && v <= ISW_MATCH_OTHER_ICMP);
		if (v == ISW_MATCH_VALID && isw_addr_v4(&r.addr) != TARGET)
			fail_msg("mutated frame validated for %08x", r.addr);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_echo_reply_valid),
	    cmocka_unit_test(test_ident_by_kernel),
	    cmocka_unit_test(test_echo_reply_rtt),
	    cmocka_unit_test(test_rtt_extremes),
	    cmocka_unit_test(test_echo_reply_wrong_source),
	    cmocka_unit_test(test_echo_reply_not_for_us),
	    cmocka_unit_test(test_echo_reply_flipped_bits),
	    cmocka_unit_test(test_echo_reply_truncated),
	    cmocka_unit_test(test_echo_reply_padding),
	    cmocka_unit_test(test_echo_reply_ip_options),
	    cmocka_unit_test(test_fragments),
	    cmocka_unit_test(test_other_icmp),
	    cmocka_unit_test(test_not_icmp),
	    cmocka_unit_test(test_vlan),
	    cmocka_unit_test(test_linux_sll),
	    cmocka_unit_test(test_no_validate),
	    cmocka_unit_test(test_unreachable_short_quote),
	    cmocka_unit_test(test_unreachable_full_quote),
	    cmocka_unit_test(test_error_types),
	    cmocka_unit_test(test_error_forged_quote),
	    cmocka_unit_test(test_error_bad_quote),
	    cmocka_unit_test(test_fuzz_random),
	    cmocka_unit_test(test_fuzz_mutated),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
