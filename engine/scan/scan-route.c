/* SPDX-License-Identifier: BSD-2-Clause */
/* Route choice for a scan: which interface and source, and each target's next hop (the
 * kernel's routes with the user's overrides on top), before any probe leaves. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net/if.h>

#include "icmpsweep/error.h"
#include "scan-internal.h"

#define ARP_WAIT_MS 1000

/* -i, -S and -G together: the user said where every frame goes; no route is asked. */
static int choose_given(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_route *r = &s->route;
	struct isw_prefix p[32];
	int rc = isw_route_iface(c->iface, r, errbuf);

	if (rc < 0)
		return rc;
	r->src = c->src_addr;
	if (c->arp != ISW_ARP_OFF && !r->raw_ip) {
		int np = isw_route_onlink_prefixes(r->iface, p, 32);
		int64_t n = isw_lan_init(&s->lan, s->targets, p, np > 0 ? (size_t)np : 0, r->src,
		                         r->src_mac, c->seed, &s->send.shard, c->oui_path, errbuf);
		if (n < 0)
			return (int)n;
		s->lan_active = n > 0;
	}
	memcpy(r->next_hop_mac, c->gw_mac, 6);
	r->next_hop = 0;
	return 0;
}

static int hop_unrouted(const struct isw_hop *h, const void *arg)
{
	(void)arg;
	return h->kind == ISW_HOP_UNROUTED;
}

static int hop_self(const struct isw_hop *h, const void *arg)
{
	(void)arg;
	return h->kind == ISW_HOP_SELF;
}

static int hop_elsewhere(const struct isw_hop *h, const void *arg)
{
	return (h->kind == ISW_HOP_GATEWAY || h->kind == ISW_HOP_ONLINK) &&
	       h->ifindex != *(const int *)arg;
}

/* The unrouted targets of this shard, exactly: whichever is shorter, the unrouted targets
 * each placed through the inverse permutation, or the shard's positions each looked up (a
 * /0 without a default route has billions unrouted, its shards only millions). */
static uint64_t unrouted_in_shard(const struct isw_scan *s, uint64_t unrouted_all)
{
	const struct isw_route_map *m = &s->routes;
	const struct isw_shard *sh = &s->send.shard;
	uint64_t count = 0;

	if (!unrouted_all)
		return 0;
	if (unrouted_all > sh->hi - sh->lo) {
		for (uint64_t pos = sh->lo; pos < sh->hi; pos++) {
			uint32_t a = isw_targets_at(s->targets, isw_perm_at(sh->perm, pos));

			count += m->hop[isw_route_map_find(m, a)].kind == ISW_HOP_UNROUTED;
		}
		return count;
	}
	for (size_t i = 0; i < m->nsegs; i++) {
		if (m->hop[m->segs[i].hop].kind != ISW_HOP_UNROUTED)
			continue;
		for (uint64_t a = m->segs[i].lo; a <= m->segs[i].hi; a++) {
			int64_t idx = isw_targets_index(s->targets, (uint32_t)a);

			count += idx >= 0 && isw_shard_has(sh, (uint64_t)idx);
		}
	}
	return count;
}

/* The targets' routes: which interface (one per sweep), which source, and none of them
 * routed elsewhere. */
