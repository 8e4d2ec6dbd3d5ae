/* SPDX-License-Identifier: BSD-2-Clause */
/* Neighbour discovery frames (ndp.h): the solicitation template patched per target, and
 * parsing of the advertisements. */
#include <stdio.h>
#include <string.h>

#include "icmpsweep/addr.h"
#include "bytes.h"
#include "checksum.h"
#include "ndp.h"

#define OFF_IP6   14
#define OFF_ICMP6 (OFF_IP6 + 40)
#define ICMP6_LEN (ISW_NDP_NS_LEN - OFF_ICMP6)
#define NS_TYPE   135
#define NA_TYPE   136
#define OPT_SLLA  1
#define OPT_TLLA  2

void isw_ndp_template_init(struct isw_ndp_template *t, const uint8_t src_mac[6],
                           const uint8_t src6[16])
{
	uint8_t *f = t->frame, *ip = f + OFF_IP6, *icmp = f + OFF_ICMP6;

	memset(t, 0, sizeof(*t));
	/* Destination MAC and group are the target's: filled by the patch. */
	f[0] = 0x33;
	f[1] = 0x33;
	f[2] = 0xff;
	memcpy(f + 6, src_mac, 6);
	isw_put_be16(f + 12, 0x86dd);
	ip[0] = 0x60;
	isw_put_be16(ip + 4, ICMP6_LEN);
	ip[6] = 58;
	/* RFC 4861: receivers drop neighbour discovery that may have crossed a router. */
	ip[7] = 255;
	memcpy(ip + 8, src6, 16);
	ip[24] = 0xff;
	ip[25] = 0x02;
	ip[35] = 0x01;
	ip[36] = 0xff;
	icmp[0] = NS_TYPE;
	/* Our MAC in the source link-layer option, so the target can answer without asking. */
	icmp[24] = OPT_SLLA;
	icmp[25] = 1;
	memcpy(icmp + 26, src_mac, 6);
	t->len = ISW_NDP_NS_LEN;
}

void isw_ndp_patch(const struct isw_ndp_template *t, uint8_t *frame, const uint8_t target[16])
{
	uint8_t *ip = frame + OFF_IP6, *icmp = frame + OFF_ICMP6;
	uint16_t sum;

	memcpy(frame, t->frame, ISW_NDP_NS_LEN);
	/* The solicited-node group: the target's low 24 bits, in the MAC as in the address. */
	memcpy(frame + 3, target + 13, 3);
	memcpy(ip + 24 + 13, target + 13, 3);
	memcpy(icmp + 8, target, 16);
	/* Summed in native order (checksum.h), so stored the same way. */
	sum = isw_cksum_fold(
	    isw_cksum_partial(icmp, ICMP6_LEN, isw_cksum_pseudo6(ip + 8, ip + 24, ICMP6_LEN, 58)));
	memcpy(icmp + 2, &sum, 2);
}

/* The options after the advertisement's 24 bytes: every length non-zero and inside the packet
 * (RFC 4861 7.1.2); the target link-layer address, when there is one, into mac.  1 if they are
 * well-formed. */
static int parse_options(const uint8_t *opt, size_t len, uint8_t mac[6], int *have_mac)
{
	while (len >= 2) {
		size_t olen = (size_t)opt[1] * 8;

		if (!olen || olen > len)
			return 0;
		if (opt[0] == OPT_TLLA && olen == 8) {
			memcpy(mac, opt + 2, 6);
			*have_mac = 1;
		}
		opt += olen;
		len -= olen;
	}
	return len == 0;
}

int isw_ndp_parse(const uint8_t *pkt, size_t caplen, struct isw_ndp_packet *a)
{
	const uint8_t *ip = pkt + OFF_IP6, *icmp = pkt + OFF_ICMP6;
	size_t plen;
	int have_mac = 0;

	if (!isw_ndp_is_advert(pkt, caplen) || (ip[0] >> 4) != 6 || ip[7] != 255 || icmp[1] != 0)
		return 0;
	plen = isw_get_be16(ip + 4);
	if (plen < 24 || OFF_ICMP6 + plen > caplen)
		return 0;
	if (isw_cksum_fold(isw_cksum_partial(
	        icmp, plen, isw_cksum_pseudo6(ip + 8, ip + 24, (uint32_t)plen, 58))))
		return 0;
	/* A multicast target is no neighbour's address. */
	if (icmp[8] == 0xff)
		return 0;
	if (!parse_options(icmp + 24, plen - 24, a->mac, &have_mac))
		return 0;
	/* Without the option (allowed when the solicitation was unicast) the frame's source is the
	 * sender's own MAC. */
	if (!have_mac)
		memcpy(a->mac, pkt + 6, 6);
	memcpy(a->src, ip + 8, 16);
	memcpy(a->dst, ip + 24, 16);
	memcpy(a->target, icmp + 8, 16);
	a->solicited = (icmp[4] & 0x40) != 0;
	memcpy(a->eth_src, pkt + 6, 6);
	return 1;
}

void isw_ndp_describe(const struct isw_ndp_packet *a, int learned, char *buf, size_t size)
{
	char t[ISW_ADDR_TEXT_MAX];
	struct isw_addr target;

	if (!a) {
		snprintf(buf, size, "NDP: not a valid neighbour advertisement, ignored");
		return;
	}
	target = isw_addr_from_v6(a->target);
	snprintf(buf, size, "neighbour advertisement: %s is at %02x:%02x:%02x:%02x:%02x:%02x%s",
	         isw_addr_format(&target, t), a->mac[0], a->mac[1], a->mac[2], a->mac[3], a->mac[4],
	         a->mac[5], learned ? "" : " (not new)");
}
