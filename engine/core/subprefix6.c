/* SPDX-License-Identifier: BSD-2-Clause */
/* Sub-prefix segments (subprefix6.h): the address of a sub-prefix, and the set algebra done
 * on segments of sub-prefix numbers.  Because the address grows with the number, the numbers
 * whose addresses fall in an address range are found by binary search (at most 33 steps for a
 * segment of 2^32), so excluding, dropping reserved addresses and removing duplicates never
 * walks a segment. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "icmpsweep/error.h"
#include "mix.h"
#include "range-search.h"
#include "subprefix6.h"
#include "targets6.h"

#define U128_MAX (~(isw_u128)0)

static isw_u128 shl(isw_u128 v, unsigned s)
{
	return s >= 128 ? 0 : v << s;
}

static isw_u128 low_mask(unsigned s)
{
	return s >= 128 ? U128_MAX : ((isw_u128)1 << s) - 1;
}

/* Keyed by the length too, so that a /48 and a /64 sweep of one prefix do not share their
 * identifiers' low bits. */
static isw_u128 random_iid(uint64_t key, uint8_t len, isw_u128 v, unsigned s)
{
	uint64_t h1 =
	    isw_mix64(key ^ isw_mix64((uint64_t)v ^ isw_mix64((uint64_t)(v >> 64) + len)));
	uint64_t h2 = isw_mix64(h1 ^ 0x6a09e667f3bcc909ULL);
	isw_u128 iid = ((isw_u128)h2 << 64 | h1) & low_mask(s);

	/* All zero is the subnet-router anycast address: a router would answer for the subnet. */
	return iid ? iid : 1;
}

isw_u128 isw_subprefix6_addr(const struct isw_iid6 *iid, uint8_t len, isw_u128 v)
{
	unsigned s = 128u - len;

	if (iid->random)
		return shl(v, s) | random_iid(iid->key, len, v, s);
	return shl(v, s) | (iid->fixed & low_mask(s));
}

int isw_subprefix6_push(struct isw_subprefix6_set *s, uint8_t len, isw_u128 lo, isw_u128 hi)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct isw_subprefix6 *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (struct isw_subprefix6){.lo = lo, .hi = hi, .len = len};
	return 0;
}

