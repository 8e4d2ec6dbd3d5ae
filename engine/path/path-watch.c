/* SPDX-License-Identifier: BSD-2-Clause */
/* The path watched over rtnetlink (path-watch.h): the interface's carrier and the next hops'
 * neighbour entries. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* linux/if.h; glibc's net/if.h stops at IFF_DYNAMIC */
#endif
#include <netinet/in.h>
#include <sys/socket.h>

#include "icmpsweep/error.h"
#include "netlink.h"
#include "path-watch.h"

#define WATCH_RCVBUF (1 << 20)

struct isw_path_watch {
	struct isw_nl nl; /* non-blocking, subscribed to link (and neighbour) events */
	int ifindex;
	uint32_t next_hop;
	uint8_t next_hop6[16];
	int have6;
};

static int ask_link(struct isw_path_watch *w)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg ifi;
	} q;

	memset(&q, 0, sizeof(q));
	q.h.nlmsg_len = NLMSG_LENGTH(sizeof(q.ifi));
	q.h.nlmsg_type = RTM_GETLINK;
	q.h.nlmsg_flags = NLM_F_REQUEST;
	q.ifi.ifi_family = AF_UNSPEC;
	q.ifi.ifi_index = w->ifindex;
	return isw_nl_send(&w->nl, &q.h);
}

/* Asks for a neighbour entry (RTM_GETNEIGH: allowed unprivileged, unlike RTM_NEWNEIGH). */
static int ask_neigh_of(struct isw_path_watch *w, int family, const void *addr, size_t len)
{
	struct {
		struct nlmsghdr h;
		struct ndmsg nd;
		char attrs[32];
	} q;

	memset(&q, 0, sizeof(q));
	q.h.nlmsg_len = NLMSG_LENGTH(sizeof(q.nd));
	q.h.nlmsg_type = RTM_GETNEIGH;
	q.h.nlmsg_flags = NLM_F_REQUEST;
	q.nd.ndm_family = (uint8_t)family;
	q.nd.ndm_ifindex = w->ifindex;
	isw_nl_put_attr(&q.h, NDA_DST, addr, len);
	return isw_nl_send(&w->nl, &q.h);
}

/* The watched next hops' entries, as they are now. */
static int ask_neigh(struct isw_path_watch *w)
{
	uint32_t nh = htonl(w->next_hop);
	int rc = 0;

	if (w->next_hop)
		rc = ask_neigh_of(w, AF_INET, &nh, 4);
	if (rc == 0 && w->have6)
		rc = ask_neigh_of(w, AF_INET6, w->next_hop6, 16);
	return rc;
}

int isw_path_watch_open(struct isw_path_watch **out, int ifindex, uint32_t next_hop,
                        const uint8_t *next_hop6, struct isw_path_state *st, char *errbuf)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK,
	                         .nl_groups =
	                             RTMGRP_LINK | (next_hop || next_hop6 ? RTMGRP_NEIGH : 0)};
	int buf = WATCH_RCVBUF, rc;
	struct isw_path_watch *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->ifindex = ifindex;
	w->next_hop = next_hop;
	if (next_hop6) {
		memcpy(w->next_hop6, next_hop6, 16);
		w->have6 = 1;
	}
	w->nl.fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (w->nl.fd < 0 || bind(w->nl.fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot watch the link: rtnetlink: %s",
		         strerror(-rc));
		isw_path_watch_close(w);
		return rc;
	}
	/* A burst of neighbour events (a big LAN) must not hide the one we wait for. */
	if (setsockopt(w->nl.fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) < 0)
		(void)setsockopt(w->nl.fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	memset(st, 0, sizeof(*st));
	st->carrier = 1; /* until the kernel says otherwise: the route lookup found it usable */
	rc = ask_link(w);
	if (rc == 0)
		rc = ask_neigh(w);
	if (rc < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot watch the link: rtnetlink: %s",
		         strerror(-rc));
		isw_path_watch_close(w);
		return rc;
	}
	*out = w;
	return 0;
}

