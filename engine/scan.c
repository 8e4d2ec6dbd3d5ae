/* Scan lifecycle: set-up, the two threads, the cooldown and the end. */
#define _GNU_SOURCE /* sched_getaffinity */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <net/if.h>

#include <pcap/pcap.h>

#include "icmpsweep/error.h"
#include "icmpsweep/trace.h"
#include "cooldown.h"
#include "scan-internal.h"

#define ARP_WAIT_MS 1000

int isw_scan_new(isw_scan **out, const struct isw_config *cfg, const isw_targets *targets,
                 isw_sink_fn sink, void *sink_arg, char *errbuf)
{
	struct isw_scan *s;
	int rc;

	if (cfg->senders > ISW_MAX_SENDERS) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "sender threads must be 1..%d or auto, not %u",
		         ISW_MAX_SENDERS, cfg->senders);
		return -EINVAL;
	}
	if (cfg->probes < 1 || cfg->probes > 255) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "probes per target must be 1..255, not %u",
		         cfg->probes);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cfg = *cfg;
	s->targets = targets;
	s->n = isw_targets_count(targets);
	s->nsenders = cfg->senders;
	s->sink = sink;
	s->sink_arg = sink_arg;
	isw_done_flag_init(&s->finished);
	rc = isw_perm_init(&s->perm, s->n, cfg->seed);
	if (rc < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot order %llu targets",
		         (unsigned long long)s->n);
		goto fail;
	}
	isw_tag_key_init(&s->key, cfg->seed);
	if (isw_bitmap_init(&s->alive, s->n) < 0 || isw_bitmap_init(&s->errored, s->n) < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "out of memory for %llu targets",
		         (unsigned long long)s->n);
		rc = -ENOMEM;
		goto fail;
	}
	isw_report_init_indexed(
	    &s->report, targets, &s->alive, &s->errored, &s->lan.view,
	    (struct isw_report_counters){&s->hits, &s->icmp_errors, &s->duplicates, &s->arp_only},
	    sink, sink_arg);
	*out = s;
	return 0;
fail:
	isw_scan_free(s);
	return rc;
}

/* -i, -S and -G together: the user said where every frame goes; no route is asked. */
static int choose_given(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_route *r = &s->route;
	struct isw_prefix p[32];
	int rc = isw_route_iface(c->iface, r, errbuf);

	if (rc < 0)
		return rc;
	r->src = c->src_addr;
	if (c->arp != ISW_ARP_OFF && !r->raw_ip) {
		int np = isw_route_onlink_prefixes(r->iface, p, 32);
		int64_t n = isw_lan_init(&s->lan, s->targets, p, np > 0 ? (size_t)np : 0, r->src,
		                         r->src_mac, c->seed, c->oui_path, errbuf);
		if (n < 0)
			return (int)n;
		s->lan_active = n > 0;
	}
	memcpy(r->next_hop_mac, c->gw_mac, 6);
	r->next_hop = 0;
	return 0;
}

static int hop_unrouted(const struct isw_hop *h, const void *arg)
{
	(void)arg;
	return h->kind == ISW_HOP_UNROUTED;
}

static int hop_self(const struct isw_hop *h, const void *arg)
{
	(void)arg;
	return h->kind == ISW_HOP_SELF;
}

static int hop_elsewhere(const struct isw_hop *h, const void *arg)
{
	return (h->kind == ISW_HOP_GATEWAY || h->kind == ISW_HOP_ONLINK) &&
	       h->ifindex != *(const int *)arg;
}

/* The targets' routes: which interface (one per sweep), which source, and none of them
 * routed elsewhere. */
