/* SPDX-License-Identifier: BSD-2-Clause */
/* Where probes to a destination leave from: interface, source address and the next hop's
 * MAC, asked of the kernel over rtnetlink (route and neighbour tables). */
#ifndef ISW_ROUTE_H
#define ISW_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "icmpsweep/addr.h"

struct isw_route {
	char iface[32];
	int ifindex;
	uint32_t src;      /* host order */
	uint32_t gateway;  /* 0 when dst is on-link */
	uint32_t next_hop; /* gateway, or dst itself when on-link */
	uint8_t src_mac[6];
	uint8_t next_hop_mac[6];
	int raw_ip; /* link without Ethernet (tun, ppp) */
	/* IPv6 targets leaving here: the source of their probes (the first such route's). */
	uint8_t src6[16];
	int have_src6;
};

/* Finds the next hop's MAC in the neighbour table.  A reachable, permanent or no-ARP entry is
 * taken as it is; a stale one (STALE, DELAY, PROBE: its MAC unconfirmed for a while) is
 * marked failed so that the kernel resolves it afresh by broadcast, as it does for a missing
 * one; then it waits at most timeout_ms for the answer.  Never waits longer. */
int isw_route_resolve_mac(struct isw_route *r, int timeout_ms, char *errbuf);

/* The same for any next hop nh (IPv4: ARP, IPv6: NDP) on interface iface/ifindex, into mac.
 * 0, or -EHOSTUNREACH with a message naming the next hop. */
int isw_neigh_resolve(const char *iface, int ifindex, const struct isw_addr *nh, uint8_t mac[6],
                      int timeout_ms, char *errbuf);

/* The same for n hosts on one link at once (on-link targets): every one asked first, then
 * one wait of at most timeout_ms in all; have[i] says whose MAC came into mac[i].  Returns
 * how many answered. */
size_t isw_neigh_resolve_all(const char *iface, int ifindex, const struct isw_addr *hosts, size_t n,
                             uint8_t (*mac)[6], uint8_t *have, int timeout_ms);

/* Makes the kernel resolve nh (ARP, or NDP to its solicited-node group) as any sender would,
 * with a datagram to the discard port: no privilege needed, nothing waited for. */
void isw_neigh_kick(const char *iface, int ifindex, const struct isw_addr *nh);

/* The IPv4 networks directly attached to iface (its addresses with their prefixes), sorted and
 * disjoint: targets in them are on-link and reached by their own MAC.  Returns how many were
 * stored in out. */
struct isw_prefix {
	uint32_t lo, hi; /* host order, inclusive */
};
int isw_route_onlink_prefixes(const char *iface, struct isw_prefix *out, int max);

/* The kernel's answer for one destination of either family (RTM_GETROUTE).  A lookup that
 * fails names the kind of route in its error: -EINVAL blackhole, -EHOSTUNREACH unreachable,
 * -EACCES prohibit, -ENETUNREACH none (or throw). */
struct isw_route_answer {
	int type; /* RTN_UNICAST, RTN_LOCAL, RTN_BROADCAST, ... */
	int ifindex;
	struct isw_addr gateway; /* the destination's family; all zero (family 0): on-link */
	struct isw_addr src;     /* the source the kernel would choose; family 0: none */
	int prefix_len;          /* with fibmatch: the matching route's prefix length */
};
/* nl from isw_nl_open(NETLINK_ROUTE); oif 0 or an interface the answer must leave through.
 * With fibmatch, only a route that exists in a table counts (the kernel otherwise assumes
 * any destination is on-link when oif is given).  0 or -errno. */
struct isw_nl;
int isw_route_get(struct isw_nl *nl, const struct isw_addr *dst, int oif, int fibmatch,
                  struct isw_route_answer *a);
/* "blackhole", "unreachable", "prohibit" or "no route" for a lookup's error. */
const char *isw_route_err_name(int err);

/* Interface details without a route lookup (for -i with -S and -G). */
int isw_route_iface(const char *iface, struct isw_route *r, char *errbuf);

#endif
