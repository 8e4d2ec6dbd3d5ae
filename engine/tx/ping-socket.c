/* SPDX-License-Identifier: BSD-2-Clause */
/* Opens the ICMP datagram socket of no-root mode, and says why it may or may not. */
#define _GNU_SOURCE /* getresgid */
#include <errno.h>
#include <grp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/if_ether.h>

#include "icmpsweep/error.h"
#include "ping-socket.h"

int isw_raw_permitted(void)
{
	/* The cheapest socket the raw backends and the capture need; nothing is bound. */
	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	if (fd < 0)
		return !(errno == EPERM || errno == EACCES);
	close(fd);
	return 1;
}

static int read_range(unsigned long *lo, unsigned long *hi)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ping_group_range", "r");
	int ok;

	if (!f)
		return 0;
	ok = fscanf(f, "%lu %lu", lo, hi) == 2;
	fclose(f);
	return ok;
}

void isw_ping_group_describe(char *buf, size_t size)
{
	unsigned long lo, hi;
	gid_t gid = getegid();
	struct group *g = getgrgid(gid);

	if (!read_range(&lo, &hi)) {
		snprintf(buf, size, "net.ipv4.ping_group_range is unreadable");
		return;
	}
	snprintf(buf, size, "net.ipv4.ping_group_range is \"%lu %lu\"%s group %lu%s%s%s", lo, hi,
	         gid >= lo && gid <= hi ? ", admitting" : ", without", (unsigned long)gid,
	         g ? " (" : "", g ? g->gr_name : "", g ? ")" : "");
}

static int set_int(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

/* Error queue, TTL or hop limit and receive time of each reply, drop count; the probes' TTL
 * or hop limit.  A send that finds the buffer full waits a little (SO_SNDTIMEO) rather than
 * failing at once. */
static int set_options(int fd, const struct isw_ping_socket_params *p)
{
	struct timeval tv = {0, 100 * 1000};
	int v6 = p->family == AF_INET6;

	if (v6 ? set_int(fd, IPPROTO_IPV6, IPV6_RECVERR, 1) < 0 ||
	             set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) < 0 ||
	             set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, p->ttl) < 0
	       : set_int(fd, IPPROTO_IP, IP_RECVERR, 1) < 0 ||
	             set_int(fd, IPPROTO_IP, IP_RECVTTL, 1) < 0 ||
	             set_int(fd, IPPROTO_IP, IP_TTL, p->ttl) < 0)
		return -1;
	return set_int(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1) < 0 ||
	               set_int(fd, SOL_SOCKET, SO_RXQ_OVFL, 1) < 0 ||
	               setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0
	           ? -1
	           : 0;
}

/* Bound now, so the kernel's identifier (the port) is fixed before the first probe and every
 * sender thread shares it. */
static int bind_source(int fd, const struct isw_ping_socket_params *p)
{
	if (p->family == AF_INET6) {
		struct sockaddr_in6 a = {.sin6_family = AF_INET6};

		if (p->src6)
			memcpy(&a.sin6_addr, p->src6, 16);
		return bind(fd, (struct sockaddr *)&a, sizeof(a));
	}
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(p->src)};

	return bind(fd, (struct sockaddr *)&a, sizeof(a));
}

int isw_ping_socket_open(const struct isw_ping_socket_params *p, char *errbuf)
{
	char why[160];
	int v6 = p->family == AF_INET6;
	int fd = socket(p->family, SOCK_DGRAM | SOCK_CLOEXEC, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP),
	    err;
	const char *what = v6 ? "ICMPv6 ping socket" : "ping socket";

	if (fd < 0) {
		err = errno;
		isw_ping_group_describe(why, sizeof(why));
		if (err == EACCES || err == EPERM)
			snprintf(errbuf, ISW_ERRBUF_SIZE, "ping sockets are not permitted: %s",
			         why);
		else
			snprintf(errbuf, ISW_ERRBUF_SIZE, "%s: %s", what, strerror(err));
		return err == EPERM ? -EACCES : -err;
	}
	if (set_options(fd, p) < 0) {
		err = errno;
		snprintf(errbuf, ISW_ERRBUF_SIZE, "%s options: %s", what, strerror(err));
		close(fd);
		return -err;
	}
	/* Best effort: the kernel caps it at net.core.rmem_max for an unprivileged user. */
	set_int(fd, SOL_SOCKET, SO_RCVBUF, (int)p->rcvbuf_bytes);
	/* Unprivileged binding to a device needs Linux 5.7; the route plan has already checked
	 * that every target leaves through -i, so an older kernel only loses the pin. */
	if (p->iface)
		(void)setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, p->iface,
		                 (socklen_t)strlen(p->iface));
	if (bind_source(fd, p) < 0) {
		err = errno;
		snprintf(errbuf, ISW_ERRBUF_SIZE, "%s: cannot bind %s: %s", what,
		         (v6 ? p->src6 != NULL : p->src != 0) ? "the source address (-S)"
		                                              : "an identifier",
		         strerror(err));
		close(fd);
		return -err;
	}
	return fd;
}
