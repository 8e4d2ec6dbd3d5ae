#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "icmpsweep/error.h"
#include "icmpsweep/output.h"
#include "icmpsweep/version.h"
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

static void counter(FILE *fp, const char *k, uint64_t v)
{
	key(fp, k);
	fprintf(fp, "%llu", (unsigned long long)v);
}

/* What the user asked for and when: the same for live runs and --read. */
static void write_head(FILE *fp, const struct cli_options *o, uint64_t seed,
                       const struct run_info *ri)
{
	static const char *const formats[] = {"text", "csv", "json"};
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
	fprintf(fp, "\"%s\"", formats[o->format]);
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
	char a[16];

	fputc('[', fp);
	for (unsigned k = 0; k < rt->nifaces; k++) {
		const struct isw_scan_iface *f = &rt->ifaces[k];

		fputs(k ? ", {\"name\": " : "{\"name\": ", fp);
		isw_json_write_string(fp, f->iface);
		fprintf(fp,
		        ", \"source\": \"%s\", \"next_hop_mac\": "
		        "\"%02x:%02x:%02x:%02x:%02x:%02x\", \"sent\": %llu, \"send_errors\": %llu}",
		        isw_addr_str(f->src_addr, a), f->gw_mac[0], f->gw_mac[1], f->gw_mac[2],
		        f->gw_mac[3], f->gw_mac[4], f->gw_mac[5],
		        (unsigned long long)st->iface_sent[k],
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
	key(fp, "interface");
	isw_json_write_string(fp, rt.iface);
	key(fp, "source");
	isw_addr_str(rt.src_addr, a);
	fprintf(fp, "\"%s\"", a);
	key(fp, "next_hop_mac");
	fprintf(fp, "\"%02x:%02x:%02x:%02x:%02x:%02x\"", rt.gw_mac[0], rt.gw_mac[1], rt.gw_mac[2],
	        rt.gw_mac[3], rt.gw_mac[4], rt.gw_mac[5]);
	key(fp, "gateways");
	fprintf(fp, "%u", rt.gateways);
	key(fp, "interfaces");
	write_ifaces(fp, &rt, &st);
	key(fp, "tx");
	isw_json_write_string(fp, rt.tx ? rt.tx : "");
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
	key(fp, "resolve");
	resolve_metadata_write(fp, o, ri->resolver);
	fputs("\n}\n", fp);
	return ferror(fp) ? -EIO : 0;
}

/* Where the temporary file goes: beside the file the path finally names (through symlinks),
 * so that rename replaces it and not the link. */
static int final_target(const char *path, char *target, size_t size)
{
	char *real = realpath(path, NULL);
	int n;

	n = snprintf(target, size, "%s", real ? real : path);
	free(real);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* A new temporary file in target's directory ("dir/.name.XXXXXX"): its fd, or -errno. */
static int temp_beside(const char *target, char *tmp, size_t size)
{
	const char *slash = strrchr(target, '/');
	int n, fd;

	if (slash)
		n = snprintf(tmp, size, "%.*s/.%s.XXXXXX", (int)(slash - target), target,
		             slash + 1);
	else
		n = snprintf(tmp, size, ".%s.XXXXXX", target);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	return fd < 0 ? -errno : fd;
}

/* Not a regular file (a character device, a FIFO): written in place, never replaced. */
static int in_place(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

int metadata_check(const char *path, char *errbuf)
{
	char target[PATH_MAX], tmp[PATH_MAX + 16];
	struct stat st;
	int rc;

	if (in_place(path)) {
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			rc = -EISDIR;
		else
			rc = access(path, W_OK) == 0 ? 0 : -errno;
	} else {
		rc = final_target(path, target, sizeof(target));
		if (!rc)
			rc = temp_beside(target, tmp, sizeof(tmp));
		if (rc >= 0) {
			close(rc);
			unlink(tmp);
			rc = 0;
		}
	}
	if (rc < 0)
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot write metadata '%s': %s", path,
		         strerror(-rc));
	return rc;
}

int metadata_save(const char *path, const struct cli_options *o, const isw_scan *scan,
                  const struct run_info *ri, char *errbuf)
{
	char target[PATH_MAX], tmp[PATH_MAX + 16];
	struct stat st;
	mode_t mask;
	FILE *fp;
	int fd, rc, dfd;

	if (in_place(path)) {
		errno = 0;
		fp = fopen(path, "w");
		if (!fp || metadata_write(fp, o, scan, ri) < 0)
			rc = errno ? -errno : -EIO;
		else
			rc = 0;
		if (fp && fclose(fp) != 0 && !rc)
			rc = errno ? -errno : -EIO;
		goto out;
	}
	rc = final_target(path, target, sizeof(target));
	if (rc < 0)
		goto out;
	fd = temp_beside(target, tmp, sizeof(tmp));
	if (fd < 0) {
		rc = fd;
		goto out;
	}
	/* mkstemp makes it 0600: give it the mode the file has, or a new file would get. */
	if (stat(target, &st) == 0) {
		fchmod(fd, st.st_mode & 07777);
	} else {
		mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	fp = fdopen(fd, "w");
	if (!fp) {
		rc = -errno;
		close(fd);
		unlink(tmp);
		goto out;
	}
	errno = 0;
	rc = metadata_write(fp, o, scan, ri) < 0 || fflush(fp) != 0 || fsync(fd) != 0
	         ? (errno ? -errno : -EIO)
	         : 0;
	if (fclose(fp) != 0 && !rc)
		rc = errno ? -errno : -EIO;
	if (!rc && rename(tmp, target) != 0)
		rc = -errno;
	if (rc < 0) {
		unlink(tmp);
		goto out;
	}
	/* The rename itself, on disk too. */
	{
		char *slash = strrchr(tmp, '/');

		if (slash)
			*slash = 0;
		dfd = open(slash ? tmp : ".", O_RDONLY | O_DIRECTORY);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
out:
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
