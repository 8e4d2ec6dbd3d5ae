/* SPDX-License-Identifier: BSD-2-Clause */
/* --adaptive's reply signal (reply-watch.h): answers falling short of what the send rate
 * predicts. */
#include <string.h>

#include "reply-watch.h"

/* A window needs this many probes to count, and a prediction this many answers for a
 * shortfall to stand out from the noise (about 10% at 100). */
#define MIN_WINDOW_PROBES 200
#define MIN_EXPECTED      100.0
#define SHORTFALL         0.85 /* answers below this share of the prediction */
#define SHORTFALL_SIGMAS  4.0
/* Slow smoothing: the baseline is the highest smoothed share, so noise must not lift it. */
#define SMOOTHING   0.1
#define MIN_LEARNED 2
/* A real limit persists; one short window in a long scan can be chance. */
#define SHORT_WINDOWS 2

void isw_reply_watch_reset(struct isw_reply_watch *w)
{
	memset(w, 0, sizeof(*w));
}

void isw_reply_watch_hold(struct isw_reply_watch *w, uint64_t until_ns)
{
	w->hold_until_ns = until_ns;
	w->short_run = 0;
}

/* Probes sent by time t, interpolated between the samples around it; 0 before the first
 * sample, the oldest sample's count beyond the history. */
static uint64_t sent_at(const struct isw_reply_watch *w, uint64_t t)
{
	unsigned i = w->head, newer = w->head;

	for (unsigned k = 0; k < w->count; k++) {
		i = (i + ISW_REPLY_WATCH_SAMPLES - 1) % ISW_REPLY_WATCH_SAMPLES;
		if (w->t_ns[i] <= t) {
			uint64_t s0 = w->sent[i], s1, t0 = w->t_ns[i], t1;

			if (k == 0)
				return s0; /* t is at or after the newest sample */
			s1 = w->sent[newer];
			t1 = w->t_ns[newer];
			return s0 +
			       (uint64_t)((double)(s1 - s0) * (double)(t - t0) / (double)(t1 - t0));
		}
		newer = i;
	}
	return w->count == ISW_REPLY_WATCH_SAMPLES ? w->sent[i] : 0;
}

/* 1 when dans answers fall short of expected by SHORTFALL and by SHORTFALL_SIGMAS standard
 * deviations (counts are about Poisson: variance = expected); squared, to stay off libm. */
static int falls_short(double dans, double expected)
{
	double gap = expected - dans;

	return expected >= MIN_EXPECTED && dans < SHORTFALL * expected &&
	       gap * gap > SHORTFALL_SIGMAS * SHORTFALL_SIGMAS * expected;
}

int isw_reply_watch_update(struct isw_reply_watch *w, uint64_t now_ns, uint64_t sent,
                           uint64_t answers, uint64_t lag_ns)
{
	uint64_t lagged, dsent, dans;
	double share, alpha;

	w->t_ns[w->head] = now_ns;
	w->sent[w->head] = sent;
	w->head = (w->head + 1) % ISW_REPLY_WATCH_SAMPLES;
	if (w->count < ISW_REPLY_WATCH_SAMPLES)
		w->count++;
	lagged = sent_at(w, now_ns > lag_ns ? now_ns - lag_ns : 0);
	if (!w->have_prev) {
		/* The start is a rate change too: its answers arrive one lag later. */
		w->hold_until_ns = now_ns + lag_ns;
	}
	if (!w->have_prev || lagged < w->prev_sent || answers < w->prev_answers ||
	    w->prev_t_ns < w->hold_until_ns) {
		/* Start, counters moved back, or a window that began while a rate change was still
		 * in flight: start afresh. */
		w->have_prev = 1;
		w->prev_t_ns = now_ns;
		w->prev_sent = lagged;
		w->prev_answers = answers;
		return 0;
	}
	dsent = lagged - w->prev_sent;
	if (dsent < MIN_WINDOW_PROBES)
		return 0; /* keep accumulating into the same window */
	dans = answers - w->prev_answers;
	w->prev_t_ns = now_ns;
	w->prev_sent = lagged;
	w->prev_answers = answers;
	if (falls_short((double)dans, w->baseline * (double)dsent)) {
		w->fraction = (double)dans / (w->baseline * (double)dsent);
		return ++w->short_run >= SHORT_WINDOWS;
	}
	/* Only windows that lose nothing teach the baseline, or it would learn the loss. */
	w->short_run = 0;
	share = (double)dans / (double)dsent;
	/* The plain mean of the first windows, then an exponential one; the baseline follows
	 * only once a few windows stand behind it. */
	w->learned++;
	alpha = w->learned < 1 / SMOOTHING ? 1.0 / (double)w->learned : SMOOTHING;
	w->smooth += alpha * (share - w->smooth);
	if (w->learned >= MIN_LEARNED && w->smooth > w->baseline)
		w->baseline = w->smooth;
	return 0;
}

double isw_reply_watch_baseline(const struct isw_reply_watch *w)
{
	return w->baseline;
}

double isw_reply_watch_fraction(const struct isw_reply_watch *w)
{
	return w->fraction;
}
