/* SPDX-License-Identifier: BSD-2-Clause */
/* IPv6 targets (targets6.h): parsing of one spec into a 128-bit range, and the merged,
 * flattened set.  Ranges are 32 bytes each, so a hitlist costs memory in proportion to its
 * lines until finalize merges neighbours. */
#include <arpa/inet.h>
#include <net/if.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "range-search.h"
#include "targets6.h"

/* Larger specs are refused rather than enumerated: 2^32 probes is already days at 10k/s. */
#define ENUM_MAX_BITS 32

#define MAPPED_V4 ((isw_u128)0xffff << 32) /* ::ffff:0:0/96 */

/* Sorted, as the subtraction needs.  IPv4-mapped addresses stand for IPv4 hosts inside one
 * machine's sockets and are never on the wire (RFC 4291 2.5.5.2). */
static const struct isw_range6 reserved6[] = {
    {0, 0},                                /* :: */
    {MAPPED_V4, MAPPED_V4 | 0xffffffffu},  /* ::ffff:0:0/96 */
    {(isw_u128)0xff << 120, ~(isw_u128)0}, /* ff00::/8 multicast */
};

isw_u128 isw_u128_from_bytes(const uint8_t b[16])
{
	isw_u128 v = 0;

	for (int i = 0; i < 16; i++)
		v = v << 8 | b[i];
	return v;
}

void isw_u128_to_bytes(isw_u128 v, uint8_t b[16])
{
	for (int i = 15; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
}

static int parse6(const char *s, size_t len, isw_u128 *out)
{
	char buf[INET6_ADDRSTRLEN + 1];
	uint8_t b[16];

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, b) != 1)
		return -1;
	*out = isw_u128_from_bytes(b);
	return 0;
}

static int push(struct isw_range6 **v, size_t *n, size_t *cap, isw_u128 lo, isw_u128 hi)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct isw_range6 *nv = realloc(*v, ncap * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	(*v)[*n].lo = lo;
	(*v)[*n].hi = hi;
	(*n)++;
	return 0;
}

static int too_large(const char *shown, char *errbuf)
{
	snprintf(errbuf, ISW_ERRBUF_SIZE,
	         "IPv6 target '%s' has more than 2^%d addresses: sweep one address per "
	         "sub-prefix (e.g. 2001:db8::/32-48) or list the addresses in a hitlist file (-I)",
	         shown, ENUM_MAX_BITS);
	return -EINVAL;
}

/* "P/plen-sub" (p: the text after the dash): one address in each /sub of P/plen. */
static int add_subprefix(struct isw_targets6 *t, isw_u128 p, unsigned plen, const char *sub,
                         const char *shown, int exclude, char *errbuf)
{
	char *end = NULL;
	unsigned long len = strtoul(sub, &end, 10);

	if (*sub < '0' || *sub > '9' || *end || len > 128 || len < plen) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "invalid IPv6 sub-prefix length in '%s' (PREFIX/LEN-SUBLEN with LEN <= "
		         "SUBLEN <= 128)",
		         shown);
		return -EINVAL;
	}
	if (exclude) {
		snprintf(
		    errbuf, ISW_ERRBUF_SIZE,
		    "IPv6 exclusion '%s': a sub-prefix sweep is a target form; exclude its prefix, "
		    "ranges or single addresses",
		    shown);
		return -EINVAL;
	}
	if (len - plen > ENUM_MAX_BITS) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "IPv6 target '%s' has 2^%lu sub-prefixes, more than the limit of 2^%d: "
		         "sweep a longer prefix or shorter sub-prefixes",
		         shown, len - plen, ENUM_MAX_BITS);
		return -EINVAL;
	}
	t->has_subprefix = 1;
	/* One address per /128 is every address of the prefix. */
	if (len == 128)
		return push(&t->inc, &t->ninc, &t->capinc, p,
		            p | (plen == 128 ? 0 : (((isw_u128)1 << (128 - plen)) - 1)));
	p = len == 0 ? 0 : p >> (128 - len);
	return isw_subprefix6_push(&t->sub, (uint8_t)len, p,
	                           p + (((isw_u128)1 << (len - plen)) - 1));
}

static int is_link_local(isw_u128 a)
{
	return (unsigned)(a >> 118) == 0x3fa; /* fe80::/10 */
}

