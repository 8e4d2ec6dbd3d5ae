#include <errno.h>
#include <stdlib.h>

#include "arp-table.h"

const char isw_note_arp_conflict[] = "conflict: several MACs answer ARP for this address";
const char isw_note_arp_shared[] =
    "shared MAC: it answers ARP for other addresses too (one host with several, or proxy ARP)";

static size_t slot_of(size_t cap, uint32_t addr)
{
	return (size_t)(((uint64_t)addr * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

struct isw_arp_entry *isw_arp_table_find(const struct isw_arp_table *t, uint32_t addr)
{
	if (!t->cap)
		return NULL;
	for (size_t i = slot_of(t->cap, addr);; i = (i + 1) & (t->cap - 1)) {
		struct isw_arp_entry *e = &t->slots[i];
		if (!e->mac)
			return NULL;
		if (e->addr == addr)
			return e;
	}
}

/* Kept at most half full, so probing always ends at an empty slot. */
static int grow(struct isw_arp_table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 256;
	struct isw_arp_entry *n = calloc(ncap, sizeof(*n));

	if (!n)
		return -ENOMEM;
	for (size_t i = 0; i < t->cap; i++) {
		size_t j;
		if (!t->slots[i].mac)
			continue;
		for (j = slot_of(ncap, t->slots[i].addr); n[j].mac; j = (j + 1) & (ncap - 1))
			;
		n[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = n;
	t->cap = ncap;
	return 0;
}

int isw_arp_table_learn(struct isw_arp_table *t, uint32_t addr, const uint8_t mac[6], int64_t ts_us)
{
	struct isw_arp_entry *e = isw_arp_table_find(t, addr);
	uint64_t v = isw_get_be48(mac);
	size_t i;

	if (!v)
		return 0;
	if (e) {
		/* Keep the first MAC, as the live scan does (its probes went there). */
		if (e->mac == v || (e->flags & ISW_ARP_CONFLICT))
			return 0;
		e->flags |= ISW_ARP_CONFLICT;
		return 1;
	}
	if ((t->used + 1) * 2 > t->cap && grow(t) < 0)
		return -ENOMEM;
	for (i = slot_of(t->cap, addr); t->slots[i].mac; i = (i + 1) & (t->cap - 1))
		;
	t->slots[i] = (struct isw_arp_entry){.addr = addr, .mac = v, .ts_us = ts_us};
	t->used++;
	return 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void isw_macs_sort(uint64_t *macs, size_t n)
{
	qsort(macs, n, sizeof(*macs), cmp_u64);
}

int isw_mac_is_shared(const uint64_t *sorted, size_t n, uint64_t mac)
{
	const uint64_t *hit = n ? bsearch(&mac, sorted, n, sizeof(*sorted), cmp_u64) : NULL;
	size_t k;

	if (!hit)
		return 0;
	k = (size_t)(hit - sorted);
	return (k > 0 && sorted[k - 1] == mac) || (k + 1 < n && sorted[k + 1] == mac);
}

void isw_arp_table_mark_shared(struct isw_arp_table *t)
{
	uint64_t *m = t->used ? malloc(t->used * sizeof(*m)) : NULL;
	size_t n = 0;

	if (!m)
		return;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].mac)
			m[n++] = t->slots[i].mac;
	isw_macs_sort(m, n);
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].mac && isw_mac_is_shared(m, n, t->slots[i].mac))
			t->slots[i].flags |= ISW_ARP_SHARED;
	free(m);
}

void isw_arp_table_free(struct isw_arp_table *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->used = 0;
}
