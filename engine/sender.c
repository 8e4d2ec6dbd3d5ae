/* The sender thread: next index -> permutation -> target -> patch the template -> batch ->
 * backend.  The clock is read once per batch (rate limiter and send time stamp), the bitmap
 * is read lock-free, and counters are published once per batch. */
#include <time.h>

#include "ratelimit.h"
#include "scan-internal.h"

uint64_t isw_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t isw_wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void isw_sleep_unless(uint64_t ns, atomic_int *flag)
{
	const uint64_t slice = 10 * 1000 * 1000;

	while (ns > 0 && !atomic_load_explicit(flag, memory_order_relaxed)) {
		uint64_t d = ns < slice ? ns : slice;
		struct timespec ts = {(time_t)(d / 1000000000u), (long)(d % 1000000000u)};
		nanosleep(&ts, NULL);
		ns -= d;
	}
}

static int stopping(struct isw_scan *s)
{
	return atomic_load_explicit(&s->stop_sending, memory_order_relaxed);
}

static void send_pass(struct isw_scan *s, unsigned pass, struct isw_ratelimit *rl)
{
	uint8_t buf[ISW_SEND_BATCH][ISW_PROBE_MAX_LEN];
	uint8_t *frames[ISW_SEND_BATCH];
	uint32_t lens[ISW_SEND_BATCH];
	uint64_t i = 0;

	for (int k = 0; k < ISW_SEND_BATCH; k++) {
		frames[k] = buf[k];
		lens[k] = s->tmpl.len;
	}
	while (i < s->n && !stopping(s)) {
		uint64_t wait_ns, wall, walked = 0;
		uint32_t allowed = isw_ratelimit_take(rl, isw_now_ns(), &wait_ns);
		unsigned cnt = 0;
		int rc;

		if (!allowed) {
			isw_sleep_unless(wait_ns, &s->stop_sending);
			continue;
		}
		wall = isw_wall_ns();
		while (cnt < allowed && i < s->n) {
			uint64_t idx = isw_perm_at(&s->perm, i++);
			walked++;
			if (pass > 1 &&
			    (isw_bitmap_test(&s->alive, idx) || isw_bitmap_test(&s->errored, idx)))
				continue;
			isw_probe_patch(&s->tmpl, &s->key, frames[cnt++],
			                isw_targets_at(s->targets, idx), (uint8_t)pass, wall);
		}
		if (cnt) {
			uint64_t zero = 0;
			atomic_compare_exchange_strong(&s->first_send_ns, &zero, isw_now_ns());
			rc = s->tx_ops->send(s->tx, frames, lens, cnt);
			if (rc < 0)
				rc = 0;
			isw_ratelimit_commit(rl, cnt);
			atomic_fetch_add_explicit(&s->sent, (uint64_t)rc, memory_order_relaxed);
			atomic_fetch_add_explicit(&s->send_errors, cnt - (uint64_t)rc,
			                          memory_order_relaxed);
		}
		atomic_fetch_add_explicit(&s->skipped, walked - cnt, memory_order_relaxed);
		atomic_fetch_add_explicit(&s->done, walked, memory_order_relaxed);
	}
}

void *isw_sender_main(void *arg)
{
	struct isw_scan *s = arg;
	struct isw_ratelimit rl;
	uint64_t rate = s->cfg.dry_run ? 0 : s->cfg.rate;

	isw_ratelimit_init(&rl, rate, ISW_SEND_BATCH, isw_now_ns());
	for (unsigned pass = 1; pass <= s->cfg.probes && !stopping(s); pass++) {
		atomic_store(&s->pass, pass);
		if (pass > 1 && !s->cfg.dry_run) {
			/* Let the previous pass's answers arrive before deciding who to re-probe.
			 */
			double gap = s->cfg.cooldown_s < 1.0 ? s->cfg.cooldown_s : 1.0;
			isw_sleep_unless((uint64_t)(gap * 1e9), &s->stop_sending);
			isw_ratelimit_init(&rl, rate, ISW_SEND_BATCH, isw_now_ns());
		}
		send_pass(s, pass, &rl);
	}
	atomic_store(&s->send_end_ns, isw_now_ns());
	atomic_store(&s->sending, 0);
	return NULL;
}
