/* SPDX-License-Identifier: BSD-2-Clause */
/* The portable transmit path: libnet's link-layer writer (one PF_PACKET send per frame), or
 * for links without Ethernet its raw IPv4 socket, and its raw IPv6 one for ICMPv6 probes. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnet.h>

#include "icmpsweep/error.h"
#include "tx.h"

struct isw_tx {
	libnet_t *l;
	libnet_t *l6; /* raw_ip links with IPv6 probes: libnet's raw IPv6 socket */
	int raw_ip;
	int last_err;
	atomic_int *hold;
};

static void libnet_tx_close(struct isw_tx *tx);

/* One libnet handle of type on the interface, or NULL with the reason in errbuf and *rc. */
static libnet_t *open_handle(int type, const char *iface, char *errbuf, int *rc)
{
	char lerr[LIBNET_ERRBUF_SIZE];
	/* libnet wants a writable device string. */
	libnet_t *l = libnet_init(type, (char *)iface, lerr);
	int err = errno;

	if (l)
		return l;
	snprintf(errbuf, ISW_ERRBUF_SIZE, "libnet cannot open %s%s: %s", iface,
	         type == LIBNET_RAW6_ADV ? " for IPv6" : "", lerr);
	/* libnet keeps no code, but its socket() leaves errno, and its message names the
	 * capability it missed. */
	*rc = err == EPERM || err == EACCES || strstr(lerr, "CAP_NET_RAW") ? -EPERM : -EIO;
	return NULL;
}

static int libnet_tx_open(struct isw_tx **out, const struct isw_tx_params *p, char *errbuf)
{
	struct isw_tx *tx = calloc(1, sizeof(*tx));
	int rc = 0;

	if (!tx)
		return -ENOMEM;
	tx->raw_ip = p->raw_ip;
	tx->hold = p->hold;
	tx->l = open_handle(p->raw_ip ? LIBNET_RAW4_ADV : LIBNET_LINK_ADV, p->iface, errbuf, &rc);
	if (tx->l && p->raw_ip && p->ipv6)
		tx->l6 = open_handle(LIBNET_RAW6_ADV, p->iface, errbuf, &rc);
	if (rc < 0) {
		libnet_tx_close(tx);
		return rc;
	}
	*out = tx;
	return 0;
}

/* One frame through the handle its link and family take. */
static int write_frame(struct isw_tx *tx, const uint8_t *frame, uint32_t len)
{
	if (!tx->raw_ip)
		return libnet_adv_write_link(tx->l, frame, len);
	if (frame[0] >> 4 != 6)
		return libnet_adv_write_raw_ipv4(tx->l, frame, len);
	if (!tx->l6) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return libnet_write_raw_ipv6(tx->l6, frame, len);
}

static int libnet_tx_send(struct isw_tx *tx, uint8_t *const *frames, const uint32_t *lens,
                          unsigned n)
{
	unsigned sent = 0;

	for (unsigned i = 0; i < n; i++) {
		/* A full device queue is transient: yield and retry a bounded number of times. */
		for (int tries = 0; tries < 1000; tries++) {
			int rc = write_frame(tx, frames[i], lens[i]);
			if (rc >= 0) {
				sent++;
				break;
			}
			if (errno != ENOBUFS && errno != EAGAIN) {
				tx->last_err = errno;
				break;
			}
			if (tries == 999 ||
			    (tx->hold && atomic_load_explicit(tx->hold, memory_order_relaxed))) {
				/* Still full, or no carrier: this frame failed. */
				tx->last_err = errno;
				break;
			}
			sched_yield();
		}
	}
	return (int)sent;
}

static unsigned libnet_tx_take_drops(struct isw_tx *tx, int *last_err)
{
	if (tx->last_err)
		*last_err = tx->last_err;
	tx->last_err = 0;
	return 0; /* a frame the device drops fails its own write */
}

static void libnet_tx_close(struct isw_tx *tx)
{
	if (!tx)
		return;
	if (tx->l)
		libnet_destroy(tx->l);
	if (tx->l6)
		libnet_destroy(tx->l6);
	free(tx);
}

const struct isw_tx_ops isw_tx_libnet_ops = {
    .name = "libnet",
    .open = libnet_tx_open,
    .send = libnet_tx_send,
    .close = libnet_tx_close,
    .take_drops = libnet_tx_take_drops,
};
