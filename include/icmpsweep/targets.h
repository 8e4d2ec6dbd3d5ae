/* SPDX-License-Identifier: BSD-2-Clause */
/* Target sets: CIDR blocks, ranges, single addresses and host names flattened into an index
 * space [0, N) so the sender only ever walks integers.  Addresses are IPv4 in host byte order.
 *
 * Lifecycle: new -> add / add_file (targets and excludes, any order) -> finalize -> queries.
 * finalize merges overlaps (each address appears once), subtracts the excludes and the
 * addresses that are never sent to (0.0.0.0/8, 224.0.0.0/4 multicast, 240.0.0.0/4 which holds
 * 255.255.255.255).  Queries are read-only and safe from several threads.
 */
#ifndef ICMPSWEEP_TARGETS_H
#define ICMPSWEEP_TARGETS_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

typedef struct isw_targets isw_targets;

int isw_targets_new(isw_targets **out);
void isw_targets_free(isw_targets *t);

/* One specification: "198.18.0.0/15", "198.18.0.10-198.18.3.200", "198.18.0.1" or a host name
 * (every IPv4 address it resolves to).  exclude != 0 adds it to the exclude list instead.
 * Bad input returns -EINVAL with a message naming the value. */
int isw_targets_add(isw_targets *t, const char *spec, int exclude, char *errbuf);

/* One specification per line; blank lines and '#' comments (whole-line or trailing) are
 * ignored; path "-" reads standard input.  Errors name the file and line: bad content, or a
 * file that cannot be opened or is a directory, returns -EINVAL, -ENOENT, -EACCES, -EISDIR
 * (the user named a bad file); a read that fails part way (EIO, EAGAIN: the machine failed
 * us) returns -EIO. */
int isw_targets_add_file(isw_targets *t, const char *path, int exclude, char *errbuf);

/* The inclusive range [lo, hi]; -EINVAL if lo > hi or after finalize. */
int isw_targets_add_range(isw_targets *t, uint32_t lo, uint32_t hi, int exclude);

/* Must be called once before the queries below.  -EINVAL if nothing is left to scan. */
int isw_targets_finalize(isw_targets *t, char *errbuf);

/* Number of addresses to probe: the IPv4 ones (up to 2^32) at indices [0, count - count_v6),
 * then the IPv6 ones. */
uint64_t isw_targets_count(const isw_targets *t);
uint64_t isw_targets_count_v6(const isw_targets *t);

/* Takes IPv6 specs too (before any add): addresses, "lo-hi" ranges and prefixes, each at
 * most 2^32 addresses (larger is refused, naming the sub-prefix and hitlist forms; excludes
 * may be any size); "::", ::ffff:0:0/96 (IPv4-mapped; a spec wholly inside it is refused)
 * and ff00::/8 are never sent to.  Without it IPv6 specs are refused
 * with a message, for callers whose pipeline does not carry IPv6 yet. */
void isw_targets_allow_ipv6(isw_targets *t);

/* Sub-prefix sweeps: "P/len-sublen" (e.g. 2001:db8::/32-48, len <= sublen <= 128, at most
 * 2^32 sub-prefixes) probes one address in each /sublen of P/len: the sub-prefix's top
 * sublen bits, then the interface identifier in the low 128 - sublen bits.  The identifier
 * is those bits of iid (set_iid; ::1 when neither is called, so 2001:db8::/32-48 gives
 * 2001:db8:0::1, 2001:db8:1::1, ...), or with set_iid_random a keyed hash of the seed and the
 * sub-prefix, never all zero (the subnet-router anycast address), the same for the same seed.
 * Excludes apply to the addresses so made; a sub-prefix sweep cannot itself be an exclude.
 * Either call goes before finalize; addresses are computed when asked for, so a spec costs
 * the same memory whatever its size.  finalize refuses (-EINVAL, naming it) a fixed iid with
 * bits above the host part of the longest sub-prefixes swept. */
void isw_targets_set_iid(isw_targets *t, const uint8_t iid[16]);
void isw_targets_set_iid_random(isw_targets *t, uint64_t seed);

/* The IPv6 targets as runs of indices whose addresses grow with the index, for whoever cuts
 * them at address boundaries (routes): a plain range holds every address of [lo, hi]; a
 * sub-prefix sweep's run (sublen != 0) one address per /sublen sub-prefix, so its addresses
 * are not consecutive.  first is an IPv6 index (overall: count - count_v6 + first).  The
 * plain ranges come first, in address order, then the sub-prefix runs, in address order;
 * no address is in two runs. */
struct isw_targets_run6 {
	uint64_t first, count;
	uint8_t lo[16], hi[16]; /* first and last address, network order */
	uint8_t sublen;
};
size_t isw_targets_nruns_v6(const isw_targets *t);
void isw_targets_run_v6(const isw_targets *t, size_t i, struct isw_targets_run6 *run);
/* How many addresses of run i are below addr (0..count): the run's indices first .. first +
 * that - 1 lie below addr, the rest at or above it.  A binary search in a sub-prefix run. */
uint64_t isw_targets_run_v6_below(const isw_targets *t, size_t i, const uint8_t addr[16]);
/* Whether any target spec was a sub-prefix sweep (before or after finalize). */
int isw_targets_has_subprefix(const isw_targets *t);
/* The interface index of the link-local IPv6 targets ("fe80::1%eth0": they all share one), or
 * 0 when there are none. */
uint32_t isw_targets_scope6(const isw_targets *t);

/* The index-th address of either family (index < count), and its inverse (-1: not a target). */
struct isw_addr isw_targets_at_addr(const isw_targets *t, uint64_t index);
int64_t isw_targets_index_addr(const isw_targets *t, const struct isw_addr *a);

/* Addresses named by the targets but dropped because they may never be sent to. */
uint64_t isw_targets_reserved_dropped(const isw_targets *t);

/* The index-th IPv4 address, index < count - count_v6. */
uint32_t isw_targets_at(const isw_targets *t, uint64_t index);

/* The IPv4 set as sorted, disjoint ranges: range i of nranges is [*lo, *hi]. */
size_t isw_targets_nranges(const isw_targets *t);
void isw_targets_range(const isw_targets *t, size_t i, uint32_t *lo, uint32_t *hi);

/* The IPv6 set as sorted, disjoint ranges: range i of nranges_v6 is [lo, hi] (network order),
 * lo being IPv6 target *first (overall index count - count_v6 + *first). */
size_t isw_targets_nranges_v6(const isw_targets *t);
void isw_targets_range_v6(const isw_targets *t, size_t i, uint8_t lo[16], uint8_t hi[16],
                          uint64_t *first);

/* Inverse of isw_targets_at: the index of addr, or -1 if addr is not a target. */
int64_t isw_targets_index(const isw_targets *t, uint32_t addr);

#endif
