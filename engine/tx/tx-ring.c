/* SPDX-License-Identifier: BSD-2-Clause */
/* AF_PACKET with a memory-mapped TX ring (TPACKET_V2) and PACKET_QDISC_BYPASS.  A batch is
 * copied into ring slots and handed to the kernel with one send(); the kernel walks the
 * slots marked SEND_REQUEST and gives each back (AVAILABLE) once the driver has the frame.
 * Bypassing the qdisc also skips the packet taps, so our own capture never sees the probes.
 *
 * Each slot starts with a virtio-net header (PACKET_VNET_HDR) whose hdr_len covers the whole
 * frame: the kernel then copies the probe into the skb's linear part instead of attaching the
 * ring page as a fragment, which the flow dissector and veth would otherwise have to copy
 * again (about a fifth less kernel time per frame).  Without that option, plain slots.
 *
 * Ethernet links only: a raw IPv4 link (tun, ppp) has no frame to put in a slot; use libnet
 * there ("auto" does). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <endian.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>

#include "icmpsweep/error.h"
#include "clock.h"
#include "probe.h"
#include "tx.h"

/* 128-byte slots hold the 32-byte slot header and any probe (<= ISW_PROBE_MAX_LEN). */
#define RING_FRAME_SIZE 128
#define RING_BLOCK_SIZE 4096
/* 128 KiB, all of it resident.  1,024 slots (16 batches) sent as fast as 8,192 in the drop
 * lab (about 1.55M frames/s either way), and the ring is most of our memory. */
#define RING_FRAMES   1024
#define RING_DATA_OFF (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))
/* How long a full ring may stay full before the batch gives up. */
#define RING_FULL_WAIT_MS 1000
#define RING_SNDBUF       (4 << 20)

struct isw_tx {
	int fd;
	uint8_t *ring;
	size_t ring_len;
	unsigned head;  /* next slot to fill */
	int vnet;       /* slots start with a struct virtio_net_hdr */
	unsigned drops; /* frames queued, then refused by the kernel (WRONG_FORMAT) */
	atomic_int *hold;
	int last_err;
};

static inline struct tpacket2_hdr *slot(struct isw_tx *tx, unsigned i)
{
	return (struct tpacket2_hdr *)(tx->ring + (size_t)i * RING_FRAME_SIZE);
}

static int ring_fail(struct isw_tx *tx, char *errbuf, const char *iface, const char *what)
{
	int err = errno;

	snprintf(errbuf, ISW_ERRBUF_SIZE, "ring: %s on %s: %s", what, iface, strerror(err));
	if (tx->ring)
		munmap(tx->ring, tx->ring_len);
	if (tx->fd >= 0)
		close(tx->fd);
	free(tx);
	return err == EPERM || err == EACCES ? -EPERM : -err;
}

