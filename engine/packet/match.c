/* SPDX-License-Identifier: BSD-2-Clause */
/* The reply matcher of match.h: one captured frame in, a verdict and a result out. */
#include <stdio.h>
#include <string.h>

#include "icmpsweep/targets.h"
#include "bytes.h"
#include "match-echo.h"

#define ICMP_ECHO_REPLY    0
#define ICMP_UNREACH       3
#define ICMP_SOURCE_QUENCH 4
#define ICMP_REDIRECT      5
#define ICMP_ECHO_REQUEST  8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAM_PROBLEM 12

/* Finds the IPv4 header behind the link header (or the IPv6 one when want6, *is6 set);
 * NULL if the frame carries something else. */
static const uint8_t *ip_header(enum isw_link link, int want6, const uint8_t *pkt, size_t caplen,
                                size_t *len, int *is6)
{
	size_t off;
	uint16_t type;

	switch (link) {
	case ISW_LINK_RAW_IP:
		off = 0;
		*is6 = want6 && caplen && (pkt[0] >> 4) == 6;
		break;
	case ISW_LINK_LINUX_SLL:
		if (caplen < 16)
			return NULL;
		type = isw_get_be16(pkt + 14);
		*is6 = want6 && type == 0x86dd;
		if (type != 0x0800 && !*is6)
			return NULL;
		off = 16;
		break;
	case ISW_LINK_ETHERNET:
	default:
		if (caplen < 14)
			return NULL;
		off = 12;
		type = isw_get_be16(pkt + off);
		/* One or two VLAN tags (802.1Q / QinQ) before the ethertype. */
		for (int i = 0; i < 2 && (type == 0x8100 || type == 0x88a8); i++) {
			off += 4;
			if (caplen < off + 2)
				return NULL;
			type = isw_get_be16(pkt + off);
		}
		*is6 = want6 && type == 0x86dd;
		if (type != 0x0800 && !*is6)
			return NULL;
		off += 2;
		break;
	}
	if (caplen < off)
		return NULL;
	*len = caplen - off;
	return pkt + off;
}

/* Validates an IPv4 header of at most len bytes; returns its length, 0 if unusable. */
static size_t ip_hlen(const uint8_t *ip, size_t len)
{
	size_t hl;

	if (len < 20 || (ip[0] >> 4) != 4)
		return 0;
	hl = (size_t)(ip[0] & 0x0f) * 4;
	if (hl < 20 || hl > len)
		return 0;
	return hl;
}

/* -1 (unknown) unless the reply came after the probe: send_ns comes from the packet, and a
 * crafted trace holds any timestamps, so nothing here may overflow. */
double isw_match_rtt_ms(int64_t ts_us, uint64_t send_ns)
{
	uint64_t recv_ns;

	if (ts_us < 0 || (uint64_t)ts_us > UINT64_MAX / 1000)
		return -1.0;
	recv_ns = (uint64_t)ts_us * 1000;
	if (recv_ns < send_ns)
		return -1.0;
	/* Subtract in integers first: epoch nanoseconds do not fit a double exactly. */
	return (double)(recv_ns - send_ns) / 1e6;
}

static enum isw_match_verdict match_error(const struct isw_matcher *m, const uint8_t *icmp,
                                          size_t icmp_len, int64_t ts_us, struct isw_result *r)
{
	const uint8_t *qip = icmp + 8, *qicmp;
	size_t qlen, qhl, qicmp_len;
	uint32_t target;
	uint8_t probe = 0;
	uint64_t send_ns = 0;

	if (icmp_len < 8)
		return ISW_MATCH_MALFORMED;
	qlen = icmp_len - 8;
	qhl = ip_hlen(qip, qlen);
	if (!qhl || qip[9] != 1 /* ICMP */)
		return ISW_MATCH_MALFORMED;
	qicmp = qip + qhl;
	qicmp_len = qlen - qhl;
	/* RFC 792 promises the IP header plus 8 bytes: the identifier and sequence. */
	if (qicmp_len < 8 || qicmp[0] != ICMP_ECHO_REQUEST)
		return ISW_MATCH_MALFORMED;
	if (m->src_addr && isw_get_be32(qip + 12) != m->src_addr)
		return ISW_MATCH_BAD_TAG;
	target = isw_get_be32(qip + 16);
	if (!isw_match_dst_tag_ok(m, 0, qicmp, target, NULL))
		return ISW_MATCH_BAD_TAG;
	/* A quoted payload is a bonus (Linux quotes it all); when present it must validate. */
	if (qicmp_len >= 8 + ISW_PAYLOAD_LEN &&
	    !isw_tag_check_payload(&m->key, qicmp + 8, target, &probe, &send_ns))
		return ISW_MATCH_BAD_TAG;
	isw_match_set_v4(&r->addr, qip + 16);
	switch (icmp[0]) {
	case ICMP_UNREACH:
		r->type = ISW_RESULT_UNREACHABLE;
		break;
	case ICMP_TIME_EXCEEDED:
		r->type = ISW_RESULT_TIME_EXCEEDED;
		break;
	default:
		r->type = ISW_RESULT_OTHER_ERROR;
		break;
	}
	r->probe = probe;
	r->rtt_ms = send_ns ? isw_match_rtt_ms(ts_us, send_ns) : -1.0;
	return ISW_MATCH_VALID;
}

