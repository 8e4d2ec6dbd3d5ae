/* SPDX-License-Identifier: BSD-2-Clause */
/* The sender thread: next index -> permutation -> target -> patch the template -> batch ->
 * backend.  The clock is read once per batch (rate limiter and send time stamp), the bitmap
 * is read lock-free, and counters are published once per batch. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "adaptive.h"
#include "clock.h"
#include "cooldown.h"
#include "ratelimit.h"
#include "sender.h"

/* Where the walk was, about once a millisecond: after an outage the sender goes back to the
 * mark from before carrier went and sends again from there.  MARKS cover at least 2 s. */
#define MARKS         2048
#define MARK_EVERY_NS 1000000u
/* Carrier loss is usually seen within milliseconds (an rtnetlink event); going back this
 * much more covers the probes sent between the loss and the event reaching us.  When sends
 * failed before the event arrived, the outage is taken to start at the first of them. */
#define OUTAGE_MARGIN_NS 200000000u
#define OUTAGE_POLL_NS   10000000u /* how often a paused sender looks for carrier */
/* ARP answers come from the local segment: a quarter second is ample. */
#define ARP_ANSWER_WAIT_MAX_NS  250000000u
#define PASS_ANSWER_WAIT_MAX_NS 1000000000u /* the pause before a pass probes again */

struct mark {
	uint64_t ns, i, errors;
};

/* An ICMPv6 frame's slot, 8-byte aligned.  IPv4 frames keep their 64-byte slots, one cache
 * line each. */
#define FRAME6_ROOM ((ISW_PROBE6_MAX_LEN + 7) & ~7)

/* One batch of frames, all of one length: the template's, patched in place into the
 * sender's buffers; and what the trace learns of each.  Each interface has one per family,
 * so that the lengths are set once for the pass and IPv4 probes cost no more for IPv6 ones
 * being possible. */
struct batch {
	uint8_t *frames[ISW_SEND_BATCH];
	uint32_t lens[ISW_SEND_BATCH];
	struct isw_probe_rec recs[ISW_SEND_BATCH];
	unsigned cnt;
};

/* One sender thread (-T): its slice [lo, hi) of the permutation's index space, its own
 * transmit handle on each interface, a batch per interface, its probe log, and its share of
 * the rate. */
struct sender {
	const struct isw_send_ctx *c;
	struct isw_send_flags *flags;
	struct isw_send_counters *count;
	struct isw_tx *tx[ISW_MAX_LINKS];
	struct batch b[ISW_MAX_LINKS], b6[ISW_MAX_LINKS]; /* IPv4 and IPv6 probes */
	uint8_t buf[ISW_MAX_LINKS][ISW_SEND_BATCH][ISW_PROBE_MAX_LEN];
	uint8_t buf6[ISW_MAX_LINKS][ISW_SEND_BATCH][FRAME6_ROOM];
	struct isw_probe_log *log;
	struct isw_ratelimit rl;
	struct isw_adaptive ad;
	uint64_t lo, hi;
	uint64_t from;                   /* where this pass starts: lo, or a resume point */
	atomic_uint_least64_t *progress; /* published for --checkpoint */
	uint64_t asked;                  /* this thread's share of -r */
	unsigned pass;
	/* Path health: marks of the walk, this thread's send errors, the end of the stretch
	 * being sent again after an outage, and since when every send fails. */
	struct mark marks[MARKS];
	unsigned mark_head, mark_count;
	uint64_t errors, again_to, failing_since;
	uint64_t err_since, last_err_ns; /* the current cluster of send errors */
};

static int stopping(const struct sender *sd)
{
	return atomic_load_explicit(&sd->flags->stop_sending, memory_order_relaxed);
}

/* Hands the batch's probes to the trace.  Waits (never drops) while the capture thread is
 * behind: the ring holds about a second of probes at a million per second. */
static void log_probes(struct sender *sd, const struct isw_probe_rec *recs, unsigned n)
{
	atomic_int *stop_capture = sd->c->stop_capture;

	while (isw_probe_log_space(sd->log) < n) {
		if (atomic_load_explicit(stop_capture, memory_order_relaxed))
			return;
		isw_sleep_unless(200 * 1000, stop_capture);
	}
	isw_probe_log_push(sd->log, recs, n);
}

