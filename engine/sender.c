/* The sender thread: next index -> permutation -> target -> patch the template -> batch ->
 * backend.  The clock is read once per batch (rate limiter and send time stamp), the bitmap
 * is read lock-free, and counters are published once per batch. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adaptive.h"
#include "clock.h"
#include "cooldown.h"
#include "ratelimit.h"
#include "scan-internal.h"

static int stopping(struct isw_scan *s)
{
	return atomic_load_explicit(&s->stop_sending, memory_order_relaxed);
}

/* Where the walk was, about once a millisecond: after an outage the sender goes back to the
 * mark from before carrier went and sends again from there.  MARKS cover at least 2 s. */
#define MARKS         2048
#define MARK_EVERY_NS 1000000u
/* Carrier loss is usually seen within milliseconds (an rtnetlink event); going back this
 * much more covers the probes sent between the loss and the event reaching us.  When sends
 * failed before the event arrived, the outage is taken to start at the first of them. */
#define OUTAGE_MARGIN_NS 200000000u

struct mark {
	uint64_t ns, i, errors;
};

/* One sender thread (-T): its slice [lo, hi) of the permutation's index space, its own
 * transmit handle and probe log, and its share of the rate. */
struct sender {
	struct isw_scan *s;
	struct isw_tx *tx;
	struct isw_probe_log *log;
	struct isw_ratelimit rl;
	struct isw_adaptive ad;
	uint64_t lo, hi;
	uint64_t asked; /* this thread's share of -r */
	unsigned pass;
	/* Path health: marks of the walk, this thread's send errors, the end of the stretch
	 * being sent again after an outage, and since when every send fails. */
	struct mark marks[MARKS];
	unsigned mark_head, mark_count;
	uint64_t errors, again_to, failing_since;
	uint64_t err_since, last_err_ns; /* the current cluster of send errors */
};

/* Hands the batch's probes to the trace.  Waits (never drops) while the capture thread is
 * behind: the ring holds about a second of probes at a million per second. */
static void log_probes(struct sender *sd, const struct isw_probe_rec *recs, unsigned n)
{
	struct isw_scan *s = sd->s;

	while (isw_probe_log_space(sd->log) < n) {
		if (atomic_load_explicit(&s->stop_capture, memory_order_relaxed))
			return;
		isw_sleep_unless(200 * 1000, &s->stop_capture);
	}
	isw_probe_log_push(sd->log, recs, n);
}

/* --adaptive (adaptive.h), on the clock reading the batch already made. */
static void adapt_rate(struct sender *sd, uint64_t now)
{
	struct isw_scan *s = sd->s;
	struct isw_ratelimit *rl = &sd->rl;
	struct isw_adaptive_input in = {
	    .now_ns = now,
	    .rate = rl->rate,
	    .window_start_ns = rl->t0_ns,
	    .window_sent = rl->sent,
	    .drops = atomic_load_explicit(&s->pcap_drop, memory_order_relaxed) +
	             atomic_load_explicit(&s->pcap_ifdrop, memory_order_relaxed),
	    .rtt_p90_ms = isw_rtt_hist_quantile_ms(&s->rtt, 0.9),
	    .sent = atomic_load_explicit(&s->sent, memory_order_relaxed),
	    .replies = atomic_load_explicit(&s->replies, memory_order_relaxed),
	};
	uint64_t nr;
	enum isw_slow_reason why = isw_adaptive_decide(&sd->ad, &in, &nr);

	if (why != ISW_SLOW_NONE) {
		atomic_fetch_add_explicit(&s->slowdowns, 1, memory_order_relaxed);
		atomic_store_explicit(&s->slow_reason, why, memory_order_relaxed);
	}
	if (nr != rl->rate) {
		isw_ratelimit_init(rl, nr, ISW_SEND_BATCH, now);
		/* Every thread adapts its own share; the status line shows the sum. */
		atomic_store_explicit(&s->current_rate, nr * s->nsenders, memory_order_relaxed);
	}
}

/* On-link targets swept with ARP: the MAC the host answered with, or nobody to probe (silent
 * to ARP, or our own address, which is not reachable over the wire). */
