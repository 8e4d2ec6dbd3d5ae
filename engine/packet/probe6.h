/* SPDX-License-Identifier: BSD-2-Clause */
/* The ICMPv6 echo request frame: the IPv6 twin of probe.h.  The template (Ethernet + IPv6 +
 * ICMPv6, or raw IPv6) is built once per scan; per target, isw_probe6_patch writes the
 * destination, identifier/sequence and payload and updates the ICMPv6 checksum incrementally:
 * IPv6 has no header checksum, but the destination is part of ICMPv6's pseudo-header.  A type
 * of its own so that the IPv4 template and its per-packet buffers stay their size. */
#ifndef ISW_PROBE6_H
#define ISW_PROBE6_H

#include <stdint.h>

#include "probe.h"
#include "tag.h"

#define ISW_IP6_LEN        40
#define ISW_PROBE6_MAX_LEN (ISW_ETH_LEN + ISW_IP6_LEN + ISW_ICMP_HDR_LEN + ISW_PAYLOAD_LEN)

struct isw_probe6_template {
	uint8_t frame[ISW_PROBE6_MAX_LEN];
	uint32_t len;
	uint32_t ip_off;       /* ISW_ETH_LEN for Ethernet frames, 0 for raw IPv6 */
	uint32_t old_icmp_sum; /* template's partial sum over the patched words (dst included) */
};

struct isw_probe6_params {
	uint8_t src[16]; /* network order */
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	uint8_t hop_limit; /* 1-255 */
	int raw_ip;        /* no link header */
};

/* -EINVAL with a message for a hop limit of 0. */
int isw_probe6_template_init(struct isw_probe6_template *t, const struct isw_probe6_params *p,
                             char *errbuf);

/* Writes the probe for dst (network order) into frame (at least t->len bytes). */
void isw_probe6_patch(const struct isw_probe6_template *t, const struct isw_tag_key *key,
                      uint8_t *frame, const uint8_t dst[16], uint8_t probe, uint64_t send_ns);

#endif
