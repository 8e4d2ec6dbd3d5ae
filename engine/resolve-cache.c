/* Resolver stage: the cache of outcomes by address (resolver thread), an open-addressing hash
 * table kept at most half full.  An entry whose lookup still runs points to it. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resolve-internal.h"

static size_t hash_addr(uint32_t a)
{
	uint64_t h = (uint64_t)a * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32);
}

static struct centry *cache_slot(struct centry *t, size_t mask, uint32_t addr)
{
	size_t i = hash_addr(addr) & mask;

	while (t[i].used && t[i].addr != addr)
		i = (i + 1) & mask;
	return &t[i];
}

static int cache_grow(struct isw_resolver *r)
{
	size_t nmask = r->cache_mask * 2 + 1;
	struct centry *t = calloc(nmask + 1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i <= r->cache_mask; i++) {
		if (!r->cache[i].used)
			continue;
		struct centry *e = cache_slot(t, nmask, r->cache[i].addr);
		*e = r->cache[i];
	}
	free(r->cache);
	r->cache = t;
	r->cache_mask = nmask;
	return 0;
}

/* The entry for addr; *created = 1 if it is new (outcome NONE, no lookup).  NULL: no memory
 * for a new one. */
struct centry *isw_resolve_cache_get(struct isw_resolver *r, uint32_t addr, int *created)
{
	struct centry *e;

	*created = 0;
	e = cache_slot(r->cache, r->cache_mask, addr);
	if (e->used)
		return e; /* never NULL for an address already there: its lookup must find it */
	if ((r->cache_used + 1) * 2 > r->cache_mask + 1) {
		if (cache_grow(r) < 0)
			return NULL;
		e = cache_slot(r->cache, r->cache_mask, addr);
	}
	memset(e, 0, sizeof(*e));
	e->used = 1;
	e->addr = addr;
	r->cache_used++;
	*created = 1;
	return e;
}
