/* SPDX-License-Identifier: BSD-2-Clause */
/* Resolver stage: per-server pacing (resolver thread) -- each server's queries in flight, its
 * round-trip estimate and retransmission timeout, its AIMD window, and the choice of server. */
#include <stdatomic.h>
#include <stdint.h>

#include "aimd.h"
#include "resolve-internal.h"

/* Retransmission timeout bounds (the values unbound uses): before the first answer a query
 * is late after 376 ms, later after srtt + 4 * rttvar, never under 50 ms; never past the
 * query's timeout. */
#define RTO_INITIAL_NS 376000000ull
#define RTO_MIN_NS     50000000ull

void isw_resolve_flight_add(struct isw_resolver *r, struct isw_rquery *q)
{
	struct isw_rserver *sv = &r->servers[q->server];

	q->next = NULL;
	q->prev = sv->fl_tail;
	if (sv->fl_tail)
		sv->fl_tail->next = q;
	else
		sv->fl_head = q;
	sv->fl_tail = q;
	sv->inflight++;
	r->inflight++;
	ISW_INC(r->in_flight);
}

void isw_resolve_flight_remove(struct isw_resolver *r, struct isw_rquery *q)
{
	struct isw_rserver *sv = &r->servers[q->server];

	if (q->prev)
		q->prev->next = q->next;
	else
		sv->fl_head = q->next;
	if (q->next)
		q->next->prev = q->prev;
	else
		sv->fl_tail = q->prev;
	sv->inflight--;
	r->inflight--;
	ISW_DEC(r->in_flight);
}

uint64_t isw_resolve_rto_ns(const struct isw_resolver *r, const struct isw_rserver *sv)
{
	double rto = sv->have_rtt ? sv->srtt + 4 * sv->rttvar : (double)RTO_INITIAL_NS;

	if (rto < (double)RTO_MIN_NS)
		rto = (double)RTO_MIN_NS;
	if (rto > (double)r->timeout_ns)
		rto = (double)r->timeout_ns;
	return (uint64_t)rto;
}

void isw_resolve_rtt_sample(const struct isw_resolver *r, struct isw_rserver *sv, uint64_t rtt_ns)
{
	double rtt = (double)rtt_ns;

	if (!sv->have_rtt) {
		sv->srtt = rtt;
		sv->rttvar = rtt / 2;
		sv->have_rtt = 1;
	} else {
		double d = sv->srtt > rtt ? sv->srtt - rtt : rtt - sv->srtt;
		sv->rttvar = 0.75 * sv->rttvar + 0.25 * d;
		sv->srtt = 0.875 * sv->srtt + 0.125 * rtt;
	}
	atomic_store_explicit(&sv->rto_ms, (unsigned)(isw_resolve_rto_ns(r, sv) / 1000000u),
	                      memory_order_relaxed);
}

void isw_resolve_window_changed(struct isw_rserver *sv)
{
	atomic_store_explicit(&sv->window, isw_aimd_limit(&sv->aimd), memory_order_relaxed);
}

/* The server with the most free room under its window, another than avoid if possible. */
int isw_resolve_pick_server(struct isw_resolver *r, int avoid)
{
	int best = -1, best_avoid = -1;
	long room_best = 0;

	for (unsigned i = 0; i < r->nservers; i++) {
		struct isw_rserver *sv = &r->servers[i];
		long room = (long)isw_aimd_limit(&sv->aimd) - (long)sv->inflight;
		if (room <= 0)
			continue;
		if ((int)i == avoid)
			best_avoid = (int)i;
		else if (room > room_best) {
			room_best = room;
			best = (int)i;
		}
	}
	return best >= 0 ? best : best_avoid;
}