int isw_targets6_add_address(struct isw_targets6 *t, const char *spec, int exclude)
{
	uint8_t b[16];
	isw_u128 a;

	if (!strchr(spec, ':') || strpbrk(spec, "/-%") || inet_pton(AF_INET6, spec, b) != 1)
		return 1;
	a = isw_u128_from_bytes(b);
	if (a >> 32 == MAPPED_V4 >> 32 || (!exclude && is_link_local(a)))
		return 1; /* refused with its message by isw_targets6_add */
	if (exclude)
		return push(&t->exc, &t->nexc, &t->capexc, a, a);
	return push(&t->inc, &t->ninc, &t->capinc, a, a);
}

/* Link-local targets need their interface, and one sweep's share one (it probes them there,
 * as -i would).  lo..hi is the target as parsed, scope its interface (0: none given). */
static int check_scope(struct isw_targets6 *t, isw_u128 lo, isw_u128 hi, uint32_t scope,
                       const char *shown, int exclude, char *errbuf)
{
	char a[IF_NAMESIZE], b[IF_NAMESIZE];

	if (scope && !(is_link_local(lo) && is_link_local(hi))) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "IPv6 target '%s': a scope (%%interface) is for link-local addresses "
		         "(fe80::/10) only",
		         shown);
		return -EINVAL;
	}
	if (!scope && !exclude && (is_link_local(lo) || is_link_local(hi))) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "IPv6 target '%s' is link-local: give the interface it is on, as "
		         "fe80::1%%eth0",
		         shown);
		return -EINVAL;
	}
	if (scope && t->scope && scope != t->scope) {
		if (!if_indextoname(t->scope, a))
			snprintf(a, sizeof(a), "%u", t->scope);
		if (!if_indextoname(scope, b))
			snprintf(b, sizeof(b), "%u", scope);
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "IPv6 target '%s': link-local targets on %s and on %s: one sweep takes "
		         "those of one interface; run one sweep per interface",
		         shown, a, b);
		return -EINVAL;
	}
	if (scope && !exclude)
		t->scope = scope;
	return 0;
}

/* "ADDR%IFACE" (any target form before the '%'): the interface's index into *scope and the
 * target's text without it into buf.  -EINVAL with a message naming it. */
static int split_scope(const char *spec, const char *shown, char *buf, size_t size, uint32_t *scope,
                       char *errbuf)
{
	const char *pct = strchr(spec, '%');
	size_t n = (size_t)(pct - spec);

	*scope = if_nametoindex(pct + 1);
	if (!pct[1] || !*scope) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "IPv6 target '%s': no interface '%.*s'", shown,
		         IF_NAMESIZE, pct + 1);
		return -EINVAL;
	}
	if (n >= size) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "invalid IPv6 target '%s'", shown);
		return -EINVAL;
	}
	memcpy(buf, spec, n);
	buf[n] = 0;
	return 0;
}

int isw_targets6_add(struct isw_targets6 *t, const char *spec, const char *shown, int exclude,
                     char *errbuf)
{
	const char *slash, *dash;
	char unscoped[128];
	uint32_t scope = 0;
	isw_u128 lo, hi;
	int rc;

	if (strchr(spec, '%')) {
		rc = split_scope(spec, shown, unscoped, sizeof(unscoped), &scope, errbuf);
		if (rc < 0)
			return rc;
		spec = unscoped;
	}
	slash = strchr(spec, '/');
	dash = strchr(spec, '-');
	if (slash) {
		char *end;
		unsigned long plen;

		if (parse6(spec, (size_t)(slash - spec), &lo) < 0)
			goto bad;
		end = NULL;
		plen = strtoul(slash + 1, &end, 10);
		if (!slash[1] || slash[1] == '-' || slash[1] == '+' || plen > 128 ||
		    (*end && *end != '-')) {
			snprintf(errbuf, ISW_ERRBUF_SIZE, "invalid IPv6 prefix length in '%s'",
			         shown);
			return -EINVAL;
		}
		hi = plen == 0 ? ~(isw_u128)0 : (((isw_u128)1 << (128 - plen)) - 1);
		lo &= ~hi; /* as ip route does: 2001:db8::5/64 means its /64 */
		if (*end == '-') {
			rc = check_scope(t, lo, lo | hi, scope, shown, exclude, errbuf);
			return rc < 0 ? rc
			              : add_subprefix(t, lo, (unsigned)plen, end + 1, shown,
			                              exclude, errbuf);
		}
		if (!exclude && 128 - plen > ENUM_MAX_BITS)
			return too_large(shown, errbuf);
		hi |= lo;
	} else if (dash) {
		if (parse6(spec, (size_t)(dash - spec), &lo) < 0 ||
		    parse6(dash + 1, strlen(dash + 1), &hi) < 0)
			goto bad;
		if (lo > hi) {
			snprintf(errbuf, ISW_ERRBUF_SIZE,
			         "invalid IPv6 range '%s' (start after end)", shown);
			return -EINVAL;
		}
		if (!exclude && hi - lo >= (isw_u128)1 << ENUM_MAX_BITS)
			return too_large(shown, errbuf);
	} else {
		if (parse6(spec, strlen(spec), &lo) < 0)
			goto bad;
		hi = lo;
	}
	rc = check_scope(t, lo, hi, scope, shown, exclude, errbuf);
	if (rc < 0)
		return rc;
	if (!exclude && lo >> 32 == MAPPED_V4 >> 32 && hi >> 32 == MAPPED_V4 >> 32) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "IPv6 target '%s' is IPv4-mapped (::ffff:0:0/96), which never leaves a "
		         "host: give the IPv4 address%s instead",
		         shown, lo == hi ? "" : "es");
		return -EINVAL;
	}
	if (exclude)
		return push(&t->exc, &t->nexc, &t->capexc, lo, hi);
	return push(&t->inc, &t->ninc, &t->capinc, lo, hi);
