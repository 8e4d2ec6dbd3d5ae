/* SPDX-License-Identifier: BSD-2-Clause */
/* --adaptive's third signal, beside capture and interface drops: answers falling short of
 * what the send rate predicts.  A policer or an ICMP rate limit on the path drops probes or
 * answers where our counters cannot see it; what we do see is the share of probes answered
 * falling as the rate rises.  The permutation spreads live hosts evenly over the sweep, so
 * that share is steady while nothing is lost: the watch learns it, and flags a window whose
 * answers fall clearly short of it.
 *
 * One watch per sender thread, fed with the scan's global counters; no locks, no clock of its
 * own.  Reset it at each pass: later passes probe only silent targets and answer far less. */
#ifndef ISW_REPLY_WATCH_H
#define ISW_REPLY_WATCH_H

#include <stdint.h>

#define ISW_REPLY_WATCH_SAMPLES 64 /* of cumulative sends: 6.4 s at one per 100 ms */

struct isw_reply_watch {
	uint64_t t_ns[ISW_REPLY_WATCH_SAMPLES], sent[ISW_REPLY_WATCH_SAMPLES];
	unsigned head, count;
	uint64_t prev_t_ns, prev_answers,
	    prev_sent; /* the window's start (sent: one lag earlier) */
	int have_prev;
	unsigned short_run;     /* consecutive short windows */
	unsigned learned;       /* windows behind smooth */
	uint64_t hold_until_ns; /* no judging before this: a rate change is still in flight */
	double smooth;          /* answers per probe, smoothed over windows */
	double baseline; /* the highest smoothed share: what the network answers losing nothing */
	double fraction; /* of the answers expected, what the last short window got */
};

void isw_reply_watch_reset(struct isw_reply_watch *w);

/* After a rate change: until until_ns, windows neither learn nor count as short (answers
 * still in flight belong to the old rate). */
void isw_reply_watch_hold(struct isw_reply_watch *w, uint64_t until_ns);

/* One window's end (about every 100 ms): the time, the probes sent and answers counted so
 * far, and how long an answer takes to be counted after its probe left (RTT plus capture
 * delay).  Returns 1 when the answers fell clearly short of the baseline share of the probes
 * sent one lag earlier (by 15% and by four standard deviations at least) in two windows in a
 * row. */
int isw_reply_watch_update(struct isw_reply_watch *w, uint64_t now_ns, uint64_t sent,
                           uint64_t answers, uint64_t lag_ns);

/* The learnt share of probes answered (0 until enough was seen). */
double isw_reply_watch_baseline(const struct isw_reply_watch *w);

/* After a shortfall: the part of the expected answers that came back, which is about the
 * part of the rate the path lets through. */
double isw_reply_watch_fraction(const struct isw_reply_watch *w);

#endif
