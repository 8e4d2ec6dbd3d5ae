/* The offline ARP table (arp-table.h) over the address map, and the shared-MAC test the live
 * and offline scans both use. */
#include <errno.h>
#include <stdlib.h>

#include "arp-table.h"

const char isw_note_arp_conflict[] = "conflict: several MACs answer ARP for this address";
const char isw_note_arp_shared[] =
    "shared MAC: it answers ARP for other addresses too (one host with several, or proxy ARP)";

struct isw_arp_entry *isw_arp_table_find(const struct isw_arp_table *t, uint32_t addr)
{
	struct isw_addr key = isw_addr_from_v4(addr);

	return isw_addr_map_find(&t->map, &key);
}

int isw_arp_table_learn(struct isw_arp_table *t, uint32_t addr, const uint8_t mac[6], int64_t ts_us)
{
	struct isw_addr key = isw_addr_from_v4(addr);
	struct isw_arp_entry *e;
	uint64_t v = isw_get_be48(mac);
	int created;

	if (!v)
		return 0; /* no host answers with MAC 0 */
	if (!t->map.cap && isw_addr_map_init(&t->map, sizeof(*e), 128) < 0)
		return -ENOMEM;
	e = isw_addr_map_insert(&t->map, &key, &created);
	if (!e)
		return -ENOMEM;
	if (created) {
		*e = (struct isw_arp_entry){.addr = addr, .mac = v, .ts_us = ts_us};
		return 1;
	}
	/* Keep the first MAC, as the live scan does (its probes went there). */
	if (e->mac == v || (e->flags & ISW_ARP_CONFLICT))
		return 0;
	e->flags |= ISW_ARP_CONFLICT;
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
	size_t count = isw_arp_table_count(t), n = 0, pos = 0;
	uint64_t *m = count ? malloc(count * sizeof(*m)) : NULL;
	struct isw_arp_entry *e;

	if (!m)
		return;
	while ((e = isw_arp_table_next(t, &pos)))
		m[n++] = e->mac;
	isw_macs_sort(m, n);
	for (pos = 0; (e = isw_arp_table_next(t, &pos));)
		if (isw_mac_is_shared(m, n, e->mac))
			e->flags |= ISW_ARP_SHARED;
	free(m);
}

void isw_arp_table_free(struct isw_arp_table *t)
{
	isw_addr_map_free(&t->map);
}
