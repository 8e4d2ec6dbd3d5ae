/* SPDX-License-Identifier: BSD-2-Clause */
/* --metadata (metadata.h): the JSON summary of a sweep or a --read analysis, written atomically. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "icmpsweep/error.h"
#include "icmpsweep/output.h"
#include "icmpsweep/version.h"
#include "atomic-file.h"
#include "metadata.h"
#include "resolve-cli.h"
#include "targets-digest.h"

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

static void counter(FILE *fp, const char *k, uint64_t v)
{
	key(fp, k);
	fprintf(fp, "%llu", (unsigned long long)v);
}

/* The target set itself (after exclusions and reserved ranges), not how it was spelled:
 * FNV-1a over its sorted ranges, the IPv4 ones (as they always were) then the IPv6 ones.
 * Shards of one sweep must have the same; merge checks it. */
static uint64_t targets_digest(const isw_targets *t)
{
	uint64_t h = DIGEST_FNV_BASIS;
	size_t n = t ? isw_targets_nranges(t) : 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t lo, hi;

		isw_targets_range(t, i, &lo, &hi);
		h = digest_fold(h, (uint64_t)lo << 32 | hi);
	}
	return digest_fold_v6(h, t);
}

/* Which part of the sweep this run was (--shard), and the whole it is part of. */
static void write_shard(FILE *fp, const struct cli_options *o)
{
	key(fp, "shard");
	if (o->shard.count)
		fprintf(fp, "{\"index\": %u, \"count\": %u, \"source\": \"%s\"}", o->shard.index,
		        o->shard.count, o->shard.source);
	else
		fputs("null", fp);
	counter(fp, "targets_total", isw_targets_count(o->targets));
	/* Of them, by family. */
	counter(fp, "targets_ipv4",
	        isw_targets_count(o->targets) - isw_targets_count_v6(o->targets));
	counter(fp, "targets_ipv6", isw_targets_count_v6(o->targets));
	/* Sub-prefix sweeps: the interface identifier probed in each sub-prefix. */
	key(fp, "iid");
	if (isw_targets_has_subprefix(o->targets))
		isw_json_write_string(fp, o->iid_text[0] ? o->iid_text : "::1");
	else
		fputs("null", fp);
	key(fp, "targets_digest");
	fprintf(fp, "\"%016llx\"", (unsigned long long)targets_digest(o->targets));
}

/* What the user asked for and when: the same for live runs and --read. */
static void write_head(FILE *fp, const struct cli_options *o, uint64_t seed,
                       const struct run_info *ri)
{
	char buf[64];

	fprintf(fp, "{\n  \"tool\": \"icmpsweep\"");
	key(fp, "version");
	isw_json_write_string(fp, ISW_VERSION);
	key(fp, "status");
	isw_json_write_string(fp, ri->status ? ri->status : "running");
	key(fp, "command_line");
	string_array(fp, (const char *const *)ri->argv, (size_t)ri->argc);
	counter(fp, "seed", seed);
	key(fp, "target_specs");
	string_array(fp, o->specs, o->nspecs);
	key(fp, "exclude_specs");
	string_array(fp, o->exclude_specs, o->nexclude_specs);
	key(fp, "output_format");
	fprintf(fp, "\"%s\"", isw_format_name(o->format));
	key(fp, "start");
	iso_time(buf, sizeof(buf), &ri->start);
	fprintf(fp, "\"%s\"", buf);
	key(fp, "end");
	if (ri->end.tv_sec) {
		double dur = (double)(ri->end.tv_sec - ri->start.tv_sec) +
		             (double)(ri->end.tv_nsec - ri->start.tv_nsec) / 1e9;

		iso_time(buf, sizeof(buf), &ri->end);
		fprintf(fp, "\"%s\"", buf);
		key(fp, "duration_s");
		fprintf(fp, "%.3f", dur);
	} else {
		fputs("null", fp);
		key(fp, "duration_s");
		fputs("null", fp);
	}
	key(fp, "interrupted");
	fputs(ri->interrupted ? "true" : "false", fp);
	key(fp, "stopped_by");
	if (ri->limit)
		isw_json_write_string(fp, ri->limit);
	else
		fputs("null", fp);
	key(fp, "resumed_from");
	if (ri->resumed_from)
		isw_json_write_string(fp, ri->resumed_from);
	else
		fputs("null", fp);
	key(fp, "resumes");
	fprintf(fp, "%u", ri->resumes);
}

/* --read: the trace and what the analysis found in it. */
static void write_offline(FILE *fp, const struct cli_options *o, const struct run_info *ri)
{
	const struct isw_offline_stats *st = ri->offline;

	write_head(fp, o, st->seed, ri);
	key(fp, "read");
	isw_json_write_string(fp, o->read_path);
	key(fp, "no_validate");
	fputs(o->no_validate ? "true" : "false", fp);
	counter(fp, "packets", st->packets);
	counter(fp, "hits", st->hits);
	counter(fp, "icmp_errors", st->icmp_errors);
	counter(fp, "duplicates", st->duplicates);
	counter(fp, "invalid", st->invalid);
	counter(fp, "probes", st->probes);
	counter(fp, "arp_replies", st->arp_replies);
	counter(fp, "arp_only", st->arp_only);
	counter(fp, "ndp_only", st->ndp_only);
	key(fp, "truncated");
	fputs(st->truncated ? "true" : "false", fp);
	key(fp, "resolve");
	resolve_metadata_write(fp, o, ri->resolver);
	fputs("\n}\n", fp);
}

