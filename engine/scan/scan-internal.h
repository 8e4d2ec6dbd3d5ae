/* SPDX-License-Identifier: BSD-2-Clause */
/* State of one scan shared by its threads (scan.c owns it; the capture loop, path health and
 * the statistics use it; the senders see only its struct isw_send_ctx, sender.h).
 * Configuration and tables are written before the threads start and only read after;
 * everything the threads change while running is a C11 atomic. */
#ifndef ISW_SCAN_INTERNAL_H
#define ISW_SCAN_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "icmpsweep/scan.h"
#include "bitmap.h"
#include "clock.h"
#include "done-flag.h"
#include "lan.h"
#include "lan6.h"
#include "match.h"
#include "probe-log.h"
#include "report.h"
#include "route-map.h"
#include "route6-map.h"
#include "route.h"
#include "rtt-hist.h"
#include "rx-ping.h"
#include "rx.h"
#include "sender.h"
#include "trace-writer.h"

/* One interface the sweep uses: where probes leave from (its route: source, MACs, its main
 * next hop), its capture, and what the capture thread learns of its next hop's ARP. */
struct isw_scan_link {
	struct isw_scan *s;
	unsigned index;
	struct isw_route route;
	struct isw_rx *rx;
	struct isw_matcher matcher;
	/* Our own ARP check of the next hop (nh-check.h): path-health raises bit index of
	 * flags.nh_arp_want, a sender sends send.link[index].nh_arp, the capture thread records
	 * who answered (nh_arp_mac, then nh_arp_at_ns with release). */
	uint32_t nh_watch; /* the watched next hop, 0 for none */
	/* --ipv6-multicast: this interface gets the echo request to all nodes, from ll6, our
	 * link-local address on it (scan-group6.c). */
	int group;
	uint8_t ll6[16];
	atomic_uint_least64_t nh_arp_mac, nh_arp_at_ns;
	/* The first IPv6 gateway its IPv6 targets use, watched through the kernel's neighbour
	 * table (NDP), and the MAC the probes go to (scan-route6.c). */
	int have_nh6;
	uint8_t nh6_watch[16], nh6_mac[6];
	uint64_t pcap_recv, pcap_drop, pcap_ifdrop; /* the capture thread's last reading */
};

struct isw_scan {
	struct isw_config cfg;
	const isw_targets *targets;
	uint64_t n;
	isw_sink_fn sink;
	void *sink_arg;

	/* What the senders read (the permutation, tag key, template, transmit handles live
	 * there), the flags they share with the other threads, and what they count. */
	struct isw_send_ctx send;
	struct isw_send_flags flags;
	struct isw_send_counters count;

	/* The interfaces: link[0] the first target's, then in the order targets reach them;
	 * send.link[k] is link[k]'s sending side. */
	struct isw_scan_link link[ISW_MAX_LINKS];
	unsigned nlinks;
	unsigned lan_link; /* the interface of the on-link targets swept with ARP */
	/* Each target's next hop, unless -i, -S and -G together say it all; route_per_probe when
	 * targets differ in next hop, so the sender looks each one up. */
	struct isw_route_map routes;
	int route_per_probe;
	uint64_t unrouted; /* targets without a usable route: never probed */
	/* The IPv6 targets' hops (scan-route6.c): always looked up per probe. */
	struct isw_route6_map routes6;
	uint64_t unrouted6; /* of unrouted, the IPv6 ones */
	/* No-root mode (scan-mode.c): the ICMP datagram socket the probes go out and the
	 * answers come in through instead of rx (-1, NULL otherwise), the ICMPv6 one for IPv6
	 * targets (-1 without), and why it runs. */
	int ping_fd, ping_fd6;
	struct isw_ping_rx *ping_rx;
	char mode_why[200];
	/* Targets that answered with an echo reply, and with an ICMP error: each is reported
	 * once per kind; either one stops re-probing on later passes. */
	struct isw_bitmap alive, errored;
	uint64_t shard_targets; /* this shard's targets (all without one), before --max-targets */
	/* The one path from a matched answer to the sink (dedupe in alive/errored, ARP notes from
	 * lan, the counters below). */
	struct isw_report report;
	/* -w: written by the capture thread only; probes reach it through probe_log. */
	struct isw_trace_writer *trace;
	/* On-link targets, swept with ARP first when lan_active. */
	struct isw_lan lan;
	int lan_active;
	/* On-link IPv6 targets, swept with NDP first when lan6_active (any interface). */
	struct isw_lan6 lan6;
	int lan6_active;
	int prepared;
	atomic_uint_least64_t arp_only, ndp_only;
	/* RTTs of new answers (cooldown.h, the pauses between passes, --adaptive). */
	struct isw_rtt_hist rtt;
	struct isw_probe_log probe_log[ISW_MAX_SENDERS]; /* one producer each */
	int trace_probes;

