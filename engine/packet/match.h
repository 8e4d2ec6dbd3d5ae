/* SPDX-License-Identifier: BSD-2-Clause */
/* Parses one captured packet and decides whether it answers one of our probes.
 *
 * Echo replies validate through both tags recomputed from the reply's source address; ICMP
 * errors validate through the quoted IPv4 + ICMP headers (and the quoted payload when it was
 * quoted in full).  Anything else - foreign traffic, forged or truncated packets - is
 * rejected.  Pure function of its inputs: the live capture and offline analysis share it. */
#ifndef ISW_MATCH_H
#define ISW_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "icmpsweep/result.h"
#include "tag.h"

enum isw_link {
	ISW_LINK_ETHERNET,
	ISW_LINK_RAW_IP,
	ISW_LINK_LINUX_SLL,
};

enum isw_match_verdict {
	ISW_MATCH_VALID = 0,
	ISW_MATCH_NOT_ICMP, /* not ICMP (or ICMPv6) addressed to us: filter leak or other traffic */
	ISW_MATCH_MALFORMED,  /* truncated or inconsistent headers */
	ISW_MATCH_BAD_TAG,    /* well formed, but the tags do not validate */
	ISW_MATCH_OTHER_ICMP, /* ICMP that is neither an echo reply nor an error (e.g. echo request)
	                       */
};

struct isw_matcher {
	struct isw_tag_key key;
	uint32_t src_addr; /* our address (host order); 0 accepts any destination */
	enum isw_link link;
	int no_validate; /* accept every echo reply (traces from other tools) */
	/* ICMPv6 too (0: IPv6 frames are NOT_ICMP, as before IPv6 targets existed); src6 is our
	 * IPv6 address, all zero to accept any destination. */
	int ipv6;
	uint8_t src6[16];
	/* --ipv6-multicast (group6.h): echo replies that fail the tags keyed on their source may
	 * answer the all-nodes probe, keyed on the group; ll6 is our link-local address, where
	 * those answers come (all zero: none). */
	int group6;
	uint8_t ll6[16];
	/* Index of the capture interface: the scope of link-local answers (result scope_id);
	 * 0 when unknown (a trace read back). */
	uint32_t ifindex;
	/* Ping sockets: the kernel wrote its own identifier into the probes and delivers only
	 * the answers carrying it, so only the sequence half of the destination tag is ours to
	 * check (with the payload tag: 48 bits on top of the kernel's 16). */
	int ident_by_kernel;
};

/* One line saying what the matcher decided, for pcapng packet comments.  r is the result
 * isw_match_packet filled (only read for ISW_MATCH_VALID); duplicate marks a repeat answer. */
void isw_match_describe(enum isw_match_verdict v, const struct isw_result *r, int duplicate,
                        char *buf, size_t size);

/* ICMPv6 frames: m->ipv6 set, the IPv6 header at ip with len bytes captured (match6.c). */
enum isw_match_verdict isw_match_ip6(const struct isw_matcher *m, const uint8_t *ip, size_t len,
                                     int64_t ts_us, struct isw_result *r);

/* Round-trip time from the capture time and the echoed send time; -1 when unknown. */
double isw_match_rtt_ms(int64_t ts_us, uint64_t send_ns);

/* ts_us is the capture time; on ISW_MATCH_VALID *r is filled (hostname NULL). */
enum isw_match_verdict isw_match_packet(const struct isw_matcher *m, const uint8_t *pkt,
                                        size_t caplen, int64_t ts_us, struct isw_result *r);

#endif