/* README "When the path fails": each fault seen, by name, so that scripts need no bit table. */
static void path_faults(FILE *fp, unsigned faults)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
	    {ISW_FAULT_LINK_GONE, "link_gone"},
	    {ISW_FAULT_CARRIER_TIMEOUT, "carrier_timeout"},
	    {ISW_FAULT_CARRIER, "carrier_lost"},
	    {ISW_FAULT_CARRIER_LATE, "carrier_lost_after_sending"},
	    {ISW_FAULT_NEIGH_FAILED, "next_hop_failed"},
	    {ISW_FAULT_NEIGH_MOVED, "next_hop_moved"},
	    {ISW_FAULT_ANSWERS_STOPPED, "answers_stopped"},
	    {ISW_FAULT_SEND_FAILED, "send_failed"},
	    {ISW_FAULT_CAPTURE, "capture_failed"},
	};
	int first = 1;

	fputc('[', fp);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (faults & names[i].bit) {
			fprintf(fp, "%s\"%s\"", first ? "" : ", ", names[i].name);
			first = 0;
		}
	fputc(']', fp);
}

/* Every interface the sweep sent on: name, source, main next hop, and its wire counts. */
static void write_ifaces(FILE *fp, const struct isw_scan_route *rt, const struct isw_scan_stats *st)
{
	char a[16], a6[ISW_ADDR_TEXT_MAX];

	fputc('[', fp);
	for (unsigned k = 0; k < rt->nifaces; k++) {
		const struct isw_scan_iface *f = &rt->ifaces[k];

		fputs(k ? ", {\"name\": " : "{\"name\": ", fp);
		isw_json_write_string(fp, f->iface);
		if (f->src_addr || !f->src6.family)
			fprintf(fp, ", \"source\": \"%s\"", isw_addr_str(f->src_addr, a));
		else
			fputs(", \"source\": null", fp);
		/* Where IPv6 targets leave here: their source too. */
		if (f->src6.family)
			fprintf(fp, ", \"source6\": \"%s\"", isw_addr_format(&f->src6, a6));
		fprintf(fp,
		        ", \"next_hop_mac\": "
		        "\"%02x:%02x:%02x:%02x:%02x:%02x\", \"sent\": %llu, \"send_errors\": %llu}",
		        f->gw_mac[0], f->gw_mac[1], f->gw_mac[2], f->gw_mac[3], f->gw_mac[4],
		        f->gw_mac[5], (unsigned long long)st->iface_sent[k],
		        (unsigned long long)st->iface_send_errors[k]);
	}
	fputc(']', fp);
}

