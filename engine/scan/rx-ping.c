/* SPDX-License-Identifier: BSD-2-Clause */
/* Reads the ping sockets: replies in batches, ICMP and ICMPv6 errors from the error queues,
 * each rebuilt as the IPv4 or IPv6 packet the wire carried (the kernel keeps only the ICMP
 * part for us). */
#define _GNU_SOURCE /* recvmmsg */
#include <errno.h>
#include <time.h> /* before linux/errqueue.h, which uses struct timespec */
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "icmpsweep/error.h"
#include "bytes.h"
#include "probe.h"
#include "probe6.h"
#include "rx-ping.h"

#define BATCH   64
#define PKT_MAX 256 /* as the raw capture's snap length */
#define CTRL    256

struct isw_ping_rx {
	int fd, fd6;
	uint32_t src;
	uint8_t src6[16];
	uint64_t recv, drop, drop6;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in6 from[BATCH]; /* room for either family's */
	uint8_t ctrl[BATCH][CTRL];
	/* Room for an outer IP header (and, for errors, an ICMP header and the quoted IP header)
	 * of either family in front of what the kernel hands over. */
	uint8_t pkt[BATCH][2 * ISW_IP6_LEN + ISW_ICMP_HDR_LEN + PKT_MAX];
};

/* Where the kernel's part goes: after the headers of an IPv6 error, the longest. */
#define DATA_OFF (ISW_IP6_LEN + ISW_ICMP_HDR_LEN + ISW_IP6_LEN)

static const uint8_t any6[16];

int isw_ping_rx_open(struct isw_ping_rx **out, int fd, int fd6, uint32_t src, const uint8_t *src6,
                     char *errbuf)
{
	struct isw_ping_rx *rx = calloc(1, sizeof(*rx));

	if (!rx) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "out of memory for the ping socket's receiver");
		return -ENOMEM;
	}
	rx->fd = fd;
	rx->fd6 = fd6;
	rx->src = src;
	if (src6)
		memcpy(rx->src6, src6, 16);
	*out = rx;
	return 0;
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

/* An IPv4 header (no options, no checksum: nobody checks it) for len bytes of ICMP. */
static void ip_header(uint8_t *ip, uint32_t from, uint32_t to, uint8_t ttl, size_t len)
{
	memset(ip, 0, ISW_IP_LEN);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(ISW_IP_LEN + len));
	ip[8] = ttl;
	ip[9] = 1; /* ICMP */
	put_be32(ip + 12, from);
	put_be32(ip + 16, to);
}

/* An IPv6 header (no extension headers) for len bytes of ICMPv6. */
static void ip6_header(uint8_t *ip, const uint8_t *from, const uint8_t *to, uint8_t hlim,
                       size_t len)
{
	memset(ip, 0, ISW_IP6_LEN);
	ip[0] = 0x60;
	put_be16(ip + 4, (uint16_t)len);
	ip[6] = 58; /* ICMPv6 */
	ip[7] = hlim;
	memcpy(ip + 8, from, 16);
	memcpy(ip + 24, to, 16);
}

/* TTL or hop limit, receive time (µs since the epoch; now when the kernel gave none), drops
 * so far (into *drop, the socket's running count). */
static void read_cmsgs(struct msghdr *h, uint8_t *ttl, int64_t *ts_us, uint64_t *drop,
                       struct sock_extended_err **ee)
{
	struct timespec now;

	*ts_us = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
			int v;
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			*ttl = (uint8_t)v;
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			*ts_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
			uint32_t d;
			memcpy(&d, CMSG_DATA(c), sizeof(d));
			*drop = d;
		} else if (ee &&
		           ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
		            (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR))) {
			*ee = (struct sock_extended_err *)CMSG_DATA(c);
		}
	}
	if (*ts_us < 0) {
		clock_gettime(CLOCK_REALTIME, &now);
		*ts_us = (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
	}
}

static void prepare(struct isw_ping_rx *rx, unsigned k)
{
	struct msghdr *h = &rx->msgs[k].msg_hdr;

	rx->iov[k].iov_base = rx->pkt[k] + DATA_OFF;
	rx->iov[k].iov_len = PKT_MAX;
	memset(h, 0, sizeof(*h));
	h->msg_iov = &rx->iov[k];
	h->msg_iovlen = 1;
	h->msg_name = &rx->from[k];
	h->msg_namelen = sizeof(rx->from[k]);
	h->msg_control = rx->ctrl[k];
	h->msg_controllen = CTRL;
}

