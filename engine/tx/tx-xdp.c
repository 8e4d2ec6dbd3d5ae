/* SPDX-License-Identifier: BSD-2-Clause */
/* AF_XDP through libxdp: probes are copied into UMEM slots, posted on the socket's TX ring
 * and kicked with one sendto() per batch; finished slots come back on the completion ring.
 * Each handle binds its own device queue (its sender thread's index), so -T N needs a device
 * with N queues.  Ethernet links only.
 *
 * Copy mode (any driver, veth included) is send only: no XDP program, so every reply still
 * goes up the stack to our pcap capture.  The UMEM is registered with unaligned chunks, so
 * 128-byte slots (room for an ICMPv6 probe; a page holds 32, none crossing its end) sit back
 * to back: 1,024 probes in flight pin 128 KiB instead of the 2 MiB of one 2 KiB chunk each.
 * Kernels before 5.4 refuse unaligned chunks; there each slot is a chunk.
 *
 * Zero-copy, when the device advertises it (the kernel's netdev xdp-features): the driver
 * sends straight from the UMEM, but it also receives into it on our queue, and it runs that
 * queue in AF_XDP mode only with an XDP program attached.  So we attach a program that passes
 * every packet to the stack (through a bpf_link, which the kernel removes when we exit, even
 * on a crash), give the driver receive chunks on the fill ring, and check that it accepts a
 * wakeup before we trust it.  Any step that fails undoes the others and we bind in copy mode,
 * saying why.  ISW_XDP_ZEROCOPY=off never tries; =try tries even where nothing is
 * advertised (to exercise the fallback). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <xdp/xsk.h>

#include "icmpsweep/config.h"
#include "icmpsweep/error.h"
#include "probe.h"
#include "probe6.h"
#include "tx.h"
#include "xdp-features.h"

#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET 9 /* Linux 6.17: frames per sendto() in copy mode */
#endif
#ifndef XDP_UMEM_UNALIGNED_CHUNK_FLAG
#define XDP_UMEM_UNALIGNED_CHUNK_FLAG (1 << 0)
#endif

#define XDP_CHUNK_SIZE 2048 /* the smallest UMEM chunk the kernel accepts */
#define XDP_SLOT_SIZE  128  /* a probe of either family, when chunks may be unaligned */
#define XDP_NSLOTS     1024 /* in flight at most: 16 batches */
#define XDP_RING_SIZE  1024 /* TX and completion rings */
#define XDP_FILL_SIZE  64   /* copy mode: unused (no RX), but the UMEM needs one */
#define XDP_ZC_RX      2048 /* zero-copy: receive chunks, enough for a NIC's RX ring */
#define XDP_TX_BUDGET  512
#define XDP_KICKS      64  /* sendto() calls per batch before it counts as stuck */
#define XDP_FULL_POLLS 100 /* 10 ms slices a full ring may take to drain */

_Static_assert(ISW_PROBE_MAX_LEN <= XDP_SLOT_SIZE && ISW_PROBE6_MAX_LEN <= XDP_SLOT_SIZE,
               "a probe must fit a UMEM slot");

struct isw_tx {
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp;
	uint8_t *area;
	size_t area_len;
	int fd;
	int link_fd;  /* zero-copy: our pass-everything XDP program's link, or -1 */
	int zerocopy; /* bound in zero-copy mode */
	uint32_t nfree;
	uint32_t slot;  /* bytes per slot: XDP_SLOT_SIZE, or XDP_CHUNK_SIZE when aligned */
	unsigned drops; /* copy mode: frames the device dropped after taking them (see kick) */
	atomic_int *hold;
	int last_err;
	char note[160];
	uint64_t free[XDP_NSLOTS]; /* UMEM slots not in flight */
};

/* Socket, UMEM and program: back to an unbound handle. */
static void unbind(struct isw_tx *tx)
{
	if (tx->xsk)
		xsk_socket__delete(tx->xsk);
	if (tx->umem)
		xsk_umem__delete(tx->umem);
	if (tx->area)
		munmap(tx->area, tx->area_len);
	if (tx->link_fd >= 0)
		close(tx->link_fd);
	tx->xsk = NULL;
	tx->umem = NULL;
	tx->area = NULL;
	tx->link_fd = -1;
	tx->zerocopy = 0;
}

static void xdp_close(struct isw_tx *tx)
{
	if (!tx)
		return;
	unbind(tx);
	free(tx);
}