/* --adaptive (adaptive.h), on the clock reading the batch already made. */
static void adapt_rate(struct sender *sd, uint64_t now)
{
	const struct isw_send_ctx *c = sd->c;
	struct isw_send_counters *count = sd->count;
	struct isw_ratelimit *rl = &sd->rl;
	struct isw_adaptive_input in = {
	    .now_ns = now,
	    .rate = rl->rate,
	    .window_start_ns = rl->t0_ns,
	    .window_sent = rl->sent,
	    .drops = atomic_load_explicit(c->pcap_drop, memory_order_relaxed) +
	             atomic_load_explicit(c->pcap_ifdrop, memory_order_relaxed),
	    .rtt_p90_ms = isw_rtt_hist_quantile_ms(c->rtt, 0.9),
	    .sent = atomic_load_explicit(&count->sent, memory_order_relaxed),
	    .replies = atomic_load_explicit(c->replies, memory_order_relaxed),
	};
	uint64_t nr;
	enum isw_slow_reason why = isw_adaptive_decide(&sd->ad, &in, &nr);

	if (why != ISW_SLOW_NONE) {
		atomic_fetch_add_explicit(&count->slowdowns, 1, memory_order_relaxed);
		atomic_store_explicit(&count->slow_reason, why, memory_order_relaxed);
	}
	if (nr != rl->rate) {
		isw_ratelimit_init(rl, nr, ISW_SEND_BATCH, now);
		/* Every thread adapts its own share; the status line shows the sum. */
		atomic_store_explicit(&count->current_rate, nr * c->nsenders, memory_order_relaxed);
	}
}

/* The batch's frames are slots of stride bytes at buf. */
static void batch_init(struct batch *b, uint8_t *buf, size_t stride, uint32_t len)
{
	for (int k = 0; k < ISW_SEND_BATCH; k++) {
		b->frames[k] = buf + k * stride;
		b->lens[k] = len;
	}
	b->cnt = 0;
}

/* How many frames this batch may send: the rate limiter's allowance, or 0 after sleeping
 * until the next one is due (or the scan stops). */
static uint32_t batch_allowance(struct sender *sd, struct isw_ratelimit *rl, uint64_t now)
{
	uint64_t wait_ns;
	uint32_t allowed = isw_ratelimit_take(rl, now, &wait_ns);

	if (!allowed)
		isw_sleep_unless(wait_ns, &sd->flags->stop_sending);
	return allowed;
}

static void mark(struct sender *sd, uint64_t now, uint64_t i)
{
	struct mark *m = &sd->marks[sd->mark_head];

	m->ns = now;
	m->i = i;
	m->errors = sd->errors;
	sd->mark_head = (sd->mark_head + 1) % MARKS;
	if (sd->mark_count < MARKS)
		sd->mark_count++;
}

/* After a send: counts what went and what failed (refused now, or dropped by the device
 * after an earlier send counted it), and stops the scan when nothing has gone out for
 * ISW_SEND_FAIL_S while the link is up. */
static void account_send(struct sender *sd, unsigned link, int rc, unsigned cnt, uint64_t now)
{
	struct isw_send_counters *count = sd->count;
	int err = rc < 0 ? -rc : 0;
	unsigned ok = rc < 0 ? 0 : (unsigned)rc, drops = 0;
	uint64_t failed;

	if (sd->c->tx_ops->take_drops)
		drops = sd->c->tx_ops->take_drops(sd->tx[link], &err);
	failed = cnt - ok + drops;
	atomic_fetch_add_explicit(&count->sent, ok, memory_order_relaxed);
	atomic_fetch_add_explicit(&count->link_sent[link], ok - drops, memory_order_relaxed);
	if (!failed) {
		sd->failing_since = 0;
		return;
	}
	atomic_fetch_sub_explicit(&count->sent, drops, memory_order_relaxed);
	atomic_fetch_add_explicit(&count->send_errors, failed, memory_order_relaxed);
	atomic_fetch_add_explicit(&count->link_errors[link], failed, memory_order_relaxed);
	sd->errors += failed;
	/* Errors less than a second apart are one cluster: an outage starts at its first. */
	if (!sd->err_since || now - sd->last_err_ns > 1000000000u)
		sd->err_since = now;
	sd->last_err_ns = now;
	if (err)
		atomic_store_explicit(&count->send_errno, err, memory_order_relaxed);
	if (ok > drops) {
		sd->failing_since = 0;
		return;
	}
	if (!sd->failing_since)
		sd->failing_since = now;
	else if (now - sd->failing_since > ISW_SEND_FAIL_S * 1000000000ull &&
	         !atomic_load(&sd->flags->path_pause))
		isw_send_flags_fault(sd->flags, ISW_FAULT_SEND_FAILED, 1);
}