void isw_subprefix6_free(struct isw_subprefix6_set *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* The end of a rewrite of s into out: on success out's segments take the place of s's, on
 * failure (rc < 0) out is dropped and s stays as it was. */
static int replace_with(struct isw_subprefix6_set *s, struct isw_subprefix6_set *out, int rc)
{
	if (rc < 0) {
		isw_subprefix6_free(out);
		return rc;
	}
	free(s->v);
	s->v = out->v; /* s's counts are its own */
	s->n = out->n;
	s->cap = out->cap;
	return 0;
}

static uint64_t seg_size(const struct isw_subprefix6 *g)
{
	return (uint64_t)(g->hi - g->lo) + 1;
}

/* The first number in [g->lo, g->hi + 1) whose address is >= a (g->hi + 1: none). */
static isw_u128 first_at_least(const struct isw_subprefix6 *g, const struct isw_iid6 *iid,
                               isw_u128 a)
{
	uint64_t n;

	ISW_PARTITION_POINT(uint64_t, n, 0, seg_size(g), i,
	                    isw_subprefix6_addr(iid, g->len, g->lo + i) < a);
	return g->lo + n;
}

uint64_t isw_subprefix6_below(const struct isw_subprefix6 *g, const struct isw_iid6 *iid,
                              isw_u128 a)
{
	return (uint64_t)(first_at_least(g, iid, a) - g->lo);
}

/* Each segment of s minus the addresses in b (sorted, merged) into out; the numbers taken
 * away are added to *removed. */
static int subtract(const struct isw_subprefix6_set *s, const struct isw_iid6 *iid,
                    const struct isw_range6 *b, size_t nb, struct isw_subprefix6_set *out,
                    uint64_t *removed)
{
	for (size_t i = 0; i < s->n; i++) {
		struct isw_subprefix6 g = s->v[i];
		isw_u128 top = isw_subprefix6_addr(iid, g.len, g.hi),
		         bottom = isw_subprefix6_addr(iid, g.len, g.lo);
		size_t lo;
		int alive = 1;

		/* The first range of b that ends at or after the segment's first address. */
		ISW_PARTITION_POINT(size_t, lo, 0, nb, k, b[k].hi < bottom);
		for (size_t k = lo; k < nb && b[k].lo <= top && alive; k++) {
			isw_u128 cut = first_at_least(&g, iid, b[k].lo);
			isw_u128 keep =
			    b[k].hi == U128_MAX ? g.hi + 1 : first_at_least(&g, iid, b[k].hi + 1);

			if (cut >= keep)
				continue; /* b[k] falls between two sub-prefixes' addresses */
			if (cut > g.lo && isw_subprefix6_push(out, g.len, g.lo, cut - 1) < 0)
				return -ENOMEM;
			*removed += (uint64_t)(keep - cut);
			if (keep > g.hi)
				alive = 0;
			else
				g.lo = keep;
		}
		if (alive && isw_subprefix6_push(out, g.len, g.lo, g.hi) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* s = s minus b. */
static int subtract_in_place(struct isw_subprefix6_set *s, const struct isw_iid6 *iid,
                             const struct isw_range6 *b, size_t nb, uint64_t *removed)
{
	struct isw_subprefix6_set out = {0};
	uint64_t dummy = 0;
	int rc;

	if (!nb || !s->n)
		return 0;
	rc = subtract(s, iid, b, nb, &out, removed ? removed : &dummy);
	return replace_with(s, &out, rc);
}

static int cmp_len_lo(const void *a, const void *b)
{
	const struct isw_subprefix6 *x = a, *y = b;

	if (x->len != y->len)
		return x->len > y->len ? -1 : 1; /* longest first: merge_cross wants them so */
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int cmp_first(const void *a, const void *b)
{
	const struct isw_subprefix6 *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* Sorts by (len, lo) and merges overlapping and adjacent numbers of one length. */
static void merge_same_len(struct isw_subprefix6_set *s)
{
	size_t w = 0;

	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_len_lo);
	for (size_t i = 1; i < s->n; i++) {
		struct isw_subprefix6 *p = &s->v[w];

		if (s->v[i].len == p->len && s->v[i].lo <= p->hi + 1) {
			if (s->v[i].hi > p->hi)
				p->hi = s->v[i].hi;
		} else {
			s->v[++w] = s->v[i];
		}
	}
	s->n = w + 1;
}

/* With a fixed identifier, the address a /len1 sub-prefix gets inside a longer /len2 one that
 * is swept too is exactly the address that /len2 gets (same low bits): every address of a
 * shorter segment inside the span of a longer one's sub-prefixes is a duplicate.  s is sorted
 * longest first; each shorter length loses what the longer ones cover. */
static int merge_cross_fixed(struct isw_subprefix6_set *s, const struct isw_iid6 *iid)
{
	struct isw_range6 *cover = malloc((s->n ? s->n : 1) * sizeof(*cover));
	struct isw_subprefix6_set out = {0};
	size_t ncover = 0;
	int rc = 0;

	if (!cover)
		return -ENOMEM;
	for (size_t i = 0, j; i < s->n && rc == 0; i = j) {
		struct isw_subprefix6_set group = {.v = s->v + i};
		unsigned sh = 128u - s->v[i].len;

		for (j = i; j < s->n && s->v[j].len == s->v[i].len; j++)
			;
		group.n = j - i;
		ncover = isw_range6_merge(cover, ncover);
		rc = subtract(&group, iid, cover, ncover, &out, &(uint64_t){0});
		for (size_t k = i; k < j; k++)
			cover[ncover++] = (struct isw_range6){shl(s->v[k].lo, sh),
			                                      shl(s->v[k].hi, sh) | low_mask(sh)};
	}
	free(cover);
	return replace_with(s, &out, rc);
}

static void describe(const struct isw_subprefix6 *g, const struct isw_iid6 *iid, char *buf)
{
	uint8_t b[16];
	isw_u128 v = shl(g->lo, 128u - g->len);

	(void)iid;
	for (int i = 15; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
	inet_ntop(AF_INET6, b, buf, INET6_ADDRSTRLEN);
	snprintf(buf + strlen(buf), 8, "/%u", g->len);
}

/* A fixed identifier wider than the host part of the longest sub-prefixes would lose its top
 * bits there, silently probing another address than the one asked for. */
static int check_fixed_iid(const struct isw_subprefix6_set *s, const struct isw_iid6 *iid,
                           char *errbuf)
{
	const struct isw_subprefix6 *longest = NULL;
	char given[INET6_ADDRSTRLEN], where[INET6_ADDRSTRLEN + 8];
	uint8_t b[16];
	isw_u128 v = iid->fixed;
	unsigned bits;

	for (size_t i = 0; i < s->n; i++)
		if (!longest || s->v[i].len > longest->len)
			longest = &s->v[i];
	if (iid->random || !longest || !(iid->fixed & ~low_mask(128u - longest->len)))
		return 0;
	bits = 128u - longest->len;
	for (int i = 15; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
	inet_ntop(AF_INET6, b, given, sizeof(given));
	describe(longest, iid, where);
	snprintf(errbuf, ISW_ERRBUF_SIZE,
	         "--iid '%s' does not fit the low %u bits that are the host part of a /%u "
	         "sub-prefix (the first is %s): give an identifier of at most %u bits, such as ::1",
	         given, bits, longest->len, where, bits);
	return -EINVAL;
}

int isw_subprefix6_finalize(struct isw_subprefix6_set *s, const struct isw_iid6 *iid,
                            const struct isw_range6 *exc, size_t nexc,
                            const struct isw_range6 *reserved, size_t nres,
                            const struct isw_range6 *plain, size_t nplain, uint64_t base,
                            char *errbuf)
{
	uint64_t dropped = 0;
	int rc = check_fixed_iid(s, iid, errbuf);

	if (rc < 0)
		return rc;
	merge_same_len(s);
	rc = subtract_in_place(s, iid, exc, nexc, NULL);
	if (rc == 0)
		rc = subtract_in_place(s, iid, reserved, nres, &dropped);
	if (rc == 0)
		rc = subtract_in_place(s, iid, plain, nplain, NULL);
	if (rc == 0 && !iid->random) {
		if (s->n) /* s->v is NULL without sub-prefix targets: qsort's pointer must not be */
			qsort(s->v, s->n, sizeof(*s->v), cmp_len_lo);
		rc = merge_cross_fixed(s, iid);
	}
	if (rc < 0)
		return rc;
	s->reserved_dropped = dropped;
	for (size_t i = 0; i < s->n; i++)
		s->v[i].first = isw_subprefix6_addr(iid, s->v[i].len, s->v[i].lo);
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_first);
	/* Segments of one length never overlap once merged; two lengths with a fixed identifier
	 * no longer do; two lengths with random identifiers may share an address. */
	for (size_t i = 1; i < s->n; i++) {
		const struct isw_subprefix6 *p = &s->v[i - 1];

		if (isw_subprefix6_addr(iid, p->len, p->hi) >= s->v[i].first) {
			char a[INET6_ADDRSTRLEN + 8], b[INET6_ADDRSTRLEN + 8];

			describe(p, iid, a);
			describe(&s->v[i], iid, b);
			snprintf(
			    errbuf, ISW_ERRBUF_SIZE,
			    "IPv6 sub-prefix sweeps of /%u (from %s) and /%u (from %s) overlap: "
			    "with --iid random one address could be probed twice; give a fixed "
			    "--iid or sweep them in separate runs",
			    p->len, a, s->v[i].len, b);
			return -EINVAL;
		}
	}
	s->count = 0;
	for (size_t i = 0; i < s->n; i++) {
		s->v[i].start = base + s->count;
		s->count += seg_size(&s->v[i]);
	}
	return 0;
}

isw_u128 isw_subprefix6_at(const struct isw_subprefix6_set *s, const struct isw_iid6 *iid,
                           uint64_t index)
{
	size_t lo;

	ISW_LAST_WHERE(lo, s->n, i, s->v[i].start <= index);
	return isw_subprefix6_addr(iid, s->v[lo].len, s->v[lo].lo + (index - s->v[lo].start));
}

int64_t isw_subprefix6_index(const struct isw_subprefix6_set *s, const struct isw_iid6 *iid,
                             isw_u128 a)
{
	size_t lo;
	const struct isw_subprefix6 *g;
	isw_u128 v;

	if (!s->n || a < s->v[0].first)
		return -1;
	ISW_LAST_WHERE(lo, s->n, i, s->v[i].first <= a);
	g = &s->v[lo];
	v = g->len ? a >> (128u - g->len) : 0;
	if (v < g->lo || v > g->hi || isw_subprefix6_addr(iid, g->len, v) != a)
		return -1;
	return (int64_t)(g->start + (uint64_t)(v - g->lo));
}
