/* SPDX-License-Identifier: BSD-2-Clause */
/* Route choice for a scan's IPv6 targets: each one's hop from route6-map.h, the interfaces
 * and IPv6 sources they leave by, the gateways' MACs through the kernel's neighbour table, and
 * the table of on-link hosts the NDP pass fills, before any probe leaves.  The IPv4 side is
 * scan-route.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "scan-internal.h"

#define NDP_WAIT_MS 1000
/* With --no-arp, on-link IPv6 targets are resolved one by one through the neighbour table,
 * all asked at once and waited for together; more than this would flood the table (its
 * default gc_thresh3 is 1024): the NDP pass is the way for more. */
#define ONLINK6_MAX 256

static int hop_onlink(const struct isw_hop *h, const void *arg)
{
	(void)arg;
	return h->kind == ISW_HOP_ONLINK;
}

/* IPv6 target k's overall index. */
static uint64_t index6(const struct isw_scan *s, uint64_t k)
{
	return s->n - isw_targets_count_v6(s->targets) + k;
}

/* Entry i of the map holds IPv6 targets [first[i], its end). */
static uint64_t entry_end(const struct isw_scan *s, size_t i)
{
	const struct isw_route6_map *m = &s->routes6;

	return i + 1 < m->n ? m->first[i + 1] : isw_targets_count_v6(s->targets);
}

/* This shard's unrouted IPv6 targets, exactly (the whole set without shards). */
static uint64_t unrouted_in_shard6(const struct isw_scan *s)
{
	const struct isw_route6_map *m = &s->routes6;
	uint64_t count = 0;

	for (size_t i = 0; i < m->n; i++) {
		if (m->hop[m->hops[i]].kind != ISW_HOP_UNROUTED)
			continue;
		if (!s->send.shard.partial) {
			count += entry_end(s, i) - m->first[i];
			continue;
		}
		for (uint64_t k = m->first[i]; k < entry_end(s, i); k++)
			count += isw_shard_has(&s->send.shard, index6(s, k));
	}
	return count;
}

void isw_scan_describe_unrouted6(const struct isw_scan *s, char *buf, size_t size)
{
	isw_route6_map_describe(&s->routes6, s->targets, isw_hop_unrouted, NULL,
	                        isw_hop_unrouted_name, buf, size);
}

int isw_scan_plan_routes6(struct isw_scan *s, int oif, int *any, char *errbuf)
{
	struct isw_route6_map *m = &s->routes6;
	char list[ISW_ERRBUF_SIZE / 2];
	const struct isw_hop *h;
	int rc;

	rc = isw_route6_map_build(m, s->targets, oif, errbuf);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < m->nhops; i++)
		*any |= isw_hop_routed(&m->hop[i]);
	s->unrouted6 = unrouted_in_shard6(s);
	s->unrouted += s->unrouted6;
	h = oif ? isw_hop_find(m->hop, m->nhops, isw_hop_elsewhere, &oif) : NULL;
	if (h) {
		isw_route6_map_describe(m, s->targets, isw_hop_elsewhere, &oif, NULL, list,
		                        sizeof(list));
		return isw_scan_refuse_elsewhere(h, oif, list, "", errbuf);
	}
	return 0;
}

/* Every on-link IPv6 target of this shard on r's interface, into the on-link table: silent
 * ones are not probed, as on-link IPv4 hosts silent to ARP.  Their MACs come from the NDP pass
 * (lan6.h), as many as the ARP pass would take: the table costs 16 bytes a host, and the
 * IPv6 target set itself is bounded (targets6.h).  With --no-arp, from the kernel's neighbour
 * table instead, one by one, at most ONLINK6_MAX. */
