/* SPDX-License-Identifier: BSD-2-Clause */
/* Sub-prefix sweeps (XMap's "2001:db8::/32-48"): one address in each /len sub-prefix of a
 * prefix, held as ranges of sub-prefix numbers rather than addresses, so a spec costs the same
 * whatever its size, and the address of a number is computed when asked for. */
#ifndef ISW_SUBPREFIX6_H
#define ISW_SUBPREFIX6_H

#include <stddef.h>
#include <stdint.h>

typedef unsigned __int128 isw_u128;

struct isw_range6;

/* Which address of a sub-prefix is probed: its top len bits are the sub-prefix, the low
 * 128 - len bits the interface identifier, either those bits of a fixed iid or, with random,
 * a keyed hash of (len, sub-prefix) that is never all zero (the subnet-router anycast). */
struct isw_iid6 {
	isw_u128 fixed;
	uint64_t key;
	int random;
};

/* The sub-prefixes number lo..hi of length len; the address of number v is v << (128 - len)
 * plus the interface identifier.  Addresses grow with v, which is what lets an address range
 * cut a segment into at most two. */
struct isw_subprefix6 {
	isw_u128 lo, hi;
	uint64_t start; /* after finalize: IPv6 index of lo */
	isw_u128 first; /* after finalize: address of lo (the segments sort by it) */
	uint8_t len;
};

struct isw_subprefix6_set {
	struct isw_subprefix6 *v;
	size_t n, cap;
	uint64_t count, reserved_dropped;
};

int isw_subprefix6_push(struct isw_subprefix6_set *s, uint8_t len, isw_u128 lo, isw_u128 hi);

/* The address of sub-prefix number v of length len. */
isw_u128 isw_subprefix6_addr(const struct isw_iid6 *iid, uint8_t len, isw_u128 v);

/* Merges the segments, takes away the excluded addresses (exc), the never-sent ones
 * (reserved, counted in reserved_dropped) and those already targets as plain addresses
 * (plain), all sorted and merged, so that no address is in the set twice; then numbers the
 * segments from base.  -EINVAL with a message when a fixed identifier has bits above the host
 * part of the longest sub-prefixes, or random identifiers of sub-prefixes of two lengths
 * could meet (nothing cheap tells whether they do); -ENOMEM. */
int isw_subprefix6_finalize(struct isw_subprefix6_set *s, const struct isw_iid6 *iid,
                            const struct isw_range6 *exc, size_t nexc,
                            const struct isw_range6 *reserved, size_t nres,
                            const struct isw_range6 *plain, size_t nplain, uint64_t base,
                            char *errbuf);

/* index in [base, base + count): its address.  Its inverse: the index of a, or -1. */
isw_u128 isw_subprefix6_at(const struct isw_subprefix6_set *s, const struct isw_iid6 *iid,
                           uint64_t index);
int64_t isw_subprefix6_index(const struct isw_subprefix6_set *s, const struct isw_iid6 *iid,
                             isw_u128 a);

/* How many numbers of segment g have an address below a (0 .. its size): where an address
 * boundary such as a route's cuts it. */
uint64_t isw_subprefix6_below(const struct isw_subprefix6 *g, const struct isw_iid6 *iid,
                              isw_u128 a);

void isw_subprefix6_free(struct isw_subprefix6_set *s);

#endif
