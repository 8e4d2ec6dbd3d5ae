/* SPDX-License-Identifier: BSD-2-Clause */
/* Scan lifecycle: new, prepare (route, template, transmit and capture handles, trace), start
 * the threads, stop, wait, free.  The route choice is in scan-route.c, the capture thread in
 * scan-capture.c, the senders in sender.c, the reports in scan-stats.c. */
#define _GNU_SOURCE /* sched_getaffinity */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "icmpsweep/error.h"
#include "icmpsweep/trace.h"
#include "scan-internal.h"

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
	if (cfg->shards > 1 && cfg->shard >= cfg->shards) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "shard %u of %u does not exist (0..%u)",
		         cfg->shard, cfg->shards, cfg->shards - 1);
		return -EINVAL;
	}
	/* A trace record names an IPv6 probe by its index in 40 bits (probe-log.h). */
	if (isw_targets_count_v6(targets) >= (uint64_t)255 << 32) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "%llu IPv6 targets: at most %llu in one sweep",
		         (unsigned long long)isw_targets_count_v6(targets),
		         (unsigned long long)((uint64_t)255 << 32) - 1);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cfg = *cfg;
	s->targets = targets;
	s->n = isw_targets_count(targets);
	s->send.nsenders = cfg->senders;
	s->sink = sink;
	s->sink_arg = sink_arg;
	s->ping_fd = -1;
	s->ping_fd6 = -1;
	isw_done_flag_init(&s->finished);
	rc = isw_perm_init(&s->send.perm, s->n, cfg->seed);
	if (rc < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot order %llu targets",
		         (unsigned long long)s->n);
		goto fail;
	}
	isw_shard_init(&s->send.shard, &s->send.perm, s->n, cfg->shard, cfg->shards);
	s->shard_targets = isw_shard_slots(&s->send.shard);
	/* --max-targets: the first of the shared order, each shard probing its part of them;
	 * the ARP pass, unrouted counts and answer slots follow the narrower range. */
	if (cfg->max_targets)
		isw_shard_cap(&s->send.shard, cfg->max_targets);
	isw_tag_key_init(&s->send.key, cfg->seed);
	if (isw_bitmap_init(&s->alive, isw_shard_slots(&s->send.shard)) < 0 ||
	    isw_bitmap_init(&s->errored, isw_shard_slots(&s->send.shard)) < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "out of memory for %llu targets",
		         (unsigned long long)s->n);
		rc = -ENOMEM;
		goto fail;
	}
	isw_report_init_indexed(
	    &s->report, targets, &s->send.shard, &s->alive, &s->errored, &s->lan.view,
	    (struct isw_report_counters){&s->hits, &s->icmp_errors, &s->duplicates, &s->arp_only,
	                                 &s->ndp_only},
	    sink, sink_arg);
	*out = s;
	return 0;
