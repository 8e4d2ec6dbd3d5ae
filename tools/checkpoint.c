/* SPDX-License-Identifier: BSD-2-Clause */
/* The --checkpoint file format (checkpoint.h): encode, decode with every length checked, and
 * the atomic write. */
#define _GNU_SOURCE /* mkstemp, dirname */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "icmpsweep/error.h"
#include "checkpoint.h"

static const char magic[8] = {'I', 'S', 'W', 'C', 'K', 'P', 'T', '\n'};
#define HEADER_LEN  24u
#define ANSWER_MIN  6u  /* bytes per answered target, at least (an IPv4 one) */
#define ANSWER_V1   5u  /* the same in version 1 */
#define PENDING_MIN 44u /* bytes per pending result, at least (IPv4 addresses) */
#define PENDING_V1  38u /* the same in version 1 */
/* Bounds that keep a corrupt length from asking for absurd memory before the CRC is known
 * (the CRC is checked first anyway; these guard the arithmetic). */
#define MAX_ARGS 65536u
#define MAX_PASS 255u

uint32_t checkpoint_crc32(const uint8_t *p, size_t n)
{
	static uint32_t table[256];
	uint32_t c = 0xffffffffu;

	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t v = i;
			for (int k = 0; k < 8; k++)
				v = v & 1 ? 0xedb88320u ^ (v >> 1) : v >> 1;
			table[i] = v;
		}
	while (n--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

/* A growing buffer; failed stays set after the first allocation failure. */
struct wbuf {
	uint8_t *p;
	size_t len, cap;
	int failed;
};

static void put(struct wbuf *w, const void *src, size_t n)
{
	if (w->failed)
		return;
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;
		uint8_t *q;

		while (cap < w->len + n)
			cap *= 2;
		if (!(q = realloc(w->p, cap))) {
			w->failed = 1;
			return;
		}
		w->p = q;
		w->cap = cap;
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void put_le(struct wbuf *w, uint64_t v, unsigned bytes)
{
	uint8_t b[8];

	for (unsigned k = 0; k < bytes; k++)
		b[k] = (uint8_t)(v >> (8 * k));
	put(w, b, bytes);
}

static void put_str(struct wbuf *w, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	put_le(w, n, 4);
	put(w, s, n);
}

static void put_addr(struct wbuf *w, const struct isw_addr *a)
{
	int v4 = isw_addr_is_v4(a);

	put_le(w, v4 ? 4 : 6, 1);
	put(w, a->bytes, v4 ? 4 : 16);
}

/* The next position of sender t in pass p (1-based), as the file stores it. */
static uint64_t next_in_pass(const struct isw_scan_progress *g, unsigned t, unsigned p)
{
	return p < g->pass[t] ? g->hi[t] : p == g->pass[t] ? g->next[t] : g->lo[t];
}

int checkpoint_encode(const struct checkpoint *ck, uint8_t **buf, size_t *len)
{
	const struct isw_scan_progress *g = &ck->progress;
	struct wbuf w = {0};
	uint32_t crc;

	put(&w, magic, sizeof(magic));
	put_le(&w, CHECKPOINT_VERSION, 4);
	put_le(&w, 0, 4);
	put_le(&w, 0, 8); /* the body's length, once known */
	put_le(&w, ck->seed, 8);
	put_le(&w, ck->digest, 8);
	put_le(&w, ck->resumes, 4);
	put_str(&w, ck->output_path);
	put_le(&w, ck->output_size, 8);
	put_le(&w, (uint64_t)ck->argc, 4);
	for (int i = 0; i < ck->argc; i++)
		put_str(&w, ck->argv[i]);
	put_le(&w, g->passes, 4);
	put_le(&w, g->senders, 4);
	for (unsigned t = 0; t < g->senders; t++) {
		put_le(&w, g->lo[t], 8);
		put_le(&w, g->hi[t], 8);
	}
	for (unsigned p = 1; p <= g->passes; p++)
		for (unsigned t = 0; t < g->senders; t++)
			put_le(&w, next_in_pass(g, t, p), 8);
	put_le(&w, ck->nanswered, 8);
	for (size_t i = 0; i < ck->nanswered; i++) {
		put_addr(&w, &ck->answered[i].addr);
		put_le(&w, ck->answered[i].type, 1);
	}
	put_le(&w, ck->npending, 8);
	for (size_t i = 0; i < ck->npending; i++) {
		const struct isw_result *r = &ck->pending[i];
		int64_t rtt_us = r->rtt_ms < 0 ? -1 : (int64_t)(r->rtt_ms * 1000.0 + 0.5);

		put_addr(&w, &r->addr);
		put_addr(&w, &r->responder);
		put_le(&w, r->scope_id, 4);
		put_le(&w, (uint64_t)r->type, 1);
		put_le(&w, r->icmp_type, 1);
		put_le(&w, r->icmp_code, 1);
		put_le(&w, r->ttl, 1);
		put_le(&w, r->probe, 1);
		put_le(&w, (uint64_t)rtt_us, 8);
		put_le(&w, (uint64_t)r->ts_us, 8);
		put_le(&w, (uint64_t)(r->have_mac != 0), 1);
		put(&w, r->mac, 6);
		put_le(&w, 0, 2);
	}
	if (w.failed) {
		free(w.p);
		return -ENOMEM;
	}
	for (unsigned k = 0; k < 8; k++)
		w.p[16 + k] = (uint8_t)((uint64_t)(w.len - HEADER_LEN) >> (8 * k));
	crc = checkpoint_crc32(w.p, w.len);
	put_le(&w, crc, 4);
	if (w.failed) {
		free(w.p);
		return -ENOMEM;
	}
	*buf = w.p;
	*len = w.len;
	return 0;
}

struct rbuf {
	const uint8_t *p;
	size_t len, at;
	int short_read;
};

static uint64_t get_le(struct rbuf *r, unsigned bytes)
{
	uint64_t v = 0;

	if (r->len - r->at < bytes) {
		r->short_read = 1;
		r->at = r->len;
		return 0;
	}
	for (unsigned k = 0; k < bytes; k++)
		v |= (uint64_t)r->p[r->at + k] << (8 * k);
	r->at += bytes;
	return v;
}

/* An address as put_addr wrote it (version 1: a u32 IPv4 address).  -1 for an unknown
 * family. */
static int get_addr(struct rbuf *r, uint32_t version, struct isw_addr *a)
{
	uint64_t family = version == 1 ? 4 : get_le(r, 1);
	size_t n = family == 4 ? 4 : 16;

	if (family != 4 && family != 6)
		return -1;
	if (version == 1) {
		*a = isw_addr_from_v4((uint32_t)get_le(r, 4));
		return 0;
	}
	memset(a, 0, sizeof(*a));
	a->family = family == 4 ? AF_INET : AF_INET6;
	if (r->len - r->at < n) {
		r->short_read = 1;
		r->at = r->len;
		return 0;
	}
	memcpy(a->bytes, r->p + r->at, n);
	r->at += n;
	return 0;
}

static char *get_str(struct rbuf *r)
{
	uint64_t n = get_le(r, 4);
	char *s;

	if (r->short_read || r->len - r->at < n) {
		r->short_read = 1;
		return NULL;
	}
	if (!(s = malloc(n + 1)))
		return NULL;
	memcpy(s, r->p + r->at, n);
	s[n] = 0;
	r->at += n;
	return s;
}

/* The table of next positions back to each sender's pass and position: the first pass not
 * complete, every earlier one complete and every later one untouched. */
static int progress_from_table(struct isw_scan_progress *g, const uint64_t *next)
{
	for (unsigned t = 0; t < g->senders; t++) {
		unsigned at = 0;

		if (g->lo[t] > g->hi[t])
			return -1;
		for (unsigned p = 1; p <= g->passes; p++) {
			uint64_t v = next[(p - 1) * g->senders + t];

			if (v < g->lo[t] || v > g->hi[t])
				return -1;
			if (!at && v < g->hi[t])
				at = p;
			else if (at && v != g->lo[t])
				return -1;
		}
		g->pass[t] = at ? at : g->passes;
		g->next[t] = at ? next[(at - 1) * g->senders + t] : g->hi[t];
	}
	return 0;
}

static int bad(char *errbuf, const char *what)
{
	snprintf(errbuf, ISW_ERRBUF_SIZE, "%s", what);
	return -EINVAL;
}

int checkpoint_decode(const uint8_t *buf, size_t len, struct checkpoint *ck, char *errbuf)
{
	struct rbuf r = {buf, len, 0, 0};
	struct isw_scan_progress *g = &ck->progress;
	uint64_t body, n, *next = NULL;
	uint32_t crc;

	memset(ck, 0, sizeof(*ck));
	if (len < sizeof(magic) || memcmp(buf, magic, sizeof(magic)))
		return bad(errbuf, "not an icmpsweep checkpoint");
	if (len < HEADER_LEN)
		return bad(errbuf, "truncated (shorter than its header)");
	r.at = sizeof(magic);
	ck->version = (uint32_t)get_le(&r, 4);
	if (ck->version < CHECKPOINT_VERSION_MIN || ck->version > CHECKPOINT_VERSION) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "format version %u; this icmpsweep reads versions %u to %u", ck->version,
		         CHECKPOINT_VERSION_MIN, CHECKPOINT_VERSION);
		return -EINVAL;
	}
	get_le(&r, 4);
	body = get_le(&r, 8);
	if (body > len - HEADER_LEN || len - HEADER_LEN - body < 4)
		return bad(errbuf, "truncated (shorter than it says)");
	if (len - HEADER_LEN - body > 4)
		return bad(errbuf, "corrupt (bytes after its end)");
	r.at = HEADER_LEN + body;
	crc = (uint32_t)get_le(&r, 4);
	if (crc != checkpoint_crc32(buf, HEADER_LEN + body))
		return bad(errbuf, "corrupt (checksum mismatch)");
	/* From here the bytes are what was written: the checks below guard against a writer
	 * of another build, not against damage. */
	r.len = HEADER_LEN + body;
	r.at = HEADER_LEN;
	ck->seed = get_le(&r, 8);
	ck->digest = get_le(&r, 8);
	ck->resumes = (uint32_t)get_le(&r, 4);
	ck->output_path = get_str(&r);
	ck->output_size = get_le(&r, 8);
	n = get_le(&r, 4);
	if (r.short_read || !ck->output_path || n > MAX_ARGS)
		goto malformed;
	ck->argv = calloc(n + 1, sizeof(*ck->argv));
	if (!ck->argv)
		goto nomem;
	for (ck->argc = 0; ck->argc < (int)n; ck->argc++)
		if (!(ck->argv[ck->argc] = get_str(&r)))
			goto malformed;
	g->passes = (unsigned)get_le(&r, 4);
	g->senders = (unsigned)get_le(&r, 4);
	if (r.short_read || g->passes < 1 || g->passes > MAX_PASS || g->senders < 1 ||
	    g->senders > ISW_SCAN_MAX_SENDERS)
		goto malformed;
	for (unsigned t = 0; t < g->senders; t++) {
		g->lo[t] = get_le(&r, 8);
		g->hi[t] = get_le(&r, 8);
	}
	next = calloc((size_t)g->passes * g->senders, sizeof(*next));
	if (!next)
		goto nomem;
	for (size_t k = 0; k < (size_t)g->passes * g->senders; k++)
		next[k] = get_le(&r, 8);
	if (r.short_read || progress_from_table(g, next) < 0)
		goto malformed;
	n = get_le(&r, 8);
	if (r.short_read || n > (r.len - r.at) / (ck->version == 1 ? ANSWER_V1 : ANSWER_MIN))
		goto malformed;
	ck->nanswered = n;
	ck->answered = calloc(n ? n : 1, sizeof(*ck->answered));
	if (!ck->answered)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		if (get_addr(&r, ck->version, &ck->answered[i].addr) < 0)
			goto malformed;
		ck->answered[i].type = (uint8_t)get_le(&r, 1);
		if (ck->answered[i].type >= ISW_RESULT_TYPE_COUNT)
			goto malformed;
	}
	n = get_le(&r, 8);
	if (r.short_read || n > (r.len - r.at) / (ck->version == 1 ? PENDING_V1 : PENDING_MIN))
		goto malformed;
	ck->npending = n;
	ck->pending = calloc(n ? n : 1, sizeof(*ck->pending));
	if (!ck->pending)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		struct isw_result *p = &ck->pending[i];
		int64_t rtt_us;

		if (get_addr(&r, ck->version, &p->addr) < 0 ||
		    get_addr(&r, ck->version, &p->responder) < 0)
			goto malformed;
		if (ck->version > 1)
			p->scope_id = (uint32_t)get_le(&r, 4);
		p->type = (enum isw_result_type)get_le(&r, 1);
		p->icmp_type = (uint8_t)get_le(&r, 1);
		p->icmp_code = (uint8_t)get_le(&r, 1);
		p->ttl = (uint8_t)get_le(&r, 1);
		p->probe = (uint8_t)get_le(&r, 1);
		rtt_us = (int64_t)get_le(&r, 8);
		p->rtt_ms = rtt_us < 0 ? -1.0 : (double)rtt_us / 1000.0;
		p->ts_us = (int64_t)get_le(&r, 8);
		p->have_mac = (int)get_le(&r, 1);
		for (int k = 0; k < 6; k++)
			p->mac[k] = (uint8_t)get_le(&r, 1);
		get_le(&r, 2);
		if (p->type >= ISW_RESULT_TYPE_COUNT)
			goto malformed;
	}
	if (r.short_read || r.at != r.len)
		goto malformed;
	free(next);
	return 0;
