/* Resolver stage (see include/icmpsweep/resolve.h).
 *
 * Threads: the submitter (the capture thread) only copies results into an SPSC queue and
 * pokes an eventfd when the resolver thread sleeps.  Everything else — the cache, the lookups,
 * the c-ares channels, the callback — belongs to the resolver thread.  Counters that other
 * threads read are relaxed atomics.
 *
 * One c-ares channel per server, each with tries = 1: the stage itself decides which server
 * gets a query (the one with the most free room under its AIMD window, another one for a
 * retry) and how often a lookup is retried.  Queries are plain ares_query PTR lookups (no
 * hosts file, no search list) and answers are parsed by dns-ptr.c so that any byte survives.
 */
#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "done-flag.h"
#include "icmpsweep/error.h"
#include "icmpsweep/resolve.h"
#include "aimd.h"
#include "dns-ptr.h"
#include "resolve-internal.h"
#include "spsc-queue.h"

#define DEFAULT_QUEUE  65536
#define INITIAL_WINDOW 32
#define INTAKE_BATCH   1024
#define MAX_POLL_MS    100
#define TYPE_PTR       12
#define CLASS_IN       1
#define MAX_SOCKS      (ARES_GETSOCK_MAXNUM * ISW_RESOLVE_MAX_SERVERS + 1)
/* Retransmission timeout bounds (the values unbound uses): before the first answer a query
 * is late after 376 ms, later after srtt + 4 * rttvar, never under 50 ms; never past the
 * query's timeout. */
#define RTO_INITIAL_NS 376000000ull
#define RTO_MIN_NS     50000000ull

struct waiter {
	struct waiter *next;
	struct isw_result r;
};

struct lookup;

/* One DNS query in flight (one try of a lookup). */
struct query {
	struct lookup *lk;
	int server;
	int late;     /* past the server's RTO: counted as a loss, the next try may go */
	uint64_t seq; /* AIMD sequence number */
	uint64_t sent_ns;
	struct query *prev, *next; /* the server's in-flight list, oldest first */
};

/* The reverse lookup of one address, for every result waiting on it.  It is freed once its
 * outcome is written (done), no query of it is in flight and it is not queued. */
struct lookup {
	struct isw_resolver *res;
	uint32_t addr;
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
	struct lookup *next; /* waiting FIFO */
	/* Until done: in the active list (arrival order) and, once a query went out, in the sent
	 * list (order of first query).  Both orders are those of their deadlines. */
	struct lookup *aprev, *anext, *sprev, *snext;
	int in_sent;
};

struct centry {
	uint32_t addr;
	uint8_t used;
	uint8_t outcome; /* enum isw_lookup; NONE while lk runs */
	char *name;
	struct lookup *lk;
};

struct server {
	ares_channel ch;
	struct isw_aimd aimd;
	unsigned inflight;
	struct query *fl_head, *fl_tail;
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

	struct server servers[ISW_RESOLVE_MAX_SERVERS];
	unsigned nservers;

	/* Resolver thread only. */
	struct centry *cache;
	size_t cache_mask, cache_used;
	struct lookup *wait_head, *wait_tail; /* not sent yet, or waiting for their next try */
	unsigned inflight;                    /* queries, over all servers */
	uint64_t active;                      /* lookups not done yet */
	struct lookup *active_head, *active_tail, *sent_head, *sent_tail;
	uint64_t last_answer_ns;

	atomic_uint_least64_t submitted, written, lookups, ok, nxdomain, servfail, timeout;
	atomic_uint_least64_t cache_hits, queries, retries, in_flight, waiting;
	atomic_uint_least64_t first_ns, last_ns;
};

static uint64_t rto_ns(const struct isw_resolver *r, const struct server *sv);

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define INC(field) atomic_fetch_add_explicit(&(field), 1, memory_order_relaxed)
#define DEC(field) atomic_fetch_sub_explicit(&(field), 1, memory_order_relaxed)
#define GET(field) atomic_load_explicit(&(field), memory_order_relaxed)

/* --- configuration -------------------------------------------------------------------------- */

void isw_resolver_config_init(struct isw_resolver_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->concurrency = ISW_RESOLVE_DEFAULT_CONCURRENCY;
	cfg->timeout_ms = ISW_RESOLVE_DEFAULT_TIMEOUT_MS;
	cfg->tries = ISW_RESOLVE_DEFAULT_TRIES;
}

static int parse_port(const char *s, unsigned short *port)
{
	unsigned long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 65535)
			return -EINVAL;
	}
	if (!v)
		return -EINVAL;
	*port = (unsigned short)v;
	return 0;
}

