/* SPDX-License-Identifier: BSD-2-Clause */
/* What to report, once: the one path from a validated answer to the sink, live (scan.c) and
 * offline (trace-reader.c) alike.  An address is reported once per kind (echo reply, ICMP
 * error); a new answer is annotated from the ARP view, counted and handed to the sink; after
 * the answers, on-link hosts that answered ARP but never echo are reported as arp-only, once
 * each, in address order.
 *
 * Who was reported is kept behind two small functions (seen_*, report.c): live, one bitmap per
 * kind over the targets' index space (the sender reads them too, to stop re-probing; no lock,
 * no allocation per answer); offline, a set keyed by address, as a trace has no target list. */
#ifndef ISW_REPORT_H
#define ISW_REPORT_H

#include <stdatomic.h>
#include <stdint.h>

#include "icmpsweep/scan.h"
#include "icmpsweep/targets.h"
#include "arp-view.h"
#include "bitmap.h"
#include "shard.h"

struct isw_report_keyed;

#define ISW_REPORT_VIEWS 2

/* Counters the caller reads (atomics: live, other threads read them while the scan runs). */
struct isw_report_counters {
	atomic_uint_least64_t *hits, *icmp_errors, *duplicates, *arp_only;
	atomic_uint_least64_t *ndp_only; /* NULL: ndp-only hosts count in arp_only */
};

struct isw_report {
	/* Live: answers dedupe by target slot (shard.h), in alive (echo) and errored (ICMP
	 * errors). */
	const isw_targets *targets;
	const struct isw_shard *shard;
	struct isw_bitmap *alive, *errored;
	/* Offline (no targets): by address. */
	struct isw_report_keyed *keyed;
	/* Live answers from addresses that are not targets (isw_report_extra): by address. */
	struct isw_report_keyed *extra;
	/* What ARP and NDP taught (live: the IPv4 LAN's and the IPv6 one's; offline: one view
	 * of both families); none: no LAN sweep. */
	const struct isw_arp_view *views[ISW_REPORT_VIEWS];
	unsigned nviews;
	uint32_t scope6; /* the interface of link-local targets, for their ndp-only results */
	struct isw_report_counters count;
	isw_sink_fn sink;
	void *sink_arg;
	int arp_only_done; /* arp-only results are reported once */
};

/* Live: dedupe over the shard's slots of targets in the caller's bitmaps. */
void isw_report_init_indexed(struct isw_report *rep, const isw_targets *targets,
                             const struct isw_shard *shard, struct isw_bitmap *alive,
                             struct isw_bitmap *errored, const struct isw_arp_view *arp,
                             struct isw_report_counters count, isw_sink_fn sink, void *sink_arg);
/* Offline: dedupe by address.  0, or -ENOMEM. */
int isw_report_init_keyed(struct isw_report *rep, const struct isw_arp_view *arp,
                          struct isw_report_counters count, isw_sink_fn sink, void *sink_arg);
void isw_report_free(struct isw_report *rep);
/* One more view of neighbours to annotate from and report arp-only from (NULL: none). */
void isw_report_add_view(struct isw_report *rep, const struct isw_arp_view *v);

enum { ISW_REPORT_NEW = 0, ISW_REPORT_DUPLICATE = 1 };

/* A validated answer r for a target (idx: its slot, live; ignored offline).  A duplicate is
 * counted and dropped; a new one is annotated, counted and handed to the sink.  Returns
 * ISW_REPORT_NEW or ISW_REPORT_DUPLICATE, or -ENOMEM (offline, r is then lost). */
int isw_report_answer(struct isw_report *rep, struct isw_result *r, int64_t idx);

/* Live: a validated answer from an address that is no target (a link-local host answering
 * the all-nodes echo request), deduped by address.  As isw_report_answer. */
int isw_report_extra(struct isw_report *rep, struct isw_result *r);

/* After the answers: the addresses ARP or NDP knows that never answered echo, once each (a
 * second call reports none; IPv4 ones arp-only, IPv6 ones ndp-only), in address order (unordered
 * when there is no memory to sort them), each at the time of its first ARP reply when the view
 * knows it, else at ts_us.  Stops early once *stop is set (stop may be NULL).  Returns how many
 * were reported. */
uint64_t isw_report_arp_only(struct isw_report *rep, int64_t ts_us, atomic_int *stop);

#endif
