/* SPDX-License-Identifier: BSD-2-Clause */
/* Routes per IPv6 target (route6-map.h): the IPv6 targets cut where routes may change, one
 * lookup per piece, runs of target indices sharing a hop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/addr.h"
#include "icmpsweep/error.h"
#include "netlink.h"
#include "route6-map.h"
#include "route-bounds.h"
#include "targets6.h"

/* IPv6 targets [k, k + count) take hop; runs of one hop are one entry. */
static int add_run(struct isw_route6_map *m, uint64_t k, uint64_t count, uint32_t hop)
{
	m->hop[hop].count += count;
	if (m->n && m->hops[m->n - 1] == hop)
		return 0;
	if (m->n == m->cap) {
		size_t c = m->cap ? m->cap * 2 : 64;
		uint64_t *f = realloc(m->first, c * sizeof(*f));

		if (!f)
			return -ENOMEM;
		m->first = f;
		uint32_t *h = realloc(m->hops, c * sizeof(*h));
		if (!h)
			return -ENOMEM;
		m->hops = h;
		m->cap = c;
	}
	m->first[m->n] = k;
	m->hops[m->n++] = hop;
	return 0;
}

int isw_route6_map_build(struct isw_route6_map *m, const isw_targets *targets, int oif,
                         char *errbuf)
{
	size_t nr = isw_targets_nruns_v6(targets), nb = 0, bi = 0;
	uint64_t base = isw_targets_count(targets) - isw_targets_count_v6(targets);
	isw_u128 *b = NULL, prev_hi = 0;
	/* Between two boundaries every address has the same answer (as in route-map.c). */
	int64_t cell = -1;
	uint32_t cell_hop = 0;
	struct isw_nl nl;
	int rc;

	memset(m, 0, sizeof(*m));
	rc = isw_route6_boundaries(&b, &nb);
	if (rc < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "reading the IPv6 routing table: %s",
		         strerror(-rc));
		return rc;
	}
	rc = isw_nl_open(&nl, NETLINK_ROUTE);
	if (rc < 0) {
		free(b);
		snprintf(errbuf, ISW_ERRBUF_SIZE, "rtnetlink: %s", strerror(-rc));
		return rc;
	}
	for (size_t i = 0; i < nr && rc == 0; i++) {
		struct isw_targets_run6 run;
		uint64_t done = 0;
		isw_u128 lo, hi;

		/* A run's addresses grow with its indices, but a sub-prefix sweep's are not
		 * consecutive: a boundary cuts it where isw_targets_run_v6_below says. */
		isw_targets_run_v6(targets, i, &run);
		lo = isw_u128_from_bytes(run.lo);
		hi = isw_u128_from_bytes(run.hi);
		/* The sub-prefix runs start again from low addresses after the plain ranges. */
		if (i && lo <= prev_hi) {
			bi = 0;
			cell = -1;
		}
		prev_hi = hi;
		while (bi < nb && b[bi] <= lo)
			bi++;
		for (;;) {
			uint64_t upto = run.count;
			struct isw_hop h;

			if (bi < nb && b[bi] <= hi) {
				uint8_t b8[16];

				isw_u128_to_bytes(b[bi], b8);
				upto = isw_targets_run_v6_below(targets, i, b8);
			}
			if (upto > done && (int64_t)bi != cell) {
				struct isw_addr a =
				    isw_targets_at_addr(targets, base + run.first + done);

				rc = isw_hop_classify(&nl, &a, oif, &h, errbuf);
				if (rc == 0)
					rc = isw_hop_intern(&m->hop, &m->nhops, &h, &cell_hop);
				if (rc < 0)
					break;
				cell = (int64_t)bi;
			}
			if (upto > done)
				rc = add_run(m, run.first + done, upto - done, cell_hop);
			done = upto;
			if (rc < 0 || done == run.count)
				break;
			bi++;
		}
	}
	isw_nl_close(&nl);
	free(b);
	if (rc == -ENOMEM)
		snprintf(errbuf, ISW_ERRBUF_SIZE, "out of memory for the IPv6 route map");
	if (rc < 0)
		isw_route6_map_free(m);
	return rc;
}

void isw_route6_map_free(struct isw_route6_map *m)
{
	free(m->first);
	free(m->hops);
	free(m->hop);
	free(m->onlink);
	memset(m, 0, sizeof(*m));
}

/* IPv6 targets [k0, k1] (consecutive indices need not be adjacent addresses) as text: one
 * address, or "first-last". */
static void run_str(const isw_targets *t, uint64_t k0, uint64_t k1, char *buf, size_t size)
{
	uint64_t base = isw_targets_count(t) - isw_targets_count_v6(t);
	struct isw_addr a = isw_targets_at_addr(t, base + k0),
	                z = isw_targets_at_addr(t, base + k1);
	char x[ISW_ADDR_TEXT_MAX], y[ISW_ADDR_TEXT_MAX];

	if (k0 == k1)
		snprintf(buf, size, "%s", isw_addr_format(&a, x));
	else
		snprintf(buf, size, "%s-%s", isw_addr_format(&a, x), isw_addr_format(&z, y));
}

void isw_route6_map_describe(const struct isw_route6_map *m, const isw_targets *targets,
                             int (*want)(const struct isw_hop *h, const void *arg), const void *arg,
                             const char *(*label)(const struct isw_hop *h), char *buf, size_t size)
{
	uint64_t n6 = isw_targets_count_v6(targets);
	struct isw_hop_list l;

	isw_hop_list_start(&l, buf, size);
	for (size_t i = 0; i < m->n; i++) {
		const struct isw_hop *h = &m->hop[m->hops[i]];
		uint64_t last = i + 1 < m->n ? m->first[i + 1] - 1 : n6 - 1;
		char r[2 * ISW_ADDR_TEXT_MAX + 2];

		if (!want(h, arg) || !isw_hop_list_next(&l))
			continue;
		run_str(targets, m->first[i], last, r, sizeof(r));
		isw_hop_list_add(&l, r, label ? label(h) : NULL);
	}
	isw_hop_list_end(&l);
}
