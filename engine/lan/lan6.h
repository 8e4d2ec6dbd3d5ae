/* SPDX-License-Identifier: BSD-2-Clause */
/* On-link IPv6 targets, the IPv6 side of lan.h: swept with our own neighbour solicitations
 * first (ndp.h; their own keyed order, retried like ARP), and the MAC each one answers with is
 * where its ICMPv6 probes then go.  The hosts and their words live in the route6 map's on-link
 * table (route6-map.h), which the senders' next-hop lookup reads; this adds the order, the
 * learning from advertisements, and the arp-view.h view that results are annotated from and
 * ndp-only hosts reported from, with the same rules as ARP's.  The capture thread is the only
 * writer of the words. */
#ifndef ISW_LAN6_H
#define ISW_LAN6_H

#include <stdatomic.h>
#include <stdint.h>

#include "icmpsweep/targets.h"
#include "arp-view.h"
#include "ndp.h"
#include "permute.h"
#include "route6-map.h"

struct isw_oui;

struct isw_lan6 {
	const struct isw_route6_map *m; /* its onlink[] are the hosts, sorted by IPv6 index */
	const isw_targets *targets;
	uint64_t n4; /* the targets' IPv4 count: IPv6 index k is index n4 + k */
	uint64_t n;  /* m->nonlink */
	struct isw_perm perm;
	struct isw_arp_view view;
	struct isw_oui *oui;
	atomic_uint_least64_t hosts, conflicts, replies;
};

/* The NDP sweep of m's on-link hosts (0 of them: the lan6 stays inert).  Returns how many, or
 * -ENOMEM. */
int64_t isw_lan6_init(struct isw_lan6 *l, const struct isw_route6_map *m,
                      const isw_targets *targets, uint64_t n4, uint64_t seed, const char *oui_path);
void isw_lan6_free(struct isw_lan6 *l);

/* The IPv6 address of host j (j < n), and the interface it is on. */
struct isw_addr isw_lan6_addr(const struct isw_lan6 *l, uint64_t j);
static inline unsigned isw_lan6_link(const struct isw_lan6 *l, uint64_t j)
{
	return l->m->hop[isw_route6_map_find(l->m, l->m->onlink[j].k)].link;
}
/* 1 when host j's MAC is known. */
static inline int isw_lan6_known(const struct isw_lan6 *l, uint64_t j)
{
	return (atomic_load_explicit(&l->m->onlink[j].word, memory_order_relaxed) &
	        ISW_ARP_KNOWN) != 0;
}

/* Capture thread: an advertisement arrived on interface link, whose IPv6 source is src6; 1 if
 * it taught a host's MAC (or a conflict).  Only solicited answers to us, about a target on
 * that interface, teach anything. */
int isw_lan6_learn(struct isw_lan6 *l, unsigned link, const uint8_t src6[16],
                   const struct isw_ndp_packet *a);

#endif