static int plan_routes(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_route_map *m = &s->routes;
	struct isw_route *r = &s->route;
	const struct isw_hop *first = NULL;
	char list[ISW_ERRBUF_SIZE / 2], name[IF_NAMESIZE], other[IF_NAMESIZE];
	int oif = 0, rc;

	if (c->iface) {
		oif = (int)if_nametoindex(c->iface);
		if (!oif) {
			snprintf(errbuf, ISW_ERRBUF_SIZE, "unknown interface '%s'", c->iface);
			return -ENODEV;
		}
	}
	rc = isw_route_map_build(m, s->targets, oif, errbuf);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < m->nhops; i++)
		if (m->hop[i].kind == ISW_HOP_UNROUTED)
			s->unrouted += m->hop[i].count;
	/* "No route" below still speaks of the whole set; the count is the shard's. */
	uint64_t unrouted_all = s->unrouted;
	for (size_t i = 0; i < m->nsegs && !first; i++) {
		const struct isw_hop *h = &m->hop[m->segs[i].hop];
		if (h->kind == ISW_HOP_GATEWAY || h->kind == ISW_HOP_ONLINK)
			first = h;
	}
	if (!first) {
		int self = !s->unrouted;
		isw_route_map_describe(m, self ? hop_self : hop_unrouted, NULL,
		                       self ? NULL : isw_hop_unrouted_name, list, sizeof(list));
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         self ? "nothing to probe: the targets (%s) are this host's own or "
		                "broadcast addresses"
		              : "no route to %s",
		         list);
		return -ENETUNREACH;
	}
	if (s->send.shard.partial)
		s->unrouted = unrouted_in_shard(s, unrouted_all);
	r->ifindex = oif ? oif : first->ifindex;
	for (size_t i = 0; i < m->nhops; i++) {
		const struct isw_hop *h = &m->hop[i];
		if (!hop_elsewhere(h, &r->ifindex))
			continue;
		if (!if_indextoname((unsigned)h->ifindex, other))
			snprintf(other, sizeof(other), "interface %d", h->ifindex);
		if (!if_indextoname((unsigned)r->ifindex, name))
			snprintf(name, sizeof(name), "interface %d", r->ifindex);
		isw_route_map_describe(m, hop_elsewhere, &r->ifindex, NULL, list, sizeof(list));
		if (oif)
			snprintf(
			    errbuf, ISW_ERRBUF_SIZE,
			    "targets %s are routed through %s, not -i %s: sweep them in a "
			    "separate run with -i %s (or give -i, -S and -G to send regardless "
			    "of routes)",
			    list, other, name, other);
		else
			snprintf(errbuf, ISW_ERRBUF_SIZE,
			         "targets %s are routed through %s, the others through %s: a sweep "
			         "sends on one interface; run one sweep per interface (-i)",
			         list, other, name);
		return -EINVAL;
	}
	if (!if_indextoname((unsigned)r->ifindex, name)) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "route: interface %d vanished", r->ifindex);
		return -ENODEV;
	}
	r->src = c->src_addr ? c->src_addr : first->src;
	rc = isw_route_iface(name, r, errbuf);
	if (rc < 0)
		return rc;
	/* The ping socket takes IPv4 packets and the kernel finds each next hop: no MACs, no
	 * ARP pass, as on a link without Ethernet. */
	if (s->ping_fd >= 0)
		r->raw_ip = 1;
	if (!r->src) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "interface '%s' has no IPv4 address; use -S",
		         r->iface);
		return -EADDRNOTAVAIL;
	}
	return 0;
}

/* The on-link targets as ranges for the ARP pass: the routes' own view of the link. */
static int onlink_ranges(const struct isw_route_map *m, struct isw_prefix **out, size_t *n)
{
	*n = 0;
	*out = malloc((m->nsegs ? m->nsegs : 1) * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < m->nsegs; i++) {
		if (m->hop[m->segs[i].hop].kind != ISW_HOP_ONLINK)
			continue;
		(*out)[*n].lo = m->segs[i].lo;
		(*out)[(*n)++].hi = m->segs[i].hi;
	}
	return 0;
}

/* Each next hop's MAC: the gateways' from the neighbour table (re-confirmed when stale), the
 * on-link hosts' from the ARP pass. */
