/* SPDX-License-Identifier: BSD-2-Clause */
/* Route and rule boundaries of either family (route-bounds.h): one table dump, each prefix
 * turned into its first address and the one after it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "netlink.h"
#include "route-bounds.h"

struct nl_req {
	struct nlmsghdr h;
	struct rtmsg rt;
	char attrs[64];
};

/* The boundaries found so far, kept in the family's own width (IPv4: uint32_t, which a full
 * table of routes makes matter, IPv6: isw_u128). */
struct bounds {
	int family;
	size_t width; /* bytes of one entry */
	unsigned bits;
	void *v;
	size_t n, cap;
	int err;
};

static void bounds_put(struct bounds *b, isw_u128 x)
{
	if (b->family == AF_INET)
		((uint32_t *)b->v)[b->n++] = (uint32_t)x;
	else
		((isw_u128 *)b->v)[b->n++] = x;
}

/* Adds the prefix dst/len: its first address and, unless it is the last of the space, the one
 * after its end. */
static void bounds_add_prefix(struct bounds *b, isw_u128 dst, unsigned len)
{
	isw_u128 max = b->bits == 128 ? ~(isw_u128)0 : (isw_u128)0xffffffffu, lo, size;

	if (b->err || len > b->bits)
		return;
	lo = len ? dst & (max << (b->bits - len) & max) : 0;
	if (b->n + 2 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		void *v = realloc(b->v, cap * b->width);

		if (!v) {
			b->err = -ENOMEM;
			return;
		}
		b->v = v;
		b->cap = cap;
	}
	bounds_put(b, lo);
	if (!len)
		return;
	size = (isw_u128)1 << (b->bits - len);
	if (lo + (size - 1) != max)
		bounds_put(b, lo + size);
}

/* Routes (RTM_NEWROUTE) and policy rules (RTM_NEWRULE) alike: a rule's header has the layout
 * of struct rtmsg (struct fib_rule_hdr), FRA_DST that of RTA_DST.  A rule without a
 * destination adds no boundary. */
static int add_dst_prefix(const struct nlmsghdr *m, struct bounds *b, uint16_t type, int need_dst)
{
	const struct rtmsg *rt = NLMSG_DATA(m);
	const struct rtattr *a = RTM_RTA(rt);
	int alen = RTM_PAYLOAD(m);
	isw_u128 dst = 0;

	if (m->nlmsg_type != type || m->nlmsg_len < NLMSG_LENGTH(sizeof(*rt)) ||
	    rt->rtm_family != b->family || (need_dst && !rt->rtm_dst_len))
		return 0;
	for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		const uint8_t *p = RTA_DATA(a);

		if (a->rta_type != RTA_DST || RTA_PAYLOAD(a) < b->bits / 8)
			continue;
		dst = 0;
		for (unsigned i = 0; i < b->bits / 8; i++)
			dst = dst << 8 | p[i];
	}
	bounds_add_prefix(b, dst, rt->rtm_dst_len);
	return 0;
}

static int on_route(const struct nlmsghdr *m, void *arg)
{
	return add_dst_prefix(m, arg, RTM_NEWROUTE, 0);
}

static int on_rule(const struct nlmsghdr *m, void *arg)
{
	return add_dst_prefix(m, arg, RTM_NEWRULE, 1);
}

static int dump(int family, uint16_t type, int (*fn)(const struct nlmsghdr *m, void *arg),
                void *arg)
{
	struct nl_req q;

	memset(&q, 0, sizeof(q));
	q.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	q.h.nlmsg_type = type;
	q.rt.rtm_family = (unsigned char)family;
	return isw_nl_dump(NETLINK_ROUTE, &q.h, fn, arg);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int cmp_u128(const void *a, const void *b)
{
	isw_u128 x = *(const isw_u128 *)a, y = *(const isw_u128 *)b;

	return (x > y) - (x < y);
}

static int boundaries(int family, void **out, size_t *n)
{
	struct bounds b = {.family = family};
	char *v;
	size_t k = 0;
	int rc = 0;

	b.width = family == AF_INET ? sizeof(uint32_t) : sizeof(isw_u128);
	b.bits = family == AF_INET ? 32 : 128;
	/* A table that changes during the dump says so: ask again, a bounded number of times. */
	for (int tries = 0; tries < 3; tries++) {
		b.n = 0;
		b.err = 0;
		rc = dump(family, RTM_GETROUTE, on_route, &b);
		if (rc == 0)
			rc = dump(family, RTM_GETRULE, on_rule, &b);
		if (rc == 0)
			rc = b.err;
		if (rc != -EAGAIN)
			break;
	}
	if (rc < 0) {
		free(b.v);
		return rc;
	}
	if (b.n)
		qsort(b.v, b.n, b.width, family == AF_INET ? cmp_u32 : cmp_u128);
	v = b.v;
	for (size_t i = 0; i < b.n; i++)
		if (!k || memcmp(v + i * b.width, v + (k - 1) * b.width, b.width))
			memmove(v + k++ * b.width, v + i * b.width, b.width);
	*out = b.v;
	*n = k;
	return 0;
}

int isw_route_boundaries(uint32_t **out, size_t *n)
{
	void *v = NULL;
	int rc = boundaries(AF_INET, &v, n);

	*out = v;
	return rc;
}

int isw_route6_boundaries(isw_u128 **out, size_t *n)
{
	void *v = NULL;
	int rc = boundaries(AF_INET6, &v, n);

	*out = v;
	return rc;
}
