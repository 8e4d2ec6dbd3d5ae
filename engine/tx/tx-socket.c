/* SPDX-License-Identifier: BSD-2-Clause */
/* No-root transmit path: the probes go out through the scan's ICMP datagram sockets
 * (ping-socket.h), a batch per sendmmsg.  The frames are the probe modules' raw IPv4 or IPv6
 * packets (a batch is all of one family); the kernel takes the ICMP or ICMPv6 part, rewrites
 * the identifier to the socket's own, recomputes the checksum and routes it to the
 * destination read from the IP header. */
#define _GNU_SOURCE /* sendmmsg */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "icmpsweep/error.h"
#include "bytes.h"
#include "probe.h"
#include "probe6.h"
#include "sender.h"
#include "tx.h"

struct isw_tx {
	int fd, fd6;    /* the scan's, shared by every sender thread (fd6 -1: no IPv6 targets) */
	uint32_t scope; /* the interface's index: the scope of link-local destinations */
	int last_err;
	unsigned drops;
	atomic_int *hold;
	struct mmsghdr msgs[ISW_SEND_BATCH], msgs6[ISW_SEND_BATCH];
	struct iovec iov[ISW_SEND_BATCH];
	struct sockaddr_in to[ISW_SEND_BATCH];
	struct sockaddr_in6 to6[ISW_SEND_BATCH];
};

static int socket_tx_open(struct isw_tx **out, const struct isw_tx_params *p, char *errbuf)
{
	struct isw_tx *tx;

	if (p->ping_fd < 0 || !p->raw_ip) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "socket: the scan opens the ping socket");
		return -EINVAL;
	}
	tx = calloc(1, sizeof(*tx));
	if (!tx)
		return -ENOMEM;
	tx->fd = p->ping_fd;
	tx->fd6 = p->ping_fd6;
	tx->scope = p->iface ? if_nametoindex(p->iface) : 0;
	tx->hold = p->hold;
	for (int k = 0; k < ISW_SEND_BATCH; k++) {
		tx->msgs[k].msg_hdr.msg_iov = &tx->iov[k];
		tx->msgs[k].msg_hdr.msg_iovlen = 1;
		tx->msgs[k].msg_hdr.msg_name = &tx->to[k];
		tx->msgs[k].msg_hdr.msg_namelen = sizeof(tx->to[k]);
		tx->to[k].sin_family = AF_INET;
		tx->msgs6[k].msg_hdr.msg_iov = &tx->iov[k];
		tx->msgs6[k].msg_hdr.msg_iovlen = 1;
		tx->msgs6[k].msg_hdr.msg_name = &tx->to6[k];
		tx->msgs6[k].msg_hdr.msg_namelen = sizeof(tx->to6[k]);
		tx->to6[k].sin6_family = AF_INET6;
	}
	*out = tx;
	return 0;
}

/* A full send buffer passes (the device drains it); anything else is this probe's own
 * failure (no route, a firewall), and the batch goes on without it. */
static int transient(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS || err == EINTR;
}

/* The errnos an ICMP error sets on the socket (the kernel's icmp_err_convert).  With
 * IP_RECVERR the kernel hands the oldest queued error to whichever send comes next, and sets
 * it again each time the capture thread dequeues one, so in a stream of errors a probe can be
 * refused several times in a row for other probes' answers. */
static int icmp_error(int err)
{
	return err == EHOSTUNREACH || err == ENETUNREACH || err == EHOSTDOWN ||
	       err == ECONNREFUSED || err == EPROTO || err == EMSGSIZE || err == EACCES ||
	       err == ENONET || err == ENOPROTOOPT || err == EOPNOTSUPP;
}

/* How long one probe refused with an ICMP error's errno keeps trying.  While the capture
 * thread drains a backlog of errors, each dequeue sets the socket's error again, so a probe
 * can be refused for as long as that takes (longer when the capture thread waits for a CPU);
 * its own failure (its route gone) repeats until the bound, and path health stops a sweep
 * whose every send fails. */
#define ICMP_ERROR_WAIT_NS (100 * 1000 * 1000L)

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Takes the pending error off the socket just before the next try; after a few quick tries,
 * first leaves the capture thread a moment to read the queue. */
