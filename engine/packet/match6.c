/* SPDX-License-Identifier: BSD-2-Clause */
/* The ICMPv6 half of the reply matcher (match.h): echo replies validated through both tags
 * recomputed from the reply's source, errors (destination unreachable, packet too big, time
 * exceeded, parameter problem) through the quoted IPv6 + ICMPv6 headers of our probe, reported
 * with the router that sent them.  Extension headers are not walked: our probes carry none,
 * and a reply or quote with one is not ours to count. */
#include <string.h>

#include "bytes.h"
#include "group6.h"
#include "match-echo.h"

#define ICMP6_UNREACH        1
#define ICMP6_PACKET_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED  3
#define ICMP6_PARAM_PROBLEM  4
#define ICMP6_ECHO_REQUEST   128
#define ICMP6_ECHO_REPLY     129
#define NEXT_HEADER_ICMPV6   58
#define IP6_LEN              40
#define OFF_IP6_PLEN         4
#define OFF_IP6_NEXT         6
#define OFF_IP6_HLIM         7
#define OFF_IP6_SRC          8
#define OFF_IP6_DST          24

static const uint8_t any6[16];

static int ours(const struct isw_matcher *m, const uint8_t *addr)
{
	return memcmp(m->src6, any6, 16) == 0 || memcmp(addr, m->src6, 16) == 0 ||
	       (m->group6 && memcmp(m->ll6, any6, 16) != 0 && memcmp(addr, m->ll6, 16) == 0);
}

/* Whether an echo reply answers our all-nodes probe (group6.h): both tags keyed on the group
 * address of the interface the payload names, which live must be the capture's own.  *ifindex
 * is that index. */
static int group_answer(const struct isw_matcher *m, const uint8_t *icmp, uint8_t *probe,
                        uint64_t *send_ns, uint32_t *ifindex)
{
	uint8_t k[16], payload[ISW_PAYLOAD_LEN];

	*ifindex = isw_get_be16(icmp + 8 + ISW_GROUP6_OFF_IFINDEX);
	if (!*ifindex || (m->ifindex && (m->ifindex & 0xffff) != *ifindex))
		return 0;
	isw_group6_key(*ifindex, k);
	/* The index is under both tags through the key: the bytes themselves are not. */
	memcpy(payload, icmp + 8, ISW_PAYLOAD_LEN);
	payload[ISW_GROUP6_OFF_IFINDEX] = payload[ISW_GROUP6_OFF_IFINDEX + 1] = 0;
	if (m->ifindex)
		*ifindex = m->ifindex;
	return isw_get_be32(icmp + 4) == isw_tag_dst6(&m->key, k) &&
	       isw_tag_check_payload6(&m->key, payload, k, probe, send_ns);
}

/* An echo reply that failed its own tags may answer our all-nodes probe instead. */
static enum isw_match_verdict group_reply6(const struct isw_matcher *m, const uint8_t *from,
                                           const uint8_t *icmp, int64_t ts_us, struct isw_result *r)
{
	uint8_t probe = 0;
	uint64_t send_ns = 0;
	uint32_t ifindex;

	if (!group_answer(m, icmp, &probe, &send_ns, &ifindex))
		return ISW_MATCH_BAD_TAG;
	r->via_group = 1;
	r->scope_id = ifindex;
	return isw_match_echo_result(1, from, probe, send_ns, ts_us, r);
}

