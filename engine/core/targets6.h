/* SPDX-License-Identifier: BSD-2-Clause */
/* The IPv6 part of a target set (include/icmpsweep/targets.h): addresses, ranges and prefixes
 * as 128-bit inclusive ranges, merged, with the excludes and the never-sent addresses (the
 * unspecified address, IPv4-mapped ::ffff:0:0/96, multicast ff00::/8) subtracted, and flattened
 * into indices that follow the IPv4 ones.  A spec is enumerated only up to 2^32 addresses; a
 * sub-prefix sweep
 * ("2001:db8::/32-48", subprefix6.h) only up to 2^32 sub-prefixes, and its addresses (one per
 * sub-prefix) follow the plain ones. */
#ifndef ISW_TARGETS6_H
#define ISW_TARGETS6_H

#include <stddef.h>
#include <stdint.h>

#include "subprefix6.h"

/* 16 network-order bytes <-> a number, for walking the address space. */
isw_u128 isw_u128_from_bytes(const uint8_t b[16]);
void isw_u128_to_bytes(isw_u128 v, uint8_t b[16]);

struct isw_range6 {
	isw_u128 lo, hi;
};

struct isw_targets6 {
	struct isw_range6 *inc, *exc; /* as added; freed by finalize */
	size_t ninc, nexc, capinc, capexc;
	struct isw_range6 *r; /* after finalize: sorted, disjoint, non-adjacent */
	uint64_t *start;      /* start[i]: IPv6 index of r[i].lo */
	size_t nr;
	uint64_t count, reserved_dropped; /* count: plain and sub-prefix addresses */
	struct isw_subprefix6_set sub;    /* its indices follow r's */
	struct isw_iid6 iid;
	int has_subprefix; /* a "P/len-sublen" target was added */
	uint32_t scope;    /* the interface of the link-local targets ("fe80::1%eth0"), or 0 */
};

/* spec is known to be IPv6 text (an address, "lo-hi", "prefix/len" or, not as an exclusion,
 * "prefix/len-sublen"); shown is its escaped form for messages.  -EINVAL with a message
 * naming it, -ENOMEM. */
int isw_targets6_add(struct isw_targets6 *t, const char *spec, const char *shown, int exclude,
                     char *errbuf);
/* The common line of a hitlist, one IPv6 address, added with one parse and nothing else:
 * 0, -ENOMEM, or 1 when spec is not that (isw_targets6_add then takes it, or names what is
 * wrong with it). */
int isw_targets6_add_address(struct isw_targets6 *t, const char *spec, int exclude);
/* Merges and subtracts; 0 even when nothing is left (the caller decides); -EINVAL with a
 * message (sub-prefix sweeps that random identifiers could make meet), -ENOMEM. */
int isw_targets6_finalize(struct isw_targets6 *t, char *errbuf);
void isw_targets6_free(struct isw_targets6 *t);

/* The index-th IPv6 target (index < count) into out (network order). */
void isw_targets6_at(const struct isw_targets6 *t, uint64_t index, uint8_t out[16]);
/* Its inverse: the IPv6 index of addr, or -1. */
int64_t isw_targets6_index(const struct isw_targets6 *t, const uint8_t addr[16]);

/* The set as runs of IPv6 indices whose addresses grow with the index: the plain ranges
 * (consecutive addresses) first, then the sub-prefix segments (one address per sub-prefix).
 * run: IPv6 indices [*first, *first + *count), addresses lo..hi, sublen 0 for a plain range
 * (targets.h's struct isw_targets_run6). */
size_t isw_targets6_nruns(const struct isw_targets6 *t);
void isw_targets6_run(const struct isw_targets6 *t, size_t i, uint64_t *first, uint64_t *count,
                      uint8_t lo[16], uint8_t hi[16], uint8_t *sublen);
/* How many addresses of run i are below addr. */
uint64_t isw_targets6_run_below(const struct isw_targets6 *t, size_t i, const uint8_t addr[16]);

/* Sorts by first address, in place (range6-sort.c). */
void isw_range6_sort(struct isw_range6 *v, size_t n);
/* Its quicksort, turning to heapsort after depth partitions (0: at once), so that the tests
 * reach the fallback that only adversarial input does. */
void isw_range6_introsort(struct isw_range6 *v, size_t n, unsigned depth);
/* Sorts and merges overlapping and adjacent ranges in place; the new count. */
size_t isw_range6_merge(struct isw_range6 *v, size_t n);

#endif
