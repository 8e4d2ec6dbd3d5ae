/* SPDX-License-Identifier: BSD-2-Clause */
/* Resolver stage: reverse DNS (PTR) for every result, streamed, with c-ares.
 *
 *   isw_resolver_new -> isw_resolver_submit ... -> isw_resolver_finish
 *       -> isw_resolver_wait (until 1) [-> isw_resolver_stop] -> isw_resolver_free
 *
 * isw_resolver_new checks the configuration, opens one c-ares channel per DNS server and
 * starts the resolver thread.  isw_resolver_submit hands it a result; it is meant to be called
 * on the capture thread and never waits: the result is copied into a bounded lock-free ring,
 * or into an unbounded overflow list when the ring is full, so back-pressure costs memory,
 * never a result and never the capture thread's time.
 *
 * Callback rule: the resolved callback runs on the resolver thread only, exactly once for
 * every result submitted, when its lookup has finished (in completion order, not submission
 * order).  The result it gets is a copy with `hostname` (valid only during the call; NULL
 * when there is no name) and `lookup` filled in.  A callback must not call back into the
 * resolver.  After isw_resolver_wait returned 1, or isw_resolver_free returned, no callback
 * runs any more.  isw_resolver_new calls no callback when it fails.
 *
 * Lookups run many at a time (concurrency), spread over the servers by an adaptive in-flight
 * limit per server that halves on losses and grows on answers; a retry goes to another
 * server when there is one.  A query is taken as lost, for the limit and for sending the
 * lookup's next try, once it outlives the server's retransmission timeout (srtt + 4 rttvar,
 * 50 ms at least, 376 ms before the first answer, never more than timeout_ms); it stays in
 * flight until timeout_ms and may still answer, and the first answer wins.  Outcomes are cached by
 * address: a second result for the same address (an echo reply and an ICMP error, or the same trace
 * read twice) costs no query.
 *
 * Bounds: a query gets timeout_ms to answer, a lookup at most `tries` queries, and a lookup
 * ends (`timeout`) at the latest tries * timeout_ms after its first query; while no server has
 * answered anything for timeout_ms, also tries * timeout_ms after it was submitted.  So dead
 * servers delay the end of a run by tries * timeout_ms at most, never by the queue's length,
 * while a backlog behind a slow but answering server is worked off.
 */
#ifndef ICMPSWEEP_RESOLVE_H
#define ICMPSWEEP_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "result.h"

#define ISW_RESOLVE_DEFAULT_CONCURRENCY 256
#define ISW_RESOLVE_DEFAULT_TIMEOUT_MS  2000
#define ISW_RESOLVE_DEFAULT_TRIES       2
#define ISW_RESOLVE_MAX_SERVERS         16

struct isw_resolver_config {
	/* "ADDR[:PORT]" (IPv4, or IPv6 as "[ADDR]:PORT" or a bare ADDR); none: the system's
	 * servers from /etc/resolv.conf, as c-ares reads them. */
	const char *const *servers;
	size_t nservers;
	unsigned concurrency; /* queries in flight at most, over all servers */
	unsigned timeout_ms;  /* per query */
	unsigned tries;       /* queries per lookup at most */
	size_t queue_size;    /* ring slots between submitter and resolver; 0 = default */
};

typedef struct isw_resolver isw_resolver;

/* Called on the resolver thread for every submitted result (see the callback rule). */
typedef void (*isw_resolved_fn)(const struct isw_result *r, void *arg);

struct isw_resolver_stats {
	uint64_t submitted;                       /* results handed in */
	uint64_t written;                         /* results passed to the callback */
	uint64_t lookups;                         /* finished lookups (distinct addresses) */
	uint64_t ok, nxdomain, servfail, timeout; /* finished lookups by outcome */
	uint64_t cache_hits; /* results answered from the cache or joined to a running lookup */
	uint64_t queries;    /* DNS queries sent, retries included */
	uint64_t retries;    /* of which retries */
	uint64_t spilled;    /* results that went through the overflow list */
	uint64_t in_flight;  /* queries outstanding now */
	uint64_t waiting;    /* lookups waiting for a free slot now */
	double elapsed_s;    /* from the first lookup started to the last one finished */
	unsigned nservers;
	int finished; /* 1 once every submitted result has been written */
};

struct isw_resolver_server_stats {
	char name[64]; /* "192.0.2.2:53" */
	uint64_t queries, answers, timeouts;
	uint64_t late;      /* queries that outlived the retransmission timeout */
	unsigned window;    /* current in-flight limit */
	uint64_t decreases; /* times the limit was halved */
	unsigned rto_ms;    /* current retransmission timeout */
};

/* Defaults above, no servers (the system's). */
void isw_resolver_config_init(struct isw_resolver_config *cfg);

/* Checks one server specification; -EINVAL with a message naming it. */
int isw_resolver_server_check(const char *spec, char *errbuf);

/* -EINVAL for a bad configuration (message names the value), -EIO / -ENOMEM when c-ares or
 * the thread cannot start. */
int isw_resolver_new(isw_resolver **out, const struct isw_resolver_config *cfg, isw_resolved_fn fn,
                     void *arg, char *errbuf);

/* Producer side (one thread at a time; see spsc rules in the source).  0, -EPIPE after
 * isw_resolver_finish, -ENOMEM if the ring is full and memory is exhausted. */
int isw_resolver_submit(isw_resolver *r, const struct isw_result *res);

/* No more results will be submitted: the thread ends after the last lookup.  The caller
 * must make sure the submitting thread is done (e.g. joined) first. */
void isw_resolver_finish(isw_resolver *r);

/* Give up every outstanding lookup now: their results are written with lookup `timeout`.
 * Any thread; idempotent.  Implies isw_resolver_finish for the end condition. */
void isw_resolver_stop(isw_resolver *r);

/* Waits up to timeout_ms; 1 once finish was called and every result has been written. */
int isw_resolver_wait(isw_resolver *r, int timeout_ms);

void isw_resolver_get_stats(const isw_resolver *r, struct isw_resolver_stats *st);
/* 0 and the stats of server i, or -ENOENT past the last one. */
int isw_resolver_get_server(const isw_resolver *r, unsigned i,
                            struct isw_resolver_server_stats *st);

/* Stops (as isw_resolver_stop) and joins the thread if needed, then frees. */
void isw_resolver_free(isw_resolver *r);

#endif
