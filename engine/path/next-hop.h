/* SPDX-License-Identifier: BSD-2-Clause */
/* Where each probe's frame goes when not every target shares the template's next hop: the
 * route's next hop for the target, or for an on-link target swept with ARP, the MAC the host
 * answered with.  Asked per probe by the senders, and by the trace when it rebuilds a probe;
 * inline because it sits on the send path. */
#ifndef ISW_NEXT_HOP_H
#define ISW_NEXT_HOP_H

#include <stdint.h>
#include <string.h>

#include "lan.h"
#include "route-map.h"
#include "route6-map.h"

/* Where the probe to dst goes: its next hop's MAC (ISW_NEXT_HOP_MAC, mac filled), the
 * template's (ISW_NEXT_HOP_TEMPLATE), nowhere (ISW_NEXT_HOP_NONE: an on-link host silent to
 * ARP, our own or a broadcast address) or not at all (ISW_NEXT_HOP_UNROUTED). */
enum {
	ISW_NEXT_HOP_UNROUTED = -2,
	ISW_NEXT_HOP_NONE = -1,
	ISW_NEXT_HOP_TEMPLATE = 0,
	ISW_NEXT_HOP_MAC = 1,
	ISW_NEXT_HOP_ONLINK_TABLE = 2, /* isw_next_hop_of only: the on-link table answers */
};

/* The tables the answer comes from; both NULL: the template's next hop serves every target. */
struct isw_next_hops {
	const struct isw_route_map *routes; /* targets differ in next hop: look each one up */
	const struct isw_lan *lan;          /* on-link targets swept with ARP */
	unsigned lan_link;                  /* the interface the on-link targets are on */
	/* IPv6 targets' hops; NULL: the IPv6 template's next hop serves them all (a dry run). */
	const struct isw_route6_map *routes6;
};

/* 1 when targets differ in next hop, so each probe asks isw_next_hop. */
static inline int isw_next_hop_per_probe(const struct isw_next_hops *h)
{
	return h->routes || h->lan;
}

/* On-link targets swept with ARP: the MAC the host answered with, or nobody to probe (silent
 * to ARP, or our own address, which is not reachable over the wire). */
static inline int isw_next_hop_lan(const struct isw_lan *lan, uint32_t dst, uint8_t mac[6])
{
	int64_t oidx;

	if (dst == lan->src)
		return ISW_NEXT_HOP_NONE;
	oidx = isw_lan_index(lan, dst);
	if (oidx < 0)
		return ISW_NEXT_HOP_TEMPLATE;
	return isw_lan_mac(lan, oidx, mac) ? ISW_NEXT_HOP_MAC : ISW_NEXT_HOP_NONE;
}

/* What hop says of a probe's frame, for either family, and in *link the interface it leaves
 * by.  An on-link hop whose hosts' MACs a table of their own holds (onlink_table) leaves the
 * answer to that table: ISW_NEXT_HOP_ONLINK_TABLE, which never reaches a sender. */
static inline int isw_next_hop_of(const struct isw_hop *hop, int onlink_table, uint8_t mac[6],
                                  unsigned *link)
{
	*link = hop->link;
	switch (hop->kind) {
	case ISW_HOP_UNROUTED:
		return ISW_NEXT_HOP_UNROUTED;
	case ISW_HOP_SELF:
		return ISW_NEXT_HOP_NONE;
	case ISW_HOP_ONLINK:
		if (onlink_table)
			return ISW_NEXT_HOP_ONLINK_TABLE;
		/* fall through */
	case ISW_HOP_GATEWAY:
		break;
	}
	if (hop->raw_ip)
		return ISW_NEXT_HOP_TEMPLATE;
	memcpy(mac, hop->mac, 6);
	return ISW_NEXT_HOP_MAC;
}

/* ... and in *link the interface it leaves by (left alone for the template's). */
static inline int isw_next_hop(const struct isw_next_hops *h, uint32_t dst, uint8_t mac[6],
                               unsigned *link)
{
	if (h->routes) {
		/* Swept with ARP: an on-link host's own MAC comes from the LAN table below. */
		int v = isw_next_hop_of(&h->routes->hop[isw_route_map_find(h->routes, dst)],
		                        h->lan != NULL, mac, link);

		if (v != ISW_NEXT_HOP_ONLINK_TABLE)
			return v;
	}
	if (!h->lan)
		return ISW_NEXT_HOP_TEMPLATE;
	*link = h->lan_link;
	return isw_next_hop_lan(h->lan, dst, mac);
}

/* The same for IPv6 target k (its index among the IPv6 targets): a gateway's MAC, an on-link
 * host's own (from the NDP pass, or the neighbour table with --no-arp), or nowhere. */
static inline int isw_next_hop6(const struct isw_next_hops *h, uint64_t k, uint8_t mac[6],
                                unsigned *link)
{
	const struct isw_route6_map *m = h->routes6;
	const struct isw_nd_host *nd;
	const struct isw_hop *hop;
	uint64_t w;
	int v;

	if (!m)
		return ISW_NEXT_HOP_TEMPLATE;
	hop = &m->hop[isw_route6_map_find(m, k)];
	/* No MACs on a raw-IP link (no-root mode's too): the frame is the IPv6 packet. */
	v = isw_next_hop_of(hop, !hop->raw_ip, mac, link);
	if (v != ISW_NEXT_HOP_ONLINK_TABLE)
		return v;
	nd = isw_route6_map_onlink(m, k);
	w = nd ? atomic_load_explicit(&nd->word, memory_order_relaxed) : 0;
	if (!(w & ISW_ARP_KNOWN))
		return ISW_NEXT_HOP_NONE;
	isw_arp_mac_bytes(w & ISW_ARP_MAC_BITS, mac);
	return ISW_NEXT_HOP_MAC;
}

#endif
