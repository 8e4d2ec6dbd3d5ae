/* SPDX-License-Identifier: BSD-2-Clause */
/* Offline (--read) store of what ARP taught: one arp-view.h word per address the trace's ARP
 * replies (or, for IPv6, neighbour advertisements) answered for, with when the first reply came, so
 * replayed results carry the same MAC, vendor and notes as live ones and hosts that answered ARP
 * alone come back as arp-only. The live scan keeps its words in struct isw_lan, indexed by its
 * on-link targets; a trace has no target list, hence the address map. */
#ifndef ISW_ARP_TABLE_H
#define ISW_ARP_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "addr-map.h"
#include "arp-view.h"

struct isw_arp_entry {
	_Atomic uint64_t word; /* never 0: a stored address always has a MAC */
	int64_t ts_us;         /* when the first reply came */
};

/* Zero-initialised is empty. */
struct isw_arp_table {
	struct isw_addr_map map; /* of struct isw_arp_entry; allocated by the first learn */
	_Atomic uint64_t empty;  /* the word of an empty slot, for the view: always 0 */
};

/* A reply: addr is at mac.  Returns what it taught (arp-view.h's rules), or -ENOMEM. */
int isw_arp_table_learn(struct isw_arp_table *t, uint32_t addr, const uint8_t mac[6],
                        int64_t ts_us);
/* The same for an address of either family (an IPv6 one from a neighbour advertisement). */
int isw_arp_table_learn_addr(struct isw_arp_table *t, const struct isw_addr *addr,
                             const uint8_t mac[6], int64_t ts_us);
/* The entry for addr, or NULL. */
struct isw_arp_entry *isw_arp_table_find(const struct isw_arp_table *t, uint32_t addr);
static inline size_t isw_arp_table_count(const struct isw_arp_table *t)
{
	return isw_addr_map_count(&t->map);
}
/* The table as an arp-view.h view (valid while t is not learning). */
struct isw_arp_view isw_arp_table_view(const struct isw_arp_table *t, const struct isw_oui *oui);
void isw_arp_table_free(struct isw_arp_table *t);

#endif
