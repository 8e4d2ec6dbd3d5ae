/* SPDX-License-Identifier: BSD-2-Clause */
/* Resolver stage: DNS queries (resolver thread) -- one try of a lookup sent to a server, its
 * answer or its loss, and the next try.
 *
 * Queries are plain ares_query PTR lookups (no hosts file, no search list) and answers are
 * parsed by dns-ptr.c so that any byte survives.
 */
#include <ares.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "aimd.h"
#include "dns-ptr.h"
#include "resolve-internal.h"

#define TYPE_PTR 12
#define CLASS_IN 1

/* The latest query of lk got no usable answer, or is late: the next try goes out if one is
 * left; the lookup fails once no try is left and nothing is in flight any more. */
static void no_answer(struct isw_resolver *r, struct isw_rlookup *lk)
{
	if (lk->done || lk->queued || lk->fresh)
		return;
	if (lk->tries < r->tries && !atomic_load_explicit(&r->stopping, memory_order_relaxed))
		isw_resolve_wait_push_head(r, lk);
	else if (!lk->outstanding)
		isw_resolve_finish_lookup(r, lk, (enum isw_lookup)lk->fail, NULL);
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct isw_rquery *q = arg;
	struct isw_rlookup *lk = q->lk;
	struct isw_resolver *r = lk->res;
	struct isw_rserver *sv = &r->servers[q->server];
	char name[ISW_DNS_NAME_MAX];
	uint64_t now = now_ns();
	int rc;

	isw_resolve_flight_remove(r, q);
	lk->outstanding--;
	if (!q->late)
		lk->fresh = 0;
	switch (status) {
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		if (lk->done)
			isw_resolve_lookup_release(lk);
		else
			isw_resolve_finish_lookup(r, lk, ISW_LOOKUP_TIMEOUT, NULL);
		free(q);
		return;
	case ARES_SUCCESS:
	case ARES_ENOTFOUND:
	case ARES_ENODATA:
	case ARES_ESERVFAIL:
	case ARES_EREFUSED:
	case ARES_EFORMERR:
	case ARES_ENOTIMP:
	case ARES_EBADRESP:
		isw_aimd_on_answer(&sv->aimd);
		isw_resolve_window_changed(sv);
		isw_resolve_rtt_sample(r, sv, now - q->sent_ns);
		ISW_INC(sv->answers);
		r->last_answer_ns = now;
		break;
	default: /* ARES_ETIMEOUT, ARES_ECONNREFUSED, ...: no answer */
		ISW_INC(sv->timeouts);
		/* A late query was counted as a loss when it became late. */
		if (!q->late && isw_aimd_on_timeout(&sv->aimd, q->seq))
			ISW_INC(sv->decreases);
		isw_resolve_window_changed(sv);
		free(q);
		if (lk->done)
			isw_resolve_lookup_release(lk);
		else
			no_answer(r, lk);
		return;
	}
	free(q);
	if (lk->done) {
		isw_resolve_lookup_release(lk); /* another try already answered */
		return;
	}
	switch (status) {
	case ARES_SUCCESS:
		rc = isw_dns_parse_ptr(abuf, alen > 0 ? (size_t)alen : 0, name, sizeof(name));
		if (rc == 0)
			isw_resolve_finish_lookup(r, lk, ISW_LOOKUP_OK, name);
		else if (rc == -ENOENT)
			isw_resolve_finish_lookup(r, lk, ISW_LOOKUP_NXDOMAIN, NULL);
		else
			isw_resolve_finish_lookup(r, lk, ISW_LOOKUP_SERVFAIL, NULL);
		break;
	case ARES_ENOTFOUND:
	case ARES_ENODATA:
		isw_resolve_finish_lookup(r, lk, ISW_LOOKUP_NXDOMAIN, NULL);
		break;
	default:
		/* A failing server: another one may know. */
		lk->fail = ISW_LOOKUP_SERVFAIL;
		if (r->nservers > 1)
			no_answer(r, lk);
		else
			isw_resolve_finish_lookup(r, lk, ISW_LOOKUP_SERVFAIL, NULL);
		break;
	}
}

/* Queries past their server's RTO become late: a loss for the server's window, and their
 * lookup may send its next try (to another server) while they stay in flight. */
void isw_resolve_check_late(struct isw_resolver *r, uint64_t now)
{
	for (unsigned i = 0; i < r->nservers; i++) {
		struct isw_rserver *sv = &r->servers[i];
		uint64_t rto = isw_resolve_rto_ns(r, sv);
		struct isw_rquery *q = sv->fl_head;

		while (q) {
			struct isw_rquery *next = q->next;
			if (q->late) {
				q = next;
				continue;
			}
			if (now - q->sent_ns < rto)
				break;
			q->late = 1;
			ISW_INC(sv->late);
			if (isw_aimd_on_timeout(&sv->aimd, q->seq))
				ISW_INC(sv->decreases);
			isw_resolve_window_changed(sv);
			q->lk->fresh = 0;
			no_answer(r, q->lk);
			q = next;
		}
	}
}

static void send_query(struct isw_resolver *r, struct isw_rlookup *lk, int s)
{
	struct isw_rserver *sv = &r->servers[s];
	struct isw_rquery *q = calloc(1, sizeof(*q));
	char qname[ISW_DNS_ARPA_MAX];
	uint64_t now = now_ns();

	if (!q) {
		no_answer(r, lk);
		return;
	}
	if (lk->tries)
		ISW_INC(r->retries);
	q->lk = lk;
	q->server = s;
	q->seq = isw_aimd_on_send(&sv->aimd);
	q->sent_ns = now;
	lk->last_server = s;
	if (!lk->first_ns) {
		lk->first_ns = now;
		lk->in_sent = 1;
		ISW_LIST_APPEND(r->sent_head, r->sent_tail, lk, sprev, snext);
	}
	lk->tries++;
	lk->outstanding++;
	lk->fresh = 1;
	isw_resolve_flight_add(r, q);
	ISW_INC(r->queries);
	ISW_INC(sv->queries);
	if (!ISW_GET(r->first_ns))
		atomic_store_explicit(&r->first_ns, now, memory_order_relaxed);
	isw_dns_arpa_name(&lk->addr, qname, sizeof(qname));
	/* May call on_answer before returning (e.g. a send error). */
	ares_query(sv->ch, qname, CLASS_IN, TYPE_PTR, on_answer, q);
}

void isw_resolve_dispatch(struct isw_resolver *r)
{
	while (r->wait_head && r->inflight < r->concurrency) {
		struct isw_rlookup *lk = r->wait_head;
		int s;
		if (lk->done) { /* answered by an earlier try meanwhile */
			isw_resolve_lookup_release(isw_resolve_wait_pop(r));
			continue;
		}
		s = isw_resolve_pick_server(r, lk->last_server);
		if (s < 0)
			break;
		send_query(r, isw_resolve_wait_pop(r), s);
	}
}
