/* SPDX-License-Identifier: BSD-2-Clause */
/* The capture thread of a scan: answers matched and reported, ARP replies learnt, the trace
 * written (answers, and the probes rebuilt from the senders' logs), until the cooldown ends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net/if.h>

#include "cooldown.h"
#include "oui.h"
#include "scan-internal.h"

static void on_arp(struct isw_scan_link *l, const uint8_t *pkt, size_t caplen, int64_t ts_us);
static void on_ndp(struct isw_scan_link *l, const uint8_t *pkt, size_t caplen, int64_t ts_us);

static void trace_packet(struct isw_scan *s, const uint8_t *pkt, size_t caplen, int64_t ts_us,
                         enum isw_match_verdict v, const struct isw_result *r, int duplicate)
{
	char comment[160];

	if (s->cfg.trace_pcapng)
		isw_match_describe(v, r, duplicate, comment, sizeof(comment));
	isw_trace_writer_put(s->trace, ts_us, pkt, (uint32_t)caplen, (uint32_t)caplen,
	                     s->cfg.trace_pcapng ? comment : NULL);
}

/* An answer to the echo request to all nodes from an address that is not a target: a
 * link-local one is reported (with its interface, and the MAC it came from), as it could not
 * have been swept; the sweep named its targets, so another global one is not. */
static void on_group_answer(struct isw_scan_link *l, const uint8_t *pkt, size_t caplen,
                            int64_t ts_us, struct isw_result *r)
{
	struct isw_scan *s = l->s;
	int reported = ISW_REPORT_DUPLICATE;

	if (!isw_addr_is_link_local(&r->addr)) {
		atomic_fetch_add_explicit(&s->invalid, 1, memory_order_relaxed);
		if (s->trace)
			trace_packet(s, pkt, caplen, ts_us, ISW_MATCH_BAD_TAG, r, 0);
		return;
	}
	atomic_fetch_add_explicit(&s->replies, 1, memory_order_relaxed);
	if (l->matcher.link == ISW_LINK_ETHERNET) {
		r->have_mac = 1;
		memcpy(r->mac, pkt + 6, 6);
		r->vendor = isw_oui_vendor(s->lan6.oui, r->mac);
	}
	reported = isw_report_extra(&s->report, r);
	if (s->trace)
		trace_packet(s, pkt, caplen, ts_us, ISW_MATCH_VALID, r,
		             reported == ISW_REPORT_DUPLICATE);
}

/* arg: the struct isw_scan_link whose capture saw the packet. */
static void on_packet(void *arg, const uint8_t *pkt, size_t caplen, int64_t ts_us)
{
	struct isw_scan_link *l = arg;
	struct isw_scan *s = l->s;
	struct isw_result r;
	enum isw_match_verdict v;
	int64_t idx = -1;
	int reported;

	if ((s->lan_active || l->nh_watch) && caplen >= 14 && pkt[12] == 0x08 && pkt[13] == 0x06) {
		on_arp(l, pkt, caplen, ts_us);
		return;
	}
	if (s->lan6_active && l->matcher.link == ISW_LINK_ETHERNET &&
	    isw_ndp_is_advert(pkt, caplen)) {
		on_ndp(l, pkt, caplen, ts_us);
		return;
	}
	v = isw_match_packet(&l->matcher, pkt, caplen, ts_us, &r);
	if (v == ISW_MATCH_VALID && r.via_group &&
	    isw_targets_index_addr(s->targets, &r.addr) < 0) {
		on_group_answer(l, pkt, caplen, ts_us, &r);
		return;
	}
	/* A valid tag for an address we never probed comes from an earlier scan with the same
	 * seed: not an answer to this one. */
	if (v == ISW_MATCH_VALID && (idx = isw_targets_index_addr(s->targets, &r.addr)) < 0)
		v = ISW_MATCH_BAD_TAG;
	/* Nor is one for another shard's target: shards of one sweep share the seed, and may
	 * share the machine (srun tasks on one node), so each capture sees the others' answers. */
	if (v == ISW_MATCH_VALID && (idx = isw_shard_slot(&s->send.shard, (uint64_t)idx)) < 0) {
		atomic_fetch_add_explicit(&s->other_shard, 1, memory_order_relaxed);
		if (s->trace)
			trace_packet(s, pkt, caplen, ts_us, ISW_MATCH_BAD_TAG, &r, 0);
		return;
	}
	if (v != ISW_MATCH_VALID) {
		atomic_fetch_add_explicit(&s->invalid, 1, memory_order_relaxed);
		if (s->trace)
			trace_packet(s, pkt, caplen, ts_us, v, &r, 0);
		return;
	}
	atomic_fetch_add_explicit(&s->replies, 1, memory_order_relaxed);
	/* Live dedupe is by slot into bitmaps: it neither allocates nor fails. */
	reported = isw_report_answer(&s->report, &r, idx);
	if (s->trace)
		trace_packet(s, pkt, caplen, ts_us, v, &r, reported == ISW_REPORT_DUPLICATE);
	/* -c auto and the pauses between passes judge from the RTTs; --adaptive pairs answers
	 * with probes by them. */
	if (reported == ISW_REPORT_NEW && r.rtt_ms >= 0)
		isw_rtt_hist_add(&s->rtt, r.rtt_ms);
}