	pthread_t sender, capture, supervisor;
	int threads_started;
	uint64_t start_ns; /* CLOCK_MONOTONIC */

	atomic_int stop_capture;       /* set by a second stop, or when the cooldown ends */
	struct isw_done_flag finished; /* set by the supervisor once both threads are joined */

	atomic_uint_least64_t hits, icmp_errors, replies, duplicates, invalid;
	atomic_uint_least64_t other_shard; /* valid answers for another shard's targets */
	atomic_uint_least64_t pcap_recv, pcap_drop, pcap_ifdrop;

	/* Path health (path-health.c on the supervisor thread; the senders read flags.path_pause
	 * once per batch). */
	atomic_int capturing; /* 1 until the capture thread has ended */
	atomic_uint_least64_t down_total_ns;
	atomic_uint_least64_t carrier_losses;
	atomic_uint_least64_t neigh_mac_now; /* the next hop's MAC, when it moved */
	atomic_uint fault_link; /* the link of the latest fault: carrier, link gone, next hop */
	atomic_int fault_nh6;   /* 1: the latest next-hop fault is of the link's IPv6 gateway */
};

/* Raw frames, or the ping socket of no-root mode (scan-mode.c): opens the socket when it is
 * the one, before the route is chosen. */
int isw_scan_choose_mode(struct isw_scan *s, char *errbuf);
/* Decides interface, source and next hops (scan-route.c). */
int isw_scan_choose_route(struct isw_scan *s, char *errbuf);
/* 1 when -i, -G and a -S for every family of targets say where every frame goes: no route is
 * asked (scan-route.c). */
int isw_scan_route_given(const struct isw_scan *s);
/* The sweep's interface for a routed hop: an existing link, or a new one taking the hop's
 * source (src6 non-NULL: an IPv6 hop, whose probes take src6).  The link's index, or -errno
 * (scan-route.c). */
int isw_scan_link_for(struct isw_scan *s, const struct isw_hop *h, const uint8_t *src6,
                      char *errbuf);
/* -i names one interface, but hop h's targets (listed in list) are routed through another:
 * -EINVAL with a message ending in hint (scan-route.c). */
int isw_scan_refuse_elsewhere(const struct isw_hop *h, int oif, const char *list, const char *hint,
                              char *errbuf);
/* The IPv6 targets' routes (scan-route6.c): map built, unrouted counted, links chosen (after
 * the IPv4 ones); *any set when one of them is routed.  Then each hop's MAC. */
int isw_scan_plan_routes6(struct isw_scan *s, int oif, int *any, char *errbuf);
int isw_scan_resolve_hops6(struct isw_scan *s, char *errbuf);
/* The IPv6 targets without a route, as isw_route6_map_describe writes them. */
void isw_scan_describe_unrouted6(const struct isw_scan *s, char *buf, size_t size);
/* --ipv6-multicast: marks the interfaces with on-link IPv6 targets for the all-nodes echo
 * request, with their link-local source (scan-group6.c). */
void isw_scan_plan_group6(struct isw_scan *s);
/* The capture thread (scan-capture.c): arg is the scan. */
void *isw_capture_main(void *arg);

/* Records a fault (enum isw_path_fault); with stop, ends sending as well. */
void isw_scan_fault(struct isw_scan *s, unsigned fault, int stop);
/* The supervisor: watches the path until the sender and capture threads end. */
void isw_health_run(struct isw_scan *s);

#endif
