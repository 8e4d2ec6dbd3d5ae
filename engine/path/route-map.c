/* SPDX-License-Identifier: BSD-2-Clause */
/* Routes per target (route-map.h): the target set cut where routes may change, one lookup per
 * piece. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/addr.h"
#include "icmpsweep/error.h"
#include "netlink.h"
#include "route-map.h"
#include "route-bounds.h"

static int add_seg(struct isw_route_map *m, size_t *cap, uint32_t lo, uint32_t hi, uint32_t hop)
{
	struct isw_route_seg *last = m->nsegs ? &m->segs[m->nsegs - 1] : NULL;

	m->hop[hop].count += (uint64_t)hi - lo + 1;
	if (last && last->hop == hop && (uint64_t)last->hi + 1 == lo) {
		last->hi = hi;
		return 0;
	}
	if (m->nsegs == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		struct isw_route_seg *v = realloc(m->segs, c * sizeof(*v));
		if (!v)
			return -ENOMEM;
		m->segs = v;
		*cap = c;
	}
	m->segs[m->nsegs++] = (struct isw_route_seg){lo, hi, hop};
	return 0;
}

/* The lookup table: segments merged across the gaps between targets. */
static int build_table(struct isw_route_map *m)
{
	m->lo = malloc((m->nsegs ? m->nsegs : 1) * sizeof(*m->lo));
	m->hops = malloc((m->nsegs ? m->nsegs : 1) * sizeof(*m->hops));
	if (!m->lo || !m->hops)
		return -ENOMEM;
	for (size_t i = 0; i < m->nsegs; i++) {
		if (m->n && m->hops[m->n - 1] == m->segs[i].hop)
			continue;
		m->lo[m->n] = m->segs[i].lo;
		m->hops[m->n++] = m->segs[i].hop;
	}
	return 0;
}

int isw_route_map_build(struct isw_route_map *m, const isw_targets *targets, int oif, char *errbuf)
{
	size_t nr = isw_targets_nranges(targets), nb = 0, bi = 0, cap = 0;
	uint32_t *b = NULL;
	/* Between two boundaries every address has the same answer: the cell of the last
	 * lookup, and its hop, serve every target range in it. */
	int64_t cell = -1;
	uint32_t cell_hop = 0;
	struct isw_nl nl;
	int rc;

	memset(m, 0, sizeof(*m));
	rc = isw_route_boundaries(&b, &nb);
	if (rc < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "reading the routing table: %s", strerror(-rc));
		return rc;
	}
	rc = isw_nl_open(&nl, NETLINK_ROUTE);
	if (rc < 0) {
		free(b);
		snprintf(errbuf, ISW_ERRBUF_SIZE, "rtnetlink: %s", strerror(-rc));
		return rc;
	}
	for (size_t i = 0; i < nr && rc == 0; i++) {
		uint32_t lo, hi, a;

		isw_targets_range(targets, i, &lo, &hi);
		/* The cell of lo: the number of boundaries at or below it. */
		while (bi < nb && b[bi] <= lo)
			bi++;
		for (a = lo;;) {
			uint32_t end = bi < nb && b[bi] <= hi ? b[bi] - 1 : hi;
			struct isw_hop h;

			if ((int64_t)bi != cell) {
				struct isw_addr dst = isw_addr_from_v4(a);

				rc = isw_hop_classify(&nl, &dst, oif, &h, errbuf);
				if (rc == 0)
					rc = isw_hop_intern(&m->hop, &m->nhops, &h, &cell_hop);
				if (rc < 0)
					break;
				cell = (int64_t)bi;
			}
			rc = add_seg(m, &cap, a, end, cell_hop);
			if (rc < 0 || end == hi)
				break;
			a = end + 1;
			bi++;
		}
	}
	isw_nl_close(&nl);
	free(b);
	if (rc == 0)
		rc = build_table(m);
	if (rc == -ENOMEM)
		snprintf(errbuf, ISW_ERRBUF_SIZE, "out of memory for the route map");
	if (rc < 0)
		isw_route_map_free(m);
	return rc;
}

void isw_route_map_free(struct isw_route_map *m)
{
	free(m->segs);
	free(m->lo);
	free(m->hops);
	free(m->hop);
	memset(m, 0, sizeof(*m));
}

/* [lo, hi] as a CIDR block when it is one, else as a range. */
static void range_str(uint32_t lo, uint32_t hi, char *buf, size_t size)
{
	char a[ISW_ADDR_STRLEN], z[ISW_ADDR_STRLEN];
	uint64_t n = (uint64_t)hi - lo + 1;
	unsigned len = 32;

	while (len > 0 && (1ULL << (32 - len)) < n)
		len--;
	if (lo == hi)
		snprintf(buf, size, "%s", isw_addr_str(lo, a));
	else if ((1ULL << (32 - len)) == n && (lo & (uint32_t)(n - 1)) == 0)
		snprintf(buf, size, "%s/%u", isw_addr_str(lo, a), len);
	else
		snprintf(buf, size, "%s-%s", isw_addr_str(lo, a), isw_addr_str(hi, z));
}

void isw_route_map_describe(const struct isw_route_map *m,
                            int (*want)(const struct isw_hop *h, const void *arg), const void *arg,
                            const char *(*label)(const struct isw_hop *h), char *buf, size_t size)
{
	struct isw_hop_list l;

	isw_hop_list_start(&l, buf, size);
	for (size_t i = 0; i < m->nsegs; i++) {
		const struct isw_route_seg *g = &m->segs[i];
		const struct isw_hop *h = &m->hop[g->hop];
		uint32_t hi = g->hi;
		char r[40];

		if (!want(h, arg))
			continue;
		/* Adjacent segments of one kind (a blackhole next to a prohibit) read as one. */
		while (i + 1 < m->nsegs && (uint64_t)hi + 1 == m->segs[i + 1].lo &&
		       want(&m->hop[m->segs[i + 1].hop], arg) &&
		       (!label || !strcmp(label(h), label(&m->hop[m->segs[i + 1].hop]))))
			hi = m->segs[++i].hi;
		if (!isw_hop_list_next(&l))
			continue;
		range_str(g->lo, hi, r, sizeof(r));
		isw_hop_list_add(&l, r, label ? label(h) : NULL);
	}
	isw_hop_list_end(&l);
}
