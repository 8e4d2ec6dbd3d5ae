/* SPDX-License-Identifier: BSD-2-Clause */
/* Batch throttle.  The sender reads the clock once per batch and asks how many probes may go
 * now; the answer follows the average since the start, so the long-run rate is exact, and the
 * batch grows with the rate because more probes fall due between two clock reads.  Pure
 * arithmetic on caller-supplied times, so tests drive it with a fake clock. */
#ifndef ISW_RATELIMIT_H
#define ISW_RATELIMIT_H

#include <stdint.h>

struct isw_ratelimit {
	uint64_t rate;      /* per second; 0 = unlimited */
	uint64_t t0_ns;     /* start of the averaging window */
	uint64_t sent;      /* probes committed since t0 */
	uint32_t min_batch; /* sleep until at least this many are due */
	uint32_t max_batch;
	uint64_t max_debt; /* most probes owed after a short stall (20 ms); more is a pause */
	uint64_t burst;    /* most probes at once: one batch plus the timer slack */
	double tokens;     /* the pacing bucket: burst deep, filling at twice the rate */
	uint64_t tokens_ns;
};

void isw_ratelimit_init(struct isw_ratelimit *rl, uint64_t rate, uint32_t max_batch,
                        uint64_t now_ns);

/* How many probes may be sent at now_ns (0..max_batch).  When 0, *wait_ns says how long to
 * sleep before asking again. */
uint32_t isw_ratelimit_take(struct isw_ratelimit *rl, uint64_t now_ns, uint64_t *wait_ns);

/* Records n probes actually sent (at most what take allowed). */
static inline void isw_ratelimit_commit(struct isw_ratelimit *rl, uint32_t n)
{
	rl->sent += n;
	rl->tokens -= n;
}

#endif
