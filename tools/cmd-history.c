/* SPDX-License-Identifier: BSD-2-Clause */
/* icmpsweep history (cmd-history.h): per host, when a --db history saw it up (first and last
 * time, in how many runs, its last MAC and name); or the runs themselves.  Text, csv or json
 * lines. */
#include <errno.h>
#include <getopt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli-values.h"
#include "cmd-history.h"
#include "history-db.h"
#include "icmpsweep/error.h"
#include "icmpsweep/output.h"
#include "result-parse.h"

#define HIST_OK      0
#define HIST_RUNTIME 1
#define HIST_BAD     2

static void usage(FILE *fp)
{
	fputs("usage: icmpsweep history --db FILE [options] [ADDRESS|CIDR]\n"
	      "       icmpsweep history --db FILE --runs [options]\n"
	      "When each host was seen up in the runs recorded with --db FILE (echo reply, or\n"
	      "ARP only on the local network): first and last seen, in how many runs, the\n"
	      "last MAC and name; all hosts, or those of ADDRESS or CIDR.  With --runs, the\n"
	      "runs: number, start, end, status, seed, targets and counts.\n"
	      "\n"
	      "      --db FILE             the history (written by icmpsweep --db FILE)\n"
	      "      --runs                list the runs instead of the hosts\n"
	      "  -O, --output-format FMT   text (default), csv or json (JSON lines)\n"
	      "  -o, --output FILE         write here (default: stdout)\n"
	      "  -h, --help                this help\n"
	      "\n"
	      "Times are UTC.  Exit status: 0 listed (also when nothing matched), 1 the\n"
	      "database or the output failed, 2 bad input.\n",
	      fp);
}

struct hist_opts {
	const char *db, *output;
	enum isw_format format;
	int runs;
	int all;                /* no address given: every host of either family */
	struct isw_addr lo, hi; /* the addresses asked for, of one family */
};

/* "ADDRESS" or "ADDRESS/N" of either family (host bits ignored, as nmap does) into
 * [lo, hi]. */
static int parse_cidr(const char *s, struct isw_addr *lo, struct isw_addr *hi)
{
	char buf[ISW_ADDR_TEXT_MAX + 5], *slash;
	unsigned long bits = 128;
	struct isw_addr a;
	unsigned width;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')))
		*slash = 0;
	if (isw_addr_parse(buf, &a, NULL) < 0)
		return -EINVAL;
	width = isw_addr_is_v4(&a) ? 32 : 128;
	if (!slash)
		bits = width;
	else if (cli_parse_uint(slash + 1, width, &bits) < 0)
		return -EINVAL;
	*lo = *hi = a;
	for (unsigned i = 0; i < width / 8; i++) {
		unsigned keep = bits >= 8 * (i + 1) ? 8 : bits > 8 * i ? bits - 8 * i : 0;
		uint8_t mask = (uint8_t)(0xff00u >> keep);

		lo->bytes[i] &= mask;
		hi->bytes[i] |= (uint8_t)~mask;
	}
	return 0;
}

/* The address column's value: IPv4 an integer, IPv6 its 16 bytes (db-writer.c). */
static void bind_address(sqlite3_stmt *st, int i, const struct isw_addr *a)
{
	if (isw_addr_is_v4(a))
		sqlite3_bind_int64(st, i, isw_addr_v4(a));
	else
		sqlite3_bind_blob(st, i, a->bytes, 16, SQLITE_TRANSIENT);
}

