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
#include "route-hop.h"

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

#endif
