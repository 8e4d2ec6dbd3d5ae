/* SPDX-License-Identifier: BSD-2-Clause */
/* Resolver stage: lookups (resolver thread) -- results taken off the queue and joined to the
 * lookup of their address, the waiting FIFO, a lookup's end and its bounds. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resolve-internal.h"
#include "spsc-queue.h"

#define INTAKE_BATCH 1024

void isw_resolve_free_lookup(struct isw_rlookup *lk)
{
	struct waiter *w = lk->waiters;

	while (w) {
		struct waiter *next = w->next;
		free(w);
		w = next;
	}
	free(lk);
}

static void emit(struct isw_resolver *r, const struct isw_result *in, enum isw_lookup outcome,
                 const char *name)
{
	struct isw_result out = *in;

	out.hostname = name;
	out.lookup = outcome;
	r->fn(&out, r->arg);
	ISW_INC(r->written);
}

/* Frees lk once nothing refers to it any more. */
void isw_resolve_lookup_release(struct isw_rlookup *lk)
{
	if (lk->done && !lk->outstanding && !lk->queued)
		isw_resolve_free_lookup(lk);
}

/* Writes every waiting result with the outcome and caches it.  Queries of lk still in flight
 * are left to end (their callbacks only release lk). */
void isw_resolve_finish_lookup(struct isw_resolver *r, struct isw_rlookup *lk,
                               enum isw_lookup outcome, const char *name)
{
	int created;
	struct centry *e = isw_resolve_cache_get(r, &lk->addr, &created);
	const char *kept = NULL;

	if (e) {
		e->lk = NULL;
		e->outcome = (uint8_t)outcome;
		/* No memory for the name: later hits must not read "OK" without one. */
		if (name && !(e->name = strdup(name)))
			e->outcome = ISW_LOOKUP_TIMEOUT;
		kept = e->name;
	}
	for (struct waiter *w = lk->waiters; w; w = w->next)
		emit(r, &w->r, outcome, kept ? kept : name);
	for (struct waiter *w = lk->waiters; w;) {
		struct waiter *next = w->next;
		free(w);
		w = next;
	}
	lk->waiters = NULL;
	lk->done = 1;
	r->active--;
	ISW_LIST_REMOVE(r->active_head, r->active_tail, lk, aprev, anext);
	if (lk->in_sent) {
		ISW_LIST_REMOVE(r->sent_head, r->sent_tail, lk, sprev, snext);
		lk->in_sent = 0;
	}
	switch (outcome) {
	case ISW_LOOKUP_OK:
		ISW_INC(r->ok);
		break;
	case ISW_LOOKUP_NXDOMAIN:
		ISW_INC(r->nxdomain);
		break;
	case ISW_LOOKUP_SERVFAIL:
		ISW_INC(r->servfail);
		break;
	default:
		ISW_INC(r->timeout);
		break;
	}
	ISW_INC(r->lookups);
	atomic_store_explicit(&r->last_ns, now_ns(), memory_order_relaxed);
	isw_resolve_lookup_release(lk);
}

static void wait_push_tail(struct isw_resolver *r, struct isw_rlookup *lk)
{
	lk->next = NULL;
	if (r->wait_tail)
		r->wait_tail->next = lk;
	else
		r->wait_head = lk;
	r->wait_tail = lk;
	lk->queued = 1;
	ISW_INC(r->waiting);
}

/* Retries go first: they are the oldest lookups. */
void isw_resolve_wait_push_head(struct isw_resolver *r, struct isw_rlookup *lk)
{
	lk->next = r->wait_head;
	r->wait_head = lk;
	if (!r->wait_tail)
		r->wait_tail = lk;
	lk->queued = 1;
	ISW_INC(r->waiting);
}

struct isw_rlookup *isw_resolve_wait_pop(struct isw_resolver *r)
{
	struct isw_rlookup *lk = r->wait_head;

	if (lk) {
		r->wait_head = lk->next;
		if (!r->wait_head)
			r->wait_tail = NULL;
		lk->next = NULL;
		lk->queued = 0;
		ISW_DEC(r->waiting);
	}
	return lk;
}

