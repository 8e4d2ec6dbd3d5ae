#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "arp-table.h"
#include "bytes.h"
#include "lan.h"
#include "oui.h"

#define MAC_KNOWN    (1ULL << 63)
#define MAC_CONFLICT (1ULL << 62)
#define MAC_SHARED   (1ULL << 61) /* the same MAC answers for other addresses too */
#define MAC_BITS     ((1ULL << 48) - 1)

int64_t isw_lan_init(struct isw_lan *l, const isw_targets *targets, const struct isw_prefix *onlink,
                     size_t nonlink, uint32_t src, const uint8_t src_mac[6], uint64_t seed,
                     const char *oui_path, char *errbuf)
{
	size_t nr = isw_targets_nranges(targets), p = 0;
	int added = 0, rc;

	memset(l, 0, sizeof(*l));
	l->src = src;
	if (!nonlink)
		return 0;
	if (isw_targets_new(&l->onlink) < 0)
		return -ENOMEM;
	/* Both lists are sorted and disjoint: one walk intersects them. */
	for (size_t i = 0; i < nr && p < nonlink; i++) {
		uint32_t lo, hi;

		isw_targets_range(targets, i, &lo, &hi);
		while (p < nonlink && onlink[p].hi < lo)
			p++;
		for (size_t q = p; q < nonlink && onlink[q].lo <= hi; q++) {
			uint32_t a = lo > onlink[q].lo ? lo : onlink[q].lo;
			uint32_t b = hi < onlink[q].hi ? hi : onlink[q].hi;
			if (isw_targets_add_range(l->onlink, a, b, 0) < 0)
				return -ENOMEM;
			added = 1;
		}
	}
	/* We do not ARP for ourselves. */
	isw_targets_add_range(l->onlink, src, src, 1);
	if (!added || isw_targets_finalize(l->onlink, NULL) < 0) {
		isw_targets_free(l->onlink);
		l->onlink = NULL;
		return 0;
	}
	l->n = isw_targets_count(l->onlink);
	l->macs = calloc(l->n, sizeof(*l->macs));
	if (!l->macs || isw_perm_init(&l->perm, l->n, seed ^ 0xa59a59a59a59a59aULL) < 0)
		return -ENOMEM;
	rc = isw_arp_template_init(&l->tmpl, src_mac, src, errbuf);
	if (rc < 0)
		return rc;
	l->oui = isw_oui_load(oui_path);
	return (int64_t)l->n;
}

void isw_lan_free(struct isw_lan *l)
{
	isw_targets_free(l->onlink);
	free((void *)l->macs);
	isw_oui_free(l->oui);
	memset(l, 0, sizeof(*l));
}

int isw_lan_mac(const struct isw_lan *l, int64_t oidx, uint8_t mac[6])
{
	uint64_t v;

	if (oidx < 0 || (uint64_t)oidx >= l->n)
		return 0;
	v = atomic_load_explicit(&l->macs[oidx], memory_order_relaxed);
	if (!(v & MAC_KNOWN))
		return 0;
	isw_arp_mac_bytes(v & MAC_BITS, mac);
	return 1;
}

int isw_lan_learn(struct isw_lan *l, const struct isw_arp_packet *a)
{
	int64_t oidx;
	uint64_t mac, old;

	/* Only replies to our own requests: gratuitous announcements and other hosts'
	 * conversations teach nothing about who answers us. */
	if (a->op != 2 || a->tpa != l->src)
		return 0;
	oidx = isw_lan_index(l, a->spa);
	if (oidx < 0)
		return 0;
	atomic_fetch_add_explicit(&l->replies, 1, memory_order_relaxed);
	mac = isw_get_be48(a->sha) | MAC_KNOWN;
	old = atomic_load_explicit(&l->macs[oidx], memory_order_relaxed);
	if (!old) {
		atomic_store_explicit(&l->macs[oidx], mac, memory_order_relaxed);
		atomic_fetch_add_explicit(&l->hosts, 1, memory_order_relaxed);
		return 1;
	}
	/* A second, different MAC for the same address: two hosts claim it.  Keep the first
	 * (where probes already go) and flag the address once. */
	if ((old & MAC_BITS) != (mac & MAC_BITS) && !(old & MAC_CONFLICT)) {
		/* An OR: the sender may be marking the entry MAC_SHARED at the same time. */
		atomic_fetch_or_explicit(&l->macs[oidx], MAC_CONFLICT, memory_order_relaxed);
		atomic_fetch_add_explicit(&l->conflicts, 1, memory_order_relaxed);
		return 1;
	}
	return 0;
}

uint64_t isw_lan_mark_shared(struct isw_lan *l)
{
	uint64_t n = 0, shared = 0, *m;

	m = l->n ? malloc(l->n * sizeof(*m)) : NULL;
	if (!m)
		return 0;
	for (uint64_t o = 0; o < l->n; o++) {
		uint64_t v = atomic_load_explicit(&l->macs[o], memory_order_relaxed);
		if (v & MAC_KNOWN)
			m[n++] = v & MAC_BITS;
	}
	isw_macs_sort(m, n);
	for (uint64_t o = 0; o < l->n; o++) {
		uint64_t v = atomic_load_explicit(&l->macs[o], memory_order_relaxed);

		if ((v & MAC_KNOWN) && isw_mac_is_shared(m, n, v & MAC_BITS)) {
			atomic_fetch_or_explicit(&l->macs[o], MAC_SHARED, memory_order_relaxed);
			shared++;
		}
	}
	free(m);
	return shared;
}

void isw_lan_annotate(const struct isw_lan *l, uint32_t addr, struct isw_result *r)
{
	int64_t oidx = isw_lan_index(l, addr);
	uint64_t v;

	if (oidx < 0)
		return;
	v = atomic_load_explicit(&l->macs[oidx], memory_order_relaxed);
	if (!(v & MAC_KNOWN))
		return;
	r->have_mac = 1;
	isw_arp_mac_bytes(v & MAC_BITS, r->mac);
	r->vendor = isw_oui_vendor(l->oui, r->mac);
	if (v & MAC_CONFLICT)
		r->note = isw_note_arp_conflict;
	else if (v & MAC_SHARED)
		r->note = isw_note_arp_shared;
}
