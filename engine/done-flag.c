#include <errno.h>
#include <time.h>

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
	struct timespec ts;
	int done;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&f->lock);
	while (!atomic_load(&f->done)) {
		if (pthread_cond_timedwait(&f->cond, &f->lock, &ts) == ETIMEDOUT)
			break;
	}
	done = atomic_load(&f->done);
	pthread_mutex_unlock(&f->lock);
	return done;
}
