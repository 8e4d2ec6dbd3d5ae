/* SPDX-License-Identifier: BSD-2-Clause */
/* XML result files: nmap's -oX format, as icmpsweep -O xml writes it and as nmap itself does
 * (a ping sweep's hosts are read; ports, scripts and the rest are skipped).
 *
 * A small pull parser, enough for nmap's documents: tags with attributes, the predefined and
 * numeric entities, comments, processing instructions, CDATA and a DOCTYPE; nesting is
 * checked and a document cut short is refused.  Only <host> elements whose <status> is up
 * and that have an IPv4 or IPv6 address are hosts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli-values.h"
#include "icmpsweep/result.h"
#include "result-parse.h"

#define MAX_ATTRS 16
#define MAX_DEPTH 64
#define MAX_NAME  64

struct tag {
	char name[MAX_NAME];
	int end;   /* </name> */
	int empty; /* <name/> */
	const char *key[MAX_ATTRS], *val[MAX_ATTRS];
	size_t nattr;
};

struct parser {
	const struct rf_input *in;
	const char *p, *end;
	unsigned long line;
	char *out; /* decoded attribute values: reset per tag */
	char *out_base;
};

static void advance(struct parser *x, const char *to)
{
	for (; x->p < to; x->p++)
		x->line += *x->p == '\n';
}

/* Skips to just past the end marker; -EINVAL when the file ends first. */
static int skip_past(struct parser *x, const char *marker, const char *what)
{
	const char *e = strstr(x->p, marker);

	if (!e)
		return rf_fail(x->in, x->line, "%s not closed", what);
	advance(x, e + strlen(marker));
	return 0;
}

/* A DOCTYPE, whose internal subset ([...]) may hold '>' inside brackets and quotes. */
static int skip_doctype(struct parser *x)
{
	int depth = 0;
	char quote = 0;

	for (; x->p < x->end; x->p++) {
		char c = *x->p;
		x->line += c == '\n';
		if (quote) {
			quote = c == quote ? 0 : quote;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '[') {
			depth++;
		} else if (c == ']') {
			depth--;
		} else if (c == '>' && depth <= 0) {
			x->p++;
			return 0;
		}
	}
	return rf_fail(x->in, x->line, "DOCTYPE not closed");
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == ':' || (unsigned char)c >= 0x80;
}

