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
	struct isw_route *r = &s->link[0].route;
	struct isw_prefix p[32];
	int rc = isw_route_iface(c->iface, r, errbuf);

	if (rc < 0)
		return rc;
	s->nlinks = 1;
	r->src = c->src_addr;
	if (c->have_src6) {
		memcpy(r->src6, c->src6, 16);
		r->have_src6 = 1;
	}
	/* The ping socket takes IPv4 packets and the kernel finds each next hop: no MACs, no
	 * ARP pass, as on a link without Ethernet. */
	if (s->ping_fd >= 0)
		r->raw_ip = 1;
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

static int hop_onlink_of(const struct isw_hop *h, const void *arg)
{
	return h->kind == ISW_HOP_ONLINK && h->link != *(const unsigned *)arg;
}

static void iface_name(int ifindex, char name[IF_NAMESIZE])
{
	if (!if_indextoname((unsigned)ifindex, name))
		snprintf(name, IF_NAMESIZE, "interface %d", ifindex);
}

int isw_scan_refuse_elsewhere(const struct isw_hop *h, int oif, const char *list, const char *hint,
                              char *errbuf)
{
	char name[IF_NAMESIZE], other[IF_NAMESIZE];

	iface_name(h->ifindex, other);
	iface_name(oif, name);
	snprintf(errbuf, ISW_ERRBUF_SIZE,
	         "targets %s are routed through %s, not -i %s: sweep them in a separate run with "
	         "-i %s%s",
	         list, other, name, other, hint);
	return -EINVAL;
}

/* -i names one interface: targets routed through another are refused. */
static int refuse_elsewhere(struct isw_scan *s, int oif, char *errbuf)
{
	const struct isw_route_map *m = &s->routes;
	const struct isw_hop *h = isw_hop_find(m->hop, m->nhops, isw_hop_elsewhere, &oif);
	char list[ISW_ERRBUF_SIZE / 2];

	if (!h)
		return 0;
	isw_route_map_describe(m, isw_hop_elsewhere, &oif, NULL, list, sizeof(list));
	return isw_scan_refuse_elsewhere(
	    h, oif, list, " (or give -i, -S and -G to send regardless of routes)", errbuf);
}

/* An IPv6 hop's link takes -S's IPv6 source, or the first one routed through it. */
static void take_src6(const struct isw_config *c, struct isw_route *r, const uint8_t *src6)
{
	if (!src6 || r->have_src6)
		return;
	memcpy(r->src6, c->have_src6 ? c->src6 : src6, 16);
	r->have_src6 = 1;
}

