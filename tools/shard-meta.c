/* SPDX-License-Identifier: BSD-2-Clause */
/* Reads a shard's --metadata back (shard-meta.h): a small JSON reader that keeps the keys
 * merge needs and skips every other value whole, refusing anything that is not JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "shard-meta.h"

const char *const shard_meta_counter_names[SM_COUNT] = {
#define X(name) #name,
    SHARD_META_COUNTERS
#undef X
};

struct reader {
	const char *begin, *p, *end;
	const char *path;
	char *errbuf;
};

static int fail(struct reader *r, const char *what)
{
	snprintf(r->errbuf, ISW_ERRBUF_SIZE, "%s: not icmpsweep metadata: %s at byte %ld", r->path,
	         what, (long)(r->p - r->begin));
	return -EINVAL;
}

static void space(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\t' || *r->p == '\r'))
		r->p++;
}

static int expect(struct reader *r, char c)
{
	space(r);
	if (r->p >= r->end || *r->p != c) {
		char what[32];

		snprintf(what, sizeof(what), "expected '%c'", c);
		return fail(r, what);
	}
	r->p++;
	return 0;
}

/* A string into out (size bytes, truncated; escapes other than \" and \\ kept as '?'); out
 * may be NULL to skip it. */
static int string(struct reader *r, char *out, size_t size)
{
	size_t n = 0;

	if (expect(r, '"') < 0)
		return -EINVAL;
	while (r->p < r->end && *r->p != '"') {
		char c = *r->p++;

		if ((unsigned char)c < 0x20)
			return fail(r, "control byte in a string");
		if (c == '\\') {
			if (r->p >= r->end)
				break;
			c = *r->p++;
			if (c == 'u') {
				if (r->end - r->p < 4)
					return fail(r, "short \\u escape");
				r->p += 4;
				c = '?';
			} else if (!strchr("\"\\/bfnrt", c))
				return fail(r, "bad escape");
		}
		if (out && n + 1 < size)
			out[n++] = c;
	}
	if (r->p >= r->end)
		return fail(r, "unterminated string");
	r->p++;
	if (out && size)
		out[n] = 0;
	return 0;
}

/* A non-negative integer (the counters); -EINVAL for anything else. */
static int number(struct reader *r, uint64_t *out)
{
	uint64_t v = 0;
	const char *start;

	space(r);
	start = r->p;
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		uint64_t d = (uint64_t)(*r->p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return fail(r, "number too large");
		v = v * 10 + d;
		r->p++;
	}
	if (r->p == start)
		return fail(r, "expected a number");
	*out = v;
	return 0;
}

static int skip_value(struct reader *r, int depth);

static int skip_container(struct reader *r, char close, int depth)
{
	int first = 1;

	r->p++;
	for (;;) {
		space(r);
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return 0;
		}
		if (!first && expect(r, ',') < 0)
			return -EINVAL;
		first = 0;
		if (close == '}') {
			if (string(r, NULL, 0) < 0 || expect(r, ':') < 0)
				return -EINVAL;
		}
		if (skip_value(r, depth + 1) < 0)
			return -EINVAL;
	}
}

static int skip_value(struct reader *r, int depth)
{
	static const char *const words[] = {"true", "false", "null"};

	if (depth > 16)
		return fail(r, "nested too deep");
	space(r);
	if (r->p >= r->end)
		return fail(r, "unexpected end");
	if (*r->p == '"')
		return string(r, NULL, 0);
	if (*r->p == '{')
		return skip_container(r, '}', depth);
	if (*r->p == '[')
		return skip_container(r, ']', depth);
	for (size_t i = 0; i < 3; i++)
		if ((size_t)(r->end - r->p) >= strlen(words[i]) &&
		    !strncmp(r->p, words[i], strlen(words[i]))) {
			r->p += strlen(words[i]);
			return 0;
		}
	/* A number: digits, sign, fraction, exponent. */
	const char *start = r->p;
	while (r->p < r->end && strchr("0123456789+-.eE", *r->p))
		r->p++;
	return r->p > start ? 0 : fail(r, "unexpected byte");
}

static int shard_object(struct reader *r, struct shard_meta *m)
{
	char k[32];
	int first = 1;

	space(r);
	if (r->p + 4 <= r->end && !strncmp(r->p, "null", 4)) {
		r->p += 4;
		return 0;
	}
	if (expect(r, '{') < 0)
		return -EINVAL;
	m->have_shard = 1;
	for (;;) {
		space(r);
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			return 0;
		}
		if ((!first && expect(r, ',') < 0) || string(r, k, sizeof(k)) < 0 ||
		    expect(r, ':') < 0)
			return -EINVAL;
		first = 0;
		if (!strcmp(k, "index")   ? number(r, &m->index) < 0
		    : !strcmp(k, "count") ? number(r, &m->count) < 0
		                          : skip_value(r, 1) < 0)
			return -EINVAL;
	}
}