static void before_retry(int fd, int tries)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (tries > 4) {
		struct timespec pause = {0, 50 * 1000};

		nanosleep(&pause, NULL);
	}
	(void)getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
}

/* Sends msgs[0..n) through fd, each probe retried as the errors above allow; returns how
 * many were sent. */
static unsigned send_msgs(struct isw_tx *tx, int fd, struct mmsghdr *msgs, unsigned n)
{
	unsigned done = 0, sent = 0;
	int waits = 0, last = 0, retries = 0;
	int64_t refused_since = 0;

	while (done < n) {
		int rc = sendmmsg(fd, msgs + done, n - done, 0);

		if (rc > 0) {
			done += (unsigned)rc;
			sent += (unsigned)rc;
			last = 0;
			retries = 0;
			refused_since = 0;
			continue;
		}
		if (rc < 0 && transient(errno) && waits < 50 &&
		    !(tx->hold && atomic_load_explicit(tx->hold, memory_order_relaxed))) {
			waits++; /* SO_SNDTIMEO already waited 100 ms */
			continue;
		}
		if (rc < 0 && icmp_error(errno)) {
			int64_t t = now_ns();

			if (!refused_since)
				refused_since = t;
			if (t - refused_since < ICMP_ERROR_WAIT_NS &&
			    !(tx->hold && atomic_load_explicit(tx->hold, memory_order_relaxed))) {
				before_retry(fd, ++retries);
				continue;
			}
		}
		/* Anything else may be a one-off too: it goes again unless it repeats. */
		if (rc < 0 && !icmp_error(errno) && errno != last && retries++ < 2) {
			last = errno;
			continue;
		}
		tx->last_err = rc < 0 ? errno : EIO;
		done++; /* this probe failed; the rest of the batch still goes */
		last = 0;
		retries = 0;
		refused_since = 0;
	}
	return sent;
}

/* fe80::/10: the destination needs the interface as its scope. */
static int link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* A batch of IPv6 probes (the sender keeps them apart from IPv4 ones): the destination from
 * each IPv6 header, the ICMPv6 part to the kernel. */
static unsigned send6(struct isw_tx *tx, uint8_t *const *frames, const uint32_t *lens, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		const uint8_t *dst = frames[k] + 24;

		memcpy(&tx->to6[k].sin6_addr, dst, 16);
		tx->to6[k].sin6_scope_id = link_local(dst) ? tx->scope : 0;
		tx->iov[k].iov_base = frames[k] + ISW_IP6_LEN;
		tx->iov[k].iov_len = lens[k] - ISW_IP6_LEN;
	}
	return send_msgs(tx, tx->fd6, tx->msgs6, n);
}

static int socket_tx_send(struct isw_tx *tx, uint8_t *const *frames, const uint32_t *lens,
                          unsigned n)
{
	if (n > ISW_SEND_BATCH)
		n = ISW_SEND_BATCH;
	if (!n)
		return 0;
	if (frames[0][0] >> 4 == 6) {
		if (tx->fd6 < 0) {
			tx->last_err = EAFNOSUPPORT;
			return 0;
		}
		return (int)send6(tx, frames, lens, n);
	}
	for (unsigned k = 0; k < n; k++) {
		tx->to[k].sin_addr.s_addr = htonl(isw_get_be32(frames[k] + 16));
		tx->iov[k].iov_base = frames[k] + ISW_IP_LEN;
		tx->iov[k].iov_len = lens[k] - ISW_IP_LEN;
	}
	return (int)send_msgs(tx, tx->fd, tx->msgs, n);
}

static unsigned socket_tx_take_drops(struct isw_tx *tx, int *last_err)
{
	return isw_tx_hand_over_drops(&tx->drops, &tx->last_err, last_err);
}

static void socket_tx_describe(const struct isw_tx *tx, char *mode, size_t mode_len, char *note,
                               size_t note_len)
{
	(void)tx;
	snprintf(mode, mode_len, "datagram");
	if (note_len)
		note[0] = 0;
}

static void socket_tx_close(struct isw_tx *tx)
{
	free(tx); /* the socket is the scan's */
}

const struct isw_tx_ops isw_tx_socket_ops = {
    .name = "socket",
    .open = socket_tx_open,
    .send = socket_tx_send,
    .close = socket_tx_close,
    .take_drops = socket_tx_take_drops,
    .describe = socket_tx_describe,
};
