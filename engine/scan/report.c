/* SPDX-License-Identifier: BSD-2-Clause */
/* The one reporting path of report.h: dedupe, annotation, counting, arp-only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "addr-map.h"

/* The kinds already reported per address, offline (a trace has no target list): KIND_ECHO,
 * KIND_ERROR bits in a byte of the address map. */
#define KIND_ECHO  1u
#define KIND_ERROR 2u

struct isw_report_keyed {
	struct isw_addr_map map; /* of uint8_t */
};

/* 1 if addr was reported as kind, else marks it and returns 0; -ENOMEM. */
static int keyed_test_and_set(struct isw_report_keyed *s, const struct isw_addr *addr, uint8_t kind)
{
	int created;
	uint8_t *kinds = isw_addr_map_insert(&s->map, addr, &created);

	if (!kinds)
		return -ENOMEM;
	if (*kinds & kind)
		return 1;
	*kinds |= kind;
	return 0;
}

static int keyed_test(const struct isw_report_keyed *s, const struct isw_addr *addr, uint8_t kind)
{
	const uint8_t *kinds = isw_addr_map_find(&s->map, addr);

	return kinds && (*kinds & kind);
}

static uint8_t keyed_kind(int error)
{
	return error ? KIND_ERROR : KIND_ECHO;
}

/* Whether addr was reported as the kind (error: ICMP error, else echo reply) and, for
 * seen_test_and_set, marks it so.  idx is addr's slot (live; -1 offline). */
static int seen_test_and_set(struct isw_report *rep, const struct isw_addr *addr, int64_t idx,
                             int error)
{
	if (rep->keyed)
		return keyed_test_and_set(rep->keyed, addr, keyed_kind(error));
	return isw_bitmap_test_and_set(error ? rep->errored : rep->alive, (uint64_t)idx);
}

/* -1 when addr is none of the targets (live), so never reported. */
static int seen_test(const struct isw_report *rep, const struct isw_addr *addr, int error)
{
	int64_t idx;

	if (rep->keyed)
		return keyed_test(rep->keyed, addr, keyed_kind(error));
	idx = isw_targets_index_addr(rep->targets, addr);
	if (idx < 0 || (idx = isw_shard_slot(rep->shard, (uint64_t)idx)) < 0)
		return -1;
	return isw_bitmap_test(error ? rep->errored : rep->alive, (uint64_t)idx);
}

