/* SPDX-License-Identifier: BSD-2-Clause */
/* The engine's clocks: monotonic time for every interval and deadline, wall time only for
 * what leaves the program (time stamps in probes, results and traces).  Both read the clock
 * once, without a syscall on Linux (vDSO), so hot paths may call them once per batch. */
#ifndef ISW_CLOCK_H
#define ISW_CLOCK_H

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#define ISW_NS_PER_S  1000000000ull
#define ISW_NS_PER_MS 1000000ull

static inline uint64_t isw_clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * ISW_NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* CLOCK_MONOTONIC */
static inline uint64_t isw_now_ns(void)
{
	return isw_clock_ns(CLOCK_MONOTONIC);
}

/* CLOCK_REALTIME */
static inline uint64_t isw_wall_ns(void)
{
	return isw_clock_ns(CLOCK_REALTIME);
}

/* Sleeps up to ns but returns early (within ISW_SLEEP_SLICE_NS) once *flag is set. */
#define ISW_SLEEP_SLICE_NS (10 * ISW_NS_PER_MS)
void isw_sleep_unless(uint64_t ns, atomic_int *flag);

#endif
