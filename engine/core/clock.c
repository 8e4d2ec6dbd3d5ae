/* SPDX-License-Identifier: BSD-2-Clause */
/* Sleeping in slices, so a flag raised by another thread ends the sleep soon (clock.h). */
#include "clock.h"

void isw_sleep_unless(uint64_t ns, atomic_int *flag)
{
	while (ns > 0 && !atomic_load_explicit(flag, memory_order_relaxed)) {
		uint64_t d = ns < ISW_SLEEP_SLICE_NS ? ns : ISW_SLEEP_SLICE_NS;
		struct timespec ts = {(time_t)(d / ISW_NS_PER_S), (long)(d % ISW_NS_PER_S)};

		nanosleep(&ts, NULL);
		ns -= d;
	}
}