static int bind_socket(struct isw_tx *tx, const char *iface, unsigned queue, uint16_t mode)
{
	struct xsk_socket_config cfg = {
	    .rx_size = 0,
	    .tx_size = XDP_RING_SIZE,
	    .libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
	    .bind_flags = mode | XDP_USE_NEED_WAKEUP,
	};
	int rc = xsk_socket__create(&tx->xsk, iface, queue, tx->umem, NULL, &tx->tx, &cfg);

	if (rc < 0)
		tx->xsk = NULL;
	return rc;
}

/* Maps and registers a UMEM of n slots of size bytes (packed: unaligned chunks). */
static int make_umem(struct isw_tx *tx, uint32_t size, uint32_t n, uint32_t fill, int packed)
{
	struct xsk_umem_config ucfg = {
	    .fill_size = fill,
	    .comp_size = XDP_RING_SIZE,
	    .frame_size = XDP_CHUNK_SIZE,
	    .flags = packed ? XDP_UMEM_UNALIGNED_CHUNK_FLAG : 0,
	};
	int rc;

	tx->slot = size;
	tx->area_len = (size_t)n * size;
	if (tx->area_len < XDP_CHUNK_SIZE)
		tx->area_len = XDP_CHUNK_SIZE;
	tx->area =
	    mmap(NULL, tx->area_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tx->area == MAP_FAILED) {
		tx->area = NULL;
		return -ENOMEM;
	}
	rc = xsk_umem__create(&tx->umem, tx->area, tx->area_len, &tx->fill, &tx->comp, &ucfg);
	if (rc < 0) {
		tx->umem = NULL;
		munmap(tx->area, tx->area_len);
		tx->area = NULL;
	}
	return rc;
}

/* A native (driver-mode) XDP program that passes every packet on, attached through a link. */
static int attach_pass_program(int ifindex)
{
	const struct bpf_insn pass[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = XDP_FLAGS_DRV_MODE);
	int prog, link;

	/* libbpf 1.x returns negative errnos itself. */
	prog = bpf_prog_load(BPF_PROG_TYPE_XDP, "isw_pass", "GPL", pass, 2, NULL);
	if (prog < 0)
		return prog;
	link = bpf_link_create(prog, ifindex, BPF_XDP, &lo);
	close(prog); /* the link holds the program */
	return link;
}

/* Zero-copy on p->queue, or a negative errno with the handle unbound and tx->note saying
 * why. */
