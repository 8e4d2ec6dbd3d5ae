/* SPDX-License-Identifier: BSD-2-Clause */
/* Result files into sets of hosts: reading the file, telling its format, checking each row
 * and keeping one host per address.  The text format is read here; csv, json and xml in
 * result-{csv,json,xml}.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli-values.h"
#include "icmpsweep/error.h"
#include "icmpsweep/output.h"
#include "icmpsweep/result.h"
#include "result-parse.h"

int rf_fail(const struct rf_input *in, unsigned long line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(in->errbuf, ISW_ERRBUF_SIZE, "%s:%lu: ", in->name, line);

	va_start(ap, fmt);
	if (n > 0 && n < ISW_ERRBUF_SIZE)
		vsnprintf(in->errbuf + n, ISW_ERRBUF_SIZE - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

char *rf_name_canonical(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	char *out = malloc(4 * len + 1), *o = out;

	if (!out)
		return NULL;
	while (p < end) {
		int n = *p ? isw_utf8_seq_len(p) : -1;

		if (n > 0 && p + n < end) {
			memcpy(o, p, (size_t)n + 1);
			o += n + 1;
			p += n + 1;
		} else if (n != 0 || *p < 0x20 || *p == 0x7f) {
			o += sprintf(o, "\\%03u", *p++);
		} else {
			*o++ = (char)*p++;
		}
	}
	*o = 0;
	return out;
}

char *rf_put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

int rf_add_host(struct rf_set *set, const struct rf_host *h)
{
	struct rf_host *c;

	if (set->n == set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 64;
		struct rf_host *a = realloc(set->hosts, cap * sizeof(*a));
		if (!a)
			return -ENOMEM;
		set->hosts = a;
		set->cap = cap;
	}
	c = &set->hosts[set->n];
	*c = *h;
	c->vendor = dup_or_null(h->vendor);
	c->hostname = h->hostname ? strdup(h->hostname) : NULL;
	if ((h->vendor && *h->vendor && !c->vendor) || (h->hostname && !c->hostname)) {
		free(c->vendor);
		free(c->hostname);
		return -ENOMEM;
	}
	set->n++;
	return 0;
}

static int row_type(const char *name, int *type)
{
	static const struct {
		const char *name;
		int type;
	} types[] = {
	    {"echo-reply", ISW_RESULT_ECHO_REPLY},       {"arp-only", ISW_RESULT_ARP_ONLY},
	    {"ndp-only", ISW_RESULT_NDP_ONLY},           {"unreachable", ISW_RESULT_UNREACHABLE},
	    {"time-exceeded", ISW_RESULT_TIME_EXCEEDED}, {"icmp-error", ISW_RESULT_OTHER_ERROR},
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(name, types[i].name)) {
			*type = types[i].type;
			return 0;
		}
	return -EINVAL;
}

int rf_add_row(struct rf_set *set, const struct rf_input *in, unsigned long line,
               const struct rf_row *row)
{
	struct rf_host h = {.type = RF_TYPE_UP, .rtt_ms = -1, .ttl = -1, .line = line};
	char *name = NULL;
	int rc;

	if (!row->ip || rf_parse_ip(row->ip, &h) < 0)
		return rf_fail(in, line,
		               "'%.70s' is not an IP address (or its interface is unknown)",
		               row->ip ? row->ip : "(none)");
	if (row->type && row_type(row->type, &h.type) < 0)
		return rf_fail(in, line, "unknown result type '%.40s'", row->type);
	set->rows++;
	if (h.type != RF_TYPE_UP && h.type != ISW_RESULT_ECHO_REPLY &&
	    !isw_result_is_neigh_only((enum isw_result_type)h.type)) {
		set->icmp_errors++;
		return 0;
	}
	if (row->rtt_ms && *row->rtt_ms && cli_parse_decimal(row->rtt_ms, &h.rtt_ms) < 0)
		return rf_fail(in, line, "bad rtt_ms '%.40s'", row->rtt_ms);
	if (row->ttl && *row->ttl) {
		unsigned long ttl;
		if (cli_parse_uint(row->ttl, 255, &ttl) < 0)
			return rf_fail(in, line, "bad ttl '%.40s'", row->ttl);
		h.ttl = (int)ttl;
	}
	if (row->mac && *row->mac) {
		if (cli_parse_mac(row->mac, h.mac) < 0)
			return rf_fail(in, line, "bad mac '%.40s'", row->mac);
		h.have_mac = 1;
	}
	h.vendor = (char *)row->vendor;
	if (row->hostname &&
	    (!row->lookup || !strcmp(row->lookup, "ok") || !strcmp(row->lookup, "nxdomain"))) {
		if (!(name = rf_name_canonical(row->hostname, row->hostname_len)))
			return -ENOMEM;
		h.hostname = name;
	}
	rc = rf_add_host(set, &h);
	free(name);
	return rc;
}

/* "ADDR" or "ADDR NAME" per line: the hosts up, named when looked up. */
int rf_read_text(struct rf_set *set, const struct rf_input *in)
{
	const char *p = in->buf, *end = in->buf + in->len;
	unsigned long line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
		size_t len = (size_t)(eol - p);
		char ip[ISW_ADDR_SCOPED_MAX];
		const char *sp;
		struct rf_row row = {0};
		int rc;

		line++;
		if (len && p[len - 1] == '\r')
			len--;
		if (len) {
			sp = memchr(p, ' ', len);
			size_t iplen = sp ? (size_t)(sp - p) : len;
			if (iplen >= sizeof(ip))
				return rf_fail(in, line, "'%.*s' is not an IP address",
				               (int)(iplen > 70 ? 70 : iplen), p);
			memcpy(ip, p, iplen);
			ip[iplen] = 0;
			row.ip = ip;
			if (sp) {
				row.hostname = sp + 1;
				row.hostname_len = len - iplen - 1;
			}
			if ((rc = rf_add_row(set, in, line, &row)) < 0)
				return rc;
		}
		p = eol + 1;
	}
	return 0;
}

