/* SPDX-License-Identifier: BSD-2-Clause */
/* Transmit backends.  Each fills a table of operations (as libpcap's capture backends do);
 * the scan picks one by name at run time.  A backend sends whole frames that the probe module
 * has already built, a batch at a time, so a kernel-bypass backend can submit one batch per
 * system call. */
#ifndef ISW_TX_H
#define ISW_TX_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct isw_tx;
struct isw_output;

struct isw_tx_params {
	const char *iface;
	int raw_ip;             /* the link has no Ethernet header */
	int ipv6;               /* the link also sends ICMPv6 probes (raw_ip: raw IPv6 frames) */
	unsigned queue;         /* the device queue to bind, where the backend binds one (xdp) */
	int zerocopy;           /* xdp: the config's xdp_zerocopy */
	struct isw_output *out; /* "dry-run" only: where the listing goes */
	/* While set (the link has no carrier), a send that waits for room in a full ring gives
	 * up at once instead of kicking a dead device for a second. */
	atomic_int *hold;
	/* "socket" only: the scan's ICMP datagram sockets (ping-socket.h), shared by every
	 * handle; the frames are then raw IPv4 or IPv6 (raw_ip), the IPv6 ones for ping_fd6
	 * (-1 when the scan has no IPv6 targets). */
	int ping_fd, ping_fd6;
};

struct isw_tx_ops {
	const char *name;
	int (*open)(struct isw_tx **out, const struct isw_tx_params *p, char *errbuf);
	/* Sends n frames; returns how many were sent (the rest failed), or a negative errno
	 * when the backend can send nothing any more.  n == 0 pushes what is queued. */
	int (*send)(struct isw_tx *tx, uint8_t *const *frames, const uint32_t *lens, unsigned n);
	void (*close)(struct isw_tx *tx);
	/* Optional: how many frames that send counted were dropped by the device after all
	 * since the last call (a link without carrier takes a frame and drops it), and in
	 * *last_err the errno of the latest failure, sent or dropped (left alone if none). */
	unsigned (*take_drops)(struct isw_tx *tx, int *last_err);
	/* Optional: how the handle sends (mode, e.g. "copy") and, when it could not send the way
	 * the device promised, why (note; empty otherwise). */
	void (*describe)(const struct isw_tx *tx, char *mode, size_t mode_len, char *note,
	                 size_t note_len);
};

/* take_drops for a backend that counts drops and keeps the last errno in its handle: hands
 * both over once and clears them. */
static inline unsigned isw_tx_hand_over_drops(unsigned *drops, int *err, int *last_err)
{
	unsigned d = *drops;

	if (*err)
		*last_err = *err;
	*drops = 0;
	*err = 0;
	return d;
}

/* NULL when no backend has that name.  "auto" names isw_tx_auto_ops, a placeholder that
 * isw_tx_open replaces with the backend it picks. */
const struct isw_tx_ops *isw_tx_find(const char *name);

/* Comma-separated list of names, for messages. */
const char *isw_tx_names(void);

/* Opens *ops on p->iface.  For isw_tx_auto_ops, tries xdp, then ring, then libnet, and sets
 * *ops to the first that opens; when none does, errbuf names each one's reason.  Returns 0 or
 * a negative errno with a message in errbuf. */
int isw_tx_open(const struct isw_tx_ops **ops, struct isw_tx **tx, const struct isw_tx_params *p,
                char *errbuf);
/* The same for n handles (one per sender thread), all of one backend. */
int isw_tx_open_n(const struct isw_tx_ops **ops, struct isw_tx **tx, unsigned n,
                  const struct isw_tx_params *p, char *errbuf);

extern const struct isw_tx_ops isw_tx_auto_ops;
extern const struct isw_tx_ops isw_tx_xdp_ops; /* fails to open when built without libxdp */
extern const struct isw_tx_ops isw_tx_ring_ops;
extern const struct isw_tx_ops isw_tx_libnet_ops;
extern const struct isw_tx_ops isw_tx_dry_run_ops;
/* No-root mode (ping-socket.h): never tried by "auto", which the scan falls back from to it
 * when raw packets are not permitted. */
extern const struct isw_tx_ops isw_tx_socket_ops;

#endif
