/* SPDX-License-Identifier: BSD-2-Clause */
/* No-root transmit path: the probes go out through the scan's ICMP datagram socket
 * (ping-socket.h), a batch per sendmmsg.  The frames are the probe module's raw IPv4 packets;
 * the kernel takes the ICMP part, rewrites the identifier to the socket's own, recomputes the
 * checksum and routes it to the destination read from the IP header. */
#define _GNU_SOURCE /* sendmmsg */
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "icmpsweep/error.h"
#include "bytes.h"
#include "probe.h"
#include "sender.h"
#include "tx.h"

struct isw_tx {
	int fd; /* the scan's, shared by every sender thread */
	int last_err;
	unsigned drops;
	atomic_int *hold;
	struct mmsghdr msgs[ISW_SEND_BATCH];
	struct iovec iov[ISW_SEND_BATCH];
	struct sockaddr_in to[ISW_SEND_BATCH];
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
	tx->hold = p->hold;
	for (int k = 0; k < ISW_SEND_BATCH; k++) {
		tx->msgs[k].msg_hdr.msg_iov = &tx->iov[k];
		tx->msgs[k].msg_hdr.msg_iovlen = 1;
		tx->msgs[k].msg_hdr.msg_name = &tx->to[k];
		tx->msgs[k].msg_hdr.msg_namelen = sizeof(tx->to[k]);
		tx->to[k].sin_family = AF_INET;
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

/* Tries for one probe refused with an ICMP error's errno.  Each try first takes the pending
 * error off the socket, so only an error queued in the microsecond before the send refuses it
 * again; the probe's own failure (its route gone) repeats every time. */
#define ICMP_ERROR_TRIES 32

static void clear_pending_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	(void)getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
}

static int socket_tx_send(struct isw_tx *tx, uint8_t *const *frames, const uint32_t *lens,
                          unsigned n)
{
	unsigned done = 0, sent = 0;
	int waits = 0, last = 0, retries = 0;

	if (n > ISW_SEND_BATCH)
		n = ISW_SEND_BATCH;
	for (unsigned k = 0; k < n; k++) {
		tx->to[k].sin_addr.s_addr = htonl(isw_get_be32(frames[k] + 16));
		tx->iov[k].iov_base = frames[k] + ISW_IP_LEN;
		tx->iov[k].iov_len = lens[k] - ISW_IP_LEN;
	}
	while (done < n) {
		int rc = sendmmsg(tx->fd, tx->msgs + done, n - done, 0);

		if (rc > 0) {
			done += (unsigned)rc;
			sent += (unsigned)rc;
			last = 0;
			retries = 0;
			continue;
		}
		if (rc < 0 && transient(errno) && waits < 50 &&
		    !(tx->hold && atomic_load_explicit(tx->hold, memory_order_relaxed))) {
			waits++; /* SO_SNDTIMEO already waited 100 ms */
			continue;
		}
		if (rc < 0 && icmp_error(errno) && retries < ICMP_ERROR_TRIES - 1) {
			retries++;
			clear_pending_error(tx->fd);
			continue;
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
	}
	return (int)sent;
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