int isw_scan_link_for(struct isw_scan *s, const struct isw_hop *h, const uint8_t *src6,
                      char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	char list[ISW_ERRBUF_SIZE / 2], name[IF_NAMESIZE];
	struct isw_scan_link *l;
	unsigned k;

	for (k = 0; k < s->nlinks; k++) {
		if (s->link[k].route.ifindex == h->ifindex) {
			take_src6(c, &s->link[k].route, src6);
			return (int)k;
		}
	}
	iface_name(h->ifindex, name);
	/* No-root mode answers come on one ping socket, matched for one source address. */
	if (k && s->ping_fd >= 0) {
		int first = s->link[0].route.ifindex;

		isw_route_map_describe(&s->routes, isw_hop_elsewhere, &first, NULL, list,
		                       sizeof(list));
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "targets %s are routed through %s, the others through %s: without raw "
		         "sockets (no-root mode) a sweep uses one interface; run one sweep per "
		         "interface (-i)",
		         list, name, s->link[0].route.iface);
		return -EINVAL;
	}
	if (k && (k == ISW_MAX_LINKS || c->src_addr || c->have_src6)) {
		int first = s->link[0].route.ifindex;

		isw_route_map_describe(&s->routes, isw_hop_elsewhere, &first, NULL, list,
		                       sizeof(list));
		if (!*list)
			isw_route6_map_describe(&s->routes6, s->targets, isw_hop_elsewhere, &first,
			                        NULL, list, sizeof(list));
		if (c->src_addr || c->have_src6)
			snprintf(errbuf, ISW_ERRBUF_SIZE,
			         "targets %s are routed through other interfaces than %s (%s among "
			         "them), but -S gives one source address: add -i to sweep one "
			         "interface, or leave -S out",
			         list, s->link[0].route.iface, name);
		else
			snprintf(errbuf, ISW_ERRBUF_SIZE,
			         "targets %s are routed through more than %d interfaces: run one "
			         "sweep per interface (-i)",
			         list, ISW_MAX_LINKS);
		return -EINVAL;
	}
	l = &s->link[k];
	l->s = s;
	l->index = k;
	if (!if_indextoname((unsigned)h->ifindex, name)) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "route: interface %d vanished", h->ifindex);
		return -ENODEV;
	}
	{
		int rc = isw_route_iface(name, &l->route, errbuf);
		if (rc < 0)
			return rc;
	}
	l->route.src = c->src_addr ? c->src_addr : h->src;
	take_src6(c, &l->route, src6);
	if (s->ping_fd >= 0)
		l->route.raw_ip = 1;
	if (!l->route.src && !src6) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "interface '%s' has no IPv4 address; use -S",
		         l->route.iface);
		return -EADDRNOTAVAIL;
	}
	s->nlinks = k + 1;
	return (int)k;
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
		uint64_t n4 = s->n - isw_targets_count_v6(s->targets);

		for (uint64_t pos = sh->lo; pos < sh->hi; pos++) {
			uint64_t idx = isw_perm_at(sh->perm, pos);

			if (idx < n4)
				count +=
				    m->hop[isw_route_map_find(m, isw_targets_at(s->targets, idx))]
				        .kind == ISW_HOP_UNROUTED;
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

/* The targets' routes: which interfaces (without -i, each group of targets its own), which
 * sources, and with -i none of them routed elsewhere. */
static int plan_routes(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_route_map *m = &s->routes;
	char list[ISW_ERRBUF_SIZE / 2], name[IF_NAMESIZE];
	int oif = 0, rc, any = 0, scope = (int)isw_targets_scope6(s->targets);

	if (c->iface) {
		oif = (int)if_nametoindex(c->iface);
		if (!oif) {
			snprintf(errbuf, ISW_ERRBUF_SIZE, "unknown interface '%s'", c->iface);
			return -ENODEV;
		}
	}
	/* Link-local targets name their interface: the sweep's, as if -i named it. */
	if (scope && oif && scope != oif) {
		iface_name(scope, name);
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "the link-local targets are on %s, but -i names %s: sweep them in a "
		         "separate run",
		         name, c->iface);
		return -EINVAL;
	}
	if (!oif)
		oif = scope;
	/* Only IPv6 targets: the IPv4 map stays empty (no IPv4 index is ever walked). */
	if (s->n > isw_targets_count_v6(s->targets)) {
		rc = isw_route_map_build(m, s->targets, oif, errbuf);
		if (rc < 0)
			return rc;
	}
	for (size_t i = 0; i < m->nhops; i++) {
		if (m->hop[i].kind == ISW_HOP_UNROUTED)
			s->unrouted += m->hop[i].count;
		any |= isw_hop_routed(&m->hop[i]);
	}
	if (isw_targets_count_v6(s->targets) &&
	    (rc = isw_scan_plan_routes6(s, oif, &any, errbuf)) < 0)
		return rc;
	if (!any) {
		int self = !s->unrouted;
		char list6[ISW_ERRBUF_SIZE / 4] = "";

		isw_route_map_describe(m, self ? isw_hop_self : isw_hop_unrouted, NULL,
		                       self ? NULL : isw_hop_unrouted_name, list, sizeof(list));
		if (isw_targets_count_v6(s->targets))
			isw_route6_map_describe(
			    &s->routes6, s->targets, self ? isw_hop_self : isw_hop_unrouted, NULL,
			    self ? NULL : isw_hop_unrouted_name, list6, sizeof(list6));
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         self ? "nothing to probe: the targets (%s%s%s) are this host's own or "
		                "broadcast addresses"
		              : "no route to %s%s%s",
		         list, *list && *list6 ? ", " : "", list6);
		return -ENETUNREACH;
	}
	/* "No route" above spoke of the whole set; the count is the shard's. */
	if (s->send.shard.partial)
		s->unrouted = unrouted_in_shard(s, s->unrouted - s->unrouted6) + s->unrouted6;
	if (oif && (rc = refuse_elsewhere(s, oif, errbuf)) < 0)
		return rc;
	/* Interfaces in the order the targets reach them: link 0 is the first target's. */
	for (size_t i = 0; i < m->nsegs; i++) {
		struct isw_hop *h = &m->hop[m->segs[i].hop];

		if (!isw_hop_routed(h))
			continue;
		rc = isw_scan_link_for(s, h, NULL, errbuf);
		if (rc < 0)
			return rc;
		h->link = (uint8_t)rc;
		h->raw_ip = (uint8_t)s->link[rc].route.raw_ip;
	}
	/* IPv6 links after: link 0 stays the first IPv4 target's when there is one. */
	for (size_t i = 0; i < s->routes6.nhops; i++) {
		struct isw_hop *h = &s->routes6.hop[i];

		if (!isw_hop_routed(h))
			continue;
		rc = isw_scan_link_for(s, h, h->src6, errbuf);
		if (rc < 0)
			return rc;
		h->link = (uint8_t)rc;
		h->raw_ip = (uint8_t)s->link[rc].route.raw_ip;
	}
	return 0;
}

