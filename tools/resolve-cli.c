/* SPDX-License-Identifier: BSD-2-Clause */
/* The resolver stage as the CLI shows it (resolve-cli.h): summary, progress, metadata block. */
#include "resolve-cli.h"

static double rate(const struct isw_resolver_stats *s)
{
	return s->elapsed_s > 0 ? (double)s->lookups / s->elapsed_s : 0.0;
}

void resolve_summary_print(FILE *fp, const isw_resolver *r)
{
	struct isw_resolver_stats s;

	isw_resolver_get_stats(r, &s);
	fprintf(fp,
	        "icmpsweep: lookups: %llu in %.2f s (%.0f/s): %llu ok, %llu nxdomain, %llu "
	        "servfail, %llu timeout; %llu queries (%llu retries), %llu results from the "
	        "cache\n",
	        (unsigned long long)s.lookups, s.elapsed_s, rate(&s), (unsigned long long)s.ok,
	        (unsigned long long)s.nxdomain, (unsigned long long)s.servfail,
	        (unsigned long long)s.timeout, (unsigned long long)s.queries,
	        (unsigned long long)s.retries, (unsigned long long)s.cache_hits);
}

void resolve_status_print(FILE *fp, const isw_resolver *r, double elapsed_s)
{
	struct isw_resolver_stats s;
	unsigned m = (unsigned)(elapsed_s / 60), sec = (unsigned)elapsed_s % 60;

	isw_resolver_get_stats(r, &s);
	fprintf(fp, "%u:%02u  resolving: %llu done, %llu in flight, %llu waiting; %llu timeouts\n",
	        m, sec, (unsigned long long)s.lookups, (unsigned long long)s.in_flight,
	        (unsigned long long)s.waiting, (unsigned long long)s.timeout);
}

void resolve_metadata_write(FILE *fp, const struct cli_options *o, const isw_resolver *r)
{
	struct isw_resolver_stats s;
	struct isw_resolver_server_stats sv;

	if (!r) {
		fputs("null", fp);
		return;
	}
	isw_resolver_get_stats(r, &s);
	fprintf(fp, "{\"concurrency\": %u, \"timeout_ms\": %u, \"tries\": %u, \"servers\": [",
	        o->resolve.concurrency, o->resolve.timeout_ms, o->resolve.tries);
	for (unsigned i = 0; isw_resolver_get_server(r, i, &sv) == 0; i++)
		fprintf(fp,
		        "%s{\"server\": \"%s\", \"queries\": %llu, \"answers\": %llu, "
		        "\"timeouts\": %llu, \"late\": %llu, \"window\": %u, "
		        "\"window_decreases\": %llu, \"rto_ms\": %u}",
		        i ? ", " : "", sv.name, (unsigned long long)sv.queries,
		        (unsigned long long)sv.answers, (unsigned long long)sv.timeouts,
		        (unsigned long long)sv.late, sv.window, (unsigned long long)sv.decreases,
		        sv.rto_ms);
	fprintf(fp,
	        "], \"lookups\": %llu, \"ok\": %llu, \"nxdomain\": %llu, \"servfail\": %llu, "
	        "\"timeout\": %llu, \"failed\": %llu, \"queries\": %llu, \"retries\": %llu, "
	        "\"cache_hits\": %llu, \"spilled\": %llu, \"duration_s\": %.3f, "
	        "\"lookups_per_s\": %.1f}",
	        (unsigned long long)s.lookups, (unsigned long long)s.ok,
	        (unsigned long long)s.nxdomain, (unsigned long long)s.servfail,
	        (unsigned long long)s.timeout, (unsigned long long)(s.servfail + s.timeout),
	        (unsigned long long)s.queries, (unsigned long long)s.retries,
	        (unsigned long long)s.cache_hits, (unsigned long long)s.spilled, s.elapsed_s,
	        rate(&s));
}
