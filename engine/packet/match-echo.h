/* SPDX-License-Identifier: BSD-2-Clause */
/* The echo-reply check of the matcher (match.h) for either family, shared by match.c and
 * match6.c: the destination tag in the identifier and sequence, the payload tag with the
 * attempt and send time, the result's address, attempt and RTT.  Inline with the family a
 * constant at each call: the per-packet code is that of a function written for one family. */
#ifndef ISW_MATCH_ECHO_H
#define ISW_MATCH_ECHO_H

#include <string.h>

#include "icmpsweep/addr.h"
#include "bytes.h"
#include "match.h"

/* An address straight from the packet into a field of the zeroed result: the family and the
 * four bytes only (isw_addr_from_v4 would build and copy all 17, per packet). */
static inline void isw_match_set_v4(struct isw_addr *a, const uint8_t *wire)
{
	a->family = AF_INET;
	memcpy(a->bytes, wire, 4);
}

/* The identifier and sequence of an echo (request or reply) against the destination tag of
 * dst (v6: dst_wire, else the host-order dst): all 32 bits, or the sequence alone where the
 * kernel owns the identifier (ping sockets of either family). */
static inline int isw_match_dst_tag_ok(const struct isw_matcher *m, int v6, const uint8_t *echo,
                                       uint32_t dst, const uint8_t *dst_wire)
{
	uint32_t mask = m->ident_by_kernel ? 0xffffu : 0xffffffffu;

	return ((isw_get_be32(echo + 4) ^
	         (v6 ? isw_tag_dst6(&m->key, dst_wire) : isw_tag_dst(&m->key, dst))) &
	        mask) == 0;
}

/* The payload tag of the probe to from (v6: from_wire, else the host-order from). */
static inline int isw_match_payload_ok(const struct isw_matcher *m, int v6, const uint8_t *payload,
                                       uint32_t from, const uint8_t *from_wire, uint8_t *probe,
                                       uint64_t *send_ns)
{
	return v6 ? isw_tag_check_payload6(&m->key, payload, from_wire, probe, send_ns)
	          : isw_tag_check_payload(&m->key, payload, from, probe, send_ns);
}

/* A valid echo reply's result: the host from_wire (16 bytes for v6, else 4) answered attempt
 * probe, sent at send_ns (0: unknown, no RTT). */
static inline enum isw_match_verdict isw_match_echo_result(int v6, const uint8_t *from_wire,
                                                           uint8_t probe, uint64_t send_ns,
                                                           int64_t ts_us, struct isw_result *r)
{
	if (v6)
		r->addr = isw_addr_from_v6(from_wire);
	else
		isw_match_set_v4(&r->addr, from_wire);
	r->type = ISW_RESULT_ECHO_REPLY;
	r->probe = probe;
	r->rtt_ms = send_ns ? isw_match_rtt_ms(ts_us, send_ns) : -1.0;
	return ISW_MATCH_VALID;
}

/* An echo reply from from_wire (16 bytes for v6, else 4, with from their host-order value):
 * r (zeroed, its header fields set) gets the target, attempt and RTT. */
static inline enum isw_match_verdict isw_match_echo_reply(const struct isw_matcher *m, int v6,
                                                          uint32_t from, const uint8_t *from_wire,
                                                          const uint8_t *icmp, size_t icmp_len,
                                                          int64_t ts_us, struct isw_result *r)
{
	uint8_t probe = 0;
	uint64_t send_ns = 0;

	if (icmp_len < 8)
		return ISW_MATCH_MALFORMED;
	if (!m->no_validate) {
		if (icmp_len < 8 + ISW_PAYLOAD_LEN)
			return ISW_MATCH_MALFORMED;
		if (!isw_match_dst_tag_ok(m, v6, icmp, from, from_wire) ||
		    !isw_match_payload_ok(m, v6, icmp + 8, from, from_wire, &probe, &send_ns))
			return ISW_MATCH_BAD_TAG;
	} else if (icmp_len >= 8 + ISW_PAYLOAD_LEN) {
		/* Our own probes still yield RTT and attempt when the key is not known. */
		isw_match_payload_ok(m, v6, icmp + 8, from, from_wire, &probe, &send_ns);
	}
	return isw_match_echo_result(v6, from_wire, probe, send_ns, ts_us, r);
}

#endif
