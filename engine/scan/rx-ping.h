/* SPDX-License-Identifier: BSD-2-Clause */
/* The receive side of no-root mode: the answers that reach the scan's ping sockets, handed
 * over as raw IPv4 or IPv6 packets (ISW_LINK_RAW_IP) so the one matcher (match.h) judges
 * them. */
#ifndef ISW_RX_PING_H
#define ISW_RX_PING_H

#include <stdint.h>

#include "rx.h"

struct isw_ping_rx;

/* Reads from fd, and fd6 unless it is -1 (the scan's; not closed here).  src and src6 (NULL:
 * none) are our addresses: the destination of the IP header put in front of each reply, the
 * source quoted in each ICMP error. */
int isw_ping_rx_open(struct isw_ping_rx **out, int fd, int fd6, uint32_t src, const uint8_t *src6,
                     char *errbuf);

/* Echo replies (recvmmsg, a batch at a time) and then the ICMP errors of the error queue
 * (IP_RECVERR, IPV6_RECVERR) of each socket to cb, waiting up to timeout_ms for the first.  An
 * error the kernel made itself (an on-link host silent to ARP or NDP) means no answer, as a
 * raw sweep sees it, and is not handed over.  Returns how many went to cb, or a negative errno. */
int isw_ping_rx_dispatch(struct isw_ping_rx *rx, int timeout_ms, isw_rx_cb cb, void *arg);

/* Replies read, and replies the socket dropped for want of buffer (SO_RXQ_OVFL). */
void isw_ping_rx_stats(const struct isw_ping_rx *rx, uint64_t *recv, uint64_t *drop);
void isw_ping_rx_close(struct isw_ping_rx *rx);

#endif