/* The on-link targets of link as ranges for the ARP pass: the routes' own view of it. */
static int onlink_ranges(const struct isw_route_map *m, unsigned link, struct isw_prefix **out,
                         size_t *n)
{
	*n = 0;
	*out = malloc((m->nsegs ? m->nsegs : 1) * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < m->nsegs; i++) {
		const struct isw_hop *h = &m->hop[m->segs[i].hop];
		if (h->kind != ISW_HOP_ONLINK || h->link != link)
			continue;
		(*out)[*n].lo = m->segs[i].lo;
		(*out)[(*n)++].hi = m->segs[i].hi;
	}
	return 0;
}

/* The ARP pass covers the on-link targets of one interface (the first that has any); on-link
 * targets on another are refused, with the way out. */
static int plan_lan(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_route_map *m = &s->routes;
	char list[ISW_ERRBUF_SIZE / 2];
	struct isw_route *r;
	struct isw_prefix *p;
	size_t np;
	int64_t n;
	int rc, found = 0;

	for (size_t i = 0; i < m->nsegs && !found; i++) {
		const struct isw_hop *h = &m->hop[m->segs[i].hop];
		if (h->kind == ISW_HOP_ONLINK && !h->raw_ip) {
			s->lan_link = h->link;
			found = 1;
		}
	}
	for (size_t i = 0; i < m->nhops && found; i++) {
		const struct isw_hop *h = &m->hop[i];
		if (!hop_onlink_of(h, &s->lan_link) || h->raw_ip)
			continue;
		isw_route_map_describe(m, hop_onlink_of, &s->lan_link, NULL, list, sizeof(list));
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "targets %s are on a network of %s, other on-link targets on one of %s: "
		         "the ARP pass sweeps one interface's networks; run one sweep per "
		         "interface (-i)",
		         list, s->link[h->link].route.iface, s->link[s->lan_link].route.iface);
		return -EINVAL;
	}
	r = &s->link[s->lan_link].route;
	if (r->raw_ip)
		return 0;
	rc = onlink_ranges(m, s->lan_link, &p, &np);
	if (rc < 0)
		return rc;
	n = isw_lan_init(&s->lan, s->targets, p, np, r->src, r->src_mac, c->seed, &s->send.shard,
	                 c->oui_path, errbuf);
	free(p);
	if (n < 0)
		return (int)n;
	s->lan_active = n > 0;
	return 0;
}

/* Each next hop's MAC: the gateways' from the neighbour table (re-confirmed when stale), the
 * on-link hosts' from the ARP pass; each link's main next hop the first its targets use. */