static int plan_routes(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_route_map *m = &s->routes;
	struct isw_route *r = &s->route;
	const struct isw_hop *first = NULL;
	char list[ISW_ERRBUF_SIZE / 2], name[IF_NAMESIZE], other[IF_NAMESIZE];
	int oif = 0, rc;

	if (c->iface) {
		oif = (int)if_nametoindex(c->iface);
		if (!oif) {
			snprintf(errbuf, ISW_ERRBUF_SIZE, "unknown interface '%s'", c->iface);
			return -ENODEV;
		}
	}
	rc = isw_route_map_build(m, s->targets, oif, errbuf);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < m->nhops; i++)
		if (m->hop[i].kind == ISW_HOP_UNROUTED)
			s->unrouted += m->hop[i].count;
	for (size_t i = 0; i < m->nsegs && !first; i++) {
		const struct isw_hop *h = &m->hop[m->segs[i].hop];
		if (h->kind == ISW_HOP_GATEWAY || h->kind == ISW_HOP_ONLINK)
			first = h;
	}
	if (!first) {
		int self = !s->unrouted;
		isw_route_map_describe(m, self ? hop_self : hop_unrouted, NULL,
		                       self ? NULL : isw_hop_unrouted_name, list, sizeof(list));
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         self ? "nothing to probe: the targets (%s) are this host's own or "
		                "broadcast addresses"
		              : "no route to %s",
		         list);
		return -ENETUNREACH;
	}
	r->ifindex = oif ? oif : first->ifindex;
	for (size_t i = 0; i < m->nhops; i++) {
		const struct isw_hop *h = &m->hop[i];
		if (!hop_elsewhere(h, &r->ifindex))
			continue;
		if (!if_indextoname((unsigned)h->ifindex, other))
			snprintf(other, sizeof(other), "interface %d", h->ifindex);
		if (!if_indextoname((unsigned)r->ifindex, name))
			snprintf(name, sizeof(name), "interface %d", r->ifindex);
		isw_route_map_describe(m, hop_elsewhere, &r->ifindex, NULL, list, sizeof(list));
		if (oif)
			snprintf(
			    errbuf, ISW_ERRBUF_SIZE,
			    "targets %s are routed through %s, not -i %s: sweep them in a "
			    "separate run with -i %s (or give -i, -S and -G to send regardless "
			    "of routes)",
			    list, other, name, other);
		else
			snprintf(errbuf, ISW_ERRBUF_SIZE,
			         "targets %s are routed through %s, the others through %s: a sweep "
			         "sends on one interface; run one sweep per interface (-i)",
			         list, other, name);
		return -EINVAL;
	}
	if (!if_indextoname((unsigned)r->ifindex, name)) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "route: interface %d vanished", r->ifindex);
		return -ENODEV;
	}
	r->src = c->src_addr ? c->src_addr : first->src;
	rc = isw_route_iface(name, r, errbuf);
	if (rc < 0)
		return rc;
	if (!r->src) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "interface '%s' has no IPv4 address; use -S",
		         r->iface);
		return -EADDRNOTAVAIL;
	}
	return 0;
}

/* The on-link targets as ranges for the ARP pass: the routes' own view of the link. */
static int onlink_ranges(const struct isw_route_map *m, struct isw_prefix **out, size_t *n)
{
	*n = 0;
	*out = malloc((m->nsegs ? m->nsegs : 1) * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < m->nsegs; i++) {
		if (m->hop[m->segs[i].hop].kind != ISW_HOP_ONLINK)
			continue;
		(*out)[*n].lo = m->segs[i].lo;
		(*out)[(*n)++].hi = m->segs[i].hi;
	}
	return 0;
}

/* Each next hop's MAC: the gateways' from the neighbour table (re-confirmed when stale), the
 * on-link hosts' from the ARP pass. */