static int collect_onlink6(struct isw_scan *s, const struct isw_route *r, char *errbuf)
{
	struct isw_route6_map *m = &s->routes6;
	const struct isw_shard *sh = &s->send.shard;
	const int kernel = s->cfg.arp == ISW_ARP_OFF;
	struct isw_addr *hosts = NULL;
	uint8_t(*mac)[6] = NULL, *have = NULL;
	uint64_t n = 0, first = m->nonlink;
	char list[ISW_ERRBUF_SIZE / 2];
	struct isw_nd_host *v;

	for (size_t i = 0; i < m->n; i++)
		if (m->hop[m->hops[i]].kind == ISW_HOP_ONLINK &&
		    m->hop[m->hops[i]].ifindex == r->ifindex)
			for (uint64_t k = m->first[i]; k < entry_end(s, i); k++)
				n += isw_shard_has(sh, index6(s, k));
	if (!n)
		return 0;
	if (kernel && n > ONLINK6_MAX) {
		isw_route6_map_describe(m, s->targets, hop_onlink, NULL, NULL, list, sizeof(list));
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "%llu IPv6 targets are on-link on %s (%s): with --no-arp at most %d are "
		         "resolved through the neighbour table before a sweep; leave --no-arp out "
		         "for the NDP pass, or sweep fewer at a time",
		         (unsigned long long)n, r->iface, list, ONLINK6_MAX);
		return -EINVAL;
	}
	v = realloc(m->onlink, (m->nonlink + n) * sizeof(*v));
	if (v)
		m->onlink = v;
	if (v && kernel) {
		hosts = calloc(n, sizeof(*hosts));
		mac = calloc(n, sizeof(*mac));
		have = calloc(n, 1);
	}
	if (!v || (kernel && (!hosts || !mac || !have))) {
		free(hosts);
		free(mac);
		free(have);
		snprintf(errbuf, ISW_ERRBUF_SIZE, "out of memory for %llu on-link IPv6 targets",
		         (unsigned long long)n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->n; i++) {
		if (m->hop[m->hops[i]].kind != ISW_HOP_ONLINK ||
		    m->hop[m->hops[i]].ifindex != r->ifindex)
			continue;
		for (uint64_t k = m->first[i]; k < entry_end(s, i); k++) {
			if (!isw_shard_has(sh, index6(s, k)))
				continue;
			if (kernel)
				hosts[m->nonlink - first] =
				    isw_targets_at_addr(s->targets, index6(s, k));
			m->onlink[m->nonlink].k = k;
			atomic_init(&m->onlink[m->nonlink].word, 0);
			m->nonlink++;
		}
	}
	if (kernel) {
		isw_neigh_resolve_all(r->iface, r->ifindex, hosts, n, mac, have, NDP_WAIT_MS);
		for (size_t j = 0; j < n; j++)
			if (have[j])
				isw_arp_word_learn(&m->onlink[first + j].word, mac[j]);
	}
	free(hosts);
	free(mac);
	free(have);
	return 0;
}

static int cmp_nd_host(const void *a, const void *b)
{
	const struct isw_nd_host *x = a, *y = b;

	return (x->k > y->k) - (x->k < y->k);
}

int isw_scan_resolve_hops6(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_route6_map *m = &s->routes6;
	int rc;

	/* A link without Ethernet (and no-root mode's) has no MACs: the frame is the packet. */
	for (size_t i = 0; i < m->nhops; i++) {
		struct isw_hop *h = &m->hop[i];
		struct isw_route *r = &s->link[h->link].route;
		struct isw_addr gw = isw_addr_from_v6(h->gateway6);

		if (h->kind != ISW_HOP_GATEWAY || h->raw_ip)
			continue;
		if (c->have_gw_mac) {
			memcpy(h->mac, c->gw_mac, 6);
			continue;
		}
		rc = isw_neigh_resolve(r->iface, r->ifindex, &gw, h->mac, NDP_WAIT_MS, errbuf);
		if (rc < 0)
			return rc;
		/* Path health watches each link's first IPv6 gateway, as the IPv4 one. */
		if (!s->link[h->link].have_nh6) {
			s->link[h->link].have_nh6 = 1;
			memcpy(s->link[h->link].nh6_watch, h->gateway6, 16);
			memcpy(s->link[h->link].nh6_mac, h->mac, 6);
		}
		/* A link only IPv6 targets use shows their first gateway as its next hop. */
		if (!r->src && !(r->next_hop_mac[0] | r->next_hop_mac[1] | r->next_hop_mac[2] |
		                 r->next_hop_mac[3] | r->next_hop_mac[4] | r->next_hop_mac[5]))
			memcpy(r->next_hop_mac, h->mac, 6);
	}
	for (unsigned l = 0; l < s->nlinks; l++) {
		if (s->link[l].route.raw_ip)
			continue; /* no MACs: the kernel finds on-link hosts itself */
		rc = collect_onlink6(s, &s->link[l].route, errbuf);
		if (rc < 0)
			return rc;
	}
	if (!m->nonlink || c->arp == ISW_ARP_OFF)
		return 0;
	qsort(m->onlink, m->nonlink, sizeof(*m->onlink), cmp_nd_host);
	rc = (int)isw_lan6_init(&s->lan6, m, s->targets, s->n - isw_targets_count_v6(s->targets),
	                        c->seed, c->oui_path);
	if (rc < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "out of memory for %zu on-link IPv6 targets",
		         m->nonlink);
		return rc;
	}
	s->lan6_active = 1;
	isw_report_add_view(&s->report, &s->lan6.view);
	s->report.scope6 = isw_targets_scope6(s->targets);
	return 0;
}
