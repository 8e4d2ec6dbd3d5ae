/* SPDX-License-Identifier: BSD-2-Clause */
/* Text, CSV and JSON-lines writers over one table of columns; XML (output-xml.c) per host.
 *
 * A column renders a result either as a number (written bare in CSV and JSON), a string
 * (quoted and escaped as each format requires: names from reverse DNS may hold any byte), or
 * nothing (an empty CSV field, JSON null). */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "icmpsweep/output.h"
#include "icmpsweep/targets.h"
#include "output-xml.h"

enum cell_kind { CELL_NONE, CELL_NUMBER, CELL_STRING };

struct column {
	const char *name;
	enum cell_kind (*render)(const struct isw_result *r, char *buf, size_t size);
	unsigned group;   /* 0: always; else only when the output has that group on */
	const char *help; /* for --list-output-fields */
};

/* Columns an output can have: its fields (-f) or, by default, the table's in order. */
#define ISW_MAX_COLUMNS 16

struct isw_output {
	enum isw_format format;
	FILE *fp;
	int hostnames;
	int link;
	int probes;
	/* The columns written, as indexes into the table, in order. */
	unsigned char col[ISW_MAX_COLUMNS];
	size_t ncol;
	/* XML: the start for the footer's elapsed time, the hosts written, and whether the
	 * footer is out. */
	double start_time;
	uint64_t hosts_up;
	int finished;
	/* The first failed write or flush, as a negative errno.  The writing thread and the
	 * flushing thread (the scan owner) both record it: whichever made the failing write(2)
	 * has the real errno, the other only sees the stream's error flag. */
	atomic_int error;
};

#define COL_RESOLVE 1u /* isw_output_options.hostnames */
#define COL_LINK    2u /* isw_output_options.link */

/* Largest cell: a reverse name in presentation form (ISW_DNS_NAME_MAX) and some room. */
#define CELL_MAX 1100

static enum cell_kind col_ip(const struct isw_result *r, char *buf, size_t size)
{
	isw_result_addr_text(r, buf);
	return CELL_STRING;
}

static enum cell_kind col_type(const struct isw_result *r, char *buf, size_t size)
{
	snprintf(buf, size, "%s", isw_result_type_name(r->type));
	return CELL_STRING;
}

static enum cell_kind col_rtt(const struct isw_result *r, char *buf, size_t size)
{
	if (r->rtt_ms < 0)
		return CELL_NONE;
	snprintf(buf, size, "%.3f", r->rtt_ms);
	return CELL_NUMBER;
}

static enum cell_kind col_ttl(const struct isw_result *r, char *buf, size_t size)
{
	snprintf(buf, size, "%u", r->ttl);
	return CELL_NUMBER;
}

static enum cell_kind col_probe(const struct isw_result *r, char *buf, size_t size)
{
	if (!r->probe)
		return CELL_NONE;
	snprintf(buf, size, "%u", r->probe);
	return CELL_NUMBER;
}

/* Seconds with six decimals for any int64: the sign goes in front once (C division would
 * put it on both parts, "-948.-910184"), and the magnitude is unsigned so INT64_MIN fits. */
static enum cell_kind col_ts(const struct isw_result *r, char *buf, size_t size)
{
	int64_t us = r->ts_us;
	uint64_t mag = us < 0 ? -(uint64_t)us : (uint64_t)us;

	snprintf(buf, size, "%s%llu.%06llu", us < 0 ? "-" : "", (unsigned long long)(mag / 1000000),
	         (unsigned long long)(mag % 1000000));
	return CELL_NUMBER;
}

static enum cell_kind col_responder(const struct isw_result *r, char *buf, size_t size)
{
	isw_result_responder_text(r, buf);
	return CELL_STRING;
}

/* Empty string when there is no name, so that consumers need no null check. */
static enum cell_kind col_hostname(const struct isw_result *r, char *buf, size_t size)
{
	snprintf(buf, size, "%s", r->hostname ? r->hostname : "");
	return CELL_STRING;
}

/* A string column that may have no value (an empty CSV field, JSON null). */
static enum cell_kind optional_string(const char *v, char *buf, size_t size)
{
	if (!v)
		return CELL_NONE;
	snprintf(buf, size, "%s", v);
	return CELL_STRING;
}

static enum cell_kind col_lookup(const struct isw_result *r, char *buf, size_t size)
{
	return optional_string(isw_lookup_name(r->lookup), buf, size);
}

static enum cell_kind col_mac(const struct isw_result *r, char *buf, size_t size)
{
	const uint8_t *m = r->mac;