/* Pushes what every handle still has queued, and counts what the device dropped of it. */
static void push_queued(struct sender *sd)
{
	for (unsigned l = 0; l < sd->c->nlinks; l++)
		account_send(sd, l, sd->c->tx_ops->send(sd->tx[l], NULL, NULL, 0), 0, isw_now_ns());
}

/* Carrier went away: wait for it (path-health.c ends the wait after ISW_CARRIER_WAIT_S by
 * stopping the scan), then return the index to walk on from: the last mark from before the
 * outage, so the probes that went into the dead link go again. */
static uint64_t ride_out_outage(struct sender *sd, uint64_t i)
{
	struct isw_send_flags *f = sd->flags;
	uint64_t down = atomic_load(&f->down_since_ns), from = i, at, errors = sd->errors;

	while (atomic_load(&f->path_pause) && !stopping(sd))
		isw_sleep_unless(OUTAGE_POLL_NS, &f->stop_sending);
	if (stopping(sd))
		return i;
	/* Frames still queued from before the outage go (or are dropped) now, and count with
	 * it: they are in the stretch sent again below. */
	push_queued(sd);
	/* Sends may have failed before the loss was reported (a slow sender, a busy machine):
	 * then the outage began with them. */
	if (sd->err_since && sd->err_since < down && sd->last_err_ns + 2000000000u >= down)
		down = sd->err_since;
	at = down > OUTAGE_MARGIN_NS ? down - OUTAGE_MARGIN_NS : 0;
	/* Newest first; the oldest mark (the start of the pass at worst) if none is that old. */
	for (unsigned k = 1; k <= sd->mark_count; k++) {
		const struct mark *m = &sd->marks[(sd->mark_head + MARKS - k) % MARKS];

		from = m->i;
		errors = m->errors;
		if (m->ns <= at)
			break;
	}
	if (from < i) {
		atomic_fetch_sub(&sd->count->done, i - from);
		atomic_fetch_add(&sd->count->send_errors_resent, sd->errors - errors);
		if (i > sd->again_to)
			sd->again_to = i;
	}
	/* Later marks are ahead of the walk now. */
	sd->mark_count = 0;
	mark(sd, isw_now_ns(), from);
	sd->failing_since = 0;
	/* Start the rate afresh: no catching up on the outage. */
	isw_ratelimit_init(&sd->rl, sd->rl.rate, ISW_SEND_BATCH, isw_now_ns());
	return from;
}

/* path-health.c asked for ARP requests to next hops (bit l: link l's): whichever sender
 * takes the flags sends them, through its own handles (no privilege needed beyond that). */
static void send_nh_arp(struct sender *sd)
{
	const struct isw_send_ctx *c = sd->c;
	uint8_t frame[ISW_PROBE_MAX_LEN], *frames[1] = {frame};
	unsigned want = atomic_exchange(&sd->flags->nh_arp_want, 0);

	for (unsigned l = 0; l < c->nlinks; l++) {
		const struct isw_send_link *k = &c->link[l];
		struct isw_probe_rec rec = {isw_wall_ns(), k->nh_watch, ISW_PROBE_REC_ARP, l, 1, 0};
		uint32_t lens[1] = {k->nh_arp.len};

		if (!(want & 1u << l) || !k->nh_watch)
			continue;
		isw_arp_patch(&k->nh_arp, frame, k->nh_watch);
		if (c->tx_ops->send(sd->tx[l], frames, lens, 1) > 0) {
			/* Queued in a ring: out now, not at the next batch. */
			c->tx_ops->send(sd->tx[l], NULL, NULL, 0);
			atomic_fetch_add(&sd->count->nh_arp_sent, 1);
			if (sd->log)
				log_probes(sd, &rec, 1);
		} else {
			atomic_fetch_add(&sd->count->arp_errors, 1);
		}
	}
}

