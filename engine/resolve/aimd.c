/* SPDX-License-Identifier: BSD-2-Clause */
/* AIMD in-flight limit (see aimd.h). */
#include "aimd.h"

void isw_aimd_init(struct isw_aimd *a, unsigned initial, unsigned min, unsigned max)
{
	if (min < 1)
		min = 1;
	if (max < min)
		max = min;
	if (initial < min)
		initial = min;
	if (initial > max)
		initial = max;
	a->window = initial;
	a->ssthresh = max;
	a->min = min;
	a->max = max;
	a->next_seq = 0;
	a->recover_seq = 0;
	a->decreases = 0;
}

unsigned isw_aimd_limit(const struct isw_aimd *a)
{
	return (unsigned)a->window;
}

uint64_t isw_aimd_on_send(struct isw_aimd *a)
{
	return a->next_seq++;
}

void isw_aimd_on_answer(struct isw_aimd *a)
{
	if (a->window < a->ssthresh)
		a->window += 1.0;
	else
		a->window += 1.0 / a->window;
	if (a->window > a->max)
		a->window = a->max;
}

int isw_aimd_on_timeout(struct isw_aimd *a, uint64_t seq)
{
	if (seq < a->recover_seq)
		return 0;
	a->window /= 2;
	if (a->window < a->min)
		a->window = a->min;
	a->ssthresh = a->window;
	a->recover_seq = a->next_seq;
	a->decreases++;
	return 1;
}
