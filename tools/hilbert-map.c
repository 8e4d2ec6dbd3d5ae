/* SPDX-License-Identifier: BSD-2-Clause */
/* The map's model: the view and its cells, the counts a sweep adds to them, and the colour
 * each cell gets.  Drawing is tools/map-render.c. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hilbert-map.h"
#include "icmpsweep/error.h"
#include "viridis.h"

/* Median RTTs from a histogram per cell: half-octave buckets from 2^-7 ms (8 us) up to 2^13
 * ms (8 s), the ends open.  Exact enough for a colour on a log scale, and bounded. */
#define RTT_BUCKETS   40
#define RTT_MIN_LOG2  (-7.0)
#define RTT_PER_OCTAV 2.0

struct hilbert_map {
	const isw_targets *targets;
	struct map_geometry g;
	enum map_by by;
	uint32_t ncells;
	uint32_t *swept, *alive;
	uint16_t (*rtt)[RTT_BUCKETS]; /* MAP_BY_RTT only */
	uint64_t swept_total, alive_total;
	uint64_t left_out_v6; /* IPv6 hosts up: the curve covers IPv4 space only */
};

/* The smallest aligned block of an even number of bits holding [lo, hi], and cells of at
 * most MAP_MAX_ORDER a side: one address per cell while that fits, else blocks of an even
 * number of bits so that the grid stays square. */
static void view_of(uint32_t lo, uint32_t hi, struct map_geometry *g)
{
	unsigned bits = lo == hi ? 0 : 32 - (unsigned)__builtin_clz(lo ^ hi);

	bits += bits & 1;
	g->prefix = 32 - bits;
	g->base = bits == 32 ? 0 : lo & ~((UINT32_C(1) << bits) - 1);
	g->cell_bits = bits > 2 * MAP_MAX_ORDER ? bits - 2 * MAP_MAX_ORDER : 0;
	g->order = (bits - g->cell_bits) / 2;
}

/* Each range adds its addresses to the cells it covers: work in ranges plus cells, never in
 * addresses (0.0.0.0/0 is one range over 65536 cells). */
static void count_targets(hilbert_map *m)
{
	size_t n = isw_targets_nranges(m->targets);

	for (size_t i = 0; i < n; i++) {
		uint32_t lo, hi;

		isw_targets_range(m->targets, i, &lo, &hi);
		uint64_t off = lo - m->g.base, end = (uint64_t)(hi - m->g.base) + 1;
		while (off < end) {
			uint64_t cell = off >> m->g.cell_bits;
			uint64_t next = (cell + 1) << m->g.cell_bits;

			if (next > end)
				next = end;
			m->swept[cell] += (uint32_t)(next - off);
			off = next;
		}
	}
	for (uint32_t d = 0; d < m->ncells; d++)
		m->swept_total += m->swept[d];
}

int map_new(hilbert_map **out, const isw_targets *targets, const struct map_options *opt,
            char *errbuf)
{
	hilbert_map *m;
	uint32_t lo, hi, unused;
	size_t nr = isw_targets_nranges(targets);

	*out = NULL;
	if (!nr) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "the map needs targets: there are none");
		return -EINVAL;
	}
	if (!(m = calloc(1, sizeof(*m))))
		goto nomem;
	m->targets = targets;
	m->by = opt->by;
	isw_targets_range(targets, 0, &lo, &unused);
	isw_targets_range(targets, nr - 1, &unused, &hi);
	view_of(lo, hi, &m->g);
	m->ncells = UINT32_C(1) << (2 * m->g.order);
	m->swept = calloc(m->ncells, sizeof(*m->swept));
	m->alive = calloc(m->ncells, sizeof(*m->alive));
	if (!m->swept || !m->alive)
		goto nomem;
	if (m->by == MAP_BY_RTT && !(m->rtt = calloc(m->ncells, sizeof(*m->rtt))))
		goto nomem;
	count_targets(m);
	*out = m;
	return 0;
nomem:
	map_free(m);
	snprintf(errbuf, ISW_ERRBUF_SIZE, "out of memory for the map");
	return -ENOMEM;
}

void map_free(hilbert_map *m)
{
	if (!m)
		return;
	free(m->swept);
	free(m->alive);
	free(m->rtt);
	free(m);
}

