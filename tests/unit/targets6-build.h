/* SPDX-License-Identifier: BSD-2-Clause */
/* Building and reading IPv6 target sets in the unit tests of targets6.c and subprefix6.c:
 * a set that takes IPv6, specs added and finalized with the engine's message on failure, an
 * index's address as text.  Include after cmocka.h. */
#ifndef ISW_TARGETS6_BUILD_H
#define ISW_TARGETS6_BUILD_H

#include "icmpsweep/addr.h"
#include "icmpsweep/error.h"
#include "icmpsweep/targets.h"

static inline isw_targets *new6(void)
{
	isw_targets *t;

	assert_int_equal(isw_targets_new(&t), 0);
	isw_targets_allow_ipv6(t);
	return t;
}

static inline void add(isw_targets *t, const char *spec, int exclude)
{
	char err[ISW_ERRBUF_SIZE] = "";

	if (isw_targets_add(t, spec, exclude, err) != 0)
		fail_msg("add '%s': %s", spec, err);
}

static inline void finalize(isw_targets *t)
{
	char err[ISW_ERRBUF_SIZE] = "";

	if (isw_targets_finalize(t, err) != 0)
		fail_msg("finalize: %s", err);
}

/* Target i's address as text in buf (ISW_ADDR_TEXT_MAX bytes). */
static inline const char *at(const isw_targets *t, uint64_t i, char *buf)
{
	struct isw_addr a = isw_targets_at_addr(t, i);

	return isw_addr_format(&a, buf);
}

#endif