static int try_zerocopy(struct isw_tx *tx, const struct isw_tx_params *p, int ifindex)
{
	uint32_t idx;
	int rc;

	rc = attach_pass_program(ifindex);
	/* EBUSY: a program is there already; its owner decides what receives, we can still try. */
	if (rc < 0 && rc != -EBUSY) {
		snprintf(tx->note, sizeof(tx->note), "cannot attach an XDP program: %s",
		         strerror(-rc));
		return rc;
	}
	tx->link_fd = rc;
	/* Aligned chunks: the TX slots, then the chunks the driver receives into. */
	rc = make_umem(tx, XDP_CHUNK_SIZE, XDP_NSLOTS + XDP_ZC_RX, XDP_ZC_RX, 0);
	if (rc == 0)
		rc = bind_socket(tx, p->iface, p->queue, XDP_ZEROCOPY);
	if (rc == 0 && xsk_ring_prod__reserve(&tx->fill, XDP_ZC_RX, &idx) != XDP_ZC_RX)
		rc = -ENOBUFS;
	if (rc == 0) {
		for (uint32_t k = 0; k < XDP_ZC_RX; k++)
			*xsk_ring_prod__fill_addr(&tx->fill, idx + k) =
			    (uint64_t)(XDP_NSLOTS + k) * XDP_CHUNK_SIZE;
		xsk_ring_prod__submit(&tx->fill, XDP_ZC_RX);
		/* A driver that cannot run the queue answers the wakeup with an error. */
		if (sendto(xsk_socket__fd(tx->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
		    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS)
			rc = -errno;
	}
	if (rc < 0) {
		snprintf(tx->note, sizeof(tx->note), "zero-copy refused on %s queue %u: %s",
		         p->iface, p->queue, strerror(-rc));
		unbind(tx);
		return rc;
	}
	tx->zerocopy = 1;
	return 0;
}

/* Copy mode: packed slots if the kernel takes unaligned chunks, else a chunk each. */
static int bind_copy(struct isw_tx *tx, const struct isw_tx_params *p, char *errbuf)
{
	int rc = make_umem(tx, XDP_SLOT_SIZE, XDP_NSLOTS, XDP_FILL_SIZE, 1);

	if (rc == -EINVAL)
		rc = make_umem(tx, XDP_CHUNK_SIZE, XDP_NSLOTS, XDP_FILL_SIZE, 0);
	if (rc < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "xdp: cannot register UMEM on %s: %s%s", p->iface,
		         strerror(-rc),
		         rc == -EAFNOSUPPORT ? " (kernel without AF_XDP sockets)"
		         : rc == -EPERM      ? " (needs root or CAP_NET_RAW + CAP_IPC_LOCK)"
		                             : "");
		return rc;
	}
	rc = bind_socket(tx, p->iface, p->queue, XDP_COPY);
	if (rc < 0)
		snprintf(
		    errbuf, ISW_ERRBUF_SIZE,
		    "xdp: cannot bind an AF_XDP socket to %s queue %u: %s%s", p->iface, p->queue,
		    strerror(-rc),
		    rc == -EINVAL && p->queue
		        ? " (one queue per sender thread; ethtool -l shows how many the device has)"
		        : "");
	return rc;
}

/* Whether to try zero-copy: what the device advertises, unless the configuration says. */
static int want_zerocopy(int ifindex, int setting)
{
	if (setting == ISW_ZEROCOPY_OFF)
		return 0;
	if (setting == ISW_ZEROCOPY_TRY)
		return 1;
	return isw_xdp_zerocopy_advertised(ifindex) == 1;
}

static int xdp_open(struct isw_tx **out, const struct isw_tx_params *p, char *errbuf)
{
	int budget = XDP_TX_BUDGET, ifindex, rc;
	struct isw_tx *tx;

	if (p->raw_ip) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "xdp: %s has no Ethernet header; use --tx libnet",
		         p->iface);
		return -EOPNOTSUPP;
	}
	ifindex = (int)if_nametoindex(p->iface);
	if (!ifindex) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "xdp: no interface %s", p->iface);
		return -ENODEV;
	}
	tx = calloc(1, sizeof(*tx));
	if (!tx)
		return -ENOMEM;
	tx->link_fd = -1;
	if (!want_zerocopy(ifindex, p->zerocopy) || try_zerocopy(tx, p, ifindex) < 0) {
		rc = bind_copy(tx, p, errbuf);
		if (rc < 0) {
			xdp_close(tx);
			return rc;
		}
	}
	tx->fd = xsk_socket__fd(tx->xsk);
	tx->hold = p->hold;
	/* Copy mode sends at most 32 frames per sendto() unless told otherwise (Linux 6.17+;
	 * older kernels refuse the option and we kick more often). */
	if (!tx->zerocopy)
		(void)setsockopt(tx->fd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &budget, sizeof(budget));
	for (uint32_t i = 0; i < XDP_NSLOTS; i++)
		tx->free[i] = (uint64_t)i * tx->slot;
	tx->nfree = XDP_NSLOTS;
	*out = tx;
	return 0;
}

static void xdp_describe(const struct isw_tx *tx, char *mode, size_t mode_len, char *note,
                         size_t note_len)
{
	snprintf(mode, mode_len, "%s", tx->zerocopy ? "zero-copy" : "copy");
	snprintf(note, note_len, "%s", tx->note);
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
 * socket's budget and answers EAGAIN while more is left, and EBUSY when the device dropped a
 * frame (NET_XMIT_DROP: no carrier); that frame still comes back on the completion ring, as
 * if sent, so it is counted here. */
static int kick(struct isw_tx *tx)
{
	for (int k = 0; k < XDP_KICKS; k++) {
		if (!xsk_ring_prod__needs_wakeup(&tx->tx))
			return 0;
		if (sendto(tx->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
			return 0;
		if (errno == EAGAIN || errno == EINTR)
			continue;
		if (errno == EBUSY && !tx->zerocopy) {
			tx->drops++;
			tx->last_err = EBUSY;
			reclaim(tx);
			continue;
		}
		if (errno == EBUSY || errno == ENOBUFS) {
			/* Completion ring or driver full: free frames, then try again. */
			reclaim(tx);
			continue;
		}
		tx->last_err = errno;
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
		if (tx->hold && atomic_load_explicit(tx->hold, memory_order_relaxed)) {
			tx->last_err = tx->last_err ? tx->last_err : ENETDOWN;
			return -tx->last_err;
		}
		if (poll(&pfd, 1, 10) < 0 && errno != EINTR)
			return -errno;
	}
	tx->last_err = ETIMEDOUT;
	return -ETIMEDOUT;
}

static unsigned xdp_take_drops(struct isw_tx *tx, int *last_err)
{
	return isw_tx_hand_over_drops(&tx->drops, &tx->last_err, last_err);
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
	if (i || !n) {
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
    .describe = xdp_describe,
    .take_drops = xdp_take_drops,
};
