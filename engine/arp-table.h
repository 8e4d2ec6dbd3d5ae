/* Offline (--read) view of a LAN sweep: which MAC answered ARP for which address, built from
 * the ARP replies in a trace, so replayed results carry the same MAC, vendor and notes as
 * live ones and hosts that answered ARP alone come back as arp-only.  The live scan keeps
 * this in struct isw_lan, indexed by its on-link targets; a trace has no target list, hence a
 * table keyed by address. */
#ifndef ISW_ARP_TABLE_H
#define ISW_ARP_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "addr-map.h"
#include "bytes.h"

#define ISW_ARP_CONFLICT 1u /* a second, different MAC answered for the address */
#define ISW_ARP_SHARED   2u /* its MAC answered for other addresses too */
#define ISW_ARP_ECHOED   4u /* it also answered ICMP echo */

/* The notes results carry, live and offline alike. */
extern const char isw_note_arp_conflict[];
extern const char isw_note_arp_shared[];

struct isw_arp_entry {
	uint32_t addr; /* its key, so that an entry alone says whose it is */
	unsigned flags;
	uint64_t mac;  /* 48 bits */
	int64_t ts_us; /* when the first reply came */
};

/* Zero-initialised is empty. */
struct isw_arp_table {
	struct isw_addr_map map; /* of struct isw_arp_entry; allocated by the first learn */
};

/* A reply: addr is at mac.  Returns 1 if it taught something (a new address or a conflict),
 * 0 if not, -ENOMEM. */
int isw_arp_table_learn(struct isw_arp_table *t, uint32_t addr, const uint8_t mac[6],
                        int64_t ts_us);
/* The entry for addr, or NULL. */
struct isw_arp_entry *isw_arp_table_find(const struct isw_arp_table *t, uint32_t addr);
static inline size_t isw_arp_table_count(const struct isw_arp_table *t)
{
	return isw_addr_map_count(&t->map);
}
/* Walks the entries in no particular order: start with *pos = 0; NULL after the last. */
static inline struct isw_arp_entry *isw_arp_table_next(const struct isw_arp_table *t, size_t *pos)
{
	return isw_addr_map_next(&t->map, pos, NULL);
}
/* Flags ISW_ARP_SHARED on every address whose MAC also answered for another. */
void isw_arp_table_mark_shared(struct isw_arp_table *t);
void isw_arp_table_free(struct isw_arp_table *t);

/* Shared MACs, live and offline: sort the 48-bit MACs seen, then ask of each one whether
 * another address answered with it too (bsearch: n log n for the whole table). */
void isw_macs_sort(uint64_t *macs, size_t n);
int isw_mac_is_shared(const uint64_t *sorted, size_t n, uint64_t mac);

static inline void isw_arp_mac_bytes(uint64_t v, uint8_t m[6])
{
	isw_put_be48(m, v);
}

#endif
