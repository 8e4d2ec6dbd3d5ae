/* SPDX-License-Identifier: BSD-2-Clause */
/* The ICMP echo request frame.  libnet builds the Ethernet + IPv4 + ICMP template once per
 * scan (the constant bytes and their checksums); per target, isw_probe_patch writes only the
 * destination, identifier/sequence and payload, and updates both checksums incrementally
 * (RFC 1624) from the template's.  This is the prepare/make split of zmap's probe modules. */
#ifndef ISW_PROBE_H
#define ISW_PROBE_H

#include <stdint.h>

#include "tag.h"

#define ISW_ETH_LEN       14
#define ISW_IP_LEN        20
#define ISW_ICMP_HDR_LEN  8
#define ISW_PROBE_MAX_LEN 64

struct isw_probe_template {
	uint8_t frame[ISW_PROBE_MAX_LEN];
	uint32_t len;
	uint32_t ip_off;       /* ISW_ETH_LEN for Ethernet frames, 0 for raw IPv4 */
	uint32_t old_ip_sum;   /* template's partial sum over the patched IP words */
	uint32_t old_icmp_sum; /* template's partial sum over the patched ICMP words */
};

struct isw_probe_params {
	uint32_t src; /* host byte order */
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	uint8_t ttl;
	int raw_ip; /* no link header */
};

int isw_probe_template_init(struct isw_probe_template *t, const struct isw_probe_params *p,
                            char *errbuf);

/* Writes the probe for dst into frame (at least t->len bytes). */
void isw_probe_patch(const struct isw_probe_template *t, const struct isw_tag_key *key,
                     uint8_t *frame, uint32_t dst, uint8_t probe, uint64_t send_ns);

#endif
