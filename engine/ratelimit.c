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
	/* Credit never piles up: after a stall (SIGSTOP, a descheduled thread, a paused link)
	 * at most one wake-up's batch goes at once, plus 100 us of probes for the timer slack
	 * of an ordinary wake-up (50 us by default), without which the rate would fall short
	 * at a million per second.  The rest of the debt is forgiven: one probe at 2k/s, about
	 * 150 at 1M/s, never a flood. */
	rl->max_debt = rl->min_batch + rate / 10000;
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
		/* Move the window start so that exactly max_debt is owed. */
		uint64_t keep = rl->sent + rl->max_debt;
		rl->t0_ns = now_ns - (uint64_t)((unsigned __int128)keep * 1000000000u / rl->rate);
		due = keep;
	}
	allowed = due > rl->sent ? (uint64_t)due - rl->sent : 0;
	if (allowed >= rl->min_batch)
		return allowed > rl->max_batch ? rl->max_batch : (uint32_t)allowed;
	{
		uint64_t need = rl->sent + rl->min_batch;
		uint64_t at =
		    rl->t0_ns +
		    (uint64_t)(((unsigned __int128)need * 1000000000u + rl->rate - 1) / rl->rate);
		*wait_ns = at > now_ns ? at - now_ns : 1;
	}
	return 0;
}