static int ring_open(struct isw_tx **out, const struct isw_tx_params *p, char *errbuf)
{
	struct tpacket_req req = {
	    .tp_block_size = RING_BLOCK_SIZE,
	    .tp_block_nr = RING_FRAMES / (RING_BLOCK_SIZE / RING_FRAME_SIZE),
	    .tp_frame_size = RING_FRAME_SIZE,
	    .tp_frame_nr = RING_FRAMES,
	};
	struct sockaddr_ll sll = {.sll_family = AF_PACKET};
	int one = 1, ver = TPACKET_V2, sndbuf = RING_SNDBUF;
	struct isw_tx *tx;

	if (p->raw_ip) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "ring: %s has no Ethernet header; use --tx libnet", p->iface);
		return -EOPNOTSUPP;
	}
	tx = calloc(1, sizeof(*tx));
	if (!tx)
		return -ENOMEM;
	/* Protocol 0: a send-only socket, so no received frame is ever queued to it. */
	tx->fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (tx->fd < 0)
		return ring_fail(tx, errbuf, p->iface,
		                 "socket(AF_PACKET) (needs root or CAP_NET_RAW)");
	sll.sll_ifindex = (int)if_nametoindex(p->iface);
	if (!sll.sll_ifindex)
		return ring_fail(tx, errbuf, p->iface, "no such interface");
	if (setsockopt(tx->fd, SOL_PACKET, PACKET_VERSION, &ver, sizeof(ver)) < 0)
		return ring_fail(tx, errbuf, p->iface, "TPACKET_V2");
	if (setsockopt(tx->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0)
		return ring_fail(tx, errbuf, p->iface, "PACKET_QDISC_BYPASS");
	tx->vnet = setsockopt(tx->fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) == 0;
	/* Frames in flight count against the send buffer: room for a few batches on a NIC that
	 * completes late.  Best effort: the default works, only slower. */
	if (setsockopt(tx->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0)
		(void)setsockopt(tx->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (setsockopt(tx->fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)) < 0)
		return ring_fail(tx, errbuf, p->iface, "PACKET_TX_RING");
	tx->ring_len = (size_t)req.tp_block_size * req.tp_block_nr;
	tx->ring =
	    mmap(NULL, tx->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, tx->fd, 0);
	if (tx->ring == MAP_FAILED) {
		tx->ring = NULL;
		return ring_fail(tx, errbuf, p->iface, "mmap of the TX ring");
	}
	if (bind(tx->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return ring_fail(tx, errbuf, p->iface, "bind");
	tx->hold = p->hold;
	*out = tx;
	return 0;
}

/* Asks the kernel to send every slot marked SEND_REQUEST; never waits for completion.
 * ENOBUFS: the device dropped the frame at the kernel's head (a veth whose peer is down, a NIC
 * without carrier); the kernel marks that slot SEND_REQUEST again and stops, so the frame is
 * tried again on the next kick, not lost.  EAGAIN: the send buffer is full. */
static int kick(struct isw_tx *tx)
{
	if (send(tx->fd, NULL, 0, MSG_DONTWAIT) >= 0)
		return 0;
	if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)
		return 0;
	tx->last_err = errno;
	return -errno;
}

static int slot_free(struct isw_tx *tx, volatile struct tpacket2_hdr *h)
{
	uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

	/* WRONG_FORMAT: the kernel refused this slot's earlier frame, which was counted as
	 * sent; the slot is ours again. */
	if (st == TP_STATUS_WRONG_FORMAT) {
		tx->drops++;
		tx->last_err = EINVAL;
		__atomic_store_n(&h->tp_status, TP_STATUS_AVAILABLE, __ATOMIC_RELEASE);
		return 1;
	}
	return st == TP_STATUS_AVAILABLE;
}

/* The ring is full: the slot at head is still the kernel's.  The driver is behind, or (veth)
 * the peer's stack still holds the frames' socket memory, so send() leaves slots queued.
 * Kick and wait, up to RING_FULL_WAIT_MS.  poll() reports POLLOUT for the kernel's next slot,
 * which may be free while ours is not, hence the short sleep as well. */
static int wait_slot(struct isw_tx *tx, volatile struct tpacket2_hdr *h)
{
	struct pollfd pfd = {.fd = tx->fd, .events = POLLOUT};
	struct timespec nap = {0, 50 * 1000};
	uint64_t deadline = 0;

	for (;;) {
		int rc = kick(tx);
		if (rc < 0)
			return rc;
		if (slot_free(tx, h))
			return 0;
		if (poll(&pfd, 1, 10) < 0 && errno != EINTR)
			return -errno;
		if (slot_free(tx, h))
			return 0;
		if (tx->hold && atomic_load_explicit(tx->hold, memory_order_relaxed)) {
			tx->last_err = tx->last_err ? tx->last_err : ENETDOWN;
			return -tx->last_err;
		}
		nanosleep(&nap, NULL);
		if (!deadline)
			deadline = isw_now_ns() / ISW_NS_PER_MS + RING_FULL_WAIT_MS;
		else if (isw_now_ns() / ISW_NS_PER_MS >= deadline) {
			tx->last_err = ETIMEDOUT;
			return -ETIMEDOUT;
		}
	}
}

static int ring_send(struct isw_tx *tx, uint8_t *const *frames, const uint32_t *lens, unsigned n)
{
	unsigned i = 0;
	int rc = 0;

	while (i < n) {
		struct tpacket2_hdr *h = slot(tx, tx->head);

		if (!slot_free(tx, h)) {
			rc = wait_slot(tx, h);
			if (rc < 0)
				break;
		}
		uint8_t *data = (uint8_t *)h + RING_DATA_OFF;
		if (tx->vnet) {
			struct virtio_net_hdr vh = {.gso_type = VIRTIO_NET_HDR_GSO_NONE,
			                            .hdr_len = htole16((uint16_t)lens[i])};
			memcpy(data, &vh, sizeof(vh));
			data += sizeof(vh);
		}
		memcpy(data, frames[i], lens[i]);
		h->tp_len = lens[i] + (tx->vnet ? (uint32_t)sizeof(struct virtio_net_hdr) : 0);
		__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
		tx->head = tx->head + 1 == RING_FRAMES ? 0 : tx->head + 1;
		i++;
	}
	if (i || !n) {
		int krc = kick(tx);
		if (krc < 0 && !rc)
			rc = krc;
	}
	return i ? (int)i : rc;
}

static unsigned ring_take_drops(struct isw_tx *tx, int *last_err)
{
	return isw_tx_hand_over_drops(&tx->drops, &tx->last_err, last_err);
}

static void ring_close(struct isw_tx *tx)
{
	if (!tx)
		return;
	/* A blocking send waits until the kernel has taken every queued slot, so nothing
	 * queued is lost by closing; bounded by the socket's send timeout. */
	struct timeval tv = {.tv_sec = 1};
	setsockopt(tx->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	(void)send(tx->fd, NULL, 0, 0);
	munmap(tx->ring, tx->ring_len);
	close(tx->fd);
	free(tx);
}

const struct isw_tx_ops isw_tx_ring_ops = {
    .name = "ring",
    .open = ring_open,
    .send = ring_send,
    .close = ring_close,
    .take_drops = ring_take_drops,
};