/* "ADDR", "ADDR:PORT" (IPv4), "[ADDR]" or "[ADDR]:PORT" (IPv6) or a bare IPv6 ADDR. */
static int parse_server(const char *spec, struct ares_addr_port_node *n)
{
	char host[64];
	const char *port = NULL, *colon = strchr(spec, ':');
	size_t len;

	memset(n, 0, sizeof(*n));
	n->udp_port = n->tcp_port = 53;
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');
		if (!close)
			return -EINVAL;
		len = (size_t)(close - spec - 1);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			return -EINVAL;
		spec++;
		n->family = AF_INET6;
	} else if (colon && strchr(colon + 1, ':')) {
		len = strlen(spec);
		n->family = AF_INET6;
	} else {
		len = colon ? (size_t)(colon - spec) : strlen(spec);
		if (colon)
			port = colon + 1;
		n->family = AF_INET;
	}
	if (len == 0 || len >= sizeof(host))
		return -EINVAL;
	memcpy(host, spec, len);
	host[len] = '\0';
	if (inet_pton(n->family, host,
	              n->family == AF_INET ? (void *)&n->addr.addr4 : (void *)&n->addr.addr6) != 1)
		return -EINVAL;
	if (port) {
		unsigned short p;
		if (parse_port(port, &p) < 0)
			return -EINVAL;
		n->udp_port = n->tcp_port = p;
	}
	return 0;
}

int isw_resolver_server_check(const char *spec, char *errbuf)
{
	struct ares_addr_port_node n;

	if (parse_server(spec, &n) < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "invalid resolver '%s' (want ADDR[:PORT], e.g. 192.0.2.53 or "
		         "192.0.2.53:5353 or [2001:db8::53]:53)",
		         spec);
		return -EINVAL;
	}
	return 0;
}

static void server_name(const struct ares_addr_port_node *n, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(n->family,
	          n->family == AF_INET ? (const void *)&n->addr.addr4
	                               : (const void *)&n->addr.addr6,
	          a, sizeof(a));
	if (n->family == AF_INET)
		snprintf(buf, size, "%s:%d", a, n->udp_port);
	else
		snprintf(buf, size, "[%s]:%d", a, n->udp_port);
}

static int channel_init(struct isw_resolver *r, ares_channel *ch,
                        const struct isw_resolver_hooks *hooks)
{
	struct ares_options o;
	int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS;
	int rc;

	memset(&o, 0, sizeof(o));
	/* NOCHECKRESP: a SERVFAIL or REFUSED comes back to us instead of being retried
	 * elsewhere inside c-ares; the stage decides. */
	o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
	o.timeout = (int)r->timeout_ms;
	o.tries = 1;
	o.lookups = (char *)"b";
	rc = ares_init_options(ch, &o, mask);
	if (rc == ARES_SUCCESS && hooks && hooks->socket_functions)
		ares_set_socket_functions(*ch, hooks->socket_functions, hooks->socket_user);
	return rc;
}

static int add_server(struct isw_resolver *r, const struct ares_addr_port_node *node,
                      const struct isw_resolver_hooks *hooks, char *errbuf)
{
	struct server *sv = &r->servers[r->nservers];
	struct ares_addr_port_node one = *node;
	unsigned initial = r->concurrency < INITIAL_WINDOW ? r->concurrency : INITIAL_WINDOW;
	int rc;

	one.next = NULL;
	server_name(&one, sv->name, sizeof(sv->name));
	rc = channel_init(r, &sv->ch, hooks);
	if (rc == ARES_SUCCESS) {
		rc = ares_set_servers_ports(sv->ch, &one);
		if (rc != ARES_SUCCESS) {
			ares_destroy(sv->ch);
			sv->ch = NULL;
		}
	}
	if (rc != ARES_SUCCESS) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot set up DNS server %s: %s", sv->name,
		         ares_strerror(rc));
		return rc == ARES_ENOMEM ? -ENOMEM : -EIO;
	}
	isw_aimd_init(&sv->aimd, initial, 1, r->concurrency);
	atomic_store(&sv->window, isw_aimd_limit(&sv->aimd));
	atomic_store(&sv->rto_ms, (unsigned)(rto_ns(r, sv) / 1000000u));
	r->nservers++;
	return 0;
}

