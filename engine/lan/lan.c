/* SPDX-License-Identifier: BSD-2-Clause */
/* On-link targets (lan.h): which targets they are, and what their ARP replies teach. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "lan.h"
#include "oui.h"

/* The view of the words: slot i is the i-th on-link target. */
static uint64_t view_slots(const void *ctx)
{
	return ((const struct isw_lan *)ctx)->n;
}

static _Atomic uint64_t *view_word(const void *ctx, uint64_t slot)
{
	return &((const struct isw_lan *)ctx)->macs[slot];
}

static struct isw_addr view_addr(const void *ctx, uint64_t slot)
{
	return isw_addr_from_v4(isw_targets_at(((const struct isw_lan *)ctx)->onlink, slot));
}

static int64_t view_find(const void *ctx, const struct isw_addr *addr)
{
	return isw_addr_is_v4(addr) ? isw_lan_index(ctx, isw_addr_v4(addr)) : -1;
}

static const struct isw_arp_view_ops lan_ops = {view_slots, view_word, view_addr, view_find, NULL};

/* Adds the targets [a, b] (all of one range of targets) that are in the shard, as runs.
 * Returns how many, or -ENOMEM. */
static int64_t add_in_shard(isw_targets *onlink, const isw_targets *targets, uint32_t a, uint32_t b,
                            const struct isw_shard *shard)
{
	int64_t first = isw_targets_index(targets, a), added = 0;
	uint64_t run = 0;
	int in_run = 0;

	if (!shard || !shard->partial)
		return isw_targets_add_range(onlink, a, b, 0) < 0 ? -ENOMEM : 1;
	for (uint64_t x = a;; x++) {
		int in = isw_shard_has(shard, (uint64_t)first + (x - a));

		if (in && !in_run)
			run = x;
		if (!in && in_run) {
			if (isw_targets_add_range(onlink, (uint32_t)run, (uint32_t)x - 1, 0) < 0)
				return -ENOMEM;
			added++;
		}
		in_run = in;
		if (x == b)
			break;
	}
	if (in_run) {
		if (isw_targets_add_range(onlink, (uint32_t)run, b, 0) < 0)
			return -ENOMEM;
		added++;
	}
	return added;
}

int64_t isw_lan_init(struct isw_lan *l, const isw_targets *targets, const struct isw_prefix *onlink,
                     size_t nonlink, uint32_t src, const uint8_t src_mac[6], uint64_t seed,
                     const struct isw_shard *shard, const char *oui_path, char *errbuf)
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
			int64_t runs = add_in_shard(l->onlink, targets, a, b, shard);

			if (runs < 0)
				return runs;
			added |= runs > 0;
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
	l->view = (struct isw_arp_view){.ops = &lan_ops, .ctx = l, .oui = l->oui};
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
	if (!(v & ISW_ARP_KNOWN))
		return 0;
	isw_arp_mac_bytes(v & ISW_ARP_MAC_BITS, mac);
	return 1;
}

int isw_lan_learn(struct isw_lan *l, const struct isw_arp_packet *a)
{
	int64_t oidx;

	/* Only replies to our own requests: gratuitous announcements and other hosts'
	 * conversations teach nothing about who answers us. */
	if (a->op != 2 || a->tpa != l->src)
		return 0;
	oidx = isw_lan_index(l, a->spa);
	if (oidx < 0)
		return 0;
	return isw_arp_word_take(&l->macs[oidx], a->sha, &l->replies, &l->hosts, &l->conflicts);
}

uint64_t isw_lan_mark_shared(struct isw_lan *l)
{
	return isw_arp_view_mark_shared(&l->view);
}
