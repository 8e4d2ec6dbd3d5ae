/* Where probes to a destination leave from: interface, source address and the next hop's
 * MAC, asked of the kernel over rtnetlink (route and neighbour tables). */
#ifndef ISW_ROUTE_H
#define ISW_ROUTE_H

#include <stdint.h>

struct isw_route {
	char iface[32];
	int ifindex;
	uint32_t src;      /* host order */
	uint32_t gateway;  /* 0 when dst is on-link */
	uint32_t next_hop; /* gateway, or dst itself when on-link */
	uint8_t src_mac[6];
	uint8_t next_hop_mac[6];
	int raw_ip; /* link without Ethernet (tun, ppp) */
};

/* Looks up the route to dst, optionally forced out of iface.  Fills everything but the
 * next-hop MAC. */
int isw_route_lookup(uint32_t dst, const char *iface, struct isw_route *r, char *errbuf);

/* Finds the next hop's MAC in the neighbour table; if it is missing or failed, makes the
 * kernel resolve it and waits at most timeout_ms.  Never waits longer. */
int isw_route_resolve_mac(struct isw_route *r, int timeout_ms, char *errbuf);

/* The IPv4 networks directly attached to iface (its addresses with their prefixes): targets in
 * them are on-link and reached by their own MAC.  Returns how many were stored in out. */
struct isw_prefix {
	uint32_t lo, hi; /* host order, inclusive */
};
int isw_route_onlink_prefixes(const char *iface, struct isw_prefix *out, int max);

/* Interface details without a route lookup (for -i with -S and -G). */
int isw_route_iface(const char *iface, struct isw_route *r, char *errbuf);

#endif
