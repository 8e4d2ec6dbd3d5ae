/* SPDX-License-Identifier: BSD-2-Clause */
/* Every address where the answer to a route lookup may change, read from the kernel's route
 * and policy-rule tables over rtnetlink, for either family: the route maps (route-map.h,
 * route6-map.h) look up one address per piece between two of them. */
#ifndef ISW_ROUTE_BOUNDS_H
#define ISW_ROUTE_BOUNDS_H

#include <stddef.h>
#include <stdint.h>

#include "subprefix6.h"

/* The first address of each route's prefix (all tables) and of each policy rule's
 * destination, and the address after its end; IPv4 ones as host-order numbers, IPv6 ones as
 * 128-bit numbers.  Sorted, without duplicates; *out is malloc'd.  0 or -errno. */
int isw_route_boundaries(uint32_t **out, size_t *n);
int isw_route6_boundaries(isw_u128 **out, size_t *n);

#endif
