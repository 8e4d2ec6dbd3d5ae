/* SPDX-License-Identifier: BSD-2-Clause */
/* CSV result files: RFC 4180 records (quoted fields may hold commas, quotes and line breaks)
 * under a header row that names the columns, in whatever order and subset -f chose.  The
 * writer's guard against spreadsheet formulas (a leading ' in a quoted cell) is undone. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "result-parse.h"

#define MAX_FIELDS 32

struct record {
	char *field[MAX_FIELDS];
	size_t len[MAX_FIELDS];
	size_t n;
};

/* One record from *p into rec (fields copied into out, NUL-terminated); advances *p and
 * *line past it.  0, or -EINVAL with a message. */
static int next_record(const struct rf_input *in, const char **p, unsigned long *line,
                       struct record *rec, char *out)
{
	const char *s = *p, *end = in->buf + in->len;
	unsigned long first = *line;

	rec->n = 0;
	for (;;) {
		char *f = out;
		int quoted = s < end && *s == '"';

		if (rec->n == MAX_FIELDS)
			return rf_fail(in, first, "more than %d fields", MAX_FIELDS);
		if (quoted) {
			for (s++;; s++) {
				if (s >= end)
					return rf_fail(in, first, "a quoted field is not closed");
				if (*s == '"' && s + 1 < end && s[1] == '"')
					*out++ = *s++;
				else if (*s == '"')
					break;
				else {
					*line += *s == '\n';
					*out++ = *s;
				}
			}
			s++;
			/* The formula guard: "'=..." was written for "=...". */
			if (out - f >= 2 && f[0] == '\'' && strchr("=+-@\t\r", f[1])) {
				memmove(f, f + 1, (size_t)(out - f - 1));
				out--;
			}
		} else {
			while (s < end && *s != ',' && *s != '\n' && *s != '"' &&
			       !(*s == '\r' && s + 1 < end && s[1] == '\n'))
				*out++ = *s++;
		}
		*out++ = 0;
		rec->field[rec->n] = f;
		rec->len[rec->n++] = (size_t)(out - f - 1);
		if (s >= end) {
			*p = s;
			return 0;
		}
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s == '\r')
			s++;
		if (*s != '\n')
			return rf_fail(in, first,
			               "a quote inside an unquoted field, or text after "
			               "a closing quote");
		*line += 1;
		*p = s + 1;
		return 0;
	}
}

int rf_read_csv(struct rf_set *set, const struct rf_input *in)
{
	static const char *const names[] = {"ip",  "type",   "rtt_ms",   "ttl",
	                                    "mac", "vendor", "hostname", "lookup"};
	enum { IP, TYPE, RTT, TTL, MAC, VENDOR, HOSTNAME, LOOKUP, NNAMES };
	int col[NNAMES];
	const char *p = in->buf, *end = in->buf + in->len;
	unsigned long line = 1;
	struct record rec;
	size_t ncols;
	/* No field is longer than the file. */
	char *out = malloc(in->len + MAX_FIELDS + 1);
	int rc;

	if (!out)
		return -ENOMEM;
	rc = next_record(in, &p, &line, &rec, out);
	for (int k = 0; k < NNAMES; k++)
		col[k] = -1;
	for (size_t i = 0; !rc && i < rec.n; i++)
		for (int k = 0; k < NNAMES; k++)
			if (!strcmp(rec.field[i], names[k]))
				col[k] = (int)i;
	ncols = rec.n;
	if (!rc && (col[IP] < 0 || col[TYPE] < 0))
		rc = rf_fail(in, 1,
		             "a csv header without the columns ip and type: not a result file "
		             "(a dry run's probes, or -f without type)");
	while (!rc && p < end) {
		unsigned long at = line;
		struct rf_row row = {0};

		/* A blank line (the file's last) is no record. */
		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
			p += *p == '\r' ? 2 : 1;
			line++;
			continue;
		}
		if ((rc = next_record(in, &p, &line, &rec, out)) < 0)
			break;
		if (rec.n != ncols) {
			rc = rf_fail(in, at, "%zu fields where the header has %zu", rec.n, ncols);
			break;
		}
		const char *v[NNAMES];
		for (int k = 0; k < NNAMES; k++)
			v[k] = col[k] >= 0 ? rec.field[col[k]] : NULL;
		row.ip = v[IP];
		row.type = v[TYPE];
		row.rtt_ms = v[RTT];
		row.ttl = v[TTL];
		row.mac = v[MAC];
		row.vendor = v[VENDOR];
		row.hostname = v[HOSTNAME];
		row.hostname_len = v[HOSTNAME] ? rec.len[col[HOSTNAME]] : 0;
		row.lookup = v[LOOKUP];
		rc = rf_add_row(set, in, at, &row);
	}
	free(out);
	return rc;
}
