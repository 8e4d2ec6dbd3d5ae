/* SPDX-License-Identifier: BSD-2-Clause */
/* icmpsweep: options -> configuration -> scan -> output.  The only place that prints to the
 * user and decides exit codes: 0 done, 1 runtime failure (results, trace or metadata not
 * fully written, among others), 2 bad input, 130 / 143 stopped by SIGINT / SIGTERM (after the
 * clean shutdown; a runtime failure still wins: exit 1). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint-run.h"
#include "cli-options.h"
#include "cmd-diff.h"
#include "cmd-history.h"
#include "cmd-map.h"
#include "cmd-merge.h"
#include "db-cli.h"
#include "icmpsweep/build-info.h"
#include "icmpsweep/scan.h"
#include "icmpsweep/trace.h"
#include "icmpsweep/version.h"
#include "map-cli.h"
#include "metadata.h"
#include "privdrop.h"
#include "resolve-cli.h"
#include "resume-cli.h"
#include "status.h"

#define EXIT_RUNTIME   1
#define EXIT_BAD_INPUT 2
#define EXIT_SIGNAL    128 /* + the signal's number, as shells report it */

/* A further user of every written result (--map; --db): told each result emit() writes.  Its
 * first failure is kept and reported at the end: results it lost are a failed run. */
struct consumer {
	int (*put)(void *arg, const struct isw_result *r);
	void *arg;
	const char *name;  /* the option it serves, for messages */
	atomic_int failed; /* negative errno of its first failure, else 0 */
};

#define MAX_CONSUMERS 4

struct sink_ctx {
	isw_output *out;
	const char *out_name; /* for messages: the -o path or "standard output" */
	int out_reported;     /* main thread only: the write error was reported */
	atomic_int write_failed;
	/* Resolver stage (NULL with -n): the sink hands results to it, and its thread is then
	 * the only one that writes. */
	isw_resolver *res;
	atomic_int submit_failed;
	/* --max-results: hosts passed on so far (the sink's thread only), and once the limit is
	 * reached, a flag for the main thread; nothing is passed on after it. */
	uint64_t max_results, found;
	atomic_int limit_reached;
	struct consumer consumers[MAX_CONSUMERS];
	size_t nconsumers;
	/* --checkpoint (NULL without): told what the scan reported and what was written. */
	struct ckpt_run *ck;
	int append; /* --resume into the file the checkpoint's run began: no header */
};

static void add_consumer(struct sink_ctx *c, int (*put)(void *, const struct isw_result *),
                         void *arg, const char *name)
{
	struct consumer *k = &c->consumers[c->nconsumers++];

	k->put = put;
	k->arg = arg;
	k->name = name;
	atomic_init(&k->failed, 0);
}

/* A finished result (looked up, when resolving) to the output: the one place results are
 * written, from the capture thread with -n, else from the resolver's. */
static void emit(struct sink_ctx *c, const struct isw_result *r)
{
	if (isw_output_write(c->out, r) < 0)
		atomic_store(&c->write_failed, 1);
	for (size_t i = 0; i < c->nconsumers; i++) {
		struct consumer *k = &c->consumers[i];
		int rc = k->put(k->arg, r), none = 0;

		if (rc < 0)
			atomic_compare_exchange_strong(&k->failed, &none, rc);
	}
}

/* Each consumer's first failure, reported; 1 if there was one. */
static int consumers_failed(struct sink_ctx *c)
{
	int failed = 0;

	for (size_t i = 0; i < c->nconsumers; i++) {
		int rc = atomic_load(&c->consumers[i].failed);

		if (!rc)
			continue;
		fprintf(stderr, "icmpsweep: %s lost results: %s\n", c->consumers[i].name,
		        strerror(-rc));
		failed = 1;
	}
	return failed;
}

static void sink(const struct isw_result *r, void *arg)
{
	struct sink_ctx *c = arg;

	if (c->max_results) {
		if (atomic_load_explicit(&c->limit_reached, memory_order_relaxed))
			return;
		if ((r->type == ISW_RESULT_ECHO_REPLY || isw_result_is_neigh_only(r->type)) &&
		    ++c->found == c->max_results)
			atomic_store(&c->limit_reached, 1);
	}
	if (c->ck) {
		/* Reported and (without a resolver) written, as one for the checkpoint. */
		ckpt_run_lock(c->ck);
		ckpt_run_answered(c->ck, r);
		if (!c->res)
			emit(c, r);
		ckpt_run_unlock(c->ck);
		if (!c->res)
			return;
	}
	if (c->res) {
		if (isw_resolver_submit(c->res, r) < 0)
			atomic_store(&c->submit_failed, 1);
		return;
	}
	emit(c, r);
}

/* Resolver thread: a result whose lookup has finished. */
static void resolved(const struct isw_result *r, void *arg)
{
	struct sink_ctx *c = arg;

	if (c->ck) {
		ckpt_run_lock(c->ck);
		emit(c, r);
		ckpt_run_written(c->ck, r);
		ckpt_run_unlock(c->ck);
		return;
	}
	emit(c, r);
}

/* Once the scan (the resolver's only producer) has ended, no more results come: let the
 * resolver end after its last lookup.  1 when both are done. */