/* The servers c-ares finds in /etc/resolv.conf (127.0.0.1 if none). */
static int add_system_servers(struct isw_resolver *r, const struct isw_resolver_hooks *hooks,
                              char *errbuf)
{
	struct ares_addr_port_node *list = NULL;
	ares_channel ch;
	int rc = channel_init(r, &ch, hooks);

	if (rc != ARES_SUCCESS) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot read the system's DNS servers: %s",
		         ares_strerror(rc));
		return -EIO;
	}
	rc = ares_get_servers_ports(ch, &list);
	ares_destroy(ch);
	if (rc != ARES_SUCCESS || !list) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "no DNS servers configured (resolv.conf)%s%s",
		         rc != ARES_SUCCESS ? ": " : "",
		         rc != ARES_SUCCESS ? ares_strerror(rc) : "");
		return -EIO;
	}
	rc = 0;
	for (struct ares_addr_port_node *n = list;
	     n && r->nservers < ISW_RESOLVE_MAX_SERVERS && rc == 0; n = n->next)
		rc = add_server(r, n, hooks, errbuf);
	ares_free_data(list);
	return rc;
}

/* --- lifecycle -------------------------------------------------------------------------------- */

static void *resolver_main(void *arg);

int isw_resolver_new_hooked(isw_resolver **out, const struct isw_resolver_config *cfg,
                            isw_resolved_fn fn, void *arg, const struct isw_resolver_hooks *hooks,
                            char *errbuf)
{
	struct isw_resolver *r;
	sigset_t all, saved;
	int rc;

	*out = NULL;
	if (cfg->concurrency < 1 || cfg->concurrency > 65535) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "invalid resolver concurrency %u (1..65535)",
		         cfg->concurrency);
		return -EINVAL;
	}
	if (cfg->timeout_ms < 1 || cfg->timeout_ms > 600000) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "invalid resolver timeout %u ms (1..600000)",
		         cfg->timeout_ms);
		return -EINVAL;
	}
	if (cfg->tries < 1 || cfg->tries > 100) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "invalid resolver tries %u (1..100)", cfg->tries);
		return -EINVAL;
	}
	if (cfg->nservers > ISW_RESOLVE_MAX_SERVERS) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "too many resolvers (%zu, at most %d)",
		         cfg->nservers, ISW_RESOLVE_MAX_SERVERS);
		return -EINVAL;
	}
	for (size_t i = 0; i < cfg->nservers; i++) {
		rc = isw_resolver_server_check(cfg->servers[i], errbuf);
		if (rc < 0)
			return rc;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->concurrency = cfg->concurrency;
	r->timeout_ms = cfg->timeout_ms;
	r->timeout_ns = (uint64_t)cfg->timeout_ms * 1000000u;
	r->tries = cfg->tries;
	r->fn = fn;
	r->arg = arg;
	r->wake_fd = -1;
	isw_done_flag_init(&r->finished);
	rc = isw_spsc_init(&r->q, cfg->queue_size ? cfg->queue_size : DEFAULT_QUEUE,
	                   sizeof(struct isw_result));
	if (rc == 0) {
		r->cache_mask = 1023;
		r->cache = calloc(r->cache_mask + 1, sizeof(*r->cache));
		if (!r->cache)
			rc = -ENOMEM;
	}
	if (rc < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "out of memory for the resolver queue");
		goto fail;
	}
	r->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->wake_fd < 0) {
		rc = -errno;
		snprintf(errbuf, ISW_ERRBUF_SIZE, "eventfd: %s", strerror(errno));
		goto fail;
	}
	rc = ares_library_init(ARES_LIB_INIT_ALL);
	if (rc != ARES_SUCCESS) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot initialize c-ares: %s",
		         ares_strerror(rc));
		rc = -EIO;
		goto fail;
	}
	r->ares_inited = 1;
	rc = 0;
	for (size_t i = 0; i < cfg->nservers && rc == 0; i++) {
		struct ares_addr_port_node n;
		parse_server(cfg->servers[i], &n);
		rc = add_server(r, &n, hooks, errbuf);
	}
	if (rc == 0 && !cfg->nservers)
		rc = add_system_servers(r, hooks, errbuf);
	if (rc < 0)
		goto fail;
	/* The thread takes no signals: they belong to the caller's threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	rc = pthread_create(&r->thread, NULL, resolver_main, r);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (rc != 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot start the resolver thread: %s",
		         strerror(rc));
		rc = -rc;
		goto fail;
	}
	r->thread_started = 1;
	*out = r;
	return 0;
fail:
	isw_resolver_free(r);
	return rc;
}

int isw_resolver_new(isw_resolver **out, const struct isw_resolver_config *cfg, isw_resolved_fn fn,
                     void *arg, char *errbuf)
{
	return isw_resolver_new_hooked(out, cfg, fn, arg, NULL, errbuf);
}

static void wake(struct isw_resolver *r)
{
	uint64_t one = 1;

	if (write(r->wake_fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is already non-zero, so the thread will wake anyway. */
	}
}

