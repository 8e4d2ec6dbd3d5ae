/* SPDX-License-Identifier: BSD-2-Clause */
/* Resolver stage: the resolver thread's loop -- it takes results off the queue, runs the
 * lookups' timers and polls the wake-up eventfd and every channel's sockets. */
#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>

#include "done-flag.h"
#include "resolve-internal.h"
#include "spsc-queue.h"

#define MAX_POLL_MS 100
#define MAX_SOCKS   (ARES_GETSOCK_MAXNUM * ISW_RESOLVE_MAX_SERVERS + 1)

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
		struct isw_rserver *sv = &r->servers[i];
		struct isw_rquery *q = sv->fl_head;
		if (!q)
			continue;
		timers = 1;
		earliest(&wait_ns, q->sent_ns + r->timeout_ns, now); /* c-ares' timeout */
		while (q && q->late)
			q = q->next;
		if (q)
			earliest(&wait_ns, q->sent_ns + isw_resolve_rto_ns(r, sv), now);
	}
	/* When the oldest lookups may expire (isw_resolve_expire() ran just before: these lie
	 * ahead). */
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

void *isw_resolve_thread_main(void *arg)
{
	struct isw_resolver *r = arg;
	struct pollfd pfd[MAX_SOCKS];
	int owner[MAX_SOCKS];

	for (;;) {
		/* finishing first: every submit happened before it, so the emptiness checks
		 * below see them all. */
		int finishing = atomic_load(&r->finishing);
		int stopping = atomic_load(&r->stopping);
		int more = isw_resolve_intake(r, stopping);
		uint64_t now = now_ns();
		int n = 1, timeout;

		if (stopping)
			isw_resolve_abandon_all(r);
		else {
			isw_resolve_expire(r, now);
			isw_resolve_dispatch(r);
		}
		if (finishing && !more && !r->active && isw_spsc_empty(&r->q)) {
			/* Every lookup is done: queries still in flight are late duplicates of
			 * answered ones, not worth waiting for. */
			for (unsigned i = 0; i < r->nservers; i++)
				if (r->servers[i].inflight)
					ares_cancel(r->servers[i].ch);
			while (r->wait_head) /* done lookups only */
				isw_resolve_lookup_release(isw_resolve_wait_pop(r));
			break;
		}

		pfd[0].fd = r->wake_fd;
		pfd[0].events = POLLIN;
		owner[0] = -1;
		for (unsigned i = 0; i < r->nservers; i++) {
			ares_socket_t socks[ARES_GETSOCK_MAXNUM];
			/* Not ARES_GETSOCK_WRITABLE(): its int shift reaches the sign bit for the
			 * last socket, undefined behaviour. */
			unsigned bits =
			    (unsigned)ares_getsock(r->servers[i].ch, socks, ARES_GETSOCK_MAXNUM);
			for (unsigned k = 0; k < ARES_GETSOCK_MAXNUM; k++) {
				short ev = 0;
				if (bits & 1u << k)
					ev |= POLLIN;
				if (bits & 1u << (k + ARES_GETSOCK_MAXNUM))
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
			struct isw_rquery *q = r->servers[i].fl_head;
			if (q && now >= q->sent_ns + r->timeout_ns)
				ares_process_fd(r->servers[i].ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
		}
		if (!stopping)
			isw_resolve_check_late(r, now_ns());
	}
	mark_done(r);
	return NULL;
}
