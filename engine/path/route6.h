/* SPDX-License-Identifier: BSD-2-Clause */
/* The kernel's IPv6 routes over rtnetlink: every address where a route lookup's answer may
 * change (the lookup itself, for either family, is isw_route_get in route.h). */
#ifndef ISW_ROUTE6_H
#define ISW_ROUTE6_H

#include <stddef.h>
#include <stdint.h>

#include "targets6.h"

/* The first address of each IPv6 route's and rule's prefix and the one after its end,
 * sorted, without duplicates; *out is malloc'd.  0 or -errno. */
int isw_route6_boundaries(isw_u128 **out, size_t *n);

/* 16 network-order bytes <-> a number, for walking the address space. */
isw_u128 isw_u128_from_bytes(const uint8_t b[16]);
void isw_u128_to_bytes(isw_u128 v, uint8_t b[16]);

#endif
