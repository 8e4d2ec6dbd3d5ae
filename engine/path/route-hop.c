/* SPDX-License-Identifier: BSD-2-Clause */
/* Hops of either family (route-hop.h): the kernel's answer classified, the table of distinct
 * hops, the list of ranges named in messages. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "icmpsweep/addr.h"
#include "icmpsweep/error.h"
#include "route-hop.h"
#include "route.h"

#define DESCRIBE_MAX 4 /* ranges named in a message; the rest are counted */

const char *isw_hop_unrouted_name(const struct isw_hop *h)
{
	if (h->err)
		return isw_route_err_name(h->err);
	switch (h->type) {
	case RTN_NAT:
		return "nat route";
	case RTN_XRESOLVE:
		return "external resolver route";
	default:
		return "no unicast route";
	}
}

static int same_hop(const struct isw_hop *a, const struct isw_hop *b)
{
	return a->kind == b->kind && a->ifindex == b->ifindex && a->gateway == b->gateway &&
	       a->err == b->err && a->type == b->type && !memcmp(a->gateway6, b->gateway6, 16);
}

static int is_zero(const struct isw_addr *a)
{
	static const uint8_t zero[16];

	return !memcmp(a->bytes, zero, 16);
}

int isw_hop_classify(struct isw_nl *nl, const struct isw_addr *dst, int oif, struct isw_hop *h,
                     char *errbuf)
{
	struct isw_route_answer a, best, alt;
	int rc = isw_route_get(nl, dst, 0, 0, &a);

	memset(h, 0, sizeof(*h));
	if (rc == -EINVAL || rc == -EHOSTUNREACH || rc == -EACCES || rc == -ENETUNREACH) {
		h->kind = ISW_HOP_UNROUTED;
		h->err = rc;
		return 0;
	}
	if (rc < 0) {
		char s[ISW_ADDR_TEXT_MAX];

		snprintf(errbuf, ISW_ERRBUF_SIZE, "route lookup for %s: %s",
		         isw_addr_format(dst, s), strerror(-rc));
		return rc;
	}
	h->type = a.type;
	switch (a.type) {
	case RTN_UNICAST:
		break;
	case RTN_LOCAL:
	case RTN_BROADCAST:
	case RTN_ANYCAST:
	case RTN_MULTICAST:
		h->kind = ISW_HOP_SELF;
		return 0;
	default:
		h->kind = ISW_HOP_UNROUTED;
		return 0;
	}
	/* Routed elsewhere, but -i names another interface: a route there just as specific as
	 * the best one (a second default route, the same prefix on two links) is taken, as a
	 * socket bound to it would; a less specific one is not what the routes mean. */
	if (oif && a.ifindex != oif && isw_route_get(nl, dst, 0, 1, &best) == 0 &&
	    isw_route_get(nl, dst, oif, 1, &alt) == 0 && alt.prefix_len == best.prefix_len) {
		rc = isw_route_get(nl, dst, oif, 0, &a);
		if (rc < 0 || a.type != RTN_UNICAST) {
			h->kind = ISW_HOP_UNROUTED;
			h->err = rc < 0 ? rc : 0;
			return 0;
		}
	}
	h->ifindex = a.ifindex;
	if (isw_addr_is_v4(dst)) {
		h->gateway = isw_addr_v4(&a.gateway);
		h->src = isw_addr_v4(&a.src);
	} else {
		memcpy(h->gateway6, a.gateway.bytes, 16);
		memcpy(h->src6, a.src.bytes, 16);
	}
	h->kind = is_zero(&a.gateway) ? ISW_HOP_ONLINK : ISW_HOP_GATEWAY;
	return 0;
}

int isw_hop_unrouted(const struct isw_hop *h, const void *arg)
{
	(void)arg;
	return h->kind == ISW_HOP_UNROUTED;
}

int isw_hop_self(const struct isw_hop *h, const void *arg)
{
	(void)arg;
	return h->kind == ISW_HOP_SELF;
}

int isw_hop_elsewhere(const struct isw_hop *h, const void *oif)
{
	return isw_hop_routed(h) && h->ifindex != *(const int *)oif;
}

const struct isw_hop *isw_hop_find(const struct isw_hop *hop, size_t n,
                                   int (*want)(const struct isw_hop *h, const void *arg),
                                   const void *arg)
{
	for (size_t i = 0; i < n; i++)
		if (want(&hop[i], arg))
			return &hop[i];
	return NULL;
}

int isw_hop_intern(struct isw_hop **hop, size_t *nhops, const struct isw_hop *h, uint32_t *out)
{
	struct isw_hop *v;

	for (size_t i = 0; i < *nhops; i++) {
		if (same_hop(&(*hop)[i], h)) {
			*out = (uint32_t)i;
			return 0;
		}
	}
	v = realloc(*hop, (*nhops + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	*hop = v;
	v[*nhops] = *h;
	*out = (uint32_t)(*nhops)++;
	return 0;
}

void isw_hop_list_start(struct isw_hop_list *l, char *buf, size_t size)
{
	*l = (struct isw_hop_list){.buf = buf, .size = size};
	buf[0] = 0;
}

int isw_hop_list_next(struct isw_hop_list *l)
{
	if (l->full)
		return 0;
	if (l->named == DESCRIBE_MAX) {
		l->more++;
		return 0;
	}
	return 1;
}

void isw_hop_list_add(struct isw_hop_list *l, const char *range, const char *label)
{
	int n = snprintf(l->buf + l->used, l->size - l->used, "%s%s%s%s%s", l->named ? ", " : "",
	                 range, label ? " (" : "", label ? label : "", label ? ")" : "");

	/* What did not fit is cut off; nothing more is added after it. */
	if (n < 0 || (size_t)n >= l->size - l->used) {
		l->full = 1;
		return;
	}
	l->used += (size_t)n;
	l->named++;
}

void isw_hop_list_end(struct isw_hop_list *l)
{
	if (l->more && l->used < l->size)
		snprintf(l->buf + l->used, l->size - l->used, " and %zu more range%s", l->more,
		         l->more == 1 ? "" : "s");
}
