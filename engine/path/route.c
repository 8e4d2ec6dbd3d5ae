/* SPDX-License-Identifier: BSD-2-Clause */
/* One route lookup over rtnetlink (route.h): interface, source and next-hop MAC for a
 * destination. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if_arp.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <ifaddrs.h>

/* GRE over IPv6 (Linux's if_arp.h has it; glibc's, which this file needs, does not). */
#ifndef ARPHRD_IP6GRE
#define ARPHRD_IP6GRE 823
#endif

#include "icmpsweep/addr.h"
#include "icmpsweep/error.h"
#include "netlink.h"
#include "route.h"

#define NL_BUF 8192

struct nl_req {
	struct nlmsghdr h;
	union {
		struct rtmsg rt;
		struct ndmsg nd;
	};
	char attrs[64];
};

static int iface_info(struct isw_route *r, char *errbuf)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", r->iface);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		int err = errno;
		snprintf(errbuf, ISW_ERRBUF_SIZE, "interface '%s': %s", r->iface, strerror(err));
		close(fd);
		return -err;
	}
	switch (ifr.ifr_hwaddr.sa_family) {
	case ARPHRD_ETHER:
		memcpy(r->src_mac, ifr.ifr_hwaddr.sa_data, 6);
		r->raw_ip = 0;
		break;
	case ARPHRD_NONE:
	case ARPHRD_PPP:
	case ARPHRD_TUNNEL:
	case ARPHRD_IPGRE:
	case ARPHRD_SIT:
	case ARPHRD_TUNNEL6:
	case ARPHRD_IP6GRE:
		r->raw_ip = 1;
		break;
	default:
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "interface '%s' has link type %d: neither Ethernet nor raw IP", r->iface,
		         ifr.ifr_hwaddr.sa_family);
		close(fd);
		return -EOPNOTSUPP;
	}
	if (!r->src) {
		memset(&ifr.ifr_addr, 0, sizeof(ifr.ifr_addr));
		ifr.ifr_addr.sa_family = AF_INET;
		if (ioctl(fd, SIOCGIFADDR, &ifr) == 0)
			r->src = ntohl(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr);
	}
	close(fd);
	return 0;
}

int isw_route_iface(const char *iface, struct isw_route *r, char *errbuf)
{
	r->ifindex = (int)if_nametoindex(iface);
	if (!r->ifindex) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "unknown interface '%s'", iface);
		return -ENODEV;
	}
	snprintf(r->iface, sizeof(r->iface), "%s", iface);
	return iface_info(r, errbuf);
}

/* An address attribute of the answer into out, when it has the length of family's. */
static void attr_addr(const struct rtattr *at, int family, struct isw_addr *out)
{
	size_t len = family == AF_INET ? 4 : 16;

	if (RTA_PAYLOAD(at) != len)
		return;
	memset(out, 0, sizeof(*out));
	out->family = (uint8_t)family;
	memcpy(out->bytes, RTA_DATA(at), len);
}

int isw_route_get(struct isw_nl *nl, const struct isw_addr *dst, int oif, int fibmatch,
                  struct isw_route_answer *a)
{
	struct nl_req q;
	char buf[NL_BUF];
	int v4 = isw_addr_is_v4(dst), n;

	memset(&q, 0, sizeof(q));
	q.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	q.h.nlmsg_type = RTM_GETROUTE;
	q.h.nlmsg_flags = NLM_F_REQUEST;
	q.rt.rtm_family = dst->family;
	q.rt.rtm_dst_len = v4 ? 32 : 128;
	if (fibmatch)
		q.rt.rtm_flags = RTM_F_FIB_MATCH;
	isw_nl_put_attr(&q.h, RTA_DST, dst->bytes, v4 ? 4 : 16);
	if (oif)
		isw_nl_put_attr(&q.h, RTA_OIF, &oif, 4);
	n = isw_nl_transact(nl, &q.h, buf, sizeof(buf));
	if (n < 0)
		return n;
	if (n < (int)NLMSG_LENGTH(sizeof(struct rtmsg)))
		return -EBADMSG;

	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct rtmsg *rt = NLMSG_DATA(h);
	struct rtattr *at = RTM_RTA(rt);
	int alen = RTM_PAYLOAD(h);
	memset(a, 0, sizeof(*a));
	a->type = rt->rtm_type;
	a->prefix_len = rt->rtm_dst_len;
	for (; RTA_OK(at, alen); at = RTA_NEXT(at, alen)) {
		switch (at->rta_type) {
		case RTA_OIF:
			memcpy(&a->ifindex, RTA_DATA(at), 4);
			break;
		case RTA_PREFSRC:
			attr_addr(at, dst->family, &a->src);
			break;
		case RTA_GATEWAY:
			attr_addr(at, dst->family, &a->gateway);
			break;
		}
	}
	return 0;
}

