/* SPDX-License-Identifier: BSD-2-Clause */
/* When to stop listening after the last probe.
 *
 * -c SECONDS waits exactly that long (but never less than ISW_COOLDOWN_MIN_DRAIN_NS, so
 * answers already on the wire when the last probe left still count, even with -c 0).
 *
 * -c auto (the default) waits until the answers still expected are negligible.  The capture
 * thread keeps a history of when probes left (send-time slots: cumulative sent counter read
 * once per capture round) and the RTT histogram of the answers so far.  From them, for every
 * RTT bucket b, the share of probes answering with an RTT in b is
 *     d[b] = answers in b / probes old enough to have had such an answer,
 * which corrects for probes still too young (a sweep shorter than the RTT tail); a few tail
 * answers say little about exactly where the next falls, so each bucket gets at least the
 * mean share of ISW_COOLDOWN_SMOOTH buckets either side (half an octave).  RTTs longer
 * than the oldest probe's age A were never observable: their share is extrapolated as
 * ISW_COOLDOWN_TAIL_FACTOR times the share seen in the last octave [A/2, A) (zero once the
 * answers have ended for a whole octave).  The answers still expected are
 *     sum over send-time slots of probes in the slot x (share with RTT > the slot's age),
 * and the wait ends once that is below ISW_COOLDOWN_EXPECTED_MAX, never before
 * ISW_COOLDOWN_FLOOR_NS, before any answer not before ISW_COOLDOWN_QUIET_NS, and at the
 * latest at the -c auto:MAX cap.  Everything here is a pure function of its inputs (the
 * clock is a parameter), single-threaded: the capture thread owns the history. */
#ifndef ISW_COOLDOWN_H
#define ISW_COOLDOWN_H

#include <stdint.h>

#include "rtt-hist.h"

#define ISW_COOLDOWN_SLOTS       1024
#define ISW_COOLDOWN_SLOT_MIN_NS 10000000ull /* 10 ms send-time resolution */
/* Every mode, -c 0 included: longer than the capture's block timeout (ISW_RX_BLOCK_TIMEOUT_MS,
 * checked in cooldown.c), so the answers that reach the interface within ~30 ms of the last
 * probe are read. */
#define ISW_COOLDOWN_MIN_DRAIN_NS 50000000ull
#define ISW_COOLDOWN_FLOOR_NS     100000000ull  /* auto: timer and scheduling noise on a LAN */
#define ISW_COOLDOWN_QUIET_NS     1000000000ull /* auto: no answer at all yet */
#define ISW_COOLDOWN_EXPECTED_MAX 0.05
#define ISW_COOLDOWN_SMOOTH       2   /* auto: buckets either side a share spreads to */
#define ISW_COOLDOWN_TAIL_FACTOR  1.0 /* auto: unseen tail vs the last octave seen */

/* When probes left: ISW_COOLDOWN_SLOTS slots of slot_ns, the oldest folded into `old`. */
struct isw_send_history {
	uint64_t t0_ns, slot_ns;
	uint64_t newest; /* absolute index of the newest slot in count[] */
	uint64_t noted;  /* cumulative sent counter at the last note */
	uint64_t first;  /* absolute slot of the first probe; UINT64_MAX before it */
	uint64_t old;    /* probes older than the ring */
	uint64_t count[ISW_COOLDOWN_SLOTS];
};

/* span_ns: the longest wait that matters (the cap); slots widen beyond 10 ms to cover it. */
void isw_send_history_init(struct isw_send_history *h, uint64_t now_ns, uint64_t span_ns);
/* Credits the probes sent since the last note (sent_total is cumulative) to now's slot: at
 * worst later than they left, which only makes them look younger, the safe side. */
void isw_send_history_note(struct isw_send_history *h, uint64_t now_ns, uint64_t sent_total);

/* Answers still expected at now_ns, from the history and the RTT counts (per bucket of
 * rtt-hist.h, new answers only). */
double isw_cooldown_expected(const struct isw_send_history *h,
                             const uint64_t rtt_counts[ISW_RTT_BUCKETS], uint64_t now_ns);

struct isw_cooldown_params {
	int auto_mode;
	double cooldown_s; /* the wait with -c SECONDS, the cap with -c auto */
};

/* 1 once the cooldown after the last probe (end_ns) is over at now_ns. */
int isw_cooldown_over(const struct isw_cooldown_params *p, const struct isw_send_history *h,
                      const uint64_t rtt_counts[ISW_RTT_BUCKETS], uint64_t end_ns, uint64_t now_ns);

/* The shorter pause for answers between passes (and ARP tries), before deciding who to probe
 * again: -c SECONDS waits that long; -c auto ISW_ANSWER_WAIT_P99S times the p99 RTT of the
 * answers so far, never below ISW_ANSWER_WAIT_MIN_NS, ISW_ANSWER_WAIT_BLIND_NS before any
 * answer, and at most the -c auto:MAX cap. */
#define ISW_ANSWER_WAIT_P99S     4.0
#define ISW_ANSWER_WAIT_MIN_NS   100000000ull  /* timer and scheduling noise on a fast LAN */
#define ISW_ANSWER_WAIT_BLIND_NS 1000000000ull /* no RTT seen yet */

/* p99_ms: the answers' p99 RTT (isw_rtt_hist_quantile_ms), negative before any answer. */
uint64_t isw_answer_wait_ns(const struct isw_cooldown_params *p, double p99_ms);

#endif
