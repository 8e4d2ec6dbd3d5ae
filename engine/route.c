#include <errno.h>
#include <poll.h>
#include <stdio.h>
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

int isw_route_lookup(uint32_t dst, const char *iface, struct isw_route *r, char *errbuf)
{
	struct nl_req q;
	char buf[NL_BUF];
	uint32_t dst_be = htonl(dst);
	char dstr[INET_ADDRSTRLEN];
	int n, oif = 0, rc;

	inet_ntop(AF_INET, &dst_be, dstr, sizeof(dstr));
	if (iface) {
		oif = (int)if_nametoindex(iface);
		if (!oif) {
			snprintf(errbuf, ISW_ERRBUF_SIZE, "unknown interface '%s'", iface);
			return -ENODEV;
		}
	}
	memset(&q, 0, sizeof(q));
	q.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	q.h.nlmsg_type = RTM_GETROUTE;
	q.h.nlmsg_flags = NLM_F_REQUEST;
	q.rt.rtm_family = AF_INET;
	q.rt.rtm_dst_len = 32;
	isw_nl_put_attr(&q.h, RTA_DST, &dst_be, 4);
	if (oif)
		isw_nl_put_attr(&q.h, RTA_OIF, &oif, 4);
	n = isw_nl_call(NETLINK_ROUTE, &q.h, buf, sizeof(buf));
	if (n < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "no route to %s%s%s: %s", dstr,
		         iface ? " via " : "", iface ? iface : "", strerror(-n));
		return n;
	}

	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct rtmsg *rt = NLMSG_DATA(h);
	struct rtattr *a = RTM_RTA(rt);
	int alen = RTM_PAYLOAD(h);
	memset(r, 0, sizeof(*r));
	for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		uint32_t v;
		switch (a->rta_type) {
		case RTA_OIF:
			memcpy(&r->ifindex, RTA_DATA(a), 4);
			break;
		case RTA_PREFSRC:
			memcpy(&v, RTA_DATA(a), 4);
			r->src = ntohl(v);
			break;
		case RTA_GATEWAY:
			memcpy(&v, RTA_DATA(a), 4);
			r->gateway = ntohl(v);
			break;
		}
	}
	if (rt->rtm_type != RTN_UNICAST || !r->ifindex) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "no unicast route to %s (route type %d)", dstr,
		         rt->rtm_type);
		return -ENETUNREACH;
	}
	if (!if_indextoname(r->ifindex, r->iface)) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "route to %s: interface %d vanished", dstr,
		         r->ifindex);
		return -ENODEV;
	}
	r->next_hop = r->gateway ? r->gateway : dst;
	rc = iface_info(r, errbuf);
	if (rc < 0)
		return rc;
	if (!r->src) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "interface '%s' has no IPv4 address; use -S",
		         r->iface);
		return -EADDRNOTAVAIL;
	}
	return 0;
}

/* 1 with the MAC when the neighbour table has a usable entry, 0 if not (yet). */
static int neigh_get(const struct isw_route *r, uint8_t mac[6])
{
	struct nl_req q;
	char buf[NL_BUF];
	uint32_t nh = htonl(r->next_hop);
	int n;

	memset(&q, 0, sizeof(q));
	q.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	q.h.nlmsg_type = RTM_GETNEIGH;
	q.h.nlmsg_flags = NLM_F_REQUEST;
	q.nd.ndm_family = AF_INET;
	q.nd.ndm_ifindex = r->ifindex;
	isw_nl_put_attr(&q.h, NDA_DST, &nh, 4);
	n = isw_nl_call(NETLINK_ROUTE, &q.h, buf, sizeof(buf));
	if (n <= 0)
		return 0;

	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct ndmsg *nd = NLMSG_DATA(h);
	struct rtattr *a = (struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof(*nd)));
	int alen = (int)h->nlmsg_len - NLMSG_LENGTH(sizeof(*nd));
	/* A stale entry still holds the last known MAC, which is what every sender would use;
	 * only incomplete or failed entries have none worth trusting. */
	if (nd->ndm_state & (NUD_INCOMPLETE | NUD_FAILED | NUD_NONE))
		return 0;
	for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6) {
			memcpy(mac, RTA_DATA(a), 6);
			return 1;
		}
	}
	return 0;
}

/* A datagram to the discard port makes the kernel resolve the next hop like any sender. */
static void kick_resolution(const struct isw_route *r)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(9)};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	sa.sin_addr.s_addr = htonl(r->next_hop);
	setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, r->iface, (socklen_t)strlen(r->iface) + 1);
	if (sendto(fd, "", 0, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		/* Nothing to do: the wait below reports the failure. */
	}
	close(fd);
}

int isw_route_resolve_mac(struct isw_route *r, int timeout_ms, char *errbuf)
{
	struct timespec step = {0, 20 * 1000 * 1000};
	char nh[INET_ADDRSTRLEN];
	uint32_t nh_be = htonl(r->next_hop);

	if (r->raw_ip)
		return 0;
	if (neigh_get(r, r->next_hop_mac))
		return 0;
	kick_resolution(r);
	for (int waited = 0; waited < timeout_ms; waited += 20) {
		nanosleep(&step, NULL);
		if (neigh_get(r, r->next_hop_mac))
			return 0;
	}
	inet_ntop(AF_INET, &nh_be, nh, sizeof(nh));
	snprintf(errbuf, ISW_ERRBUF_SIZE,
	         "next hop %s on %s did not answer ARP within %d ms; give its MAC with -G", nh,
	         r->iface, timeout_ms);
	return -EHOSTUNREACH;
}

int isw_route_onlink_prefixes(const char *iface, struct isw_prefix *out, int max)
{
	struct ifaddrs *ifa, *i;
	int n = 0;

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
	return n;
}