/* -1 after a message, 1 for --help. */
static int parse(int argc, char **argv, struct hist_opts *o)
{
	enum { OPT_DB = 256, OPT_RUNS };
	static const struct option longs[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"runs", no_argument, NULL, OPT_RUNS},
	    {"output-format", required_argument, NULL, 'O'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct hist_opts){.format = ISW_FORMAT_TEXT, .all = 1};
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":O:o:h", longs, NULL)) != -1) {
		switch (c) {
		case OPT_DB:
			o->db = optarg;
			break;
		case OPT_RUNS:
			o->runs = 1;
			break;
		case 'O':
			if (isw_format_parse(optarg, &o->format) < 0 ||
			    o->format == ISW_FORMAT_XML) {
				fprintf(stderr,
				        "icmpsweep history: invalid output format '%s' (text, "
				        "csv or json)\n",
				        optarg);
				return -1;
			}
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'h':
			return 1;
		case ':':
			fprintf(stderr, "icmpsweep history: option '%s' needs a value\n",
			        argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr,
			        "icmpsweep history: unknown option '%s' (try history --help)\n",
			        argv[optind - 1]);
			return -1;
		}
	}
	if (!o->db) {
		fprintf(stderr, "icmpsweep history: --db FILE is required (try history --help)\n");
		return -1;
	}
	if (argc - optind > 1 || (o->runs && argc - optind)) {
		fprintf(stderr, "icmpsweep history: unexpected '%s' (%s)\n", argv[argc - 1],
		        o->runs ? "--runs lists every run" : "one ADDRESS or CIDR at most");
		return -1;
	}
	o->all = argc - optind == 0;
	if (argc - optind == 1 && parse_cidr(argv[optind], &o->lo, &o->hi) < 0) {
		fprintf(stderr,
		        "icmpsweep history: invalid address '%s' (an IPv4 or IPv6 address or CIDR, "
		        "e.g. 198.18.0.0/24 or 2001:db8::/64)\n",
		        argv[optind]);
		return -1;
	}
	return 0;
}

static void utc(FILE *fp, sqlite3_stmt *st, int col, int quote)
{
	double t = sqlite3_column_double(st, col);
	time_t s = (time_t)t;
	struct tm tm;
	char buf[40];

	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		fputs(quote ? "null" : "-", fp);
		return;
	}
	gmtime_r(&s, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(fp, quote ? "\"%s\"" : "%s", buf);
}

/* A string column: csv quoted as needed, json escaped (null when NULL), text canonical (no
 * control bytes reach the terminal) or "-". */
static void str(FILE *fp, enum isw_format f, sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	if (f == ISW_FORMAT_JSON) {
		if (s)
			isw_json_write_string(fp, s);
		else
			fputs("null", fp);
	} else if (f == ISW_FORMAT_CSV) {
		if (s)
			isw_csv_write_string(fp, s);
	} else {
		char *c = s ? rf_name_canonical(s, strlen(s)) : NULL;

		fputs(c && *c ? c : "-", fp);
		free(c);
	}
}

static void num(FILE *fp, enum isw_format f, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		fputs(f == ISW_FORMAT_JSON ? "null" : f == ISW_FORMAT_CSV ? "" : "-", fp);
	else
		fprintf(fp, "%lld", (long long)sqlite3_column_int64(st, col));
}

/* Columns: name, kind ('t' time, 's' string, 'n' number, 'r' a number stored as text),
 * text label (NULL: bare). */
struct column {
	const char *name;
	char kind;
	const char *label;
};

static void write_row(FILE *fp, enum isw_format f, sqlite3_stmt *st, const struct column *c, int n)
{
	if (f == ISW_FORMAT_JSON)
		fputc('{', fp);
	for (int i = 0; i < n; i++) {
		if (f == ISW_FORMAT_JSON)
			fprintf(fp, "%s\"%s\":", i ? "," : "", c[i].name);
		else if (f == ISW_FORMAT_CSV && i)
			fputc(',', fp);
		else if (f == ISW_FORMAT_TEXT)
			fprintf(fp, "%s%s%s", i ? " " : "", c[i].label ? c[i].label : "",
			        c[i].label ? " " : "");
		if (c[i].kind == 't')
			utc(fp, st, i, f == ISW_FORMAT_JSON);
		else if (c[i].kind == 's')
			str(fp, f, st, i);
		else if (c[i].kind == 'r' && sqlite3_column_type(st, i) != SQLITE_NULL)
			fputs((const char *)sqlite3_column_text(st, i), fp);
		else
			num(fp, f, st, i);
	}
	fputs(f == ISW_FORMAT_JSON ? "}\n" : "\n", fp);
}

static const struct column host_cols[] = {
    {"ip", 's', NULL},        {"first_seen", 't', "first"},    {"last_seen", 't', "last"},
    {"runs", 'n', "runs"},    {"first_run", 'n', "first_run"}, {"last_run", 'n', "last_run"},
    {"last_mac", 's', "mac"}, {"last_vendor", 's', "vendor"},  {"last_hostname", 's', "hostname"},
};

/* The latest known value of a column for the host, from the rows where it is up. */
#define LATEST(col, cond)                                                                          \
	"(SELECT " col " FROM results x WHERE x.address = r.address AND x.type IN "                \
	"('echo-reply', 'arp-only', 'ndp-only') AND " cond " ORDER BY x.time DESC LIMIT 1)"