/* An error the socket reported instead of data (IP_RECVERR sets it with the queued one):
 * the error queue has the details, nothing is wrong with the socket. */
static int network_error(int err)
{
	return err == EHOSTUNREACH || err == ENETUNREACH || err == EHOSTDOWN || err == ENETDOWN ||
	       err == ECONNREFUSED || err == EPROTO || err == ETIMEDOUT || err == EMSGSIZE ||
	       err == EACCES || err == EPERM || err == ENONET || err == ENOPROTOOPT;
}

/* The packet that carried reply k: an IP header of its family in front of the data. */
static const uint8_t *reply_packet(struct isw_ping_rx *rx, unsigned k, int v6, uint8_t ttl,
                                   size_t len, size_t *plen)
{
	uint8_t *data = rx->pkt[k] + DATA_OFF;

	if (v6) {
		ip6_header(data - ISW_IP6_LEN, rx->from[k].sin6_addr.s6_addr, rx->src6, ttl, len);
		*plen = ISW_IP6_LEN + len;
		return data - ISW_IP6_LEN;
	}
	ip_header(data - ISW_IP_LEN, ntohl(((struct sockaddr_in *)&rx->from[k])->sin_addr.s_addr),
	          rx->src, ttl, len);
	*plen = ISW_IP_LEN + len;
	return data - ISW_IP_LEN;
}

static int read_replies(struct isw_ping_rx *rx, int fd, int v6, isw_rx_cb cb, void *arg)
{
	int total = 0;

	/* Bounded: a flood must not keep the capture thread from its other duties. */
	for (int round = 0; round < 16; round++) {
		int n;

		for (unsigned k = 0; k < BATCH; k++)
			prepare(rx, k);
		n = recvmmsg(fd, rx->msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				break;
			if (network_error(errno))
				continue;
			return -errno;
		}
		for (int k = 0; k < n; k++) {
			struct msghdr *h = &rx->msgs[k].msg_hdr;
			size_t len = rx->msgs[k].msg_len;
			uint8_t ttl = 0;
			const uint8_t *ip;
			size_t plen;
			int64_t ts_us;

			if (len > PKT_MAX)
				len = PKT_MAX;
			read_cmsgs(h, &ttl, &ts_us, v6 ? &rx->drop6 : &rx->drop, NULL);
			ip = reply_packet(rx, (unsigned)k, v6, ttl, len, &plen);
			cb(arg, ip, plen, ts_us);
		}
		rx->recv += (uint64_t)n;
		total += n;
		if (n < BATCH)
			break;
	}
	return total;
}

/* One ICMP error as the wire carried it: outer IPv4 from the offender, the ICMP error
 * header, the quoted IPv4 header of our probe and the probe's ICMP part as quoted; n bytes of
 * that part at DATA_OFF.  The packet's length. */
static size_t error_packet(struct isw_ping_rx *rx, const struct sock_extended_err *ee, uint8_t ttl,
                           size_t n, const uint8_t **pkt)
{
	uint8_t *data = rx->pkt[0] + DATA_OFF, *icmp = data - ISW_IP_LEN - ISW_ICMP_HDR_LEN;
	uint32_t offender =
	    ntohl(((const struct sockaddr_in *)SO_EE_OFFENDER(ee))->sin_addr.s_addr);

	ip_header(data - ISW_IP_LEN, rx->src,
	          ntohl(((struct sockaddr_in *)&rx->from[0])->sin_addr.s_addr), 64, n);
	memset(icmp, 0, ISW_ICMP_HDR_LEN);
	icmp[0] = ee->ee_type;
	icmp[1] = ee->ee_code;
	*pkt = icmp - ISW_IP_LEN;
	ip_header(icmp - ISW_IP_LEN, offender, rx->src, ttl, ISW_ICMP_HDR_LEN + ISW_IP_LEN + n);
	return 2 * ISW_IP_LEN + ISW_ICMP_HDR_LEN + n;
}