static int lan_next_hop(const struct isw_scan *s, uint32_t dst, uint8_t mac[6])
{
	int64_t oidx;

	if (dst == s->lan.src)
		return ISW_NEXT_HOP_NONE;
	oidx = isw_lan_index(&s->lan, dst);
	if (oidx < 0)
		return ISW_NEXT_HOP_TEMPLATE;
	return isw_lan_mac(&s->lan, oidx, mac) ? ISW_NEXT_HOP_MAC : ISW_NEXT_HOP_NONE;
}

int isw_scan_next_hop(const struct isw_scan *s, uint32_t dst, uint8_t mac[6])
{
	if (s->route_per_probe) {
		const struct isw_hop *h = &s->routes.hop[isw_route_map_find(&s->routes, dst)];

		switch (h->kind) {
		case ISW_HOP_UNROUTED:
			return ISW_NEXT_HOP_UNROUTED;
		case ISW_HOP_SELF:
			return ISW_NEXT_HOP_NONE;
		case ISW_HOP_ONLINK:
			/* Swept with ARP: the host's own MAC comes from the LAN table below. */
			if (s->lan_active)
				break;
			/* fall through */
		case ISW_HOP_GATEWAY:
			if (s->route.raw_ip)
				return ISW_NEXT_HOP_TEMPLATE;
			memcpy(mac, h->mac, 6);
			return ISW_NEXT_HOP_MAC;
		}
	}
	return s->lan_active ? lan_next_hop(s, dst, mac) : ISW_NEXT_HOP_TEMPLATE;
}

/* One batch's frame buffers, all of one length: the template's, patched in place. */
struct batch {
	uint8_t buf[ISW_SEND_BATCH][ISW_PROBE_MAX_LEN];
	uint8_t *frames[ISW_SEND_BATCH];
	uint32_t lens[ISW_SEND_BATCH];
};

static void batch_init(struct batch *b, uint32_t len)
{
	for (int k = 0; k < ISW_SEND_BATCH; k++) {
		b->frames[k] = b->buf[k];
		b->lens[k] = len;
	}
}

/* How many frames this batch may send: the rate limiter's allowance, or 0 after sleeping
 * until the next one is due (or the scan stops). */
