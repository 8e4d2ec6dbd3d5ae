/* SPDX-License-Identifier: BSD-2-Clause */
/* Watches the path probes leave by: the interface (still there? carrier?) and the next hops'
 * neighbour entries, IPv4 (ARP) and IPv6 (NDP) (failed? another MAC?), from rtnetlink's link
 * and neighbour multicast groups.
 * Runs on the supervisor thread, never on the send path: the senders see only the atomic
 * flags path-health.c derives from it. */
#ifndef ISW_PATH_WATCH_H
#define ISW_PATH_WATCH_H

#include <stddef.h>
#include <stdint.h>

struct isw_path_watch;

struct isw_path_state {
	int gone;    /* the interface was deleted */
	int carrier; /* administratively up with carrier (IFF_UP and IFF_LOWER_UP) */
	int neigh;   /* the next hop's NUD_* state; 0 when unknown or not watched */
	uint8_t neigh_mac[6];
	int neigh_mac_known;
	int neigh6; /* the same for the IPv6 next hop */
	uint8_t neigh6_mac[6];
	int neigh6_mac_known;
};

/* Subscribes to link and neighbour events for ifindex and asks for the current link state.
 * next_hop (host order) 0 watches no IPv4 neighbour, next_hop6 NULL no IPv6 one.  Returns 0
 * or a negative errno. */
int isw_path_watch_open(struct isw_path_watch **out, int ifindex, uint32_t next_hop,
                        const uint8_t *next_hop6, struct isw_path_state *st, char *errbuf);

/* Waits up to timeout_ms for events and applies them to st: 1 if st changed, 0 if not, or a
 * negative errno.  After a lost event (a full socket buffer) it asks for the state again. */
int isw_path_watch_poll(struct isw_path_watch *w, int timeout_ms, struct isw_path_state *st);

/* Re-checking the next hop is ours (nh-check.h, our own ARP; for IPv6 a datagram that makes
 * the kernel's NDP run, isw_neigh_kick): asking the kernel to re-probe it (RTM_NEWNEIGH) needs
 * CAP_NET_ADMIN, gone after the privilege drop. */

void isw_path_watch_close(struct isw_path_watch *w);

/* Applies the rtnetlink messages in buf to st (exposed for the unit test). */
int isw_path_watch_apply(const void *buf, size_t len, int ifindex, uint32_t next_hop,
                         const uint8_t *next_hop6, struct isw_path_state *st);

#endif
