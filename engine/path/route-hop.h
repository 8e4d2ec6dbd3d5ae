/* SPDX-License-Identifier: BSD-2-Clause */
/* One destination's route as a hop, for either family: the kernel's answer classified
 * (gateway, on-link, our own, unrouted), the table of distinct hops a route map keeps, and the
 * text that names a map's targets of one kind in messages.  The IPv4 map (route-map.h) and
 * the IPv6 one (route6-map.h) differ only in how they key targets; their hops are these. */
#ifndef ISW_ROUTE_HOP_H
#define ISW_ROUTE_HOP_H

#include <stddef.h>
#include <stdint.h>

struct isw_addr;
struct isw_nl;

enum isw_hop_kind {
	ISW_HOP_GATEWAY,  /* behind a gateway: frames go to its MAC */
	ISW_HOP_ONLINK,   /* on a network of the interface: frames go to the host's own MAC */
	ISW_HOP_SELF,     /* this host's own or a broadcast address: not probed */
	ISW_HOP_UNROUTED, /* blackhole, unreachable, prohibit, throw or no route: not probed */
};

struct isw_hop {
	enum isw_hop_kind kind;
	int ifindex;
	uint32_t gateway; /* ISW_HOP_GATEWAY */
	uint32_t src;     /* the route's preferred source */
	int err;          /* ISW_HOP_UNROUTED: the lookup's -errno, or 0 with type set */
	int type;         /* the route's type (RTN_*) */
	uint8_t mac[6];   /* filled by the caller once resolved */
	/* Filled by the caller: which of the sweep's interfaces the hop is on, and whether that
	 * link carries no MACs (tun, ppp). */
	uint8_t link, raw_ip;
	uint64_t count; /* targets with this hop */
	/* IPv6 hops: the gateway (all zero: on-link) and the preferred source. */
	uint8_t gateway6[16], src6[16];
};

/* The kernel's answer for dst (either family) as a hop, count and mac left zero.  oif 0, or
 * the -i interface: a destination routed elsewhere then takes a route of oif's if one is just
 * as specific as its best one (a second default route), else it keeps its own interface for
 * the caller to refuse.  0, or -errno with errbuf set (an unrouted answer is not an error). */
int isw_hop_classify(struct isw_nl *nl, const struct isw_addr *dst, int oif, struct isw_hop *h,
                     char *errbuf);

/* Hop predicates, in the form the map's describe functions take (arg unused unless said). */
static inline int isw_hop_routed(const struct isw_hop *h)
{
	return h->kind == ISW_HOP_GATEWAY || h->kind == ISW_HOP_ONLINK;
}
int isw_hop_unrouted(const struct isw_hop *h, const void *arg);
int isw_hop_self(const struct isw_hop *h, const void *arg);
/* Routed through another interface than *(const int *)oif. */
int isw_hop_elsewhere(const struct isw_hop *h, const void *oif);
/* The first of hop[0 .. n) that want(hop, arg) takes, or NULL. */
const struct isw_hop *isw_hop_find(const struct isw_hop *hop, size_t n,
                                   int (*want)(const struct isw_hop *h, const void *arg),
                                   const void *arg);

/* The index of the hop equal to h in (*hop)[0 .. *nhops), appended when there is none:
 * 0, or -ENOMEM. */
int isw_hop_intern(struct isw_hop **hop, size_t *nhops, const struct isw_hop *h, uint32_t *out);

/* What an unrouted hop's route is: "blackhole", "prohibit", ... */
const char *isw_hop_unrouted_name(const struct isw_hop *h);

/* A message's list of target ranges: "198.19.2.0/30 (blackhole), 198.19.3.1", at most a few,
 * then "and N more ranges". */
struct isw_hop_list {
	char *buf;
	size_t size, used, named, more;
	int full;
};
void isw_hop_list_start(struct isw_hop_list *l, char *buf, size_t size);
/* 1 when the next range is to be written with isw_hop_list_add; 0 when it is only counted
 * (or, once buf is full, dropped). */
int isw_hop_list_next(struct isw_hop_list *l);
/* Appends range, with label in parentheses when it is given. */
void isw_hop_list_add(struct isw_hop_list *l, const char *range, const char *label);
void isw_hop_list_end(struct isw_hop_list *l);

#endif