bad:
	snprintf(errbuf, ISW_ERRBUF_SIZE, "invalid IPv6 target '%s'", shown);
	return -EINVAL;
}

size_t isw_range6_merge(struct isw_range6 *v, size_t n)
{
	size_t w = 0;

	if (!n)
		return 0;
	isw_range6_sort(v, n);
	for (size_t i = 1; i < n; i++) {
		if (v[w].hi == ~(isw_u128)0 || v[i].lo <= v[w].hi + 1) {
			if (v[i].hi > v[w].hi)
				v[w].hi = v[i].hi;
		} else {
			v[++w] = v[i];
		}
	}
	return w + 1;
}

/* a minus b (both merged) into out (room for na + nb); the count. */
static size_t subtract6(const struct isw_range6 *a, size_t na, const struct isw_range6 *b,
                        size_t nb, struct isw_range6 *out)
{
	size_t n = 0, j = 0;

	for (size_t i = 0; i < na; i++) {
		isw_u128 lo = a[i].lo, hi = a[i].hi;
		int left = 1;

		while (j < nb && b[j].hi < lo)
			j++;
		for (size_t k = j; k < nb && b[k].lo <= hi; k++) {
			if (b[k].lo > lo)
				out[n++] = (struct isw_range6){lo, b[k].lo - 1};
			if (b[k].hi >= hi) {
				left = 0;
				break;
			}
			lo = b[k].hi + 1;
		}
		if (left)
			out[n++] = (struct isw_range6){lo, hi};
	}
	return n;
}

static uint64_t total6(const struct isw_range6 *v, size_t n)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += (uint64_t)(v[i].hi - v[i].lo) + 1;
	return sum;
}

/* Whether any range of a meets one of b (both merged). */
static int meets(const struct isw_range6 *a, size_t na, const struct isw_range6 *b, size_t nb)
{
	for (size_t k = 0; k < nb; k++) {
		size_t i;

		ISW_PARTITION_POINT(size_t, i, 0, na, x, a[x].hi < b[k].lo);
		if (i < na && a[i].lo <= b[k].hi)
			return 1;
	}
	return 0;
}

/* *v minus b (merged) in a new array, *v freed, unless nothing of b is in *v: a hitlist of
 * millions of lines costs one array, not three. */
static int subtract_into(struct isw_range6 **v, size_t *n, const struct isw_range6 *b, size_t nb)
{
	struct isw_range6 *out;

	if (!meets(*v, *n, b, nb))
		return 0;
	out = malloc((*n + nb + 1) * sizeof(*out));
	if (!out)
		return -ENOMEM;
	*n = subtract6(*v, *n, b, nb, out);
	free(*v);
	*v = out;
	return 0;
}

