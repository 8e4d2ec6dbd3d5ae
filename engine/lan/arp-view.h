/* SPDX-License-Identifier: BSD-2-Clause */
/* What ARP (IPv4) and NDP (IPv6) taught about the addresses of a LAN sweep, and the one set of
 * rules for it, live and offline: the first MAC that answers for an address is kept (live probes
 * already went there), a second, different one flags a conflict once, a MAC that answers for
 * several addresses flags each of them shared, MAC 0 teaches nothing, and results carry the MAC,
 * its vendor and the note.  Each address's knowledge is one word, so the live table stays lock-free
 * (the capture thread learns, the sender reads).  Where the words live differs: live one per
 * on-link target (lan.c), offline one per address the trace answered for (arp-table.c); a view
 * reaches them through a few small functions. */
#ifndef ISW_ARP_VIEW_H
#define ISW_ARP_VIEW_H

#include <stdatomic.h>
#include <stdint.h>

#include "icmpsweep/addr.h"
#include "icmpsweep/result.h"
#include "bytes.h"

struct isw_oui;

/* A word: 0 while nothing answered, else KNOWN | flags | the 48-bit MAC. */
#define ISW_ARP_KNOWN    (1ULL << 63)
#define ISW_ARP_CONFLICT (1ULL << 62) /* a second, different MAC answered for the address */
#define ISW_ARP_SHARED   (1ULL << 61) /* its MAC answered for other addresses too */
#define ISW_ARP_MAC_BITS ((1ULL << 48) - 1)

/* The notes results carry, live and offline alike (an IPv6 address's conflict is NDP's). */
extern const char isw_note_arp_conflict[];
extern const char isw_note_arp_shared[];
extern const char isw_note_ndp_conflict[];

enum isw_arp_learnt {
	ISW_ARP_LEARNT_NOTHING = 0, /* a repeat, MAC 0, or a conflict already flagged */
	ISW_ARP_LEARNT_HOST,        /* the address's first MAC */
	ISW_ARP_LEARNT_CONFLICT,    /* a second MAC: flagged, the first one kept */
};

/* A reply says the address of *w is at mac.  Safe against a concurrent mark_shared. */
enum isw_arp_learnt isw_arp_word_learn(_Atomic uint64_t *w, const uint8_t mac[6]);

/* The same for a table's reply about the host of *w, counted in replies and, for what it
 * taught, in hosts or conflicts.  Returns 1 if it taught the table something. */
int isw_arp_word_take(_Atomic uint64_t *w, const uint8_t mac[6], atomic_uint_least64_t *replies,
                      atomic_uint_least64_t *hosts, atomic_uint_least64_t *conflicts);

static inline void isw_arp_mac_bytes(uint64_t v, uint8_t m[6])
{
	isw_put_be48(m, v);
}

/* Where the words are.  A slot is a place for one address's word (possibly empty: word 0);
 * slots are numbered 0 .. slots()-1. */
struct isw_arp_view_ops {
	uint64_t (*slots)(const void *ctx);
	_Atomic uint64_t *(*word)(const void *ctx, uint64_t slot);
	struct isw_addr (*addr)(const void *ctx, uint64_t slot);       /* of a non-empty slot */
	int64_t (*find)(const void *ctx, const struct isw_addr *addr); /* its slot, or -1 */
	/* When the slot's first reply came (µs since the epoch); NULL when not recorded. */
	int64_t (*learnt_us)(const void *ctx, uint64_t slot);
};

struct isw_arp_view {
	const struct isw_arp_view_ops *ops; /* NULL: no ARP was learnt, nothing to say */
	const void *ctx;
	const struct isw_oui *oui; /* vendors; NULL leaves them empty */
};

/* The word of addr (0 when ARP or NDP said nothing about it). */
uint64_t isw_arp_view_word(const struct isw_arp_view *v, const struct isw_addr *addr);

/* Once the replies are in: flags every IPv4 address whose MAC also answered ARP for another
 * one (a host with several addresses, or a router doing proxy ARP), so its results say so.
 * Returns how many addresses were flagged. */
uint64_t isw_arp_view_mark_shared(const struct isw_arp_view *v);

/* Adds the MAC, vendor and conflict or shared-MAC note of word w to r (nothing for 0). */
void isw_arp_view_annotate(const struct isw_arp_view *v, uint64_t w, struct isw_result *r);

#endif