fail:
	isw_scan_free(s);
	return rc;
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
	    .dlt = dlt[s->link[0].matcher.link],
	    .snaplen = 256,
	    .comment = s->cfg.trace_comment,
	};
	int rc;

	if (!s->cfg.trace_path)
		return 0;
	for (unsigned l = 1; l < s->nlinks; l++)
		if (s->link[l].matcher.link != s->link[0].matcher.link) {
			snprintf(
			    errbuf, ISW_ERRBUF_SIZE,
			    "-w: %s and %s differ in link type, and a trace holds one: run one "
			    "sweep per interface (-i)",
			    s->link[0].route.iface, s->link[l].route.iface);
			return -EINVAL;
		}
	rc = isw_trace_writer_open(&s->trace, &o, errbuf);
	if (rc < 0)
		return rc;
	if (s->cfg.trace_probes) {
		/* 2^20 records: a second of probes at a million per second. */
		for (unsigned k = 0; k < s->send.nsenders; k++)
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
 * When xdp does not open with those, --tx auto goes on to the others with one per CPU.
 * Interfaces after the first open what the first opened, as many. */
static int open_senders(struct isw_scan *s, const struct isw_tx_params *tp, char *errbuf)
{
	unsigned cpus = usable_cpus(), q;
	const struct isw_tx_ops *xdp = &isw_tx_xdp_ops;
	struct isw_tx **tx = s->send.link[0].tx;
	int rc;

	if (s->cfg.senders || s->cfg.dry_run) {
		/* A dry run prints in order from one thread. */
		s->send.nsenders = s->cfg.senders ? s->cfg.senders : 1;
		return isw_tx_open_n(&s->send.tx_ops, tx, s->send.nsenders, tp, errbuf);
	}
	if (cpus > ISW_MAX_SENDERS)
		cpus = ISW_MAX_SENDERS;
	/* AF_XDP binds one device's queues per sender thread; several interfaces are sent on
	 * through the kernel (ring, libnet). */
	if (s->send.tx_ops == &isw_tx_xdp_ops && s->nlinks > 1) {
		snprintf(
		    errbuf, ISW_ERRBUF_SIZE,
		    "--tx xdp sends on one interface, but the targets' routes use %u (%s, %s%s): "
		    "give --tx ring or libnet, or run one sweep per interface (-i)",
		    s->nlinks, s->link[0].route.iface, s->link[1].route.iface,
		    s->nlinks > 2 ? ", ..." : "");
		return -EINVAL;
	}
	if (s->send.tx_ops == &isw_tx_xdp_ops ||
	    (s->send.tx_ops == &isw_tx_auto_ops && s->nlinks == 1)) {
		q = device_queues(tp->iface);
		s->send.nsenders = q < cpus ? q : cpus;
		rc = isw_tx_open_n(&xdp, tx, s->send.nsenders, tp, errbuf);
		if (rc == 0 || s->send.tx_ops == &isw_tx_xdp_ops) {
			s->send.tx_ops = xdp;
			return rc;
		}
	}
	s->send.nsenders = cpus;
	if (s->send.tx_ops == &isw_tx_auto_ops && s->nlinks > 1)
		s->send.tx_ops = &isw_tx_ring_ops; /* the fastest that is not xdp */
	return isw_tx_open_n(&s->send.tx_ops, tx, s->send.nsenders, tp, errbuf);
}

/* Each interface's probe template and next-hop ARP check, from its route. */
static int link_templates(struct isw_scan *s, struct isw_scan_link *l, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	const struct isw_route *r = &l->route;
	struct isw_send_link *k = &s->send.link[l->index];
	struct isw_probe_params pp = {0};
	int rc;

	pp.src = r->src;
	memcpy(pp.src_mac, r->src_mac, 6);
	memcpy(pp.dst_mac, r->next_hop_mac, 6);
	pp.ttl = c->ttl;
	pp.raw_ip = r->raw_ip;
	rc = isw_probe_template_init(&k->tmpl, &pp, errbuf);
	if (rc < 0)
		return rc;
	if (r->have_src6 || (c->dry_run && isw_targets_count_v6(s->targets))) {
		struct isw_probe6_params p6 = {.hop_limit = c->hop_limit, .raw_ip = r->raw_ip};

		memcpy(p6.src, r->src6, 16);
		memcpy(p6.src_mac, r->src_mac, 6);
		/* Every IPv6 probe takes its next hop's MAC (isw_next_hop6); -G's for a dry run. */
		memcpy(p6.dst_mac, r->next_hop_mac, 6);
		rc = isw_probe6_template_init(&k->tmpl6, &p6, errbuf);
		if (rc < 0)
			return rc;
		if (s->lan6_active && !r->raw_ip)
			isw_ndp_template_init(&k->ns, r->src_mac, r->src6);
		k->group = l->group;
		memcpy(k->group_src, l->ll6, 16);
		k->ifindex = (uint32_t)r->ifindex;
	}
	/* The next hop is watched only where the kernel resolved it for us: not with -G, not
	 * on-link (the ARP pass covers those), not on a link without MACs. */
	if (!c->dry_run && r->gateway && r->next_hop && !c->have_gw_mac && !r->raw_ip) {
		rc = isw_arp_template_init(&k->nh_arp, r->src_mac, r->src, errbuf);
		if (rc < 0)
			return rc;
		l->nh_watch = k->nh_watch = r->next_hop;
	}
	return 0;
}

/* Every interface's transmit handles: the first picks the backend and the thread count. */
static int open_links_tx(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_tx_params tp = {0};
	int rc;

	tp.zerocopy = (int)c->xdp_zerocopy;
	tp.out = c->dry_run_out;
	tp.hold = &s->flags.path_pause;
	tp.ping_fd = s->ping_fd;
	tp.ping_fd6 = s->ping_fd6;
	for (unsigned l = 0; l < s->nlinks; l++) {
		tp.iface = s->link[l].route.iface;
		tp.raw_ip = s->link[l].route.raw_ip;
		tp.ipv6 = s->link[l].route.have_src6;
		/* "auto" becomes the backend it picks: the same for every sender thread. */
		rc = l ? isw_tx_open_n(&s->send.tx_ops, s->send.link[l].tx, s->send.nsenders, &tp,
		                       errbuf)
		       : open_senders(s, &tp, errbuf);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Every interface's capture, each matching answers to its own source address. */
static int open_links_rx(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	int rc;

	for (unsigned k = 0; k < s->nlinks; k++) {
		struct isw_scan_link *l = &s->link[k];
		struct isw_rx_params rp = {
		    .iface = l->route.iface,
		    .src = l->route.src,
		    .src6 = l->route.have_src6 ? l->route.src6 : NULL,
		    .buffer_bytes = c->pcap_buffer,
		    .arp = (s->lan_active && s->lan_link == k) || l->nh_watch,
		    .ndp = s->lan6_active && l->route.have_src6,
		    .ll6 = l->group ? l->ll6 : NULL,
		};

		l->matcher.key = s->send.key;
		l->matcher.src_addr = l->route.src;
		/* ICMPv6 answers to this link's IPv6 source; link-local ones get its scope. */
		l->matcher.ipv6 = l->route.have_src6;
		memcpy(l->matcher.src6, l->route.src6, 16);
		l->matcher.group6 = l->group;
		memcpy(l->matcher.ll6, l->ll6, 16);
		l->matcher.ifindex = (uint32_t)l->route.ifindex;
		/* Capture opens before the first probe leaves, or early answers would be lost. */
		rc = isw_rx_open(&l->rx, &rp, errbuf);
		if (rc < 0)
			return rc;
		l->matcher.link = isw_rx_link(l->rx);
	}
	return 0;
}

/* The senders' view of the scan (sender.h), once the tables it points into are final; the
 * permutation, tag key, template and transmit handles are already in place. */
static void fill_send_ctx(struct isw_scan *s)
{
	const struct isw_config *c = &s->cfg;
	struct isw_send_ctx *x = &s->send;

	x->n = s->n;
	x->n4 = s->n - isw_targets_count_v6(s->targets);
	x->targets = s->targets;
	/* None with -i, -S and -G: the template's next hop serves every IPv6 target. */
	x->hops.routes6 =
	    x->n4 < x->n && !c->dry_run && !isw_scan_route_given(s) ? &s->routes6 : NULL;
	x->hops.routes = s->route_per_probe ? &s->routes : NULL;
	x->hops.lan = s->lan_active ? &s->lan : NULL;
	x->hops.lan_link = s->lan_link;
	x->lan = s->lan_active ? &s->lan : NULL;
	x->lan6 = s->lan6_active ? &s->lan6 : NULL;
	x->nlinks = s->nlinks;
	x->lan_link = s->lan_link;
	x->alive = &s->alive;
	x->errored = &s->errored;
	x->rate = c->rate;
	x->passes = c->arp == ISW_ARP_ONLY ? 0 : c->probes;
	/* ARP is retried like -P, but at least twice (as arp-scan does). */
	x->arp_tries = c->probes > 2 ? c->probes : 2;
	x->adaptive = c->adaptive;
	x->dry_run = c->dry_run;
	x->answer_wait.auto_mode = c->cooldown_auto;
	x->answer_wait.cooldown_s = c->cooldown_s;
	x->probe_log = s->trace_probes ? s->probe_log : NULL;
	x->rtt = &s->rtt;
	x->replies = &s->replies;
	x->pcap_drop = &s->pcap_drop;
	x->pcap_ifdrop = &s->pcap_ifdrop;
	x->stop_capture = &s->stop_capture;
	x->flags = &s->flags;
	x->count = &s->count;
}

int isw_scan_prepare(isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	int rc;

	if (s->prepared)
		return 0;

	if (c->dry_run) {
		s->send.tx_ops = &isw_tx_dry_run_ops;
	} else {
		s->send.tx_ops = isw_tx_find(c->tx ? c->tx : "auto");
		if (!s->send.tx_ops) {
			snprintf(errbuf, ISW_ERRBUF_SIZE,
			         "unknown transmit backend '%s' (have: %s)", c->tx, isw_tx_names());
			return -EINVAL;
		}
		rc = isw_scan_choose_mode(s, errbuf);
		if (rc < 0)
			return rc;
	}
	rc = isw_scan_choose_route(s, errbuf);
	if (rc < 0)
		return rc;
	if (!c->dry_run)
		isw_scan_plan_group6(s);

	for (unsigned l = 0; l < s->nlinks; l++) {
		s->link[l].s = s;
		s->link[l].index = l;
		rc = link_templates(s, &s->link[l], errbuf);
		if (rc < 0)
			return rc;
	}
	rc = open_links_tx(s, errbuf);
	if (rc < 0)
		return rc;
	if (s->ping_fd >= 0) {
		struct isw_scan_link *l = &s->link[0];

		/* The answers come on the socket the probes left by: no capture, no trace. */
		l->matcher.key = s->send.key;
		l->matcher.src_addr = l->route.src;
		l->matcher.link = ISW_LINK_RAW_IP;
		l->matcher.ident_by_kernel = 1;
		l->matcher.ipv6 = l->route.have_src6;
		memcpy(l->matcher.src6, l->route.src6, 16);
		l->matcher.ifindex = (uint32_t)l->route.ifindex;
		rc = isw_ping_rx_open(&s->ping_rx, s->ping_fd, s->ping_fd6, l->route.src,
		                      l->route.have_src6 ? l->route.src6 : NULL, errbuf);
		if (rc < 0)
			return rc;
	} else if (!c->dry_run) {
		rc = open_links_rx(s, errbuf);
		if (rc < 0)
			return rc;
		rc = open_trace(s, errbuf);
		if (rc < 0)
			return rc;
	}
	fill_send_ctx(s);
	s->prepared = 1;
	return 0;
}
int isw_scan_start(isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	int rc = isw_scan_prepare(s, errbuf);

	if (rc < 0)
		return rc;
	s->start_ns = isw_now_ns();
	atomic_store(&s->count.current_rate, c->rate);
	atomic_store(&s->count.sending, 1);
	atomic_store(&s->count.pass, 1);
	if (c->dry_run) {
		rc = pthread_create(&s->sender, NULL, isw_sender_main, &s->send);
	} else {
		atomic_store(&s->capturing, 1);
		rc = pthread_create(&s->capture, NULL, isw_capture_main, s);
		if (rc != 0)
			atomic_store(&s->capturing, 0);
		if (rc == 0) {
			rc = pthread_create(&s->sender, NULL, isw_sender_main, &s->send);
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
	atomic_store(&s->flags.stop_sending, 1);
	if (skip_cooldown)
		atomic_store(&s->stop_capture, 1);
}

int isw_scan_wait(isw_scan *s, int timeout_ms)
{
	return isw_done_flag_wait(&s->finished, timeout_ms);
}
void isw_scan_free(isw_scan *s)
{
	if (!s)
		return;
	if (s->threads_started) {
		isw_scan_stop(s, 1);
		pthread_join(s->supervisor, NULL);
	}
	for (unsigned l = 0; l < ISW_MAX_LINKS; l++) {
		for (unsigned k = 0; k < ISW_MAX_SENDERS; k++)
			if (s->send.link[l].tx[k])
				s->send.tx_ops->close(s->send.link[l].tx[k]);
		isw_rx_close(s->link[l].rx);
	}
	isw_ping_rx_close(s->ping_rx);
	if (s->ping_fd >= 0)
		close(s->ping_fd);
	if (s->ping_fd6 >= 0)
		close(s->ping_fd6);
	isw_lan_free(&s->lan);
	isw_lan6_free(&s->lan6);
	isw_report_free(&s->report); /* the link-local answers of --ipv6-multicast */
	isw_route_map_free(&s->routes);
	isw_route6_map_free(&s->routes6);
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
