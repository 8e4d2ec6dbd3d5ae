/* SPDX-License-Identifier: BSD-2-Clause */
/* Reads the ping socket: replies in batches, ICMP errors from the error queue, each rebuilt
 * as the IPv4 packet the wire carried (the kernel keeps only the ICMP part for us). */
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
#include "rx-ping.h"

#define BATCH   64
#define PKT_MAX 256 /* as the raw capture's snap length */
#define CTRL    256

struct isw_ping_rx {
	int fd;
	uint32_t src;
	uint64_t recv, drop;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in from[BATCH];
	uint8_t ctrl[BATCH][CTRL];
	/* Room for an outer IPv4 header (and, for errors, an ICMP header and the quoted IPv4
	 * header) in front of what the kernel hands over. */
	uint8_t pkt[BATCH][2 * ISW_IP_LEN + ISW_ICMP_HDR_LEN + PKT_MAX];
};

#define DATA_OFF (ISW_IP_LEN + ISW_ICMP_HDR_LEN + ISW_IP_LEN)

int isw_ping_rx_open(struct isw_ping_rx **out, int fd, uint32_t src, char *errbuf)
{
	struct isw_ping_rx *rx = calloc(1, sizeof(*rx));

	if (!rx) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "out of memory for the ping socket's receiver");
		return -ENOMEM;
	}
	rx->fd = fd;
	rx->src = src;
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

/* TTL, receive time (µs since the epoch; now when the kernel gave none), drops so far. */
static void read_cmsgs(struct isw_ping_rx *rx, struct msghdr *h, uint8_t *ttl, int64_t *ts_us,
                       struct sock_extended_err **ee)
{
	struct timespec now;

	*ts_us = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
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
			rx->drop = d; /* the socket's running count */
		} else if (ee && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) {
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

static int read_replies(struct isw_ping_rx *rx, isw_rx_cb cb, void *arg)
{
	int total = 0;

	/* Bounded: a flood must not keep the capture thread from its other duties. */
	for (int round = 0; round < 16; round++) {
		int n;

		for (unsigned k = 0; k < BATCH; k++)
			prepare(rx, k);
		n = recvmmsg(rx->fd, rx->msgs, BATCH, MSG_DONTWAIT, NULL);
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
			uint8_t ttl = 0, *ip = rx->pkt[k] + DATA_OFF - ISW_IP_LEN;
			int64_t ts_us;

			if (len > PKT_MAX)
				len = PKT_MAX;
			read_cmsgs(rx, h, &ttl, &ts_us, NULL);
			ip_header(ip, ntohl(rx->from[k].sin_addr.s_addr), rx->src, ttl, len);
			cb(arg, ip, ISW_IP_LEN + len, ts_us);
		}
		rx->recv += (uint64_t)n;
		total += n;
		if (n < BATCH)
			break;
	}
	return total;
}

/* One ICMP error as the wire carried it: outer IPv4 from the offender, the ICMP error
 * header, the quoted IPv4 header of our probe and the probe's ICMP part as quoted. */
static int read_errors(struct isw_ping_rx *rx, isw_rx_cb cb, void *arg)
{
	int total = 0;

	for (int i = 0; i < BATCH; i++) {
		struct msghdr *h = &rx->msgs[0].msg_hdr;
		struct sock_extended_err *ee = NULL;
		uint8_t ttl = 0, *pkt = rx->pkt[0];
		int64_t ts_us;
		uint32_t offender;
		ssize_t n;

		prepare(rx, 0);
		n = recvmsg(rx->fd, h, MSG_ERRQUEUE | MSG_DONTWAIT);
		if (n < 0)
			break; /* EAGAIN: the queue is empty */
		read_cmsgs(rx, h, &ttl, &ts_us, &ee);
		if (!ee || ee->ee_origin != SO_EE_ORIGIN_ICMP)
			continue; /* local errors (EMSGSIZE...) are the sender's, already counted */
		offender = ntohl(((struct sockaddr_in *)SO_EE_OFFENDER(ee))->sin_addr.s_addr);
		/* Our own kernel giving up on ARP: the host is absent, not an ICMP error. */
		if (offender == rx->src || !offender)
			continue;
		if ((size_t)n > PKT_MAX)
			n = PKT_MAX;
		ip_header(pkt + ISW_IP_LEN + ISW_ICMP_HDR_LEN, rx->src,
		          ntohl(rx->from[0].sin_addr.s_addr), 64, (size_t)n);
		memset(pkt + ISW_IP_LEN, 0, ISW_ICMP_HDR_LEN);
		pkt[ISW_IP_LEN] = ee->ee_type;
		pkt[ISW_IP_LEN + 1] = ee->ee_code;
		ip_header(pkt, offender, rx->src, ttl, ISW_ICMP_HDR_LEN + ISW_IP_LEN + (size_t)n);
		cb(arg, pkt, DATA_OFF + (size_t)n, ts_us);
		total++;
	}
	return total;
}

int isw_ping_rx_dispatch(struct isw_ping_rx *rx, int timeout_ms, isw_rx_cb cb, void *arg)
{
	struct pollfd p = {.fd = rx->fd, .events = POLLIN};
	int a, b;

	if (timeout_ms > 0 && poll(&p, 1, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	a = read_replies(rx, cb, arg);
	if (a < 0)
		return a;
	b = read_errors(rx, cb, arg);
	return a + b;
}

void isw_ping_rx_stats(const struct isw_ping_rx *rx, uint64_t *recv, uint64_t *drop)
{
	*recv = rx->recv;
	*drop = rx->drop;
}

void isw_ping_rx_close(struct isw_ping_rx *rx)
{
	free(rx);
}
