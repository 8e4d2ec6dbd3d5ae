/* SPDX-License-Identifier: BSD-2-Clause */
/* Target sets.  Specifications are collected as inclusive [lo, hi] ranges, and finalize turns
 * them into a sorted, disjoint array plus prefix sums, so mapping between the flat index space
 * and addresses is a binary search over ranges rather than anything proportional to the
 * number of addresses (which can be 2^32).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "icmpsweep/error.h"
#include "icmpsweep/targets.h"
#include "escape.h"
#include "mix.h"
#include "range-search.h"
#include "targets6.h"

/* Longest line of a target file: a host name is at most 253 bytes; the rest is comment room.
 * A longer line is refused at once rather than read whole (-I /dev/zero would read until
 * memory ran out). */
#define LINE_MAX_BYTES 4096
/* Lines of one target file (2^26, a 1 GB list); beyond it, a runaway pipe is the likelier
 * cause. */
#define FILE_MAX_LINES (1ul << 26)
/* How much of a bad value a message shows, escaped. */
#define SHOWN_MAX 128

struct range {
	uint32_t lo, hi; /* inclusive, so 0.0.0.0/0 fits */
};

struct rangevec {
	struct range *v;
	size_t n, cap;
};

struct isw_targets {
	struct rangevec inc, exc; /* as added; freed by finalize */
	struct range *r;          /* after finalize: sorted, disjoint, non-adjacent */
	uint64_t *start;          /* start[i]: index of r[i].lo in the flat space */
	size_t nr;
	uint64_t count;
	uint64_t reserved_dropped;
	int finalized;
	int allow_ipv6;         /* isw_targets_allow_ipv6: IPv6 specs go to v6 */
	struct isw_targets6 v6; /* its indices follow the IPv4 ones */
};

/* Never sent to, whatever the user asks for: "this network", multicast, and the former class E
 * block that holds the limited broadcast address.  Sorted and merged, as subtract() needs. */
static const struct range reserved[] = {
    {0x00000000u, 0x00ffffffu}, /* 0.0.0.0/8 */
    {0xe0000000u, 0xffffffffu}, /* 224.0.0.0/4 + 240.0.0.0/4 */
};