/* Puts the ICMPv6 probe to IPv6 target k (its index among the IPv6 targets) into the IPv6
 * batch of the interface its route leaves by; returns the next hop's verdict (negative: not
 * queued, for the caller to count). */
static int queue_probe6(struct sender *sd, uint64_t k, uint8_t pass, uint64_t wall)
{
	const struct isw_send_ctx *c = sd->c;
	unsigned link = 0;
	uint8_t mac[6];
	struct isw_addr dst;
	struct batch *b;
	int hop = isw_next_hop6(&c->hops, k, mac, &link);

	if (hop < 0)
		return hop;
	dst = isw_targets_at_addr(c->targets, c->n4 + k);
	b = &sd->b6[link];
	isw_probe_rec_set_v6(&b->recs[b->cnt], k);
	b->recs[b->cnt].send_ns = wall;
	b->recs[b->cnt].probe = pass;
	b->recs[b->cnt].link = (uint8_t)link;
	b->recs[b->cnt].nh = 0;
	isw_probe6_patch(&c->link[link].tmpl6, &c->key, b->frames[b->cnt], dst.bytes, pass, wall);
	if (hop == ISW_NEXT_HOP_MAC)
		memcpy(b->frames[b->cnt], mac, 6);
	b->cnt++;
	return hop;
}

/* Sends one batch of link's, counts and logs it; returns how many frames there were. */
static unsigned send_batch(struct sender *sd, unsigned link, struct batch *b, uint64_t now)
{
	unsigned n = b->cnt;
	int rc;

	if (!n)
		return 0;
	rc = sd->c->tx_ops->send(sd->tx[link], b->frames, b->lens, n);
	if (sd->log && rc > 0)
		log_probes(sd, b->recs, (unsigned)rc);
	account_send(sd, link, rc, n, now);
	b->cnt = 0;
	return n;
}

/* Sends each interface's batches; returns how many frames there were. */
static unsigned send_batches(struct sender *sd, uint64_t now)
{
	unsigned total = 0;

	for (unsigned l = 0; l < sd->c->nlinks; l++)
		total += send_batch(sd, l, &sd->b[l], now) + send_batch(sd, l, &sd->b6[l], now);
	return total;
}

