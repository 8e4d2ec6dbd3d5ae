/* SPDX-License-Identifier: BSD-2-Clause */
/* IPv6 route lookups over rtnetlink (route6.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "netlink.h"
#include "route6.h"

#define NL_BUF 8192

struct nl_req6 {
	struct nlmsghdr h;
	struct rtmsg rt;
	char attrs[64];
};

isw_u128 isw_u128_from_bytes(const uint8_t b[16])
{
	isw_u128 v = 0;

	for (int i = 0; i < 16; i++)
		v = v << 8 | b[i];
	return v;
}

void isw_u128_to_bytes(isw_u128 v, uint8_t b[16])
{
	for (int i = 15; i >= 0; i--) {
		b[i] = (uint8_t)v;
		v >>= 8;
	}
}

struct bounds6 {
	isw_u128 *v;
	size_t n, cap;
	int err;
};

static void bounds6_add(struct bounds6 *b, isw_u128 dst, unsigned len)
{
	isw_u128 mask = len ? ~(isw_u128)0 << (128 - len) : 0, lo = dst & mask, size;

	if (b->err || len > 128)
		return;
	if (b->n + 2 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		isw_u128 *v = realloc(b->v, cap * sizeof(*v));

		if (!v) {
			b->err = -ENOMEM;
			return;
		}
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n++] = lo;
	/* The address after the prefix; none after the last one of the space. */
	size = len ? (isw_u128)1 << (128 - len) : 0;
	if (len && lo + size != 0)
		b->v[b->n++] = lo + size;
}

/* Routes and rules alike (the layout of struct rtmsg, RTA_DST = FRA_DST); a rule without a
 * destination adds no boundary. */
static int add_dst6(const struct nlmsghdr *m, void *arg, uint16_t type, int need_dst)
{
	const struct rtmsg *rt = NLMSG_DATA(m);
	const struct rtattr *a = RTM_RTA(rt);
	int alen = RTM_PAYLOAD(m);
	uint8_t dst[16] = {0};

	if (m->nlmsg_type != type || m->nlmsg_len < NLMSG_LENGTH(sizeof(*rt)) ||
	    rt->rtm_family != AF_INET6 || (need_dst && !rt->rtm_dst_len))
		return 0;
	for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen))
		if (a->rta_type == RTA_DST && RTA_PAYLOAD(a) == 16)
			memcpy(dst, RTA_DATA(a), 16);
	bounds6_add(arg, isw_u128_from_bytes(dst), rt->rtm_dst_len);
	return 0;
}

static int on_route6(const struct nlmsghdr *m, void *arg)
{
	return add_dst6(m, arg, RTM_NEWROUTE, 0);
}

static int on_rule6(const struct nlmsghdr *m, void *arg)
{
	return add_dst6(m, arg, RTM_NEWRULE, 1);
}

static int cmp_u128(const void *a, const void *b)
{
	isw_u128 x = *(const isw_u128 *)a, y = *(const isw_u128 *)b;

	return (x > y) - (x < y);
}

static int dump6(uint16_t type, int (*fn)(const struct nlmsghdr *m, void *arg), void *arg)
{
	struct nl_req6 q;

	memset(&q, 0, sizeof(q));
	q.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	q.h.nlmsg_type = type;
	q.rt.rtm_family = AF_INET6;
	return isw_nl_dump(NETLINK_ROUTE, &q.h, fn, arg);
}

int isw_route6_boundaries(isw_u128 **out, size_t *n)
{
	struct bounds6 b = {0};
	size_t k = 0;
	int rc = 0;

	/* A table that changes during the dump says so: ask again, a bounded number of times. */
	for (int tries = 0; tries < 3; tries++) {
		b.n = 0;
		b.err = 0;
		rc = dump6(RTM_GETROUTE, on_route6, &b);
		if (rc == 0)
			rc = dump6(RTM_GETRULE, on_rule6, &b);
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
		qsort(b.v, b.n, sizeof(*b.v), cmp_u128);
	for (size_t i = 0; i < b.n; i++)
		if (!k || b.v[i] != b.v[k - 1])
			b.v[k++] = b.v[i];
	*out = b.v;
	*n = k;
	return 0;
}
