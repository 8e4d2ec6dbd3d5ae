/* SPDX-License-Identifier: BSD-2-Clause */
/* ARP requests for on-link targets (built once with libnet, patched per target like the ICMP
 * probe) and parsing of the answers. */
#ifndef ISW_ARP_H
#define ISW_ARP_H

#include <stddef.h>
#include <stdint.h>

#define ISW_ARP_FRAME_LEN 42

struct isw_arp_template {
	uint8_t frame[64];
	uint32_t len;
};

struct isw_arp_packet {
	uint16_t op;    /* 1 request, 2 reply */
	uint8_t sha[6]; /* sender hardware address */
	uint32_t spa;   /* sender protocol address (host order) */
	uint8_t tha[6];
	uint32_t tpa;
	uint8_t eth_src[6];
};

int isw_arp_template_init(struct isw_arp_template *t, const uint8_t src_mac[6], uint32_t src,
                          char *errbuf);
/* Writes the request for target into frame (at least t->len bytes). */
void isw_arp_patch(const struct isw_arp_template *t, uint8_t *frame, uint32_t target);

/* Parses an Ethernet ARP frame for IPv4 over Ethernet; 1 if it is one, else 0. */
int isw_arp_parse(const uint8_t *pkt, size_t caplen, struct isw_arp_packet *a);

/* One line for a pcapng packet comment saying what a captured ARP frame is: a (NULL when
 * isw_arp_parse refused the frame) and whether the reply taught the scan something new. */
void isw_arp_describe(const struct isw_arp_packet *a, int learned, char *buf, size_t size);

#endif