	if (!r->have_mac)
		return CELL_NONE;
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return CELL_STRING;
}

static enum cell_kind col_vendor(const struct isw_result *r, char *buf, size_t size)
{
	return optional_string(r->vendor, buf, size);
}

static enum cell_kind col_note(const struct isw_result *r, char *buf, size_t size)
{
	return optional_string(r->note, buf, size);
}

/* New columns go at the end: scripts that cut by position keep working. */
static const struct column columns[] = {
    {"ip", col_ip, 0, "the probed address"},
    {"type", col_type, 0,
     "echo-reply, unreachable, time-exceeded, icmp-error, arp-only or ndp-only"},
    {"rtt_ms", col_rtt, 0, "round-trip time from the send time echoed in the probe"},
    {"ttl", col_ttl, 0, "IP TTL of the answer"},
    {"probe", col_probe, 0, "the attempt (1-based) that got the answer"},
    {"ts", col_ts, 0, "capture time, Unix seconds"},
    {"responder", col_responder, 0, "who answered: the target, or the router of an ICMP error"},
    {"hostname", col_hostname, COL_RESOLVE, "reverse DNS name (needs lookups: not with -n)"},
    {"lookup", col_lookup, COL_RESOLVE, "ok, nxdomain, servfail or timeout (not with -n)"},
    {"mac", col_mac, COL_LINK, "on-link hosts: the MAC that answered ARP"},
    {"vendor", col_vendor, COL_LINK, "on-link hosts: the MAC's vendor (IEEE OUI registry)"},
    {"note", col_note, COL_LINK, "on-link hosts: an address conflict or a shared MAC"},
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))
_Static_assert(NCOLUMNS <= ISW_MAX_COLUMNS, "raise ISW_MAX_COLUMNS");

static int column_on(const struct isw_output_options *opt, size_t i)
{
	unsigned g = columns[i].group;

	return !g || ((g & COL_RESOLVE) && opt->hostnames) || ((g & COL_LINK) && opt->link);
}

/* The columns of a field list ("ip,rtt_ms"), in its order, into col; their number, or
 * -EINVAL with a message naming the bad field. */
static int parse_fields(const char *list, const struct isw_output_options *opt, unsigned char *col,
                        char *errbuf)
{
	size_t n = 0;
	const char *p = list;

	for (;;) {
		size_t len = strcspn(p, ","), i;

		for (i = 0; i < NCOLUMNS; i++)
			if (strlen(columns[i].name) == len && !strncmp(columns[i].name, p, len))
				break;
		if (i == NCOLUMNS) {
			snprintf(errbuf, ISW_ERRBUF_SIZE,
			         "unknown output field '%.*s' in '%.64s' (--list-output-fields "
			         "lists them)",
			         (int)(len > 32 ? 32 : len), p, list);
			return -EINVAL;
		}
		if ((columns[i].group & COL_RESOLVE) && !opt->hostnames) {
			snprintf(errbuf, ISW_ERRBUF_SIZE,
			         "output field '%s' needs reverse lookups: drop -n",
			         columns[i].name);
			return -EINVAL;
		}
		for (size_t k = 0; k < n; k++)
			if (col[k] == i) {
				snprintf(errbuf, ISW_ERRBUF_SIZE,
				         "output field '%s' given twice in '%.64s'",
				         columns[i].name, list);
				return -EINVAL;
			}
		col[n++] = (unsigned char)i;
		if (!p[len])
			return (int)n;
		p += len + 1;
	}
}

/* The columns an output with these options writes, in order, into col: its -f fields, or
 * every column that is on.  Their number, or -EINVAL with a message. */
static int select_columns(const struct isw_output_options *opt, unsigned char *col, char *errbuf)
{
	int n = 0;

	if (opt->probes && opt->format == ISW_FORMAT_XML) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "-O xml lists hosts; --dry-run lists probes, in text, csv or json");
		return -EINVAL;
	}
	if (!opt->fields) {
		for (size_t i = 0; i < NCOLUMNS; i++)
			if (column_on(opt, i))
				col[n++] = (unsigned char)i;
		return n;
	}
	if (opt->probes || opt->format == ISW_FORMAT_TEXT || opt->format == ISW_FORMAT_XML) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "output fields (-f '%.64s') apply to results in csv or json (-O csv, -O "
		         "json)%s",
		         opt->fields, opt->probes ? ", not to --dry-run" : "");
		return -EINVAL;
	}
	return parse_fields(opt->fields, opt, col, errbuf);
}