const char *isw_route_err_name(int err)
{
	switch (err) {
	case -EINVAL:
		return "blackhole";
	case -EHOSTUNREACH:
		return "unreachable";
	case -EACCES:
		return "prohibit";
	case -ENETUNREACH:
		return "no route";
	default:
		return strerror(-err);
	}
}

/* The neighbour entry of nh on ifindex: its NUD state (0 when there is none) with the MAC if
 * it has one.  Either family: the neighbour table is ARP's for IPv4 and NDP's for IPv6. */
static int neigh_get(int ifindex, const struct isw_addr *nh, uint8_t mac[6], int *have_mac)
{
	struct nl_req q;
	char buf[NL_BUF];
	int n;

	*have_mac = 0;
	memset(&q, 0, sizeof(q));
	q.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	q.h.nlmsg_type = RTM_GETNEIGH;
	q.h.nlmsg_flags = NLM_F_REQUEST;
	q.nd.ndm_family = nh->family;
	q.nd.ndm_ifindex = ifindex;
	isw_nl_put_attr(&q.h, NDA_DST, nh->bytes, isw_addr_is_v4(nh) ? 4 : 16);
	n = isw_nl_call(NETLINK_ROUTE, &q.h, buf, sizeof(buf));
	if (n < (int)NLMSG_LENGTH(sizeof(struct ndmsg)))
		return 0;

	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct ndmsg *nd = NLMSG_DATA(h);
	struct rtattr *a = (struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof(*nd)));
	int alen = (int)h->nlmsg_len - NLMSG_LENGTH(sizeof(*nd));
	for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6) {
			memcpy(mac, RTA_DATA(a), 6);
			*have_mac = 1;
		}
	}
	return nd->ndm_state;
}

/* 1 when the entry's MAC may be used now: confirmed lately, or set by hand. */
static int neigh_usable(int ifindex, const struct isw_addr *nh, uint8_t mac[6], int *state)
{
	int have;

	*state = neigh_get(ifindex, nh, mac, &have);
	return have && (*state & (NUD_REACHABLE | NUD_PERMANENT | NUD_NOARP));
}

/* A stale entry's MAC may be that of a next hop long gone (a failover, a replaced router):
 * sending a whole sweep there loses it silently.  Marking the entry failed makes the next
 * datagram start a fresh resolution by broadcast (IPv6: to the solicited-node group), which a
 * next hop with a new MAC answers too (the kernel's own re-probe of a stale entry goes
 * unicast to the old MAC). */
static void neigh_expire(int ifindex, const struct isw_addr *nh)
{
	struct nl_req q;
	char buf[NL_BUF];

	memset(&q, 0, sizeof(q));
	q.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	q.h.nlmsg_type = RTM_NEWNEIGH;
	q.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_REPLACE | NLM_F_ACK;
	q.nd.ndm_family = nh->family;
	q.nd.ndm_ifindex = ifindex;
	q.nd.ndm_state = NUD_FAILED;
	isw_nl_put_attr(&q.h, NDA_DST, nh->bytes, isw_addr_is_v4(nh) ? 4 : 16);
	/* On failure the wait below still runs and reports a next hop that does not answer. */
	(void)isw_nl_call(NETLINK_ROUTE, &q.h, buf, sizeof(buf));
}

/* A datagram to the discard port makes the kernel resolve the next hop like any sender: ARP,
 * or an NDP neighbour solicitation to the next hop's solicited-node multicast group. */