static int resolve_hops(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_route_map *m = &s->routes;
	struct isw_route *r = &s->route;
	const struct isw_hop *main_hop = NULL;
	int rc;

	if (c->arp != ISW_ARP_OFF && !r->raw_ip) {
		struct isw_prefix *p;
		size_t np;
		int64_t n;

		rc = onlink_ranges(m, &p, &np);
		if (rc < 0)
			return rc;
		n = isw_lan_init(&s->lan, s->targets, p, np, r->src, r->src_mac, c->seed,
		                 c->oui_path, errbuf);
		free(p);
		if (n < 0)
			return (int)n;
		s->lan_active = n > 0;
	}
	if (c->arp == ISW_ARP_ONLY)
		return 0;
	for (size_t i = 0; i < m->nsegs; i++) {
		struct isw_hop *h = &m->hop[m->segs[i].hop];
		struct isw_route nh = *r;
		char a[ISW_ADDR_STRLEN];

		if (h->kind == ISW_HOP_ONLINK && s->lan_active)
			continue;
		if ((h->kind != ISW_HOP_GATEWAY && h->kind != ISW_HOP_ONLINK) || r->raw_ip)
			continue;
		if (!main_hop)
			main_hop = h;
		if (c->have_gw_mac) {
			memcpy(h->mac, c->gw_mac, 6);
			continue;
		}
		if (h->kind == ISW_HOP_ONLINK && h->count > 1) {
			/* --no-arp: one next-hop MAC cannot reach many on-link hosts. */
			snprintf(
			    errbuf, ISW_ERRBUF_SIZE,
			    "targets such as %s are on-link on %s: without the ARP pass, give a "
			    "next hop with -G MAC",
			    isw_addr_str(m->segs[i].lo, a), r->iface);
			return -EOPNOTSUPP;
		}
		if (h->mac[0] | h->mac[1] | h->mac[2] | h->mac[3] | h->mac[4] | h->mac[5])
			continue; /* resolved for an earlier segment */
		nh.next_hop = h->kind == ISW_HOP_GATEWAY ? h->gateway : m->segs[i].lo;
		rc = isw_route_resolve_mac(&nh, ARP_WAIT_MS, errbuf);
		if (rc < 0)
			return rc;
		memcpy(h->mac, nh.next_hop_mac, 6);
	}
	if (main_hop) {
		memcpy(r->next_hop_mac, main_hop->mac, 6);
		r->next_hop = c->have_gw_mac ? 0 : main_hop->gateway;
		r->gateway = main_hop->gateway;
	}
	/* One next hop for every target: the template's MAC serves them all. */
	s->route_per_probe = !(m->nhops == 1 && m->hop[0].kind == ISW_HOP_GATEWAY);
	return 0;
}

/* Decides interface, source and next hops: the kernel's route to each target, with the
 * user's overrides on top. */
static int choose_route(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_route *r = &s->route;
	int rc;

	memset(r, 0, sizeof(*r));
	if (c->dry_run) {
		snprintf(r->iface, sizeof(r->iface), "%s", c->iface ? c->iface : "dry-run");
		r->src = c->src_addr;
		if (c->have_gw_mac)
			memcpy(r->next_hop_mac, c->gw_mac, 6);
		return 0;
	}
	rc = c->iface && c->src_addr && c->have_gw_mac ? choose_given(s, errbuf)
	                                               : plan_routes(s, errbuf);
	if (rc == 0 && !(c->iface && c->src_addr && c->have_gw_mac))
		rc = resolve_hops(s, errbuf);
	if (rc < 0)
		return rc;
	if (c->arp == ISW_ARP_ONLY && !s->lan_active) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "--arp-only: no target is on a network attached to %s", r->iface);
		return -EINVAL;
	}
	return 0;
}

static void on_arp(struct isw_scan *s, const uint8_t *pkt, size_t caplen, int64_t ts_us);

static void trace_packet(struct isw_scan *s, const uint8_t *pkt, size_t caplen, int64_t ts_us,
                         enum isw_match_verdict v, const struct isw_result *r, int duplicate)
{
	char comment[160];

	if (s->cfg.trace_pcapng)
		isw_match_describe(v, r, duplicate, comment, sizeof(comment));
	isw_trace_writer_put(s->trace, ts_us, pkt, (uint32_t)caplen, (uint32_t)caplen,
	                     s->cfg.trace_pcapng ? comment : NULL);
}