static void send_pass(struct sender *sd)
{
	const struct isw_send_ctx *c = sd->c;
	struct isw_send_flags *f = sd->flags;
	struct isw_send_counters *count = sd->count;
	/* Read per probe: held here, as one look at the scan each. */
	const struct isw_bitmap *alive = c->alive, *errored = c->errored;
	const struct isw_next_hops hops = c->hops;
	const int per_probe_hop = isw_next_hop_per_probe(&hops);
	struct isw_ratelimit *rl = &sd->rl;
	unsigned pass = sd->pass;
	/* A resumed scan's pass 1 skips what the earlier run saw answer, like a later pass. */
	const unsigned skip_from = c->resumed ? 1 : 2;
	const uint64_t pass_bits = (uint64_t)pass << ISW_PROGRESS_PASS_SHIFT;
	const uint64_t n4 = c->n4;
	uint64_t i = sd->from;

	for (unsigned l = 0; l < c->nlinks; l++) {
		batch_init(&sd->b[l], sd->buf[l][0], ISW_PROBE_MAX_LEN, c->link[l].tmpl.len);
		batch_init(&sd->b6[l], sd->buf6[l][0], FRAME6_ROOM, c->link[l].tmpl6.len);
	}
	sd->mark_count = 0;
	sd->again_to = 0;
	mark(sd, isw_now_ns(), i);
	while (i < sd->hi && !stopping(sd)) {
		uint64_t wall, walked = 0, absent = 0, unrouted = 0, again = 0, resend = 0,
		               now = isw_now_ns();
		uint32_t allowed;
		unsigned cnt = 0;

		/* The one look at the path's health per batch. */
		if (atomic_load_explicit(&f->path_pause, memory_order_relaxed)) {
			i = ride_out_outage(sd, i);
			continue;
		}
		if (now - sd->marks[(sd->mark_head + MARKS - 1) % MARKS].ns >= MARK_EVERY_NS)
			mark(sd, now, i);
		if (c->adaptive && isw_adaptive_due(&sd->ad, now))
			adapt_rate(sd, now);
		if (atomic_load_explicit(&f->nh_arp_want, memory_order_relaxed))
			send_nh_arp(sd);
		allowed = batch_allowance(sd, rl, now);
		if (!allowed)
			continue;
		wall = isw_wall_ns();
		while (cnt < allowed && i < sd->hi) {
			uint64_t pos = i++, idx = isw_perm_at(&c->perm, pos),
			         slot = isw_shard_slot_at(&c->shard, pos, idx);
			int hop = ISW_NEXT_HOP_TEMPLATE, sent_before = pos < sd->again_to;
			unsigned link = 0;
			uint32_t dst;
			struct batch *b;
			uint8_t mac[6];

			walked++;
			if (sent_before) {
				/* Sent before the outage: only the targets that have not answered.
				 */
				if (isw_bitmap_test(alive, slot) ||
				    isw_bitmap_test(errored, slot)) {
					again++;
					continue;
				}
			} else if (pass >= skip_from &&
			           (isw_bitmap_test(alive, slot) || isw_bitmap_test(errored, slot)))
				continue;
			if (idx >= n4) {
				hop = queue_probe6(sd, idx - n4, (uint8_t)pass, wall);
			} else {
				dst = isw_targets_at(c->targets, idx);
				if (per_probe_hop)
					hop = isw_next_hop(&hops, dst, mac, &link);
				if (hop >= 0) {
					/* The batch of the interface the route names. */
					b = &sd->b[link];
					b->recs[b->cnt] = (struct isw_probe_rec){
					    wall, dst, (uint8_t)pass, (uint8_t)link, 0, 0};
					isw_probe_patch(&c->link[link].tmpl, &c->key,
					                b->frames[b->cnt], dst, (uint8_t)pass,
					                wall);
					/* Not the template's next hop: an on-link host or another
					 * gateway. */
					if (hop == ISW_NEXT_HOP_MAC)
						memcpy(b->frames[b->cnt], mac, 6);
					b->cnt++;
				}
			}
			if (hop < 0) {
				/* Unrouted targets are counted once, before the sweep. */
				if (hop == ISW_NEXT_HOP_UNROUTED)
					unrouted++;
				else if (sent_before)
					again++; /* counted absent the first time */
				else
					absent++;
				continue;
			}
			cnt++;
			resend += (uint64_t)sent_before;
		}
		if (cnt) {
			uint64_t zero = 0;
			/* Only the first batch reads the clock here. */
			if (!atomic_load_explicit(&count->first_send_ns, memory_order_relaxed))
				atomic_compare_exchange_strong(&count->first_send_ns, &zero,
				                               isw_now_ns());
			send_batches(sd, now);
			isw_ratelimit_commit(rl, cnt);
			if (resend)
				atomic_fetch_add_explicit(&count->resent, resend,
				                          memory_order_relaxed);
		}
		atomic_fetch_add_explicit(&count->skipped, walked - cnt - absent - unrouted - again,
		                          memory_order_relaxed);
		if (absent)
			atomic_fetch_add_explicit(&count->absent, absent, memory_order_relaxed);
		atomic_fetch_add_explicit(&count->done, walked, memory_order_relaxed);
		/* After the send: a checkpoint never counts a probe still in the batch. */
		atomic_store_explicit(sd->progress, pass_bits | i, memory_order_relaxed);
	}
	/* Push what is still queued and count what the device dropped of it, so the pass's
	 * numbers are final before the next pass or the cooldown. */
	if (!stopping(sd))
		push_queued(sd);
}

/* One ARP request to every on-link target whose MAC is still unknown, in the on-link
 * targets' own keyed order, at the scan's rate. */
