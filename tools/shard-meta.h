/* SPDX-License-Identifier: BSD-2-Clause */
/* A shard's --metadata document read back for icmpsweep merge: which shard of which sweep it
 * describes (seed, shard index and count, target digest) and the counters merge sums.  Only
 * what merge needs is kept; the rest of the document is checked to be JSON and skipped. */
#ifndef ISW_TOOLS_SHARD_META_H
#define ISW_TOOLS_SHARD_META_H

#include <stdint.h>
#include <stdio.h>

/* The counters of a sweep's metadata that add up over shards, in the order merge writes them. */
/* clang-format off: it reflows this list differently on every run */
// clang-format off
#define SHARD_META_COUNTERS \
	X(targets) \
	X(targets_probed) \
	X(sent) \
	X(unrouted) \
	X(send_errors) \
	X(send_errors_resent) \
	X(resent_after_outage) \
	X(carrier_losses) \
	X(skipped_answered) \
	X(hits) \
	X(icmp_errors) \
	X(replies) \
	X(duplicates) \
	X(invalid) \
	X(other_shard_answers) \
	X(pcap_recv) \
	X(pcap_drop) \
	X(pcap_ifdrop) \
	X(adaptive_slowdowns) \
	X(onlink_targets) \
	X(arp_sent) \
	X(arp_send_errors) \
	X(arp_hosts) \
	X(arp_only) \
	X(arp_conflicts) \
	X(onlink6_targets) \
	X(ndp_sent) \
	X(ndp_hosts) \
	X(ndp_only) \
	X(ndp_conflicts)
// clang-format on

enum shard_meta_counter {
#define X(name) SM_##name,
	SHARD_META_COUNTERS
#undef X
	    SM_COUNT
};

extern const char *const shard_meta_counter_names[SM_COUNT];

struct shard_meta {
	const char *path;
	int have_shard; /* "shard" is an object, not null */
	uint64_t index, count;
	uint64_t seed;
	uint64_t targets_total, targets_ipv4, targets_ipv6, probes_per_target, reserved_dropped;
	char digest[24];
	char status[16]; /* running, done, interrupted, failed */
	char start[40], end[40];
	uint64_t counter[SM_COUNT];
	int have[SM_COUNT];
	/* target_specs and exclude_specs as the sweep was given them (specs, and -I / -b
	 * files), for an offline map; malloc'd: shard_meta_free. */
	char **specs[2];
	size_t nspecs[2];
};

/* 1 when buf (a file's start) is icmpsweep's metadata rather than a result file. */
int shard_meta_sniff(const char *buf, size_t len);

/* Parses the whole document in buf (named path in messages).  0, or -EINVAL with a message
 * naming the file and what is wrong. */
int shard_meta_parse(const char *buf, size_t len, const char *path, struct shard_meta *m,
                     char *errbuf);
/* The same for any sweep's or --read's metadata (no targets_digest needed): what map reads. */
int shard_meta_parse_sweep(const char *buf, size_t len, const char *path, struct shard_meta *m,
                           char *errbuf);
void shard_meta_free(struct shard_meta *m);

/* A whole file (NUL-terminated, its length in *len), as merge and map read metadata; NULL
 * with a message naming the path. */
char *shard_meta_slurp(const char *path, size_t *len, char *errbuf);

#endif
