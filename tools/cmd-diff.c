/* SPDX-License-Identifier: BSD-2-Clause */
/* icmpsweep diff: two result files of any format (result-file.h), or two runs of a --db
 * history (history-load.h), compared host by host.  A
 * host appeared, disappeared, or changed its MAC, its name or (with --rtt-threshold) its
 * round-trip time; one row per host that did, in text, csv or json. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-values.h"
#include "cmd-diff.h"
#include "history-load.h"
#include "icmpsweep/error.h"
#include "icmpsweep/output.h"
#include "icmpsweep/targets.h"
#include "result-file.h"

#define DIFF_SAME    0
#define DIFF_CHANGED 1
#define DIFF_TROUBLE 2

enum change { APPEARED, DISAPPEARED, CHANGED };
#define CH_MAC      1u
#define CH_HOSTNAME 2u
#define CH_RTT      4u

static void usage(FILE *fp)
{
	fputs("usage: icmpsweep diff [options] OLD NEW\n"
	      "       icmpsweep diff [options] --db FILE RUN RUN\n"
	      "Compare two result files of icmpsweep (text, csv, json or xml, told apart by\n"
	      "their content): hosts that appeared, disappeared, or changed MAC or name.\n"
	      "Hosts are the addresses that were up (echo reply, or ARP only on the local\n"
	      "network); ICMP errors are not.  A field one file lacks is not compared.\n"
	      "\n"
	      "      --db FILE             OLD and NEW are run numbers of this history\n"
	      "                            (icmpsweep history --db FILE --runs)\n"
	      "  -O, --output-format FMT   text (default), csv or json (JSON lines)\n"
	      "  -o, --output FILE         write the differences here (default: stdout)\n"
	      "      --rtt-threshold MS    also report RTTs that moved by more than MS ms\n"
	      "  -h, --help                this help\n"
	      "\n"
	      "Text lines: '+ ADDR [NAME]' appeared, '- ADDR [NAME]' disappeared,\n"
	      "'~ ADDR mac OLD -> NEW; hostname OLD -> NEW; rtt_ms OLD -> NEW' changed.\n"
	      "Exit status: 0 no differences, 1 differences, 2 trouble (bad options, a file\n"
	      "unreadable or not a result file: named with its line).\n",
	      fp);
}

struct diff_opts {
	enum isw_format format;
	const char *output;
	double rtt_threshold; /* negative: RTTs are not compared */
	const char *db;       /* --db: the operands are runs of it */
	int64_t runs[2];
};

static void mac_str(const struct rf_host *h, char *buf, size_t size)
{
	const uint8_t *m = h ? h->mac : NULL;

	if (m && h->have_mac)
		snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
		         m[5]);
	else
		buf[0] = 0;
}

/* What changed between two records of one host: only fields both files know. */
static unsigned changes(const struct rf_host *a, const struct rf_host *b, double rtt_threshold)
{
	unsigned c = 0;

	if (a->have_mac && b->have_mac && memcmp(a->mac, b->mac, 6))
		c |= CH_MAC;
	if (a->hostname && b->hostname && strcmp(a->hostname, b->hostname))
		c |= CH_HOSTNAME;
	if (rtt_threshold >= 0 && a->rtt_ms >= 0 && b->rtt_ms >= 0 &&
	    fabs(b->rtt_ms - a->rtt_ms) > rtt_threshold)
		c |= CH_RTT;
	return c;
}

static void text_pair(FILE *fp, const char *field, const char *a, const char *b, int *first)
{
	fprintf(fp, "%s %s %s -> %s", *first ? "" : ";", field, *a ? a : "(none)",
	        *b ? b : "(none)");
	*first = 0;
}

static void rtt_str(const struct rf_host *h, char *buf, size_t size)
{
	if (h && h->rtt_ms >= 0)
		snprintf(buf, size, "%.3f", h->rtt_ms);
	else
		buf[0] = 0;
}

static void write_text(FILE *fp, enum change ch, unsigned what, const char *ip,
                       const struct rf_host *a, const struct rf_host *b)
{
	char x[32], y[32];
	int first = 1;

	if (ch != CHANGED) {
		const struct rf_host *h = ch == APPEARED ? b : a;
		fprintf(fp, "%c %s", ch == APPEARED ? '+' : '-', ip);
		if (h->hostname && *h->hostname)
			fprintf(fp, " %s", h->hostname);
		fputc('\n', fp);
		return;
	}
	fprintf(fp, "~ %s", ip);
	if (what & CH_MAC) {
		mac_str(a, x, sizeof(x));
		mac_str(b, y, sizeof(y));
		text_pair(fp, "mac", x, y, &first);
	}
	if (what & CH_HOSTNAME)
		text_pair(fp, "hostname", a->hostname, b->hostname, &first);
	if (what & CH_RTT) {
		rtt_str(a, x, sizeof(x));
		rtt_str(b, y, sizeof(y));
		text_pair(fp, "rtt_ms", x, y, &first);
	}
	fputc('\n', fp);
}

