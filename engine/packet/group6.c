/* SPDX-License-Identifier: BSD-2-Clause */
/* The all-nodes echo request and its key (group6.h). */
#include <string.h>

#include "bytes.h"
#include "checksum.h"
#include "group6.h"

static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 0x01};

void isw_group6_key(uint32_t ifindex, uint8_t out[16])
{
	memcpy(out, all_nodes, 16);
	isw_put_be16(out + 2, (uint16_t)ifindex);
}

void isw_group6_patch(const struct isw_probe6_template *t, const struct isw_tag_key *key,
                      uint8_t *frame, const uint8_t src[16], uint32_t ifindex, uint8_t probe,
                      uint64_t send_ns)
{
	static const uint8_t group_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
	uint8_t k[16], *ip = frame + t->ip_off, *icmp = ip + ISW_IP6_LEN;
	uint32_t len = t->len - t->ip_off - ISW_IP6_LEN;
	uint16_t sum = 0;

	/* The probe as if to the key address, then to the group from src: summed afresh. */
	isw_group6_key(ifindex, k);
	isw_probe6_patch(t, key, frame, k, probe, send_ns);
	if (t->ip_off)
		memcpy(frame, group_mac, 6);
	ip[7] = 1;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, all_nodes, 16);
	isw_put_be16(icmp + ISW_ICMP_HDR_LEN + ISW_GROUP6_OFF_IFINDEX, (uint16_t)ifindex);
	memcpy(icmp + 2, &sum, 2);
	sum = isw_cksum_fold(
	    isw_cksum_partial(icmp, len, isw_cksum_pseudo6(ip + 8, ip + 24, len, 58)));
	memcpy(icmp + 2, &sum, 2);
}
