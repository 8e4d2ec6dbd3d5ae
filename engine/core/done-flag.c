/* SPDX-License-Identifier: BSD-2-Clause */
/* The one-way finished flag of done-flag.h: set once, waited on with a timeout. */
#include <errno.h>
#include <time.h>

#include "clock.h"
#include "done-flag.h"

void isw_done_flag_init(struct isw_done_flag *f)
{
	atomic_init(&f->done, 0);
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
}

void isw_done_flag_destroy(struct isw_done_flag *f)
{
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cond);
}

void isw_done_flag_set(struct isw_done_flag *f)
{
	pthread_mutex_lock(&f->lock);
	atomic_store(&f->done, 1);
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

int isw_done_flag_wait(struct isw_done_flag *f, int timeout_ms)
{
	/* The condition variable's clock: CLOCK_REALTIME, pthread's default. */
	uint64_t deadline =
	    isw_wall_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * ISW_NS_PER_MS;
	struct timespec ts = {(time_t)(deadline / ISW_NS_PER_S), (long)(deadline % ISW_NS_PER_S)};
	int done;

	pthread_mutex_lock(&f->lock);
	while (!atomic_load(&f->done)) {
		if (pthread_cond_timedwait(&f->cond, &f->lock, &ts) == ETIMEDOUT)
			break;
	}
	done = atomic_load(&f->done);
	pthread_mutex_unlock(&f->lock);
	return done;
}
