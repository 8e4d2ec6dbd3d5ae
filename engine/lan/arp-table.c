/* SPDX-License-Identifier: BSD-2-Clause */
/* The offline ARP store of arp-table.h over the address map, and its arp-view.h view (a view
 * slot is a map slot). */
#include <errno.h>
#include <stdlib.h>

#include "arp-table.h"

struct isw_arp_entry *isw_arp_table_find(const struct isw_arp_table *t, uint32_t addr)
{
	struct isw_addr key = isw_addr_from_v4(addr);

	return isw_addr_map_find(&t->map, &key);
}

int isw_arp_table_learn(struct isw_arp_table *t, uint32_t addr, const uint8_t mac[6], int64_t ts_us)
{
	struct isw_addr key = isw_addr_from_v4(addr);

	return isw_arp_table_learn_addr(t, &key, mac, ts_us);
}

int isw_arp_table_learn_addr(struct isw_arp_table *t, const struct isw_addr *key,
                             const uint8_t mac[6], int64_t ts_us)
{
	struct isw_arp_entry *e;
	int created;

	/* MAC 0 teaches nothing (arp-view.h), so it takes no slot either. */
	if (!isw_get_be48(mac))
		return 0;
	if (!t->map.cap && isw_addr_map_init(&t->map, sizeof(*e), 128) < 0)
		return -ENOMEM;
	e = isw_addr_map_insert(&t->map, key, &created);
	if (!e)
		return -ENOMEM;
	/* A new entry is zeroed: word 0, nothing known yet, so the word's own rules apply. */
	if (created)
		e->ts_us = ts_us;
	return (int)isw_arp_word_learn(&e->word, mac);
}

static const struct isw_arp_entry *entry_at(const void *ctx, uint64_t slot, struct isw_addr *addr)
{
	const struct isw_addr *key;
	const struct isw_arp_entry *e =
	    isw_addr_map_at(&((const struct isw_arp_table *)ctx)->map, (size_t)slot, &key);

	if (e && addr)
		*addr = *key;
	return e;
}

static uint64_t view_slots(const void *ctx)
{
	return ((const struct isw_arp_table *)ctx)->map.cap;
}

static _Atomic uint64_t *view_word(const void *ctx, uint64_t slot)
{
	const struct isw_arp_entry *e = entry_at(ctx, slot, NULL);
	const struct isw_arp_table *t = ctx;

	return (_Atomic uint64_t *)(e ? &e->word : &t->empty);
}

static struct isw_addr view_addr(const void *ctx, uint64_t slot)
{
	struct isw_addr addr = {0};

	entry_at(ctx, slot, &addr);
	return addr;
}

static int64_t view_find(const void *ctx, const struct isw_addr *addr)
{
	return isw_addr_map_slot_of(&((const struct isw_arp_table *)ctx)->map, addr);
}

static int64_t view_learnt_us(const void *ctx, uint64_t slot)
{
	const struct isw_arp_entry *e = entry_at(ctx, slot, NULL);

	return e ? e->ts_us : 0;
}

static const struct isw_arp_view_ops table_ops = {
    view_slots, view_word, view_addr, view_find, view_learnt_us,
};

struct isw_arp_view isw_arp_table_view(const struct isw_arp_table *t, const struct isw_oui *oui)
{
	return (struct isw_arp_view){.ops = &table_ops, .ctx = t, .oui = oui};
}

void isw_arp_table_free(struct isw_arp_table *t)
{
	isw_addr_map_free(&t->map);
}
