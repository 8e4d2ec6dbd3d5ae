/* SPDX-License-Identifier: BSD-2-Clause */
/* Scan configuration.  Filled in once by the caller, then shared read-only (const) by every
 * thread of the scan. */
#ifndef ICMPSWEEP_CONFIG_H
#define ICMPSWEEP_CONFIG_H

#include <stdint.h>
#include <stdio.h>

#define ISW_DEFAULT_RATE 10000
/* The default cooldown is auto (engine/scan/cooldown.h): this is its cap. */
#define ISW_DEFAULT_COOLDOWN_S 10.0
/* 1 MiB is four of libpcap's 256 KiB blocks, about 10 ms of answers at half a million per
 * second: no drops in the lab at full speed into an all-alive /16.  The ring is resident
 * from the start, so its size is most of our peak memory. */
#define ISW_DEFAULT_PCAP_BUFFER (1u << 20)
#define ISW_DEFAULT_TTL         64
#define ISW_DEFAULT_HOP_LIMIT   64

enum isw_arp_mode {
	ISW_ARP_AUTO = 0, /* ARP pass for on-link targets, then ICMP to each host's MAC */
	ISW_ARP_OFF,      /* --no-arp: every frame goes to the next hop's MAC */
	ISW_ARP_ONLY,     /* --arp-only: the ARP pass alone */
};

struct isw_output;

struct isw_config {
	const char *iface; /* NULL: from the kernel's route to the targets */
	uint32_t src_addr; /* 0: from the route (host byte order) */
	int have_src6;     /* src6 (-S with an IPv6 address) is the IPv6 targets' source */
	uint8_t src6[16];
	int have_gw_mac; /* gw_mac overrides the next hop's MAC */
	uint8_t gw_mac[6];
	uint64_t rate;     /* probes per second; 0 = as fast as possible */
	unsigned probes;   /* probes per target (passes); >= 1 */
	double cooldown_s; /* capture time after the last probe (the bound, with auto) */
	int cooldown_auto; /* -c auto (default): stop once few answers are still expected */
	int adaptive;      /* --adaptive: slow down when the capture drops packets */
	unsigned senders;  /* -T: sender threads, each with its own slice and socket; 0 = auto */
	uint64_t seed;     /* orders the targets and keys the probe tags */
	/* --shard: probe only part `shard` (0-based) of `shards` equal, disjoint parts of the
	 * keyed order (positions [n*I/N, n*(I+1)/N)); shards 0 or 1: the whole target set. */
	uint32_t shard, shards;
	unsigned pcap_buffer; /* capture ring size, bytes */
	const char *tx;       /* transmit backend name; NULL = "auto" */
	/* xdp: zero-copy where the device advertises it (ISW_ZEROCOPY_AUTO), never, or always
	 * tried first. */
	enum { ISW_ZEROCOPY_AUTO, ISW_ZEROCOPY_OFF, ISW_ZEROCOPY_TRY } xdp_zerocopy;
	uint8_t ttl;                    /* IP TTL of probes */
	uint8_t hop_limit;              /* IPv6 hop limit of probes (--hop-limit) */
	int dry_run;                    /* list probes on dry_run_out instead of sending */
	struct isw_output *dry_run_out; /* opened with .probes (see output.h) */
	/* Trace (-w): every packet the capture filter passes, and with trace_probes every probe
	 * sent.  pcapng adds the scan parameters (trace_comment) and per-packet verdicts. */
	const char *trace_path;
	int trace_pcapng;
	int trace_probes;
	uint64_t trace_rotate_bytes; /* 0: one file */
	const char *trace_comment;   /* section header comment (pcapng) */
	enum isw_arp_mode arp;
	const char *oui_path; /* NULL: Debian's ieee-data registry */
	/* --ipv6-multicast (default 1): one echo request to ff02::1 on each interface with
	 * on-link IPv6 targets swept with NDP; 0 with --no-ipv6-multicast. */
	int ipv6_multicast;
	/* --max-targets: probe only the first this many targets of the keyed order (zmap's -n);
	 * 0: all of them. */
	uint64_t max_targets;
};

/* Fills in the defaults above (seed 0: the caller picks one). */
void isw_config_init(struct isw_config *cfg);

#endif