static void on_packet(void *arg, const uint8_t *pkt, size_t caplen, int64_t ts_us)
{
	struct isw_scan *s = arg;
	struct isw_result r;
	enum isw_match_verdict v;
	int64_t idx = -1;
	int reported;

	if ((s->lan_active || s->nh_watch) && caplen >= 14 && pkt[12] == 0x08 && pkt[13] == 0x06) {
		on_arp(s, pkt, caplen, ts_us);
		return;
	}
	v = isw_match_packet(&s->matcher, pkt, caplen, ts_us, &r);
	/* A valid tag for an address we never probed comes from an earlier scan with the same
	 * seed: not an answer to this one. */
	if (v == ISW_MATCH_VALID && (idx = isw_targets_index(s->targets, r.addr)) < 0)
		v = ISW_MATCH_BAD_TAG;
	if (v != ISW_MATCH_VALID) {
		atomic_fetch_add_explicit(&s->invalid, 1, memory_order_relaxed);
		if (s->trace)
			trace_packet(s, pkt, caplen, ts_us, v, &r, 0);
		return;
	}
	atomic_fetch_add_explicit(&s->replies, 1, memory_order_relaxed);
	/* Live dedupe is by index into bitmaps: it neither allocates nor fails. */
	reported = isw_report_answer(&s->report, &r, idx);
	if (s->trace)
		trace_packet(s, pkt, caplen, ts_us, v, &r, reported == ISW_REPORT_DUPLICATE);
	/* -c auto and the pauses between passes judge from the RTTs; --adaptive pairs answers
	 * with probes by them. */
	if (reported == ISW_REPORT_NEW && r.rtt_ms >= 0)
		isw_rtt_hist_add(&s->rtt, r.rtt_ms);
}

static void on_arp(struct isw_scan *s, const uint8_t *pkt, size_t caplen, int64_t ts_us)
{
	struct isw_arp_packet a;
	char comment[96];
	int learned = 0, ok = isw_arp_parse(pkt, caplen, &a);

	if (ok && s->lan_active)
		learned = isw_lan_learn(&s->lan, &a);
	/* The next hop answering us (path-health.c asked): from which MAC, and when. */
	if (ok && s->nh_watch && a.op == 2 && a.spa == s->nh_watch && a.tpa == s->route.src) {
		uint64_t mac = 0;

		for (int k = 0; k < 6; k++)
			mac = mac << 8 | a.sha[k];
		atomic_store_explicit(&s->nh_arp_mac, mac, memory_order_relaxed);
		atomic_store_explicit(&s->nh_arp_at_ns, isw_now_ns(), memory_order_release);
	}
	if (!s->trace)
		return;
	/* A frame that did not parse has no fields to show (a is unset). */
	if (s->cfg.trace_pcapng)
		isw_arp_describe(ok ? &a : NULL, learned, comment, sizeof(comment));
	isw_trace_writer_put(s->trace, ts_us, pkt, (uint32_t)caplen, (uint32_t)caplen,
	                     s->cfg.trace_pcapng ? comment : NULL);
}

/* After the cooldown: on-link hosts that answered ARP but never ICMP are present too. */
static void report_arp_only(struct isw_scan *s)
{
	isw_report_arp_only(&s->report, (int64_t)(isw_wall_ns() / 1000), &s->stop_capture);
}

static void trace_probe_log(struct isw_scan *s, struct isw_probe_log *log)
{
	struct isw_probe_rec rec;
	uint8_t frame[ISW_PROBE_MAX_LEN];
	char comment[64], a[ISW_ADDR_STRLEN];

	while (isw_probe_log_pop(log, &rec)) {
		int arp = rec.probe == ISW_PROBE_REC_ARP;
		uint32_t len = arp ? s->lan.tmpl.len : s->tmpl.len;

		if (arp) {
			isw_arp_patch(&s->lan.tmpl, frame, rec.dst);
		} else {
			uint8_t mac[6];

			isw_probe_patch(&s->tmpl, &s->key, frame, rec.dst, rec.probe, rec.send_ns);
			if (isw_scan_next_hop(s, rec.dst, mac) == ISW_NEXT_HOP_MAC)
				memcpy(frame, mac, 6);
		}
		/* Only pcapng has comments: plain pcap skips the formatting. */
		if (s->cfg.trace_pcapng) {
			isw_addr_str(rec.dst, a);
			if (arp)
				snprintf(comment, sizeof(comment), "ARP request for %s", a);
			else
				snprintf(comment, sizeof(comment), "probe to %s, attempt %u", a,
				         rec.probe);
		}
		isw_trace_writer_put(s->trace, (int64_t)(rec.send_ns / 1000), frame, len, len,
		                     s->cfg.trace_pcapng ? comment : NULL);
	}
}

