/* SPDX-License-Identifier: BSD-2-Clause */
/* What isw_sender_main needs besides targets, links and next hops - bitmaps, counters, flags
 * and the permutation of a scan - for the sender's unit tests (test_sender.c) and its
 * microbenchmark (bench/micro/sender.c), which differ only in the backend and links. */
#ifndef ISW_SEND_FIXTURE_H
#define ISW_SEND_FIXTURE_H

#include <string.h>

#include "sender.h"

struct send_fixture {
	struct isw_send_ctx c;
	struct isw_bitmap alive, errored;
	struct isw_rtt_hist rtt;
	atomic_uint_least64_t replies, drop, ifdrop;
	atomic_int stop_capture;
	struct isw_send_flags flags;
	struct isw_send_counters count;
};

/* One sender, one pass over the whole order of targets t (permutation and key seeded 7),
 * frames to ops; links left for the caller.  0, or -1 when memory ran out. */
static inline int send_fixture_init(struct send_fixture *x, const isw_targets *t,
                                    const struct isw_tx_ops *ops)
{
	memset(x, 0, sizeof(*x));
	x->c.n = isw_targets_count(t);
	x->c.n4 = x->c.n - isw_targets_count_v6(t);
	x->c.targets = t;
	if (isw_perm_init(&x->c.perm, x->c.n, 7) < 0 || isw_bitmap_init(&x->alive, x->c.n) < 0 ||
	    isw_bitmap_init(&x->errored, x->c.n) < 0)
		return -1;
	isw_shard_init(&x->c.shard, &x->c.perm, x->c.n, 0, 0);
	isw_tag_key_init(&x->c.key, 7);
	x->c.alive = &x->alive;
	x->c.errored = &x->errored;
	x->c.passes = 1;
	x->c.tx_ops = ops;
	x->c.nsenders = 1;
	x->c.rtt = &x->rtt;
	x->c.replies = &x->replies;
	x->c.pcap_drop = &x->drop;
	x->c.pcap_ifdrop = &x->ifdrop;
	x->c.stop_capture = &x->stop_capture;
	x->c.flags = &x->flags;
	x->c.count = &x->count;
	return 0;
}

static inline void send_fixture_free(struct send_fixture *x)
{
	isw_bitmap_destroy(&x->alive);
	isw_bitmap_destroy(&x->errored);
}

#endif
