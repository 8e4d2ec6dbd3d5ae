/* SPDX-License-Identifier: BSD-2-Clause */
/* Matcher packets per second: isw_match_packet on valid echo-reply frames (Ethernet), built
 * from real probes by turning them around the way a target's kernel does; IPv4, then
 * ICMPv6. */
#include "icmpsweep/error.h"
#include "match.h"
#include "micro.h"
#include "probe.h"
#include "probe6.h"

#define NFRAMES 4096        /* distinct replies, so the loop is not one cached frame */
#define SRC     0xc0000201u /* 192.0.2.1, the scanner */

struct ctx {
	struct isw_matcher m;
	uint8_t frames[NFRAMES][ISW_PROBE_MAX_LEN];
	uint32_t len;
};

struct ctx6 {
	struct isw_matcher m;
	uint8_t frames[NFRAMES][ISW_PROBE6_MAX_LEN];
	uint32_t len;
};

/* n packets from frames, each stride bytes from the last (constant once inlined). */
static inline uint64_t match_frames(const struct isw_matcher *m, const uint8_t *frames,
                                    size_t stride, uint32_t len, uint64_t n)
{
	struct isw_result r;
	uint64_t acc = 0;

	for (uint64_t k = 0; k < n; k++) {
		if (isw_match_packet(m, frames + k % NFRAMES * stride, len, 1700000000000001LL,
		                     &r) == ISW_MATCH_VALID)
			acc += r.addr.bytes[3];
	}
	return acc;
}

static uint64_t bench(void *v, uint64_t n)
{
	struct ctx *c = v;

	return match_frames(&c->m, c->frames[0], sizeof(c->frames[0]), c->len, n);
}

static uint64_t bench6(void *v, uint64_t n)
{
	struct ctx6 *c = v;

	return match_frames(&c->m, c->frames[0], sizeof(c->frames[0]), c->len, n);
}

/* Echo request -> echo reply, as a target's kernel turns it around: MACs and addresses (alen
 * bytes each, the source at src_off in the IP header) swapped, the type set to reply (the
 * matcher does not look at checksums, but keep the frame honest anyway: the ICMP sum moves by
 * sum_delta, 0x0800 for 8 -> 0, 0xfeff for 128 -> 129). */
static void turn_around(uint8_t *f, size_t src_off, size_t alen, size_t ip_len, uint8_t reply,
                        uint32_t sum_delta)
{
	uint8_t tmp[16];
	uint8_t *ip = f + ISW_ETH_LEN, *icmp = ip + ip_len;
	uint32_t sum;

	memcpy(tmp, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, tmp, 6);
	memcpy(tmp, ip + src_off, alen);
	memcpy(ip + src_off, ip + src_off + alen, alen);
	memcpy(ip + src_off + alen, tmp, alen);
	icmp[0] = reply;
	sum = (uint32_t)(icmp[2] << 8 | icmp[3]) + sum_delta;
	sum = (sum & 0xffff) + (sum >> 16);
	icmp[2] = (uint8_t)(sum >> 8);
	icmp[3] = (uint8_t)sum;
}

/* IPv6 echo replies from 2001:db8:1::/112 to 2001:db8:ffff::1; 0 or -1. */
static int setup6(struct ctx6 *c)
{
	struct isw_probe6_params p = {.src = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 1},
	                              .src_mac = {0x02, 0, 0, 0, 0, 1},
	                              .dst_mac = {0x02, 0, 0, 0, 0, 2},
	                              .hop_limit = 64};
	struct isw_probe6_template t;
	char err[ISW_ERRBUF_SIZE];
	struct isw_result r;

	if (isw_probe6_template_init(&t, &p, err) < 0) {
		fprintf(stderr, "template: %s\n", err);
		return -1;
	}
	isw_tag_key_init(&c->m.key, 42);
	c->m.link = ISW_LINK_ETHERNET;
	c->m.ipv6 = 1;
	memcpy(c->m.src6, p.src, 16);
	c->len = t.len;
	for (uint32_t i = 0; i < NFRAMES; i++) {
		uint8_t dst[16] = {
		    0x20, 0x01, 0x0d, 0xb8, 0, 1, [14] = (uint8_t)(i >> 8), [15] = (uint8_t)i};

		isw_probe6_patch(&t, &c->m.key, c->frames[i], dst, 1, 1700000000000000000ULL + i);
		turn_around(c->frames[i], 8, 16, ISW_IP6_LEN, 129, 0xfeff);
	}
	if (isw_match_packet(&c->m, c->frames[5], c->len, 1700000000000001LL, &r) !=
	        ISW_MATCH_VALID ||
	    r.addr.family != AF_INET6 || r.addr.bytes[15] != 5) {
		fprintf(stderr, "micro_match: the crafted IPv6 reply does not validate\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct micro_opts o = micro_parse(argc, argv);
	struct isw_probe_params p = {
	    .src = SRC,
	    .src_mac = {0x02, 0, 0, 0, 0, 1},
	    .dst_mac = {0x02, 0, 0, 0, 0, 2},
	    .ttl = 64,
	};
	struct isw_probe_template t;
	char err[ISW_ERRBUF_SIZE];
	static struct ctx c;
	static struct ctx6 c6;
	struct isw_result r;

	if (isw_probe_template_init(&t, &p, err) < 0) {
		fprintf(stderr, "template: %s\n", err);
		return 1;
	}
	isw_tag_key_init(&c.m.key, 42);
	c.m.src_addr = SRC;
	c.m.link = ISW_LINK_ETHERNET;
	c.len = t.len;
	for (uint32_t i = 0; i < NFRAMES; i++) {
		isw_probe_patch(&t, &c.m.key, c.frames[i], 0xc6120000u + i * 7, 1,
		                1700000000000000000ULL + i);
		turn_around(c.frames[i], 12, 4, ISW_IP_LEN, 0, 0x0800);
	}
	/* The benchmark is meaningless unless these frames are accepted. */
	if (isw_match_packet(&c.m, c.frames[0], c.len, 1700000000000001LL, &r) != ISW_MATCH_VALID ||
	    isw_addr_v4(&r.addr) != 0xc6120000u) {
		fprintf(stderr, "micro_match: the crafted reply does not validate\n");
		return 1;
	}
	if (setup6(&c6) < 0)
		return 1;
	micro_run(&o, "match_packet (echo reply)", "packets", bench, &c);
	micro_run(&o, "match_packet (ICMPv6 echo reply)", "packets", bench6, &c6);
	return 0;
}