/* The same for an ICMPv6 error; packet too big carries the MTU (ee_info) as on the wire. */
static size_t error_packet6(struct isw_ping_rx *rx, const struct sock_extended_err *ee,
                            uint8_t hlim, size_t n, const uint8_t **pkt)
{
	uint8_t *data = rx->pkt[0] + DATA_OFF, *icmp = data - ISW_IP6_LEN - ISW_ICMP_HDR_LEN;
	const struct sockaddr_in6 *offender = (const struct sockaddr_in6 *)SO_EE_OFFENDER(ee);

	ip6_header(data - ISW_IP6_LEN, rx->src6, rx->from[0].sin6_addr.s6_addr, 64, n);
	memset(icmp, 0, ISW_ICMP_HDR_LEN);
	icmp[0] = ee->ee_type;
	icmp[1] = ee->ee_code;
	if (ee->ee_type == 2 /* packet too big */)
		put_be32(icmp + 4, ee->ee_info);
	*pkt = icmp - ISW_IP6_LEN;
	ip6_header(icmp - ISW_IP6_LEN, offender->sin6_addr.s6_addr, rx->src6, hlim,
	           ISW_ICMP_HDR_LEN + ISW_IP6_LEN + n);
	return 2 * ISW_IP6_LEN + ISW_ICMP_HDR_LEN + n;
}

/* An error our own kernel made: it gave up on ARP or NDP for an on-link host, which is absent
 * (as a raw sweep sees it), not an ICMP error. */
static int own_error(const struct isw_ping_rx *rx, const struct sock_extended_err *ee, int v6)
{
	const struct sockaddr *o = SO_EE_OFFENDER(ee);

	if (v6) {
		const uint8_t *a = ((const struct sockaddr_in6 *)o)->sin6_addr.s6_addr;

		return !memcmp(a, rx->src6, 16) || !memcmp(a, any6, 16);
	}
	uint32_t a = ntohl(((const struct sockaddr_in *)o)->sin_addr.s_addr);

	return a == rx->src || !a;
}

/* The ICMP (or ICMPv6) errors of fd's error queue, each as the wire carried it. */
static int read_errors(struct isw_ping_rx *rx, int fd, int v6, isw_rx_cb cb, void *arg)
{
	int total = 0;

	for (int i = 0; i < BATCH; i++) {
		struct msghdr *h = &rx->msgs[0].msg_hdr;
		struct sock_extended_err *ee = NULL;
		const uint8_t *pkt;
		uint8_t ttl = 0;
		int64_t ts_us;
		size_t len;
		ssize_t n;

		prepare(rx, 0);
		n = recvmsg(fd, h, MSG_ERRQUEUE | MSG_DONTWAIT);
		if (n < 0)
			break; /* EAGAIN: the queue is empty */
		read_cmsgs(h, &ttl, &ts_us, v6 ? &rx->drop6 : &rx->drop, &ee);
		/* Local errors (EMSGSIZE...) are the sender's, already counted. */
		if (!ee || ee->ee_origin != (v6 ? SO_EE_ORIGIN_ICMP6 : SO_EE_ORIGIN_ICMP))
			continue;
		if (own_error(rx, ee, v6))
			continue;
		if ((size_t)n > PKT_MAX)
			n = PKT_MAX;
		len = v6 ? error_packet6(rx, ee, ttl, (size_t)n, &pkt)
		         : error_packet(rx, ee, ttl, (size_t)n, &pkt);
		cb(arg, pkt, len, ts_us);
		total++;
	}
	return total;
}

int isw_ping_rx_dispatch(struct isw_ping_rx *rx, int timeout_ms, isw_rx_cb cb, void *arg)
{
	/* poll skips a negative descriptor: fd6 without IPv6 targets. */
	struct pollfd p[2] = {{.fd = rx->fd, .events = POLLIN}, {.fd = rx->fd6, .events = POLLIN}};
	int total = 0;

	if (timeout_ms > 0 && poll(p, 2, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	for (int v6 = 0; v6 < 2; v6++) {
		int fd = v6 ? rx->fd6 : rx->fd, a;

		if (fd < 0)
			continue;
		a = read_replies(rx, fd, v6, cb, arg);
		if (a < 0)
			return a;
		total += a + read_errors(rx, fd, v6, cb, arg);
	}
	return total;
}

void isw_ping_rx_stats(const struct isw_ping_rx *rx, uint64_t *recv, uint64_t *drop)
{
	*recv = rx->recv;
	*drop = rx->drop + rx->drop6;
}

void isw_ping_rx_close(struct isw_ping_rx *rx)
{
	free(rx);
}
