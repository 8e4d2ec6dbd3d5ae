/* SPDX-License-Identifier: BSD-2-Clause */
/* icmpsweep merge (cmd-merge.h): reads every file given, tells results from metadata by their
 * content, checks that the metadata describe all N shards of one sweep exactly once, and
 * unites the hosts (merge-write.c writes them and the summed counters). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>

#include "cmd-merge.h"
#include "icmpsweep/error.h"
#include "icmpsweep/output.h"
#include "icmpsweep/version.h"
#include "result-file.h"
#include "result-parse.h"
#include "merge-write.h"
#include "shard-meta.h"

static void usage(FILE *fp)
{
	fputs("usage: icmpsweep merge [options] FILE...\n"
	      "Combine the shards of one sweep (--shard I/N): each shard's result file (text,\n"
	      "csv, json or xml) and its --metadata file, in any order (told apart by their\n"
	      "content), e.g.  icmpsweep merge -o all.csv --metadata all.json out/*\n"
	      "Every host once; the metadata's counters summed.  The metadata must name all N\n"
	      "shards once each, with the same seed and target set.\n"
	      "\n"
	      "  -O, --output-format FMT   text, csv, json or xml (default: the shards' format)\n"
	      "  -o, --output FILE         the merged results here (default: stdout)\n"
	      "      --metadata FILE       the merged metadata (JSON) here\n"
	      "  -h, --help                this help\n"
	      "\n"
	      "CSV and JSON rows have the columns result files carry back: ip, type, rtt_ms,\n"
	      "ttl (unless a shard's file lacks it), hostname and lookup (when looked up), mac\n"
	      "and vendor (on-link hosts); probe, ts and responder are not carried.\n"
	      "Exit status: 0 merged; 1 a shard missing, given twice, unfinished, without its\n"
	      "result file, or a host in two shards (named; the merge is still written);\n"
	      "2 bad input (options, a file unreadable or neither results nor metadata, shards\n"
	      "of different sweeps: seed, shard count or target set differ).\n",
	      fp);
}

static int parse(int argc, char **argv, struct merge_opts *o)
{
	enum { OPT_METADATA = 256 };
	static const struct option longs[] = {
	    {"output-format", required_argument, NULL, 'O'},
	    {"output", required_argument, NULL, 'o'},
	    {"metadata", required_argument, NULL, OPT_METADATA},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct merge_opts){.format = ISW_FORMAT_TEXT};
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":O:o:h", longs, NULL)) != -1) {
		switch (c) {
		case 'O':
			if (isw_format_parse(optarg, &o->format) < 0) {
				fprintf(stderr,
				        "icmpsweep merge: invalid output format '%s' (text, csv, "
				        "json or xml)\n",
				        optarg);
				return -1;
			}
			o->format_given = 1;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_METADATA:
			o->metadata = optarg;
			break;
		case 'h':
			return 1;
		case ':':
			fprintf(stderr, "icmpsweep merge: option '%s' needs a value\n",
			        argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "icmpsweep merge: unknown option '%s' (try merge --help)\n",
			        argv[optind - 1]);
			return -1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "icmpsweep merge: no files given: each shard's results and its "
		                "--metadata file\n");
		return -1;
	}
	return 0;
}

/* An output that is one of the inputs would destroy a shard's file: refused (by inode, so
 * another name for it is caught too). */