int isw_resolver_submit(isw_resolver *r, const struct isw_result *res)
{
	int rc;

	if (r->closed)
		return -EPIPE;
	rc = isw_spsc_push(&r->q, res);
	if (rc < 0)
		return rc;
	INC(r->submitted);
	/* Pairs with the fence in resolver_main: either the thread sees the element before it
	 * sleeps, or we see that it sleeps and wake it. */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&r->sleeping, memory_order_relaxed) &&
	    atomic_exchange(&r->sleeping, 0))
		wake(r);
	return 0;
}

void isw_resolver_finish(isw_resolver *r)
{
	r->closed = 1;
	atomic_store(&r->finishing, 1);
	wake(r);
}

void isw_resolver_stop(isw_resolver *r)
{
	atomic_store(&r->stopping, 1);
	wake(r);
}

int isw_resolver_wait(isw_resolver *r, int timeout_ms)
{
	return isw_done_flag_wait(&r->finished, timeout_ms);
}

void isw_resolver_get_stats(const isw_resolver *cr, struct isw_resolver_stats *st)
{
	struct isw_resolver *r = (struct isw_resolver *)cr;
	uint64_t first = GET(r->first_ns), last = GET(r->last_ns);

	memset(st, 0, sizeof(*st));
	st->submitted = GET(r->submitted);
	st->written = GET(r->written);
	st->lookups = GET(r->lookups);
	st->ok = GET(r->ok);
	st->nxdomain = GET(r->nxdomain);
	st->servfail = GET(r->servfail);
	st->timeout = GET(r->timeout);
	st->cache_hits = GET(r->cache_hits);
	st->queries = GET(r->queries);
	st->retries = GET(r->retries);
	st->spilled = isw_spsc_spilled(&r->q);
	st->in_flight = GET(r->in_flight);
	st->waiting = GET(r->waiting);
	st->elapsed_s = first && last > first ? (double)(last - first) / 1e9 : 0.0;
	st->nservers = r->nservers;
	st->finished = isw_done_flag_get(&r->finished);
}

int isw_resolver_get_server(const isw_resolver *cr, unsigned i,
                            struct isw_resolver_server_stats *st)
{
	struct isw_resolver *r = (struct isw_resolver *)cr;
	struct server *sv;

	if (i >= r->nservers)
		return -ENOENT;
	sv = &r->servers[i];
	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", sv->name);
	st->queries = GET(sv->queries);
	st->answers = GET(sv->answers);
	st->timeouts = GET(sv->timeouts);
	st->late = GET(sv->late);
	st->decreases = GET(sv->decreases);
	st->window = atomic_load_explicit(&sv->window, memory_order_relaxed);
	st->rto_ms = atomic_load_explicit(&sv->rto_ms, memory_order_relaxed);
	return 0;
}

static void free_lookup(struct lookup *lk)
{
	struct waiter *w = lk->waiters;

	while (w) {
		struct waiter *next = w->next;
		free(w);
		w = next;
	}
	free(lk);
}

void isw_resolver_free(isw_resolver *r)
{
	if (!r)
		return;
	if (r->thread_started) {
		isw_resolver_stop(r);
		isw_resolver_finish(r);
		pthread_join(r->thread, NULL);
	}
	for (unsigned i = 0; i < r->nservers; i++)
		if (r->servers[i].ch)
			ares_destroy(r->servers[i].ch); /* nothing in flight after the thread */
	if (r->ares_inited)
		ares_library_cleanup();
	/* Only reached with lookups left when the thread never started. */
	while (r->wait_head) {
		struct lookup *lk = r->wait_head;
		r->wait_head = lk->next;
		free_lookup(lk);
	}
	if (r->cache)
		for (size_t i = 0; i <= r->cache_mask; i++)
			free(r->cache[i].name);
	free(r->cache);
	isw_spsc_destroy(&r->q);
	if (r->wake_fd >= 0)
		close(r->wake_fd);
	isw_done_flag_destroy(&r->finished);
	free(r);
}

/* --- the cache (resolver thread) -------------------------------------------------------------- */

static size_t hash_addr(uint32_t a)
{
	uint64_t h = (uint64_t)a * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32);
}

static struct centry *cache_slot(struct centry *t, size_t mask, uint32_t addr)
{
	size_t i = hash_addr(addr) & mask;

	while (t[i].used && t[i].addr != addr)
		i = (i + 1) & mask;
	return &t[i];
}

