/* SPDX-License-Identifier: BSD-2-Clause */
/* ARP frames (arp.h): the request template patched per target, and parsing of the answers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <libnet.h>

#include "icmpsweep/addr.h"
#include "icmpsweep/error.h"
#include "arp.h"
#include "bytes.h"

#define OFF_ARP 14
#define OFF_TPA (OFF_ARP + 24)

int isw_arp_template_init(struct isw_arp_template *t, const uint8_t src_mac[6], uint32_t src,
                          char *errbuf)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t zero[6];
	char lerr[LIBNET_ERRBUF_SIZE];
	uint32_t spa = htonl(src), tpa = 0;
	uint8_t *pkt = NULL;
	uint32_t len = 0;
	libnet_t *l = libnet_init(LIBNET_NONE, NULL, lerr);
	int rc = -EINVAL;

	memset(t, 0, sizeof(*t));
	if (!l) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "libnet: %s", lerr);
		return -ENOMEM;
	}
	if (libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4, ARPOP_REQUEST, src_mac,
	                     (uint8_t *)&spa, zero, (uint8_t *)&tpa, NULL, 0, l, 0) < 0 ||
	    libnet_build_ethernet(bcast, src_mac, ETHERTYPE_ARP, NULL, 0, l, 0) < 0 ||
	    libnet_pblock_coalesce(l, &pkt, &len) < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "libnet: %s", libnet_geterror(l));
		goto out;
	}
	if (len > sizeof(t->frame)) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "ARP template too large (%u bytes)", len);
		goto out;
	}
	memcpy(t->frame, pkt, len);
	t->len = len;
	rc = 0;
out:
	free(pkt);
	libnet_destroy(l);
	return rc;
}

void isw_arp_patch(const struct isw_arp_template *t, uint8_t *frame, uint32_t target)
{
	memcpy(frame, t->frame, t->len);
	isw_put_be32(frame + OFF_TPA, target);
}

int isw_arp_parse(const uint8_t *pkt, size_t caplen, struct isw_arp_packet *a)
{
	const uint8_t *arp = pkt + OFF_ARP;

	if (caplen < OFF_ARP + 28 || pkt[12] != 0x08 || pkt[13] != 0x06)
		return 0;
	/* Ethernet hardware, IPv4 protocol, 6- and 4-byte addresses. */
	if (arp[0] != 0 || arp[1] != 1 || arp[2] != 0x08 || arp[3] != 0x00 || arp[4] != 6 ||
	    arp[5] != 4)
		return 0;
	a->op = isw_get_be16(arp + 6);
	memcpy(a->sha, arp + 8, 6);
	a->spa = isw_get_be32(arp + 14);
	memcpy(a->tha, arp + 18, 6);
	a->tpa = isw_get_be32(arp + 24);
	memcpy(a->eth_src, pkt + 6, 6);
	return 1;
}

void isw_arp_describe(const struct isw_arp_packet *a, int learned, char *buf, size_t size)
{
	char spa[ISW_ADDR_STRLEN], tpa[ISW_ADDR_STRLEN];

	if (!a) {
		snprintf(buf, size, "ARP: not IPv4 over Ethernet, ignored");
		return;
	}
	isw_addr_str(a->spa, spa);
	isw_addr_str(a->tpa, tpa);
	switch (a->op) {
	case 2:
		snprintf(buf, size, "ARP reply: %s is at %02x:%02x:%02x:%02x:%02x:%02x%s", spa,
		         a->sha[0], a->sha[1], a->sha[2], a->sha[3], a->sha[4], a->sha[5],
		         learned ? "" : " (not new)");
		return;
	case 1:
		/* Not "ARP request for": that names the requests the scan sent itself. */
		snprintf(buf, size, "ARP request from %s, who has %s: ignored", spa, tpa);
		return;
	}
	snprintf(buf, size, "ARP operation %u from %s: ignored", a->op, spa);
}