__attribute__((format(printf, 2, 3))) static void seterr(char *errbuf, const char *fmt, ...)
{
	va_list ap;

	if (!errbuf)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, ISW_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

static uint64_t range_size(const struct range *r)
{
	return (uint64_t)r->hi - r->lo + 1;
}

static int rangevec_push(struct rangevec *rv, uint32_t lo, uint32_t hi)
{
	if (rv->n == rv->cap) {
		size_t cap = rv->cap ? rv->cap * 2 : 64;
		struct range *v;

		if (cap > SIZE_MAX / sizeof(*v))
			return -ENOMEM;
		v = realloc(rv->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		rv->v = v;
		rv->cap = cap;
	}
	rv->v[rv->n].lo = lo;
	rv->v[rv->n].hi = hi;
	rv->n++;
	return 0;
}

int isw_targets_new(isw_targets **out)
{
	isw_targets *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->v6.iid.fixed = 1; /* --iid ::1 */
	*out = t;
	return 0;
}

void isw_targets_free(isw_targets *t)
{
	if (!t)
		return;
	free(t->inc.v);
	free(t->exc.v);
	free(t->r);
	free(t->start);
	isw_targets6_free(&t->v6);
	free(t);
}

/* Exactly four decimal octets.  Leading zeros are refused because inet_aton() and friends read
 * them as octal, so "010.0.0.1" means different hosts to different tools; the same reasoning
 * (and glibc's inet_pton) rules out "1.2.3", hex and trailing junk. */
static int parse_quad(const char *s, size_t len, uint32_t *out)
{
	const char *end = s + len;
	uint32_t addr = 0;
	int octet;

	for (octet = 0; octet < 4; octet++) {
		unsigned v = 0;
		int digits = 0;

		if (octet > 0) {
			if (s == end || *s != '.')
				return -1;
			s++;
		}
		while (s < end && *s >= '0' && *s <= '9') {
			if (digits > 0 && v == 0)
				return -1;
			v = v * 10 + (unsigned)(*s - '0');
			if (v > 255)
				return -1;
			digits++;
			s++;
		}
		if (digits == 0)
			return -1;
		addr = addr << 8 | v;
	}
	if (s != end)
		return -1;
	*out = addr;
	return 0;
}

/* spec and shown: the value, and as messages show it (escaped). */
static int add_cidr(struct rangevec *rv, const char *spec, const char *shown, const char *slash,
                    char *errbuf)
{
	const char *p = slash + 1;
	uint32_t addr, mask;
	unsigned len = 0;
	int digits = 0;

	if (parse_quad(spec, (size_t)(slash - spec), &addr) < 0) {
		seterr(errbuf, "invalid address in '%s'", shown);
		return -EINVAL;
	}
	for (; *p >= '0' && *p <= '9' && digits < 3; p++, digits++)
		len = len * 10 + (unsigned)(*p - '0');
	if (digits > 0 && *p == '-') {
		seterr(errbuf,
		       "invalid target '%s': sub-prefix sweeps (PREFIX/LEN-SUBLEN) are for IPv6 "
		       "prefixes; sweep an IPv4 prefix whole",
		       shown);
		return -EINVAL;
	}
	if (digits == 0 || *p != '\0' || len > 32) {
		seterr(errbuf, "invalid prefix length in '%s'", shown);
		return -EINVAL;
	}
	/* Shifting a 32-bit value by 32 is undefined, hence the special case for /0. */
	mask = len ? ~0u << (32 - len) : 0;
	return rangevec_push(rv, addr & mask, (addr & mask) | ~mask);
}

static int add_numeric(struct rangevec *rv, const char *spec, const char *shown, char *errbuf)
{
	const char *dash = strchr(spec, '-');
	uint32_t lo, hi;

	if (!dash) {
		if (parse_quad(spec, strlen(spec), &lo) < 0) {
			seterr(errbuf, "invalid address '%s'", shown);
			return -EINVAL;
		}
		return rangevec_push(rv, lo, lo);
	}
	if (parse_quad(spec, (size_t)(dash - spec), &lo) < 0 ||
	    parse_quad(dash + 1, strlen(dash + 1), &hi) < 0) {
		seterr(errbuf, "invalid range '%s'", shown);
		return -EINVAL;
	}
	/* Almost always two addresses typed the wrong way round; scanning nothing, or guessing
	 * which end was meant, would hide that. */
	if (lo > hi) {
		seterr(errbuf, "reversed range '%s'", shown);
		return -EINVAL;
	}
	return rangevec_push(rv, lo, hi);
}

static int add_host(struct rangevec *rv, const char *name, const char *shown, char *errbuf)
{
	struct addrinfo hints, *res, *ai;
	int rc, err = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	/* One socket type, or every address comes back once per type. */
	hints.ai_socktype = SOCK_DGRAM;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc != 0) {
		if (rc == EAI_MEMORY)
			return -ENOMEM;
		seterr(errbuf, "cannot resolve host '%s': %s", shown,
		       rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -EINVAL;
	}
	for (ai = res; ai && !err; ai = ai->ai_next) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ai->ai_addr;
		uint32_t a;

		if (ai->ai_family != AF_INET || !sin)
			continue;
		a = ntohl(sin->sin_addr.s_addr);
		err = rangevec_push(rv, a, a);
	}
	freeaddrinfo(res);
	return err;
}

static int is_name_char(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_';
}

/* RFC 1123 2.1: the top-level label of a dotted host name is alphabetic, which is what keeps
 * names apart from dotted-decimal.  Anything dotted that ends in a label starting with a digit
 * ("1.2.3.4x") is a mistyped address, and looking it up would only cost a DNS timeout. */
static int looks_like_address(const char *spec)
{
	const char *last, *end = spec + strlen(spec);
	struct in_addr ia;

	/* getaddrinfo() would quietly accept what inet_aton() does: "0x7f000001", "127.1". */
	if (inet_aton(spec, &ia))
		return 1;
	if (end > spec && end[-1] == '.')
		end--;
	for (last = end; last > spec && last[-1] != '.'; last--)
		;
	if (last == spec)
		return 0;
	return last < end && isdigit((unsigned char)*last);
}

/* An IPv6 address, prefix or range ("2001:db8::1", "2001:db8::/32", "2001:db8::1-2001:db8::9"):
 * said as such rather than as an invalid target. */
static int is_ipv6(const char *spec)
{
	char buf[INET6_ADDRSTRLEN + 1];
	struct in6_addr a;
	size_t len = strcspn(spec, "/-%");

	if (!memchr(spec, ':', len) || len >= sizeof(buf))
		return 0;
	memcpy(buf, spec, len);
	buf[len] = 0;
	return inet_pton(AF_INET6, buf, &a) == 1;
}

static int add_spec(isw_targets *t, int exclude, const char *spec, char *errbuf)
{
	struct rangevec *rv = exclude ? &t->exc : &t->inc;
	char shown[SHOWN_MAX];
	const char *s;
	int numeric = 1, name = 1;

	if (*spec == '\0') {
		seterr(errbuf, "invalid target '' (empty)");
		return -EINVAL;
	}
	if (t->allow_ipv6) {
		int rc = isw_targets6_add_address(&t->v6, spec, exclude);

		if (rc <= 0)
			return rc;
	}
	isw_escape(spec, shown, sizeof(shown));
	if (is_ipv6(spec) && t->allow_ipv6)
		return isw_targets6_add(&t->v6, spec, shown, exclude, errbuf);
	if (is_ipv6(spec)) {
		seterr(errbuf, "IPv6 target '%s': icmpsweep sweeps IPv4 only so far", shown);
		return -EINVAL;
	}
	/* Only CIDR has a '/', so whatever follows is a prefix length, good or bad. */
	s = strchr(spec, '/');
	if (s)
		return add_cidr(rv, spec, shown, s, errbuf);
	for (s = spec; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (!isdigit(c) && c != '.' && c != '-')
			numeric = 0;
		if (!is_name_char(c))
			name = 0;
	}
	/* Decided by characters alone so that a bad address ("300.1.1.1") is reported at once
	 * instead of being handed to the resolver. */
	if (numeric)
		return add_numeric(rv, spec, shown, errbuf);
	if (name && looks_like_address(spec)) {
		seterr(errbuf, "invalid address '%s'", shown);
		return -EINVAL;
	}
	if (!name || spec[0] == '-' || spec[0] == '.') {
		seterr(errbuf, "invalid target '%s'", shown);
		return -EINVAL;
	}
	return add_host(rv, spec, shown, errbuf);
}

int isw_targets_add(isw_targets *t, const char *spec, int exclude, char *errbuf)
{
	struct rangevec *rv = exclude ? &t->exc : &t->inc;
	size_t n = rv->n;
	int err;

	if (t->finalized) {
		char shown[SHOWN_MAX];
		seterr(errbuf, "cannot add '%s': targets already finalized",
		       isw_escape(spec, shown, sizeof(shown)));
		return -EINVAL;
	}
	err = add_spec(t, exclude, spec, errbuf);
	/* A host name can add several ranges before failing; leave no half-added spec. */
	if (err < 0)
		rv->n = n;
	return err;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

/* Reads one line (without its newline) into buf, which holds LINE_MAX_BYTES + 1 bytes.
 * Returns its length, or: */
#define LINE_EOF     -1 /* end of file, nothing read */
#define LINE_ERROR   -2 /* read error (errno) */
#define LINE_TOO_BIG -3 /* longer than LINE_MAX_BYTES; buf holds its start */
#define LINE_NUL     -4 /* a NUL byte, at *nul_at; buf holds the line up to it */
static long read_line(FILE *f, char *buf, size_t *nul_at)
{
	size_t n = 0;
	int c;

	errno = 0;
	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		if (n == LINE_MAX_BYTES) {
			buf[n] = '\0';
			return LINE_TOO_BIG;
		}
		if (c == '\0') {
			/* Stop here: a NUL in a text file means a binary file (or /dev/zero). */
			*nul_at = n;
			buf[n] = '\0';
			return LINE_NUL;
		}
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	if (c == EOF && ferror(f))
		return LINE_ERROR;
	if (c == EOF && n == 0)
		return LINE_EOF;
	return (long)n;
}

int isw_targets_add_file(isw_targets *t, const char *path, int exclude, char *errbuf)
{
	struct rangevec *rv = exclude ? &t->exc : &t->inc;
	size_t *n6 = exclude ? &t->v6.nexc : &t->v6.ninc;
	size_t n0 = rv->n, n6_0 = *n6, nsub0 = t->v6.sub.n, nul_at = 0;
	unsigned long lineno = 0;
	int use_stdin = strcmp(path, "-") == 0;
	char name[SHOWN_MAX], shown[SHOWN_MAX];
	char *line;
	FILE *f;
	int err = 0;

	isw_escape(use_stdin ? "<stdin>" : path, name, sizeof(name));
	if (t->finalized) {
		seterr(errbuf, "cannot add '%s': targets already finalized", name);
		return -EINVAL;
	}
	line = malloc(LINE_MAX_BYTES + 1);
	if (!line)
		return -ENOMEM;
	f = use_stdin ? stdin : fopen(path, "r");
	if (!f) {
		err = -errno;
		seterr(errbuf, "cannot open '%s': %s", name, strerror(errno));
		free(line);
		return err;
	}
	for (;;) {
		char msg[ISW_ERRBUF_SIZE];
		char *hash, *spec;
		long len = read_line(f, line, &nul_at);

		if (len == LINE_EOF)
			break;
		if (len == LINE_ERROR) {
			int e = errno ? errno : EIO;

			seterr(errbuf, "cannot read '%s' after line %lu: %s", name, lineno,
			       strerror(e));
			/* A directory is a bad argument; any other failed read, the machine's. */
			err = e == EISDIR ? -EISDIR : -EIO;
			break;
		}
		if (++lineno > FILE_MAX_LINES) {
			err = -EINVAL;
			seterr(errbuf, "%s: more than %lu lines", name, FILE_MAX_LINES);
			break;
		}
		if (len == LINE_TOO_BIG) {
			err = -EINVAL;
			seterr(errbuf, "%s:%lu: line longer than %d bytes: '%s...'", name, lineno,
			       LINE_MAX_BYTES, isw_escape_bytes(line, 32, shown, sizeof(shown)));
			break;
		}
		if (len == LINE_NUL) {
			/* Cutting the line at the NUL would take a prefix of it as a target. */
			err = -EINVAL;
			line[nul_at] = '\0';
			seterr(errbuf,
			       "%s:%lu: NUL byte at column %zu (not a text file?): '%s\\x00'", name,
			       lineno, nul_at + 1,
			       isw_escape_bytes(line, nul_at < 32 ? nul_at : 32, shown,
			                        sizeof(shown)));
			break;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		spec = trim(line);
		if (*spec == '\0')
			continue;
		err = add_spec(t, exclude, spec, msg);
		if (err < 0) {
			if (err == -ENOMEM)
				seterr(errbuf, "%s:%lu: out of memory", name, lineno);
			else
				seterr(errbuf, "%s:%lu: %s", name, lineno, msg);
			break;
		}
	}
	free(line);
	if (use_stdin)
		clearerr(stdin);
	else
		fclose(f);
	/* All of a file or none of it, so a caller that reports the error and carries on does
	 * not scan a prefix of the list. */
	if (err < 0) {
		rv->n = n0;
		*n6 = n6_0;
		t->v6.sub.n = nsub0;
	}
	return err;
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return 0;
}

/* Sort and coalesce overlapping or touching ranges in place; returns the new length. */
static size_t merge(struct range *v, size_t n)
{
	size_t i, out = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_range);
	for (i = 1; i < n; i++) {
		/* Written as lo - 1 <= hi so that hi == UINT32_MAX cannot overflow. */
		if (v[i].lo == 0 || v[i].lo - 1 <= v[out].hi) {
			if (v[i].hi > v[out].hi)
				v[out].hi = v[i].hi;
		} else {
			v[++out] = v[i];
		}
	}
	return out + 1;
}

/* out = a minus b, both sorted and disjoint.  Each range of b splits at most one range of a
 * in two, so out needs room for na + nb ranges. */
static size_t subtract(const struct range *a, size_t na, const struct range *b, size_t nb,
                       struct range *out)
{
	size_t i, j = 0, n = 0;

	for (i = 0; i < na; i++) {
		uint32_t lo = a[i].lo, hi = a[i].hi;
		int alive = 1;

		while (j < nb && b[j].hi < lo)
			j++;
		/* b[j] may overlap the next range of a as well, so j is not advanced past it. */
		for (size_t k = j; k < nb && b[k].lo <= hi; k++) {
			if (b[k].lo > lo) {
				out[n].lo = lo;
				out[n].hi = b[k].lo - 1;
				n++;
			}
			if (b[k].hi >= hi) {
				alive = 0;
				break;
			}
			lo = b[k].hi + 1;
		}
		if (alive) {
			out[n].lo = lo;
			out[n].hi = hi;
			n++;
		}
	}
	return n;
}

static uint64_t total(const struct range *v, size_t n)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += range_size(&v[i]);
	return sum;
}

int isw_targets_finalize(isw_targets *t, char *errbuf)
{
	size_t ni, ne, n1, n2;
	struct range *tmp, *r;
	uint64_t before;
	int err;

	if (t->finalized) {
		seterr(errbuf, "targets already finalized");
		return -EINVAL;
	}
	if (t->inc.n == 0 && t->v6.ninc == 0 && t->v6.sub.n == 0) {
		seterr(errbuf, "no targets given");
		return -EINVAL;
	}
	err = isw_targets6_finalize(&t->v6, errbuf);
	if (err < 0)
		return err;
	ni = merge(t->inc.v, t->inc.n);
	ne = merge(t->exc.v, t->exc.n);

	tmp = malloc((ni + ne) * sizeof(*tmp));
	r = malloc((ni + ne + sizeof(reserved) / sizeof(reserved[0])) * sizeof(*r));
	if (!tmp || !r) {
		free(tmp);
		free(r);
		return -ENOMEM;
	}
	n1 = subtract(t->inc.v, ni, t->exc.v, ne, tmp);
	before = total(tmp, n1);
	n2 = subtract(tmp, n1, reserved, sizeof(reserved) / sizeof(reserved[0]), r);
	free(tmp);

	/* The inputs are no longer needed, and from here on only queries are allowed. */
	free(t->inc.v);
	free(t->exc.v);
	memset(&t->inc, 0, sizeof(t->inc));
	memset(&t->exc, 0, sizeof(t->exc));
	t->finalized = 1;

	if (n2 == 0 && t->v6.count == 0) {
		free(r);
		seterr(errbuf, "no targets left to scan (all excluded or reserved)");
		return -EINVAL;
	}
	t->start = malloc((n2 ? n2 : 1) * sizeof(*t->start));
	if (!t->start) {
		free(r);
		return -ENOMEM;
	}
	/* Shrinking cannot fail in practice, and the larger block is still good if it does. */
	tmp = n2 ? realloc(r, n2 * sizeof(*r)) : NULL;
	if (!n2)
		free(r); /* an IPv6-only set: realloc to 0 would free it behind our back */
	t->r = n2 && !tmp ? r : tmp;
	t->nr = n2;
	for (size_t i = 0; i < n2; i++) {
		t->start[i] = t->count;
		t->count += range_size(&t->r[i]);
	}
	t->reserved_dropped = before - t->count;
	return 0;
}

uint64_t isw_targets_count(const isw_targets *t)
{
	return t->count + t->v6.count;
}

uint64_t isw_targets_count_v6(const isw_targets *t)
{
	return t->v6.count;
}

uint64_t isw_targets_reserved_dropped(const isw_targets *t)
{
	return t->reserved_dropped + t->v6.reserved_dropped;
}

void isw_targets_allow_ipv6(isw_targets *t)
{
	t->allow_ipv6 = 1;
}

void isw_targets_set_iid(isw_targets *t, const uint8_t iid[16])
{
	isw_u128 v = 0;

	for (int i = 0; i < 16; i++)
		v = v << 8 | iid[i];
	t->v6.iid = (struct isw_iid6){.fixed = v};
}

void isw_targets_set_iid_random(isw_targets *t, uint64_t seed)
{
	/* Its own key: the order and the probe tags use the seed too. */
	t->v6.iid = (struct isw_iid6){.key = isw_mix64(seed ^ 0x1d1d1d1d5eed1d1dULL), .random = 1};
}

size_t isw_targets_nruns_v6(const isw_targets *t)
{
	return isw_targets6_nruns(&t->v6);
}

void isw_targets_run_v6(const isw_targets *t, size_t i, struct isw_targets_run6 *run)
{
	isw_targets6_run(&t->v6, i, &run->first, &run->count, run->lo, run->hi, &run->sublen);
}

uint64_t isw_targets_run_v6_below(const isw_targets *t, size_t i, const uint8_t addr[16])
{
	return isw_targets6_run_below(&t->v6, i, addr);
}

uint32_t isw_targets_scope6(const isw_targets *t)
{
	return t->v6.scope;
}

int isw_targets_has_subprefix(const isw_targets *t)
{
	return t->v6.has_subprefix;
}

struct isw_addr isw_targets_at_addr(const isw_targets *t, uint64_t index)
{
	uint8_t b[16];

	if (index < t->count)
		return isw_addr_from_v4(isw_targets_at(t, index));
	isw_targets6_at(&t->v6, index - t->count, b);
	return isw_addr_from_v6(b);
}

int64_t isw_targets_index_addr(const isw_targets *t, const struct isw_addr *a)
{
	int64_t i;

	if (isw_addr_is_v4(a))
		return isw_targets_index(t, isw_addr_v4(a));
	if (a->family != AF_INET6)
		return -1;
	i = isw_targets6_index(&t->v6, a->bytes);
	return i < 0 ? -1 : (int64_t)t->count + i;
}

size_t isw_targets_nranges_v6(const isw_targets *t)
{
	return t->v6.nr;
}

void isw_targets_range_v6(const isw_targets *t, size_t i, uint8_t lo[16], uint8_t hi[16],
                          uint64_t *first)
{
	isw_u128 a = t->v6.r[i].lo, z = t->v6.r[i].hi;

	for (int k = 15; k >= 0; k--) {
		lo[k] = (uint8_t)a;
		hi[k] = (uint8_t)z;
		a >>= 8;
		z >>= 8;
	}
	*first = t->v6.start[i];
}

uint32_t isw_targets_at(const isw_targets *t, uint64_t index)
{
	size_t lo;

	/* 0.0.0.0 is never a target, so it is a safe answer to an out-of-range question. */
	if (index >= t->count)
		return 0;
	ISW_LAST_WHERE(lo, t->nr, i, t->start[i] <= index);
	return t->r[lo].lo + (uint32_t)(index - t->start[lo]);
}

int64_t isw_targets_index(const isw_targets *t, uint32_t addr)
{
	size_t lo;

	if (t->nr == 0 || addr < t->r[0].lo)
		return -1;
	ISW_LAST_WHERE(lo, t->nr, i, t->r[i].lo <= addr);
	if (addr > t->r[lo].hi)
		return -1;
	return (int64_t)(t->start[lo] + (addr - t->r[lo].lo));
}

int isw_targets_add_range(isw_targets *t, uint32_t lo, uint32_t hi, int exclude)
{
	if (t->finalized || lo > hi)
		return -EINVAL;
	return rangevec_push(exclude ? &t->exc : &t->inc, lo, hi);
}

size_t isw_targets_nranges(const isw_targets *t)
{
	return t->nr;
}

void isw_targets_range(const isw_targets *t, size_t i, uint32_t *lo, uint32_t *hi)
{
	*lo = t->r[i].lo;
	*hi = t->r[i].hi;
}