malformed:
	free(next);
	checkpoint_free(ck);
	return bad(errbuf, "malformed (inconsistent fields)");
nomem:
	free(next);
	checkpoint_free(ck);
	snprintf(errbuf, ISW_ERRBUF_SIZE, "out of memory reading it");
	return -ENOMEM;
}

void checkpoint_free(struct checkpoint *ck)
{
	if (ck->argv)
		for (int i = 0; i < ck->argc; i++)
			free(ck->argv[i]);
	free(ck->argv);
	free(ck->output_path);
	free(ck->answered);
	free(ck->pending);
	memset(ck, 0, sizeof(*ck));
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int checkpoint_save(const char *path, const struct checkpoint *ck, char *errbuf)
{
	size_t plen = strlen(path), len;
	char *tmp = malloc(plen + 16), *dcopy = strdup(path);
	uint8_t *buf = NULL;
	int fd = -1, dfd, rc;

	if (!tmp || !dcopy) {
		rc = -ENOMEM;
		goto out;
	}
	rc = checkpoint_encode(ck, &buf, &len);
	if (rc < 0)
		goto out;
	snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	rc = write_all(fd, buf, len);
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc) {
		unlink(tmp);
		goto out;
	}
	/* The rename itself is durable only once the directory is synced. */
	dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (fsync(dfd) < 0)
			rc = -errno;
		close(dfd);
	}
