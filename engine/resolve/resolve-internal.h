/* SPDX-License-Identifier: BSD-2-Clause */
/* Internals of the resolver stage, shared by engine/resolve*.c, and its test hooks: not part
 * of the public API. */
#ifndef ISW_RESOLVE_INTERNAL_H
#define ISW_RESOLVE_INTERNAL_H

#include <ares.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "icmpsweep/resolve.h"
#include "addr-map.h"
#include "aimd.h"
#include "clock.h"
#include "done-flag.h"
#include "spsc-queue.h"

struct isw_resolver_hooks {
	/* c-ares socket functions for every channel, so that unit tests can answer queries
	 * in memory instead of on a network. */
	const struct ares_socket_functions *socket_functions;
	void *socket_user;
};

int isw_resolver_new_hooked(isw_resolver **out, const struct isw_resolver_config *cfg,
                            isw_resolved_fn fn, void *arg, const struct isw_resolver_hooks *hooks,
                            char *errbuf);

struct waiter {
	struct waiter *next;
	struct isw_result r;
};

struct isw_rlookup;

/* One DNS query in flight (one try of a lookup). */
struct isw_rquery {
	struct isw_rlookup *lk;
	int server;
	int late;     /* past the server's RTO: counted as a loss, the next try may go */
	uint64_t seq; /* AIMD sequence number */
	uint64_t sent_ns;
	struct isw_rquery *prev, *next; /* the server's in-flight list, oldest first */
};

/* The reverse lookup of one address, for every result waiting on it.  It is freed once its
 * outcome is written (done), no query of it is in flight and it is not queued. */
struct isw_rlookup {
	struct isw_resolver *res;
	struct isw_addr addr;
	unsigned tries;       /* queries sent */
	unsigned outstanding; /* queries in flight */
	int last_server;      /* of the latest query; -1 before the first */
	int queued;           /* in the waiting FIFO */
	int fresh;            /* a query in flight is not late yet */
	int done;
	uint8_t fail;      /* outcome if no try gets an answer: TIMEOUT, or SERVFAIL */
	uint64_t start_ns; /* taken off the queue */
	uint64_t first_ns; /* first query sent; 0 before */
	struct waiter *waiters, **wtail;
	struct isw_rlookup *next; /* waiting FIFO */
	/* Until done: in the active list (arrival order) and, once a query went out, in the sent
	 * list (order of first query).  Both orders are those of their deadlines. */
	struct isw_rlookup *aprev, *anext, *sprev, *snext;
	int in_sent;
};

/* The cache of outcomes by address (resolver thread): an entry whose lookup still runs points
 * to it. */
struct centry {
	uint8_t outcome; /* enum isw_lookup; NONE while lk runs */
	char *name;
	struct isw_rlookup *lk;
};

struct isw_rserver {
	ares_channel ch;
	struct isw_aimd aimd;
	unsigned inflight;
	struct isw_rquery *fl_head, *fl_tail;
	/* Round-trip estimate (RFC 6298 style), in ns; rto is what makes a query late. */
	double srtt, rttvar;
	int have_rtt;
	char name[64];
	atomic_uint_least64_t queries, answers, timeouts, late, decreases;
	atomic_uint window, rto_ms;
};

struct isw_resolver {
	unsigned concurrency, timeout_ms, tries;
	uint64_t timeout_ns;
	isw_resolved_fn fn;
	void *arg;
	struct isw_spsc q;
	int wake_fd;
	atomic_int sleeping, finishing, stopping;
	struct isw_done_flag finished;
	int closed; /* submitter side: finish was called */
	pthread_t thread;
	int thread_started, ares_inited;

	struct isw_rserver servers[ISW_RESOLVE_MAX_SERVERS];
	unsigned nservers;

	/* Resolver thread only. */
	struct isw_addr_map cache;                 /* of struct centry */
	struct isw_rlookup *wait_head, *wait_tail; /* not sent yet, or waiting for their next try */
	unsigned inflight;                         /* queries, over all servers */
	uint64_t active;                           /* lookups not done yet */
	struct isw_rlookup *active_head, *active_tail, *sent_head, *sent_tail;
	uint64_t last_answer_ns;

