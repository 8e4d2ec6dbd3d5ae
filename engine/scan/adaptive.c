/* SPDX-License-Identifier: BSD-2-Clause */
/* The --adaptive rate decision (adaptive.h). */
#include <string.h>

#include "adaptive.h"

void isw_adaptive_init(struct isw_adaptive *a, uint64_t asked)
{
	memset(a, 0, sizeof(*a));
	a->asked = asked;
}

void isw_adaptive_new_pass(struct isw_adaptive *a)
{
	isw_reply_watch_reset(&a->watch);
}

uint64_t isw_adaptive_lag_ns(double rtt_p90_ms)
{
	return (uint64_t)((rtt_p90_ms > 0 ? rtt_p90_ms : 0) * 1e6) + ISW_ADAPTIVE_CAPTURE_NS +
	       ISW_ADAPTIVE_LAG_SLACK_NS;
}

/* The rate after a loss: a cut, or the part of the answers that still came back. */
static uint64_t cut(const struct isw_adaptive *a, const struct isw_adaptive_input *in,
                    int short_only)
{
	const double kept = ISW_ADAPTIVE_CUT_PERCENT / 100.0;
	double came_back = isw_reply_watch_fraction(&a->watch) * ISW_ADAPTIVE_SHORT_MARGIN;
	uint64_t rate = in->rate, nr;

	if (!rate) {
		/* Unlimited so far: start from what the window achieved. */
		double secs = (double)(in->now_ns - in->window_start_ns) / 1e9;

		rate = secs > 0 ? (uint64_t)((double)in->window_sent / secs)
		                : ISW_ADAPTIVE_UNLIMITED_GUESS_PPS;
	}
	nr = rate * ISW_ADAPTIVE_CUT_PERCENT / 100;
	/* Answers short by more than the cut: go straight to below what the path lets through
	 * (rather than down in steps, each a lag and two windows long), so the next windows
	 * show the full share of answers again and the baseline learns it. */
	if (short_only && came_back < kept)
		nr = (uint64_t)((double)rate * came_back);
	return nr < ISW_ADAPTIVE_FLOOR_PPS ? ISW_ADAPTIVE_FLOOR_PPS : nr;
}

enum isw_slow_reason isw_adaptive_decide(struct isw_adaptive *a,
                                         const struct isw_adaptive_input *in, uint64_t *rate)
{
	uint64_t now = in->now_ns, r = in->rate, lag = isw_adaptive_lag_ns(in->rtt_p90_ms);
	enum isw_slow_reason why = ISW_SLOW_NONE;
	int dropped, short_fall;

	*rate = r;
	a->next_ns = now + ISW_ADAPTIVE_CHECK_NS;
	dropped = in->drops > a->drops;
	short_fall = isw_reply_watch_update(&a->watch, now, in->sent, in->replies, lag);
	if (dropped || short_fall) {
		*rate = cut(a, in, !dropped);
		a->calm_since_ns = now;
		why = dropped ? ISW_SLOW_DROPS : ISW_SLOW_ANSWERS;
	} else if (r && (!a->asked || r < a->asked) &&
	           now - a->calm_since_ns > ISW_ADAPTIVE_CALM_NS) {
		*rate = r + r / ISW_ADAPTIVE_GROW_DIV + 1;
		if (a->asked && *rate > a->asked)
			*rate = a->asked;
		a->calm_since_ns = now;
	}
	a->drops = in->drops;
	/* The answers to the old rate are still on their way: judge the new one after. */
	if (*rate != r)
		isw_reply_watch_hold(&a->watch, now + lag + ISW_ADAPTIVE_CHECK_NS);
	return why;
}
