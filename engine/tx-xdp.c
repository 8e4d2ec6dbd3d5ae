/* AF_XDP through libxdp: probes are copied into UMEM frames, posted on the socket's TX ring
 * and kicked with one sendto() per batch; finished frames come back on the completion ring.
 *
 * Send only.  No XDP program is loaded (XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD): a program would
 * redirect the replies away from the kernel and our pcap capture, and loading one needs
 * bpffs.  The socket binds in copy mode, which works on any driver (veth included) and
 * still skips the qdisc and the packet-socket machinery.  Zero-copy is not used yet: on a
 * zero-copy queue the driver receives into the UMEM, so without an RX path here (fill ring,
 * hand-off to the matcher) the replies arriving on queue 0 would be lost.  Queue 0 only;
 * Ethernet links only. */
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
#include "tx.h"

#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET 9 /* Linux 6.17: frames per sendto() in copy mode */
#endif

#define XDP_FRAME_SIZE 2048 /* the smallest UMEM chunk the kernel accepts */
#define XDP_NFRAMES    2048 /* 4 MiB of UMEM, all of it pinned (resident) */
#define XDP_RING_SIZE  1024 /* TX and completion rings: 16 batches */
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
	uint64_t free[XDP_NFRAMES]; /* UMEM frames not in flight */
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

static int bind_socket(struct isw_tx *tx, const char *iface, uint16_t mode)
{
	struct xsk_socket_config cfg = {
	    .rx_size = 0,
	    .tx_size = XDP_RING_SIZE,
	    .libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
	    .bind_flags = mode | XDP_USE_NEED_WAKEUP,
	};

	return xsk_socket__create(&tx->xsk, iface, 0, tx->umem, NULL, &tx->tx, &cfg);
}

static int xdp_open(struct isw_tx **out, const struct isw_tx_params *p, char *errbuf)
{
	struct xsk_umem_config ucfg = {
	    .fill_size = XDP_FILL_SIZE,
	    .comp_size = XDP_RING_SIZE,
	    .frame_size = XDP_FRAME_SIZE,
	};
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
	tx->area_len = (size_t)XDP_NFRAMES * XDP_FRAME_SIZE;
	tx->area =
	    mmap(NULL, tx->area_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tx->area == MAP_FAILED) {
		tx->area = NULL;
		free(tx);
		return -ENOMEM;
	}
	rc = xsk_umem__create(&tx->umem, tx->area, tx->area_len, &tx->fill, &tx->comp, &ucfg);
	if (rc < 0) {
		tx->umem = NULL;
		snprintf(errbuf, ISW_ERRBUF_SIZE, "xdp: cannot register UMEM on %s: %s%s", p->iface,
		         strerror(-rc),
		         rc == -EAFNOSUPPORT ? " (kernel without AF_XDP sockets)"
		         : rc == -EPERM      ? " (needs root or CAP_NET_RAW + CAP_IPC_LOCK)"
		                             : "");
		xdp_close(tx);
		return rc;
	}
	rc = bind_socket(tx, p->iface, XDP_COPY);
	if (rc < 0) {
		tx->xsk = NULL;
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "xdp: cannot bind an AF_XDP socket to %s queue 0: %s", p->iface,
		         strerror(-rc));
		xdp_close(tx);
		return rc;
	}
	tx->fd = xsk_socket__fd(tx->xsk);
	/* Copy mode sends at most 32 frames per sendto() unless told otherwise (Linux 6.17+;
	 * older kernels refuse the option and we kick more often). */
	(void)setsockopt(tx->fd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &budget, sizeof(budget));
	for (uint32_t i = 0; i < XDP_NFRAMES; i++)
		tx->free[i] = (uint64_t)i * XDP_FRAME_SIZE;
	tx->nfree = XDP_NFRAMES;
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