static int cache_grow(struct isw_resolver *r)
{
	size_t nmask = r->cache_mask * 2 + 1;
	struct centry *t = calloc(nmask + 1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i <= r->cache_mask; i++) {
		if (!r->cache[i].used)
			continue;
		struct centry *e = cache_slot(t, nmask, r->cache[i].addr);
		*e = r->cache[i];
	}
	free(r->cache);
	r->cache = t;
	r->cache_mask = nmask;
	return 0;
}

/* The entry for addr; *created = 1 if it is new (outcome NONE, no lookup). NULL: no memory. */
static struct centry *cache_get(struct isw_resolver *r, uint32_t addr, int *created)
{
	struct centry *e;

	*created = 0;
	if ((r->cache_used + 1) * 2 > r->cache_mask + 1 && cache_grow(r) < 0)
		return NULL;
	e = cache_slot(r->cache, r->cache_mask, addr);
	if (!e->used) {
		memset(e, 0, sizeof(*e));
		e->used = 1;
		e->addr = addr;
		r->cache_used++;
		*created = 1;
	}
	return e;
}

/* --- lookups (resolver thread) ---------------------------------------------------------------- */

static void emit(struct isw_resolver *r, const struct isw_result *in, enum isw_lookup outcome,
                 const char *name)
{
	struct isw_result out = *in;

	out.hostname = name;
	out.lookup = outcome;
	r->fn(&out, r->arg);
	INC(r->written);
}

/* Frees lk once nothing refers to it any more. */
static void lookup_release(struct lookup *lk)
{
	if (lk->done && !lk->outstanding && !lk->queued)
		free_lookup(lk);
}

/* Intrusive FIFO lists of lookups (active: arrival order, sent: first-query order). */
#define LIST_APPEND(head, tail, x, prev, next)                                                     \
	do {                                                                                       \
		(x)->next = NULL;                                                                  \
		(x)->prev = (tail);                                                                \
		if (tail)                                                                          \
			(tail)->next = (x);                                                        \
		else                                                                               \
			(head) = (x);                                                              \
		(tail) = (x);                                                                      \
	} while (0)
#define LIST_REMOVE(head, tail, x, prev, next)                                                     \
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

/* Writes every waiting result with the outcome and caches it.  Queries of lk still in flight
 * are left to end (their callbacks only release lk). */
static void finish_lookup(struct isw_resolver *r, struct lookup *lk, enum isw_lookup outcome,
                          const char *name)
{
	int created;
	struct centry *e = cache_get(r, lk->addr, &created);
	const char *kept = NULL;

	if (e) {
		e->lk = NULL;
		e->outcome = (uint8_t)outcome;
		if (name)
			e->name = strdup(name);
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
	LIST_REMOVE(r->active_head, r->active_tail, lk, aprev, anext);
	if (lk->in_sent) {
		LIST_REMOVE(r->sent_head, r->sent_tail, lk, sprev, snext);
		lk->in_sent = 0;
	}
	switch (outcome) {
	case ISW_LOOKUP_OK:
		INC(r->ok);
		break;
	case ISW_LOOKUP_NXDOMAIN:
		INC(r->nxdomain);
		break;
	case ISW_LOOKUP_SERVFAIL:
		INC(r->servfail);
		break;
	default:
		INC(r->timeout);
		break;
	}
	INC(r->lookups);
	atomic_store_explicit(&r->last_ns, now_ns(), memory_order_relaxed);
	lookup_release(lk);
}

static void wait_push_tail(struct isw_resolver *r, struct lookup *lk)
{
	lk->next = NULL;
	if (r->wait_tail)
		r->wait_tail->next = lk;
	else
		r->wait_head = lk;
	r->wait_tail = lk;
	lk->queued = 1;
	INC(r->waiting);
}

/* Retries go first: they are the oldest lookups. */
static void wait_push_head(struct isw_resolver *r, struct lookup *lk)
{
	lk->next = r->wait_head;
	r->wait_head = lk;
	if (!r->wait_tail)
		r->wait_tail = lk;
	lk->queued = 1;
	INC(r->waiting);
}

static struct lookup *wait_pop(struct isw_resolver *r)
{
	struct lookup *lk = r->wait_head;

	if (lk) {
		r->wait_head = lk->next;
		if (!r->wait_head)
			r->wait_tail = NULL;
		lk->next = NULL;
		lk->queued = 0;
		DEC(r->waiting);
	}
	return lk;
}

static void flight_add(struct isw_resolver *r, struct query *q)
{
	struct server *sv = &r->servers[q->server];

	q->next = NULL;
	q->prev = sv->fl_tail;
	if (sv->fl_tail)
		sv->fl_tail->next = q;
	else
		sv->fl_head = q;
	sv->fl_tail = q;
	sv->inflight++;
	r->inflight++;
	INC(r->in_flight);
}

static void flight_remove(struct isw_resolver *r, struct query *q)
{
	struct server *sv = &r->servers[q->server];

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
	DEC(r->in_flight);
}

static uint64_t rto_ns(const struct isw_resolver *r, const struct server *sv)
{
	double rto = sv->have_rtt ? sv->srtt + 4 * sv->rttvar : (double)RTO_INITIAL_NS;

	if (rto < (double)RTO_MIN_NS)
		rto = (double)RTO_MIN_NS;
	if (rto > (double)r->timeout_ns)
		rto = (double)r->timeout_ns;
	return (uint64_t)rto;
}

static void rtt_sample(const struct isw_resolver *r, struct server *sv, uint64_t rtt_ns)
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
	atomic_store_explicit(&sv->rto_ms, (unsigned)(rto_ns(r, sv) / 1000000u),
	                      memory_order_relaxed);
}

