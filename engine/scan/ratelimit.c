/* SPDX-License-Identifier: BSD-2-Clause */
/* The sender's batch throttle (ratelimit.h): exact long-run rate, bounded bursts. */
#include "ratelimit.h"

void isw_ratelimit_init(struct isw_ratelimit *rl, uint64_t rate, uint32_t max_batch,
                        uint64_t now_ns)
{
	rl->rate = rate;
	rl->t0_ns = now_ns;
	rl->sent = 0;
	rl->max_batch = max_batch ? max_batch : 1;
	/* About 50 us worth of probes per wake-up: sleeping less is below what nanosleep can
	 * resolve, and the average catches up anyway. */
	rl->min_batch = (uint32_t)(rate / 20000);
	if (rl->min_batch < 1)
		rl->min_batch = 1;
	if (rl->min_batch > rl->max_batch)
		rl->min_batch = rl->max_batch;
	/* A descheduled thread (a few ms on a busy machine) owes probes: up to 20 ms of them
	 * are still sent, so the average holds, but paced (below).  A longer stall is a pause
	 * (SIGSTOP, a paused link): its credit is forgiven down to one batch. */
	rl->max_debt = rate / 50;
	if (rl->max_debt < rl->max_batch)
		rl->max_debt = rl->max_batch;
	/* One batch: a wake-up's worth plus a little slack, 1 ms of probes but at most a send
	 * batch of them, and never less than 100 us of them (the timer slack of every wake-up,
	 * without which the rate would fall short at millions per second): 3 probes at 2k/s,
	 * 150 at 1M/s.  No more than that ever goes at once; debts are paid at up to twice the
	 * rate (a token bucket of that size, filling at 2 x rate). */
	{
		uint64_t ms = rate / 1000, slack = ms < rl->max_batch ? ms : rl->max_batch;

		if (slack < rate / 10000)
			slack = rate / 10000;
		rl->burst = rl->min_batch + slack;
	}
	rl->tokens = (double)rl->burst;
	rl->tokens_ns = now_ns;
}

uint32_t isw_ratelimit_take(struct isw_ratelimit *rl, uint64_t now_ns, uint64_t *wait_ns)
{
	unsigned __int128 due;
	uint64_t allowed;

	*wait_ns = 0;
	if (rl->rate == 0)
		return rl->max_batch;
	if (now_ns < rl->t0_ns)
		now_ns = rl->t0_ns;
	due = (unsigned __int128)(now_ns - rl->t0_ns) * rl->rate / 1000000000u;
	if (due > rl->sent + rl->max_debt) {
		/* A pause: move the window start so that one batch is owed. */
		uint64_t keep = rl->sent + rl->burst;
		rl->t0_ns = now_ns - (uint64_t)((unsigned __int128)keep * 1000000000u / rl->rate);
		due = keep;
	}
	if (now_ns > rl->tokens_ns) {
		rl->tokens += (double)(now_ns - rl->tokens_ns) * 2e-9 * (double)rl->rate;
		if (rl->tokens > (double)rl->burst)
			rl->tokens = (double)rl->burst;
		rl->tokens_ns = now_ns;
	}
	allowed = due > rl->sent ? (uint64_t)due - rl->sent : 0;
	if (allowed > (uint64_t)rl->tokens)
		allowed = (uint64_t)rl->tokens;
	if (allowed >= rl->min_batch)
		return allowed > rl->max_batch ? rl->max_batch : (uint32_t)allowed;
	{
		uint64_t need = rl->sent + rl->min_batch;
		uint64_t at =
		    rl->t0_ns +
		    (uint64_t)(((unsigned __int128)need * 1000000000u + rl->rate - 1) / rl->rate);
		/* And until the bucket holds a batch again. */
		double short_by = (double)rl->min_batch - rl->tokens;
		uint64_t at_peak =
		    short_by > 0
		        ? now_ns + (uint64_t)(short_by * 1e9 / (2.0 * (double)rl->rate)) + 1
		        : now_ns;

		if (at_peak > at)
			at = at_peak;
		*wait_ns = at > now_ns ? at - now_ns : 1;
	}
	return 0;
}
