/* SPDX-License-Identifier: BSD-2-Clause */
/* No-root mode: the ICMP datagram ("ping") sockets a scan sweeps through when it may not send
 * or capture raw packets (SOCK_DGRAM with IPPROTO_ICMP, or AF_INET6 with IPPROTO_ICMPV6, as ping
 * and fping use; Linux admits the groups in net.ipv4.ping_group_range to both).  The kernel chooses
 * the echo identifier (the socket's "port") and hands the socket only the replies that carry it;
 * icmpsweep's sequence half of the destination tag and its payload tag still validate each answer
 * (match.h). */
#ifndef ISW_PING_SOCKET_H
#define ISW_PING_SOCKET_H

#include <stddef.h>
#include <stdint.h>

struct isw_ping_socket_params {
	int family;            /* AF_INET or AF_INET6 */
	const char *iface;     /* -i: bound to it where the kernel lets us (Linux >= 5.7) */
	uint32_t src;          /* AF_INET: -S (host order), 0: the kernel picks per route */
	const uint8_t *src6;   /* AF_INET6: -S, NULL: the kernel picks per route */
	uint8_t ttl;           /* IP TTL (IPv4) or hop limit (IPv6) of the probes */
	unsigned rcvbuf_bytes; /* receive buffer asked for (the kernel caps it at rmem_max) */
};

/* 1 when this process may open raw packet sockets (CAP_NET_RAW), 0 when not. */
int isw_raw_permitted(void);

/* Opens the socket with what the scan needs: error queue (IP_RECVERR, IPV6_RECVERR), TTL or
 * hop limit and kernel timestamps of each reply, the socket's drop counter.  Returns the
 * descriptor, or a negative errno with a message in errbuf; -EACCES when ping_group_range excludes
 * us, with the range and our group named. */
int isw_ping_socket_open(const struct isw_ping_socket_params *p, char *errbuf);

/* "net.ipv4.ping_group_range is 1 0, without group 65534 (nobody)"-style explanation of
 * why a ping socket was refused, or why it was allowed. */
void isw_ping_group_describe(char *buf, size_t size);

#endif