static int apply_link(const struct nlmsghdr *h, int ifindex, struct isw_path_state *st)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	int carrier;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)) || ifi->ifi_index != ifindex)
		return 0;
	if (h->nlmsg_type == RTM_DELLINK) {
		/* Moved to another namespace or deleted: gone for us either way. */
		st->gone = 1;
		st->carrier = 0;
		return 1;
	}
	carrier = (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_LOWER_UP);
	if (carrier == st->carrier)
		return 0;
	st->carrier = carrier;
	return 1;
}

static int apply_neigh(const struct nlmsghdr *h, int ifindex, uint32_t next_hop,
                       const uint8_t *next_hop6, struct isw_path_state *st)
{
	const struct ndmsg *nd = NLMSG_DATA(h);
	const struct nlattr *dst, *ll;
	int alen = (int)h->nlmsg_len - NLMSG_LENGTH(sizeof(*nd));
	const char *attrs = (const char *)nd + NLMSG_ALIGN(sizeof(*nd));
	const char *addr;
	struct isw_path_state old = *st;
	uint32_t nh = htonl(next_hop);
	int v6, *state, *known;
	uint8_t *mac;

	if (alen < 0 || nd->ndm_ifindex != ifindex)
		return 0;
	if (nd->ndm_family == AF_INET && next_hop)
		v6 = 0;
	else if (nd->ndm_family == AF_INET6 && next_hop6)
		v6 = 1;
	else
		return 0;
	dst = isw_nl_find_attr(attrs, alen, NDA_DST);
	if (!dst || dst->nla_len != NLA_HDRLEN + (v6 ? 16 : 4))
		return 0;
	addr = (const char *)dst + NLA_HDRLEN;
	if (memcmp(addr, v6 ? (const void *)next_hop6 : (const void *)&nh, v6 ? 16 : 4))
		return 0;
	state = v6 ? &st->neigh6 : &st->neigh;
	mac = v6 ? st->neigh6_mac : st->neigh_mac;
	known = v6 ? &st->neigh6_mac_known : &st->neigh_mac_known;
	if (h->nlmsg_type == RTM_DELNEIGH) {
		/* Flushed (link down, gc): says nothing about the next hop itself. */
		*state = 0;
		return memcmp(&old, st, sizeof(old)) != 0;
	}
	*state = nd->ndm_state;
	ll = isw_nl_find_attr(attrs, alen, NDA_LLADDR);
	if (ll && ll->nla_len == NLA_HDRLEN + 6) {
		memcpy(mac, (const char *)ll + NLA_HDRLEN, 6);
		*known = 1;
	}
	return memcmp(&old, st, sizeof(old)) != 0;
}

int isw_path_watch_apply(const void *buf, size_t len, int ifindex, uint32_t next_hop,
                         const uint8_t *next_hop6, struct isw_path_state *st)
{
	const struct nlmsghdr *h = buf;
	int changed = 0;
	int left = (int)len;

	for (; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
		switch (h->nlmsg_type) {
		case RTM_NEWLINK:
		case RTM_DELLINK:
			changed |= apply_link(h, ifindex, st);
			break;
		case RTM_NEWNEIGH:
		case RTM_DELNEIGH:
			changed |= apply_neigh(h, ifindex, next_hop, next_hop6, st);
			break;
		default:
			break; /* errors of our requests, other groups */
		}
	}
	return changed;
}

int isw_path_watch_poll(struct isw_path_watch *w, int timeout_ms, struct isw_path_state *st)
{
	struct pollfd pfd = {.fd = w->nl.fd, .events = POLLIN};
	char buf[16384] __attribute__((aligned(8)));
	int changed = 0, rc;

	rc = poll(&pfd, 1, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;
	for (int k = 0; k < 64; k++) {
		ssize_t n = recv(w->nl.fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			if (errno == ENOBUFS) {
				/* Events were lost: the kernel's answer replaces them. */
				rc = ask_link(w);
				if (rc == 0)
					rc = ask_neigh(w);
				if (rc < 0)
					return rc;
				continue;
			}
			return -errno;
		}
		changed |= isw_path_watch_apply(buf, (size_t)n, w->ifindex, w->next_hop,
		                                w->have6 ? w->next_hop6 : NULL, st);
	}
	return changed;
}

void isw_path_watch_close(struct isw_path_watch *w)
{
	if (!w)
		return;
	isw_nl_close(&w->nl);
	free(w);
}
