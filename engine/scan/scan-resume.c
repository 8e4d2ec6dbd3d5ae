/* SPDX-License-Identifier: BSD-2-Clause */
/* A scan's place in the keyed order, read for a checkpoint and set again to resume from one
 * (scan.h: isw_scan_get_progress, isw_scan_resume_at, isw_scan_mark_answered). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "scan-internal.h"

/* Sender t's slice of the shard, as isw_sender_main cuts it. */
static void slice(const struct isw_scan *s, unsigned t, uint64_t *lo, uint64_t *hi)
{
	isw_send_slice(&s->send.shard, t, s->send.nsenders, lo, hi);
}

void isw_scan_get_progress(const isw_scan *s, struct isw_scan_progress *p)
{
	const uint64_t low = (1ull << ISW_PROGRESS_PASS_SHIFT) - 1;

	memset(p, 0, sizeof(*p));
	p->senders = s->send.nsenders;
	p->passes = s->send.passes;
	for (unsigned t = 0; t < p->senders; t++) {
		uint64_t w = atomic_load_explicit(&s->count.progress[t], memory_order_relaxed);

		slice(s, t, &p->lo[t], &p->hi[t]);
		p->pass[t] = (unsigned)(w >> ISW_PROGRESS_PASS_SHIFT);
		p->next[t] = p->pass[t] ? w & low : p->lo[t];
	}
}

int isw_scan_resume_at(isw_scan *s, const struct isw_scan_progress *p, char *errbuf)
{
	struct isw_send_ctx *x = &s->send;
	uint64_t walked = 0;

	if (!s->prepared || s->threads_started)
		return -EBUSY;
	if (p->senders != x->nsenders) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "the checkpoint has %u sender threads, this scan %u: give -T %u",
		         p->senders, x->nsenders, p->senders);
		return -EINVAL;
	}
	x->resume_pass_max = 0;
	for (unsigned t = 0; t < p->senders; t++) {
		uint64_t lo, hi;

		slice(s, t, &lo, &hi);
		if (p->lo[t] != lo || p->hi[t] != hi || p->next[t] < lo || p->next[t] > hi ||
		    p->pass[t] > x->passes + 1) {
			snprintf(
			    errbuf, ISW_ERRBUF_SIZE,
			    "the checkpoint's positions of sender %u (%llu..%llu, next %llu) do "
			    "not fit this scan's %llu..%llu",
			    t, (unsigned long long)p->lo[t], (unsigned long long)p->hi[t],
			    (unsigned long long)p->next[t], (unsigned long long)lo,
			    (unsigned long long)hi);
			return -EINVAL;
		}
		x->resume_pass[t] = p->pass[t];
		x->resume_next[t] = p->next[t];
		/* A checkpoint taken before the senders start says where they will. */
		atomic_store(&s->count.progress[t],
		             (uint64_t)p->pass[t] << ISW_PROGRESS_PASS_SHIFT | p->next[t]);
		if (p->pass[t] > x->resume_pass_max)
			x->resume_pass_max = p->pass[t];
		/* The status line's progress counts the positions already walked. */
		if (p->pass[t])
			walked += (uint64_t)(p->pass[t] - 1) * (hi - lo) + (p->next[t] - lo);
	}
	x->resumed = 1;
	atomic_store(&s->count.done, walked);
	return 0;
}

int isw_scan_mark_answered(isw_scan *s, const struct isw_addr *addr, enum isw_result_type type)
{
	int64_t idx = isw_targets_index_addr(s->targets, addr);
	int error = type == ISW_RESULT_UNREACHABLE || type == ISW_RESULT_TIME_EXCEEDED ||
	            type == ISW_RESULT_OTHER_ERROR;

	if (idx < 0 || (idx = isw_shard_slot(&s->send.shard, (uint64_t)idx)) < 0)
		return -ENOENT;
	isw_bitmap_test_and_set(error ? &s->errored : &s->alive, (uint64_t)idx);
	return 0;
}
