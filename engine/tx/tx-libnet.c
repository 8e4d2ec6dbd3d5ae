/* SPDX-License-Identifier: BSD-2-Clause */
/* The portable transmit path: libnet's link-layer writer (one PF_PACKET send per frame), or
 * its raw IPv4 socket for links without Ethernet. */
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
	int raw_ip;
	int last_err;
	atomic_int *hold;
};

static int libnet_tx_open(struct isw_tx **out, const struct isw_tx_params *p, char *errbuf)
{
	char lerr[LIBNET_ERRBUF_SIZE];
	struct isw_tx *tx = calloc(1, sizeof(*tx));

	if (!tx)
		return -ENOMEM;
	tx->raw_ip = p->raw_ip;
	tx->hold = p->hold;
	/* libnet wants a writable device string. */
	tx->l = libnet_init(p->raw_ip ? LIBNET_RAW4_ADV : LIBNET_LINK_ADV, (char *)p->iface, lerr);
	if (!tx->l) {
		int err = errno;

		snprintf(errbuf, ISW_ERRBUF_SIZE, "libnet cannot open %s: %s", p->iface, lerr);
		free(tx);
		/* libnet keeps no code, but its socket() leaves errno, and its message names the
		 * capability it missed. */
		return err == EPERM || err == EACCES || strstr(lerr, "CAP_NET_RAW") ? -EPERM : -EIO;
	}
	*out = tx;
	return 0;
}

static int libnet_tx_send(struct isw_tx *tx, uint8_t *const *frames, const uint32_t *lens,
                          unsigned n)
{
	unsigned sent = 0;

	for (unsigned i = 0; i < n; i++) {
		/* A full device queue is transient: yield and retry a bounded number of times. */
		for (int tries = 0; tries < 1000; tries++) {
			int rc = tx->raw_ip ? libnet_adv_write_raw_ipv4(tx->l, frames[i], lens[i])
			                    : libnet_adv_write_link(tx->l, frames[i], lens[i]);
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
	libnet_destroy(tx->l);
	free(tx);
}

const struct isw_tx_ops isw_tx_libnet_ops = {
    .name = "libnet",
    .open = libnet_tx_open,
    .send = libnet_tx_send,
    .close = libnet_tx_close,
    .take_drops = libnet_tx_take_drops,
};