static int all_done(isw_scan *scan, struct sink_ctx *ctx, int *finish_sent)
{
	if (!isw_scan_wait(scan, 0))
		return 0;
	if (!ctx->res)
		return 1;
	if (!*finish_sent) {
		isw_resolver_finish(ctx->res);
		*finish_sent = 1;
	}
	return isw_resolver_wait(ctx->res, 0);
}

/* The first error writing results, reported once; 1 if there is one. */
static int output_failed(struct sink_ctx *c)
{
	int err = c->out ? isw_output_error(c->out) : 0;

	if (!err && atomic_load(&c->write_failed))
		err = -EIO;
	if (err && !c->out_reported) {
		fprintf(stderr, "icmpsweep: writing results to %s: %s\n", c->out_name,
		        strerror(-err));
		c->out_reported = 1;
	}
	return err != 0;
}

/* The first error writing the trace, reported once (the sweep goes on); 1 if there is one. */
static int trace_failed(const isw_scan *scan, int *reported)
{
	char err[ISW_ERRBUF_SIZE] = "";
	int rc = isw_scan_trace_error(scan, err);

	if (rc && !*reported) {
		fprintf(stderr,
		        "icmpsweep: warning: %s; the trace ends there, the sweep goes on (exit "
		        "status 1)\n",
		        err[0] ? err : strerror(-rc));
		*reported = 1;
	}
	return rc != 0;
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
/* "N targets", and with IPv6 ones "N targets (A IPv4, B IPv6)", for the start line. */
static const char *targets_text(const isw_targets *t, char *buf, size_t size)
{
	uint64_t n = isw_targets_count(t), n6 = isw_targets_count_v6(t);

	if (n6)
		snprintf(buf, size, "%llu targets (%llu IPv4, %llu IPv6)", (unsigned long long)n,
		         (unsigned long long)(n - n6), (unsigned long long)n6);
	else
		snprintf(buf, size, "%llu targets", (unsigned long long)n);
	return buf;
}

/* An interface's sources: its IPv4 one, and the IPv6 one when IPv6 targets leave there. */
static const char *sources_text(uint32_t src, const struct isw_addr *src6, char *buf, size_t size)
{
	char a[ISW_ADDR_STRLEN], a6[ISW_ADDR_TEXT_MAX];

	if (!src6->family)
		snprintf(buf, size, "%s", isw_addr_str(src, a));
	else if (!src)
		snprintf(buf, size, "%s", isw_addr_format(src6, a6));
	else
		snprintf(buf, size, "%s and %s", isw_addr_str(src, a), isw_addr_format(src6, a6));
	return buf;
}

static int start_error_status(int rc)
{
	return rc == -EINVAL || rc == -ENODEV ? EXIT_BAD_INPUT : EXIT_RUNTIME;
}

static void print_summary(FILE *fp, const struct isw_scan_stats *s, const struct isw_scan_route *rt,
                          const char *how)
{
	fprintf(fp,
	        "icmpsweep: %s: %llu targets, %llu probes sent in %.2f s (%.0f/s), %llu hosts up, "
	        "%llu ICMP errors, %llu duplicates, %llu invalid, %llu unrouted, pcap drops %llu "
	        "(ifdrop %llu)\n",
	        how, (unsigned long long)s->targets, (unsigned long long)s->sent, s->send_busy_s,
	        s->send_busy_s > 0 ? (double)s->sent / s->send_busy_s : 0.0,
	        (unsigned long long)s->hits, (unsigned long long)s->icmp_errors,
	        (unsigned long long)s->duplicates, (unsigned long long)s->invalid,
	        (unsigned long long)s->unrouted, (unsigned long long)s->pcap_drop,
	        (unsigned long long)s->pcap_ifdrop);
	if (s->other_shard)
		fprintf(fp,
		        "icmpsweep: %llu answers for other shards' targets set aside (shards of "
		        "this sweep on this machine)\n",
		        (unsigned long long)s->other_shard);
	if (s->probed < s->targets)
		fprintf(fp,
		        "icmpsweep: --max-targets: the first %llu of the %llu targets (in the "
		        "keyed order) were probed, the others not\n",
		        (unsigned long long)s->probed, (unsigned long long)s->targets);
	if (s->send_errors)
		fprintf(fp, "icmpsweep: %llu send errors (%llu of them sent again)\n",
		        (unsigned long long)s->send_errors,
		        (unsigned long long)s->send_errors_resent);
	if (s->onlink)
		fprintf(fp,
		        "icmpsweep: local network: %llu on-link targets, %llu ARP requests, %llu "
		        "answered, %llu present by ARP only, %llu address conflicts\n",
		        (unsigned long long)s->onlink, (unsigned long long)s->arp_sent,
		        (unsigned long long)s->arp_hosts, (unsigned long long)s->arp_only,
		        (unsigned long long)s->arp_conflicts);
	if (s->onlink6)
		fprintf(fp,
		        "icmpsweep: local IPv6 network: %llu on-link targets, %llu neighbour "
		        "solicitations, %llu answered, %llu present by NDP only, %llu address "
		        "conflicts\n",
		        (unsigned long long)s->onlink6, (unsigned long long)s->ndp_sent,
		        (unsigned long long)s->ndp_hosts, (unsigned long long)s->ndp_only,
		        (unsigned long long)s->ndp_conflicts);
	if (s->arp_send_errors)
		fprintf(fp, "icmpsweep: %llu ARP requests could not be sent\n",
		        (unsigned long long)s->arp_send_errors);
	if (rt->nifaces > 1) {
		fprintf(fp, "icmpsweep: per interface:");
		for (unsigned k = 0; k < rt->nifaces; k++)
			fprintf(fp, "%s %s %llu sent, %llu send errors", k ? ";" : "",
			        rt->ifaces[k].iface, (unsigned long long)s->iface_sent[k],
			        (unsigned long long)s->iface_send_errors[k]);
		fputc('\n', fp);
	}
}

/* Signals arrive here through sigtimedwait, never through a handler: the main thread turns
 * them into isw_scan_stop calls and paces the status line at the same time.  A results
 * write error stops the sweep at once (what it finds could not be kept); a trace write
 * error is reported at once and the sweep goes on.  Returns the first signal, or 0. */
static int run(isw_scan *scan, const struct cli_options *o, struct sink_ctx *ctx,
               const sigset_t *sigs, int *trace_reported, int *health, const char **limit,
               int *abrupt)
{
	struct status st;
	/* With --checkpoint, positions are sampled each tick: finer ticks, fewer probes sent
	 * again after a crash. */
	struct timespec tick = {0, (ctx->ck ? 20 : 100) * 1000 * 1000};
	char ckerr[ISW_ERRBUF_SIZE];
	struct isw_scan_stats stats;
	int signals = 0, finish_sent = 0, first_sig = 0, stopped = 0;
	double next_status = 1.0;

	status_init(&st, &o->cfg);
	{
		struct isw_scan_route rt;

		isw_scan_get_route(scan, &rt);
		status_set_route(&st, &rt);
	}
	while (!all_done(scan, ctx, &finish_sent)) {
		int sig = sigtimedwait(sigs, NULL, &tick);
		if (!stopped && output_failed(ctx)) {
			stopped = 1;
			*abrupt = 1;
			isw_scan_stop(scan, 1);
			if (ctx->res)
				isw_resolver_stop(ctx->res);
		}
		trace_failed(scan, trace_reported);
		isw_scan_get_stats(scan, &stats);
		if (ctx->ck && !ctx->ck->failed &&
		    ckpt_run_tick(ctx->ck, scan, stats.elapsed_s, 0, 0, ckerr) < 0)
			fprintf(stderr, "icmpsweep: %s; the sweep goes on (exit status 1)\n",
			        ckerr);
		/* zmap's -N and -t: enough hosts (no cooldown: nothing more is wanted), or
		 * enough time sending (the cooldown still collects the answers on their way). */
		if (!*limit && atomic_load(&ctx->limit_reached)) {
			*limit = "max-results";
			*abrupt = 1;
			isw_scan_stop(scan, 1);
			if (!o->quiet)
				fprintf(stderr,
				        "icmpsweep: %llu hosts found (--max-results): stopping\n",
				        (unsigned long long)ctx->max_results);
		}
		if (!*limit && o->max_runtime_s > 0 && !stats.finished &&
		    stats.elapsed_s >= o->max_runtime_s) {
			*limit = "max-runtime";
			isw_scan_stop(scan, 0);
			if (!o->quiet)
				fprintf(stderr,
				        "icmpsweep: sending stopped after %.1f s (--max-runtime); "
				        "waiting for the cooldown\n",
				        stats.elapsed_s);
		}
		if (sig == SIGINT || sig == SIGTERM) {
			if (!first_sig)
				first_sig = sig;
			signals++;
			isw_scan_stop(scan, signals > 1);
			if (signals > 1)
				*abrupt = 1;
			/* The second interrupt also gives up the lookups still running; their
			 * results are written with lookup "timeout". */
			if (signals > 1 && ctx->res)
				isw_resolver_stop(ctx->res);
			if (!o->quiet)
				fprintf(stderr,
				        signals > 1 ? "icmpsweep: stopping now\n"
				        : ctx->res
				            ? "icmpsweep: stopping; waiting for the cooldown "
				              "and the lookups (interrupt again to skip)\n"
				            : "icmpsweep: stopping; waiting for the "
				              "cooldown (interrupt again to skip)\n");
		}
		if (!o->cfg.dry_run)
			status_health(&st, stderr, &stats);
		if (stats.elapsed_s >= next_status) {
			isw_output_flush(ctx->out);
			if (!o->quiet && !o->cfg.dry_run && stats.finished && ctx->res)
				resolve_status_print(stderr, ctx->res, stats.elapsed_s);
			else if (!o->quiet && !o->cfg.dry_run)
				status_print(&st, stderr, &stats);
			next_status += 1.0;
			if (next_status < stats.elapsed_s)
				next_status = stats.elapsed_s + 1.0;
		}
	}
	if (!o->cfg.dry_run) {
		isw_scan_get_stats(scan, &stats);
		status_health(&st, stderr, &stats);
		*health = status_health_final(&st, stderr, &stats, o->quiet);
	}
	return first_sig;
}

/* The pcapng section comment: enough to re-run the analysis (the seed) and to know what the
 * trace is of. */
static char *trace_comment(const struct cli_options *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		return NULL;
	fprintf(fp, "icmpsweep %s; seed=%llu; rate=%llu; probes=%u; targets=", ISW_VERSION,
	        (unsigned long long)o->cfg.seed, (unsigned long long)o->cfg.rate, o->cfg.probes);
	for (size_t i = 0; i < o->nspecs; i++)
		fprintf(fp, "%s%s", i ? "," : "", o->specs[i]);
	if (o->nexclude_specs)
		fputs("; excludes=", fp);
	for (size_t i = 0; i < o->nexclude_specs; i++)
		fprintf(fp, "%s%s", i ? "," : "", o->exclude_specs[i]);
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static struct isw_offline_config offline_config(const struct cli_options *o, FILE *trace)
{
	return (struct isw_offline_config){
	    .path = o->read_path,
	    .seed = o->cfg.seed,
	    .have_seed = o->seed_given,
	    .src_addr = o->cfg.src_addr,
	    .src6 = o->cfg.have_src6 ? o->cfg.src6 : NULL,
	    .no_validate = o->no_validate,
	    .targets = o->nspecs ? o->targets : NULL,
	    .oui_path = o->cfg.oui_path,
	    .file = trace,
	};
}

/* --read before the privilege drop: when the user switches, the metadata file is opened (or
 * created) now, once the trace is known to be readable, so that it can be written after the
 * drop even in a directory only root may write (a bad trace still leaves it alone).  Its
 * descriptor in *meta_fd, or -1.  Returns an exit status. */
static int offline_keep_metadata(const struct cli_options *o, const struct priv_user *u,
                                 FILE *trace, int *meta_fd)
{
	struct isw_offline_config oc = offline_config(o, trace);
	char err[ISW_ERRBUF_SIZE] = "";
	int rc;

	*meta_fd = -1;
	if (!o->metadata_path || !priv_switches_user(u))
		return 0;
	rc = isw_trace_check(&oc, err);
	if (rc < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err[0] ? err : isw_strerror(rc));
		return rc == -EINVAL ? EXIT_BAD_INPUT : EXIT_RUNTIME;
	}
	*meta_fd = open(o->metadata_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	return 0;
}

/* --read: the live matcher and writers over a trace; nothing is sent.  The metadata, when
 * asked for, describes the analysis (through meta_fd when the directory refuses a new file
 * after the privilege drop). */
static int run_offline(const struct cli_options *o, struct sink_ctx *ctx, struct run_info *ri,
                       struct map_run *mr, struct db_run *dr, FILE *trace, int meta_fd)
{
	struct isw_offline_config oc = offline_config(o, trace);
	struct isw_offline_stats st;
	char err[ISW_ERRBUF_SIZE] = "";
	int rc, status = 0;

	clock_gettime(CLOCK_REALTIME, &ri->start);
	if (db_run_begin(dr, o, NULL, ri, err) < 0 || db_run_start(dr, err) < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		return EXIT_RUNTIME;
	}
	rc = isw_trace_analyse(&oc, sink, ctx, &st, err);
	if (atomic_load(&ctx->limit_reached))
		ri->limit = "max-results";
	if (rc < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err[0] ? err : isw_strerror(rc));
		clock_gettime(CLOCK_REALTIME, &ri->end);
		ri->status = "failed";
		ri->offline = &st;
		if (db_run_finish(dr, o, NULL, ri, 0, 0, 0, err) < 0)
			fprintf(stderr, "icmpsweep: %s\n", err);
		ri->offline = NULL;
		return rc == -EINVAL ? EXIT_BAD_INPUT : EXIT_RUNTIME;
	}
	if (st.truncated)
		fprintf(stderr, "icmpsweep: warning: %s\n", err);
	if (ctx->res) {
		/* The trace is read: wait for the last lookup (each one is bounded). */
		isw_resolver_finish(ctx->res);
		while (!isw_resolver_wait(ctx->res, 1000))
			;
	}
	{
		struct isw_output_end end = {.targets =
		                                 o->nspecs ? isw_targets_count(o->targets) : 0};
		isw_output_finish(ctx->out, &end);
	}
	isw_output_flush(ctx->out);
	if (output_failed(ctx))
		status = EXIT_RUNTIME;
	if (consumers_failed(ctx))
		status = EXIT_RUNTIME;
	if (map_run_finish(mr, err) < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		status = EXIT_RUNTIME;
	}
	if (atomic_load(&ctx->submit_failed)) {
		fprintf(stderr, "icmpsweep: out of memory queueing results for lookup\n");
		status = EXIT_RUNTIME;
	}
	if (!o->quiet)
		fprintf(
		    stderr,
		    "icmpsweep: read %llu packets from %s (seed %llu): %llu hosts up, %llu ICMP "
		    "errors, %llu duplicates, %llu invalid\n",
		    (unsigned long long)st.packets, o->read_path, (unsigned long long)st.seed,
		    (unsigned long long)st.hits, (unsigned long long)st.icmp_errors,
		    (unsigned long long)st.duplicates, (unsigned long long)st.invalid);
	if (!o->quiet && st.arp_replies)
		fprintf(stderr,
		        "icmpsweep: local network: %llu ARP replies, %llu present by ARP only\n",
		        (unsigned long long)st.arp_replies, (unsigned long long)st.arp_only);
	if (!o->quiet && ctx->res)
		resolve_summary_print(stderr, ctx->res);
	clock_gettime(CLOCK_REALTIME, &ri->end);
	ri->offline = &st;
	ri->resolver = ctx->res;
	ri->status = status ? "failed" : "done";
	if (db_run_finish(dr, o, NULL, ri, o->nspecs ? isw_targets_count(o->targets) : 0, st.hits,
	                  st.icmp_errors, err) < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		status = EXIT_RUNTIME;
	}
	if (o->metadata_path &&
	    metadata_save_kept(o->metadata_path, meta_fd, o, NULL, ri, err) < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		status = EXIT_RUNTIME;
	}
	ri->offline = NULL;
	return status;
}

/* Everything privileged is open: give it up before the first thread starts (privdrop.h).
 * Returns an exit status. */
static int drop_privileges(const struct cli_options *o, const struct priv_user *u)
{
	char err[ISW_ERRBUF_SIZE] = "";
	int switches = priv_switches_user(u);

	if (priv_drop(u, o->user != NULL, err) < 0 ||
	    (switches && o->cfg.trace_rotate_bytes &&
	     priv_check_dir_writable(o->cfg.trace_path, "trace", u, err) < 0)) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		return EXIT_RUNTIME;
	}
	return 0;
}

