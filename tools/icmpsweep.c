/* icmpsweep: options -> configuration -> scan -> output.  The only place that prints to the
 * user and decides exit codes: 0 done, 1 runtime failure, 2 bad input. */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli-options.h"
#include "icmpsweep/scan.h"
#include "metadata.h"
#include "status.h"

#define EXIT_RUNTIME   1
#define EXIT_BAD_INPUT 2

struct sink_ctx {
	isw_output *out;
	atomic_int write_failed;
};

static void sink(const struct isw_result *r, void *arg)
{
	struct sink_ctx *c = arg;

	if (isw_output_write(c->out, r) < 0)
		atomic_store(&c->write_failed, 1);
}

static FILE *open_or_die(const char *path, const char *what)
{
	FILE *fp = fopen(path, "w");
	if (!fp)
		fprintf(stderr, "icmpsweep: cannot open %s '%s': %s\n", what, path,
		        strerror(errno));
	return fp;
}

/* Errors from isw_scan_start that come from what the user asked for rather than from the
 * machine at run time. */
static int start_error_status(int rc)
{
	return rc == -EINVAL || rc == -ENODEV ? EXIT_BAD_INPUT : EXIT_RUNTIME;
}

static void print_summary(FILE *fp, const struct isw_scan_stats *s, int interrupted)
{
	fprintf(fp,
	        "icmpsweep: %s: %llu targets, %llu probes sent in %.2f s (%.0f/s), %llu hosts up, "
	        "%llu ICMP errors, %llu duplicates, %llu invalid, pcap drops %llu (ifdrop %llu)\n",
	        interrupted ? "interrupted" : "done", (unsigned long long)s->targets,
	        (unsigned long long)s->sent, s->send_elapsed_s,
	        s->send_elapsed_s > 0 ? (double)s->sent / s->send_elapsed_s : 0.0,
	        (unsigned long long)s->hits, (unsigned long long)s->icmp_errors,
	        (unsigned long long)s->duplicates, (unsigned long long)s->invalid,
	        (unsigned long long)s->pcap_drop, (unsigned long long)s->pcap_ifdrop);
}

/* Signals arrive here through sigtimedwait, never through a handler: the main thread turns
 * them into isw_scan_stop calls and paces the status line at the same time. */
static int run(isw_scan *scan, const struct cli_options *o, struct sink_ctx *ctx,
               const sigset_t *sigs)
{
	struct status st;
	struct timespec tick = {0, 100 * 1000 * 1000};
	struct isw_scan_stats stats;
	int signals = 0;
	double next_status = 1.0;

	status_init(&st, &o->cfg);
	while (!isw_scan_wait(scan, 0)) {
		int sig = sigtimedwait(sigs, NULL, &tick);
		if (sig == SIGINT || sig == SIGTERM) {
			signals++;
			isw_scan_stop(scan, signals > 1);
			if (!o->quiet)
				fprintf(stderr, signals > 1
				                    ? "icmpsweep: stopping now\n"
				                    : "icmpsweep: stopping; waiting for the "
				                      "cooldown (interrupt again to skip)\n");
		}
		isw_scan_get_stats(scan, &stats);
		if (stats.elapsed_s >= next_status) {
			isw_output_flush(ctx->out);
			if (!o->quiet && !o->cfg.dry_run)
				status_print(&st, stderr, &stats);
			next_status += 1.0;
			if (next_status < stats.elapsed_s)
				next_status = stats.elapsed_s + 1.0;
		}
	}
	return signals;
}

int main(int argc, char **argv)
{
	struct cli_options o;
	struct sink_ctx ctx = {0};
	struct run_info ri = {.argc = argc, .argv = argv};
	struct isw_scan_stats stats;
	struct isw_scan_route rt;
	char err[ISW_ERRBUF_SIZE] = "";
	FILE *out = stdout, *meta = NULL;
	isw_scan *scan = NULL;
	sigset_t sigs;
	int rc, status = 0;

	rc = cli_parse(&o, argc, argv, err);
	if (rc < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err[0] ? err : isw_strerror(rc));
		cli_free(&o);
		return rc == -EINVAL ? EXIT_BAD_INPUT : EXIT_RUNTIME;
	}
	if (o.help || o.version) {
		if (o.help)
			cli_usage(stdout);
		else
			printf("icmpsweep %s\n", ISW_VERSION);
		cli_free(&o);
		return 0;
	}
	if (o.output_path && strcmp(o.output_path, "-") != 0 &&
	    !(out = open_or_die(o.output_path, "output file"))) {
		cli_free(&o);
		return EXIT_BAD_INPUT;
	}
	if (o.metadata_path && !(meta = open_or_die(o.metadata_path, "metadata file"))) {
		status = EXIT_BAD_INPUT;
		goto done;
	}
	o.cfg.dry_run_out = out;
	if (isw_output_new(&ctx.out, o.format, out) < 0) {
		status = EXIT_RUNTIME;
		goto done;
	}

	/* Every thread inherits this mask, so only sigtimedwait in run() sees the signals. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	rc = isw_scan_new(&scan, &o.cfg, o.targets, sink, &ctx, err);
	if (rc < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		status = rc == -EINVAL ? EXIT_BAD_INPUT : EXIT_RUNTIME;
		goto done;
	}
	clock_gettime(CLOCK_REALTIME, &ri.start);
	rc = isw_scan_start(scan, err);
	if (rc < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err[0] ? err : isw_strerror(rc));
		status = start_error_status(rc);
		goto done;
	}
	isw_scan_get_route(scan, &rt);
	if (!o.quiet && !o.cfg.dry_run) {
		uint32_t a = rt.src_addr;
		fprintf(stderr,
		        "icmpsweep: %llu targets from %u.%u.%u.%u on %s via "
		        "%02x:%02x:%02x:%02x:%02x:%02x, "
		        "rate %llu/s, seed %llu\n",
		        (unsigned long long)isw_targets_count(o.targets), a >> 24, (a >> 16) & 0xff,
		        (a >> 8) & 0xff, a & 0xff, rt.iface, rt.gw_mac[0], rt.gw_mac[1],
		        rt.gw_mac[2], rt.gw_mac[3], rt.gw_mac[4], rt.gw_mac[5],
		        (unsigned long long)o.cfg.rate, (unsigned long long)o.cfg.seed);
	}
	ri.interrupted = run(scan, &o, &ctx, &sigs) > 0;
	clock_gettime(CLOCK_REALTIME, &ri.end);

	if (isw_output_flush(ctx.out) < 0 || atomic_load(&ctx.write_failed)) {
		fprintf(stderr, "icmpsweep: writing results failed: %s\n", strerror(errno));
		status = EXIT_RUNTIME;
	}
	isw_scan_get_stats(scan, &stats);
	if (!o.quiet && !o.cfg.dry_run)
		print_summary(stderr, &stats, ri.interrupted);
	if (meta && (metadata_write(meta, &o, scan, &ri) < 0 || fflush(meta) != 0)) {
		fprintf(stderr, "icmpsweep: writing metadata '%s' failed\n", o.metadata_path);
		status = EXIT_RUNTIME;
	}
done:
	isw_scan_free(scan);
	isw_output_free(ctx.out);
	if (meta)
		fclose(meta);
	if (out != stdout && fclose(out) != 0 && !status)
		status = EXIT_RUNTIME;
	cli_free(&o);
	return status;
}