/* An array of strings, each at most SPEC_MAX - 1 bytes (a path or a target spec). */
#define SPEC_MAX 4096
static int string_array(struct reader *r, char ***out, size_t *n)
{
	char buf[SPEC_MAX];
	int first = 1;

	if (expect(r, '[') < 0)
		return -EINVAL;
	for (;;) {
		char **a;

		space(r);
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			return 0;
		}
		if ((!first && expect(r, ',') < 0) || string(r, buf, sizeof(buf)) < 0)
			return -EINVAL;
		first = 0;
		if (strlen(buf) == sizeof(buf) - 1)
			return fail(r, "a target spec too long");
		a = realloc(*out, (*n + 1) * sizeof(*a));
		if (!a || !(a[*n] = strdup(buf))) {
			if (a)
				*out = a;
			return fail(r, "out of memory");
		}
		*out = a;
		(*n)++;
	}
}

static int member(struct reader *r, const char *k, struct shard_meta *m)
{
	if (!strcmp(k, "target_specs"))
		return string_array(r, &m->specs[0], &m->nspecs[0]);
	if (!strcmp(k, "exclude_specs"))
		return string_array(r, &m->specs[1], &m->nspecs[1]);
	for (int i = 0; i < SM_COUNT; i++)
		if (!strcmp(k, shard_meta_counter_names[i])) {
			m->have[i] = 1;
			return number(r, &m->counter[i]);
		}
	if (!strcmp(k, "seed"))
		return number(r, &m->seed);
	if (!strcmp(k, "targets_total"))
		return number(r, &m->targets_total);
	if (!strcmp(k, "targets_ipv4"))
		return number(r, &m->targets_ipv4);
	if (!strcmp(k, "targets_ipv6"))
		return number(r, &m->targets_ipv6);
	if (!strcmp(k, "probes_per_target"))
		return number(r, &m->probes_per_target);
	if (!strcmp(k, "reserved_dropped"))
		return number(r, &m->reserved_dropped);
	if (!strcmp(k, "targets_digest"))
		return string(r, m->digest, sizeof(m->digest));
	if (!strcmp(k, "status"))
		return string(r, m->status, sizeof(m->status));
	if (!strcmp(k, "shard"))
		return shard_object(r, m);
	space(r);
	if (!strcmp(k, "start") && r->p < r->end && *r->p == '"')
		return string(r, m->start, sizeof(m->start));
	if (!strcmp(k, "end") && r->p < r->end && *r->p == '"')
		return string(r, m->end, sizeof(m->end));
	return skip_value(r, 1);
}

int shard_meta_sniff(const char *buf, size_t len)
{
	static const char head[] = "{\n  \"tool\": \"icmpsweep\"";

	return len >= sizeof(head) - 1 && !memcmp(buf, head, sizeof(head) - 1);
}

void shard_meta_free(struct shard_meta *m)
{
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < m->nspecs[k]; i++)
			free(m->specs[k][i]);
		free(m->specs[k]);
		m->specs[k] = NULL;
		m->nspecs[k] = 0;
	}
}

static int parse_doc(const char *buf, size_t len, const char *path, struct shard_meta *m,
                     int need_digest, char *errbuf)
{
	struct reader r = {buf, buf, buf + len, path, errbuf};
	char k[64];
	int first = 1;

	memset(m, 0, sizeof(*m));
	m->path = path;
	if (expect(&r, '{') < 0)
		return -EINVAL;
	for (;;) {
		space(&r);
		if (r.p < r.end && *r.p == '}') {
			r.p++;
			break;
		}
		if ((!first && expect(&r, ',') < 0) || string(&r, k, sizeof(k)) < 0 ||
		    expect(&r, ':') < 0 || member(&r, k, m) < 0)
			return -EINVAL;
		first = 0;
	}
	space(&r);
	if (r.p != r.end)
		return fail(&r, "bytes after the document");
	if (!m->status[0] || (need_digest && !m->digest[0]))
		return fail(&r, "no status or targets_digest (written by an older icmpsweep?)");
	return 0;
}

int shard_meta_parse(const char *buf, size_t len, const char *path, struct shard_meta *m,
                     char *errbuf)
{
	int rc = parse_doc(buf, len, path, m, 1, errbuf);

	if (rc < 0)
		shard_meta_free(m);
	return rc;
}

int shard_meta_parse_sweep(const char *buf, size_t len, const char *path, struct shard_meta *m,
                           char *errbuf)
{
	int rc = parse_doc(buf, len, path, m, 0, errbuf);

	if (rc < 0)
		shard_meta_free(m);
	return rc;
}

char *shard_meta_slurp(const char *path, size_t *len, char *errbuf)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!fp) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - n < 65536) {
			char *b = realloc(buf, cap ? cap * 2 : 131072);

			if (!b) {
				snprintf(errbuf, ISW_ERRBUF_SIZE, "reading '%s': out of memory",
				         path);
				goto fail;
			}
			buf = b;
			cap = cap ? cap * 2 : 131072;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, fp);

		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "reading '%s': %s", path, strerror(errno));
		goto fail;
	}
	fclose(fp);
	buf[n] = 0;
	*len = n;
	return buf;
fail:
	fclose(fp);
	free(buf);
	return NULL;
}