	atomic_uint_least64_t submitted, written, lookups, ok, nxdomain, servfail, timeout;
	atomic_uint_least64_t cache_hits, queries, retries, in_flight, waiting;
	atomic_uint_least64_t first_ns, last_ns;
};

static inline uint64_t now_ns(void)
{
	return isw_now_ns();
}

#define ISW_INC(field) atomic_fetch_add_explicit(&(field), 1, memory_order_relaxed)
#define ISW_DEC(field) atomic_fetch_sub_explicit(&(field), 1, memory_order_relaxed)
#define ISW_GET(field) atomic_load_explicit(&(field), memory_order_relaxed)

/* Intrusive FIFO lists of lookups (active: arrival order, sent: first-query order). */
#define ISW_LIST_APPEND(head, tail, x, prev, next)                                                 \
	do {                                                                                       \
		(x)->next = NULL;                                                                  \
		(x)->prev = (tail);                                                                \
		if (tail)                                                                          \
			(tail)->next = (x);                                                        \
		else                                                                               \
			(head) = (x);                                                              \
		(tail) = (x);                                                                      \
	} while (0)
#define ISW_LIST_REMOVE(head, tail, x, prev, next)                                                 \
	do {                                                                                       \
		if ((x)->prev)                                                                     \
			(x)->prev->next = (x)->next;                                               \
		else                                                                               \
			(head) = (x)->next;                                                        \
		if ((x)->next)                                                                     \
			(x)->next->prev = (x)->prev;                                               \
		else                                                                               \
			(tail) = (x)->prev;                                                        \
		(x)->prev = (x)->next = NULL;                                                      \
	} while (0)

/* resolve-servers.c: cfg's servers, or the system's when it names none. */
int isw_resolve_add_servers(struct isw_resolver *r, const struct isw_resolver_config *cfg,
                            const struct isw_resolver_hooks *hooks, char *errbuf);

/* resolve-pacing.c */
uint64_t isw_resolve_rto_ns(const struct isw_resolver *r, const struct isw_rserver *sv);
void isw_resolve_rtt_sample(const struct isw_resolver *r, struct isw_rserver *sv, uint64_t rtt_ns);
void isw_resolve_window_changed(struct isw_rserver *sv);
void isw_resolve_flight_add(struct isw_resolver *r, struct isw_rquery *q);
void isw_resolve_flight_remove(struct isw_resolver *r, struct isw_rquery *q);
int isw_resolve_pick_server(struct isw_resolver *r, int avoid);

/* The cache entry for addr; *created = 1 if it is new (outcome NONE, no lookup).  NULL: no
 * memory for a new one. */
static inline struct centry *isw_resolve_cache_get(struct isw_resolver *r,
                                                   const struct isw_addr *addr, int *created)
{
	return isw_addr_map_insert(&r->cache, addr, created);
}

/* resolve-lookup.c */
void isw_resolve_free_lookup(struct isw_rlookup *lk);
void isw_resolve_lookup_release(struct isw_rlookup *lk);
void isw_resolve_finish_lookup(struct isw_resolver *r, struct isw_rlookup *lk,
                               enum isw_lookup outcome, const char *name);
void isw_resolve_wait_push_head(struct isw_resolver *r, struct isw_rlookup *lk);
struct isw_rlookup *isw_resolve_wait_pop(struct isw_resolver *r);
int isw_resolve_intake(struct isw_resolver *r, int stopping);
void isw_resolve_expire(struct isw_resolver *r, uint64_t now);
void isw_resolve_abandon_all(struct isw_resolver *r);

/* resolve-query.c */
void isw_resolve_dispatch(struct isw_resolver *r);
void isw_resolve_check_late(struct isw_resolver *r, uint64_t now);

/* resolve-loop.c */
void *isw_resolve_thread_main(void *arg);

#endif