static const char *const change_names[] = {"appeared", "disappeared", "changed"};

static void fields_str(unsigned what, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s", what & CH_MAC ? "mac" : "",
	         what & CH_MAC && what & ~CH_MAC ? " " : "", what & CH_HOSTNAME ? "hostname" : "",
	         what & CH_HOSTNAME && what & CH_RTT ? " " : "", what & CH_RTT ? "rtt_ms" : "");
}

/* The old and new values of the row's columns, each NULL when unknown. */
static void row_values(const struct rf_host *h, char mac[32], char rtt[32], const char **v)
{
	mac_str(h, mac, 32);
	rtt_str(h, rtt, 32);
	v[0] = h && h->have_mac ? mac : NULL;
	v[1] = h ? h->hostname : NULL;
	v[2] = h && h->rtt_ms >= 0 ? rtt : NULL;
}

static void write_row(FILE *fp, enum isw_format format, enum change ch, unsigned what,
                      const char *ip, const struct rf_host *a, const struct rf_host *b)
{
	static const char *const cols[] = {"mac", "hostname", "rtt_ms"};
	char m[2][32], r[2][32], fields[32];
	const char *v[2][3];

	if (format == ISW_FORMAT_TEXT) {
		write_text(fp, ch, what, ip, a, b);
		return;
	}
	row_values(a, m[0], r[0], v[0]);
	row_values(b, m[1], r[1], v[1]);
	fields_str(what, fields, sizeof(fields));
	if (format == ISW_FORMAT_CSV) {
		fprintf(fp, "%s,%s,%s", ip, change_names[ch], fields);
		for (int k = 0; k < 3; k++)
			for (int s = 0; s < 2; s++) {
				fputc(',', fp);
				if (v[s][k] && k == 2)
					fputs(v[s][k], fp);
				else if (v[s][k])
					isw_csv_write_string(fp, v[s][k]);
			}
		fputc('\n', fp);
		return;
	}
	fprintf(fp, "{\"ip\":\"%s\",\"change\":\"%s\",\"fields\":\"%s\"", ip, change_names[ch],
	        fields);
	for (int k = 0; k < 3; k++)
		for (int s = 0; s < 2; s++) {
			fprintf(fp, ",\"%s_%s\":", s ? "new" : "old", cols[k]);
			if (!v[s][k])
				fputs("null", fp);
			else if (k == 2)
				fputs(v[s][k], fp);
			else
				isw_json_write_string(fp, v[s][k]);
		}
	fputs("}\n", fp);
}

/* Both sets walked in address order; returns the number of rows written. */
static unsigned long write_diff(FILE *fp, const struct diff_opts *o, const struct rf_set *a,
                                const struct rf_set *b)
{
	size_t i = 0, j = 0;
	unsigned long rows = 0;
	char ip[ISW_ADDR_SCOPED_MAX];

	if (o->format == ISW_FORMAT_CSV)
		fputs("ip,change,fields,old_mac,new_mac,old_hostname,new_hostname,old_rtt_ms,"
		      "new_rtt_ms\n",
		      fp);
	while (i < a->n || j < b->n) {
		const struct rf_host *x = i < a->n ? &a->hosts[i] : NULL;
		const struct rf_host *y = j < b->n ? &b->hosts[j] : NULL;

		int c = x && y ? rf_host_cmp(x, y) : 0;

		if (x && (!y || c < 0)) {
			rf_host_ip(x, ip);
			write_row(fp, o->format, DISAPPEARED, 0, ip, x, NULL);
			rows++;
			i++;
		} else if (y && (!x || c > 0)) {
			rf_host_ip(y, ip);
			write_row(fp, o->format, APPEARED, 0, ip, NULL, y);
			rows++;
			j++;
		} else {
			unsigned what = changes(x, y, o->rtt_threshold);
			if (what) {
				rf_host_ip(x, ip);
				write_row(fp, o->format, CHANGED, what, ip, x, y);
				rows++;
			}
			i++;
			j++;
		}
	}
	return rows;
}

