/* SPDX-License-Identifier: BSD-2-Clause */
/* The kernel's IPv6 routes over rtnetlink: one destination's answer (RTM_GETROUTE,
 * AF_INET6), and every address where that answer may change.  The IPv6 twin of the lookups
 * in route.h; the neighbour side (NDP) is isw_neigh_resolve there. */
#ifndef ISW_ROUTE6_H
#define ISW_ROUTE6_H

#include <stddef.h>
#include <stdint.h>

#include "targets6.h"

struct isw_nl;

/* As struct isw_route_answer, with IPv6 addresses (network order; all zero: none). */
struct isw_route6_answer {
	int type; /* RTN_UNICAST, RTN_LOCAL, ... */
	int ifindex;
	uint8_t gateway[16]; /* all zero: on-link */
	uint8_t src[16];     /* the source the kernel would choose */
	int prefix_len;      /* with fibmatch: the matching route's prefix length */
};

/* Errors as isw_route_get's: -EINVAL blackhole, -EHOSTUNREACH unreachable, -EACCES prohibit,
 * -ENETUNREACH none. */
int isw_route6_get(struct isw_nl *nl, const uint8_t dst[16], int oif, int fibmatch,
                   struct isw_route6_answer *a);

/* The first address of each IPv6 route's and rule's prefix and the one after its end,
 * sorted, without duplicates; *out is malloc'd.  0 or -errno. */
int isw_route6_boundaries(isw_u128 **out, size_t *n);

/* 16 network-order bytes <-> a number, for walking the address space. */
isw_u128 isw_u128_from_bytes(const uint8_t b[16]);
void isw_u128_to_bytes(isw_u128 v, uint8_t b[16]);

#endif