static int resolve_hops(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_route_map *m = &s->routes;
	struct isw_route *r = &s->route;
	const struct isw_hop *main_hop = NULL;
	int rc;

	if (c->arp != ISW_ARP_OFF && !r->raw_ip) {
		struct isw_prefix *p;
		size_t np;
		int64_t n;

		rc = onlink_ranges(m, &p, &np);
		if (rc < 0)
			return rc;
		n = isw_lan_init(&s->lan, s->targets, p, np, r->src, r->src_mac, c->seed,
		                 &s->send.shard, c->oui_path, errbuf);
		free(p);
		if (n < 0)
			return (int)n;
		s->lan_active = n > 0;
	}
	if (c->arp == ISW_ARP_ONLY)
		return 0;
	for (size_t i = 0; i < m->nsegs; i++) {
		struct isw_hop *h = &m->hop[m->segs[i].hop];
		struct isw_route nh = *r;
		char a[ISW_ADDR_STRLEN];

		if (h->kind == ISW_HOP_ONLINK && s->lan_active)
			continue;
		if ((h->kind != ISW_HOP_GATEWAY && h->kind != ISW_HOP_ONLINK) || r->raw_ip)
			continue;
		if (!main_hop)
			main_hop = h;
		if (c->have_gw_mac) {
			memcpy(h->mac, c->gw_mac, 6);
			continue;
		}
		if (h->kind == ISW_HOP_ONLINK && h->count > 1) {
			/* --no-arp: one next-hop MAC cannot reach many on-link hosts. */
			snprintf(
			    errbuf, ISW_ERRBUF_SIZE,
			    "targets such as %s are on-link on %s: without the ARP pass, give a "
			    "next hop with -G MAC",
			    isw_addr_str(m->segs[i].lo, a), r->iface);
			return -EOPNOTSUPP;
		}
		if (h->mac[0] | h->mac[1] | h->mac[2] | h->mac[3] | h->mac[4] | h->mac[5])
			continue; /* resolved for an earlier segment */
		nh.next_hop = h->kind == ISW_HOP_GATEWAY ? h->gateway : m->segs[i].lo;
		rc = isw_route_resolve_mac(&nh, ARP_WAIT_MS, errbuf);
		if (rc < 0)
			return rc;
		memcpy(h->mac, nh.next_hop_mac, 6);
	}
	if (main_hop) {
		memcpy(r->next_hop_mac, main_hop->mac, 6);
		r->next_hop = c->have_gw_mac ? 0 : main_hop->gateway;
		r->gateway = main_hop->gateway;
	}
	/* One next hop for every target: the template's MAC serves them all. */
	s->route_per_probe = !(m->nhops == 1 && m->hop[0].kind == ISW_HOP_GATEWAY);
	return 0;
}

/* Decides interface, source and next hops: the kernel's route to each target, with the
 * user's overrides on top. */
int isw_scan_choose_route(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_route *r = &s->route;
	int rc;

	memset(r, 0, sizeof(*r));
	if (c->dry_run) {
		snprintf(r->iface, sizeof(r->iface), "%s", c->iface ? c->iface : "dry-run");
		r->src = c->src_addr;
		if (c->have_gw_mac)
			memcpy(r->next_hop_mac, c->gw_mac, 6);
		return 0;
	}
	rc = c->iface && c->src_addr && c->have_gw_mac ? choose_given(s, errbuf)
	                                               : plan_routes(s, errbuf);
	if (rc == 0 && !(c->iface && c->src_addr && c->have_gw_mac))
		rc = resolve_hops(s, errbuf);
	if (rc < 0)
		return rc;
	if (c->arp == ISW_ARP_ONLY && !s->lan_active) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "--arp-only: no target is on a network attached to %s", r->iface);
		return -EINVAL;
	}
	return 0;
}

uint64_t isw_scan_onlink(const isw_scan *s)
{
	return s->lan_active ? s->lan.n : 0;
}

uint64_t isw_scan_unrouted(const isw_scan *s, char *buf, size_t size)
{
	if (size)
		buf[0] = 0;
	if (s->unrouted && size)
		isw_route_map_describe(&s->routes, hop_unrouted, NULL, isw_hop_unrouted_name, buf,
		                       size);
	return s->unrouted;
}
