/* SPDX-License-Identifier: BSD-2-Clause */
/* Resolver stage (see include/icmpsweep/resolve.h): its public API -- configuration,
 * lifecycle, the submitter's side and the counters.
 *
 * Threads: the submitter (the capture thread) only copies results into an SPSC queue and
 * pokes an eventfd when the resolver thread sleeps.  Everything else — the cache, the lookups,
 * the c-ares channels, the callback — belongs to the resolver thread.  Counters that other
 * threads read are relaxed atomics.
 *
 * The resolver thread's side: resolve-loop.c, resolve-lookup.c, resolve-query.c,
 * resolve-pacing.c; the cache is an addr-map.h map; the server table: resolve-servers.c.
 */
#include <ares.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "done-flag.h"
#include "icmpsweep/error.h"
#include "icmpsweep/resolve.h"
#include "resolve-internal.h"
#include "spsc-queue.h"

#define DEFAULT_QUEUE 65536

void isw_resolver_config_init(struct isw_resolver_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->concurrency = ISW_RESOLVE_DEFAULT_CONCURRENCY;
	cfg->timeout_ms = ISW_RESOLVE_DEFAULT_TIMEOUT_MS;
	cfg->tries = ISW_RESOLVE_DEFAULT_TRIES;
}

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
	if (rc == 0)
		rc = isw_addr_map_init(&r->cache, sizeof(struct centry), 512);
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
	rc = isw_resolve_add_servers(r, cfg, hooks, errbuf);
	if (rc < 0)
		goto fail;
	/* The thread takes no signals: they belong to the caller's threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	rc = pthread_create(&r->thread, NULL, isw_resolve_thread_main, r);
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
	ISW_INC(r->submitted);
	/* Pairs with the fence in isw_resolve_thread_main: either the thread sees the element
	 * before it sleeps, or we see that it sleeps and wake it. */
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
	uint64_t first = ISW_GET(r->first_ns), last = ISW_GET(r->last_ns);

	memset(st, 0, sizeof(*st));
	st->submitted = ISW_GET(r->submitted);
	st->written = ISW_GET(r->written);
	st->lookups = ISW_GET(r->lookups);
	st->ok = ISW_GET(r->ok);
	st->nxdomain = ISW_GET(r->nxdomain);
	st->servfail = ISW_GET(r->servfail);
	st->timeout = ISW_GET(r->timeout);
	st->cache_hits = ISW_GET(r->cache_hits);
	st->queries = ISW_GET(r->queries);
	st->retries = ISW_GET(r->retries);
	st->spilled = isw_spsc_spilled(&r->q);
	st->in_flight = ISW_GET(r->in_flight);
	st->waiting = ISW_GET(r->waiting);
	st->elapsed_s = first && last > first ? (double)(last - first) / 1e9 : 0.0;
	st->nservers = r->nservers;
	st->finished = isw_done_flag_get(&r->finished);
}

int isw_resolver_get_server(const isw_resolver *cr, unsigned i,
                            struct isw_resolver_server_stats *st)
{
	struct isw_resolver *r = (struct isw_resolver *)cr;
	struct isw_rserver *sv;

	if (i >= r->nservers)
		return -ENOENT;
	sv = &r->servers[i];
	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", sv->name);
	st->queries = ISW_GET(sv->queries);
	st->answers = ISW_GET(sv->answers);
	st->timeouts = ISW_GET(sv->timeouts);
	st->late = ISW_GET(sv->late);
	st->decreases = ISW_GET(sv->decreases);
	st->window = atomic_load_explicit(&sv->window, memory_order_relaxed);
	st->rto_ms = atomic_load_explicit(&sv->rto_ms, memory_order_relaxed);
	return 0;
}

void isw_resolver_free(isw_resolver *r)
{
	struct centry *e;

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
		struct isw_rlookup *lk = r->wait_head;
		r->wait_head = lk->next;
		isw_resolve_free_lookup(lk);
	}
	for (size_t pos = 0; (e = isw_addr_map_next(&r->cache, &pos, NULL));)
		free(e->name);
	isw_addr_map_free(&r->cache);
	isw_spsc_destroy(&r->q);
	if (r->wake_fd >= 0)
		close(r->wake_fd);
	isw_done_flag_destroy(&r->finished);
	free(r);
}