static uint32_t batch_allowance(struct isw_scan *s, struct isw_ratelimit *rl, uint64_t now)
{
	uint64_t wait_ns;
	uint32_t allowed = isw_ratelimit_take(rl, now, &wait_ns);

	if (!allowed)
		isw_sleep_unless(wait_ns, &s->stop_sending);
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
static void account_send(struct sender *sd, int rc, unsigned cnt, uint64_t now)
{
	struct isw_scan *s = sd->s;
	int err = rc < 0 ? -rc : 0;
	unsigned ok = rc < 0 ? 0 : (unsigned)rc, drops = 0;
	uint64_t failed;

	if (s->tx_ops->take_drops)
		drops = s->tx_ops->take_drops(sd->tx, &err);
	failed = cnt - ok + drops;
	atomic_fetch_add_explicit(&s->sent, ok, memory_order_relaxed);
	if (!failed) {
		sd->failing_since = 0;
		return;
	}
	atomic_fetch_sub_explicit(&s->sent, drops, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->send_errors, failed, memory_order_relaxed);
	sd->errors += failed;
	/* Errors less than a second apart are one cluster: an outage starts at its first. */
	if (!sd->err_since || now - sd->last_err_ns > 1000000000u)
		sd->err_since = now;
	sd->last_err_ns = now;
	if (err)
		atomic_store_explicit(&s->send_errno, err, memory_order_relaxed);
	if (ok > drops) {
		sd->failing_since = 0;
		return;
	}
	if (!sd->failing_since)
		sd->failing_since = now;
	else if (now - sd->failing_since > ISW_SEND_FAIL_S * 1000000000ull &&
	         !atomic_load(&s->path_pause))
		isw_scan_fault(s, ISW_FAULT_SEND_FAILED, 1);
}

/* Carrier went away: wait for it (path-health.c ends the wait after ISW_CARRIER_WAIT_S by
 * stopping the scan), then return the index to walk on from: the last mark from before the
 * outage, so the probes that went into the dead link go again. */
static uint64_t ride_out_outage(struct sender *sd, uint64_t i)
{
	struct isw_scan *s = sd->s;
	uint64_t down = atomic_load(&s->down_since_ns), from = i, at, errors = sd->errors;

	while (atomic_load(&s->path_pause) && !stopping(s))
		isw_sleep_unless(10000000u, &s->stop_sending);
	if (stopping(s))
		return i;
	/* Frames still queued from before the outage go (or are dropped) now, and count with
	 * it: they are in the stretch sent again below. */
	account_send(sd, s->tx_ops->send(sd->tx, NULL, NULL, 0), 0, isw_now_ns());
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
		atomic_fetch_sub(&s->done, i - from);
		atomic_fetch_add(&s->send_errors_resent, sd->errors - errors);
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

/* path-health.c asked for an ARP request to the next hop: whichever sender takes the flag
 * sends it, through its own handle (no privilege needed beyond that). */
static void send_nh_arp(struct sender *sd)
{
	struct isw_scan *s = sd->s;
	uint8_t frame[ISW_PROBE_MAX_LEN], *frames[1] = {frame};
	uint32_t lens[1] = {s->nh_arp.len};

	if (!atomic_exchange(&s->nh_arp_want, 0))
		return;
	isw_arp_patch(&s->nh_arp, frame, s->nh_watch);
	if (s->tx_ops->send(sd->tx, frames, lens, 1) > 0) {
		/* Queued in a ring: out now, not at the next batch. */
		s->tx_ops->send(sd->tx, NULL, NULL, 0);
		atomic_fetch_add(&s->nh_arp_sent, 1);
	}
}

static void send_pass(struct sender *sd)
{
	struct isw_probe_rec recs[ISW_SEND_BATCH];
	struct isw_scan *s = sd->s;
	struct isw_ratelimit *rl = &sd->rl;
	unsigned pass = sd->pass;
	uint64_t i = sd->lo;
	struct batch b;

	batch_init(&b, s->tmpl.len);
	sd->mark_count = 0;
	sd->again_to = 0;
	mark(sd, isw_now_ns(), i);
	while (i < sd->hi && !stopping(s)) {
		uint64_t wall, walked = 0, absent = 0, unrouted = 0, again = 0, resend = 0,
		               now = isw_now_ns();
		uint32_t allowed;
		unsigned cnt = 0;
		int rc;

		/* The one look at the path's health per batch. */
		if (atomic_load_explicit(&s->path_pause, memory_order_relaxed)) {
			i = ride_out_outage(sd, i);
			continue;
		}
		if (now - sd->marks[(sd->mark_head + MARKS - 1) % MARKS].ns >= MARK_EVERY_NS)
			mark(sd, now, i);
		if (s->cfg.adaptive && isw_adaptive_due(&sd->ad, now))
			adapt_rate(sd, now);
		if (atomic_load_explicit(&s->nh_arp_want, memory_order_relaxed))
			send_nh_arp(sd);
		allowed = batch_allowance(s, rl, now);
		if (!allowed)
			continue;
		wall = isw_wall_ns();
		while (cnt < allowed && i < sd->hi) {
			uint64_t pos = i++, idx = isw_perm_at(&s->perm, pos);
			int hop = ISW_NEXT_HOP_TEMPLATE, sent_before = pos < sd->again_to;
			uint8_t mac[6];

			walked++;
			if (sent_before) {
				/* Sent before the outage: only the targets that have not answered.
				 */
				if (isw_bitmap_test(&s->alive, idx) ||
				    isw_bitmap_test(&s->errored, idx)) {
					again++;
					continue;
				}
			} else if (pass > 1 && (isw_bitmap_test(&s->alive, idx) ||
			                        isw_bitmap_test(&s->errored, idx)))
				continue;
			recs[cnt].dst = isw_targets_at(s->targets, idx);
			recs[cnt].probe = (uint8_t)pass;
			recs[cnt].send_ns = wall;
			if ((s->lan_active || s->route_per_probe) &&
			    (hop = isw_scan_next_hop(s, recs[cnt].dst, mac)) < 0) {
				/* Unrouted targets are counted once, before the sweep. */
				if (hop == ISW_NEXT_HOP_UNROUTED)
					unrouted++;
				else if (sent_before)
					again++; /* counted absent the first time */
				else
					absent++;
				continue;
			}
			isw_probe_patch(&s->tmpl, &s->key, b.frames[cnt], recs[cnt].dst,
			                (uint8_t)pass, wall);
			/* Not the template's next hop: an on-link host or another gateway. */
			if (hop == ISW_NEXT_HOP_MAC)
				memcpy(b.frames[cnt], mac, 6);
			cnt++;
			resend += (uint64_t)sent_before;
		}
		if (cnt) {
			uint64_t zero = 0;
			/* Only the first batch reads the clock here. */
			if (!atomic_load_explicit(&s->first_send_ns, memory_order_relaxed))
				atomic_compare_exchange_strong(&s->first_send_ns, &zero,
				                               isw_now_ns());
			rc = s->tx_ops->send(sd->tx, b.frames, b.lens, cnt);
			if (s->trace_probes && rc > 0)
				log_probes(sd, recs, (unsigned)rc);
			isw_ratelimit_commit(rl, cnt);
			account_send(sd, rc, cnt, now);
			if (resend)
				atomic_fetch_add_explicit(&s->resent, resend, memory_order_relaxed);
		}
		atomic_fetch_add_explicit(&s->skipped, walked - cnt - absent - unrouted - again,
		                          memory_order_relaxed);
		if (absent)
			atomic_fetch_add_explicit(&s->absent, absent, memory_order_relaxed);
		atomic_fetch_add_explicit(&s->done, walked, memory_order_relaxed);
	}
	/* Push what is still queued and count what the device dropped of it, so the pass's
	 * numbers are final before the next pass or the cooldown. */
	if (!stopping(s))
		account_send(sd, s->tx_ops->send(sd->tx, NULL, NULL, 0), 0, isw_now_ns());
}

/* One ARP request to every on-link target whose MAC is still unknown, in the on-link
 * targets' own keyed order, at the scan's rate. */
static void arp_pass(struct sender *sd, struct isw_ratelimit *rl)
{
	struct isw_probe_rec recs[ISW_SEND_BATCH];
	struct isw_scan *s = sd->s;
	uint64_t j = 0;
	struct batch b;

	batch_init(&b, s->lan.tmpl.len);
	while (j < s->lan.n && !stopping(s)) {
		uint32_t allowed;

		/* No carrier: wait (ARP is retried anyway, so nothing is sent again). */
		while (atomic_load_explicit(&s->path_pause, memory_order_relaxed) && !stopping(s))
			isw_sleep_unless(10000000u, &s->stop_sending);
		allowed = batch_allowance(s, rl, isw_now_ns());
		uint64_t wall = s->trace_probes ? isw_wall_ns() : 0;
		unsigned cnt = 0;
		uint8_t mac[6];
		int rc;

		if (!allowed)
			continue;
		while (cnt < allowed && j < s->lan.n) {
			uint64_t o = isw_perm_at(&s->lan.perm, j++);
			if (isw_lan_mac(&s->lan, (int64_t)o, mac))
				continue;
			recs[cnt].dst = isw_targets_at(s->lan.onlink, o);
			recs[cnt].probe = ISW_PROBE_REC_ARP;
			recs[cnt].send_ns = wall;
			isw_arp_patch(&s->lan.tmpl, b.frames[cnt], recs[cnt].dst);
			cnt++;
		}
		if (!cnt)
			continue;
		rc = s->tx_ops->send(sd->tx, b.frames, b.lens, cnt);
		isw_ratelimit_commit(rl, cnt);
		if (rc > 0) {
			if (s->trace_probes)
				log_probes(sd, recs, (unsigned)rc);
			atomic_fetch_add_explicit(&s->arp_sent, (uint64_t)rc, memory_order_relaxed);
		}
	}
}

static void pause_for_answers(struct isw_scan *s, uint64_t max_ns)
{
	struct isw_cooldown_params p = {s->cfg.cooldown_auto, s->cfg.cooldown_s};
	uint64_t gap = isw_answer_wait_ns(&p, isw_rtt_hist_quantile_ms(&s->rtt, 0.99));

	isw_sleep_unless(gap < max_ns ? gap : max_ns, &s->stop_sending);
}

static void *slice_main(void *arg)
{
	send_pass(arg);
	return NULL;
}

/* One pass over the whole index space: thread 0 (this one) takes the first slice, the others
 * run beside it for this pass only, so the next pass starts from a complete picture. */
static void run_pass(struct isw_scan *s, struct sender *sd, unsigned pass)
{
	pthread_t th[ISW_MAX_SENDERS];
	int started[ISW_MAX_SENDERS] = {0};

	for (unsigned t = 0; t < s->nsenders; t++) {
		sd[t].pass = pass;
		/* Later passes probe only silent targets: far fewer answers, none of them lost. */
		isw_adaptive_new_pass(&sd[t].ad);
	}
	for (unsigned t = 1; t < s->nsenders; t++)
		started[t] = pthread_create(&th[t], NULL, slice_main, &sd[t]) == 0;
	send_pass(&sd[0]);
	for (unsigned t = 1; t < s->nsenders; t++) {
		if (started[t])
			pthread_join(th[t], NULL);
		else
			send_pass(&sd[t]); /* no thread: do its slice here rather than skip it */
	}
}

void *isw_sender_main(void *arg)
{
	struct isw_scan *s = arg;
	/* On the heap: the walk marks make each about 50 KiB. */
	struct sender *sd = calloc(ISW_MAX_SENDERS, sizeof(*sd));
	uint64_t rate = s->cfg.dry_run ? 0 : s->cfg.rate, now = isw_now_ns();
	unsigned n = s->nsenders;

	if (!sd) {
		isw_scan_fault(s, ISW_FAULT_SEND_FAILED, 1);
		atomic_store(&s->send_errno, ENOMEM);
		atomic_store(&s->send_end_ns, isw_now_ns());
		atomic_store(&s->sending, 0);
		return NULL;
	}
	for (unsigned t = 0; t < n; t++) {
		sd[t].s = s;
		sd[t].tx = s->tx[t];
		sd[t].log = &s->probe_log[t];
		sd[t].lo = s->n * t / n;
		sd[t].hi = s->n * (t + 1) / n;
		/* The rate holds across threads: each sends its share. */
		sd[t].asked = rate ? (rate + n - 1) / n : 0;
		isw_ratelimit_init(&sd[t].rl, sd[t].asked, ISW_SEND_BATCH, now);
		isw_adaptive_init(&sd[t].ad, sd[t].asked);
	}
	if (s->lan_active) {
		/* ARP first (thread 0, at the whole rate): retried like -P (at least twice, as
		 * arp-scan does), and the ICMP passes go only to the hosts that answered. */
		struct isw_ratelimit rl;
		unsigned tries = s->cfg.probes > 2 ? s->cfg.probes : 2;

		isw_ratelimit_init(&rl, rate, ISW_SEND_BATCH, now);
		atomic_store(&s->pass, 0); /* the status line shows the ARP pass as pass 0 */
		for (unsigned t = 1; t <= tries && !stopping(s); t++) {
			arp_pass(&sd[0], &rl);
			/* ARP answers come from the local segment: a quarter second is ample. */
			pause_for_answers(s, 250000000u);
			isw_ratelimit_init(&rl, rate, ISW_SEND_BATCH, isw_now_ns());
		}
		isw_lan_mark_shared(&s->lan);
		for (unsigned t = 0; t < n; t++)
			isw_ratelimit_init(&sd[t].rl, sd[t].rl.rate, ISW_SEND_BATCH, isw_now_ns());
	}
	for (unsigned pass = 1; pass <= s->cfg.probes && !stopping(s) && s->cfg.arp != ISW_ARP_ONLY;
	     pass++) {
		atomic_store(&s->pass, pass);
		if (pass > 1 && !s->cfg.dry_run) {
			/* Let the previous pass's answers arrive before deciding who to re-probe.
			 */
			pause_for_answers(s, 1000000000u);
			for (unsigned t = 0; t < n; t++)
				isw_ratelimit_init(&sd[t].rl, sd[t].rl.rate, ISW_SEND_BATCH,
				                   isw_now_ns());
		}
		{
			uint64_t t0 = isw_now_ns();
			run_pass(s, sd, pass);
			atomic_fetch_add(&s->send_busy_ns, isw_now_ns() - t0);
		}
	}
	atomic_store(&s->send_end_ns, isw_now_ns());
	atomic_store(&s->sending, 0);
	free(sd);
	return NULL;
}
