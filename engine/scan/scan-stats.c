/* SPDX-License-Identifier: BSD-2-Clause */
/* What a scan reports while it runs and after: its counters, and the route it chose. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan-internal.h"

void isw_scan_get_stats(const isw_scan *cs, struct isw_scan_stats *st)
{
	struct isw_scan *s = (struct isw_scan *)cs;
	uint64_t now = isw_now_ns(), first = atomic_load(&s->count.first_send_ns),
	         end = atomic_load(&s->count.send_end_ns);

	memset(st, 0, sizeof(*st));
	st->targets = s->shard_targets;                   /* this shard's, or all */
	st->probed = s->send.shard.hi - s->send.shard.lo; /* fewer with --max-targets */
	st->sent = atomic_load(&s->count.sent);
	st->send_errors = atomic_load(&s->count.send_errors);
	st->skipped = atomic_load(&s->count.skipped);
	st->done = atomic_load(&s->count.done);
	st->pass = atomic_load(&s->count.pass);
	st->hits = atomic_load(&s->hits);
	st->icmp_errors = atomic_load(&s->icmp_errors);
	st->replies = atomic_load(&s->replies);
	st->duplicates = atomic_load(&s->duplicates);
	st->invalid = atomic_load(&s->invalid);
	st->other_shard = atomic_load(&s->other_shard);
	st->pcap_recv = atomic_load(&s->pcap_recv);
	st->pcap_drop = atomic_load(&s->pcap_drop);
	st->pcap_ifdrop = atomic_load(&s->pcap_ifdrop);
	st->elapsed_s = s->start_ns ? (double)(now - s->start_ns) / 1e9 : 0;
	if (first)
		st->send_elapsed_s = (double)((end ? end : now) - first) / 1e9;
	st->onlink = s->lan_active ? s->lan.n : 0;
	st->arp_sent = atomic_load(&s->count.arp_sent);
	st->arp_send_errors = atomic_load(&s->count.arp_errors);
	st->arp_hosts = atomic_load(&s->lan.hosts);
	st->arp_conflicts = atomic_load(&s->lan.conflicts);
	st->arp_only = atomic_load(&s->arp_only);
	st->onlink6 = s->lan6_active ? s->lan6.n : 0;
	st->ndp_sent = atomic_load(&s->count.ndp_sent);
	st->ndp_hosts = atomic_load(&s->lan6.hosts);
	st->ndp_conflicts = atomic_load(&s->lan6.conflicts);
	st->ndp_only = atomic_load(&s->ndp_only);
	st->absent = atomic_load(&s->count.absent);
	st->unrouted = s->unrouted;
	st->current_rate = atomic_load(&s->count.current_rate);
	st->slowdowns = atomic_load(&s->count.slowdowns);
	st->slow_reason = atomic_load(&s->count.slow_reason);
	st->send_busy_s = (double)atomic_load(&s->count.send_busy_ns) / 1e9;
	st->sending = atomic_load(&s->count.sending);
	st->finished = isw_done_flag_get(&s->finished);
	st->path_faults = atomic_load(&s->flags.path_faults);
	st->send_errno = atomic_load(&s->count.send_errno);
	st->send_errors_resent = atomic_load(&s->count.send_errors_resent);
	st->carrier_losses = atomic_load(&s->carrier_losses);
	st->carrier_down = atomic_load(&s->flags.path_pause);
	st->carrier_down_s = (double)atomic_load(&s->down_total_ns) / 1e9;
	if (st->carrier_down)
		st->carrier_down_s += (double)(now - atomic_load(&s->flags.down_since_ns)) / 1e9;
	st->resent = atomic_load(&s->count.resent);
	{
		uint64_t mac = atomic_load(&s->neigh_mac_now);
		for (int k = 5; k >= 0; k--, mac >>= 8)
			st->next_hop_mac_now[k] = (uint8_t)mac;
	}
	if (s->nlinks) {
		const struct isw_scan_link *l = &s->link[atomic_load(&s->fault_link) % s->nlinks];

		st->fault_next_hop = l->route.next_hop;
		st->fault_next_hop_v6 = atomic_load(&s->fault_nh6);
		snprintf(st->fault_iface, sizeof(st->fault_iface), "%s", l->route.iface);
	}
	for (unsigned k = 0; k < s->nlinks && k < ISW_SCAN_MAX_IFACES; k++) {
		st->iface_sent[k] = atomic_load(&s->count.link_sent[k]);
		st->iface_send_errors[k] = atomic_load(&s->count.link_errors[k]);
	}
}

