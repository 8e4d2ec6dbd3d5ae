/* SPDX-License-Identifier: BSD-2-Clause */
/* Single-producer single-consumer ring of sent probes, from the sender to the capture thread
 * which writes them to the trace (--trace-probes).  A record is enough to rebuild the frame
 * byte for byte (template + key + these fields), so the sender copies 16 bytes, not frames,
 * and never does I/O. */
#ifndef ISW_PROBE_LOG_H
#define ISW_PROBE_LOG_H

#include <stdint.h>

#include "spsc-ring.h"

struct isw_probe_rec {
	uint64_t send_ns;
	uint32_t dst;
	uint8_t probe; /* ICMP attempt (1, 2, ...), or ISW_PROBE_REC_ARP */
	uint8_t link;  /* the interface it left by (struct isw_send_ctx's link) */
	uint8_t nh;    /* 1: the next hop's ARP check (path-health.c), not the LAN sweep's */
	/* 0: dst is an IPv4 address.  Otherwise an ICMPv6 probe, and dst the low 32 bits of its
	 * IPv6 target index (the address is 16 bytes: the record stays 16 bytes by naming the
	 * target, which the trace looks up); v6 - 1 holds the index's bits above 32. */
	uint8_t v6;
};

/* An ICMPv6 probe's record fields for IPv6 target k (isw_probe_rec_v6k inverts it). */
static inline void isw_probe_rec_set_v6(struct isw_probe_rec *r, uint64_t k)
{
	r->dst = (uint32_t)k;
	r->v6 = (uint8_t)(1 + (k >> 32));
}

static inline uint64_t isw_probe_rec_v6k(const struct isw_probe_rec *r)
{
	return (uint64_t)(r->v6 - 1) << 32 | r->dst;
}

#define ISW_PROBE_REC_ARP 0 /* an ARP request for dst (the LAN sweep's first pass) */
/* v6 of the echo request to all nodes (--ipv6-multicast) of interface link: IPv6 target
 * indices stay below 2^32, so their v6 stays below it. */
#define ISW_PROBE_REC_V6_GROUP 0xff

struct isw_probe_log {
	struct isw_ring ring; /* of struct isw_probe_rec */
};

/* The ring of 2^order records.  0, or -1 without memory. */
static inline int isw_probe_log_init(struct isw_probe_log *l, unsigned order)
{
	return isw_ring_init(&l->ring, (size_t)1 << order, sizeof(struct isw_probe_rec)) < 0 ? -1
	                                                                                     : 0;
}

static inline void isw_probe_log_destroy(struct isw_probe_log *l)
{
	isw_ring_destroy(&l->ring);
}

/* Producer: free slots right now. */
static inline uint64_t isw_probe_log_space(struct isw_probe_log *l)
{
	return isw_ring_space(&l->ring);
}

/* Producer: appends n records (n <= space).  Typed copies, not memcpy of a size known only at
 * run time: this runs once per batch on the send path. */
static inline void isw_probe_log_push(struct isw_probe_log *l, const struct isw_probe_rec *r,
                                      unsigned n)
{
	size_t pos = isw_ring_write_pos(&l->ring);

	for (unsigned i = 0; i < n; i++)
		*(struct isw_probe_rec *)isw_ring_slot(&l->ring, pos + i) = r[i];
	isw_ring_publish(&l->ring, pos + n);
}

/* Consumer: takes one record; 0 when empty. */
static inline int isw_probe_log_pop(struct isw_probe_log *l, struct isw_probe_rec *r)
{
	const struct isw_probe_rec *p = isw_ring_front(&l->ring);

	if (!p)
		return 0;
	*r = *p;
	isw_ring_release(&l->ring);
	return 1;
}

#endif
