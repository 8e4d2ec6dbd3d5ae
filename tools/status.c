/* SPDX-License-Identifier: BSD-2-Clause */
/* The once-a-second status line on stderr (status.h). */
#include "status.h"

#include <errno.h>
#include <string.h>

void status_init(struct status *st, const struct isw_config *cfg)
{
	st->last_elapsed = 0;
	st->last_sent = 0;
	st->last_replies = 0;
	st->probes = cfg->probes;
	st->shard = cfg->shard;
	st->shards = cfg->shards > 1 ? cfg->shards : 0;
	st->rate = (double)cfg->rate;
	/* -c auto: its length is known only at its end (and its cap rarely reached), so the
	 * ETA runs to the last probe, then says "cooldown". */
	st->cooldown_s = cfg->cooldown_auto ? 0 : cfg->cooldown_s;
	memset(&st->route, 0, sizeof(st->route));
	st->ifaces[0] = 0;
	st->faults_told = 0;
	st->losses_told = 0;
	st->down_told = 0;
	st->errors_told = 0;
}

static void fmt_duration(char *buf, size_t size, double s)
{
	long t = s < 0 ? 0 : (long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
	else
		snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

static void fmt_rate(char *buf, size_t size, double r)
{
	if (r >= 1e6)
		snprintf(buf, size, "%.2f Mp/s", r / 1e6);
	else if (r >= 1e3)
		snprintf(buf, size, "%.1f kp/s", r / 1e3);
	else
		snprintf(buf, size, "%.0f p/s", r);
}

void status_print(struct status *st, FILE *fp, const struct isw_scan_stats *s)
{
	double dt = s->elapsed_s - st->last_elapsed;
	double slots = (double)s->probed * st->probes;
	double pct = slots > 0 ? 100.0 * (double)s->done / slots : 100;
	/* sent can shrink: a frame counted when handed over may be reported dropped later. */
	double sent_delta = (double)s->sent - (double)st->last_sent;
	double send_rate = dt > 0 && sent_delta > 0 ? sent_delta / dt : 0;
	double recv_rate = dt > 0 ? (double)(s->replies - st->last_replies) / dt : 0;
	double pace = st->rate > 0 ? st->rate : send_rate;
	char el[16], eta[64], sr[24], rr[24];

	fmt_duration(el, sizeof(el), s->elapsed_s);
	if (s->sending && pace > 0)
		fmt_duration(eta, sizeof(eta), (slots - (double)s->done) / pace + st->cooldown_s);
	else if (s->sending)
		snprintf(eta, sizeof(eta), "?");
	else
		snprintf(eta, sizeof(eta), "cooldown");
	fmt_rate(sr, sizeof(sr), send_rate);
	fmt_rate(rr, sizeof(rr), recv_rate);
	if (s->pass == 0 && (s->onlink || s->onlink6)) {
		/* The ARP and NDP passes of on-link targets run before the first ICMP pass. */
		fprintf(fp, "%s %s pass: %llu requests for %llu on-link targets; %llu answered\n",
		        el,
		        !s->onlink6 ? "ARP"
		        : s->onlink ? "ARP/NDP"
		                    : "NDP",
		        (unsigned long long)(s->arp_sent + s->ndp_sent),
		        (unsigned long long)(s->onlink + s->onlink6),
		        (unsigned long long)(s->arp_hosts + s->ndp_hosts));
		fflush(fp);
		return;
	}
	if (s->slowdowns) {
		char cr[24];
		fmt_rate(cr, sizeof(cr), (double)s->current_rate);
		/* Said on every line while the rate is below what was asked. */
		snprintf(eta + strlen(eta), sizeof(eta) - strlen(eta), "; adaptive: %s after %s",
		         cr, s->slow_reason == ISW_SLOW_ANSWERS ? "answers fell short" : "drops");
	}
	if (s->carrier_down)
		snprintf(eta, sizeof(eta), "? (no carrier: paused)");
	fprintf(fp, "%s %5.1f%% pass %u", el, pct > 100 ? 100 : pct, s->pass);
	if (st->shards)
		fprintf(fp, " of shard %u/%u", st->shard, st->shards);
	fprintf(fp, "; sent %llu (%s); recv %s; hits %llu; errors %llu; drops %llu; ",
	        (unsigned long long)s->sent, sr, rr, (unsigned long long)s->hits,
	        (unsigned long long)s->icmp_errors, (unsigned long long)s->pcap_drop);
	/* Probes that did not go out: said on every line once there are any. */
	if (s->send_errors + s->arp_send_errors)
		fprintf(fp, "send errors %llu; ",
		        (unsigned long long)(s->send_errors + s->arp_send_errors));
	fprintf(fp, "ETA %s\n", eta);
	fflush(fp);
	st->last_elapsed = s->elapsed_s;
	st->last_sent = s->sent;
	st->last_replies = s->replies;
}

static const char *mac_str(const uint8_t m[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

void status_set_route(struct status *st, const struct isw_scan_route *r)
{
	size_t n = 0;

	st->route = *r;
	snprintf(st->ifaces, sizeof(st->ifaces), "%s", r->iface);
	for (unsigned k = 0; k < r->nifaces && n < sizeof(st->ifaces); k++)
		n += (size_t)snprintf(st->ifaces + n, sizeof(st->ifaces) - n, "%s%s", k ? ", " : "",
		                      r->ifaces[k].iface);
}

/* The interface whose next hop a fault concerns (the first when none is named). */
static struct isw_scan_iface fault_iface(const struct status *st, const struct isw_scan_stats *s)
{
	struct isw_scan_iface f = {0};

	for (unsigned k = 0; k < st->route.nifaces; k++)
		if (!strcmp(st->route.ifaces[k].iface, s->fault_iface))
			return st->route.ifaces[k];
	snprintf(f.iface, sizeof(f.iface), "%s", st->route.iface);
	f.next_hop = st->route.next_hop;
	memcpy(f.gw_mac, st->route.gw_mac, 6);
	return f;
}

/* The next hop of the latest next-hop fault on interface f, as text, and the MAC the probes
 * go to: its IPv6 gateway when that was it. */
static const char *fault_next_hop(const struct isw_scan_stats *s, const struct isw_scan_iface *f,
                                  char buf[ISW_ADDR_TEXT_MAX], const uint8_t **mac)
{
	if (s->fault_next_hop_v6 && f->next_hop6.family) {
		*mac = f->gw6_mac;
		return isw_addr_format(&f->next_hop6, buf);
	}
	*mac = f->gw_mac;
	return isw_addr_str(f->next_hop, buf);
}

/* The interfaces in use, for messages about all of them. */
static const char *ifaces(const struct status *st)
{
	return st->ifaces[0] ? st->ifaces : st->route.iface;
}

static const char *errno_str(int err)
{
	return err ? strerror(err) : "unknown error";
}

void status_health(struct status *st, FILE *fp, const struct isw_scan_stats *s)
{
	unsigned fresh = s->path_faults & ~st->faults_told;
	const char *ifc = ifaces(st);
	const struct isw_scan_iface f = fault_iface(st, s), *nh = &f;
	char a[ISW_ADDR_STRLEN], a6[ISW_ADDR_TEXT_MAX], m1[18], m2[18];
	const uint8_t *gw_mac = NULL;

	/* A deleted interface also takes carrier and capture with it: one message says it. */
	if (s->path_faults & ISW_FAULT_LINK_GONE) {
		fresh &= ~ISW_FAULT_CAPTURE;
		st->losses_told = s->carrier_losses;
		st->down_told = 0;
	}

	if (s->send_errors && !st->errors_told) {
		fprintf(fp, "icmpsweep: warning: sending on %s fails: %s\n", ifc,
		        errno_str(s->send_errno));
		st->errors_told = 1;
	}
	if (s->carrier_losses > st->losses_told) {
		fprintf(fp, "icmpsweep: warning: %s lost carrier at %.1f s: sending paused\n",
		        nh->iface, s->elapsed_s);
		st->losses_told = s->carrier_losses;
		st->down_told = 1;
	}
	if (st->down_told && !s->carrier_down && !(s->path_faults & ISW_FAULT_LINK_GONE)) {
		fprintf(fp,
		        "icmpsweep: %s has carrier again (%.1f s without): sending the probes "
		        "since the loss again\n",
		        nh->iface, s->carrier_down_s);
		st->down_told = 0;
	}
	if (fresh & ISW_FAULT_LINK_GONE)
		fprintf(fp, "icmpsweep: error: interface %s disappeared (%s): scan stopped\n",
		        nh->iface, strerror(ENODEV));
	if (fresh & ISW_FAULT_CARRIER_TIMEOUT)
		fprintf(fp, "icmpsweep: error: no carrier on %s for %d s: sending stopped\n",
		        nh->iface, ISW_CARRIER_WAIT_S);
	if (fresh & ISW_FAULT_CARRIER_LATE)
		fprintf(fp,
		        "icmpsweep: error: %s lost carrier after the last probe: answers on their "
		        "way are lost\n",
		        nh->iface);
	if (fresh & ISW_FAULT_ANSWERS_STOPPED) {
		/* The next hop checked: the IPv4 one, else the IPv6 gateway. */
		const struct isw_addr *g6 =
		    st->route.nifaces ? &st->route.ifaces[0].next_hop6 : NULL;
		const char *checked = st->route.next_hop ? isw_addr_str(st->route.next_hop, a)
		                      : g6 && g6->family ? isw_addr_format(g6, a6)
		                                         : NULL;

		fprintf(
		    fp,
		    "icmpsweep: warning: answers stopped at %.1f s while probes go out on %s%s%s\n",
		    s->elapsed_s, ifc, checked ? "; checking next hop " : "",
		    checked ? checked : "");
	}
	if (fresh & (ISW_FAULT_NEIGH_FAILED | ISW_FAULT_NEIGH_MOVED))
		fault_next_hop(s, nh, a6, &gw_mac);
	if (fresh & ISW_FAULT_NEIGH_FAILED)
		fprintf(fp,
		        "icmpsweep: warning: next hop %s on %s stopped answering %s at %.1f s: "
		        "probes to %s are lost\n",
		        a6, nh->iface, s->fault_next_hop_v6 ? "NDP" : "ARP", s->elapsed_s,
		        mac_str(gw_mac, m1));
	if (fresh & ISW_FAULT_NEIGH_MOVED)
		fprintf(fp,
		        "icmpsweep: warning: next hop %s on %s is now at %s, probes go to %s: "
		        "they are lost\n",
		        a6, nh->iface, mac_str(s->next_hop_mac_now, m2), mac_str(gw_mac, m1));
	if (fresh & ISW_FAULT_SEND_FAILED)
		fprintf(
		    fp,
		    "icmpsweep: error: every send on %s failed for %d s (%s): sending stopped\n",
		    ifc, ISW_SEND_FAIL_S, errno_str(s->send_errno));
	if (fresh & ISW_FAULT_CAPTURE)
		fprintf(fp, "icmpsweep: error: capture on %s failed: answers after it are lost\n",
		        ifc);
	if (fresh)
		fflush(fp);
	st->faults_told |= fresh;
}

int status_health_final(const struct status *st, FILE *fp, const struct isw_scan_stats *s,
                        int quiet)
{
	uint64_t lost =
	    s->send_errors > s->send_errors_resent ? s->send_errors - s->send_errors_resent : 0;
	unsigned fatal = s->path_faults & ISW_FAULTS_FATAL;
	const char *ifc = ifaces(st);
	const struct isw_scan_iface f = fault_iface(st, s);
	char a[ISW_ADDR_TEXT_MAX];
	const uint8_t *gw_mac;

	if (fatal & ISW_FAULT_LINK_GONE)
		fatal &= ~ISW_FAULT_CAPTURE;

	if (!quiet && (s->send_errors || s->carrier_losses || s->resent))
		fprintf(fp,
		        "icmpsweep: path: %llu send errors (%llu of them sent again), carrier lost "
		        "%llu times (%.1f s), %llu probes sent again after carrier came back\n",
		        (unsigned long long)s->send_errors,
		        (unsigned long long)s->send_errors_resent,
		        (unsigned long long)s->carrier_losses, s->carrier_down_s,
		        (unsigned long long)s->resent);
	if (lost)
		fprintf(fp, "icmpsweep: error: %llu probes were not sent on %s (%s)\n",
		        (unsigned long long)lost, ifc, errno_str(s->send_errno));
	if (fatal & ISW_FAULT_LINK_GONE)
		fprintf(fp, "icmpsweep: error: interface %s disappeared during the scan\n",
		        f.iface);
	if (fatal & ISW_FAULT_CARRIER_TIMEOUT)
		fprintf(fp, "icmpsweep: error: %s had no carrier for %d s: scan stopped\n", f.iface,
		        ISW_CARRIER_WAIT_S);
	if (fatal & ISW_FAULT_CARRIER_LATE)
		fprintf(fp, "icmpsweep: error: %s lost carrier before the answers were in\n",
		        f.iface);
	if (fatal & (ISW_FAULT_NEIGH_FAILED | ISW_FAULT_NEIGH_MOVED))
		fprintf(fp,
		        "icmpsweep: error: the path through next hop %s was lost during the scan: "
		        "hosts may be missing\n",
		        fault_next_hop(s, &f, a, &gw_mac));
	if (fatal & ISW_FAULT_SEND_FAILED)
		fprintf(fp, "icmpsweep: error: sending on %s failed: scan stopped\n", ifc);
	if (fatal & ISW_FAULT_CAPTURE)
		fprintf(fp, "icmpsweep: error: capture on %s failed: hosts may be missing\n", ifc);
	return lost || fatal;
}
