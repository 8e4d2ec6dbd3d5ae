#include "status.h"
#include <string.h>

void status_init(struct status *st, const struct isw_config *cfg)
{
	st->last_elapsed = 0;
	st->last_sent = 0;
	st->last_replies = 0;
	st->probes = cfg->probes;
	st->rate = (double)cfg->rate;
	/* -c auto: its length is known only at its end (and its cap rarely reached), so the
	 * ETA runs to the last probe, then says "cooldown". */
	st->cooldown_s = cfg->cooldown_auto ? 0 : cfg->cooldown_s;
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
	double slots = (double)s->targets * st->probes;
	double pct = slots > 0 ? 100.0 * (double)s->done / slots : 100;
	double send_rate = dt > 0 ? (double)(s->sent - st->last_sent) / dt : 0;
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
	if (s->pass == 0 && s->onlink) {
		/* The ARP pass of on-link targets runs before the first ICMP pass. */
		fprintf(fp, "%s ARP pass: %llu requests for %llu on-link targets; %llu answered\n",
		        el, (unsigned long long)s->arp_sent, (unsigned long long)s->onlink,
		        (unsigned long long)s->arp_hosts);
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
	fprintf(fp,
	        "%s %5.1f%% pass %u; sent %llu (%s); recv %s; hits %llu; errors %llu; drops %llu; "
	        "ETA %s\n",
	        el, pct > 100 ? 100 : pct, s->pass, (unsigned long long)s->sent, sr, rr,
	        (unsigned long long)s->hits, (unsigned long long)s->icmp_errors,
	        (unsigned long long)s->pcap_drop, eta);
	fflush(fp);
	st->last_elapsed = s->elapsed_s;
	st->last_sent = s->sent;
	st->last_replies = s->replies;
}