out:
	if (rc < 0)
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot write checkpoint '%s': %s", path,
		         strerror(-rc));
	free(buf);
	free(tmp);
	free(dcopy);
	return rc;
}

int checkpoint_load(const char *path, struct checkpoint *ck, char *errbuf)
{
	char err[ISW_ERRBUF_SIZE];
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *fp = fopen(path, "rb");
	int rc;

	memset(ck, 0, sizeof(*ck));
	if (!fp) {
		rc = -errno;
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot read checkpoint '%s': %s", path,
		         strerror(errno));
		return rc;
	}
	for (;;) {
		size_t k;

		if (len == cap) {
			uint8_t *q = realloc(buf, cap ? cap * 2 : 65536);
			if (!q) {
				free(buf);
				fclose(fp);
				snprintf(errbuf, ISW_ERRBUF_SIZE, "out of memory reading '%s'",
				         path);
				return -ENOMEM;
			}
			buf = q;
			cap = cap ? cap * 2 : 65536;
		}
		k = fread(buf + len, 1, cap - len, fp);
		len += k;
		if (k == 0)
			break;
	}
	rc = ferror(fp) ? -EIO : 0;
	fclose(fp);
	if (!rc)
		rc = checkpoint_decode(buf, len, ck, err);
	else
		snprintf(err, sizeof(err), "%s", strerror(EIO));
	free(buf);
	if (rc < 0)
		snprintf(errbuf, ISW_ERRBUF_SIZE, "checkpoint '%s': %s", path, err);
	return rc;
}