/* Writes the probes the senders logged since the last call, rebuilt from the template. */
static void trace_probes(struct isw_scan *s)
{
	for (unsigned k = 0; k < s->nsenders; k++)
		trace_probe_log(s, &s->probe_log[k]);
}

static void publish_rx_stats(struct isw_scan *s)
{
	uint64_t recv, drop, ifdrop;

	isw_rx_stats(s->rx, &recv, &drop, &ifdrop);
	atomic_store(&s->pcap_recv, recv);
	atomic_store(&s->pcap_drop, drop);
	atomic_store(&s->pcap_ifdrop, ifdrop);
}

uint64_t isw_answer_wait_ns(struct isw_scan *s)
{
	uint64_t max = (uint64_t)(s->cfg.cooldown_s * 1e9), t;
	double p99;

	if (!s->cfg.cooldown_auto)
		return max;
	p99 = isw_rtt_hist_quantile_ms(&s->rtt, 0.99);
	/* Four p99s, and never below 100 ms: timer and scheduling noise on a fast LAN. */
	t = p99 < 0 ? 1000000000u : (uint64_t)(4.0 * p99 * 1e6);
	if (t < 100000000u)
		t = 100000000u;
	return t < max ? t : max;
}

/* cooldown.h has the rule; the capture thread feeds it the send history and the RTTs. */
static int cooldown_over(struct isw_scan *s, const struct isw_send_history *h)
{
	/* Without memory for the history, -c auto waits its cap: slower, nothing lost. */
	struct isw_cooldown_params p = {s->cfg.cooldown_auto && h, s->cfg.cooldown_s};
	uint64_t end = atomic_load(&s->send_end_ns), counts[ISW_RTT_BUCKETS];

	if (atomic_load(&s->sending) || !end)
		return 0;
	isw_rtt_hist_snapshot(&s->rtt, counts);
	return isw_cooldown_over(&p, h, counts, end, isw_now_ns());
}

static void *capture_main(void *arg)
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
			isw_send_history_note(hist, now, atomic_load(&s->sent));
		if (atomic_load(&s->stop_capture) || cooldown_over(s, hist))
			break;

		if (s->trace_probes)
			trace_probes(s);
		if (isw_rx_dispatch(s->rx, 50, on_packet, s) < 0) {
			/* Answers from now on are lost: say so, and stop sending into the void
			 * (unless the interface is gone, which says it all). */
			if (!(atomic_load(&s->path_faults) & ISW_FAULT_LINK_GONE))
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
	for (int i = 0; i < 1000 && isw_rx_dispatch(s->rx, 0, on_packet, s) > 0; i++)
		;
	publish_rx_stats(s);
	if (s->lan_active)
		report_arp_only(s);
	if (s->trace_probes)
		trace_probes(s);
	if (s->trace)
		isw_trace_writer_flush(s->trace);
	free(hist);
	atomic_store(&s->capturing, 0);
	return NULL;
}

static void *supervise(void *arg);

static int open_trace(struct isw_scan *s, char *errbuf)
{
	static const int dlt[] = {
	    [ISW_LINK_ETHERNET] = DLT_EN10MB,
	    [ISW_LINK_RAW_IP] = DLT_RAW,
	    [ISW_LINK_LINUX_SLL] = DLT_LINUX_SLL,
	};
	struct isw_trace_writer_opts o = {
	    .path = s->cfg.trace_path,
	    .pcapng = s->cfg.trace_pcapng,
	    .rotate_bytes = s->cfg.trace_rotate_bytes,
	    .dlt = dlt[s->matcher.link],
	    .snaplen = 256,
	    .comment = s->cfg.trace_comment,
	};
	int rc;

	if (!s->cfg.trace_path)
		return 0;
	rc = isw_trace_writer_open(&s->trace, &o, errbuf);
	if (rc < 0)
		return rc;
	if (s->cfg.trace_probes) {
		/* 2^20 records: a second of probes at a million per second. */
		for (unsigned k = 0; k < s->nsenders; k++)
			if (isw_probe_log_init(&s->probe_log[k], 20) < 0)
				return -ENOMEM;
		s->trace_probes = 1;
	}
	return 0;
}