/* The command line as one string (XML's args), or NULL when out of memory. */
static char *command_line(const struct run_info *ri)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		return NULL;
	for (int i = 0; i < ri->argc; i++)
		fprintf(fp, "%s%s", i ? " " : "", ri->argv[i]);
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The writer, and in front of it the resolver unless -n.  Returns an exit status. */
static int open_outputs(struct cli_options *o, struct sink_ctx *ctx, FILE *out, int link,
                        const struct run_info *ri)
{
	struct isw_output_options opt = {
	    .append = ctx->append,
	    .format = o->format,
	    .hostnames = !o->no_resolve,
	    .link = link,
	    .probes = o->cfg.dry_run,
	    .fields = o->fields,
	    .start_time = ri->start.tv_sec ? ri->start.tv_sec + ri->start.tv_nsec / 1e9 : 0,
	};
	char err[ISW_ERRBUF_SIZE] = "", *args = command_line(ri);
	int rc;

	opt.args = args;
	rc = isw_output_open(&ctx->out, &opt, out);
	free(args);
	if (rc < 0)
		return EXIT_RUNTIME;
	if (o->no_resolve)
		return 0;
	rc = isw_resolver_new(&ctx->res, &o->resolve, resolved, ctx, err);
	if (rc < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err[0] ? err : isw_strerror(rc));
		return rc == -EINVAL ? EXIT_BAD_INPUT : EXIT_RUNTIME;
	}
	return 0;
}