static int resolve_hops(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_route_map *m = &s->routes;
	int rc, have_main[ISW_MAX_LINKS] = {0};

	if (c->arp != ISW_ARP_OFF && (rc = plan_lan(s, errbuf)) < 0)
		return rc;
	if (c->arp == ISW_ARP_ONLY)
		return 0;
	for (size_t i = 0; i < m->nsegs; i++) {
		struct isw_hop *h = &m->hop[m->segs[i].hop];
		struct isw_route *r, nh;
		char a[ISW_ADDR_STRLEN];

		if (!isw_hop_routed(h) || h->raw_ip)
			continue;
		if (h->kind == ISW_HOP_ONLINK && s->lan_active && h->link == s->lan_link)
			continue;
		r = &s->link[h->link].route;
		if (c->have_gw_mac) {
			memcpy(h->mac, c->gw_mac, 6);
		} else if (h->kind == ISW_HOP_ONLINK && h->count > 1) {
			/* --no-arp: one next-hop MAC cannot reach many on-link hosts. */
			snprintf(
			    errbuf, ISW_ERRBUF_SIZE,
			    "targets such as %s are on-link on %s: without the ARP pass, give a "
			    "next hop with -G MAC",
			    isw_addr_str(m->segs[i].lo, a), r->iface);
			return -EOPNOTSUPP;
		} else if (!(h->mac[0] | h->mac[1] | h->mac[2] | h->mac[3] | h->mac[4] |
		             h->mac[5])) {
			nh = *r;
			nh.next_hop = h->kind == ISW_HOP_GATEWAY ? h->gateway : m->segs[i].lo;
			rc = isw_route_resolve_mac(&nh, ARP_WAIT_MS, errbuf);
			if (rc < 0)
				return rc;
			memcpy(h->mac, nh.next_hop_mac, 6);
		}
		if (!have_main[h->link]) {
			have_main[h->link] = 1;
			memcpy(r->next_hop_mac, h->mac, 6);
			r->next_hop = c->have_gw_mac ? 0 : h->gateway;
			r->gateway = h->gateway;
		}
	}
	/* One next hop for every target: the template's MAC serves them all. */
	s->route_per_probe = !(m->nhops == 1 && m->hop[0].kind == ISW_HOP_GATEWAY);
	return isw_targets_count_v6(s->targets) ? isw_scan_resolve_hops6(s, errbuf) : 0;
}

int isw_scan_route_given(const struct isw_scan *s)
{
	const struct isw_config *c = &s->cfg;
	uint64_t n6 = isw_targets_count_v6(s->targets);

	return c->iface && c->have_gw_mac && (c->src_addr || c->have_src6) &&
	       (s->n == n6 || c->src_addr) && (!n6 || c->have_src6);
}

/* -i, -G and a -S for one family: the other family's targets would need a route after all. */
static int given_missing_source(const struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	uint64_t n6 = isw_targets_count_v6(s->targets);

	if (!c->iface || !c->have_gw_mac || isw_scan_route_given(s))
		return 0;
	if (c->src_addr && n6)
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "-i, -S and -G send regardless of routes, but -S gives no IPv6 source for "
		         "the IPv6 targets: add -S with an IPv6 address, or leave -S out so that "
		         "they take their route's source");
	else if (c->have_src6 && s->n > n6)
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "-i, -S and -G send regardless of routes, but -S gives no IPv4 source for "
		         "the IPv4 targets: add -S with an IPv4 address, or leave -S out so that "
		         "they take their route's source");
	else
		return 0;
	return -EINVAL;
}

/* Decides interface, source and next hops: the kernel's route to each target, with the
 * user's overrides on top. */
int isw_scan_choose_route(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_route *r = &s->link[0].route;
	int rc;

	memset(r, 0, sizeof(*r));
	s->link[0].s = s;
	if (c->dry_run) {
		s->nlinks = 1;
		snprintf(r->iface, sizeof(r->iface), "%s", c->iface ? c->iface : "dry-run");
		r->src = c->src_addr;
		if (c->have_src6) {
			memcpy(r->src6, c->src6, 16);
			r->have_src6 = 1;
		}
		if (c->have_gw_mac)
			memcpy(r->next_hop_mac, c->gw_mac, 6);
		return 0;
	}
	rc = given_missing_source(s, errbuf);
	if (rc < 0)
		return rc;
	rc = isw_scan_route_given(s) ? choose_given(s, errbuf) : plan_routes(s, errbuf);
	if (rc == 0 && !isw_scan_route_given(s))
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
	return (s->lan_active ? s->lan.n : 0) + (s->lan6_active ? s->lan6.n : 0);
}

uint64_t isw_scan_unrouted(const isw_scan *s, char *buf, size_t size)
{
	if (size)
		buf[0] = 0;
	if (s->unrouted > s->unrouted6 && size)
		isw_route_map_describe(&s->routes, isw_hop_unrouted, NULL, isw_hop_unrouted_name,
		                       buf, size);
	if (s->unrouted6 && size) {
		size_t used = strlen(buf);

		if (used && used + 2 < size) {
			memcpy(buf + used, ", ", 3);
			used += 2;
		}
		if (used + 1 < size)
			isw_scan_describe_unrouted6(s, buf + used, size - used);
	}
	return s->unrouted;
}