static void arp_pass(struct sender *sd, struct isw_ratelimit *rl)
{
	const struct isw_send_ctx *c = sd->c;
	const struct isw_lan *lan = c->lan;
	struct isw_send_flags *f = sd->flags;
	struct isw_tx *tx = sd->tx[c->lan_link];
	struct batch *b = &sd->b[0];
	uint64_t j = 0;

	batch_init(b, sd->buf[0][0], ISW_PROBE_MAX_LEN, lan->tmpl.len);
	while (j < lan->n && !stopping(sd)) {
		uint32_t allowed;

		/* No carrier: wait (ARP is retried anyway, so nothing is sent again). */
		while (atomic_load_explicit(&f->path_pause, memory_order_relaxed) && !stopping(sd))
			isw_sleep_unless(OUTAGE_POLL_NS, &f->stop_sending);
		allowed = batch_allowance(sd, rl, isw_now_ns());
		uint64_t wall = sd->log ? isw_wall_ns() : 0;
		unsigned cnt = 0;
		uint8_t mac[6];
		int rc;

		if (!allowed)
			continue;
		while (cnt < allowed && j < lan->n) {
			uint64_t o = isw_perm_at(&lan->perm, j++);
			if (isw_lan_mac(lan, (int64_t)o, mac))
				continue;
			b->recs[cnt] = (struct isw_probe_rec){.send_ns = wall,
			                                      .dst = isw_targets_at(lan->onlink, o),
			                                      .probe = ISW_PROBE_REC_ARP,
			                                      .link = (uint8_t)c->lan_link};
			isw_arp_patch(&lan->tmpl, b->frames[cnt], b->recs[cnt].dst);
			cnt++;
		}
		if (!cnt)
			continue;
		rc = c->tx_ops->send(tx, b->frames, b->lens, cnt);
		isw_ratelimit_commit(rl, cnt);
		/* A request that failed is retried by the next ARP try, but counted now: the
		 * summary's send errors include it. */
		if (rc < (int)cnt)
			atomic_fetch_add_explicit(&sd->count->arp_errors,
			                          cnt - (unsigned)(rc > 0 ? rc : 0),
			                          memory_order_relaxed);
		if (rc > 0) {
			if (sd->log)
				log_probes(sd, b->recs, (unsigned)rc);
			atomic_fetch_add_explicit(&sd->count->arp_sent, (uint64_t)rc,
			                          memory_order_relaxed);
		}
	}
}

/* The pause for answers between passes (cooldown.h), at most max_ns. */
static void pause_for_answers(const struct isw_send_ctx *c, uint64_t max_ns)
{
	uint64_t gap = isw_answer_wait_ns(&c->answer_wait, isw_rtt_hist_quantile_ms(c->rtt, 0.99));

	isw_sleep_unless(gap < max_ns ? gap : max_ns, &c->flags->stop_sending);
}

/* Room for one batch of solicitations per interface: its frames and what the trace learns. */
struct ns_batches {
	uint8_t frames[ISW_MAX_LINKS][ISW_SEND_BATCH][ISW_NDP_NS_LEN];
	struct batch b[ISW_MAX_LINKS];
};

/* Sends link's solicitations, counts and logs them. */
static void send_ns(struct sender *sd, unsigned link, struct batch *b)
{
	int rc;

	if (!b->cnt)
		return;
	rc = sd->c->tx_ops->send(sd->tx[link], b->frames, b->lens, b->cnt);
	/* As an ARP request: retried by the next try, but counted now. */
	if (rc < (int)b->cnt)
		atomic_fetch_add_explicit(&sd->count->arp_errors,
		                          b->cnt - (unsigned)(rc > 0 ? rc : 0),
		                          memory_order_relaxed);
	if (rc > 0) {
		if (sd->log)
			log_probes(sd, b->recs, (unsigned)rc);
		atomic_fetch_add_explicit(&sd->count->ndp_sent, (uint64_t)rc, memory_order_relaxed);
	}
	b->cnt = 0;
}

/* One neighbour solicitation to every on-link IPv6 target whose MAC is still unknown, in their
 * own keyed order, at the scan's rate, each through the interface it is on: the ARP pass for
 * IPv6 (lan6.h). */
