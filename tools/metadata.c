#include <errno.h>

#include "icmpsweep/output.h"
#include "metadata.h"
#include "resolve-cli.h"

static void iso_time(char *buf, size_t size, const struct timespec *ts)
{
	struct tm tm;
	char base[32];

	gmtime_r(&ts->tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%06ldZ", base, ts->tv_nsec / 1000);
}

static void string_array(FILE *fp, const char *const *v, size_t n)
{
	fputc('[', fp);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', fp);
		isw_json_write_string(fp, v[i]);
	}
	fputc(']', fp);
}

static void key(FILE *fp, const char *k)
{
	fprintf(fp, ",\n  \"%s\": ", k);
}

int metadata_write(FILE *fp, const struct cli_options *o, const isw_scan *scan,
                   const struct run_info *ri)
{
	static const char *const formats[] = {"text", "csv", "json"};
	struct isw_scan_stats st;
	struct isw_scan_route rt;
	char buf[64], a[16];
	double dur = (double)(ri->end.tv_sec - ri->start.tv_sec) +
	             (double)(ri->end.tv_nsec - ri->start.tv_nsec) / 1e9;

	isw_scan_get_stats(scan, &st);
	isw_scan_get_route(scan, &rt);
	fprintf(fp, "{\n  \"tool\": \"icmpsweep\"");
	key(fp, "version");
	isw_json_write_string(fp, ISW_VERSION);
	key(fp, "command_line");
	string_array(fp, (const char *const *)ri->argv, (size_t)ri->argc);
	key(fp, "seed");
	fprintf(fp, "%llu", (unsigned long long)o->cfg.seed);
	key(fp, "target_specs");
	string_array(fp, o->specs, o->nspecs);
	key(fp, "exclude_specs");
	string_array(fp, o->exclude_specs, o->nexclude_specs);
	key(fp, "targets");
	fprintf(fp, "%llu", (unsigned long long)st.targets);
	key(fp, "reserved_dropped");
	fprintf(fp, "%llu", (unsigned long long)isw_targets_reserved_dropped(o->targets));
	key(fp, "rate_requested");
	fprintf(fp, "%llu", (unsigned long long)o->cfg.rate);
	key(fp, "probes_per_target");
	fprintf(fp, "%u", o->cfg.probes);
	key(fp, "cooldown_s");
	fprintf(fp, "%g", o->cfg.cooldown_s);
	key(fp, "ttl");
	fprintf(fp, "%u", o->cfg.ttl);
	key(fp, "dry_run");
	fputs(o->cfg.dry_run ? "true" : "false", fp);
	key(fp, "output_format");
	fprintf(fp, "\"%s\"", formats[o->format]);
	key(fp, "interface");
	isw_json_write_string(fp, rt.iface);
	key(fp, "source");
	isw_addr_str(rt.src_addr, a);
	fprintf(fp, "\"%s\"", a);
	key(fp, "next_hop_mac");
	fprintf(fp, "\"%02x:%02x:%02x:%02x:%02x:%02x\"", rt.gw_mac[0], rt.gw_mac[1], rt.gw_mac[2],
	        rt.gw_mac[3], rt.gw_mac[4], rt.gw_mac[5]);
	key(fp, "tx");
	isw_json_write_string(fp, rt.tx ? rt.tx : "");
	if (rt.tx_mode[0]) {
		key(fp, "tx_mode");
		isw_json_write_string(fp, rt.tx_mode);
	}
	key(fp, "start");
	iso_time(buf, sizeof(buf), &ri->start);
	fprintf(fp, "\"%s\"", buf);
	key(fp, "end");
	iso_time(buf, sizeof(buf), &ri->end);
	fprintf(fp, "\"%s\"", buf);
	key(fp, "duration_s");
	fprintf(fp, "%.3f", dur);
	key(fp, "interrupted");
	fputs(ri->interrupted ? "true" : "false", fp);
	key(fp, "sent");
	fprintf(fp, "%llu", (unsigned long long)st.sent);
	key(fp, "send_errors");
	fprintf(fp, "%llu", (unsigned long long)st.send_errors);
	key(fp, "skipped_answered");
	fprintf(fp, "%llu", (unsigned long long)st.skipped);
	key(fp, "send_duration_s");
	fprintf(fp, "%.3f", st.send_elapsed_s);
	key(fp, "achieved_rate");
	/* Over the passes themselves: the pauses between -P passes are not sending time. */
	fprintf(fp, "%.1f", st.send_busy_s > 0 ? (double)st.sent / st.send_busy_s : 0.0);
	key(fp, "send_busy_s");
	fprintf(fp, "%.3f", st.send_busy_s);
	key(fp, "hits");
	fprintf(fp, "%llu", (unsigned long long)st.hits);
	key(fp, "icmp_errors");
	fprintf(fp, "%llu", (unsigned long long)st.icmp_errors);
	key(fp, "replies");
	fprintf(fp, "%llu", (unsigned long long)st.replies);
	key(fp, "duplicates");
	fprintf(fp, "%llu", (unsigned long long)st.duplicates);
	key(fp, "invalid");
	fprintf(fp, "%llu", (unsigned long long)st.invalid);
	key(fp, "pcap_recv");
	fprintf(fp, "%llu", (unsigned long long)st.pcap_recv);
	key(fp, "pcap_drop");
	fprintf(fp, "%llu", (unsigned long long)st.pcap_drop);
	key(fp, "pcap_ifdrop");
	fprintf(fp, "%llu", (unsigned long long)st.pcap_ifdrop);
	key(fp, "senders");
	fprintf(fp, "%u", rt.senders);
	key(fp, "senders_requested");
	if (o->cfg.senders)
		fprintf(fp, "%u", o->cfg.senders);
	else
		fputs("\"auto\"", fp);
	key(fp, "cooldown_auto");
	fputs(o->cfg.cooldown_auto ? "true" : "false", fp);
	key(fp, "adaptive_slowdowns");
	fprintf(fp, "%llu", (unsigned long long)st.slowdowns);
	key(fp, "adaptive_last_reason");
	fprintf(fp, "\"%s\"",
	        st.slow_reason == ISW_SLOW_ANSWERS ? "answers"
	        : st.slow_reason == ISW_SLOW_DROPS ? "drops"
	                                           : "");
	key(fp, "final_rate");
	fprintf(fp, "%llu", (unsigned long long)st.current_rate);
	key(fp, "onlink_targets");
	fprintf(fp, "%llu", (unsigned long long)st.onlink);
	key(fp, "arp_sent");
	fprintf(fp, "%llu", (unsigned long long)st.arp_sent);
	key(fp, "arp_hosts");
	fprintf(fp, "%llu", (unsigned long long)st.arp_hosts);
	key(fp, "arp_only");
	fprintf(fp, "%llu", (unsigned long long)st.arp_only);
	key(fp, "arp_conflicts");
	fprintf(fp, "%llu", (unsigned long long)st.arp_conflicts);
	key(fp, "resolve");
	resolve_metadata_write(fp, o, ri->resolver);
	fputs("\n}\n", fp);
	return ferror(fp) ? -EIO : 0;
}
