/* SPDX-License-Identifier: BSD-2-Clause */
/* On-link IPv6 targets (lan6.h): their order, what their advertisements teach, and the view. */
#include <errno.h>
#include <string.h>

#include "lan6.h"
#include "oui.h"

/* The slot of IPv6 target index k among the hosts, or -1. */
static int64_t host_of(const struct isw_lan6 *l, uint64_t k)
{
	const struct isw_nd_host *nd = isw_route6_map_onlink(l->m, k);

	return nd ? nd - l->m->onlink : -1;
}

static int64_t host_of_addr(const struct isw_lan6 *l, const struct isw_addr *a)
{
	int64_t idx = a->family == AF_INET6 ? isw_targets_index_addr(l->targets, a) : -1;

	return idx < 0 || (uint64_t)idx < l->n4 ? -1 : host_of(l, (uint64_t)idx - l->n4);
}

struct isw_addr isw_lan6_addr(const struct isw_lan6 *l, uint64_t j)
{
	return isw_targets_at_addr(l->targets, l->n4 + l->m->onlink[j].k);
}

/* The view of the words: slot j is host j. */
static uint64_t view_slots(const void *ctx)
{
	return ((const struct isw_lan6 *)ctx)->n;
}

static _Atomic uint64_t *view_word(const void *ctx, uint64_t slot)
{
	return &((const struct isw_lan6 *)ctx)->m->onlink[slot].word;
}

static struct isw_addr view_addr(const void *ctx, uint64_t slot)
{
	return isw_lan6_addr(ctx, slot);
}

static int64_t view_find(const void *ctx, const struct isw_addr *addr)
{
	return host_of_addr(ctx, addr);
}

static const struct isw_arp_view_ops lan6_ops = {view_slots, view_word, view_addr, view_find, NULL};

int64_t isw_lan6_init(struct isw_lan6 *l, const struct isw_route6_map *m,
                      const isw_targets *targets, uint64_t n4, uint64_t seed, const char *oui_path)
{
	memset(l, 0, sizeof(*l));
	if (!m->nonlink)
		return 0;
	l->m = m;
	l->targets = targets;
	l->n4 = n4;
	l->n = m->nonlink;
	/* A key of its own: the solicitations' order tells nothing of the probes'. */
	if (isw_perm_init(&l->perm, l->n, seed ^ 0x5d9b5d9b5d9b5d9bULL) < 0)
		return -ENOMEM;
	l->oui = isw_oui_load(oui_path);
	l->view = (struct isw_arp_view){.ops = &lan6_ops, .ctx = l, .oui = l->oui};
	return (int64_t)l->n;
}

void isw_lan6_free(struct isw_lan6 *l)
{
	isw_oui_free(l->oui);
	memset(l, 0, sizeof(*l));
}

int isw_lan6_learn(struct isw_lan6 *l, unsigned link, const uint8_t src6[16],
                   const struct isw_ndp_packet *a)
{
	struct isw_addr target = isw_addr_from_v6(a->target);
	int64_t j;

	/* Only answers to our own solicitations: unsolicited announcements and other hosts'
	 * conversations teach nothing about who answers us. */
	if (!l->n || !a->solicited || memcmp(a->dst, src6, 16) != 0)
		return 0;
	j = host_of_addr(l, &target);
	if (j < 0 || isw_lan6_link(l, (uint64_t)j) != link)
		return 0;
	return isw_arp_word_take(&l->m->onlink[j].word, a->mac, &l->replies, &l->hosts,
	                         &l->conflicts);
}
