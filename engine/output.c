/* Text, CSV and JSON-lines writers over one table of columns.
 *
 * A column renders a result either as a number (written bare in CSV and JSON), a string
 * (quoted and escaped as each format requires: names from reverse DNS may hold any byte), or
 * nothing (an empty CSV field, JSON null). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/output.h"

enum cell_kind { CELL_NONE, CELL_NUMBER, CELL_STRING };

struct column {
	const char *name;
	enum cell_kind (*render)(const struct isw_result *r, char *buf, size_t size);
};

struct isw_output {
	enum isw_format format;
	FILE *fp;
};

static void addr_str(uint32_t a, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

static enum cell_kind col_ip(const struct isw_result *r, char *buf, size_t size)
{
	addr_str(r->addr, buf, size);
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

static enum cell_kind col_ts(const struct isw_result *r, char *buf, size_t size)
{
	int64_t us = r->ts_us;
	snprintf(buf, size, "%lld.%06lld", (long long)(us / 1000000), (long long)(us % 1000000));
	return CELL_NUMBER;
}

static enum cell_kind col_responder(const struct isw_result *r, char *buf, size_t size)
{
	addr_str(r->responder, buf, size);
	return CELL_STRING;
}

static const struct column columns[] = {
    {"ip", col_ip},       {"type", col_type}, {"rtt_ms", col_rtt},          {"ttl", col_ttl},
    {"probe", col_probe}, {"ts", col_ts},     {"responder", col_responder},
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

int isw_format_parse(const char *name, enum isw_format *out)
{
	if (!strcmp(name, "text"))
		*out = ISW_FORMAT_TEXT;
	else if (!strcmp(name, "csv"))
		*out = ISW_FORMAT_CSV;
	else if (!strcmp(name, "json"))
		*out = ISW_FORMAT_JSON;
	else
		return -EINVAL;
	return 0;
}

int isw_output_new(isw_output **out, enum isw_format format, FILE *fp)
{
	isw_output *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->format = format;
	o->fp = fp;
	/* The header goes out first, so even a scan with no answer yields a well-formed CSV. */
	if (format == ISW_FORMAT_CSV) {
		for (size_t i = 0; i < NCOLUMNS; i++)
			fprintf(fp, "%s%s", i ? "," : "", columns[i].name);
		fputc('\n', fp);
	}
	*out = o;
	return 0;
}

/* RFC 4180: quote when the field holds a separator, quote or line break; double quotes. */
static void csv_string(FILE *fp, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* JSON strings must be valid UTF-8: control characters are escaped and bytes that are not
 * part of a well-formed UTF-8 sequence become U+FFFD, so the line always parses. */
/* Length of the well-formed UTF-8 sequence at s less one (0 for ASCII), or -1 if the bytes
 * are not well formed (RFC 3629 table 3-7: no overlongs, surrogates or values past U+10FFFF). */
static int utf8_seq_len(const unsigned char *s)
{
	unsigned c = s[0], lo = 0x80, hi = 0xbf;
	int n;

	if (c < 0x80)
		return 0;
	if (c >= 0xc2 && c <= 0xdf)
		n = 1;
	else if (c >= 0xe0 && c <= 0xef)
		n = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 3;
	else
		return -1;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return -1;
	for (int k = 2; k <= n; k++)
		if ((s[k] & 0xc0) != 0x80)
			return -1;
	return n;
}

void isw_json_write_string(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', fp);
	while (*s) {
		unsigned c = *s;
		int n = utf8_seq_len(s);
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
	char buf[256];

	for (size_t i = 0; i < NCOLUMNS; i++) {
		enum cell_kind k = columns[i].render(r, buf, sizeof(buf));
		if (i)
			fputc(',', o->fp);
		if (k == CELL_STRING)
			csv_string(o->fp, buf);
		else if (k == CELL_NUMBER)
			fputs(buf, o->fp);
	}
	fputc('\n', o->fp);
}

static void write_json(isw_output *o, const struct isw_result *r)
{
	char buf[256];

	fputc('{', o->fp);
	for (size_t i = 0; i < NCOLUMNS; i++) {
		enum cell_kind k = columns[i].render(r, buf, sizeof(buf));
		fprintf(o->fp, "%s\"%s\":", i ? "," : "", columns[i].name);
		if (k == CELL_STRING)
			isw_json_write_string(o->fp, buf);
		else if (k == CELL_NUMBER)
			fputs(buf, o->fp);
		else
			fputs("null", o->fp);
	}
	fputs("}\n", o->fp);
}

int isw_output_write(isw_output *o, const struct isw_result *r)
{
	char buf[32];

	switch (o->format) {
	case ISW_FORMAT_TEXT:
		if (r->type == ISW_RESULT_ECHO_REPLY) {
			addr_str(r->addr, buf, sizeof(buf));
			fprintf(o->fp, "%s\n", buf);
		}
		break;
	case ISW_FORMAT_CSV:
		write_csv(o, r);
		break;
	case ISW_FORMAT_JSON:
		write_json(o, r);
		break;
	}
	return ferror(o->fp) ? -EIO : 0;
}

int isw_output_flush(isw_output *o)
{
	return fflush(o->fp) == 0 ? 0 : -errno;
}

void isw_output_free(isw_output *o)
{
	free(o);
}