static unsigned rtt_bucket(double ms)
{
	double b;

	if (!(ms > 0))
		return 0;
	b = (log2(ms) - RTT_MIN_LOG2) * RTT_PER_OCTAV;
	return b <= 0 ? 0 : b >= RTT_BUCKETS - 1 ? RTT_BUCKETS - 1 : (unsigned)b;
}

/* The bucket's middle on the log scale. */
static double rtt_bucket_ms(unsigned b)
{
	return exp2(RTT_MIN_LOG2 + (b + 0.5) / RTT_PER_OCTAV);
}

int map_put(void *arg, const struct isw_result *r)
{
	hilbert_map *m = arg;
	uint32_t d;

	if (r->type != ISW_RESULT_ECHO_REPLY && !isw_result_is_neigh_only(r->type))
		return 0;
	if (!isw_addr_is_v4(&r->addr)) {
		m->left_out_v6++;
		return 0;
	}
	/* Every IPv4 target lies in the view. */
	if (isw_targets_index(m->targets, isw_addr_v4(&r->addr)) < 0)
		return 0;
	d = (isw_addr_v4(&r->addr) - m->g.base) >> m->g.cell_bits;
	m->alive[d]++;
	m->alive_total++;
	if (m->rtt && r->rtt_ms >= 0) {
		uint16_t *h = &m->rtt[d][rtt_bucket(r->rtt_ms)];

		if (*h < UINT16_MAX)
			(*h)++;
	}
	return 0;
}

void map_get_geometry(const hilbert_map *m, struct map_geometry *g)
{
	*g = m->g;
}

void map_get_cell(const hilbert_map *m, uint32_t d, struct map_cell *c)
{
	uint32_t n = 0, seen = 0;

	c->swept = m->swept[d];
	c->alive = m->alive[d];
	c->rtt_ms = -1;
	if (!m->rtt)
		return;
	for (unsigned b = 0; b < RTT_BUCKETS; b++)
		n += m->rtt[d][b];
	/* The lower median: the bucket holding the ceil(n/2)-th value. */
	for (unsigned b = 0; n && b < RTT_BUCKETS; b++) {
		seen += m->rtt[d][b];
		if (2 * seen >= n) {
			c->rtt_ms = rtt_bucket_ms(b);
			return;
		}
	}
}

uint64_t map_swept_total(const hilbert_map *m)
{
	return m->swept_total;
}

uint64_t map_alive_total(const hilbert_map *m)
{
	return m->alive_total;
}

uint64_t map_left_out_v6(const hilbert_map *m)
{
	return m->left_out_v6;
}

enum map_by map_get_by(const hilbert_map *m)
{
	return m->by;
}

int map_rtt_range(const hilbert_map *m, double *lo, double *hi)
{
	double min = INFINITY, max = 0;
	struct map_cell c;

	for (uint32_t d = 0; m->rtt && d < m->ncells; d++) {
		map_get_cell(m, d, &c);
		if (c.rtt_ms < 0)
			continue;
		if (c.rtt_ms < min)
			min = c.rtt_ms;
		if (c.rtt_ms > max)
			max = c.rtt_ms;
	}
	if (!(max > 0)) {
		*lo = 0.1;
		*hi = 1;
		return 0;
	}
	*lo = pow(10, floor(log10(min)));
	*hi = pow(10, ceil(log10(max)));
	if (*hi <= *lo)
		*hi = *lo * 10;
	return 1;
}

uint32_t map_share_rgb(uint32_t swept, uint32_t alive)
{
	if (!swept)
		return MAP_RGB_NOT_SWEPT;
	if (!alive)
		return MAP_RGB_NONE;
	return viridis_rgb(alive >= swept ? 1.0 : (double)alive / swept);
}

uint32_t map_rtt_rgb(double rtt_ms, double lo, double hi)
{
	if (rtt_ms < 0)
		return MAP_RGB_NO_RTT;
	return viridis_rgb((log10(rtt_ms) - log10(lo)) / (log10(hi) - log10(lo)));
}

uint32_t map_cell_rgb(const hilbert_map *m, const struct map_cell *c, double lo, double hi)
{
	if (!c->swept || !c->alive || m->by == MAP_BY_ALIVE)
		return map_share_rgb(c->swept, c->alive);
	return map_rtt_rgb(c->rtt_ms, lo, hi);
}