static void on_arp(struct isw_scan_link *l, const uint8_t *pkt, size_t caplen, int64_t ts_us)
{
	struct isw_scan *s = l->s;
	struct isw_arp_packet a;
	char comment[96];
	int learned = 0, ok = isw_arp_parse(pkt, caplen, &a);

	if (ok && s->lan_active && l->index == s->lan_link)
		learned = isw_lan_learn(&s->lan, &a);
	/* The next hop answering us (path-health.c asked): from which MAC, and when. */
	if (ok && l->nh_watch && a.op == 2 && a.spa == l->nh_watch && a.tpa == l->route.src) {
		uint64_t mac = 0;

		for (int k = 0; k < 6; k++)
			mac = mac << 8 | a.sha[k];
		atomic_store_explicit(&l->nh_arp_mac, mac, memory_order_relaxed);
		atomic_store_explicit(&l->nh_arp_at_ns, isw_now_ns(), memory_order_release);
	}
	if (!s->trace)
		return;
	/* A frame that did not parse has no fields to show (a is unset). */
	if (s->cfg.trace_pcapng)
		isw_arp_describe(ok ? &a : NULL, learned, comment, sizeof(comment));
	isw_trace_writer_put(s->trace, ts_us, pkt, (uint32_t)caplen, (uint32_t)caplen,
	                     s->cfg.trace_pcapng ? comment : NULL);
}

static void on_ndp(struct isw_scan_link *l, const uint8_t *pkt, size_t caplen, int64_t ts_us)
{
	struct isw_scan *s = l->s;
	struct isw_ndp_packet a;
	char comment[120];
	int learned = 0, ok = isw_ndp_parse(pkt, caplen, &a);

	if (ok)
		learned = isw_lan6_learn(&s->lan6, l->index, l->route.src6, &a);
	if (!s->trace)
		return;
	if (s->cfg.trace_pcapng)
		isw_ndp_describe(ok ? &a : NULL, learned, comment, sizeof(comment));
	isw_trace_writer_put(s->trace, ts_us, pkt, (uint32_t)caplen, (uint32_t)caplen,
	                     s->cfg.trace_pcapng ? comment : NULL);
}

/* After the cooldown: on-link hosts that answered ARP (or NDP) but never ICMP are present
 * too. */
static void report_arp_only(struct isw_scan *s)
{
	isw_report_arp_only(&s->report, (int64_t)(isw_wall_ns() / 1000), &s->stop_capture);
}

/* An ICMPv6 probe's frame, rebuilt from its record; returns its length. */
static uint32_t rebuild_probe6(struct isw_scan *s, const struct isw_probe_rec *rec, uint8_t *frame,
                               char *a)
{
	const struct isw_send_link *k = &s->send.link[rec->link];
	uint64_t kv6 = isw_probe_rec_v6k(rec);
	struct isw_addr dst = isw_targets_at_addr(s->targets, s->send.n4 + kv6);
	uint8_t mac[6];
	unsigned link;

	isw_probe6_patch(&k->tmpl6, &s->send.key, frame, dst.bytes, rec->probe, rec->send_ns);
	if (isw_next_hop6(&s->send.hops, kv6, mac, &link) == ISW_NEXT_HOP_MAC)
		memcpy(frame, mac, 6);
	if (s->cfg.trace_pcapng)
		isw_addr_format(&dst, a);
	return k->tmpl6.len;
}

