/* SPDX-License-Identifier: BSD-2-Clause */
/* The ICMPv6 echo request template (probe6.h), built once and patched per target.  Built by
 * hand rather than with libnet: its ICMPv6 checksum needs the pseudo-header, which is summed
 * here once and then updated per target like the IPv4 one. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "bytes.h"
#include "checksum.h"
#include "probe6.h"

#define ICMP6_ECHO_REQUEST_TYPE 128
#define NEXT_HEADER_ICMPV6      58
#define ETHERTYPE_IPV6_VALUE    0x86dd

/* Offsets from the start of the IPv6 header. */
#define OFF_IP6_PLEN   4
#define OFF_IP6_NEXT   6
#define OFF_IP6_HLIM   7
#define OFF_IP6_SRC    8
#define OFF_IP6_DST    24
#define OFF_ICMP       ISW_IP6_LEN
#define OFF_ICMP_SUM   (OFF_ICMP + 2)
#define OFF_ICMP_ID    (OFF_ICMP + 4)
#define OFF_PAYLOAD    (OFF_ICMP + ISW_ICMP_HDR_LEN)
#define ICMP_LEN       (ISW_ICMP_HDR_LEN + ISW_PAYLOAD_LEN)
#define ICMP_PATCH_LEN (4 + ISW_PAYLOAD_LEN) /* id, seq and payload */

int isw_probe6_template_init(struct isw_probe6_template *t, const struct isw_probe6_params *p,
                             char *errbuf)
{
	uint8_t *ip;
	uint32_t sum;
	uint16_t folded;

	memset(t, 0, sizeof(*t));
	if (!p->hop_limit) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "hop limit 0: a probe must leave this host");
		return -EINVAL;
	}
	t->ip_off = p->raw_ip ? 0 : ISW_ETH_LEN;
	t->len = t->ip_off + ISW_IP6_LEN + ICMP_LEN;
	if (!p->raw_ip) {
		memcpy(t->frame, p->dst_mac, 6);
		memcpy(t->frame + 6, p->src_mac, 6);
		isw_put_be16(t->frame + 12, ETHERTYPE_IPV6_VALUE);
	}
	ip = t->frame + t->ip_off;
	ip[0] = 0x60; /* version 6, traffic class 0, flow label 0 */
	isw_put_be16(ip + OFF_IP6_PLEN, ICMP_LEN);
	ip[OFF_IP6_NEXT] = NEXT_HEADER_ICMPV6;
	ip[OFF_IP6_HLIM] = p->hop_limit;
	memcpy(ip + OFF_IP6_SRC, p->src, 16);
	/* Destination, identifier, sequence and tag stay zero: the patch fills them. */
	ip[OFF_ICMP] = ICMP6_ECHO_REQUEST_TYPE;
	ip[OFF_PAYLOAD + ISW_PAYLOAD_OFF_FORMAT] = ISW_PAYLOAD_FORMAT;
	sum = isw_cksum_pseudo6(ip + OFF_IP6_SRC, ip + OFF_IP6_DST, ICMP_LEN, NEXT_HEADER_ICMPV6);
	sum = isw_cksum_partial(ip + OFF_ICMP, ICMP_LEN, sum);
	folded = isw_cksum_fold(sum);
	memcpy(ip + OFF_ICMP_SUM, &folded, 2);
	t->old_icmp_sum = isw_cksum_partial(ip + OFF_ICMP_ID, ICMP_PATCH_LEN,
	                                    isw_cksum_partial(ip + OFF_IP6_DST, 16, 0));
	return 0;
}

void isw_probe6_patch(const struct isw_probe6_template *t, const struct isw_tag_key *key,
                      uint8_t *frame, const uint8_t dst[16], uint8_t probe, uint64_t send_ns)
{
	uint8_t *ip = frame + t->ip_off;
	uint32_t tag = isw_tag_dst6(key, dst), new_sum;
	uint16_t sum;

	memcpy(frame, t->frame, t->len);
	memcpy(ip + OFF_IP6_DST, dst, 16);
	isw_put_be16(ip + OFF_ICMP_ID, (uint16_t)(tag >> 16));
	isw_put_be16(ip + OFF_ICMP_ID + 2, (uint16_t)tag);
	isw_tag_fill_payload6(key, ip + OFF_PAYLOAD, dst, probe, send_ns);
	new_sum =
	    isw_cksum_partial(ip + OFF_ICMP_ID, ICMP_PATCH_LEN, isw_cksum_partial(dst, 16, 0));
	memcpy(&sum, ip + OFF_ICMP_SUM, 2);
	sum = isw_cksum_update(sum, t->old_icmp_sum, new_sum);
	memcpy(ip + OFF_ICMP_SUM, &sum, 2);
}