static int overwrites_input(const char *out, char **inputs, int n)
{
	struct stat so, si;

	if (!out || stat(out, &so) != 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (stat(inputs[i], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
			fprintf(stderr, "icmpsweep merge: output '%s' is the input '%s'\n", out,
			        inputs[i]);
			return 1;
		}
	return 0;
}

struct input {
	const char *path;
	struct rf_set set; /* results */
};

/* The metadata agree on the sweep (exit 2 otherwise) and name every shard once (1). */
static int check_shards(const struct shard_meta *m, size_t nm, size_t nresults)
{
	int status = MERGE_OK;
	uint64_t count;
	const struct shard_meta **by;

	if (!nm) {
		fprintf(stderr, "icmpsweep merge: no metadata among the files: give each shard's "
		                "--metadata file too, so that a missing shard is noticed\n");
		return MERGE_BAD;
	}
	for (size_t i = 0; i < nm; i++) {
		if (!m[i].have_shard) {
			fprintf(
			    stderr,
			    "icmpsweep merge: %s describes a whole sweep, not a shard (run with "
			    "--shard I/N)\n",
			    m[i].path);
			return MERGE_BAD;
		}
		if (m[i].count != m[0].count || m[i].seed != m[0].seed ||
		    strcmp(m[i].digest, m[0].digest) ||
		    m[i].probes_per_target != m[0].probes_per_target) {
			fprintf(stderr,
			        "icmpsweep merge: %s and %s are shards of different sweeps (%s)\n",
			        m[0].path, m[i].path,
			        m[i].seed != m[0].seed     ? "seeds differ"
			        : m[i].count != m[0].count ? "shard counts differ"
			        : strcmp(m[i].digest, m[0].digest)
			            ? "target sets differ: targets or exclusions"
			            : "probes per target (-P) differ");
			return MERGE_BAD;
		}
	}
	count = m[0].count;
	by = calloc(count, sizeof(*by));
	if (!by) {
		fprintf(stderr, "icmpsweep merge: out of memory for %llu shards\n",
		        (unsigned long long)count);
		return MERGE_BAD;
	}
	for (size_t i = 0; i < nm; i++) {
		if (m[i].index >= count) {
			fprintf(stderr, "icmpsweep merge: %s: shard %llu of %llu does not exist\n",
			        m[i].path, (unsigned long long)m[i].index,
			        (unsigned long long)count);
			free(by);
			return MERGE_BAD;
		}
		if (by[m[i].index]) {
			fprintf(stderr, "icmpsweep merge: shard %llu/%llu given twice: %s and %s\n",
			        (unsigned long long)m[i].index, (unsigned long long)count,
			        by[m[i].index]->path, m[i].path);
			status = MERGE_INCOMPLETE;
		} else
			by[m[i].index] = &m[i];
		if (strcmp(m[i].status, "done")) {
			fprintf(stderr,
			        "icmpsweep merge: shard %llu/%llu (%s) did not finish: status %s\n",
			        (unsigned long long)m[i].index, (unsigned long long)count,
			        m[i].path, m[i].status);
			status = MERGE_INCOMPLETE;
		}
	}
	{
		uint64_t missing = 0;

		for (uint64_t i = 0; i < count; i++)
			if (!by[i] && missing++ < 10)
				fprintf(stderr, "icmpsweep merge: shard %llu/%llu missing\n",
				        (unsigned long long)i, (unsigned long long)count);
		if (missing > 10)
			fprintf(stderr, "icmpsweep merge: ... %llu shards missing in all\n",
			        (unsigned long long)missing);
		if (missing)
			status = MERGE_INCOMPLETE;
	}
	free(by);
	if (nresults != nm) {
		fprintf(
		    stderr,
		    "icmpsweep merge: %zu metadata files but %zu result files: each shard needs "
		    "both\n",
		    nm, nresults);
		status = MERGE_INCOMPLETE;
	}
	return status;
}

static int by_addr(const void *a, const void *b)
{
	return rf_host_cmp(a, b);
}

/* The union, sorted by address; a host in two files is reported (shards are disjoint, so one
 * file was given twice or comes from another sweep) and written once. */
static int unite(const struct input *in, size_t n, struct rf_set *all, int *status)
{
	size_t twice = 0, k = 0;

	memset(all, 0, sizeof(*all));
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < in[i].set.n; j++) {
			struct rf_host h = in[i].set.hosts[j];

			h.line = i; /* which file, for the message below */
			if (rf_add_host(all, &h) < 0)
				return -ENOMEM;
		}
	if (all->n)
		qsort(all->hosts, all->n, sizeof(*all->hosts), by_addr);
	for (size_t j = 0; j < all->n; j++) {
		struct rf_host *h = &all->hosts[j];

		if (k && !rf_host_cmp(&all->hosts[k - 1], h)) {
			char ip[ISW_ADDR_SCOPED_MAX];

			if (twice++ < 10)
				fprintf(stderr,
				        "icmpsweep merge: %s is in %s and %s: shards overlap "
				        "or a file was given twice\n",
				        rf_host_ip(h, ip), in[all->hosts[k - 1].line].path,
				        in[h->line].path);
			free(h->vendor);
			free(h->hostname);
			continue;
		}
		all->hosts[k++] = *h;
	}
	all->n = k;
	if (twice) {
		fprintf(stderr, "icmpsweep merge: %zu hosts in more than one result file\n", twice);
		*status = MERGE_INCOMPLETE;
	}
	return 0;
}

int cmd_merge(int argc, char **argv)
{
	struct merge_opts o;
	int rc = parse(argc, argv, &o), status = MERGE_BAD;
	size_t nfiles = (size_t)(argc - optind), nin = 0, nm = 0;
	struct input *in = NULL;
	struct shard_meta *m = NULL;
	struct rf_set all = {0};
	char err[ISW_ERRBUF_SIZE];
	FILE *fp = stdout;
	int fmt_seen = -1, fmt_mixed = 0;

	if (rc) {
		if (rc > 0)
			usage(stdout);
		return rc > 0 ? MERGE_OK : MERGE_BAD;
	}
	if (overwrites_input(o.output, argv + optind, argc - optind) ||
	    overwrites_input(o.metadata, argv + optind, argc - optind))
		return MERGE_BAD;
	in = calloc(nfiles, sizeof(*in));
	m = calloc(nfiles, sizeof(*m));
	if (!in || !m) {
		fprintf(stderr, "icmpsweep merge: out of memory\n");
		goto out;
	}
	for (int a = optind; a < argc; a++) {
		const char *path = argv[a];
		size_t len = 0;
		char *buf = shard_meta_slurp(path, &len, err);
		FILE *mem;

		if (!buf) {
			fprintf(stderr, "icmpsweep merge: %s\n", err);
			goto out;
		}
		if (shard_meta_sniff(buf, len)) {
			rc = shard_meta_parse(buf, len, path, &m[nm], err);
			free(buf);
			if (rc < 0) {
				fprintf(stderr, "icmpsweep merge: %s\n", err);
				goto out;
			}
			nm++;
			continue;
		}
		mem = fmemopen(buf, len ? len : 1, "r");
		if (!mem) {
			free(buf);
			fprintf(stderr, "icmpsweep merge: reading '%s': %s\n", path,
			        strerror(errno));
			goto out;
		}
		if (!len)
			fgetc(mem); /* an empty file: fmemopen needs a byte, the reader none */
		in[nin].path = path;
		rc = rf_read(mem, path, &in[nin].set, err);
		fclose(mem);
		free(buf);
		if (rc < 0) {
			fprintf(stderr, "icmpsweep merge: %s\n", err);
			goto out;
		}
		if (fmt_seen >= 0 && (int)in[nin].set.format != fmt_seen)
			fmt_mixed = 1;
		fmt_seen = (int)in[nin].set.format;
		nin++;
	}
	status = check_shards(m, nm, nin);
	if (status == MERGE_BAD)
		goto out;
	if (!o.format_given && fmt_seen >= 0 && !fmt_mixed)
		o.format = (enum isw_format)fmt_seen;
	if (unite(in, nin, &all, &status) < 0) {
		fprintf(stderr, "icmpsweep merge: out of memory\n");
		status = MERGE_BAD;
		goto out;
	}
	if (o.output && strcmp(o.output, "-") && !(fp = fopen(o.output, "w"))) {
		fprintf(stderr, "icmpsweep merge: cannot open output file '%s': %s\n", o.output,
		        strerror(errno));
		status = MERGE_BAD;
		goto out;
	}
	if (merge_write_hosts(fp, o.format, &all, m[0].targets_total, err) < 0 ||
	    (fp != stdout && fclose(fp) != 0)) {
		fprintf(stderr, "icmpsweep merge: %s: %s\n",
		        o.output ? o.output : "standard output", err[0] ? err : strerror(errno));
		fp = stdout;
		status = MERGE_INCOMPLETE;
		goto out;
	}
	fp = stdout;
	if (o.metadata && merge_write_metadata(o.metadata, m, nm, all.n, status == MERGE_OK) < 0)
		status = MERGE_INCOMPLETE;
	fprintf(stderr,
	        "icmpsweep merge: %zu metadata files of %llu shards, %zu hosts up of %llu "
	        "targets%s\n",
	        nm, (unsigned long long)m[0].count, all.n, (unsigned long long)m[0].targets_total,
	        status == MERGE_OK ? "" : " (incomplete: see above)");
out:
	if (fp != stdout)
		fclose(fp);
	for (size_t i = 0; i < nin; i++)
		rf_free(&in[i].set);
	rf_free(&all);
	free(in);
	for (size_t i = 0; i < nm; i++)
		shard_meta_free(&m[i]);
	free(m);
	return status;
}