static enum isw_match_verdict error6(const struct isw_matcher *m, const uint8_t *icmp,
                                     size_t icmp_len, int64_t ts_us, struct isw_result *r)
{
	const uint8_t *qip = icmp + 8, *qicmp, *target;
	size_t qicmp_len;
	uint8_t probe = 0;
	uint64_t send_ns = 0;

	/* RFC 4443 quotes as much of the invoking packet as fits: our 40-byte header and at
	 * least the 8 ICMPv6 bytes with the identifier and sequence. */
	if (icmp_len < 8 + IP6_LEN + 8)
		return ISW_MATCH_MALFORMED;
	if ((qip[0] >> 4) != 6 || qip[OFF_IP6_NEXT] != NEXT_HEADER_ICMPV6)
		return ISW_MATCH_MALFORMED;
	qicmp = qip + IP6_LEN;
	qicmp_len = icmp_len - 8 - IP6_LEN;
	if (qicmp[0] != ICMP6_ECHO_REQUEST)
		return ISW_MATCH_MALFORMED;
	if (!ours(m, qip + OFF_IP6_SRC))
		return ISW_MATCH_BAD_TAG;
	target = qip + OFF_IP6_DST;
	if (!isw_match_dst_tag_ok(m, 1, qicmp, 0, target))
		return ISW_MATCH_BAD_TAG;
	if (qicmp_len >= 8 + ISW_PAYLOAD_LEN &&
	    !isw_tag_check_payload6(&m->key, qicmp + 8, target, &probe, &send_ns))
		return ISW_MATCH_BAD_TAG;
	r->addr = isw_addr_from_v6(target);
	switch (icmp[0]) {
	case ICMP6_UNREACH:
		r->type = ISW_RESULT_UNREACHABLE;
		break;
	case ICMP6_TIME_EXCEEDED:
		r->type = ISW_RESULT_TIME_EXCEEDED;
		break;
	default: /* packet too big, parameter problem */
		r->type = ISW_RESULT_OTHER_ERROR;
		break;
	}
	r->probe = probe;
	r->rtt_ms = send_ns ? isw_match_rtt_ms(ts_us, send_ns) : -1.0;
	return ISW_MATCH_VALID;
}

enum isw_match_verdict isw_match_ip6(const struct isw_matcher *m, const uint8_t *ip, size_t len,
                                     int64_t ts_us, struct isw_result *r)
{
	const uint8_t *icmp;
	size_t plen, icmp_len;
	enum isw_match_verdict v;

	if (len < IP6_LEN || (ip[0] >> 4) != 6 || ip[OFF_IP6_NEXT] != NEXT_HEADER_ICMPV6)
		return ISW_MATCH_NOT_ICMP;
	if (!ours(m, ip + OFF_IP6_DST))
		return ISW_MATCH_NOT_ICMP;
	plen = isw_get_be16(ip + OFF_IP6_PLEN);
	/* A payload length of 0 is a jumbogram (hop-by-hop header): never ICMPv6 right here. */
	if (!plen)
		return ISW_MATCH_MALFORMED;
	icmp_len = len - IP6_LEN;
	if (plen < icmp_len)
		icmp_len = plen; /* Ethernet padding is not ICMPv6 data */
	if (icmp_len < 4)
		return ISW_MATCH_MALFORMED;
	icmp = ip + IP6_LEN;

	memset(r, 0, sizeof(*r));
	r->responder = isw_addr_from_v6(ip + OFF_IP6_SRC);
	r->icmp_type = icmp[0];
	r->icmp_code = icmp[1];
	r->ttl = ip[OFF_IP6_HLIM];
	r->ts_us = ts_us;
	switch (icmp[0]) {
	case ICMP6_ECHO_REPLY:
		v = isw_match_echo_reply(m, 1, 0, ip + OFF_IP6_SRC, icmp, icmp_len, ts_us, r);
		if (v == ISW_MATCH_BAD_TAG && m->group6)
			v = group_reply6(m, ip + OFF_IP6_SRC, icmp, ts_us, r);
		break;
	case ICMP6_UNREACH:
	case ICMP6_PACKET_TOO_BIG:
	case ICMP6_TIME_EXCEEDED:
	case ICMP6_PARAM_PROBLEM:
		v = error6(m, icmp, icmp_len, ts_us, r);
		break;
	default:
		return ISW_MATCH_OTHER_ICMP;
	}
	/* An error's target may be global and its router link-local: either needs the scope (a
	 * group answer read back from a trace: the interface its probe named). */
	if ((isw_addr_is_link_local(&r->addr) || isw_addr_is_link_local(&r->responder)) &&
	    (m->ifindex || !r->via_group))
		r->scope_id = m->ifindex;
	return v;
}
