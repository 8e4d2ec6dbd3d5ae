/* SPDX-License-Identifier: BSD-2-Clause */
/* A hash map from address (struct isw_addr: IPv4 today, IPv6 with no second copy) to a value
 * of a size the caller chooses, zeroed when its entry is created: the one table the resolver
 * cache, the offline ARP table and the offline set of answers already reported share.
 *
 * Open addressing with linear probing over a power-of-two number of slots, kept at most half
 * full so every probe ends at an empty slot, grown by doubling.  Not thread-safe (one owner).
 * Entries move when the map grows: a value pointer is good until the next insert.  Values
 * are aligned to 8 bytes. */
#ifndef ISW_ADDR_MAP_H
#define ISW_ADDR_MAP_H

#include <stddef.h>

#include "icmpsweep/addr.h"

struct isw_addr_map {
	unsigned char *slots; /* cap slots of stride bytes: the key, then the value */
	size_t cap, used;
	size_t value_size, stride;
};

/* An empty map for values of value_size bytes (0: a set), room for initial_cap entries
 * before it first grows.  0, or -ENOMEM. */
int isw_addr_map_init(struct isw_addr_map *m, size_t value_size, size_t initial_cap);
void isw_addr_map_free(struct isw_addr_map *m);

/* The value of key, or NULL. */
void *isw_addr_map_find(const struct isw_addr_map *m, const struct isw_addr *key);

/* The value of key, created (zeroed, *created = 1) if key was not there.  NULL only when a new
 * entry found no memory (or key has no family): a key already there is always found. */
void *isw_addr_map_insert(struct isw_addr_map *m, const struct isw_addr *key, int *created);

static inline size_t isw_addr_map_count(const struct isw_addr_map *m)
{
	return m->used;
}

/* Walks the entries in no particular order: start with *pos = 0; returns the next value (and
 * its key in *key if key is not NULL), or NULL after the last. */
void *isw_addr_map_next(const struct isw_addr_map *m, size_t *pos, const struct isw_addr **key);

/* The slot of key (0 .. cap-1), or -1 when key is not there. */
long long isw_addr_map_slot_of(const struct isw_addr_map *m, const struct isw_addr *key);
/* Slot i (0 .. cap-1) of the map: its value (and key in *key if key is not NULL), or NULL when
 * the slot is empty.  For views that number entries by slot; good until the next insert. */
void *isw_addr_map_at(const struct isw_addr_map *m, size_t i, const struct isw_addr **key);

#endif