/* The quoted value at x->p, entities decoded, into x->out. */
static int attr_value(struct parser *x, const char **val)
{
	char quote = *x->p++, *o = x->out;

	*val = o;
	for (;;) {
		if (x->p >= x->end)
			return rf_fail(x->in, x->line, "an attribute value not closed");
		char c = *x->p;
		if (c == quote)
			break;
		if (c == '<')
			return rf_fail(x->in, x->line, "'<' in an attribute value");
		if (c != '&') {
			x->line += c == '\n';
			*o++ = c;
			x->p++;
			continue;
		}
		const char *semi =
		    memchr(x->p, ';', (size_t)(x->end - x->p) < 12 ? (size_t)(x->end - x->p) : 12);
		size_t n = semi ? (size_t)(semi - x->p - 1) : 0;
		const char *e = x->p + 1;
		static const struct {
			const char *name;
			char c;
		} ents[] = {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
		size_t k;

		for (k = 0; semi && k < 5; k++)
			if (strlen(ents[k].name) == n && !memcmp(e, ents[k].name, n))
				break;
		if (semi && k < 5) {
			*o++ = ents[k].c;
		} else if (semi && n >= 2 && *e == '#') {
			char num[12], *stop;
			int hex = e[1] == 'x';
			memcpy(num, e + 1 + hex, n - 1 - (size_t)hex);
			num[n - 1 - hex] = 0;
			unsigned long cp = strtoul(num, &stop, hex ? 16 : 10);
			if (!num[0] || *stop || !cp || cp > 0x10ffff ||
			    (cp >= 0xd800 && cp < 0xe000))
				return rf_fail(x->in, x->line, "bad character reference '&%.*s;'",
				               (int)n, e);
			o = rf_put_utf8(o, cp);
		} else {
			return rf_fail(x->in, x->line, "unknown entity '&%.*s'",
			               (int)(semi ? n : 8), e);
		}
		x->p = semi + 1;
	}
	*o++ = 0;
	x->p++;
	x->out = o;
	return 0;
}

/* The tag at x->p (just past '<'). */
static int read_tag(struct parser *x, struct tag *t)
{
	size_t n = 0;

	t->end = *x->p == '/';
	t->empty = 0;
	t->nattr = 0;
	x->p += t->end;
	while (x->p < x->end && name_char(*x->p) && n + 1 < MAX_NAME)
		t->name[n++] = *x->p++;
	t->name[n] = 0;
	if (!n || name_char(*x->p))
		return rf_fail(x->in, x->line, "a bad tag name");
	x->out = x->out_base;
	for (;;) {
		while (x->p < x->end && strchr(" \t\r\n", *x->p)) {
			x->line += *x->p == '\n';
			x->p++;
		}
		if (x->p >= x->end)
			return rf_fail(x->in, x->line, "<%s> not closed", t->name);
		if (*x->p == '>') {
			x->p++;
			return 0;
		}
		if (!t->end && x->p[0] == '/' && x->p[1] == '>') {
			t->empty = 1;
			x->p += 2;
			return 0;
		}
		if (t->end || !name_char(*x->p) || t->nattr == MAX_ATTRS)
			return rf_fail(x->in, x->line, "a bad attribute in <%s>", t->name);
		const char *k = x->out;
		while (name_char(*x->p))
			*x->out++ = *x->p++;
		*x->out++ = 0;
		if (*x->p != '=' || (x->p[1] != '"' && x->p[1] != '\''))
			return rf_fail(x->in, x->line,
			               "attribute '%.32s' of <%s> without a quoted "
			               "value",
			               k, t->name);
		x->p++;
		t->key[t->nattr] = k;
		int rc = attr_value(x, &t->val[t->nattr]);
		if (rc < 0)
			return rc;
		t->nattr++;
	}
}

static const char *attr(const struct tag *t, const char *key)
{
	for (size_t i = 0; i < t->nattr; i++)
		if (!strcmp(t->key[i], key))
			return t->val[i];
	return NULL;
}

/* The host being read: its fields own copies of the values. */
struct host_acc {
	int in_host, up, have_ip, hostnames;
	struct rf_host h;
	char rtt[32], ttl[8], vendor[256], name[1100];
};

static int host_element(struct parser *x, struct host_acc *a, const struct tag *t)
{
	const char *v;

	if (!strcmp(t->name, "status")) {
		const char *reason = attr(t, "reason");
		a->up = (v = attr(t, "state")) && !strcmp(v, "up");
		a->h.type = reason && !strcmp(reason, "echo-reply")     ? ISW_RESULT_ECHO_REPLY
		            : reason && !strcmp(reason, "arp-response") ? ISW_RESULT_ARP_ONLY
		            : reason && !strcmp(reason, "nd-response")  ? ISW_RESULT_NDP_ONLY
		                                                        : RF_TYPE_UP;
		unsigned long ttl;
		if (a->h.type == ISW_RESULT_ECHO_REPLY && (v = attr(t, "reason_ttl")) &&
		    !cli_parse_uint(v, 255, &ttl))
			a->h.ttl = (int)ttl;
	} else if (!strcmp(t->name, "address")) {
		const char *type = attr(t, "addrtype"), *addr = attr(t, "addr");
		if (!addr)
			return rf_fail(x->in, x->line, "<address> without addr");
		if (!type || !strcmp(type, "ipv4") || !strcmp(type, "ipv6")) {
			if (rf_parse_ip(addr, &a->h) < 0 ||
			    (a->h.addr.family == AF_INET) != (!type || !strcmp(type, "ipv4")))
				return rf_fail(x->in, x->line, "'%.70s' is not an %s address", addr,
				               type && !strcmp(type, "ipv6") ? "IPv6" : "IPv4");
			a->have_ip = 1;
		} else if (!strcmp(type, "mac")) {
			if (cli_parse_mac(addr, a->h.mac) < 0)
				return rf_fail(x->in, x->line, "bad mac '%.40s'", addr);
			a->h.have_mac = 1;
			if ((v = attr(t, "vendor")))
				snprintf(a->vendor, sizeof(a->vendor), "%s", v);
		}
	} else if (!strcmp(t->name, "hostnames")) {
		a->hostnames = 1;
	} else if (!strcmp(t->name, "hostname") && (v = attr(t, "name"))) {
		const char *type = attr(t, "type");
		/* The PTR name; nmap also lists the name the user typed (type "user"). */
		if (!a->name[0] || (type && !strcmp(type, "PTR"))) {
			char *c = rf_name_canonical(v, strlen(v));
			if (!c)
				return -ENOMEM;
			snprintf(a->name, sizeof(a->name), "%s", c);
			free(c);
		}
	} else if (!strcmp(t->name, "times") && (v = attr(t, "srtt"))) {
		double us;
		if (cli_parse_decimal(v, &us) < 0)
			return rf_fail(x->in, x->line, "bad srtt '%.40s'", v);
		a->h.rtt_ms = us / 1000.0;
	}
	return 0;
}

static int host_end(struct rf_set *set, struct host_acc *a)
{
	set->rows++;
	if (!a->up || !a->have_ip)
		return 0;
	a->h.vendor = a->vendor[0] ? a->vendor : NULL;
	a->h.hostname = a->hostnames ? a->name : NULL;
	return rf_add_host(set, &a->h);
}

int rf_read_xml(struct rf_set *set, const struct rf_input *in)
{
	struct parser x = {.in = in, .p = in->buf, .end = in->buf + in->len, .line = 1};
	char stack[MAX_DEPTH][MAX_NAME];
	struct host_acc *a = calloc(1, sizeof(*a));
	struct tag t;
	int depth = 0, rc = 0, root_seen = 0;

	x.out_base = malloc(in->len + 1);
	if (!a || !x.out_base) {
		free(a);
		free(x.out_base);
		return -ENOMEM;
	}
	while (!rc) {
		const char *lt = memchr(x.p, '<', (size_t)(x.end - x.p));
		if (!lt) {
			advance(&x, x.end);
			break;
		}
		advance(&x, lt);
		if (!strncmp(x.p, "<?", 2))
			rc = skip_past(&x, "?>", "a processing instruction");
		else if (!strncmp(x.p, "<!--", 4))
			rc = skip_past(&x, "-->", "a comment");
		else if (!strncmp(x.p, "<![CDATA[", 9))
			rc = skip_past(&x, "]]>", "a CDATA section");
		else if (!strncmp(x.p, "<!", 2))
			rc = skip_doctype(&x);
		else {
			unsigned long at = x.line;
			x.p++;
			if ((rc = read_tag(&x, &t)) < 0)
				break;
			if (t.end) {
				if (!depth || strcmp(stack[depth - 1], t.name)) {
					rc = rf_fail(in, at, "</%s> does not close <%s>", t.name,
					             depth ? stack[depth - 1] : "nothing");
					break;
				}
				depth--;
			} else if (!depth && root_seen) {
				rc = rf_fail(in, at, "a second root element <%s>", t.name);
				break;
			} else if (!depth && strcmp(t.name, "nmaprun")) {
				rc = rf_fail(in, at,
				             "the root element is <%s>, not <nmaprun>: not "
				             "an nmap XML file",
				             t.name);
				break;
			} else {
				root_seen = 1;
				if (depth == 1 && !strcmp(t.name, "host")) {
					memset(a, 0, sizeof(*a));
					a->in_host = 1;
					a->h = (struct rf_host){.type = RF_TYPE_UP,
					                        .rtt_ms = -1,
					                        .ttl = -1,
					                        .line = at};
				} else if (a->in_host) {
					rc = host_element(&x, a, &t);
				}
				if (!t.empty) {
					if (depth == MAX_DEPTH) {
						rc = rf_fail(in, at, "nested too deep");
						break;
					}
					snprintf(stack[depth++], MAX_NAME, "%s", t.name);
				}
			}
			if (!rc && a->in_host && depth == 1) {
				a->in_host = 0;
				rc = host_end(set, a);
			}
		}
	}
	if (!rc && (depth || !root_seen))
		rc = rf_fail(in, x.line,
		             root_seen ? "the document ends inside <%s> (cut short?)"
		                       : "no <nmaprun> element%s",
		             root_seen ? stack[depth - 1] : "");
	free(x.out_base);
	free(a);
	return rc;
}