int metadata_write(FILE *fp, const struct cli_options *o, const isw_scan *scan,
                   const struct run_info *ri)
{
	struct isw_scan_stats st;
	struct isw_scan_route rt;
	char a[16];

	if (!scan) {
		write_offline(fp, o, ri);
		return ferror(fp) ? -EIO : 0;
	}
	isw_scan_get_stats(scan, &st);
	isw_scan_get_route(scan, &rt);
	write_head(fp, o, o->cfg.seed, ri);
	write_shard(fp, o);
	key(fp, "targets");
	fprintf(fp, "%llu", (unsigned long long)st.targets);
	/* --max-targets: how many of the targets were probed (the first of the order). */
	key(fp, "max_targets");
	if (o->cfg.max_targets)
		fprintf(fp, "%llu", (unsigned long long)o->cfg.max_targets);
	else
		fputs("null", fp);
	key(fp, "targets_probed");
	fprintf(fp, "%llu", (unsigned long long)st.probed);
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
	key(fp, "interface");
	isw_json_write_string(fp, rt.iface);
	/* The IPv4 source, null when no IPv4 probe leaves (an IPv6-only run); the IPv6 one
	 * beside it. */
	key(fp, "source");
	if (rt.src_addr || !rt.src6.family)
		fprintf(fp, "\"%s\"", isw_addr_str(rt.src_addr, a));
	else
		fputs("null", fp);
	if (rt.src6.family) {
		char a6[ISW_ADDR_TEXT_MAX];

		key(fp, "source6");
		fprintf(fp, "\"%s\"", isw_addr_format(&rt.src6, a6));
	}
	key(fp, "next_hop_mac");
	fprintf(fp, "\"%02x:%02x:%02x:%02x:%02x:%02x\"", rt.gw_mac[0], rt.gw_mac[1], rt.gw_mac[2],
	        rt.gw_mac[3], rt.gw_mac[4], rt.gw_mac[5]);
	key(fp, "gateways");
	fprintf(fp, "%u", rt.gateways);
	key(fp, "interfaces");
	write_ifaces(fp, &rt, &st);
	key(fp, "tx");
	isw_json_write_string(fp, rt.tx ? rt.tx : "");
	if (rt.tx_why[0]) {
		/* No-root mode: why it sends through ping sockets. */
		key(fp, "tx_reason");
		isw_json_write_string(fp, rt.tx_why);
	}
	if (rt.tx_mode[0]) {
		key(fp, "tx_mode");
		isw_json_write_string(fp, rt.tx_mode);
	}
	key(fp, "trace");
	if (o->cfg.trace_path)
		isw_json_write_string(fp, o->cfg.trace_path);
	else
		fputs("null", fp);
	key(fp, "sent");
	fprintf(fp, "%llu", (unsigned long long)st.sent);
	key(fp, "unrouted");
	fprintf(fp, "%llu", (unsigned long long)st.unrouted);
	key(fp, "send_errors");
	fprintf(fp, "%llu", (unsigned long long)st.send_errors);
	key(fp, "send_errors_resent");
	fprintf(fp, "%llu", (unsigned long long)st.send_errors_resent);
	key(fp, "resent_after_outage");
	fprintf(fp, "%llu", (unsigned long long)st.resent);
	key(fp, "carrier_losses");
	fprintf(fp, "%llu", (unsigned long long)st.carrier_losses);
	key(fp, "path_faults");
	path_faults(fp, st.path_faults);
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
	counter(fp, "other_shard_answers", st.other_shard);
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
	key(fp, "arp_send_errors");
	fprintf(fp, "%llu", (unsigned long long)st.arp_send_errors);
	key(fp, "arp_hosts");
	fprintf(fp, "%llu", (unsigned long long)st.arp_hosts);
	key(fp, "arp_only");
	fprintf(fp, "%llu", (unsigned long long)st.arp_only);
	key(fp, "arp_conflicts");
	fprintf(fp, "%llu", (unsigned long long)st.arp_conflicts);
	key(fp, "onlink6_targets");
	fprintf(fp, "%llu", (unsigned long long)st.onlink6);
	key(fp, "ndp_sent");
	fprintf(fp, "%llu", (unsigned long long)st.ndp_sent);
	key(fp, "ndp_hosts");
	fprintf(fp, "%llu", (unsigned long long)st.ndp_hosts);
	key(fp, "ndp_only");
	fprintf(fp, "%llu", (unsigned long long)st.ndp_only);
	key(fp, "ndp_conflicts");
	fprintf(fp, "%llu", (unsigned long long)st.ndp_conflicts);
	key(fp, "resolve");
	resolve_metadata_write(fp, o, ri->resolver);
	fputs("\n}\n", fp);
	return ferror(fp) ? -EIO : 0;
}

struct meta_fill {
	const struct cli_options *o;
	const isw_scan *scan;
	const struct run_info *ri;
};

static int fill_metadata(FILE *fp, void *arg)
{
	const struct meta_fill *m = arg;

	return metadata_write(fp, m->o, m->scan, m->ri);
}

int metadata_check(const char *path, char *errbuf)
{
	int rc = atomic_file_check(path);

	if (rc < 0)
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot write metadata '%s': %s", path,
		         strerror(-rc));
	return rc;
}

int metadata_save(const char *path, const struct cli_options *o, const isw_scan *scan,
                  const struct run_info *ri, char *errbuf)
{
	struct meta_fill m = {o, scan, ri};
	int rc = atomic_file_write(path, fill_metadata, &m);

	if (rc < 0)
		snprintf(errbuf, ISW_ERRBUF_SIZE, "writing metadata '%s': %s", path, strerror(-rc));
	return rc;
}

int metadata_keep(const char *path)
{
	return open(path, O_WRONLY | O_CLOEXEC);
}

int metadata_save_kept(const char *path, int kept_fd, const struct cli_options *o,
                       const isw_scan *scan, const struct run_info *ri, char *errbuf)
{
	int rc = metadata_save(path, o, scan, ri, errbuf), fd;
	FILE *fp;

	if (rc != -EACCES && rc != -EPERM)
		return rc;
	if (kept_fd < 0)
		return rc;
	/* Not atomic, but the file keeps its name and the start document was whole. */
	errno = 0;
	fd = dup(kept_fd);
	if (fd < 0 || ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0 ||
	    !(fp = fdopen(fd, "w"))) {
		rc = errno ? -errno : -EIO;
		if (fd >= 0)
			close(fd);
	} else {
		rc = metadata_write(fp, o, scan, ri) < 0 || fflush(fp) != 0 || fsync(fd) != 0
		         ? (errno ? -errno : -EIO)
		         : 0;
		if (fclose(fp) != 0 && !rc)
			rc = errno ? -errno : -EIO;
	}
	if (rc < 0)
		snprintf(errbuf, ISW_ERRBUF_SIZE, "writing metadata '%s': %s", path, strerror(-rc));
	else
		errbuf[0] = 0;
	return rc;
}
