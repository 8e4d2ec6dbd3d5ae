/* State of one scan shared by its threads (scan.c owns it; sender.c and the capture loop use
 * it).  Configuration and tables are written before the threads start and only read after;
 * everything the threads change while running is a C11 atomic. */
#ifndef ISW_SCAN_INTERNAL_H
#define ISW_SCAN_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "icmpsweep/scan.h"
#include "bitmap.h"
#include "done-flag.h"
#include "tag.h"
#include "lan.h"
#include "match.h"
#include "permute.h"
#include "probe-log.h"
#include "probe.h"
#include "report.h"
#include "route-map.h"
#include "route.h"
#include "rtt-hist.h"
#include "rx.h"
#include "trace-writer.h"
#include "tx.h"

#define ISW_SEND_BATCH  64
#define ISW_MAX_SENDERS 16

struct isw_scan {
	struct isw_config cfg;
	const isw_targets *targets;
	uint64_t n;
	isw_sink_fn sink;
	void *sink_arg;

	struct isw_perm perm;
	struct isw_tag_key key;
	struct isw_probe_template tmpl;
	struct isw_matcher matcher;
	struct isw_route route; /* the interface, and the main next hop (the template's MAC) */
	/* Each target's next hop, unless -i, -S and -G together say it all; route_per_probe when
	 * targets differ in next hop, so the sender looks each one up. */
	struct isw_route_map routes;
	int route_per_probe;
	uint64_t unrouted; /* targets without a usable route: never probed */
	const struct isw_tx_ops *tx_ops;
	struct isw_tx *tx[ISW_MAX_SENDERS]; /* one per sender thread */
	unsigned nsenders;
	struct isw_rx *rx;
	/* Targets that answered with an echo reply, and with an ICMP error: each is reported
	 * once per kind; either one stops re-probing on later passes. */
	struct isw_bitmap alive, errored;
	/* The one path from a matched answer to the sink (dedupe in alive/errored, ARP notes from
	 * lan, the counters below). */
	struct isw_report report;
	/* -w: written by the capture thread only; probes reach it through probe_log. */
	struct isw_trace_writer *trace;
	/* On-link targets, swept with ARP first when lan_active. */
	struct isw_lan lan;
	int lan_active;
	int prepared;
	atomic_uint_least64_t arp_sent, absent, arp_only;
	/* RTTs of new answers (cooldown.h, the pauses between passes, --adaptive). */
	struct isw_rtt_hist rtt;
	/* --adaptive: the rate the sender runs at now, and how often it slowed down. */
	atomic_uint_least64_t current_rate, slowdowns;
	atomic_uint slow_reason;            /* enum isw_slow_reason of the last slowdown */
	atomic_uint_least64_t send_busy_ns; /* summed durations of the ICMP passes */
	struct isw_probe_log probe_log[ISW_MAX_SENDERS]; /* one producer each */
	int trace_probes;

	pthread_t sender, capture, supervisor;
	int threads_started;
	uint64_t start_ns; /* CLOCK_MONOTONIC */

	atomic_int stop_sending; /* set by isw_scan_stop */
	atomic_int stop_capture; /* set by a second stop, or when the cooldown ends */
	atomic_int sending;
	struct isw_done_flag finished;     /* set by the supervisor once both threads are joined */
	atomic_uint_least64_t send_end_ns; /* monotonic time the sender finished, 0 while sending */
	atomic_uint_least64_t first_send_ns;

	atomic_uint_least64_t sent, send_errors, skipped, done;
	atomic_uint pass;
	atomic_uint_least64_t hits, icmp_errors, replies, duplicates, invalid;
	atomic_uint_least64_t pcap_recv, pcap_drop, pcap_ifdrop;

	/* Path health (path-health.c on the supervisor thread; the senders read path_pause once
	 * per batch). */
	atomic_int capturing;                /* 1 until the capture thread has ended */
	atomic_int path_pause;               /* no carrier: senders wait, then re-send */
	atomic_uint_least64_t down_since_ns; /* monotonic time carrier went */
	atomic_uint_least64_t down_total_ns;
	atomic_uint path_faults; /* enum isw_path_fault */
	atomic_int send_errno;
	atomic_uint_least64_t carrier_losses, resent, send_errors_resent;
	atomic_uint_least64_t neigh_mac_now; /* the next hop's MAC, when it moved */
	/* Our own ARP check of the next hop (nh-check.h): path-health raises nh_arp_want, a
	 * sender takes it at its next batch and sends nh_arp, the capture thread records who
	 * answered (nh_arp_mac, then nh_arp_at_ns with release). */
	uint32_t nh_watch; /* the watched next hop, 0 for none */
	struct isw_arp_template nh_arp;
	atomic_int nh_arp_want;
	atomic_uint_least64_t nh_arp_mac, nh_arp_at_ns, nh_arp_sent;
};

/* Records a fault (enum isw_path_fault); with stop, ends sending as well. */
void isw_scan_fault(struct isw_scan *s, unsigned fault, int stop);
/* The supervisor: watches the path until the sender and capture threads end. */
void isw_health_run(struct isw_scan *s);

uint64_t isw_now_ns(void); /* CLOCK_MONOTONIC */
/* How long to pause for answers between passes (and ARP tries): -c, or with -c auto four
 * p99 RTTs of the answers so far (at least 100 ms, one second before any), bounded by -c's
 * maximum.  The cooldown after the last probe follows cooldown.h instead. */
uint64_t isw_answer_wait_ns(struct isw_scan *s);
uint64_t isw_wall_ns(void); /* CLOCK_REALTIME */

/* Sleeps up to ns but returns early (within ~10 ms) once *flag is set. */
void isw_sleep_unless(uint64_t ns, atomic_int *flag);

void *isw_sender_main(void *arg);

/* Where the probe to dst goes: its next hop's MAC (ISW_NEXT_HOP_MAC, mac filled), the
 * template's (ISW_NEXT_HOP_TEMPLATE), nowhere (ISW_NEXT_HOP_NONE: an on-link host silent to
 * ARP, our own or a broadcast address) or not at all (ISW_NEXT_HOP_UNROUTED). */
enum {
	ISW_NEXT_HOP_UNROUTED = -2,
	ISW_NEXT_HOP_NONE = -1,
	ISW_NEXT_HOP_TEMPLATE = 0,
	ISW_NEXT_HOP_MAC = 1,
};
int isw_scan_next_hop(const struct isw_scan *s, uint32_t dst, uint8_t mac[6]);

#endif
