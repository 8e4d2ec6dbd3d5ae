/* SPDX-License-Identifier: BSD-2-Clause */
/* Capture of the answers to our probes. */
#ifndef ISW_RX_H
#define ISW_RX_H

#include <stddef.h>
#include <stdint.h>

#include "match.h"

struct isw_rx;

/* The capture hands over a block of packets when it fills or after this long (TPACKET_V3):
 * short enough for a responsive end of scan, long enough to batch bursts.  An answer can sit
 * this long in the ring before it is counted; what waits for answers allows for it
 * (cooldown.h, adaptive.h). */
#define ISW_RX_BLOCK_TIMEOUT_MS 20

struct isw_rx_params {
	const char *iface;
	uint32_t src;          /* our address: the kernel filter passes only ICMP to it */
	const uint8_t *src6;   /* our IPv6 address (NULL: none): and ICMPv6 answers to it */
	unsigned buffer_bytes; /* capture ring size */
	int arp;               /* also pass ARP replies (on-link sweep) */
	int ndp;               /* also pass neighbour advertisements to src6 (on-link IPv6) */
	const uint8_t *ll6;    /* our link-local address (NULL: none): echo replies to it too */
};

typedef void (*isw_rx_cb)(void *arg, const uint8_t *pkt, size_t caplen, int64_t ts_us);

int isw_rx_open(struct isw_rx **out, const struct isw_rx_params *p, char *errbuf);
enum isw_link isw_rx_link(const struct isw_rx *rx);

/* Hands every packet that is ready to cb, waiting up to timeout_ms for the first one.
 * Returns the number handed over, or a negative errno when capture failed. */
int isw_rx_dispatch(struct isw_rx *rx, int timeout_ms, isw_rx_cb cb, void *arg);

/* Kernel counters; call from the capturing thread. */
void isw_rx_stats(struct isw_rx *rx, uint64_t *recv, uint64_t *drop, uint64_t *ifdrop);
void isw_rx_close(struct isw_rx *rx);

#endif
