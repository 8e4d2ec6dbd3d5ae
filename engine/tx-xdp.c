/* AF_XDP through libxdp: probes are copied into UMEM slots, posted on the socket's TX ring
 * and kicked with one sendto() per batch; finished slots come back on the completion ring.
 *
 * Send only.  No XDP program is loaded (XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD): a program would
 * redirect the replies away from the kernel and our pcap capture, and loading one needs
 * bpffs.  The socket binds in copy mode, which works on any driver (veth included) and
 * still skips the qdisc and the packet-socket machinery.  Zero-copy is not used: on a
 * zero-copy queue the driver receives into the UMEM, so without an RX path here (fill ring,
 * hand-off to the matcher) the replies arriving on that queue would be lost.
 *
 * The UMEM is registered with unaligned chunks, so 64-byte slots sit back to back: 1,024
 * probes in flight cost 64 KiB instead of the 2 MiB of one 2 KiB chunk each, and the UMEM is
 * pinned (resident) for the socket's life.  Kernels before 5.4 refuse unaligned chunks; there
 * we fall back to one chunk per frame.  Each handle binds its own queue (its sender thread's
 * index), so -T N needs a device with N queues.  Ethernet links only. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_xdp.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <xdp/xsk.h>

#include "icmpsweep/error.h"
#include "probe.h"
#include "tx.h"

#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET 9 /* Linux 6.17: frames per sendto() in copy mode */
#endif

#ifndef XDP_UMEM_UNALIGNED_CHUNK_FLAG
#define XDP_UMEM_UNALIGNED_CHUNK_FLAG (1 << 0)
#endif

#define XDP_CHUNK_SIZE 2048 /* the smallest UMEM chunk the kernel accepts */
#define XDP_SLOT_SIZE  64   /* a probe, when chunks may be unaligned */
#define XDP_NSLOTS     1024 /* in flight at most: 16 batches */
#define XDP_RING_SIZE  1024 /* TX and completion rings */
#define XDP_FILL_SIZE  64   /* unused (no RX), but the UMEM needs one */
#define XDP_TX_BUDGET  512
#define XDP_KICKS      64  /* sendto() calls per batch before it counts as stuck */
#define XDP_FULL_POLLS 100 /* 10 ms slices a full ring may take to drain */

struct isw_tx {
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp;
	uint8_t *area;
	size_t area_len;
	int fd;
	uint32_t nfree;
	uint32_t slot; /* bytes per slot: XDP_SLOT_SIZE, or XDP_CHUNK_SIZE when aligned */
	uint64_t free[XDP_NSLOTS]; /* UMEM slots not in flight */
};

static void xdp_close(struct isw_tx *tx)
{
	if (!tx)
		return;
	if (tx->xsk)
		xsk_socket__delete(tx->xsk);
	if (tx->umem)
		xsk_umem__delete(tx->umem);
	if (tx->area)
		munmap(tx->area, tx->area_len);
	free(tx);
}

_Static_assert(ISW_PROBE_MAX_LEN <= XDP_SLOT_SIZE, "a probe must fit a UMEM slot");

static int bind_socket(struct isw_tx *tx, const char *iface, unsigned queue, uint16_t mode)
{
	struct xsk_socket_config cfg = {
	    .rx_size = 0,
	    .tx_size = XDP_RING_SIZE,
	    .libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
	    .bind_flags = mode | XDP_USE_NEED_WAKEUP,
	};

	return xsk_socket__create(&tx->xsk, iface, queue, tx->umem, NULL, &tx->tx, &cfg);
}

/* Maps and registers the UMEM: packed slots if the kernel takes unaligned chunks, else one
 * chunk per slot. */
