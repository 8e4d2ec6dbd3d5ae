/* SPDX-License-Identifier: BSD-2-Clause */
/* JSON-lines result files: one flat object per line, its values strings, numbers or null
 * (true and false are taken too).  Keys the reader does not use are skipped, so files from
 * -f and from later versions with more fields still read. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "result-parse.h"

static int hex4(const char *s, unsigned *cp)
{
	*cp = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
		             : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
		             : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
		                                    : 16;
		if (d == 16)
			return -1;
		*cp = *cp << 4 | d;
	}
	return 0;
}

/* The string literal at *p (at its opening quote) decoded into *o (NUL-terminated); U+0000
 * becomes the 4 characters \000 so the value stays a C string.  0, or -1 when malformed. */
static int json_string(const char **p, char **o)
{
	const char *s = *p + 1;
	char *out = *o;

	for (;;) {
		unsigned char c = (unsigned char)*s;
		unsigned cp, lo;

		if (!c || c == '\n' || c < 0x20)
			return -1;
		if (c == '"')
			break;
		if (c != '\\') {
			*out++ = (char)*s++;
			continue;
		}
		s++;
		switch (*s) {
		case '"':
		case '\\':
		case '/':
			*out++ = *s;
			break;
		case 'b':
			*out++ = '\b';
			break;
		case 'f':
			*out++ = '\f';
			break;
		case 'n':
			*out++ = '\n';
			break;
		case 'r':
			*out++ = '\r';
			break;
		case 't':
			*out++ = '\t';
			break;
		case 'u':
			if (hex4(s + 1, &cp) < 0)
				return -1;
			s += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && s[1] == '\\' && s[2] == 'u' &&
			    !hex4(s + 3, &lo) && lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				s += 6;
			} else if (cp >= 0xd800 && cp < 0xe000) {
				cp = 0xfffd; /* a lone surrogate */
			}
			if (!cp) {
				memcpy(out, "\\000", 4);
				out += 4;
			} else {
				out = rf_put_utf8(out, cp);
			}
			break;
		default:
			return -1;
		}
		s++;
	}
	*out++ = 0;
	*p = s + 1;
	*o = out;
	return 0;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	return s;
}

/* A bare value (number, null, true, false) at *p into *o: 0, 1 for null, -1 if malformed. */
static int json_bare(const char **p, char **o)
{
	const char *s = *p;
	size_t n = strspn(s, "0123456789+-.eEabcdefghijklmnopqrstuvwxyz");

	if (!n)
		return -1;
	if (n == 4 && !memcmp(s, "null", 4)) {
		*p = s + n;
		return 1;
	} else if (strchr("-0123456789", *s) || (n == 4 && !memcmp(s, "true", 4)) ||
	           (n == 5 && !memcmp(s, "false", 5))) {
		memcpy(*o, s, n);
		(*o)[n] = 0;
	} else {
		return -1;
	}
	*o += strlen(*o) + 1;
	*p = s + n;
	return 0;
}

/* One line's object into row (values in out). */
static int json_object(const struct rf_input *in, unsigned long line, const char *s, char *out,
                       struct rf_row *row)
{
	s = skip_ws(s);
	if (*s != '{')
		return rf_fail(in, line, "not a JSON object");
	s = skip_ws(s + 1);
	if (*s == '}')
		return rf_fail(in, line, "an empty object");
	for (;;) {
		char *key = out, *val;
		size_t vlen;
		int rc;

		if (*s != '"' || json_string(&s, &out) < 0)
			return rf_fail(in, line, "bad JSON: a key expected");
		s = skip_ws(s);
		if (*s++ != ':')
			return rf_fail(in, line, "bad JSON: ':' expected after \"%.40s\"", key);
		s = skip_ws(s);
		val = out;
		if ((rc = *s == '"' ? json_string(&s, &out) : json_bare(&s, &out)) < 0)
			return rf_fail(in, line, "bad JSON value for \"%.40s\"", key);
		vlen = rc ? 0 : (size_t)(out - val - 1);
		if (rc) /* null: no value */
			val = NULL;
		if (!strcmp(key, "ip"))
			row->ip = val;
		else if (!strcmp(key, "type"))
			row->type = val;
		else if (!strcmp(key, "rtt_ms"))
			row->rtt_ms = val;
		else if (!strcmp(key, "ttl"))
			row->ttl = val;
		else if (!strcmp(key, "mac"))
			row->mac = val;
		else if (!strcmp(key, "vendor"))
			row->vendor = val;
		else if (!strcmp(key, "hostname")) {
			row->hostname = val;
			row->hostname_len = vlen;
		} else if (!strcmp(key, "lookup"))
			row->lookup = val;
		s = skip_ws(s);
		if (*s == '}')
			break;
		if (*s++ != ',')
			return rf_fail(in, line, "bad JSON: ',' or '}' expected");
		s = skip_ws(s);
	}
	s = skip_ws(s + 1);
	if (*s && *s != '\n')
		return rf_fail(in, line, "text after the object");
	if (!row->ip || !row->type)
		return rf_fail(in, line,
		               "an object without \"ip\" and \"type\": not a result "
		               "(a dry run's probe, or -f without type)");
	return 0;
}

int rf_read_json(struct rf_set *set, const struct rf_input *in)
{
	const char *p = in->buf, *end = in->buf + in->len;
	unsigned long line = 0;
	/* Decoded values are never longer than the line they come from. */
	char *out = malloc(in->len + 64);
	int rc = 0;

	if (!out)
		return -ENOMEM;
	while (!rc && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
		struct rf_row row = {0};

		line++;
		if (*skip_ws(p) != '\n' && skip_ws(p) < eol) {
			rc = json_object(in, line, p, out, &row);
			if (!rc)
				rc = rf_add_row(set, in, line, &row);
		}
		p = eol + 1;
	}
	free(out);
	return rc;
}