/* By the first byte that is not white space: '<' xml, '{' json; a first line of lower-case
 * column names with a comma is a csv header; anything else text. */
static enum isw_format detect(const char *buf, size_t len)
{
	size_t i = 0, nl;

	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && strchr(" \t\r\n", buf[i]))
		i++;
	if (i < len && buf[i] == '<')
		return ISW_FORMAT_XML;
	if (i < len && buf[i] == '{')
		return ISW_FORMAT_JSON;
	nl = strcspn(buf + i, "\r\n");
	if (memchr(buf + i, ',', nl) && strspn(buf + i, "abcdefghijklmnopqrstuvwxyz_,") == nl)
		return ISW_FORMAT_CSV;
	return ISW_FORMAT_TEXT;
}

int rf_host_cmp(const struct rf_host *a, const struct rf_host *b)
{
	int c = isw_addr_cmp(&a->addr, &b->addr);

	return c ? c : a->scope_id < b->scope_id ? -1 : a->scope_id > b->scope_id;
}

const char *rf_host_ip(const struct rf_host *h, char *buf)
{
	return isw_addr_format_scoped(&h->addr, h->scope_id, buf);
}

int rf_parse_ip(const char *text, struct rf_host *h)
{
	return isw_addr_parse(text, &h->addr, &h->scope_id);
}

static int by_addr(const void *a, const void *b)
{
	return rf_host_cmp(a, b);
}

/* By address, then by line: qsort is not stable, and the first row of an address wins. */
static int by_addr_line(const void *a, const void *b)
{
	const struct rf_host *x = a, *y = b;
	int c = by_addr(a, b);

	return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

static void host_free(struct rf_host *h)
{
	free(h->vendor);
	free(h->hostname);
}

/* One host per address: an echo reply wins over ARP only, else the first row does. */
void rf_dedupe(struct rf_set *set)
{
	size_t k = 0;

	if (!set->n)
		return; /* hosts may be NULL: qsort must not see it */
	qsort(set->hosts, set->n, sizeof(*set->hosts), by_addr_line);
	for (size_t i = 0; i < set->n; i++) {
		if (k && !rf_host_cmp(&set->hosts[k - 1], &set->hosts[i])) {
			struct rf_host *kept = &set->hosts[k - 1];
			if (kept->type != ISW_RESULT_ECHO_REPLY &&
			    set->hosts[i].type == ISW_RESULT_ECHO_REPLY) {
				host_free(kept);
				*kept = set->hosts[i];
			} else {
				host_free(&set->hosts[i]);
			}
			continue;
		}
		set->hosts[k++] = set->hosts[i];
	}
	set->n = k;
}

int rf_read(FILE *fp, const char *name, struct rf_set *set, char *errbuf)
{
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	int rc;

	memset(set, 0, sizeof(*set));
	do {
		if (cap - len < 65536) {
			char *b = realloc(buf, cap = cap ? 2 * cap : 1 << 20);
			if (!b) {
				free(buf);
				snprintf(errbuf, ISW_ERRBUF_SIZE, "%s: out of memory", name);
				return -ENOMEM;
			}
			buf = b;
		}
		got = fread(buf + len, 1, cap - len - 1, fp);
		len += got;
	} while (got);
	if (ferror(fp)) {
		rc = errno ? -errno : -EIO;
		free(buf);
		snprintf(errbuf, ISW_ERRBUF_SIZE, "%s: %s", name, strerror(-rc));
		return rc;
	}
	buf[len] = 0;
	struct rf_input in = {.name = name, .buf = buf, .len = len, .errbuf = errbuf};
	if (strlen(buf) != len) {
		const char *nul = buf + strlen(buf);
		unsigned long line = 1;
		for (const char *q = buf; q < nul; q++)
			line += *q == '\n';
		rc = rf_fail(&in, line, "a NUL byte: not a result file");
	} else {
		set->format = detect(buf, len);
		switch (set->format) {
		case ISW_FORMAT_TEXT:
			rc = rf_read_text(set, &in);
			break;
		case ISW_FORMAT_CSV:
			rc = rf_read_csv(set, &in);
			break;
		case ISW_FORMAT_JSON:
			rc = rf_read_json(set, &in);
			break;
		case ISW_FORMAT_XML:
		default:
			rc = rf_read_xml(set, &in);
			break;
		}
	}
	free(buf);
	if (rc == -ENOMEM)
		snprintf(errbuf, ISW_ERRBUF_SIZE, "%s: out of memory", name);
	if (rc < 0) {
		rf_free(set);
		return rc;
	}
	rf_dedupe(set);
	return 0;
}

int rf_load(const char *path, struct rf_set *set, char *errbuf)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
	int rc;

	if (!fp) {
		rc = -errno;
		memset(set, 0, sizeof(*set));
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot open '%s': %s", path, strerror(errno));
		return rc;
	}
	rc = rf_read(fp, path, set, errbuf);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

const struct rf_host *rf_find(const struct rf_set *set, const struct isw_addr *addr,
                              uint32_t scope_id)
{
	struct rf_host key = {.addr = *addr, .scope_id = scope_id};

	return set->n ? bsearch(&key, set->hosts, set->n, sizeof(key), by_addr) : NULL;
}

void rf_free(struct rf_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		host_free(&set->hosts[i]);
	free(set->hosts);
	memset(set, 0, sizeof(*set));
}