int isw_output_fields_check(const struct isw_output_options *opt, char *errbuf)
{
	unsigned char col[ISW_MAX_COLUMNS];
	int n = select_columns(opt, col, errbuf);

	return n < 0 ? n : 0;
}

void isw_output_fields_list(FILE *fp)
{
	for (size_t i = 0; i < NCOLUMNS; i++)
		fprintf(fp, "%-10s %s\n", columns[i].name, columns[i].help);
}

static const char *const format_names[] = {
    [ISW_FORMAT_TEXT] = "text",
    [ISW_FORMAT_CSV] = "csv",
    [ISW_FORMAT_JSON] = "json",
    [ISW_FORMAT_XML] = "xml",
};

int isw_format_parse(const char *name, enum isw_format *out)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (!strcmp(name, format_names[i])) {
			*out = (enum isw_format)i;
			return 0;
		}
	return -EINVAL;
}

const char *isw_format_name(enum isw_format format)
{
	return (unsigned)format < sizeof(format_names) / sizeof(format_names[0])
	           ? format_names[format]
	           : "?";
}

int isw_output_open(isw_output **out, const struct isw_output_options *opt, FILE *fp)
{
	isw_output *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->format = opt->format;
	o->fp = fp;
	o->hostnames = opt->hostnames;
	o->link = opt->link;
	o->probes = opt->probes;
	char err[ISW_ERRBUF_SIZE];
	int n = select_columns(opt, o->col, err);

	if (n < 0) {
		free(o);
		return n;
	}
	o->ncol = (size_t)n;
	o->start_time = opt->start_time > 0 ? opt->start_time : isw_xml_now();
	/* The header goes out first, so even a scan with no answer yields a well-formed CSV. */
	if (opt->append) {
		/* The header is in the file already. */
	} else if (o->format == ISW_FORMAT_XML) {
		isw_xml_header(fp, opt->args, o->start_time);
	} else if (o->format == ISW_FORMAT_CSV && o->probes) {
		fputs("ip,probe,id,seq,len,frame\n", fp);
	} else if (o->format == ISW_FORMAT_CSV) {
		for (size_t k = 0; k < o->ncol; k++)
			fprintf(fp, "%s%s", k ? "," : "", columns[o->col[k]].name);
		fputc('\n', fp);
	}
	*out = o;
	return 0;
}

int isw_output_new(isw_output **out, enum isw_format format, FILE *fp)
{
	struct isw_output_options opt = {.format = format};

	return isw_output_open(out, &opt, fp);
}

/* RFC 4180: quote when the field holds a separator, quote or line break; double quotes.
 * A cell that a spreadsheet would read as a formula (OWASP "CSV injection": it starts with
 * = + - @, a tab or a carriage return) gets a leading single quote, and is quoted: reverse
 * names come from whoever controls the PTR record. */