static void ndp_pass(struct sender *sd, struct isw_ratelimit *rl, struct ns_batches *nb)
{
	const struct isw_send_ctx *c = sd->c;
	const struct isw_lan6 *lan6 = c->lan6;
	struct isw_send_flags *f = sd->flags;
	uint64_t j = 0;

	for (unsigned l = 0; l < c->nlinks; l++)
		batch_init(&nb->b[l], nb->frames[l][0], ISW_NDP_NS_LEN, ISW_NDP_NS_LEN);
	while (j < lan6->n && !stopping(sd)) {
		uint32_t allowed;
		unsigned cnt = 0;

		while (atomic_load_explicit(&f->path_pause, memory_order_relaxed) && !stopping(sd))
			isw_sleep_unless(OUTAGE_POLL_NS, &f->stop_sending);
		allowed = batch_allowance(sd, rl, isw_now_ns());
		uint64_t wall = sd->log ? isw_wall_ns() : 0;

		if (!allowed)
			continue;
		while (cnt < allowed && j < lan6->n) {
			uint64_t h = isw_perm_at(&lan6->perm, j++);
			unsigned link = isw_lan6_link(lan6, h);
			struct batch *b = &nb->b[link];
			struct isw_addr dst;

			if (isw_lan6_known(lan6, h) || !c->link[link].ns.len)
				continue;
			dst = isw_lan6_addr(lan6, h);
			b->recs[b->cnt] = (struct isw_probe_rec){
			    .send_ns = wall, .probe = ISW_PROBE_REC_ARP, .link = (uint8_t)link};
			isw_probe_rec_set_v6(&b->recs[b->cnt], lan6->m->onlink[h].k);
			isw_ndp_patch(&c->link[link].ns, b->frames[b->cnt], dst.bytes);
			b->cnt++;
			cnt++;
		}
		if (!cnt)
			continue;
		for (unsigned l = 0; l < c->nlinks; l++)
			send_ns(sd, l, &nb->b[l]);
		isw_ratelimit_commit(rl, cnt);
	}
}

/* --ipv6-multicast: one echo request to all nodes on each interface with on-link IPv6
 * targets (group6.h), once their MACs are known, so hosts that answer it are found even where
 * the address space cannot be swept.  Counted with the probes. */
static void send_group_probes(struct sender *sd)
{
	const struct isw_send_ctx *c = sd->c;
	uint8_t frame[ISW_PROBE6_MAX_LEN], *frames[1] = {frame};

	for (unsigned l = 0; l < c->nlinks; l++) {
		const struct isw_send_link *k = &c->link[l];
		uint64_t wall = isw_wall_ns();
		struct isw_probe_rec rec = {
		    .send_ns = wall, .probe = 1, .link = (uint8_t)l, .v6 = ISW_PROBE_REC_V6_GROUP};
		uint32_t lens[1] = {k->tmpl6.len};
		int rc;

		if (!k->group || !k->tmpl6.len)
			continue;
		isw_group6_patch(&k->tmpl6, &c->key, frame, k->group_src, k->ifindex, 1, wall);
		rc = c->tx_ops->send(sd->tx[l], frames, lens, 1);
		/* Queued in a ring: out now, not at the next batch. */
		if (rc > 0)
			c->tx_ops->send(sd->tx[l], NULL, NULL, 0);
		if (rc > 0 && sd->log)
			log_probes(sd, &rec, 1);
		account_send(sd, l, rc, 1, isw_now_ns());
	}
}

/* The ARP and NDP passes, retried like -P (as arp-scan does), at the whole rate, on thread
 * 0: the ICMP passes then go only to the hosts that answered. */
static void neighbour_passes(struct sender *sd, uint64_t rate)
{
	const struct isw_send_ctx *c = sd->c;
	struct ns_batches *nb = c->lan6 ? malloc(sizeof(*nb)) : NULL;
	struct isw_ratelimit rl;

	if (c->lan6 && !nb) {
		/* Without room to solicit, no IPv6 on-link host would be probed: say so. */
		isw_send_flags_fault(sd->flags, ISW_FAULT_SEND_FAILED, 1);
		atomic_store(&sd->count->send_errno, ENOMEM);
		return;
	}
	isw_ratelimit_init(&rl, rate, ISW_SEND_BATCH, isw_now_ns());
	atomic_store(&sd->count->pass, 0); /* the status line shows them as pass 0 */
	for (unsigned t = 1; t <= c->arp_tries && !stopping(sd); t++) {
		if (c->lan)
			arp_pass(sd, &rl);
		if (c->lan6)
			ndp_pass(sd, &rl, nb);
		pause_for_answers(c, ARP_ANSWER_WAIT_MAX_NS);
		isw_ratelimit_init(&rl, rate, ISW_SEND_BATCH, isw_now_ns());
	}
	/* Shared MACs are ARP's note only (arp-view.h). */
	if (c->lan)
		isw_lan_mark_shared(c->lan);
	if (c->lan6 && !stopping(sd))
		send_group_probes(sd);
	free(nb);
}

static void *slice_main(void *arg)
{
	send_pass(arg);
	return NULL;
}