static int make_umem(struct isw_tx *tx)
{
	struct xsk_umem_config ucfg = {
	    .fill_size = XDP_FILL_SIZE,
	    .comp_size = XDP_RING_SIZE,
	    .frame_size = XDP_CHUNK_SIZE,
	    .flags = XDP_UMEM_UNALIGNED_CHUNK_FLAG,
	};
	int rc = -EINVAL;

	for (int packed = 1; packed >= 0; packed--) {
		tx->slot = packed ? XDP_SLOT_SIZE : XDP_CHUNK_SIZE;
		ucfg.flags = packed ? XDP_UMEM_UNALIGNED_CHUNK_FLAG : 0;
		tx->area_len = (size_t)XDP_NSLOTS * tx->slot;
		if (tx->area_len < XDP_CHUNK_SIZE)
			tx->area_len = XDP_CHUNK_SIZE;
		tx->area = mmap(NULL, tx->area_len, PROT_READ | PROT_WRITE,
		                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (tx->area == MAP_FAILED) {
			tx->area = NULL;
			return -ENOMEM;
		}
		rc = xsk_umem__create(&tx->umem, tx->area, tx->area_len, &tx->fill, &tx->comp,
		                      &ucfg);
		if (rc == 0)
			return 0;
		tx->umem = NULL;
		munmap(tx->area, tx->area_len);
		tx->area = NULL;
		if (rc != -EINVAL)
			break;
	}
	return rc;
}

static int xdp_open(struct isw_tx **out, const struct isw_tx_params *p, char *errbuf)
{
	int budget = XDP_TX_BUDGET, rc;
	struct isw_tx *tx;

	if (p->raw_ip) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "xdp: %s has no Ethernet header; use --tx libnet",
		         p->iface);
		return -EOPNOTSUPP;
	}
	if (!if_nametoindex(p->iface)) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "xdp: no interface %s", p->iface);
		return -ENODEV;
	}
	tx = calloc(1, sizeof(*tx));
	if (!tx)
		return -ENOMEM;
	rc = make_umem(tx);
	if (rc < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "xdp: cannot register UMEM on %s: %s%s", p->iface,
		         strerror(-rc),
		         rc == -EAFNOSUPPORT ? " (kernel without AF_XDP sockets)"
		         : rc == -EPERM      ? " (needs root or CAP_NET_RAW + CAP_IPC_LOCK)"
		                             : "");
		xdp_close(tx);
		return rc;
	}
	rc = bind_socket(tx, p->iface, p->queue, XDP_COPY);
	if (rc < 0) {
		tx->xsk = NULL;
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "xdp: cannot bind an AF_XDP socket to %s queue %u: %s%s", p->iface,
		         p->queue, strerror(-rc),
		         rc == -EINVAL && p->queue
		             ? " (one queue per sender thread; ethtool -l shows "
		               "how many the device has)"
		             : "");
		xdp_close(tx);
		return rc;
	}
	tx->fd = xsk_socket__fd(tx->xsk);
	/* Copy mode sends at most 32 frames per sendto() unless told otherwise (Linux 6.17+;
	 * older kernels refuse the option and we kick more often). */
	(void)setsockopt(tx->fd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &budget, sizeof(budget));
	for (uint32_t i = 0; i < XDP_NSLOTS; i++)
		tx->free[i] = (uint64_t)i * tx->slot;
	tx->nfree = XDP_NSLOTS;
	*out = tx;
	return 0;
}

/* Takes finished frames back from the completion ring. */
static void reclaim(struct isw_tx *tx)
{
	uint32_t idx, n = xsk_ring_cons__peek(&tx->comp, XDP_RING_SIZE, &idx);

	for (uint32_t k = 0; k < n; k++)
		tx->free[tx->nfree++] = *xsk_ring_cons__comp_addr(&tx->comp, idx + k);
	if (n)
		xsk_ring_cons__release(&tx->comp, n);
}

/* Makes the kernel take what is on the TX ring.  In copy mode each sendto() sends up to the
 * socket's budget and answers EAGAIN while more is left. */
static int kick(struct isw_tx *tx)
{
	for (int k = 0; k < XDP_KICKS; k++) {
		if (!xsk_ring_prod__needs_wakeup(&tx->tx))
			return 0;
		if (sendto(tx->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
			return 0;
		if (errno == EAGAIN || errno == EINTR)
			continue;
		if (errno == EBUSY || errno == ENOBUFS) {
			/* Completion ring or driver full: free frames, then try again. */
			reclaim(tx);
			continue;
		}
		return -errno;
	}
	return 0;
}

/* No free frame or TX slot: kick, reclaim and wait, bounded. */
static int wait_room(struct isw_tx *tx)
{
	struct pollfd pfd = {.fd = tx->fd, .events = POLLOUT};

	for (int i = 0; i < XDP_FULL_POLLS; i++) {
		int rc = kick(tx);
		if (rc < 0)
			return rc;
		reclaim(tx);
		if (tx->nfree && xsk_prod_nb_free(&tx->tx, 1))
			return 0;
		if (poll(&pfd, 1, 10) < 0 && errno != EINTR)
			return -errno;
	}
	return -ETIMEDOUT;
}

static int xdp_send(struct isw_tx *tx, uint8_t *const *frames, const uint32_t *lens, unsigned n)
{
	unsigned i = 0;
	int rc = 0;

	reclaim(tx);
	while (i < n) {
		uint32_t want = n - i, idx, got;

		if (want > tx->nfree)
			want = tx->nfree;
		got = want ? xsk_ring_prod__reserve(&tx->tx, want, &idx) : 0;
		if (!got) {
			rc = wait_room(tx);
			if (rc < 0)
				break;
			continue;
		}
		for (uint32_t k = 0; k < got; k++, i++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&tx->tx, idx + k);
			uint64_t addr = tx->free[--tx->nfree];

			memcpy(tx->area + addr, frames[i], lens[i]);
			d->addr = addr;
			d->len = lens[i];
		}
		xsk_ring_prod__submit(&tx->tx, got);
	}
	if (i) {
		int krc = kick(tx);
		if (krc < 0 && !rc)
			rc = krc;
	}
	return i ? (int)i : rc;
}

const struct isw_tx_ops isw_tx_xdp_ops = {
    .name = "xdp",
    .open = xdp_open,
    .send = xdp_send,
    .close = xdp_close,
};
