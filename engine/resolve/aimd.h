/* SPDX-License-Identifier: BSD-2-Clause */
/* Adaptive in-flight limit for one DNS server: additive increase, multiplicative decrease.
 *
 * The window starts small and doubles per round trip (slow start: +1 per answer) until the
 * first loss, then grows by about one per window of answers (+1/w per answer).  A timeout
 * halves it, but only once per window: timeouts of queries sent before the last decrease
 * were caused by the old, larger window and are not counted again (TCP's recovery rule), so
 * a burst of losses halves the window once instead of collapsing it to the minimum.
 * Pure arithmetic, single-threaded, no clock.
 */
#ifndef ISW_AIMD_H
#define ISW_AIMD_H

#include <stdint.h>

struct isw_aimd {
	double window;   /* current limit (>= min) */
	double ssthresh; /* slow start below this */
	double min, max;
	uint64_t next_seq;    /* sequence number of the next query sent */
	uint64_t recover_seq; /* queries numbered below this were sent before the last decrease */
	uint64_t decreases;   /* times the window was halved */
};

/* initial is clamped to [min, max]; min >= 1. */
void isw_aimd_init(struct isw_aimd *a, unsigned initial, unsigned min, unsigned max);

/* How many queries may be in flight now. */
unsigned isw_aimd_limit(const struct isw_aimd *a);

/* A query is sent: returns its sequence number, to be handed back on a timeout. */
uint64_t isw_aimd_on_send(struct isw_aimd *a);

/* The server answered (any response code). */
void isw_aimd_on_answer(struct isw_aimd *a);

/* The query numbered seq got no answer.  Returns 1 if the window was halved. */
int isw_aimd_on_timeout(struct isw_aimd *a, uint64_t seq);

#endif