/* Options into o and the two paths; -1 after a message, 1 for --help. */
static int parse(int argc, char **argv, struct diff_opts *o, const char **paths)
{
	enum { OPT_RTT = 256, OPT_DB };
	static const struct option longs[] = {
	    {"output-format", required_argument, NULL, 'O'},
	    {"output", required_argument, NULL, 'o'},
	    {"rtt-threshold", required_argument, NULL, OPT_RTT},
	    {"db", required_argument, NULL, OPT_DB},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct diff_opts){.format = ISW_FORMAT_TEXT, .rtt_threshold = -1};
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":O:o:h", longs, NULL)) != -1) {
		switch (c) {
		case 'O':
			if (isw_format_parse(optarg, &o->format) < 0 ||
			    o->format == ISW_FORMAT_XML) {
				fprintf(stderr,
				        "icmpsweep diff: invalid output format '%s' (text, "
				        "csv or json)\n",
				        optarg);
				return -1;
			}
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_RTT:
			if (cli_parse_decimal(optarg, &o->rtt_threshold) < 0) {
				fprintf(stderr,
				        "icmpsweep diff: invalid --rtt-threshold '%s' "
				        "(milliseconds, e.g. 5 or 0.5)\n",
				        optarg);
				return -1;
			}
			break;
		case OPT_DB:
			o->db = optarg;
			break;
		case 'h':
			return 1;
		case ':':
			fprintf(stderr, "icmpsweep diff: option '%s' needs a value\n",
			        argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "icmpsweep diff: unknown option '%s' (try diff --help)\n",
			        argv[optind - 1]);
			return -1;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, o->db ? "icmpsweep diff: want two runs of --db, OLD and NEW (try "
		                        "diff --help)\n"
		                      : "icmpsweep diff: want two result files, OLD and NEW (try "
		                        "diff --help)\n");
		return -1;
	}
	for (int k = 0; o->db && k < 2; k++) {
		uint64_t run;

		if (cli_parse_u64(argv[optind + k], INT64_MAX, &run) < 0 || !run) {
			fprintf(stderr,
			        "icmpsweep diff: invalid run '%s' (a run number of --db: history "
			        "--runs lists them)\n",
			        argv[optind + k]);
			return -1;
		}
		o->runs[k] = (int64_t)run;
	}
	paths[0] = argv[optind];
	paths[1] = argv[optind + 1];
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_opts o;
	struct rf_set sets[2] = {{0}};
	const char *paths[2];
	char err[ISW_ERRBUF_SIZE];
	FILE *fp = stdout;
	int rc = parse(argc, argv, &o, paths), status = DIFF_TROUBLE;
	unsigned long rows;

	if (rc) {
		if (rc > 0)
			usage(stdout);
		return rc > 0 ? DIFF_SAME : DIFF_TROUBLE;
	}
	if (o.db) {
		sqlite3 *db;

		rc = hdb_open(o.db, 0, &db, err);
		for (int k = 0; rc >= 0 && k < 2; k++)
			rc = hdb_load_run(db, o.db, o.runs[k], &sets[k], err);
		hdb_close(db);
		if (rc < 0) {
			fprintf(stderr, "icmpsweep diff: %s\n", err);
			goto out;
		}
	} else if (!strcmp(paths[0], "-") && !strcmp(paths[1], "-")) {
		fprintf(stderr, "icmpsweep diff: only one of OLD and NEW can be standard input\n");
		return DIFF_TROUBLE;
	}
	for (int k = 0; !o.db && k < 2; k++)
		if (rf_load(paths[k], &sets[k], err) < 0) {
			fprintf(stderr, "icmpsweep diff: %s\n", err);
			goto out;
		}
	if (o.output && strcmp(o.output, "-") && !(fp = fopen(o.output, "w"))) {
		fprintf(stderr, "icmpsweep diff: cannot open output file '%s': %s\n", o.output,
		        strerror(errno));
		goto out;
	}
	rows = write_diff(fp, &o, &sets[0], &sets[1]);
	errno = 0;
	int bad = fflush(fp) != 0 || ferror(fp), err_no = errno;
	if (fp != stdout && fclose(fp) != 0 && !bad) {
		bad = 1;
		err_no = errno;
	}
	if (bad)
		fprintf(stderr, "icmpsweep diff: writing %s: %s\n",
		        fp == stdout ? "standard output" : o.output,
		        strerror(err_no ? err_no : EIO));
	else
		status = rows ? DIFF_CHANGED : DIFF_SAME;
	fp = stdout;
out:
	if (fp != stdout)
		fclose(fp);
	rf_free(&sets[0]);
	rf_free(&sets[1]);
	return status;
}