static void get_iface(const struct isw_scan_link *l, struct isw_scan_iface *f)
{
	const struct isw_route *r = &l->route;

	snprintf(f->iface, sizeof(f->iface), "%s", r->iface);
	f->src_addr = r->src;
	memcpy(f->src_mac, r->src_mac, 6);
	memcpy(f->gw_mac, r->next_hop_mac, 6);
	f->next_hop = r->next_hop;
	if (r->have_src6)
		f->src6 = isw_addr_from_v6(r->src6);
	if (l->have_nh6) {
		f->next_hop6 = isw_addr_from_v6(l->nh6_watch);
		memcpy(f->gw6_mac, l->nh6_mac, 6);
	}
}

/* A gateway's key: its interface and MAC; before the MACs are known (a dry run), its
 * address. */
static uint64_t gateway_key(const struct isw_hop *h)
{
	uint64_t k = (uint64_t)h->link << 48, mac = 0;

	for (int b = 0; b < 6; b++)
		mac |= (uint64_t)h->mac[b] << (40 - 8 * b);
	if (mac)
		return k | mac;
	mac = h->gateway;
	for (int b = 0; b < 16; b++)
		mac = mac * 1099511628211u ^ h->gateway6[b];
	return k | 1ull << 56 | (mac & 0xffffffffffffu);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The gateways the routes use, each counted once by its interface and MAC: one router's
 * IPv4 and IPv6 addresses are one gateway.  Without memory, each hop counts. */
static unsigned count_gateways(const isw_scan *s)
{
	const struct isw_hop *fam[2] = {s->routes.hop, s->routes6.hop};
	size_t nfam[2] = {s->routes.nhops, s->routes6.nhops}, n = 0;
	uint64_t *keys = malloc((nfam[0] + nfam[1] + 1) * sizeof(*keys));
	unsigned count = 0;

	for (int f = 0; f < 2; f++)
		for (size_t i = 0; i < nfam[f]; i++) {
			if (fam[f][i].kind != ISW_HOP_GATEWAY)
				continue;
			if (keys)
				keys[n] = gateway_key(&fam[f][i]);
			n++;
		}
	if (!keys || n < 2) {
		free(keys);
		return (unsigned)n;
	}
	qsort(keys, n, sizeof(*keys), cmp_u64);
	for (size_t i = 0; i < n; i++)
		count += !i || keys[i] != keys[i - 1];
	free(keys);
	return count;
}

void isw_scan_get_route(const isw_scan *s, struct isw_scan_route *r)
{
	const struct isw_route *first = &s->link[0].route;

	memset(r, 0, sizeof(*r));
	snprintf(r->iface, sizeof(r->iface), "%s", first->iface);
	r->src_addr = first->src;
	if (first->have_src6)
		r->src6 = isw_addr_from_v6(first->src6);
	memcpy(r->src_mac, first->src_mac, 6);
	memcpy(r->gw_mac, first->next_hop_mac, 6);
	r->next_hop = first->next_hop;
	for (unsigned k = 0; k < s->nlinks && k < ISW_SCAN_MAX_IFACES; k++)
		get_iface(&s->link[k], &r->ifaces[r->nifaces++]);
	r->gateways = count_gateways(s);
	r->tx = s->send.tx_ops ? s->send.tx_ops->name : NULL;
	r->senders = s->send.nsenders;
	snprintf(r->tx_why, sizeof(r->tx_why), "%s", s->ping_fd >= 0 ? s->mode_why : "");
	if (!s->send.tx_ops || !s->send.tx_ops->describe)
		return;
	/* Every handle reports its mode; the first with a note speaks for them. */
	for (unsigned k = 0; k < s->send.nsenders && s->send.link[0].tx[k]; k++) {
		s->send.tx_ops->describe(s->send.link[0].tx[k], r->tx_mode, sizeof(r->tx_mode),
		                         r->tx_note, sizeof(r->tx_note));
		if (r->tx_note[0])
			break;
	}
}
