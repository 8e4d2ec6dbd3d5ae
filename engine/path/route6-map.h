/* SPDX-License-Identifier: BSD-2-Clause */
/* Where each IPv6 target goes: the IPv6 part of the target set cut at every address where the
 * kernel's route lookup may change, one lookup per piece (as route-map.h does for IPv4).
 * Keyed by IPv6 target index (the set's IPv6 indices follow address order), so the sender
 * finds a target's hop by a binary search over a small table of index runs.  On-link targets
 * carry their own MACs, found by the NDP pass (lan6.h). */
#ifndef ISW_ROUTE6_MAP_H
#define ISW_ROUTE6_MAP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "icmpsweep/targets.h"
#include "route-map.h"

/* An on-link IPv6 target: its IPv6 index and what NDP taught about it, an arp-view.h word
 * (0 until it answers; the capture thread learns, the senders read). */
struct isw_nd_host {
	uint64_t k;
	_Atomic uint64_t word;
};

struct isw_route6_map {
	uint64_t *first; /* entry i holds IPv6 indices [first[i], first[i + 1]) */
	uint32_t *hops;  /* ... and its hop index */
	size_t n, cap;
	struct isw_hop *hop;
	size_t nhops;
	struct isw_nd_host *onlink; /* sorted by k; filled by the caller */
	size_t nonlink;
};

/* Looks up the route of every piece of the IPv6 targets; oif as isw_route_map_build's.
 * 0 or -errno with errbuf set. */
int isw_route6_map_build(struct isw_route6_map *m, const isw_targets *targets, int oif,
                         char *errbuf);
void isw_route6_map_free(struct isw_route6_map *m);

/* Index of the hop of IPv6 target k. */
static inline uint32_t isw_route6_map_find(const struct isw_route6_map *m, uint64_t k)
{
	size_t lo = 0, hi = m->n;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (m->first[mid] <= k)
			lo = mid;
		else
			hi = mid;
	}
	return m->hops[lo];
}

/* The on-link entry of IPv6 target k, or NULL. */
static inline const struct isw_nd_host *isw_route6_map_onlink(const struct isw_route6_map *m,
                                                              uint64_t k)
{
	size_t lo = 0, hi = m->nonlink;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->onlink[mid].k < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->nonlink && m->onlink[lo].k == k ? &m->onlink[lo] : NULL;
}

/* The IPv6 targets whose hop satisfies want(hop, arg), as "2001:db8::/112 (blackhole),
 * 2001:db8::9" (label as isw_route_map_describe's), at most a few, then "and N more". */
void isw_route6_map_describe(const struct isw_route6_map *m, const isw_targets *targets,
                             int (*want)(const struct isw_hop *h, const void *arg), const void *arg,
                             const char *(*label)(const struct isw_hop *h), char *buf, size_t size);

#endif