static void trace_probe_log(struct isw_scan *s, struct isw_probe_log *log)
{
	struct isw_probe_rec rec;
	/* The longest frame a record rebuilds: an ICMPv6 probe or a neighbour solicitation. */
	uint8_t frame[ISW_PROBE6_MAX_LEN > ISW_NDP_NS_LEN ? ISW_PROBE6_MAX_LEN : ISW_NDP_NS_LEN];
	char comment[96], a[ISW_ADDR_TEXT_MAX];

	while (isw_probe_log_pop(log, &rec)) {
		int arp = rec.probe == ISW_PROBE_REC_ARP;
		const struct isw_send_link *k = &s->send.link[rec.link];
		const struct isw_arp_template *at = rec.nh ? &k->nh_arp : &s->lan.tmpl;
		uint32_t len = arp ? at->len : k->tmpl.len;

		if (rec.v6 == ISW_PROBE_REC_V6_GROUP) {
			isw_group6_patch(&k->tmpl6, &s->send.key, frame, k->group_src, k->ifindex,
			                 rec.probe, rec.send_ns);
			len = k->tmpl6.len;
			snprintf(a, sizeof(a), "ff02::1");
		} else if (rec.v6 && arp) {
			struct isw_addr dst =
			    isw_targets_at_addr(s->targets, s->send.n4 + isw_probe_rec_v6k(&rec));

			isw_ndp_patch(&k->ns, frame, dst.bytes);
			len = k->ns.len;
			if (s->cfg.trace_pcapng)
				isw_addr_format(&dst, a);
		} else if (rec.v6) {
			len = rebuild_probe6(s, &rec, frame, a);
		} else if (arp) {
			isw_arp_patch(at, frame, rec.dst);
		} else {
			uint8_t mac[6];
			unsigned link;

			isw_probe_patch(&k->tmpl, &s->send.key, frame, rec.dst, rec.probe,
			                rec.send_ns);
			if (isw_next_hop(&s->send.hops, rec.dst, mac, &link) == ISW_NEXT_HOP_MAC)
				memcpy(frame, mac, 6);
		}
		/* Only pcapng has comments: plain pcap skips the formatting. */
		if (s->cfg.trace_pcapng) {
			if (!rec.v6)
				isw_addr_str(rec.dst, a);
			if (arp && rec.v6)
				snprintf(comment, sizeof(comment), "neighbour solicitation for %s",
				         a);
			else if (arp)
				snprintf(comment, sizeof(comment), "ARP request for %s%s", a,
				         rec.nh ? " (the next hop's re-check)" : "");
			else
				snprintf(comment, sizeof(comment), "%s to %s, attempt %u",
				         rec.v6 ? "ICMPv6 probe" : "probe", a, rec.probe);
		}
		isw_trace_writer_put(s->trace, (int64_t)(rec.send_ns / 1000), frame, len, len,
		                     s->cfg.trace_pcapng ? comment : NULL);
	}
}

/* Writes the probes the senders logged since the last call, rebuilt from the template. */
static void trace_probes(struct isw_scan *s)
{
	for (unsigned k = 0; k < s->send.nsenders; k++)
		trace_probe_log(s, &s->probe_log[k]);
}

/* The captures' counters, summed over the interfaces (or the ping socket's, in no-root
 * mode). */
static void publish_rx_stats(struct isw_scan *s)
{
	uint64_t recv = 0, drop = 0, ifdrop = 0;

	if (s->ping_rx)
		isw_ping_rx_stats(s->ping_rx, &recv, &drop);
	for (unsigned k = 0; !s->ping_rx && k < s->nlinks; k++) {
		struct isw_scan_link *l = &s->link[k];

		isw_rx_stats(l->rx, &l->pcap_recv, &l->pcap_drop, &l->pcap_ifdrop);
		recv += l->pcap_recv;
		drop += l->pcap_drop;
		ifdrop += l->pcap_ifdrop;
	}
	atomic_store(&s->pcap_recv, recv);
	atomic_store(&s->pcap_drop, drop);
	atomic_store(&s->pcap_ifdrop, ifdrop);
}

