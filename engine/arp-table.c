/* The offline ARP store: an open-addressing table of arp-view.h words keyed by address. */
#include <errno.h>
#include <stdlib.h>

#include "arp-table.h"

static size_t slot_of(size_t cap, uint32_t addr)
{
	return (size_t)(((uint64_t)addr * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

static uint64_t word_of(const struct isw_arp_entry *e)
{
	return atomic_load_explicit(&e->word, memory_order_relaxed);
}

struct isw_arp_entry *isw_arp_table_find(const struct isw_arp_table *t, uint32_t addr)
{
	if (!t->cap)
		return NULL;
	for (size_t i = slot_of(t->cap, addr);; i = (i + 1) & (t->cap - 1)) {
		struct isw_arp_entry *e = &t->slots[i];
		if (!word_of(e))
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
		if (!word_of(&t->slots[i]))
			continue;
		for (j = slot_of(ncap, t->slots[i].addr); word_of(&n[j]); j = (j + 1) & (ncap - 1))
			;
		n[j].addr = t->slots[i].addr;
		n[j].ts_us = t->slots[i].ts_us;
		atomic_init(&n[j].word, word_of(&t->slots[i]));
	}
	free(t->slots);
	t->slots = n;
	t->cap = ncap;
	return 0;
}

int isw_arp_table_learn(struct isw_arp_table *t, uint32_t addr, const uint8_t mac[6], int64_t ts_us)
{
	struct isw_arp_entry *e = isw_arp_table_find(t, addr);
	_Atomic uint64_t w = 0;
	enum isw_arp_learnt learnt;
	size_t i;

	if (e)
		return (int)isw_arp_word_learn(&e->word, mac);
	/* A new address: its word first, so MAC 0 takes no slot. */
	learnt = isw_arp_word_learn(&w, mac);
	if (learnt == ISW_ARP_LEARNT_NOTHING)
		return 0;
	if ((t->used + 1) * 2 > t->cap && grow(t) < 0)
		return -ENOMEM;
	for (i = slot_of(t->cap, addr); word_of(&t->slots[i]); i = (i + 1) & (t->cap - 1))
		;
	t->slots[i].addr = addr;
	t->slots[i].ts_us = ts_us;
	atomic_store_explicit(&t->slots[i].word, atomic_load(&w), memory_order_relaxed);
	t->used++;
	return (int)learnt;
}

static uint64_t view_slots(const void *ctx)
{
	return ((const struct isw_arp_table *)ctx)->cap;
}

static _Atomic uint64_t *view_word(const void *ctx, uint64_t slot)
{
	return &((const struct isw_arp_table *)ctx)->slots[slot].word;
}

static uint32_t view_addr(const void *ctx, uint64_t slot)
{
	return ((const struct isw_arp_table *)ctx)->slots[slot].addr;
}

static int64_t view_find(const void *ctx, uint32_t addr)
{
	const struct isw_arp_table *t = ctx;
	const struct isw_arp_entry *e = isw_arp_table_find(t, addr);

	return e ? e - t->slots : -1;
}

static int64_t view_learnt_us(const void *ctx, uint64_t slot)
{
	return ((const struct isw_arp_table *)ctx)->slots[slot].ts_us;
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
	free(t->slots);
	t->slots = NULL;
	t->cap = t->used = 0;
}