/* The latest query of lk got no usable answer, or is late: the next try goes out if one is
 * left; the lookup fails once no try is left and nothing is in flight any more. */
static void no_answer(struct isw_resolver *r, struct lookup *lk)
{
	if (lk->done || lk->queued || lk->fresh)
		return;
	if (lk->tries < r->tries && !atomic_load_explicit(&r->stopping, memory_order_relaxed))
		wait_push_head(r, lk);
	else if (!lk->outstanding)
		finish_lookup(r, lk, (enum isw_lookup)lk->fail, NULL);
}

static void window_changed(struct server *sv)
{
	atomic_store_explicit(&sv->window, isw_aimd_limit(&sv->aimd), memory_order_relaxed);
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct query *q = arg;
	struct lookup *lk = q->lk;
	struct isw_resolver *r = lk->res;
	struct server *sv = &r->servers[q->server];
	char name[ISW_DNS_NAME_MAX];
	uint64_t now = now_ns();
	int rc;

	flight_remove(r, q);
	lk->outstanding--;
	if (!q->late)
		lk->fresh = 0;
	switch (status) {
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		if (lk->done)
			lookup_release(lk);
		else
			finish_lookup(r, lk, ISW_LOOKUP_TIMEOUT, NULL);
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
		window_changed(sv);
		rtt_sample(r, sv, now - q->sent_ns);
		INC(sv->answers);
		r->last_answer_ns = now;
		break;
	default: /* ARES_ETIMEOUT, ARES_ECONNREFUSED, ...: no answer */
		INC(sv->timeouts);
		/* A late query was counted as a loss when it became late. */
		if (!q->late && isw_aimd_on_timeout(&sv->aimd, q->seq))
			INC(sv->decreases);
		window_changed(sv);
		free(q);
		if (lk->done)
			lookup_release(lk);
		else
			no_answer(r, lk);
		return;
	}
	free(q);
	if (lk->done) {
		lookup_release(lk); /* another try already answered */
		return;
	}
	switch (status) {
	case ARES_SUCCESS:
		rc = isw_dns_parse_ptr(abuf, alen > 0 ? (size_t)alen : 0, name, sizeof(name));
		if (rc == 0)
			finish_lookup(r, lk, ISW_LOOKUP_OK, name);
		else if (rc == -ENOENT)
			finish_lookup(r, lk, ISW_LOOKUP_NXDOMAIN, NULL);
		else
			finish_lookup(r, lk, ISW_LOOKUP_SERVFAIL, NULL);
		break;
	case ARES_ENOTFOUND:
	case ARES_ENODATA:
		finish_lookup(r, lk, ISW_LOOKUP_NXDOMAIN, NULL);
		break;
	default:
		/* A failing server: another one may know. */
		lk->fail = ISW_LOOKUP_SERVFAIL;
		if (r->nservers > 1)
			no_answer(r, lk);
		else
			finish_lookup(r, lk, ISW_LOOKUP_SERVFAIL, NULL);
		break;
	}
}

/* Queries past their server's RTO become late: a loss for the server's window, and their
 * lookup may send its next try (to another server) while they stay in flight. */
static void check_late(struct isw_resolver *r, uint64_t now)
{
	for (unsigned i = 0; i < r->nservers; i++) {
		struct server *sv = &r->servers[i];
		uint64_t rto = rto_ns(r, sv);
		struct query *q = sv->fl_head;

		while (q) {
			struct query *next = q->next;
			if (q->late) {
				q = next;
				continue;
			}
			if (now - q->sent_ns < rto)
				break;
			q->late = 1;
			INC(sv->late);
			if (isw_aimd_on_timeout(&sv->aimd, q->seq))
				INC(sv->decreases);
			window_changed(sv);
			q->lk->fresh = 0;
			no_answer(r, q->lk);
			q = next;
		}
	}
}

