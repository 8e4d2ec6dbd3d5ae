/* SPDX-License-Identifier: BSD-2-Clause */
/* The sender threads' view of a scan (sender.c): what they read, what they publish, and the
 * flags the other threads raise for them.  scan.c owns and fills all three before the
 * threads start; after that only the atomics change. */
#ifndef ISW_SENDER_H
#define ISW_SENDER_H

#include <stdatomic.h>
#include <stdint.h>

#include "icmpsweep/scan.h"
#include "icmpsweep/targets.h"
#include "arp.h"
#include "bitmap.h"
#include "cooldown.h"
#include "lan.h"
#include "lan6.h"
#include "ndp.h"
#include "next-hop.h"
#include "permute.h"
#include "shard.h"
#include "probe-log.h"
#include "probe.h"
#include "probe6.h"
#include "group6.h"
#include "rtt-hist.h"
#include "tag.h"
#include "tx.h"

#define ISW_SEND_BATCH  64
#define ISW_MAX_SENDERS ISW_SCAN_MAX_SENDERS
/* A sender's published position: its pass above, the next index of that pass below. */
#define ISW_PROGRESS_PASS_SHIFT 40
/* Interfaces one sweep sends on at most (targets routed through more: refused). */
#define ISW_MAX_LINKS ISW_SCAN_MAX_IFACES

/* Sender thread t's slice of the shard's positions, of n threads: the senders walk it and a
 * checkpoint records and checks it (scan-resume.c), so both cut it here. */
static inline void isw_send_slice(const struct isw_shard *sh, unsigned t, unsigned n, uint64_t *lo,
                                  uint64_t *hi)
{
	uint64_t span = sh->hi - sh->lo;

	*lo = sh->lo + span * t / n;
	*hi = sh->lo + span * (t + 1) / n;
}

/* Shared by the senders and the threads that steer them (isw_scan_stop, path-health.c, the
 * capture thread); the senders look once per batch. */
struct isw_send_flags {
	atomic_int stop_sending;             /* set by isw_scan_stop, or a fault that stops */
	atomic_int path_pause;               /* no carrier: senders wait, then re-send */
	atomic_uint_least64_t down_since_ns; /* monotonic time carrier went */
	atomic_uint path_faults;             /* enum isw_path_fault, from any thread */
	/* Our own ARP check of the next hops (nh-check.h): path-health raises bit l for link l,
	 * a sender takes the bits at its next batch and sends the requests. */
	atomic_uint nh_arp_want;
};

/* Records a fault (enum isw_path_fault); with stop, ends sending as well. */
static inline void isw_send_flags_fault(struct isw_send_flags *f, unsigned fault, int stop)
{
	atomic_fetch_or(&f->path_faults, fault);
	if (stop)
		atomic_store(&f->stop_sending, 1);
}

/* What the senders publish, for the status line, path health and the cooldown. */
struct isw_send_counters {
	atomic_uint_least64_t sent, send_errors, skipped, done, absent, arp_sent;
	atomic_uint_least64_t resent, send_errors_resent; /* after an outage */
	atomic_uint_least64_t nh_arp_sent, arp_errors;
	atomic_uint_least64_t ndp_sent; /* neighbour solicitations (their errors: arp_errors) */
	/* Per interface (struct isw_send_ctx's link): frames sent and failed. */
	atomic_uint_least64_t link_sent[ISW_MAX_LINKS], link_errors[ISW_MAX_LINKS];
	atomic_uint pass;   /* 0: the ARP pass */
	atomic_int sending; /* 1 from isw_scan_start until the last pass ended */
	atomic_int send_errno;
	atomic_uint_least64_t first_send_ns, send_end_ns; /* monotonic; 0 before */
	atomic_uint_least64_t send_busy_ns;               /* summed durations of the ICMP passes */
	/* --adaptive: the rate all senders run at now, how often they slowed down, and why
	 * (enum isw_slow_reason) the last time. */
	atomic_uint_least64_t current_rate, slowdowns;
	atomic_uint slow_reason;
	/* Each sender's (pass << ISW_PROGRESS_PASS_SHIFT | next index), once per batch. */
	atomic_uint_least64_t progress[ISW_MAX_SENDERS];
};

/* One interface the sweep sends on: the probe templates (its source address and MAC, its
 * main next hop's MAC; tmpl6 for IPv6 targets, len 0 when none leave here), one transmit
 * handle per sender thread, and the next hop it watches with its own ARP (nh_watch 0: none). */
struct isw_send_link {
	struct isw_probe_template tmpl;
	struct isw_probe6_template tmpl6;
	struct isw_tx *tx[ISW_MAX_SENDERS];
	uint32_t nh_watch;
	struct isw_arp_template nh_arp;
	struct isw_ndp_template ns; /* neighbour solicitations of the NDP pass (len 0: none) */
	/* --ipv6-multicast: the echo request to all nodes leaves here from group_src (our
	 * link-local address) when group is set; ifindex names the interface in its key. */
	int group;
	uint8_t group_src[16];
	uint32_t ifindex;
};

/* Everything a sender reads.  The tables it points into belong to the scan and are written
 * before the senders start, or (answers, MACs, RTTs) only by the capture thread. */
struct isw_send_ctx {
	/* What to probe, in which order, and how each probe is made. */
	uint64_t n;             /* the index space */
	uint64_t n4;            /* indices [0, n4) are IPv4 targets, [n4, n) IPv6 ones */
	struct isw_shard shard; /* the positions of perm to walk (shard.h) */
	const isw_targets *targets;
	struct isw_perm perm;
	struct isw_tag_key key;
	struct isw_next_hops hops; /* also says which link each target leaves by */
	struct isw_lan *lan;       /* on-link targets swept with ARP first; NULL for none */
	struct isw_lan6 *lan6;     /* on-link IPv6 targets swept with NDP first; NULL for none */
	/* Targets that answered (echo reply, ICMP error): not probed again on later passes. */
	const struct isw_bitmap *alive, *errored;

	/* How: the configuration's part that concerns sending. */
	uint64_t rate;   /* probes per second, all senders together; 0: unlimited */
	unsigned passes; /* -P; 0 sends ARP only */
	unsigned arp_tries;
	int adaptive, dry_run;
	struct isw_cooldown_params answer_wait; /* the pause between passes (cooldown.h) */
	/* A resumed scan (isw_scan_resume_at): sender t starts pass resume_pass[t] at
	 * resume_next[t]; passes before are done.  resumed also skips answered targets in
	 * pass 1, as they were answered in the earlier run.  resume_pass 0: from the start. */
	int resumed;
	unsigned resume_pass[ISW_MAX_SENDERS], resume_pass_max;
	uint64_t resume_next[ISW_MAX_SENDERS];

	/* Where: the interfaces (link 0 the first target's; the LAN sweep's is lan_link), one
	 * backend for all, and each sender thread's probe log (-w, NULL without). */
	const struct isw_tx_ops *tx_ops;
	struct isw_send_link link[ISW_MAX_LINKS];
	unsigned nlinks, lan_link;
	unsigned nsenders;
	struct isw_probe_log *probe_log;

	/* What the capture thread sees, for --adaptive and the pauses. */
	struct isw_rtt_hist *rtt;
	const atomic_uint_least64_t *replies, *pcap_drop, *pcap_ifdrop;
	atomic_int *stop_capture; /* the trace's probe log no longer drains */

	struct isw_send_flags *flags;
	struct isw_send_counters *count;
};

/* The sender thread: arg is a struct isw_send_ctx. */
void *isw_sender_main(void *arg);

#endif
