/* SPDX-License-Identifier: BSD-2-Clause */
/* The cooldown rule (cooldown.h): fixed waits, the -c auto estimate of the answers still to
 * come from the send-time history and the RTT histogram, and the pause between passes. */
#include <string.h>

#include "cooldown.h"
#include "rx.h"

_Static_assert(ISW_COOLDOWN_MIN_DRAIN_NS > ISW_RX_BLOCK_TIMEOUT_MS * 1000000ull,
               "the shortest cooldown must outlast the capture's block timeout");

void isw_send_history_init(struct isw_send_history *h, uint64_t now_ns, uint64_t span_ns)
{
	memset(h, 0, sizeof(*h));
	h->t0_ns = now_ns;
	/* Two slots of slack: the newest is still filling and the oldest already folding. */
	h->slot_ns = span_ns / (ISW_COOLDOWN_SLOTS - 2) + 1;
	if (h->slot_ns < ISW_COOLDOWN_SLOT_MIN_NS)
		h->slot_ns = ISW_COOLDOWN_SLOT_MIN_NS;
	h->first = UINT64_MAX;
}

static void advance(struct isw_send_history *h, uint64_t slot)
{
	if (slot <= h->newest)
		return;
	if (slot - h->newest >= ISW_COOLDOWN_SLOTS) {
		for (unsigned i = 0; i < ISW_COOLDOWN_SLOTS; i++)
			h->old += h->count[i];
		memset(h->count, 0, sizeof(h->count));
		h->newest = slot;
		return;
	}
	while (h->newest < slot) {
		uint64_t *c = &h->count[++h->newest % ISW_COOLDOWN_SLOTS];
		h->old += *c;
		*c = 0;
	}
}

void isw_send_history_note(struct isw_send_history *h, uint64_t now_ns, uint64_t sent_total)
{
	uint64_t slot = now_ns > h->t0_ns ? (now_ns - h->t0_ns) / h->slot_ns : 0;

	advance(h, slot);
	if (sent_total <= h->noted)
		return;
	h->count[h->newest % ISW_COOLDOWN_SLOTS] += sent_total - h->noted;
	if (h->first == UINT64_MAX)
		h->first = h->newest;
	h->noted = sent_total;
}

/* Age in us at now of probes credited to absolute slot j: counted from the slot's end, the
 * young (safe) side. */
static uint64_t slot_age_us(const struct isw_send_history *h, uint64_t j, uint64_t now_ns)
{
	uint64_t end = h->t0_ns + (j + 1) * h->slot_ns;

	return now_ns > end ? (now_ns - end) / 1000 : 0;
}

/* Share of a probe's answers with an RTT above age_us: whole buckets above it, the covered
 * part of its own bucket, and the extrapolated unseen tail. */
static double share_after(const double *d, const double *suffix, double tail, uint64_t age_us)
{
	unsigned b = isw_rtt_bucket_of_us(age_us);
	double lo, hi, part = 0;

	if (b + 1 < ISW_RTT_BUCKETS) {
		lo = (double)isw_rtt_bucket_lo_us(b);
		hi = (double)isw_rtt_bucket_lo_us(b + 1);
		part = d[b] * (hi - (double)age_us) / (hi - lo) + suffix[b + 1];
	}
	return part + tail;
}

/* A few answers in the tail say little about exactly where the next one falls: each bucket
 * gets at least the mean share of the ISW_COOLDOWN_SMOOTH buckets either side of it. */
static void smooth(double *d, uint64_t oldest_us)
{
	double in[ISW_RTT_BUCKETS], sum = 0;
	const int w = ISW_COOLDOWN_SMOOTH, n = ISW_RTT_BUCKETS;

	memcpy(in, d, sizeof(in));
	for (int b = 0; b < n; b++) {
		sum += b + w < n ? in[b + w] : 0;
		if (b == 0)
			for (int k = 0; k < w && k < n; k++)
				sum += in[k];
		if (b - w - 1 >= 0)
			sum -= in[b - w - 1];
		/* Beyond the oldest probe's age nothing was observable: the tail's business. */
		if (isw_rtt_bucket_lo_us((unsigned)b) < oldest_us && sum / (2 * w + 1) > d[b])
			d[b] = sum / (2 * w + 1);
	}
}

