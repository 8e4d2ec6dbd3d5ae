/* SPDX-License-Identifier: BSD-2-Clause */
/* Packet traces: writing what a scan sent and saw as pcap or pcapng, and analysing a trace
 * offline with the same matcher and output as a live run.
 *
 * Writing is configured through struct isw_config (trace_* fields) and done by the scan's
 * capture thread.  Reading is isw_trace_analyse below. */
#ifndef ICMPSWEEP_TRACE_H
#define ICMPSWEEP_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "result.h"
#include "targets.h"

struct isw_offline_config {
	const char *path; /* pcap or pcapng */
	uint64_t seed;
	int have_seed;              /* 0: take the seed from the pcapng section header */
	uint32_t src_addr;          /* our address in the trace; 0 = any */
	const uint8_t *src6;        /* our IPv6 address in the trace; NULL = any */
	int no_validate;            /* accept every echo reply (traces of other tools) */
	const isw_targets *targets; /* NULL: report every validated address */
	const char *oui_path;       /* MAC vendors; NULL: Debian's ieee-data registry */
	/* The trace already open (before the privilege drop, so a root-only file stays
	 * readable), read from its start; NULL: opened by path.  path still names it. */
	FILE *file;
};

struct isw_offline_stats {
	uint64_t packets; /* frames read */
	uint64_t hits, icmp_errors, duplicates, probes;
	uint64_t invalid; /* answers that do not validate; packets with an impossible time */
	uint64_t arp_replies, arp_only; /* LAN sweeps: ARP replies to us; hosts by ARP alone */
	uint64_t ndp_only;              /* ... and IPv6 hosts by NDP alone (replies: arp_replies) */
	uint64_t seed;                  /* the seed used */
	int truncated; /* the file ends mid-packet; records up to there were reported */
};

typedef void (*isw_offline_sink_fn)(const struct isw_result *r, void *arg);

/* Reads the trace and hands each validated answer (once per address and kind) to sink, in
 * file order.  A LAN sweep's ARP replies (to src_addr, about targets) give the results their
 * MAC, vendor and note, as live, and hosts that answered ARP but not echo come last, as
 * arp-only, in address order.  Returns 0, or -EINVAL with a message naming the file and what is
 * wrong (not a pcap/pcapng file, empty, corrupt, unsupported link type, no seed).  A file cut short
 * in the middle of a packet returns 0 with st->truncated set and a warning in errbuf. */
int isw_trace_analyse(const struct isw_offline_config *cfg, isw_offline_sink_fn sink, void *arg,
                      struct isw_offline_stats *st, char *errbuf);

/* What isw_trace_analyse checks before reading on: the trace opens, has a seed (or cfg
 * gives one) and a supported link type.  0, or its error. */
int isw_trace_check(const struct isw_offline_config *cfg, char *errbuf);

/* 1 if the trace holds an ARP reply (to src_addr; 0 = to anyone) or a solicited neighbour
 * advertisement: the output then needs the LAN columns.  Stops at the first; 0 for anything
 * unreadable (isw_trace_analyse says why). */
int isw_trace_has_arp_replies(const char *path, uint32_t src_addr);

struct isw_scan;
/* While a scan with a trace (-w) runs or after it: 0, or the first error writing the trace as
 * a negative errno (-ENOSPC: the disk is full), with a one-line message naming the file in
 * errbuf.  From that error on the trace is not written further (it stays a well-formed
 * prefix); the scan itself goes on.  Safe to call from any thread. */
int isw_scan_trace_error(const struct isw_scan *s, char *errbuf);

/* Finds "seed=N" in a pcapng section header comment; 1 if found, 0 if not, <0 on error. */
int isw_trace_read_seed(const char *path, uint64_t *seed, char *errbuf);

#endif