/* Flushes the results and closes their file (not stdout), reporting a failure once; 1 if
 * writing them failed.  Later calls only repeat the verdict. */
static int close_output(FILE **out, struct sink_ctx *ctx)
{
	int failed;

	/* Once closed, the writer's stream is gone: only the verdict remains. */
	if (!*out)
		return ctx->out_reported;
	if (ctx->out)
		isw_output_flush(ctx->out);
	failed = output_failed(ctx);
	if (*out != stdout) {
		errno = 0;
		if (fclose(*out) != 0 && !failed) {
			fprintf(stderr, "icmpsweep: writing results to %s: %s\n", ctx->out_name,
			        strerror(errno ? errno : EIO));
			ctx->out_reported = 1;
			failed = 1;
		}
	}
	*out = NULL;
	return failed;
}

int main(int argc, char **argv)
{
	struct cli_options o;
	struct sink_ctx ctx = {0};
	struct run_info ri = {.argc = argc, .argv = argv};
	struct isw_scan_stats stats;
	struct isw_scan_route rt;
	struct priv_user user;
	struct map_run mr = {0};
	struct db_run dr = {0};
	char err[ISW_ERRBUF_SIZE] = "", out_name[PATH_MAX + 2];
	FILE *out = stdout;
	isw_scan *scan = NULL;
	sigset_t sigs;
	int rc, status = 0, sig = 0, trace_reported = 0, failed, meta_pending = 0, meta_fd = -1;
	int health_failed = 0, abrupt = 0, db_pending = 0;
	struct resume_ctx rs = {0};
	struct ckpt_run ckr = {0};
	char seedbuf[48], **ck_argv = NULL;
	int ck_argc = 0;

	if (argc > 1 && !strcmp(argv[1], "diff"))
		return cmd_diff(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "history"))
		return cmd_history(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "map"))
		return cmd_map(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "merge"))
		return cmd_merge(argc - 1, argv + 1);
	rc = cli_parse(&o, argc, argv, err);
	if (rc < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err[0] ? err : isw_strerror(rc));
		cli_free(&o);
		return rc == -EINVAL ? EXIT_BAD_INPUT : EXIT_RUNTIME;
	}
	if (o.help || o.version || o.list_fields) {
		if (o.list_fields)
			isw_output_fields_list(stdout);
		else if (o.help)
			cli_usage(stdout);
		else {
			char info[1024];

			isw_build_info(info, sizeof(info));
			printf("icmpsweep %s\n%s", ISW_VERSION, info);
		}
		cli_free(&o);
		return 0;
	}
	/* --resume: the checkpoint's options, then the command line's (which must agree). */
	rc = resume_parse(&o, argc, argv, &rs, err);
	if (rc < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err[0] ? err : isw_strerror(rc));
		resume_free(&rs);
		cli_free(&o);
		return rc == -ENOMEM ? EXIT_RUNTIME : EXIT_BAD_INPUT;
	}
	/* What -l found: the user sees which networks "this host is on" meant. */
	if (o.localnet && !o.quiet)
		fprintf(stderr, "icmpsweep: -l: sweeping the networks of %s\n",
		        o.localnet_found.desc);
	if (priv_user_lookup(o.user, &user, err) < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		cli_free(&o);
		return EXIT_BAD_INPUT;
	}
	/* Before any file is created: a metadata path that cannot be written is bad input. */
	if (o.metadata_path && metadata_check(o.metadata_path, err) < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		cli_free(&o);
		return EXIT_BAD_INPUT;
	}
	if (o.output_path && strcmp(o.output_path, "-") != 0) {
		snprintf(out_name, sizeof(out_name), "'%s'", o.output_path);
		if (rs.active) {
			/* Appended to, after what the checkpoint says was written. */
			out = resume_open_output(&rs, o.output_path, err);
			if (out)
				ctx.append = 1;
			else
				fprintf(stderr, "icmpsweep: %s\n", err);
		} else {
			out = open_or_die(o.output_path, "output file");
		}
		if (!out) {
			resume_free(&rs);
			cli_free(&o);
			return EXIT_BAD_INPUT;
		}
	} else {
		snprintf(out_name, sizeof(out_name), "standard output");
	}
	ctx.out_name = out_name;
	rc = map_run_open(&mr, &o, err);
	if (rc < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		status = rc == -ENOMEM ? EXIT_RUNTIME : EXIT_BAD_INPUT;
		goto done;
	}
	if (mr.map)
		add_consumer(&ctx, map_put, mr.map, "--map");
	rc = db_run_open(&dr, &o, err);
	if (rc < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		status = rc == -EINVAL ? EXIT_BAD_INPUT : EXIT_RUNTIME;
		goto done;
	}
	if (dr.w)
		add_consumer(&ctx, dbw_put, dr.w, "--db");
	ctx.max_results = o.max_results;
	/* A dry run sends nothing and gets no answer to look up. */
	if (o.cfg.dry_run)
		o.no_resolve = 1;
	if (o.read_path) {
		/* Open while privileged, then read as a sweep sends: with the privileges
		 * dropped.  A trace that does not open is named by the analysis. */
		FILE *trace = fopen(o.read_path, "rb");
		int kept = -1;

		status = open_outputs(&o, &ctx, out,
		                      isw_trace_has_arp_replies(o.read_path, o.cfg.src_addr), &ri);
		if (!status)
			status = offline_keep_metadata(&o, &user, trace, &kept);
		if (!status)
			status = drop_privileges(&o, &user);
		if (!status)
			status = run_offline(&o, &ctx, &ri, &mr, &dr, trace, kept);
		if (trace)
			fclose(trace);
		if (kept >= 0)
			close(kept);
		goto done;
	}
	if (o.cfg.trace_path && !(o.cfg.trace_comment = trace_comment(&o))) {
		status = EXIT_RUNTIME;
		goto done;
	}

	if (o.checkpoint_path) {
		/* The options that repeat this sweep, its own seed among them. */
		if (ckpt_record_args(&o, rs.active ? rs.argc : argc, rs.active ? rs.argv : argv,
		                     seedbuf, sizeof(seedbuf), &ck_argc, &ck_argv) < 0 ||
		    ckpt_run_init(&ckr, &o, ck_argc, ck_argv, !o.no_resolve) < 0 ||
		    (rs.active && ckpt_run_seed(&ckr, &rs.ck) < 0)) {
			fprintf(stderr, "icmpsweep: out of memory for the checkpoint\n");
			status = EXIT_RUNTIME;
			goto done;
		}
		ckr.out = out != stdout ? out : NULL;
		ctx.ck = &ckr;
	}
	ri.resumed_from = rs.active ? o.resume_path : NULL;
	ri.resumes = rs.active ? rs.ck.resumes + 1 : 0;

	/* Every thread inherits this mask, so only sigtimedwait in run() sees the signals. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	/* A dry run lists its probes through the writer, in the output's format. */
	if (o.cfg.dry_run) {
		status = open_outputs(&o, &ctx, out, 0, &ri);
		if (status)
			goto done;
		o.cfg.dry_run_out = ctx.out;
	}
	rc = isw_scan_new(&scan, &o.cfg, o.targets, sink, &ctx, err);
	if (rc < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		status = rc == -EINVAL ? EXIT_BAD_INPUT : EXIT_RUNTIME;
		goto done;
	}
	/* Route and sockets first: whether targets are on-link decides the output's columns,
	 * and nothing has been sent yet if this fails. */
	rc = isw_scan_prepare(scan, err);
	if (rc < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err[0] ? err : isw_strerror(rc));
		priv_hint(stderr, rc,
		          !o.cfg.tx || !strcmp(o.cfg.tx, "auto") || !strcmp(o.cfg.tx, "socket"),
		          o.cfg.tx && !strcmp(o.cfg.tx, "socket"));
		status = start_error_status(rc);
		goto done;
	}
	if (rs.active) {
		rc = resume_scan(scan, &rs, err);
		if (rc < 0) {
			fprintf(stderr, "icmpsweep: %s\n", err);
			status = EXIT_BAD_INPUT;
			goto done;
		}
	}
	/* The seed and the configuration are on disk before the first probe: a run killed
	 * halfway (SIGKILL, SIGPIPE) can still be analysed and repeated. */
	clock_gettime(CLOCK_REALTIME, &ri.start);
	ri.status = "running";
	if (o.metadata_path && metadata_save(o.metadata_path, &o, scan, &ri, err) < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		status = EXIT_RUNTIME;
		goto done;
	}
	meta_pending = o.metadata_path != NULL;
	if (meta_pending)
		meta_fd = metadata_keep(o.metadata_path);
	/* Likewise the run row: a sweep killed halfway is found "running" and marked
	 * interrupted by the next use of the database. */
	if (db_run_begin(&dr, &o, scan, &ri, err) < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		status = EXIT_RUNTIME;
		goto done;
	}
	db_pending = dr.w != NULL;
	status = drop_privileges(&o, &user);
	if (!status && db_run_start(&dr, err) < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		status = EXIT_RUNTIME;
	}
	if (!status && !ctx.out)
		status = open_outputs(&o, &ctx, out, isw_scan_onlink(scan) > 0, &ri);
	if (status)
		goto done;
	if (ctx.ck) {
		ckr.writer = ctx.out;
		/* Answered before the checkpoint, not yet written then: written now. */
		for (size_t i = 0; i < rs.ck.npending; i++)
			sink(&rs.ck.pending[i], &ctx);
		/* Written once before the first probe: a path that cannot take it is bad input,
		 * found while nothing has been sent. */
		rc = ckpt_run_tick(&ckr, scan, 0, 1, 1, err);
		if (rc < 0) {
			fprintf(stderr, "icmpsweep: %s\n", err);
			if (rc == -EACCES && priv_switches_user(&user))
				fprintf(
				    stderr,
				    "icmpsweep: the sweep runs as another user once set up: give "
				    "--checkpoint a directory that user may write, or --user\n");
			status = EXIT_BAD_INPUT;
			goto done;
		}
	}
	{
		char what[256];
		uint64_t unrouted = isw_scan_unrouted(scan, what, sizeof(what));

		/* Targets that will never be probed: said even with -q. */
		if (unrouted)
			fprintf(stderr,
			        "icmpsweep: warning: %llu targets have no usable route and are "
			        "skipped: %s\n",
			        (unsigned long long)unrouted, what);
	}
	rc = isw_scan_start(scan, err);
	if (rc < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err[0] ? err : isw_strerror(rc));
		status = start_error_status(rc);
		goto done;
	}
	isw_scan_get_route(scan, &rt);
	if (!o.quiet && !o.cfg.dry_run) {
		uint32_t a = rt.src_addr;
		char tbuf[96], sbuf[2 * ISW_ADDR_TEXT_MAX + 8];
		uint64_t onlink = isw_scan_onlink(scan);

		if (onlink)
			fprintf(stderr,
			        "icmpsweep: %llu targets are on the local network: ARP (IPv6: NDP) "
			        "first, then ICMP to each host's own MAC\n",
			        (unsigned long long)onlink);
		if (o.shard.count > 1) {
			struct isw_scan_stats before;

			isw_scan_get_stats(scan, &before);
			fprintf(stderr,
			        "icmpsweep: shard %u/%u (from %s): %llu of the %llu targets\n",
			        o.shard.index, o.shard.count, o.shard.source,
			        (unsigned long long)before.targets,
			        (unsigned long long)isw_targets_count(o.targets));
		}
		if (rt.tx_why[0])
			/* No-root mode: no MACs to show; the kernel routes each probe. */
			fprintf(stderr,
			        "icmpsweep: %s from %s on %s through ICMP datagram (ping) sockets, "
			        "rate %llu/s, seed %llu, %u sender%s, tx %s (no-root mode: %s)\n",
			        targets_text(o.targets, tbuf, sizeof(tbuf)),
			        sources_text(a, &rt.src6, sbuf, sizeof(sbuf)), rt.iface,
			        (unsigned long long)o.cfg.rate, (unsigned long long)o.cfg.seed,
			        rt.senders, rt.senders == 1 ? "" : "s", rt.tx, rt.tx_why);
		else
			fprintf(stderr,
			        "icmpsweep: %s from %s on %s via "
			        "%02x:%02x:%02x:%02x:%02x:%02x%s, "
			        "rate %llu/s, seed %llu, %u sender%s, tx %s\n",
			        targets_text(o.targets, tbuf, sizeof(tbuf)),
			        sources_text(a, &rt.src6, sbuf, sizeof(sbuf)), rt.iface,
			        rt.gw_mac[0], rt.gw_mac[1], rt.gw_mac[2], rt.gw_mac[3],
			        rt.gw_mac[4], rt.gw_mac[5],
			        rt.gateways > 1 ? " and other gateways per route" : "",
			        (unsigned long long)o.cfg.rate, (unsigned long long)o.cfg.seed,
			        rt.senders, rt.senders == 1 ? "" : "s", rt.tx ? rt.tx : "?");
		/* Targets routed through other interfaces leave there, from their own source. */
		for (unsigned k = 1; k < rt.nifaces; k++)
			fprintf(stderr,
			        "icmpsweep: targets routed through %s leave it from %s via "
			        "%02x:%02x:%02x:%02x:%02x:%02x\n",
			        rt.ifaces[k].iface,
			        sources_text(rt.ifaces[k].src_addr, &rt.ifaces[k].src6, sbuf,
			                     sizeof(sbuf)),
			        rt.ifaces[k].gw_mac[0], rt.ifaces[k].gw_mac[1],
			        rt.ifaces[k].gw_mac[2], rt.ifaces[k].gw_mac[3],
			        rt.ifaces[k].gw_mac[4], rt.ifaces[k].gw_mac[5]);
		if (rt.tx_note[0])
			fprintf(stderr, "icmpsweep: %s: %s; sending in %s mode\n", rt.tx,
			        rt.tx_note, rt.tx_mode);
	}
	sig = run(scan, &o, &ctx, &sigs, &trace_reported, &health_failed, &ri.limit, &abrupt);
	ri.interrupted = sig != 0;
	clock_gettime(CLOCK_REALTIME, &ri.end);
	failed = 0;
	if (ctx.ck) {
		isw_scan_get_stats(scan, &stats);
		/* The last one, before XML's footer: the positions of now when the cooldown ran
		 * (every answer is in), else the settled ones. */
		if (ckpt_run_tick(&ckr, scan, stats.elapsed_s, 1, !abrupt && !health_failed, err) <
		    0)
			fprintf(stderr, "icmpsweep: %s\n", err);
		failed = ckr.failed;
	}

	/* Every producer has ended: the document can end, and the file be closed and its fate
	 * known. */
	{
		struct isw_output_end end = {
		    .targets = isw_targets_count(o.targets),
		    .end_time = ri.end.tv_sec + ri.end.tv_nsec / 1e9,
		    .error = sig ? "interrupted" : NULL,
		};
		isw_output_finish(ctx.out, &end);
	}
	if (close_output(&out, &ctx))
		failed = 1;
	if (consumers_failed(&ctx))
		failed = 1;
	if (map_run_finish(&mr, err) < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		failed = 1;
	}
	/* The path failed (README "When the path fails"): results may be missing. */
	if (health_failed)
		failed = 1;
	if (atomic_load(&ctx.submit_failed)) {
		fprintf(stderr, "icmpsweep: out of memory queueing results for lookup\n");
		failed = 1;
	}
	if (trace_failed(scan, &trace_reported))
		failed = 1;
	isw_scan_get_stats(scan, &stats);
	if (!o.quiet && !o.cfg.dry_run) {
		char how[64];

		snprintf(how, sizeof(how), "%s",
		         ri.interrupted                      ? "interrupted"
		         : health_failed || ctx.out_reported ? "failed"
		                                             : "done");
		if (o.shard.count > 1)
			snprintf(how + strlen(how), sizeof(how) - strlen(how), " (shard %u/%u)",
			         o.shard.index, o.shard.count);
		print_summary(stderr, &stats, &rt, how);
	}
	/* Lost answers mean possibly missed hosts: worth saying even with -q. */
	if (stats.pcap_drop && !o.cfg.dry_run)
		fprintf(stderr,
		        "icmpsweep: warning: the capture dropped %llu packets, so hosts may be "
		        "missing; "
		        "raise --pcap-buffer (now %uk), lower -r or add --adaptive\n",
		        (unsigned long long)stats.pcap_drop, o.cfg.pcap_buffer >> 10);
	if (!o.quiet && ctx.res)
		resolve_summary_print(stderr, ctx.res);
	ri.resolver = ctx.res;
	ri.status = failed ? "failed" : ri.interrupted ? "interrupted" : "done";
	db_pending = 0;
	if (db_run_finish(&dr, &o, scan, &ri, stats.targets, stats.hits, stats.icmp_errors, err) <
	    0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		failed = 1;
	}
	meta_pending = 0;
	if (o.metadata_path &&
	    metadata_save_kept(o.metadata_path, meta_fd, &o, scan, &ri, err) < 0) {
		fprintf(stderr, "icmpsweep: %s\n", err);
		failed = 1;
	}
	status = failed ? EXIT_RUNTIME : sig ? EXIT_SIGNAL + sig : 0;