enum isw_match_verdict isw_match_packet(const struct isw_matcher *m, const uint8_t *pkt,
                                        size_t caplen, int64_t ts_us, struct isw_result *r)
{
	const uint8_t *ip, *icmp;
	size_t len, hl, total, icmp_len;
	uint32_t from;
	int is6 = 0;

	ip = ip_header(m->link, m->ipv6, pkt, caplen, &len, &is6);
	if (!ip)
		return ISW_MATCH_NOT_ICMP;
	if (is6)
		return isw_match_ip6(m, ip, len, ts_us, r);
	if (len < 20 || (ip[0] >> 4) != 4 || ip[9] != 1)
		return ISW_MATCH_NOT_ICMP;
	if (m->src_addr && isw_get_be32(ip + 16) != m->src_addr)
		return ISW_MATCH_NOT_ICMP;
	hl = ip_hlen(ip, len);
	total = isw_get_be16(ip + 2);
	if (!hl || total < hl)
		return ISW_MATCH_MALFORMED;
	/* Fragments other than the first carry no ICMP header. */
	if (isw_get_be16(ip + 6) & 0x1fff)
		return ISW_MATCH_MALFORMED;
	if (total < len)
		len = total; /* Ethernet padding is not ICMP data */
	icmp = ip + hl;
	icmp_len = len - hl;
	if (icmp_len < 4)
		return ISW_MATCH_MALFORMED;
	from = isw_get_be32(ip + 12);

	memset(r, 0, sizeof(*r));
	isw_match_set_v4(&r->responder, ip + 12);
	r->icmp_type = icmp[0];
	r->icmp_code = icmp[1];
	r->ttl = ip[8];
	r->ts_us = ts_us;
	switch (icmp[0]) {
	case ICMP_ECHO_REPLY:
		return isw_match_echo_reply(m, 0, from, ip + 12, icmp, icmp_len, ts_us, r);
	case ICMP_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAM_PROBLEM:
		return match_error(m, icmp, icmp_len, ts_us, r);
	default:
		return ISW_MATCH_OTHER_ICMP;
	}
}

void isw_match_describe(enum isw_match_verdict v, const struct isw_result *r, int duplicate,
                        char *buf, size_t size)
{
	char a[ISW_ADDR_SCOPED_MAX], b[ISW_ADDR_SCOPED_MAX];
	int v6 = r && r->addr.family == AF_INET6;

	switch (v) {
	case ISW_MATCH_VALID:
		isw_result_addr_text(r, a);
		isw_result_responder_text(r, b);
		if (r->type == ISW_RESULT_ECHO_REPLY)
			snprintf(buf, size, "%s reply from %s, attempt %u, rtt %.3f ms, %s %u",
			         duplicate ? "duplicate" : "valid", a, r->probe, r->rtt_ms,
			         v6 ? "hop limit" : "ttl", r->ttl);
		else
			snprintf(buf, size, "%s%s for %s from router %s (type %u code %u)",
			         duplicate ? "duplicate " : "", isw_result_type_name(r->type), a, b,
			         r->icmp_type, r->icmp_code);
		return;
	case ISW_MATCH_BAD_TAG:
		snprintf(buf, size, "rejected: bad tag");
		return;
	case ISW_MATCH_MALFORMED:
		snprintf(buf, size, "rejected: malformed");
		return;
	case ISW_MATCH_OTHER_ICMP:
		snprintf(buf, size, "ignored: not an echo reply or ICMP error");
		return;
	case ISW_MATCH_NOT_ICMP:
		break;
	}
	snprintf(buf, size, "ignored: not IPv4 ICMP to us");
}