/* The server with the most free room under its window, another than avoid if possible. */
static int pick_server(struct isw_resolver *r, int avoid)
{
	int best = -1, best_avoid = -1;
	long room_best = 0;

	for (unsigned i = 0; i < r->nservers; i++) {
		struct server *sv = &r->servers[i];
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

static void send_query(struct isw_resolver *r, struct lookup *lk, int s)
{
	struct server *sv = &r->servers[s];
	struct query *q = calloc(1, sizeof(*q));
	char qname[32];
	uint64_t now = now_ns();

	if (!q) {
		no_answer(r, lk);
		return;
	}
	if (lk->tries)
		INC(r->retries);
	q->lk = lk;
	q->server = s;
	q->seq = isw_aimd_on_send(&sv->aimd);
	q->sent_ns = now;
	lk->last_server = s;
	if (!lk->first_ns) {
		lk->first_ns = now;
		lk->in_sent = 1;
		LIST_APPEND(r->sent_head, r->sent_tail, lk, sprev, snext);
	}
	lk->tries++;
	lk->outstanding++;
	lk->fresh = 1;
	flight_add(r, q);
	INC(r->queries);
	INC(sv->queries);
	if (!GET(r->first_ns))
		atomic_store_explicit(&r->first_ns, now, memory_order_relaxed);
	isw_dns_arpa_name(lk->addr, qname, sizeof(qname));
	/* May call on_answer before returning (e.g. a send error). */
	ares_query(sv->ch, qname, CLASS_IN, TYPE_PTR, on_answer, q);
}

static void dispatch(struct isw_resolver *r)
{
	while (r->wait_head && r->inflight < r->concurrency) {
		struct lookup *lk = r->wait_head;
		int s;
		if (lk->done) { /* answered by an earlier try meanwhile */
			lookup_release(wait_pop(r));
			continue;
		}
		s = pick_server(r, lk->last_server);
		if (s < 0)
			break;
		send_query(r, wait_pop(r), s);
	}
}

/* The bounds: a lookup ends (timeout) tries * timeout after its first query, and while no
 * server has answered anything for a whole timeout, tries * timeout after it arrived (so a
 * backlog behind a slow but working server waits, one behind dead servers does not).  Its
 * queries still in flight are left to end on their own. */
static void expire(struct isw_resolver *r, uint64_t now)
{
	uint64_t bound = r->timeout_ns * r->tries;

	while (r->wait_head && r->wait_head->done)
		lookup_release(wait_pop(r));
	while (r->sent_head && now - r->sent_head->first_ns >= bound)
		finish_lookup(r, r->sent_head, ISW_LOOKUP_TIMEOUT, NULL);
	if (now - r->last_answer_ns < r->timeout_ns)
		return;
	while (r->active_head && now - r->active_head->start_ns >= bound)
		finish_lookup(r, r->active_head, ISW_LOOKUP_TIMEOUT, NULL);
}

/* A result taken off the queue: answered from the cache, joined to a running lookup, or the
 * start of a new one. */
static void intake_one(struct isw_resolver *r, const struct isw_result *res, uint64_t now,
                       int stopping)
{
	struct centry *e;
	struct lookup *lk;
	struct waiter *w;
	int created;

	e = cache_get(r, res->addr, &created);
	if (e && !created && !e->lk) {
		INC(r->cache_hits);
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
		LIST_APPEND(r->active_head, r->active_tail, lk, aprev, anext);
		wait_push_tail(r, lk);
	} else {
		INC(r->cache_hits);
	}
	*lk->wtail = w;
	lk->wtail = &w->next;
}

/* Takes up to INTAKE_BATCH results; 1 if more may be queued. */
static int intake(struct isw_resolver *r, int stopping)
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
static void abandon_all(struct isw_resolver *r)
{
	while (r->wait_head) {
		struct lookup *lk = wait_pop(r);
		if (lk->done)
			lookup_release(lk);
		else
			finish_lookup(r, lk, ISW_LOOKUP_TIMEOUT, NULL);
	}
	for (unsigned i = 0; i < r->nservers; i++)
		if (r->servers[i].inflight)
			ares_cancel(r->servers[i].ch);
}

static void earliest(uint64_t *wait_ns, uint64_t due, uint64_t now)
{
	uint64_t d = due > now ? due - now : 0;

	if (d < *wait_ns)
		*wait_ns = d;
}

static int poll_timeout_ms(struct isw_resolver *r, uint64_t now)
{
	uint64_t wait_ns = (uint64_t)MAX_POLL_MS * 1000000u;
	int timers = 0;

	for (unsigned i = 0; i < r->nservers; i++) {
		struct server *sv = &r->servers[i];
		struct query *q = sv->fl_head;
		if (!q)
			continue;
		timers = 1;
		earliest(&wait_ns, q->sent_ns + r->timeout_ns, now); /* c-ares' timeout */
		while (q && q->late)
			q = q->next;
		if (q)
			earliest(&wait_ns, q->sent_ns + rto_ns(r, sv), now);
	}
	/* When the oldest lookups may expire (expire() ran just before: these lie ahead). */
	if (r->sent_head)
		earliest(&wait_ns, r->sent_head->first_ns + r->timeout_ns * r->tries, now);
	if (r->active_head) {
		uint64_t due = r->active_head->start_ns + r->timeout_ns * r->tries;
		uint64_t quiet = r->last_answer_ns + r->timeout_ns;
		earliest(&wait_ns, due > quiet ? due : quiet, now);
	}
	/* Round up, plus 1 ms when a timer runs: c-ares' own clock must see it as passed. */
	return (int)((wait_ns + 999999) / 1000000) + timers;
}

static void mark_done(struct isw_resolver *r)
{
	isw_done_flag_set(&r->finished);
}

static void *resolver_main(void *arg)
{
	struct isw_resolver *r = arg;
	struct pollfd pfd[MAX_SOCKS];
	int owner[MAX_SOCKS];

	for (;;) {
		/* finishing first: every submit happened before it, so the emptiness checks
		 * below see them all. */
		int finishing = atomic_load(&r->finishing);
		int stopping = atomic_load(&r->stopping);
		int more = intake(r, stopping);
		uint64_t now = now_ns();
		int n = 1, timeout;

		if (stopping)
			abandon_all(r);
		else {
			expire(r, now);
			dispatch(r);
		}
		if (finishing && !more && !r->active && isw_spsc_empty(&r->q)) {
			/* Every lookup is done: queries still in flight are late duplicates of
			 * answered ones, not worth waiting for. */
			for (unsigned i = 0; i < r->nservers; i++)
				if (r->servers[i].inflight)
					ares_cancel(r->servers[i].ch);
			while (r->wait_head) /* done lookups only */
				lookup_release(wait_pop(r));
			break;
		}

		pfd[0].fd = r->wake_fd;
		pfd[0].events = POLLIN;
		owner[0] = -1;
		for (unsigned i = 0; i < r->nservers; i++) {
			ares_socket_t socks[ARES_GETSOCK_MAXNUM];
			int bits = ares_getsock(r->servers[i].ch, socks, ARES_GETSOCK_MAXNUM);
			for (int k = 0; k < ARES_GETSOCK_MAXNUM; k++) {
				short ev = 0;
				if (ARES_GETSOCK_READABLE(bits, k))
					ev |= POLLIN;
				if (ARES_GETSOCK_WRITABLE(bits, k))
					ev |= POLLOUT;
				if (!ev)
					continue;
				pfd[n].fd = socks[k];
				pfd[n].events = ev;
				owner[n++] = (int)i;
			}
		}
		timeout = more ? 0 : poll_timeout_ms(r, now);
		if (timeout > 0) {
			atomic_store(&r->sleeping, 1);
			atomic_thread_fence(memory_order_seq_cst);
			if (!isw_spsc_empty(&r->q) || atomic_load(&r->finishing) != finishing ||
			    atomic_load(&r->stopping) != stopping)
				timeout = 0;
		}
		if (poll(pfd, (nfds_t)n, timeout) < 0 && errno != EINTR)
			timeout = 0; /* should not happen; keep going */
		atomic_store(&r->sleeping, 0);
		if (pfd[0].revents & POLLIN) {
			uint64_t v;
			if (read(r->wake_fd, &v, sizeof(v)) < 0) {
				/* EAGAIN: already drained */
			}
		}
		for (int k = 1; k < n; k++) {
			short re = pfd[k].revents;
			if (!re)
				continue;
			ares_process_fd(r->servers[owner[k]].ch,
			                re & (POLLIN | POLLERR | POLLHUP) ? pfd[k].fd
			                                                  : ARES_SOCKET_BAD,
			                re & POLLOUT ? pfd[k].fd : ARES_SOCKET_BAD);
		}
		/* c-ares' timeouts, then ours. */
		now = now_ns();
		for (unsigned i = 0; i < r->nservers; i++) {
			struct query *q = r->servers[i].fl_head;
			if (q && now >= q->sent_ns + r->timeout_ns)
				ares_process_fd(r->servers[i].ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
		}
		if (!stopping)
			check_late(r, now_ns());
	}
	mark_done(r);
	return NULL;
}