static void count(atomic_uint_least64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static struct isw_report_keyed *keyed_new(size_t cap)
{
	struct isw_report_keyed *k = calloc(1, sizeof(*k));

	if (k && isw_addr_map_init(&k->map, sizeof(uint8_t), cap) < 0) {
		free(k);
		return NULL;
	}
	return k;
}

static void keyed_free(struct isw_report_keyed *k)
{
	if (k)
		isw_addr_map_free(&k->map);
	free(k);
}

void isw_report_init_indexed(struct isw_report *rep, const isw_targets *targets,
                             const struct isw_shard *shard, struct isw_bitmap *alive,
                             struct isw_bitmap *errored, const struct isw_arp_view *arp,
                             struct isw_report_counters count, isw_sink_fn sink, void *sink_arg)
{
	*rep = (struct isw_report){.targets = targets,
	                           .shard = shard,
	                           .alive = alive,
	                           .errored = errored,
	                           .count = count,
	                           .sink = sink,
	                           .sink_arg = sink_arg};
	isw_report_add_view(rep, arp);
}

void isw_report_add_view(struct isw_report *rep, const struct isw_arp_view *v)
{
	if (v && rep->nviews < ISW_REPORT_VIEWS)
		rep->views[rep->nviews++] = v;
}

int isw_report_init_keyed(struct isw_report *rep, const struct isw_arp_view *arp,
                          struct isw_report_counters count, isw_sink_fn sink, void *sink_arg)
{
	*rep = (struct isw_report){.count = count, .sink = sink, .sink_arg = sink_arg};
	isw_report_add_view(rep, arp);
	/* A trace holds at most a few million answers: start small, grow by doubling. */
	rep->keyed = keyed_new(512);
	return rep->keyed ? 0 : -ENOMEM;
}

void isw_report_free(struct isw_report *rep)
{
	keyed_free(rep->keyed);
	keyed_free(rep->extra);
	rep->keyed = rep->extra = NULL;
}

int isw_report_extra(struct isw_report *rep, struct isw_result *r)
{
	int seen;

	/* The hosts of one link: a small set, made when the first answers. */
	if (!rep->extra && !(rep->extra = keyed_new(64)))
		return -ENOMEM;
	seen = keyed_test_and_set(rep->extra, &r->addr, KIND_ECHO);
	if (seen < 0)
		return seen;
	if (seen) {
		count(rep->count.duplicates);
		return ISW_REPORT_DUPLICATE;
	}
	count(rep->count.hits);
	rep->sink(r, rep->sink_arg);
	return ISW_REPORT_NEW;
}

int isw_report_answer(struct isw_report *rep, struct isw_result *r, int64_t idx)
{
	int error = r->type != ISW_RESULT_ECHO_REPLY;
	int seen = seen_test_and_set(rep, &r->addr, idx, error);

	if (seen < 0)
		return seen;
	if (seen) {
		count(rep->count.duplicates);
		return ISW_REPORT_DUPLICATE;
	}
	count(error ? rep->count.icmp_errors : rep->count.hits);
	/* Each view knows its own neighbours: the first with a word for the address says it. */
	for (unsigned k = 0; k < rep->nviews; k++) {
		uint64_t w = isw_arp_view_word(rep->views[k], &r->addr);

		if (w) {
			isw_arp_view_annotate(rep->views[k], w, r);
			break;
		}
	}
	rep->sink(r, rep->sink_arg);
	return ISW_REPORT_NEW;
}

struct arp_only {
	struct isw_addr addr;
	uint64_t slot;
};

static int cmp_addr(const void *a, const void *b)
{
	return isw_addr_cmp(&((const struct arp_only *)a)->addr,
	                    &((const struct arp_only *)b)->addr);
}

/* An IPv4 host seen by ARP alone is arp-only, an IPv6 one seen by NDP alone ndp-only. */
static void report_arp_only(struct isw_report *rep, const struct isw_arp_view *v,
                            const struct isw_addr *addr, uint64_t slot, uint64_t w, int64_t ts_us)
{
	struct isw_result r;

	memset(&r, 0, sizeof(r));
	r.addr = r.responder = *addr;
	r.type = isw_addr_is_v4(addr) ? ISW_RESULT_ARP_ONLY : ISW_RESULT_NDP_ONLY;
	if (isw_addr_is_link_local(addr))
		r.scope_id = rep->scope6;
	r.rtt_ms = -1;
	r.ts_us = v->ops->learnt_us ? v->ops->learnt_us(v->ctx, slot) : ts_us;
	isw_arp_view_annotate(v, w, &r);
	count(r.type == ISW_RESULT_NDP_ONLY && rep->count.ndp_only ? rep->count.ndp_only
	                                                           : rep->count.arp_only);
	rep->sink(&r, rep->sink_arg);
}

/* The word of v's slot when its address is to be reported arp-only, else 0. */
static uint64_t arp_only_word(const struct isw_report *rep, const struct isw_arp_view *v,
                              uint64_t slot, struct isw_addr *addr)
{
	uint64_t w = atomic_load_explicit(v->ops->word(v->ctx, slot), memory_order_relaxed);

	if (!(w & ISW_ARP_KNOWN))
		return 0;
	*addr = v->ops->addr(v->ctx, slot);
	return seen_test(rep, addr, 0) == 0 ? w : 0;
}

static uint64_t report_view_only(struct isw_report *rep, const struct isw_arp_view *v,
                                 int64_t ts_us, atomic_int *stop)
{
	uint64_t nslots, n = 0, cap, done = 0;
	struct arp_only *list;
	struct isw_addr addr;

	if (!v->ops)
		return 0;
	nslots = v->ops->slots(v->ctx);
	for (uint64_t i = 0; i < nslots; i++)
		n += arp_only_word(rep, v, i, &addr) != 0;
	cap = n;
	list = n ? malloc(n * sizeof(*list)) : NULL;
	if (!list) {
		/* No memory to sort: report them all the same, in slot order. */
		for (uint64_t i = 0; i < nslots && !(stop && atomic_load(stop)); i++) {
			uint64_t w = arp_only_word(rep, v, i, &addr);
			if (w) {
				report_arp_only(rep, v, &addr, i, w, ts_us);
				done++;
			}
		}
		return done;
	}
	n = 0;
	for (uint64_t i = 0; i < nslots && n < cap; i++)
		if (arp_only_word(rep, v, i, &addr))
			list[n++] = (struct arp_only){addr, i};
	qsort(list, n, sizeof(*list), cmp_addr);
	for (uint64_t k = 0; k < n && !(stop && atomic_load(stop)); k++) {
		uint64_t w =
		    atomic_load_explicit(v->ops->word(v->ctx, list[k].slot), memory_order_relaxed);
		report_arp_only(rep, v, &list[k].addr, list[k].slot, w, ts_us);
		done++;
	}
	free(list);
	return done;
}

uint64_t isw_report_arp_only(struct isw_report *rep, int64_t ts_us, atomic_int *stop)
{
	uint64_t done = 0;

	if (rep->arp_only_done)
		return 0;
	rep->arp_only_done = 1;
	for (unsigned k = 0; k < rep->nviews; k++)
		done += report_view_only(rep, rep->views[k], ts_us, stop);
	return done;
}