done:
	/* Started but could not run: the metadata must not say "running" for ever. */
	if (meta_pending) {
		clock_gettime(CLOCK_REALTIME, &ri.end);
		ri.status = "failed";
		if (metadata_save_kept(o.metadata_path, meta_fd, &o, scan, &ri, err) < 0)
			fprintf(stderr, "icmpsweep: %s\n", err);
	}
	if (db_pending) {
		clock_gettime(CLOCK_REALTIME, &ri.end);
		ri.status = "failed";
		if (db_run_finish(&dr, &o, scan, &ri, 0, 0, 0, err) < 0)
			fprintf(stderr, "icmpsweep: %s\n", err);
	}
	if (meta_fd >= 0)
		close(meta_fd);
	isw_scan_free(scan);
	/* After the scan (its producer) and before the output (its writer's target). */
	isw_resolver_free(ctx.res);
	/* A sweep that stopped early still leaves a well-formed document. */
	if (out && ctx.out) {
		struct isw_output_end end = {.error = "the sweep did not complete"};
		isw_output_finish(ctx.out, &end);
	}
	if (close_output(&out, &ctx) && !status)
		status = EXIT_RUNTIME;
	isw_output_free(ctx.out);
	map_run_free(&mr);
	db_run_free(&dr);
	ckpt_run_free(&ckr);
	free(ck_argv);
	resume_free(&rs);
	free((char *)o.cfg.trace_comment);
	cli_free(&o);
	return status;
}