int isw_targets6_finalize(struct isw_targets6 *t, char *errbuf)
{
	size_t ni = isw_range6_merge(t->inc, t->ninc), ne = isw_range6_merge(t->exc, t->nexc), n2;
	size_t nres = sizeof(reserved6) / sizeof(reserved6[0]);
	struct isw_range6 *r = t->inc;
	uint64_t before;
	int rc;

	t->inc = NULL;
	t->ninc = t->capinc = 0;
	n2 = ni;
	rc = subtract_into(&r, &n2, t->exc, ne);
	before = total6(r, n2);
	if (rc == 0)
		rc = subtract_into(&r, &n2, reserved6, nres);
	if (rc < 0) {
		free(r);
		return rc;
	}
	/* Shrinking cannot fail in practice, and the larger block is still good if it does. */
	if (n2) {
		struct isw_range6 *shrunk = realloc(r, n2 * sizeof(*r));

		r = shrunk ? shrunk : r;
	}
	t->r = r; /* freed with t from here on */
	t->start = malloc((n2 ? n2 : 1) * sizeof(*t->start));
	if (!t->start)
		return -ENOMEM;
	t->nr = n2;
	t->count = 0;
	for (size_t i = 0; i < n2; i++) {
		t->start[i] = t->count;
		t->count += (uint64_t)(r[i].hi - r[i].lo) + 1;
	}
	t->reserved_dropped = before - t->count;
	/* The sub-prefix addresses go after the plain ones, less those the plain ones hold. */
	rc = isw_subprefix6_finalize(&t->sub, &t->iid, t->exc, ne, reserved6, nres, r, n2, t->count,
	                             errbuf);
	free(t->exc);
	t->exc = NULL;
	t->nexc = t->capexc = 0;
	if (rc < 0)
		return rc;
	t->count += t->sub.count;
	t->reserved_dropped += t->sub.reserved_dropped;
	return 0;
}

void isw_targets6_free(struct isw_targets6 *t)
{
	free(t->inc);
	free(t->exc);
	free(t->r);
	free(t->start);
	isw_subprefix6_free(&t->sub);
	memset(t, 0, sizeof(*t));
}

void isw_targets6_at(const struct isw_targets6 *t, uint64_t index, uint8_t out[16])
{
	size_t lo;

	if (index >= t->count) {
		memset(out, 0, 16); /* :: is never a target */
		return;
	}
	if (t->sub.n && index >= t->sub.v[0].start) {
		isw_u128_to_bytes(isw_subprefix6_at(&t->sub, &t->iid, index), out);
		return;
	}
	ISW_LAST_WHERE(lo, t->nr, i, t->start[i] <= index);
	isw_u128_to_bytes(t->r[lo].lo + (index - t->start[lo]), out);
}

int64_t isw_targets6_index(const struct isw_targets6 *t, const uint8_t addr[16])
{
	isw_u128 a = isw_u128_from_bytes(addr);
	size_t lo;

	if (t->nr == 0 || a < t->r[0].lo)
		return isw_subprefix6_index(&t->sub, &t->iid, a);
	ISW_LAST_WHERE(lo, t->nr, i, t->r[i].lo <= a);
	if (a > t->r[lo].hi)
		return isw_subprefix6_index(&t->sub, &t->iid, a);
	return (int64_t)(t->start[lo] + (uint64_t)(a - t->r[lo].lo));
}

size_t isw_targets6_nruns(const struct isw_targets6 *t)
{
	return t->nr + t->sub.n;
}

void isw_targets6_run(const struct isw_targets6 *t, size_t i, uint64_t *first, uint64_t *count,
                      uint8_t lo[16], uint8_t hi[16], uint8_t *sublen)
{
	const struct isw_subprefix6 *g;

	if (i < t->nr) {
		*first = t->start[i];
		*count = (uint64_t)(t->r[i].hi - t->r[i].lo) + 1;
		isw_u128_to_bytes(t->r[i].lo, lo);
		isw_u128_to_bytes(t->r[i].hi, hi);
		*sublen = 0;
		return;
	}
	g = &t->sub.v[i - t->nr];
	*first = g->start; /* numbered from the plain ranges' count */
	*count = (uint64_t)(g->hi - g->lo) + 1;
	isw_u128_to_bytes(g->first, lo);
	isw_u128_to_bytes(isw_subprefix6_addr(&t->iid, g->len, g->hi), hi);
	*sublen = g->len;
}

uint64_t isw_targets6_run_below(const struct isw_targets6 *t, size_t i, const uint8_t addr[16])
{
	isw_u128 a = isw_u128_from_bytes(addr);

	if (i < t->nr) {
		if (a <= t->r[i].lo)
			return 0;
		return a > t->r[i].hi ? (uint64_t)(t->r[i].hi - t->r[i].lo) + 1
		                      : (uint64_t)(a - t->r[i].lo);
	}
	return isw_subprefix6_below(&t->sub.v[i - t->nr], &t->iid, a);
}