/* CPUs this process may run on. */
static unsigned usable_cpus(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/* Queues an AF_XDP socket can bind on iface: both directions (the kernel checks both). */
static unsigned device_queues(const char *iface)
{
	char path[96];
	unsigned rx = 0, tx = 0;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", iface);
	d = opendir(path);
	if (!d)
		return 1;
	while ((e = readdir(d))) {
		rx += !strncmp(e->d_name, "rx-", 3);
		tx += !strncmp(e->d_name, "tx-", 3);
	}
	closedir(d);
	rx = rx < tx ? rx : tx;
	return rx ? rx : 1;
}

/* -T N opens N handles of the backend; -T auto (0) one per CPU, but for xdp (asked for, or
 * tried first by --tx auto) no more than the device has queues, as thread k binds queue k.
 * When xdp does not open with those, --tx auto goes on to the others with one per CPU. */
static int open_senders(struct isw_scan *s, const struct isw_tx_params *tp, char *errbuf)
{
	unsigned cpus = usable_cpus(), q;
	const struct isw_tx_ops *xdp = &isw_tx_xdp_ops;
	int rc;

	if (s->cfg.senders || s->cfg.dry_run) {
		/* A dry run prints in order from one thread. */
		s->nsenders = s->cfg.senders ? s->cfg.senders : 1;
		return isw_tx_open_n(&s->tx_ops, s->tx, s->nsenders, tp, errbuf);
	}
	if (cpus > ISW_MAX_SENDERS)
		cpus = ISW_MAX_SENDERS;
	if (s->tx_ops == &isw_tx_xdp_ops || s->tx_ops == &isw_tx_auto_ops) {
		q = device_queues(tp->iface);
		s->nsenders = q < cpus ? q : cpus;
		rc = isw_tx_open_n(&xdp, s->tx, s->nsenders, tp, errbuf);
		if (rc == 0 || s->tx_ops == &isw_tx_xdp_ops) {
			s->tx_ops = xdp;
			return rc;
		}
	}
	s->nsenders = cpus;
	return isw_tx_open_n(&s->tx_ops, s->tx, s->nsenders, tp, errbuf);
}

int isw_scan_prepare(isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_probe_params pp = {0};
	struct isw_tx_params tp = {0};
	int rc;

	if (s->prepared)
		return 0;

	if (c->dry_run) {
		s->tx_ops = &isw_tx_dry_run_ops;
	} else {
		s->tx_ops = isw_tx_find(c->tx ? c->tx : "auto");
		if (!s->tx_ops) {
			snprintf(errbuf, ISW_ERRBUF_SIZE,
			         "unknown transmit backend '%s' (have: %s)", c->tx, isw_tx_names());
			return -EINVAL;
		}
	}
	rc = choose_route(s, errbuf);
	if (rc < 0)
		return rc;

	pp.src = s->route.src;
	memcpy(pp.src_mac, s->route.src_mac, 6);
	memcpy(pp.dst_mac, s->route.next_hop_mac, 6);
	pp.ttl = c->ttl;
	pp.raw_ip = s->route.raw_ip;
	rc = isw_probe_template_init(&s->tmpl, &pp, errbuf);
	if (rc < 0)
		return rc;
	/* The next hop is watched only where the kernel resolved it for us: not with -G, not
	 * on-link (the ARP pass covers those), not on a link without MACs. */
	if (!c->dry_run && s->route.gateway && s->route.next_hop && !c->have_gw_mac &&
	    !s->route.raw_ip) {
		rc = isw_arp_template_init(&s->nh_arp, s->route.src_mac, s->route.src, errbuf);
		if (rc < 0)
			return rc;
		s->nh_watch = s->route.next_hop;
	}

	tp.iface = s->route.iface;
	tp.raw_ip = s->route.raw_ip;
	tp.zerocopy = (int)c->xdp_zerocopy;
	tp.out = c->dry_run_out;
	tp.hold = &s->path_pause;
	/* "auto" becomes the backend it picks: the same for every sender thread. */
	rc = open_senders(s, &tp, errbuf);
	if (rc < 0)
		return rc;

	s->matcher.key = s->key;
	s->matcher.src_addr = s->route.src;
	if (!c->dry_run) {
		struct isw_rx_params rp = {
		    .iface = s->route.iface,
		    .src = s->route.src,
		    .buffer_bytes = c->pcap_buffer,
		    .arp = s->lan_active || s->nh_watch,
		};
		/* Capture opens before the first probe leaves, or early answers would be lost. */
		rc = isw_rx_open(&s->rx, &rp, errbuf);
		if (rc < 0)
			return rc;
		s->matcher.link = isw_rx_link(s->rx);
		rc = open_trace(s, errbuf);
		if (rc < 0)
			return rc;
	}
	s->prepared = 1;
	return 0;
}

uint64_t isw_scan_onlink(const isw_scan *s)
{
	return s->lan_active ? s->lan.n : 0;
}

uint64_t isw_scan_unrouted(const isw_scan *s, char *buf, size_t size)
{
	if (size)
		buf[0] = 0;
	if (s->unrouted && size)
		isw_route_map_describe(&s->routes, hop_unrouted, NULL, isw_hop_unrouted_name, buf,
		                       size);
	return s->unrouted;
}

int isw_scan_start(isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	int rc = isw_scan_prepare(s, errbuf);

	if (rc < 0)
		return rc;
	s->start_ns = isw_now_ns();
	atomic_store(&s->current_rate, c->rate);
	atomic_store(&s->sending, 1);
	atomic_store(&s->pass, 1);
	if (c->dry_run) {
		rc = pthread_create(&s->sender, NULL, isw_sender_main, s);
	} else {
		atomic_store(&s->capturing, 1);
		rc = pthread_create(&s->capture, NULL, capture_main, s);
		if (rc != 0)
			atomic_store(&s->capturing, 0);
		if (rc == 0) {
			rc = pthread_create(&s->sender, NULL, isw_sender_main, s);
			if (rc != 0) {
				atomic_store(&s->stop_capture, 1);
				pthread_join(s->capture, NULL);
			}
		}
	}
	if (rc != 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot start threads: %s", strerror(rc));
		return -rc;
	}
	/* A small supervisor joins both threads and flags the end, so isw_scan_wait is a plain
	 * condition wait and the caller's thread stays free for signals and status. */
	rc = pthread_create(&s->supervisor, NULL, supervise, s);
	if (rc != 0) {
		isw_scan_stop(s, 1);
		supervise(s);
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot start threads: %s", strerror(rc));
		return -rc;
	}
	s->threads_started = 1;
	return 0;
}

static void *supervise(void *arg)
{
	struct isw_scan *s = arg;

	/* Watches the path until both threads are done (path-health.c). */
	if (!s->cfg.dry_run)
		isw_health_run(s);
	pthread_join(s->sender, NULL);
	if (!s->cfg.dry_run)
		pthread_join(s->capture, NULL);
	isw_done_flag_set(&s->finished);
	return NULL;
}

void isw_scan_stop(isw_scan *s, int skip_cooldown)
{
	atomic_store(&s->stop_sending, 1);
	if (skip_cooldown)
		atomic_store(&s->stop_capture, 1);
}

int isw_scan_wait(isw_scan *s, int timeout_ms)
{
	return isw_done_flag_wait(&s->finished, timeout_ms);
}

void isw_scan_get_stats(const isw_scan *cs, struct isw_scan_stats *st)
{
	struct isw_scan *s = (struct isw_scan *)cs;
	uint64_t now = isw_now_ns(), first = atomic_load(&s->first_send_ns),
	         end = atomic_load(&s->send_end_ns);

	memset(st, 0, sizeof(*st));
	st->targets = s->n;
	st->sent = atomic_load(&s->sent);
	st->send_errors = atomic_load(&s->send_errors);
	st->skipped = atomic_load(&s->skipped);
	st->done = atomic_load(&s->done);
	st->pass = atomic_load(&s->pass);
	st->hits = atomic_load(&s->hits);
	st->icmp_errors = atomic_load(&s->icmp_errors);
	st->replies = atomic_load(&s->replies);
	st->duplicates = atomic_load(&s->duplicates);
	st->invalid = atomic_load(&s->invalid);
	st->pcap_recv = atomic_load(&s->pcap_recv);
	st->pcap_drop = atomic_load(&s->pcap_drop);
	st->pcap_ifdrop = atomic_load(&s->pcap_ifdrop);
	st->elapsed_s = s->start_ns ? (double)(now - s->start_ns) / 1e9 : 0;
	if (first)
		st->send_elapsed_s = (double)((end ? end : now) - first) / 1e9;
	st->onlink = s->lan_active ? s->lan.n : 0;
	st->arp_sent = atomic_load(&s->arp_sent);
	st->arp_hosts = atomic_load(&s->lan.hosts);
	st->arp_conflicts = atomic_load(&s->lan.conflicts);
	st->arp_only = atomic_load(&s->arp_only);
	st->absent = atomic_load(&s->absent);
	st->unrouted = s->unrouted;
	st->current_rate = atomic_load(&s->current_rate);
	st->slowdowns = atomic_load(&s->slowdowns);
	st->slow_reason = atomic_load(&s->slow_reason);
	st->send_busy_s = (double)atomic_load(&s->send_busy_ns) / 1e9;
	st->sending = atomic_load(&s->sending);
	st->finished = isw_done_flag_get(&s->finished);
	st->path_faults = atomic_load(&s->path_faults);
	st->send_errno = atomic_load(&s->send_errno);
	st->send_errors_resent = atomic_load(&s->send_errors_resent);
	st->carrier_losses = atomic_load(&s->carrier_losses);
	st->carrier_down = atomic_load(&s->path_pause);
	st->carrier_down_s = (double)atomic_load(&s->down_total_ns) / 1e9;
	if (st->carrier_down)
		st->carrier_down_s += (double)(now - atomic_load(&s->down_since_ns)) / 1e9;
	st->resent = atomic_load(&s->resent);
	{
		uint64_t mac = atomic_load(&s->neigh_mac_now);
		for (int k = 5; k >= 0; k--, mac >>= 8)
			st->next_hop_mac_now[k] = (uint8_t)mac;
	}
}

void isw_scan_get_route(const isw_scan *s, struct isw_scan_route *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->iface, sizeof(r->iface), "%s", s->route.iface);
	r->src_addr = s->route.src;
	memcpy(r->src_mac, s->route.src_mac, 6);
	memcpy(r->gw_mac, s->route.next_hop_mac, 6);
	r->next_hop = s->route.next_hop;
	for (size_t i = 0; i < s->routes.nhops; i++)
		r->gateways += s->routes.hop[i].kind == ISW_HOP_GATEWAY;
	r->tx = s->tx_ops ? s->tx_ops->name : NULL;
	r->senders = s->nsenders;
	if (!s->tx_ops || !s->tx_ops->describe)
		return;
	/* Every handle reports its mode; the first with a note speaks for them. */
	for (unsigned k = 0; k < s->nsenders && s->tx[k]; k++) {
		s->tx_ops->describe(s->tx[k], r->tx_mode, sizeof(r->tx_mode), r->tx_note,
		                    sizeof(r->tx_note));
		if (r->tx_note[0])
			break;
	}
}

void isw_scan_free(isw_scan *s)
{
	if (!s)
		return;
	if (s->threads_started) {
		isw_scan_stop(s, 1);
		pthread_join(s->supervisor, NULL);
	}
	for (unsigned k = 0; k < ISW_MAX_SENDERS; k++)
		if (s->tx[k])
			s->tx_ops->close(s->tx[k]);
	isw_rx_close(s->rx);
	isw_lan_free(&s->lan);
	isw_route_map_free(&s->routes);
	isw_trace_writer_close(s->trace);
	for (unsigned k = 0; k < ISW_MAX_SENDERS; k++)
		isw_probe_log_destroy(&s->probe_log[k]);
	isw_bitmap_destroy(&s->alive);
	isw_bitmap_destroy(&s->errored);
	isw_done_flag_destroy(&s->finished);
	free(s);
}

int isw_scan_trace_error(const isw_scan *s, char *errbuf)
{
	return s && s->trace ? isw_trace_writer_error(s->trace, errbuf) : 0;
}