void isw_csv_write_string(FILE *fp, const char *s)
{
	int formula = *s && strchr("=+-@\t\r", *s);

	if (!formula && !strpbrk(s, ",\"\r\n")) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	if (formula)
		fputc('\'', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* JSON strings must be valid UTF-8: control characters are escaped and bytes that are not
 * part of a well-formed UTF-8 sequence become U+FFFD, so the line always parses. */
void isw_json_write_string(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', fp);
	while (*s) {
		unsigned c = *s;
		int n = isw_utf8_seq_len(s);
		int ok = n >= 0;
		if (!ok) {
			fputs("\\ufffd", fp);
			s++;
			continue;
		}
		if (n > 0) {
			fwrite(s, 1, (size_t)n + 1, fp);
			s += n + 1;
			continue;
		}
		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\u%04x", c);
		else
			fputc((int)c, fp);
		s++;
	}
	fputc('"', fp);
}

static void write_csv(isw_output *o, const struct isw_result *r)
{
	char buf[CELL_MAX];

	for (size_t j = 0; j < o->ncol; j++) {
		enum cell_kind k = columns[o->col[j]].render(r, buf, sizeof(buf));
		if (j)
			fputc(',', o->fp);
		if (k == CELL_STRING)
			isw_csv_write_string(o->fp, buf);
		else if (k == CELL_NUMBER)
			fputs(buf, o->fp);
	}
	fputc('\n', o->fp);
}

static void write_json(isw_output *o, const struct isw_result *r)
{
	char buf[CELL_MAX];

	fputc('{', o->fp);
	for (size_t j = 0; j < o->ncol; j++) {
		const struct column *c = &columns[o->col[j]];
		enum cell_kind k = c->render(r, buf, sizeof(buf));
		fprintf(o->fp, "%s\"%s\":", j ? "," : "", c->name);
		if (k == CELL_STRING)
			isw_json_write_string(o->fp, buf);
		else if (k == CELL_NUMBER)
			fputs(buf, o->fp);
		else
			fputs("null", o->fp);
	}
	fputs("}\n", o->fp);
}

/* Text lines must stay lines: control bytes of a name are written as \DDD (DNS
 * presentation style); everything else as is. */
static void text_name(FILE *fp, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\%03u", c);
		else
			fputc(c, fp);
	}
}

/* After a write or flush: 0, or the first error (the real errno when this call saw it). */
static int check_error(isw_output *o, int failed)
{
	int err = errno, none = 0;

	if (!failed && !ferror(o->fp))
		return 0;
	if (err > 0)
		atomic_compare_exchange_strong(&o->error, &none, -err);
	return isw_output_error(o);
}

int isw_output_error(const isw_output *o)
{
	int err = atomic_load(&((isw_output *)o)->error);

	return err ? err : ferror(o->fp) ? -EIO : 0;
}

int isw_output_write(isw_output *o, const struct isw_result *r)
{
	char buf[ISW_ADDR_SCOPED_MAX];

	errno = 0;
	switch (o->format) {
	case ISW_FORMAT_TEXT:
		/* Present hosts: answered echo, or (on-link) at least ARP or NDP. */
		if (r->type == ISW_RESULT_ECHO_REPLY || isw_result_is_neigh_only(r->type)) {
			fputs(isw_result_addr_text(r, buf), o->fp);
			if (o->hostnames && r->hostname && *r->hostname) {
				fputc(' ', o->fp);
				text_name(o->fp, r->hostname);
			}
			fputc('\n', o->fp);
		}
		break;
	case ISW_FORMAT_CSV:
		write_csv(o, r);
		break;
	case ISW_FORMAT_JSON:
		write_json(o, r);
		break;
	case ISW_FORMAT_XML:
		if (!o->finished)
			o->hosts_up += (uint64_t)isw_xml_host(o->fp, r, o->hostnames);
		break;
	}
	return check_error(o, 0);
}

int isw_output_probe(isw_output *o, const struct isw_probe_line *p)
{
	static const char hex[] = "0123456789abcdef";
	/* A probe frame is under 100 bytes; longer ones are cut (len still tells). */
	char frame[2 * 256 + 1], a[ISW_ADDR_TEXT_MAX], line[sizeof(frame) + 200];
	uint32_t n = p->caplen < 256 ? p->caplen : 256;

	for (uint32_t k = 0; k < n; k++) {
		frame[2 * k] = hex[p->frame[k] >> 4];
		frame[2 * k + 1] = hex[p->frame[k] & 15];
	}
	frame[2 * n] = 0;
	isw_addr_format(&p->dst, a);
	switch (o->format) {
	case ISW_FORMAT_TEXT:
		snprintf(line, sizeof(line), "%s probe=%u id=0x%04x seq=0x%04x len=%u frame=%s\n",
		         a, p->probe, p->id, p->seq, p->len, frame);
		break;
	case ISW_FORMAT_CSV:
		snprintf(line, sizeof(line), "%s,%u,%u,%u,%u,%s\n", a, p->probe, p->id, p->seq,
		         p->len, frame);
		break;
	case ISW_FORMAT_JSON:
		snprintf(line, sizeof(line),
		         "{\"ip\":\"%s\",\"probe\":%u,\"id\":%u,\"seq\":%u,\"len\":%u,"
		         "\"frame\":\"%s\"}\n",
		         a, p->probe, p->id, p->seq, p->len, frame);
		break;
	case ISW_FORMAT_XML: /* refused by isw_output_open */
		return -EINVAL;
	}
	errno = 0;
	fputs(line, o->fp);
	return check_error(o, 0);
}

int isw_output_finish(isw_output *o, const struct isw_output_end *end)
{
	errno = 0;
	if (o->format == ISW_FORMAT_XML && !o->finished)
		isw_xml_footer(o->fp, o->hosts_up, end, o->start_time);
	o->finished = 1;
	return check_error(o, 0);
}

int isw_output_flush(isw_output *o)
{
	int failed;

	errno = 0;
	failed = fflush(o->fp) != 0;
	return check_error(o, failed);
}

void isw_output_free(isw_output *o)
{
	free(o);
}