static const char hosts_sql[] =
    "SELECT r.ip, min(r.time), max(r.time), count(DISTINCT r.run_id), min(r.run_id), "
    "max(r.run_id), " LATEST("mac", "x.mac IS NOT NULL") ", " LATEST(
        "vendor",
        "x.vendor IS NOT "
        "NULL") ", " LATEST("hostname", "x.lookup = 'ok'") " FROM results r WHERE r.type IN "
                                                           "('echo-reply', 'arp-only', 'ndp-only') "
                                                           "AND r.address BETWEEN ? AND ? "
                                                           "GROUP BY r.address ORDER BY r.address";

static const struct column run_cols[] = {
    {"run", 'n', NULL},      {"started", 't', NULL},         {"ended", 't', NULL},
    {"status", 's', NULL},   {"seed", 'r', "seed"},          {"targets_count", 'n', "targets"},
    {"hosts_up", 'n', "up"}, {"icmp_errors", 'n', "errors"}, {"results", 'n', "results"},
    {"targets", 's', "of"},  {"command_line", 's', NULL},
};

static const char runs_sql[] =
    "SELECT id, started, ended, status, seed, targets_count, hosts_up, icmp_errors, results, "
    "targets, command_line FROM runs ORDER BY id";

static int list(sqlite3 *db, const struct hist_opts *o, FILE *fp, char *errbuf)
{
	const struct column *cols = o->runs ? run_cols : host_cols;
	int n = o->runs ? (int)(sizeof(run_cols) / sizeof(run_cols[0]))
	                : (int)(sizeof(host_cols) / sizeof(host_cols[0]));
	sqlite3_stmt *st;
	int rc;

	/* Text leaves the command line out: it is long, and csv and json have it. */
	if (o->runs && o->format == ISW_FORMAT_TEXT)
		n--;
	if (sqlite3_prepare_v2(db, o->runs ? runs_sql : hosts_sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (!o->runs) {
		static const uint8_t ones[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		                                 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
		/* SQLite orders every integer (IPv4) before every blob (IPv6). */
		if (o->all) {
			sqlite3_bind_int64(st, 1, 0);
			sqlite3_bind_blob(st, 2, ones, 16, SQLITE_STATIC);
		} else {
			bind_address(st, 1, &o->lo);
			bind_address(st, 2, &o->hi);
		}
	}
	if (o->format == ISW_FORMAT_CSV)
		for (int i = 0; i < n; i++)
			fprintf(fp, "%s%s", cols[i].name, i + 1 < n ? "," : "\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		write_row(fp, o->format, st, cols, n);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
fail:
	snprintf(errbuf, ISW_ERRBUF_SIZE, "--db '%s': %s", o->db, sqlite3_errmsg(db));
	return hdb_errno(db);
}

int cmd_history(int argc, char **argv)
{
	struct hist_opts o;
	char err[ISW_ERRBUF_SIZE];
	sqlite3 *db = NULL;
	FILE *fp = stdout;
	int rc = parse(argc, argv, &o), status = HIST_RUNTIME, bad, err_no;

	if (rc)
		return rc > 0 ? (usage(stdout), HIST_OK) : HIST_BAD;
	rc = hdb_open(o.db, 0, &db, err);
	if (rc < 0) {
		fprintf(stderr, "icmpsweep history: %s\n", err);
		return rc == -EINVAL || rc == -ENOENT ? HIST_BAD : HIST_RUNTIME;
	}
	if (o.output && strcmp(o.output, "-") && !(fp = fopen(o.output, "w"))) {
		fprintf(stderr, "icmpsweep history: cannot open output file '%s': %s\n", o.output,
		        strerror(errno));
		hdb_close(db);
		return HIST_BAD;
	}
	rc = list(db, &o, fp, err);
	hdb_close(db);
	if (rc < 0)
		fprintf(stderr, "icmpsweep history: %s\n", err);
	errno = 0;
	bad = fflush(fp) != 0 || ferror(fp);
	err_no = errno;
	if (fp != stdout && fclose(fp) != 0 && !bad) {
		bad = 1;
		err_no = errno;
	}
	if (bad)
		fprintf(stderr, "icmpsweep history: writing %s: %s\n",
		        fp == stdout ? "standard output" : o.output,
		        strerror(err_no ? err_no : EIO));
	else if (rc >= 0)
		status = HIST_OK;
	return status;
}
