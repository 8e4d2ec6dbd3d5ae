/* SPDX-License-Identifier: BSD-2-Clause */
/* Matcher packets per second: isw_match_packet on valid echo-reply frames (Ethernet), built
 * from real probes by turning them around the way a target's kernel does. */
#include "icmpsweep/error.h"
#include "match.h"
#include "micro.h"
#include "probe.h"

#define NFRAMES 4096        /* distinct replies, so the loop is not one cached frame */
#define SRC     0xc0000201u /* 192.0.2.1, the scanner */

struct ctx {
	struct isw_matcher m;
	uint8_t frames[NFRAMES][ISW_PROBE_MAX_LEN];
	uint32_t len;
};

static uint64_t bench(void *v, uint64_t n)
{
	struct ctx *c = v;
	struct isw_result r;
	uint64_t acc = 0;

	for (uint64_t k = 0; k < n; k++) {
		if (isw_match_packet(&c->m, c->frames[k % NFRAMES], c->len, 1700000000000001LL,
		                     &r) == ISW_MATCH_VALID)
			acc += isw_addr_v4(&r.addr);
	}
	return acc;
}

/* Echo request -> echo reply: swap MACs and addresses, type 8 -> 0 (the matcher does not
 * look at checksums, but keep the frame honest anyway: the ICMP sum changes by 0x0800). */
static void turn_around(uint8_t *f, uint32_t len)
{
	uint8_t tmp[6];
	uint8_t *ip = f + ISW_ETH_LEN, *icmp = ip + ISW_IP_LEN;
	uint32_t sum;

	memcpy(tmp, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, tmp, 6);
	memcpy(tmp, ip + 12, 4);
	memcpy(ip + 12, ip + 16, 4);
	memcpy(ip + 16, tmp, 4);
	icmp[0] = 0;
	sum = (uint32_t)(icmp[2] << 8 | icmp[3]) + 0x0800;
	sum = (sum & 0xffff) + (sum >> 16);
	icmp[2] = (uint8_t)(sum >> 8);
	icmp[3] = (uint8_t)sum;
	(void)len;
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
		turn_around(c.frames[i], t.len);
	}
	/* The benchmark is meaningless unless these frames are accepted. */
	if (isw_match_packet(&c.m, c.frames[0], c.len, 1700000000000001LL, &r) != ISW_MATCH_VALID ||
	    isw_addr_v4(&r.addr) != 0xc6120000u) {
		fprintf(stderr, "micro_match: the crafted reply does not validate\n");
		return 1;
	}
	micro_run(&o, "match_packet (echo reply)", "packets", bench, &c);
	return 0;
}
