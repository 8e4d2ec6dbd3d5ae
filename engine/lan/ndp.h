/* SPDX-License-Identifier: BSD-2-Clause */
/* IPv6 neighbour discovery frames (RFC 4861), the IPv6 side of arp.h: neighbour solicitations
 * for on-link IPv6 targets (one template per interface, patched per target like the ICMPv6
 * probe) and defensive parsing of the neighbour advertisements that answer them. */
#ifndef ISW_NDP_H
#define ISW_NDP_H

#include <stddef.h>
#include <stdint.h>

/* Ethernet 14 + IPv6 40 + solicitation 24 + source link-layer address option 8. */
#define ISW_NDP_NS_LEN 86

struct isw_ndp_template {
	uint8_t frame[ISW_NDP_NS_LEN];
	uint32_t len; /* 0: the interface has no IPv6 source, it solicits nothing */
};

struct isw_ndp_packet {
	uint8_t src[16], dst[16]; /* the IPv6 header's */
	uint8_t target[16];       /* the address the advertisement is about */
	uint8_t mac[6];    /* its link-layer address: the target option's, else the frame's */
	uint8_t solicited; /* the S flag: an answer to a solicitation */
	uint8_t eth_src[6];
};

/* The solicitation template of an interface with MAC src_mac and IPv6 source src6. */
void isw_ndp_template_init(struct isw_ndp_template *t, const uint8_t src_mac[6],
                           const uint8_t src6[16]);
/* Writes the solicitation for target into frame (at least ISW_NDP_NS_LEN bytes): to its
 * solicited-node group ff02::1:ffXX:XXXX at 33:33:ff:XX:XX:XX, hop limit 255. */
void isw_ndp_patch(const struct isw_ndp_template *t, uint8_t *frame, const uint8_t target[16]);

/* 1 if the Ethernet frame is a valid neighbour advertisement (RFC 4861 7.1.2: hop limit 255,
 * code 0, checksum right, a unicast target, well-formed options), with a filled; else 0. */
int isw_ndp_parse(const uint8_t *pkt, size_t caplen, struct isw_ndp_packet *a);

/* Cheap test before parsing: an Ethernet frame carrying ICMPv6 type 136 without extension
 * headers (the capture hands over echo replies and errors too). */
static inline int isw_ndp_is_advert(const uint8_t *pkt, size_t caplen)
{
	return caplen >= 14 + 40 + 24 && pkt[12] == 0x86 && pkt[13] == 0xdd && pkt[20] == 58 &&
	       pkt[54] == 136;
}

/* One line for a pcapng packet comment saying what a captured advertisement is (a NULL when
 * isw_ndp_parse refused it) and whether it taught the scan something new. */
void isw_ndp_describe(const struct isw_ndp_packet *a, int learned, char *buf, size_t size);

#endif
