/* SPDX-License-Identifier: BSD-2-Clause */
/* The receive side of no-root mode: the answers that reach the scan's ping socket, handed
 * over as raw IPv4 packets (ISW_LINK_RAW_IP) so the one matcher (match.h) judges them. */
#ifndef ISW_RX_PING_H
#define ISW_RX_PING_H

#include <stdint.h>

#include "rx.h"

struct isw_ping_rx;

/* Reads from fd (the scan's; not closed here).  src is our address: the destination of the
 * IPv4 header put in front of each reply, the source quoted in each ICMP error. */
int isw_ping_rx_open(struct isw_ping_rx **out, int fd, uint32_t src, char *errbuf);

/* Echo replies (recvmmsg, a batch at a time) and then the ICMP errors of the error queue
 * (IP_RECVERR) to cb, waiting up to timeout_ms for the first.  An error the kernel made
 * itself (an on-link host silent to ARP) means no answer, as a raw sweep sees it, and is
 * not handed over.  Returns how many went to cb, or a negative errno. */
int isw_ping_rx_dispatch(struct isw_ping_rx *rx, int timeout_ms, isw_rx_cb cb, void *arg);

/* Replies read, and replies the socket dropped for want of buffer (SO_RXQ_OVFL). */
void isw_ping_rx_stats(const struct isw_ping_rx *rx, uint64_t *recv, uint64_t *drop);
void isw_ping_rx_close(struct isw_ping_rx *rx);

#endif
