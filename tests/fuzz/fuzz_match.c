/* SPDX-License-Identifier: BSD-2-Clause */
/* The reply matcher (engine/packet/match.c) on captured frames.  Input: one byte of options, eight
 * bytes of capture time, then the frame.  Random bytes never carry valid SipHash tags, so
 * when option bit 2 is set the harness writes the tags the frame's addresses call for (as
 * an Ethernet frame with no VLAN tag): the fuzzer then reaches the accepted paths, with any
 * send time, attempt and capture time.  Option bit 6 turns on ICMPv6 matching (match6.c), whose
 * frames get their tags written the same way. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "tag.h"
#include "fuzz.h"
#include "match.h"

/* Writes the payload tag the payload's own attempt and time call for. */
static void fix_payload(const struct isw_tag_key *key, uint8_t *pl, uint32_t dst)
{
	pl[ISW_PAYLOAD_OFF_FORMAT] = ISW_PAYLOAD_FORMAT;
	pl[10] = pl[11] = 0;
	isw_put_be32(pl + ISW_PAYLOAD_OFF_TAG,
	             isw_tag_payload(key, dst, pl[ISW_PAYLOAD_OFF_PROBE],
	                             isw_get_be64(pl + ISW_PAYLOAD_OFF_TIME)));
}

static void fix_payload6(const struct isw_tag_key *key, uint8_t *pl, const uint8_t *dst)
{
	pl[ISW_PAYLOAD_OFF_FORMAT] = ISW_PAYLOAD_FORMAT;
	pl[10] = pl[11] = 0;
	isw_put_be32(pl + ISW_PAYLOAD_OFF_TAG,
	             isw_tag_payload6(key, dst, pl[ISW_PAYLOAD_OFF_PROBE],
	                              isw_get_be64(pl + ISW_PAYLOAD_OFF_TIME)));
}

/* The IPv6 frame's tags: an echo reply's from its source, an error's from the quoted
 * destination (headers of 40 bytes, no extension headers, as match6.c reads them). */
static void fix_tags6(const struct isw_tag_key *key, uint8_t *f, size_t len)
{
	uint8_t *ip = f + 14, *icmp = ip + 40, *q = icmp + 8, *qicmp = q + 40;

	if (len < 14 + 40 + 8)
		return;
	if (icmp[0] == 129) {
		isw_put_be32(icmp + 4, isw_tag_dst6(key, ip + 8));
		if (len >= 14 + 40 + 8 + ISW_PAYLOAD_LEN)
			fix_payload6(key, icmp + 8, ip + 8);
		return;
	}
	if (len < 14 + 40 + 8 + 40 + 8)
		return;
	isw_put_be32(qicmp + 4, isw_tag_dst6(key, q + 24));
	if (len >= 14 + 40 + 8 + 40 + 8 + ISW_PAYLOAD_LEN)
		fix_payload6(key, qicmp + 8, q + 24);
}

static void fix_tags(const struct isw_tag_key *key, uint8_t *f, size_t len)
{
	uint8_t *ip = f + 14, *icmp, *q, *qicmp;
	size_t hl, qhl;

	if (len < 14 + 20)
		return;
	hl = (size_t)(ip[0] & 15) * 4;
	if (hl < 20 || len < 14 + hl + 8)
		return;
	icmp = ip + hl;
	if (icmp[0] == 0) {
		isw_put_be32(icmp + 4, isw_tag_dst(key, isw_get_be32(ip + 12)));
		if (len >= 14 + hl + 8 + ISW_PAYLOAD_LEN)
			fix_payload(key, icmp + 8, isw_get_be32(ip + 12));
		return;
	}
	q = icmp + 8;
	if (len < 14 + hl + 8 + 20)
		return;
	qhl = (size_t)(q[0] & 15) * 4;
	if (qhl < 20 || len < 14 + hl + 8 + qhl + 8)
		return;
	qicmp = q + qhl;
	isw_put_be32(qicmp + 4, isw_tag_dst(key, isw_get_be32(q + 16)));
	if (len >= 14 + hl + 8 + qhl + 8 + ISW_PAYLOAD_LEN)
		fix_payload(key, qicmp + 8, isw_get_be32(q + 16));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct isw_matcher m;
	static int init;
	struct isw_result r;
	enum isw_match_verdict v;
	char line[160];
	uint8_t *pkt;
	size_t len;
	int64_t ts;

	if (!init) {
		isw_tag_key_init(&m.key, 7);
		init = 1;
	}
	if (size < 9)
		return 0;
	m.link = (enum isw_link)(data[0] % 3);
	m.no_validate = data[0] >> 3 & 1;
	m.src_addr = data[0] & 0x10 ? 0xc0000201u /* 192.0.2.1 */ : 0;
	m.ipv6 = data[0] >> 6 & 1;
	memset(m.src6, 0, sizeof(m.src6));
	if (data[0] & 0x10) {
		static const uint8_t me6[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 1};
		memcpy(m.src6, me6, 16);
	}
	ts = (int64_t)isw_get_be64(data + 1);
	len = size - 9;
	/* An exact-size copy: ASan sees any read past the capture. */
	pkt = malloc(len ? len : 1);
	if (!pkt)
		abort();
	memcpy(pkt, data + 9, len);
	if (data[0] & 4 && m.link == ISW_LINK_ETHERNET) {
		if (len >= 14 && isw_get_be16(pkt + 12) == 0x86dd)
			fix_tags6(&m.key, pkt, len);
		else
			fix_tags(&m.key, pkt, len);
	}
	memset(&r, 0xa5, sizeof(r));
	v = isw_match_packet(&m, pkt, len, ts, &r);
	if (v == ISW_MATCH_VALID) {
		if (!(r.rtt_ms == -1.0 || (r.rtt_ms >= 0 && isfinite(r.rtt_ms))))
			fuzz_fail("RTT neither unknown nor a finite non-negative time");
		if (r.ts_us != ts)
			fuzz_fail("result time is not the capture time");
		/* One family per answer, for the target and the responder alike. */
		if ((r.addr.family != AF_INET && r.addr.family != AF_INET6) ||
		    r.responder.family != r.addr.family)
			fuzz_fail("result mixes address families");
		/* The matcher has no interface here: no scope. */
		if (r.scope_id)
			fuzz_fail("result scoped without an interface");
	}
	isw_match_describe(v, &r, (int)(data[0] >> 5 & 1), line, sizeof(line));
	if (!memchr(line, '\0', sizeof(line)))
		fuzz_fail("description not terminated");
	free(pkt);
	return 0;
}
