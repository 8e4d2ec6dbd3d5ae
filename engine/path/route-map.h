/* SPDX-License-Identifier: BSD-2-Clause */
/* Where each target goes: the target set cut at every address where the kernel's route
 * lookup may change (route and rule prefixes), one lookup per piece, pieces with the same
 * answer sharing one next hop.  Built before the sweep; the sender then finds a target's next
 * hop by a binary search over a small table, without a system call. */
#ifndef ISW_ROUTE_MAP_H
#define ISW_ROUTE_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "icmpsweep/targets.h"

enum isw_hop_kind {
	ISW_HOP_GATEWAY,  /* behind a gateway: frames go to its MAC */
	ISW_HOP_ONLINK,   /* on a network of the interface: frames go to the host's own MAC */
	ISW_HOP_SELF,     /* this host's own or a broadcast address: not probed */
	ISW_HOP_UNROUTED, /* blackhole, unreachable, prohibit, throw or no route: not probed */
};

struct isw_hop {
	enum isw_hop_kind kind;
	int ifindex;
	uint32_t gateway; /* ISW_HOP_GATEWAY */
	uint32_t src;     /* the route's preferred source */
	int err;          /* ISW_HOP_UNROUTED: the lookup's -errno, or 0 with type set */
	int type;         /* the route's type (RTN_*) */
	uint8_t mac[6];   /* filled by the caller once resolved */
	/* Filled by the caller: which of the sweep's interfaces the hop is on, and whether that
	 * link carries no MACs (tun, ppp). */
	uint8_t link, raw_ip;
	uint64_t count; /* targets with this hop */
	/* IPv6 hops (route6-map.h): the gateway (all zero: on-link) and the preferred source. */
	uint8_t gateway6[16], src6[16];
};

/* A run of targets [lo, hi] (not every address in it need be a target) with one hop. */
struct isw_route_seg {
	uint32_t lo, hi;
	uint32_t hop;
};

struct isw_route_map {
	struct isw_route_seg *segs; /* sorted; neighbours differ in hop or are not adjacent */
	size_t nsegs;
	uint32_t *lo;   /* lookup table: entry i holds from lo[i] up to lo[i + 1] */
	uint32_t *hops; /* ... and its hop index */
	size_t n;
	struct isw_hop *hop;
	size_t nhops;
};

/* Looks up the route of every piece of targets.  oif 0, or the -i interface: a target routed
 * elsewhere then takes a route of oif's if a table has one (a second default route), else it
 * keeps its own interface for the caller to refuse.  0 or -errno with errbuf set. */
int isw_route_map_build(struct isw_route_map *m, const isw_targets *targets, int oif, char *errbuf);
void isw_route_map_free(struct isw_route_map *m);

/* Index of the hop of target addr. */
static inline uint32_t isw_route_map_find(const struct isw_route_map *m, uint32_t addr)
{
	size_t lo = 0, hi = m->n;

	/* The last entry starting at or below addr; entry 0 starts at the first target. */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (m->lo[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return m->hops[lo];
}

/* The targets whose hop satisfies want(hop, arg), as "198.19.2.0/30 (blackhole), 198.19.3.1"
 * (with each hop's label(hop) in parentheses when label is given), at most a few, then "and
 * N more ranges". */
void isw_route_map_describe(const struct isw_route_map *m,
                            int (*want)(const struct isw_hop *h, const void *arg), const void *arg,
                            const char *(*label)(const struct isw_hop *h), char *buf, size_t size);

/* What an unrouted hop's route is: "blackhole", "prohibit", ... */
const char *isw_hop_unrouted_name(const struct isw_hop *h);

#endif