double isw_cooldown_expected(const struct isw_send_history *h,
                             const uint64_t rtt_counts[ISW_RTT_BUCKETS], uint64_t now_ns)
{
	double d[ISW_RTT_BUCKETS], suffix[ISW_RTT_BUCKETS + 1], tail = 0, expected = 0;
	uint64_t lo_slot, total = h->old, young = 0, oldest_us, old_age_us = 0;
	uint64_t j;

	if (h->first == UINT64_MAX)
		return 0;
	/* Ring slots still holding probes: the newest ISW_COOLDOWN_SLOTS, from the first. */
	lo_slot = h->newest >= ISW_COOLDOWN_SLOTS - 1 ? h->newest - (ISW_COOLDOWN_SLOTS - 1) : 0;
	if (lo_slot < h->first)
		lo_slot = h->first;
	for (j = lo_slot; j <= h->newest; j++)
		total += h->count[j % ISW_COOLDOWN_SLOTS];
	if (!total)
		return 0;
	if (h->old)
		old_age_us = lo_slot ? slot_age_us(h, lo_slot - 1, now_ns) : 0;
	oldest_us = h->old ? slot_age_us(h, h->first, now_ns) : slot_age_us(h, lo_slot, now_ns);

	/* d[b]: answers in bucket b per probe old enough to have had one (age >= its lower
	 * edge).  Buckets ascend, and the slots walked from the newest have ascending ages. */
	j = h->newest + 1;
	for (unsigned b = 0; b < ISW_RTT_BUCKETS; b++) {
		uint64_t lo = isw_rtt_bucket_lo_us(b), exposed;

		while (j > lo_slot && slot_age_us(h, j - 1, now_ns) < lo) {
			j--;
			young += h->count[j % ISW_COOLDOWN_SLOTS];
		}
		exposed = total - young;
		if (h->old && old_age_us < lo)
			exposed -= h->old;
		/* An answer older than every probe's slot age (slot rounding): judge it against
		 * all probes rather than drop it. */
		d[b] = !rtt_counts[b] ? 0
		       : exposed      ? (double)rtt_counts[b] / (double)exposed
		                      : (double)rtt_counts[b] / (double)total;
	}
	/* RTTs above the oldest probe's age were never observable: as many again as in the last
	 * octave that was (each bucket by its overlap with [oldest/2, oldest)). */
	for (unsigned b = 0; b + 1 < ISW_RTT_BUCKETS; b++) {
		double lo = (double)isw_rtt_bucket_lo_us(b),
		       hi = (double)isw_rtt_bucket_lo_us(b + 1);
		double a = (double)oldest_us / 2, z = (double)oldest_us;
		double from = lo > a ? lo : a, to = hi < z ? hi : z;

		if (d[b] > 0 && to > from)
			tail += d[b] * (to - from) / (hi - lo);
	}
	tail *= ISW_COOLDOWN_TAIL_FACTOR;

	smooth(d, oldest_us);
	suffix[ISW_RTT_BUCKETS] = 0;
	for (unsigned b = ISW_RTT_BUCKETS; b-- > 0;)
		suffix[b] = suffix[b + 1] + d[b];

	for (j = lo_slot; j <= h->newest; j++) {
		uint64_t n = h->count[j % ISW_COOLDOWN_SLOTS];

		if (n)
			expected +=
			    (double)n * share_after(d, suffix, tail, slot_age_us(h, j, now_ns));
	}
	if (h->old)
		expected += (double)h->old * share_after(d, suffix, tail, old_age_us);
	return expected;
}

int isw_cooldown_over(const struct isw_cooldown_params *p, const struct isw_send_history *h,
                      const uint64_t rtt_counts[ISW_RTT_BUCKETS], uint64_t end_ns, uint64_t now_ns)
{
	double c = p->cooldown_s > 0 ? p->cooldown_s * 1e9 : 0;
	uint64_t wait = (uint64_t)c, since, floor_ns = ISW_COOLDOWN_FLOOR_NS, answers = 0;

	if (wait < ISW_COOLDOWN_MIN_DRAIN_NS)
		wait = ISW_COOLDOWN_MIN_DRAIN_NS;
	if (now_ns < end_ns)
		return 0;
	since = now_ns - end_ns;
	if (!p->auto_mode || since >= wait)
		return since >= wait;
	if (floor_ns < ISW_COOLDOWN_MIN_DRAIN_NS)
		floor_ns = ISW_COOLDOWN_MIN_DRAIN_NS;
	if (since < floor_ns)
		return 0;
	for (unsigned b = 0; b < ISW_RTT_BUCKETS; b++)
		answers += rtt_counts[b];
	if (!answers)
		return since >= ISW_COOLDOWN_QUIET_NS;
	return isw_cooldown_expected(h, rtt_counts, now_ns) < ISW_COOLDOWN_EXPECTED_MAX;
}

uint64_t isw_answer_wait_ns(const struct isw_cooldown_params *p, double p99_ms)
{
	uint64_t max = (uint64_t)(p->cooldown_s * 1e9), t;

	if (!p->auto_mode)
		return max;
	t = p99_ms < 0 ? ISW_ANSWER_WAIT_BLIND_NS : (uint64_t)(ISW_ANSWER_WAIT_P99S * p99_ms * 1e6);
	if (t < ISW_ANSWER_WAIT_MIN_NS)
		t = ISW_ANSWER_WAIT_MIN_NS;
	return t < max ? t : max;
}