void isw_neigh_kick(const char *iface, int ifindex, const struct isw_addr *nh)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(9)};
	struct sockaddr_in6 sa6 = {.sin6_family = AF_INET6, .sin6_port = htons(9)};
	int v4 = isw_addr_is_v4(nh);
	int fd = socket(nh->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	memcpy(&sa.sin_addr, nh->bytes, 4);
	memcpy(&sa6.sin6_addr, nh->bytes, 16);
	/* A link-local next hop means nothing without its interface. */
	sa6.sin6_scope_id = (uint32_t)ifindex;
	setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface, (socklen_t)strlen(iface) + 1);
	if (sendto(fd, "", 0, MSG_DONTWAIT, v4 ? (struct sockaddr *)&sa : (struct sockaddr *)&sa6,
	           v4 ? sizeof(sa) : sizeof(sa6)) < 0) {
		/* Nothing to do: the wait below reports the failure. */
	}
	close(fd);
}

int isw_neigh_resolve(const char *iface, int ifindex, const struct isw_addr *nh, uint8_t mac[6],
                      int timeout_ms, char *errbuf)
{
	struct timespec step = {0, 20 * 1000 * 1000};
	char text[ISW_ADDR_TEXT_MAX];
	int state;

	if (neigh_usable(ifindex, nh, mac, &state))
		return 0;
	if (state & (NUD_STALE | NUD_DELAY | NUD_PROBE))
		neigh_expire(ifindex, nh);
	isw_neigh_kick(iface, ifindex, nh);
	for (int waited = 0; waited < timeout_ms; waited += 20) {
		nanosleep(&step, NULL);
		if (neigh_usable(ifindex, nh, mac, &state))
			return 0;
	}
	snprintf(errbuf, ISW_ERRBUF_SIZE,
	         "next hop %s on %s did not answer %s within %d ms; give its MAC with -G",
	         isw_addr_format(nh, text), iface, isw_addr_is_v4(nh) ? "ARP" : "NDP", timeout_ms);
	return -EHOSTUNREACH;
}

size_t isw_neigh_resolve_all(const char *iface, int ifindex, const struct isw_addr *hosts, size_t n,
                             uint8_t (*mac)[6], uint8_t *have, int timeout_ms)
{
	struct timespec step = {0, 20 * 1000 * 1000};
	size_t got = 0;
	int state;

	for (size_t i = 0; i < n; i++) {
		have[i] = (uint8_t)neigh_usable(ifindex, &hosts[i], mac[i], &state);
		got += have[i];
		if (have[i])
			continue;
		if (state & (NUD_STALE | NUD_DELAY | NUD_PROBE))
			neigh_expire(ifindex, &hosts[i]);
		isw_neigh_kick(iface, ifindex, &hosts[i]);
	}
	for (int waited = 0; got < n && waited < timeout_ms; waited += 20) {
		nanosleep(&step, NULL);
		for (size_t i = 0; i < n; i++) {
			if (have[i])
				continue;
			have[i] = (uint8_t)neigh_usable(ifindex, &hosts[i], mac[i], &state);
			got += have[i];
		}
	}
	return got;
}

int isw_route_resolve_mac(struct isw_route *r, int timeout_ms, char *errbuf)
{
	struct isw_addr nh = isw_addr_from_v4(r->next_hop);

	if (r->raw_ip)
		return 0;
	return isw_neigh_resolve(r->iface, r->ifindex, &nh, r->next_hop_mac, timeout_ms, errbuf);
}

static int cmp_prefix(const void *a, const void *b)
{
	const struct isw_prefix *x = a, *y = b;
	return (x->lo > y->lo) - (x->lo < y->lo);
}

int isw_route_onlink_prefixes(const char *iface, struct isw_prefix *out, int max)
{
	struct ifaddrs *ifa, *i;
	int n = 0, k = 0;

	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i && n < max; i = i->ifa_next) {
		uint32_t a, m;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_netmask ||
		    strcmp(i->ifa_name, iface) != 0)
			continue;
		a = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
		m = ntohl(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);
		/* A /32 has no neighbours; a point-to-point peer is not swept by ARP either. */
		if (m == 0xffffffffu || (i->ifa_flags & IFF_POINTOPOINT))
			continue;
		out[n].lo = a & m;
		out[n].hi = (a & m) | ~m;
		n++;
	}
	freeifaddrs(ifa);
	/* Sorted and disjoint, as isw_lan_init wants them: prefixes nest or are apart. */
	qsort(out, (size_t)n, sizeof(*out), cmp_prefix);
	for (int j = 0; j < n; j++) {
		if (k && out[j].lo <= out[k - 1].hi) {
			if (out[j].hi > out[k - 1].hi)
				out[k - 1].hi = out[j].hi;
			continue;
		}
		out[k++] = out[j];
	}
	return k;
}
