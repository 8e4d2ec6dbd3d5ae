/* SPDX-License-Identifier: BSD-2-Clause */
/* -l/--localnet: finds the IPv4 networks attached to the chosen interface, or to the one
 * interface that is up with a non-loopback address, and adds them as targets within the
 * --localnet-max cap. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "cli-localnet.h"

struct net {
	char iface[IF_NAMESIZE];
	uint32_t lo, hi; /* host order, inclusive */
	int prefix;
};

static int cmp_net(const void *a, const void *b)
{
	const struct net *x = a, *y = b;
	int c = strcmp(x->iface, y->iface);

	if (c)
		return c;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return (y->hi > x->hi) - (y->hi < x->hi); /* the larger first */
}

/* The networks of the interfaces asked for, sorted by interface and start; -errno. */
static int collect(const char *iface, struct net *out, size_t max, size_t *n)
{
	struct ifaddrs *ifa, *i;

	*n = 0;
	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i && *n < max; i = i->ifa_next) {
		uint32_t a, m;
		int p = 0;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_netmask)
			continue;
		if (iface ? strcmp(i->ifa_name, iface) != 0
		          : !(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		a = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
		m = ntohl(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);
		for (uint32_t b = m; b & 0x80000000u; b <<= 1)
			p++;
		if (p == 32)
			continue; /* the address alone: nothing but ourselves */
		snprintf(out[*n].iface, sizeof(out[*n].iface), "%s", i->ifa_name);
		out[*n].lo = a & m;
		out[*n].hi = (a & m) | ~m;
		out[*n].prefix = p;
		(*n)++;
	}
	freeifaddrs(ifa);
	qsort(out, *n, sizeof(*out), cmp_net);
	return 0;
}

/* Drops the networks inside an earlier one of the same interface (two addresses of one
 * subnet, or a /24 within a /16); returns how many are left. */
static size_t merge(struct net *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (k && !strcmp(v[k - 1].iface, v[i].iface) && v[i].hi <= v[k - 1].hi)
			continue;
		v[k++] = v[i];
	}
	return k;
}

int cli_localnet_add(isw_targets *t, const char *iface, int max_prefix, struct cli_localnet *ln,
                     char *errbuf)
{
	struct net nets[CLI_LOCALNET_NETS];
	char a[INET_ADDRSTRLEN], list[160] = "";
	uint64_t total = 0, cap = 1ull << (32 - max_prefix);
	size_t n, len = 0;
	int rc = collect(iface, nets, CLI_LOCALNET_NETS, &n);

	memset(ln, 0, sizeof(*ln));
	if (rc < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "-l: cannot list the interfaces: %s",
		         strerror(-rc));
		return -EINVAL;
	}
	n = merge(nets, n);
	if (!n) {
		if (iface && !if_nametoindex(iface))
			snprintf(errbuf, ISW_ERRBUF_SIZE, "-l: no interface '%s'", iface);
		else if (iface)
			snprintf(errbuf, ISW_ERRBUF_SIZE,
			         "-l: interface '%s' has no IPv4 network to sweep", iface);
		else
			snprintf(errbuf, ISW_ERRBUF_SIZE,
			         "-l: no interface that is up has an IPv4 network to sweep (other "
			         "than loopback); give targets instead");
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		int same = i && !strcmp(nets[i].iface, nets[i - 1].iface);
		int w = snprintf(list + len, sizeof(list) - len, "%s%s%s%s/%d",
		                 same ? ", "
		                 : i  ? "; "
		                      : "",
		                 same ? "" : nets[i].iface, same ? "" : " ",
		                 inet_ntop(AF_INET, &(uint32_t){htonl(nets[i].lo)}, a, sizeof(a)),
		                 nets[i].prefix);
		if (w > 0 && (size_t)w < sizeof(list) - len)
			len += (size_t)w;
	}
	if (strcmp(nets[0].iface, nets[n - 1].iface) != 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "-l: networks on several interfaces (%s): the ARP pass sweeps one "
		         "interface's networks; "
		         "choose it with -i",
		         list);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		total += (uint64_t)nets[i].hi - nets[i].lo + 1;
	if (total > cap) {
		int need = 32;

		while (need > 0 && (1ull << (32 - need)) < total)
			need--;
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "-l: %s (%llu addresses) is more than a /%d: give the targets instead, or "
		         "allow it with --localnet-max %d",
		         list, (unsigned long long)total, max_prefix, need);
		return -EINVAL;
	}
	snprintf(ln->iface, sizeof(ln->iface), "%s", nets[0].iface);
	snprintf(ln->desc, sizeof(ln->desc), "%s", list);
	for (size_t i = 0; i < n; i++) {
		snprintf(ln->specs[i], sizeof(ln->specs[i]), "%s/%d",
		         inet_ntop(AF_INET, &(uint32_t){htonl(nets[i].lo)}, a, sizeof(a)),
		         nets[i].prefix);
		rc = isw_targets_add(t, ln->specs[i], 0, errbuf);
		if (rc < 0)
			return rc;
	}
	ln->nspecs = n;
	return 0;
}
