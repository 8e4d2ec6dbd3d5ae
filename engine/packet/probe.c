/* SPDX-License-Identifier: BSD-2-Clause */
/* The ICMP echo request template (probe.h), built once with libnet and patched per target. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <libnet.h>

#include "icmpsweep/error.h"
#include "checksum.h"
#include "probe.h"

/* Offsets from the start of the IP header. */
#define OFF_IP_SUM     10
#define OFF_IP_DST     16
#define OFF_ICMP       ISW_IP_LEN
#define OFF_ICMP_SUM   (OFF_ICMP + 2)
#define OFF_ICMP_ID    (OFF_ICMP + 4)
#define OFF_PAYLOAD    (OFF_ICMP + ISW_ICMP_HDR_LEN)
#define ICMP_PATCH_LEN (4 + ISW_PAYLOAD_LEN) /* id, seq and payload */

int isw_probe_template_init(struct isw_probe_template *t, const struct isw_probe_params *p,
                            char *errbuf)
{
	char lerr[LIBNET_ERRBUF_SIZE];
	uint8_t payload[ISW_PAYLOAD_LEN] = {0};
	uint8_t *pkt = NULL;
	uint32_t pkt_len = 0;
	libnet_t *l;
	int rc = -EINVAL;

	memset(t, 0, sizeof(*t));
	/* LIBNET_NONE: build only, so a dry run needs no interface or privilege. */
	l = libnet_init(LIBNET_NONE, NULL, lerr);
	if (!l) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "libnet: %s", lerr);
		return -ENOMEM;
	}
	payload[ISW_PAYLOAD_OFF_FORMAT] = ISW_PAYLOAD_FORMAT;
	if (libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, 0, 0, payload, sizeof(payload), l, 0) < 0)
		goto lnerr;
	/* DF set as ping does; IP id 0 is what Linux sends with DF. */
	if (libnet_build_ipv4(ISW_IP_LEN + ISW_ICMP_HDR_LEN + ISW_PAYLOAD_LEN, 0, 0, IP_DF, p->ttl,
	                      IPPROTO_ICMP, 0, htonl(p->src), 0, NULL, 0, l, 0) < 0)
		goto lnerr;
	if (!p->raw_ip &&
	    libnet_build_ethernet(p->dst_mac, p->src_mac, ETHERTYPE_IP, NULL, 0, l, 0) < 0)
		goto lnerr;
	if (libnet_pblock_coalesce(l, &pkt, &pkt_len) < 0)
		goto lnerr;
	if (pkt_len > sizeof(t->frame)) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "probe template too large (%u bytes)", pkt_len);
		goto out;
	}
	memcpy(t->frame, pkt, pkt_len);
	t->len = pkt_len;
	t->ip_off = p->raw_ip ? 0 : ISW_ETH_LEN;
	t->old_ip_sum = isw_cksum_partial(t->frame + t->ip_off + OFF_IP_DST, 4, 0);
	t->old_icmp_sum = isw_cksum_partial(t->frame + t->ip_off + OFF_ICMP_ID, ICMP_PATCH_LEN, 0);
	rc = 0;
	goto out;
lnerr:
	snprintf(errbuf, ISW_ERRBUF_SIZE, "libnet: %s", libnet_geterror(l));
out:
	free(pkt);
	libnet_destroy(l);
	return rc;
}

void isw_probe_patch(const struct isw_probe_template *t, const struct isw_tag_key *key,
                     uint8_t *frame, uint32_t dst, uint8_t probe, uint64_t send_ns)
{
	uint8_t *ip = frame + t->ip_off;
	uint32_t dst_be = htonl(dst);
	uint32_t tag = isw_tag_dst(key, dst);
	uint16_t id_be = htons(tag >> 16), seq_be = htons(tag & 0xffff), sum;

	memcpy(frame, t->frame, t->len);

	memcpy(ip + OFF_IP_DST, &dst_be, 4);
	memcpy(&sum, ip + OFF_IP_SUM, 2);
	sum = isw_cksum_update(sum, t->old_ip_sum, isw_cksum_partial(&dst_be, 4, 0));
	memcpy(ip + OFF_IP_SUM, &sum, 2);

	memcpy(ip + OFF_ICMP_ID, &id_be, 2);
	memcpy(ip + OFF_ICMP_ID + 2, &seq_be, 2);
	isw_tag_fill_payload(key, ip + OFF_PAYLOAD, dst, probe, send_ns);
	memcpy(&sum, ip + OFF_ICMP_SUM, 2);
	sum = isw_cksum_update(sum, t->old_icmp_sum,
	                       isw_cksum_partial(ip + OFF_ICMP_ID, ICMP_PATCH_LEN, 0));
	memcpy(ip + OFF_ICMP_SUM, &sum, 2);
}
