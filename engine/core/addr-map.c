/* SPDX-License-Identifier: BSD-2-Clause */
/* The address hash map (see addr-map.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr-map.h"

#define VALUE_ALIGN 8
#define VALUE_OFF   ((sizeof(struct isw_addr) + VALUE_ALIGN - 1) & ~(size_t)(VALUE_ALIGN - 1))
#define MIN_CAP     16

/* Neighbouring addresses, which sweeps are made of, land far apart (isw_addr_hash), and
 * the low bits the slot index takes depend on every input bit. */
static uint64_t hash_addr(const struct isw_addr *a)
{
	return isw_addr_hash(a);
}

static struct isw_addr *key_at(const struct isw_addr_map *m, size_t i)
{
	return (struct isw_addr *)(m->slots + i * m->stride);
}

static void *value_at(const struct isw_addr_map *m, size_t i)
{
	return m->slots + i * m->stride + VALUE_OFF;
}

/* The slot holding key, or the empty slot where it would go (family 0 marks empty). */
static size_t probe(const struct isw_addr_map *m, const struct isw_addr *key)
{
	size_t i = (size_t)hash_addr(key) & (m->cap - 1);

	while (key_at(m, i)->family && !isw_addr_equal(key_at(m, i), key))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static int alloc_slots(struct isw_addr_map *m, size_t cap)
{
	m->slots = calloc(cap, m->stride);
	if (!m->slots)
		return -ENOMEM;
	m->cap = cap;
	return 0;
}

int isw_addr_map_init(struct isw_addr_map *m, size_t value_size, size_t initial_cap)
{
	size_t cap = MIN_CAP;

	memset(m, 0, sizeof(*m));
	m->value_size = value_size;
	m->stride = (VALUE_OFF + value_size + VALUE_ALIGN - 1) & ~(size_t)(VALUE_ALIGN - 1);
	while (cap < 2 * initial_cap)
		cap *= 2;
	return alloc_slots(m, cap);
}

void isw_addr_map_free(struct isw_addr_map *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->used = 0;
}

void *isw_addr_map_find(const struct isw_addr_map *m, const struct isw_addr *key)
{
	long long i = isw_addr_map_slot_of(m, key);

	return i < 0 ? NULL : value_at(m, (size_t)i);
}

static int grow(struct isw_addr_map *m)
{
	struct isw_addr_map old = *m;

	if (alloc_slots(m, old.cap * 2) < 0) {
		*m = old;
		return -ENOMEM;
	}
	for (size_t i = 0; i < old.cap; i++)
		if (key_at(&old, i)->family)
			memcpy(key_at(m, probe(m, key_at(&old, i))), key_at(&old, i), m->stride);
	free(old.slots);
	return 0;
}

void *isw_addr_map_insert(struct isw_addr_map *m, const struct isw_addr *key, int *created)
{
	size_t i;

	*created = 0;
	if (!m->cap || !key->family)
		return NULL;
	i = probe(m, key);
	if (key_at(m, i)->family)
		return value_at(m, i);
	if ((m->used + 1) * 2 > m->cap) {
		if (grow(m) < 0)
			return NULL;
		i = probe(m, key);
	}
	*key_at(m, i) = *key;
	m->used++;
	*created = 1;
	return value_at(m, i);
}

void *isw_addr_map_next(const struct isw_addr_map *m, size_t *pos, const struct isw_addr **key)
{
	for (; *pos < m->cap; ++*pos) {
		if (key_at(m, *pos)->family) {
			size_t i = (*pos)++;
			if (key)
				*key = key_at(m, i);
			return value_at(m, i);
		}
	}
	return NULL;
}

void *isw_addr_map_at(const struct isw_addr_map *m, size_t i, const struct isw_addr **key)
{
	if (i >= m->cap || !key_at(m, i)->family)
		return NULL;
	if (key)
		*key = key_at(m, i);
	return value_at(m, i);
}

long long isw_addr_map_slot_of(const struct isw_addr_map *m, const struct isw_addr *key)
{
	size_t i;

	if (!m->cap)
		return -1;
	i = probe(m, key);
	return key_at(m, i)->family ? (long long)i : -1;
}
