/* SPDX-License-Identifier: BSD-2-Clause */
/* The ARP rules of arp-view.h: learning a word, shared MACs, annotating results. */
#include <stdlib.h>

#include "arp-view.h"
#include "bytes.h"
#include "oui.h"

const char isw_note_arp_conflict[] = "conflict: several MACs answer ARP for this address";
const char isw_note_ndp_conflict[] =
    "conflict: several MACs answer neighbour solicitations for this address";
const char isw_note_arp_shared[] =
    "shared MAC: it answers ARP for other addresses too (one host with several, or proxy ARP)";

enum isw_arp_learnt isw_arp_word_learn(_Atomic uint64_t *w, const uint8_t mac[6])
{
	uint64_t v = isw_get_be48(mac), old;

	/* No host answers with MAC 0: nothing to learn from it. */
	if (!v)
		return ISW_ARP_LEARNT_NOTHING;
	old = atomic_load_explicit(w, memory_order_relaxed);
	if (!old) {
		atomic_store_explicit(w, v | ISW_ARP_KNOWN, memory_order_relaxed);
		return ISW_ARP_LEARNT_HOST;
	}
	/* A second, different MAC for the same address: two hosts claim it.  Keep the first
	 * (where probes already go) and flag the address once. */
	if ((old & ISW_ARP_MAC_BITS) == v || (old & ISW_ARP_CONFLICT))
		return ISW_ARP_LEARNT_NOTHING;
	/* An OR: the sender may be marking the word shared at the same time. */
	atomic_fetch_or_explicit(w, ISW_ARP_CONFLICT, memory_order_relaxed);
	return ISW_ARP_LEARNT_CONFLICT;
}

int isw_arp_word_take(_Atomic uint64_t *w, const uint8_t mac[6], atomic_uint_least64_t *replies,
                      atomic_uint_least64_t *hosts, atomic_uint_least64_t *conflicts)
{
	atomic_fetch_add_explicit(replies, 1, memory_order_relaxed);
	switch (isw_arp_word_learn(w, mac)) {
	case ISW_ARP_LEARNT_HOST:
		atomic_fetch_add_explicit(hosts, 1, memory_order_relaxed);
		return 1;
	case ISW_ARP_LEARNT_CONFLICT:
		atomic_fetch_add_explicit(conflicts, 1, memory_order_relaxed);
		return 1;
	default:
		return 0;
	}
}

uint64_t isw_arp_view_word(const struct isw_arp_view *v, const struct isw_addr *addr)
{
	int64_t slot = v->ops ? v->ops->find(v->ctx, addr) : -1;

	if (slot < 0)
		return 0;
	return atomic_load_explicit(v->ops->word(v->ctx, (uint64_t)slot), memory_order_relaxed);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Whether another address answered with mac too: its neighbours in the sorted list. */
static int mac_is_shared(const uint64_t *sorted, size_t n, uint64_t mac)
{
	const uint64_t *hit = n ? bsearch(&mac, sorted, n, sizeof(*sorted), cmp_u64) : NULL;
	size_t k;

	if (!hit)
		return 0;
	k = (size_t)(hit - sorted);
	return (k > 0 && sorted[k - 1] == mac) || (k + 1 < n && sorted[k + 1] == mac);
}

/* Whether slot i (word w) is an IPv4 address ARP taught.  Shared MACs are ARP's note only: an
 * IPv6 host commonly has several addresses of one prefix (stable and temporary ones), so
 * NDP's would flag the ordinary case. */
static int known_v4(const struct isw_arp_view *v, uint64_t i, uint64_t w)
{
	struct isw_addr a;

	if (!(w & ISW_ARP_KNOWN))
		return 0;
	a = v->ops->addr(v->ctx, i);
	return isw_addr_is_v4(&a);
}

/* Sort the MACs seen, then ask of each one whether another address answered with it too
 * (bsearch: n log n for the whole table). */
uint64_t isw_arp_view_mark_shared(const struct isw_arp_view *v)
{
	uint64_t nslots = v->ops ? v->ops->slots(v->ctx) : 0, n = 0, shared = 0, *m;

	m = nslots ? malloc(nslots * sizeof(*m)) : NULL;
	if (!m)
		return 0;
	for (uint64_t i = 0; i < nslots; i++) {
		uint64_t w = atomic_load_explicit(v->ops->word(v->ctx, i), memory_order_relaxed);
		if (known_v4(v, i, w))
			m[n++] = w & ISW_ARP_MAC_BITS;
	}
	qsort(m, n, sizeof(*m), cmp_u64);
	for (uint64_t i = 0; i < nslots; i++) {
		_Atomic uint64_t *w = v->ops->word(v->ctx, i);
		uint64_t x = atomic_load_explicit(w, memory_order_relaxed);

		if (known_v4(v, i, x) && mac_is_shared(m, n, x & ISW_ARP_MAC_BITS)) {
			atomic_fetch_or_explicit(w, ISW_ARP_SHARED, memory_order_relaxed);
			shared++;
		}
	}
	free(m);
	return shared;
}

void isw_arp_view_annotate(const struct isw_arp_view *v, uint64_t w, struct isw_result *r)
{
	if (!(w & ISW_ARP_KNOWN))
		return;
	r->have_mac = 1;
	isw_arp_mac_bytes(w & ISW_ARP_MAC_BITS, r->mac);
	r->vendor = isw_oui_vendor(v->oui, r->mac);
	r->note = w & ISW_ARP_CONFLICT
	              ? (isw_addr_is_v4(&r->addr) ? isw_note_arp_conflict : isw_note_ndp_conflict)
	          : w & ISW_ARP_SHARED ? isw_note_arp_shared
	                               : NULL;
}
