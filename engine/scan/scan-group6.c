/* SPDX-License-Identifier: BSD-2-Clause */
/* --ipv6-multicast's plan (group6.h): which interfaces get the echo request to all nodes -
 * those with on-link IPv6 targets swept with NDP - and the link-local source it leaves from,
 * so that hosts with no address but their link-local one can answer too (they have no route
 * back to a global source). */
#include <ifaddrs.h>
#include <string.h>

#include <netinet/in.h>

#include "scan-internal.h"

/* The first link-local IPv6 address of iface into out; 1 if there is one. */
static int link_local_of(const char *iface, uint8_t out[16])
{
	struct ifaddrs *all, *a;
	int found = 0;

	if (getifaddrs(&all) < 0)
		return 0;
	for (a = all; a && !found; a = a->ifa_next) {
		const struct sockaddr_in6 *sa = (const struct sockaddr_in6 *)a->ifa_addr;
		struct isw_addr x;

		if (!sa || sa->sin6_family != AF_INET6 || strcmp(a->ifa_name, iface) != 0)
			continue;
		x = isw_addr_from_v6(sa->sin6_addr.s6_addr);
		if (isw_addr_is_link_local(&x)) {
			memcpy(out, x.bytes, 16);
			found = 1;
		}
	}
	freeifaddrs(all);
	return found;
}

void isw_scan_plan_group6(struct isw_scan *s)
{
	if (!s->cfg.ipv6_multicast || !s->lan6_active)
		return;
	for (uint64_t j = 0; j < s->lan6.n; j++) {
		unsigned l = isw_lan6_link(&s->lan6, j);
		struct isw_scan_link *k = &s->link[l];

		if (k->group || k->route.raw_ip)
			continue;
		/* An interface without a link-local address (addrgenmode none) has no source
		 * the whole segment can answer: no group probe there. */
		k->group = link_local_of(k->route.iface, k->ll6);
	}
}