/* Every interface's captured packets, waiting up to timeout_ms in all; the number handed
 * over, or a negative errno when a capture failed. */
static int dispatch_all(struct isw_scan *s, int timeout_ms)
{
	int total = 0;

	/* No-root mode: the answers come on the ping socket, for the one interface. */
	if (s->ping_rx)
		return isw_ping_rx_dispatch(s->ping_rx, timeout_ms, on_packet, &s->link[0]);
	for (unsigned k = 0; k < s->nlinks; k++) {
		/* Each capture's ring holds what arrives while another one waits. */
		int rc = isw_rx_dispatch(s->link[k].rx, timeout_ms / (int)s->nlinks, on_packet,
		                         &s->link[k]);
		if (rc < 0)
			return rc;
		total += rc;
	}
	return total;
}

/* cooldown.h has the rule; the capture thread feeds it the send history and the RTTs. */
static int cooldown_over(struct isw_scan *s, const struct isw_send_history *h)
{
	/* Without memory for the history, -c auto waits its cap: slower, nothing lost. */
	struct isw_cooldown_params p = {s->cfg.cooldown_auto && h, s->cfg.cooldown_s};
	uint64_t end = atomic_load(&s->count.send_end_ns), counts[ISW_RTT_BUCKETS];

	if (atomic_load(&s->count.sending) || !end)
		return 0;
	isw_rtt_hist_snapshot(&s->rtt, counts);
	return isw_cooldown_over(&p, h, counts, end, isw_now_ns());
}

/* After a capture failure: 1, with the fault raised, when an interface in use is gone. */
static int link_gone(struct isw_scan *s)
{
	for (unsigned k = 0; k < s->nlinks; k++) {
		if (if_nametoindex(s->link[k].route.iface) == (unsigned)s->link[k].route.ifindex)
			continue;
		atomic_store(&s->fault_link, k);
		isw_scan_fault(s, ISW_FAULT_LINK_GONE, 1);
		atomic_store(&s->stop_capture, 1);
		atomic_store(&s->flags.path_pause, 0);
		return 1;
	}
	return 0;
}

void *isw_capture_main(void *arg)
{
	struct isw_scan *s = arg;
	uint64_t last_stats = 0, last_flush = 0;
	struct isw_send_history *hist = malloc(sizeof(*hist));

	if (hist)
		isw_send_history_init(
		    hist, isw_now_ns(),
		    (uint64_t)(s->cfg.cooldown_auto ? s->cfg.cooldown_s * 1e9 : 0));
	for (;;) {
		uint64_t now = isw_now_ns();

		if (hist)
			isw_send_history_note(hist, now, atomic_load(&s->count.sent));
		if (atomic_load(&s->stop_capture) || cooldown_over(s, hist))
			break;

		if (s->trace_probes)
			trace_probes(s);
		if (dispatch_all(s, 50) < 0) {
			/* Answers from now on are lost: say so, and stop sending into the void
			 * (unless the interface is gone, which says it all: the capture may see
			 * that before the path watch's event arrives). */
			if (!(atomic_load(&s->flags.path_faults) & ISW_FAULT_LINK_GONE) &&
			    !link_gone(s))
				isw_scan_fault(s, ISW_FAULT_CAPTURE, 1);
			break;
		}
		now = isw_now_ns();
		if (now - last_stats > 200 * 1000 * 1000) {
			publish_rx_stats(s);
			last_stats = now;
		}
		if (s->trace && now - last_flush > 1000 * 1000 * 1000) {
			isw_trace_writer_flush(s->trace);
			last_flush = now;
		}
	}
	/* Whatever is already in the ring was received in time: match it before ending.  The
	 * bound keeps a flood from holding the end of the scan hostage. */
	for (int i = 0; i < 1000 && dispatch_all(s, 0) > 0; i++)
		;
	publish_rx_stats(s);
	if (s->lan_active || s->lan6_active)
		report_arp_only(s);
	if (s->trace_probes)
		trace_probes(s);
	if (s->trace)
		isw_trace_writer_flush(s->trace);
	free(hist);
	atomic_store(&s->capturing, 0);
	return NULL;
}
