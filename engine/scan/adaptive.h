/* SPDX-License-Identifier: BSD-2-Clause */
/* --adaptive: the closed-loop send rate of one sender thread.
 *
 * Answers are being lost when the capture ring or the interface drops them, or when fewer
 * come back than the send rate predicts (a policer or an ICMP rate limit on the path;
 * reply-watch.h).  Then the rate is cut to ISW_ADAPTIVE_CUT_PERCENT, or straight to the part
 * of the answers that still came back when that is lower; never below ISW_ADAPTIVE_FLOOR_PPS.
 * After ISW_ADAPTIVE_CALM_NS without loss it grows by one ISW_ADAPTIVE_GROW_DIV-th back
 * toward what was asked.  The decision is taken every ISW_ADAPTIVE_CHECK_NS.
 *
 * Pure arithmetic on the caller's counters and clock readings (the sender passes the clock
 * reading its batch already made), so tests drive it with a fake clock.  One per sender
 * thread, no locks. */
#ifndef ISW_ADAPTIVE_H
#define ISW_ADAPTIVE_H

#include <stdint.h>

#include "icmpsweep/scan.h"
#include "reply-watch.h"
#include "rx.h"

#define ISW_ADAPTIVE_CHECK_NS    100000000ull  /* one window between decisions */
#define ISW_ADAPTIVE_CALM_NS     2000000000ull /* without loss before growing again */
#define ISW_ADAPTIVE_CUT_PERCENT 70            /* of the rate kept on loss */
#define ISW_ADAPTIVE_GROW_DIV    10            /* growth per calm period: rate / this, + 1 */
#define ISW_ADAPTIVE_FLOOR_PPS   1000          /* the lowest rate a cut goes to */
/* Answers short: the rate goes to this part of the share that came back, a margin below what
 * the path lets through, so the next windows show the full share again. */
#define ISW_ADAPTIVE_SHORT_MARGIN 0.8
/* Unlimited, and loss before a window's worth of time went by: the rate to cut from. */
#define ISW_ADAPTIVE_UNLIMITED_GUESS_PPS 100000
/* An answer is counted this long after its probe left: its RTT, the time it may wait in the
 * capture ring (ISW_RX_BLOCK_TIMEOUT_MS), and slack for the capture thread's round. */
#define ISW_ADAPTIVE_LAG_SLACK_NS 20000000ull
#define ISW_ADAPTIVE_CAPTURE_NS   (ISW_RX_BLOCK_TIMEOUT_MS * 1000000ull)

struct isw_adaptive {
	uint64_t asked; /* the rate asked for (this thread's share); 0: unlimited */
	uint64_t next_ns, calm_since_ns, drops;
	struct isw_reply_watch watch; /* reset at each pass */
};

/* One decision's view of the scan; counters are cumulative. */
struct isw_adaptive_input {
	uint64_t now_ns;
	uint64_t rate;                         /* the rate now (0: unlimited) */
	uint64_t window_start_ns, window_sent; /* the rate limiter's window: what unlimited made */
	uint64_t sent, replies;                /* probes sent and answers counted, whole scan */
	uint64_t drops;                        /* capture and interface drops */
	double rtt_p90_ms;                     /* of the answers so far; negative before any */
};

void isw_adaptive_init(struct isw_adaptive *a, uint64_t asked);

/* A new pass: later passes probe only silent targets and answer far less. */
void isw_adaptive_new_pass(struct isw_adaptive *a);

/* Whether a decision is due at now_ns: cheap, for every batch. */
static inline int isw_adaptive_due(const struct isw_adaptive *a, uint64_t now_ns)
{
	return now_ns >= a->next_ns;
}

/* How long after a probe its answer is counted (p90_ms negative: no RTT seen yet). */
uint64_t isw_adaptive_lag_ns(double rtt_p90_ms);

/* Decides the rate from now on (*rate, which may equal in->rate) and returns why it slowed
 * down (ISW_SLOW_NONE when it did not; a cut already at the floor still counts). */
enum isw_slow_reason isw_adaptive_decide(struct isw_adaptive *a,
                                         const struct isw_adaptive_input *in, uint64_t *rate);

#endif