/* The bounds: a lookup ends (timeout) tries * timeout after its first query, and while no
 * server has answered anything for a whole timeout, tries * timeout after it arrived (so a
 * backlog behind a slow but working server waits, one behind dead servers does not).  Its
 * queries still in flight are left to end on their own. */
void isw_resolve_expire(struct isw_resolver *r, uint64_t now)
{
	uint64_t bound = r->timeout_ns * r->tries;

	while (r->wait_head && r->wait_head->done)
		isw_resolve_lookup_release(isw_resolve_wait_pop(r));
	while (r->sent_head && now - r->sent_head->first_ns >= bound)
		isw_resolve_finish_lookup(r, r->sent_head, ISW_LOOKUP_TIMEOUT, NULL);
	if (now - r->last_answer_ns < r->timeout_ns)
		return;
	while (r->active_head && now - r->active_head->start_ns >= bound)
		isw_resolve_finish_lookup(r, r->active_head, ISW_LOOKUP_TIMEOUT, NULL);
}

/* A result taken off the queue: answered from the cache, joined to a running lookup, or the
 * start of a new one. */
static void intake_one(struct isw_resolver *r, const struct isw_result *res, uint64_t now,
                       int stopping)
{
	struct centry *e;
	struct isw_rlookup *lk;
	struct waiter *w;
	int created;

	e = isw_resolve_cache_get(r, &res->addr, &created);
	if (e && !created && !e->lk) {
		ISW_INC(r->cache_hits);
		emit(r, res, (enum isw_lookup)e->outcome, e->name);
		return;
	}
	if (!e || stopping) {
		/* No memory for the cache, or giving up: the result still goes out. */
		emit(r, res, ISW_LOOKUP_TIMEOUT, NULL);
		if (e && created) {
			e->outcome = ISW_LOOKUP_TIMEOUT;
		}
		return;
	}
	w = malloc(sizeof(*w));
	lk = created ? calloc(1, sizeof(*lk)) : e->lk;
	if (!w || !lk) {
		free(w);
		if (created) {
			free(lk);
			e->outcome = ISW_LOOKUP_TIMEOUT;
		}
		emit(r, res, ISW_LOOKUP_TIMEOUT, NULL);
		return;
	}
	w->r = *res;
	w->next = NULL;
	if (created) {
		lk->res = r;
		lk->addr = res->addr;
		lk->last_server = -1;
		lk->fail = ISW_LOOKUP_TIMEOUT;
		lk->start_ns = now;
		lk->wtail = &lk->waiters;
		e->lk = lk;
		r->active++;
		ISW_LIST_APPEND(r->active_head, r->active_tail, lk, aprev, anext);
		wait_push_tail(r, lk);
	} else {
		ISW_INC(r->cache_hits);
	}
	*lk->wtail = w;
	lk->wtail = &w->next;
}

/* Takes up to INTAKE_BATCH results; 1 if more may be queued. */
int isw_resolve_intake(struct isw_resolver *r, int stopping)
{
	struct isw_result res;
	uint64_t now = now_ns();

	for (int i = 0; i < INTAKE_BATCH; i++) {
		if (!isw_spsc_pop(&r->q, &res))
			return 0;
		intake_one(r, &res, now, stopping);
	}
	return 1;
}

/* Stop: every waiting lookup ends now, every query in flight is cancelled (its callback
 * ends or releases its lookup). */
void isw_resolve_abandon_all(struct isw_resolver *r)
{
	while (r->wait_head) {
		struct isw_rlookup *lk = isw_resolve_wait_pop(r);
		if (lk->done)
			isw_resolve_lookup_release(lk);
		else
			isw_resolve_finish_lookup(r, lk, ISW_LOOKUP_TIMEOUT, NULL);
	}
	for (unsigned i = 0; i < r->nservers; i++)
		if (r->servers[i].inflight)
			ares_cancel(r->servers[i].ch);
}