/* One pass over the whole index space: thread 0 (this one) takes the first slice, the others
 * run beside it for this pass only, so the next pass starts from a complete picture. */
static void run_pass(const struct isw_send_ctx *c, struct sender *sd, unsigned pass)
{
	pthread_t th[ISW_MAX_SENDERS];
	int started[ISW_MAX_SENDERS] = {0};

	for (unsigned t = 0; t < c->nsenders; t++) {
		unsigned rp = c->resume_pass[t];

		sd[t].pass = pass;
		sd[t].from = pass < rp ? sd[t].hi : pass == rp ? c->resume_next[t] : sd[t].lo;
		atomic_store(sd[t].progress,
		             (uint64_t)pass << ISW_PROGRESS_PASS_SHIFT | sd[t].from);
		/* Later passes probe only silent targets: far fewer answers, none of them lost. */
		isw_adaptive_new_pass(&sd[t].ad);
	}
	for (unsigned t = 1; t < c->nsenders; t++)
		started[t] = pthread_create(&th[t], NULL, slice_main, &sd[t]) == 0;
	send_pass(&sd[0]);
	for (unsigned t = 1; t < c->nsenders; t++) {
		if (started[t])
			pthread_join(th[t], NULL);
		else
			send_pass(&sd[t]); /* no thread: do its slice here rather than skip it */
	}
}

/* Ends sending: the time, and the flag the capture thread's cooldown and path health wait
 * for. */
static void sending_ended(struct isw_send_counters *count)
{
	atomic_store(&count->send_end_ns, isw_now_ns());
	atomic_store(&count->sending, 0);
}

void *isw_sender_main(void *arg)
{
	const struct isw_send_ctx *c = arg;
	struct isw_send_counters *count = c->count;
	/* On the heap: the walk marks and the batches make each about 100 KiB. */
	struct sender *sd = calloc(ISW_MAX_SENDERS, sizeof(*sd));
	uint64_t rate = c->dry_run ? 0 : c->rate, now = isw_now_ns();
	unsigned n = c->nsenders;

	if (!sd) {
		isw_send_flags_fault(c->flags, ISW_FAULT_SEND_FAILED, 1);
		atomic_store(&count->send_errno, ENOMEM);
		sending_ended(count);
		return NULL;
	}
	for (unsigned t = 0; t < n; t++) {
		sd[t].c = c;
		sd[t].flags = c->flags;
		sd[t].count = count;
		for (unsigned l = 0; l < c->nlinks; l++)
			sd[t].tx[l] = c->link[l].tx[t];
		sd[t].log = c->probe_log ? &c->probe_log[t] : NULL;
		/* Each thread a slice of this shard's positions (the whole order without one). */
		isw_send_slice(&c->shard, t, n, &sd[t].lo, &sd[t].hi);
		sd[t].progress = &count->progress[t];
		/* The rate holds across threads: each sends its share. */
		sd[t].asked = rate ? (rate + n - 1) / n : 0;
		isw_ratelimit_init(&sd[t].rl, sd[t].asked, ISW_SEND_BATCH, now);
		isw_adaptive_init(&sd[t].ad, sd[t].asked);
	}
	if (c->lan || c->lan6) {
		neighbour_passes(&sd[0], rate);
		for (unsigned t = 0; t < n; t++)
			isw_ratelimit_init(&sd[t].rl, sd[t].rl.rate, ISW_SEND_BATCH, isw_now_ns());
	}
	for (unsigned pass = 1; pass <= c->passes && !stopping(&sd[0]); pass++) {
		atomic_store(&count->pass, pass);
		/* No pause before a resumed pass: the answers it waits for went with the run. */
		if (pass > 1 && !c->dry_run && pass > c->resume_pass_max) {
			/* Let the previous pass's answers arrive before deciding who to re-probe.
			 */
			pause_for_answers(c, PASS_ANSWER_WAIT_MAX_NS);
			for (unsigned t = 0; t < n; t++)
				isw_ratelimit_init(&sd[t].rl, sd[t].rl.rate, ISW_SEND_BATCH,
				                   isw_now_ns());
		}
		{
			uint64_t t0 = isw_now_ns();
			run_pass(c, sd, pass);
			atomic_fetch_add(&count->send_busy_ns, isw_now_ns() - t0);
		}
	}
	sending_ended(count);
	free(sd);
	return NULL;
}
