/* SPDX-License-Identifier: BSD-2-Clause */
/* A one-way "finished" flag that other threads can wait on with a timeout: the scan's and the
 * resolver's end.  Reading it is a plain atomic load; the mutex and condition variable exist
 * only for the waiters. */
#ifndef ISW_DONE_FLAG_H
#define ISW_DONE_FLAG_H

#include <pthread.h>
#include <stdatomic.h>

struct isw_done_flag {
	atomic_int done;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

void isw_done_flag_init(struct isw_done_flag *f);
void isw_done_flag_destroy(struct isw_done_flag *f);
/* Sets the flag and wakes every waiter. */
void isw_done_flag_set(struct isw_done_flag *f);
/* Waits up to timeout_ms; returns 1 if the flag is set. */
int isw_done_flag_wait(struct isw_done_flag *f, int timeout_ms);

static inline int isw_done_flag_get(struct isw_done_flag *f)
{
	return atomic_load(&f->done);
}

#endif
