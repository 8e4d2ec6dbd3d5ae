/* SPDX-License-Identifier: BSD-2-Clause */
/* Target-set digests (targets-digest.h). */
#include "targets-digest.h"

uint64_t digest_fold(uint64_t h, uint64_t v)
{
	for (int k = 0; k < 8; k++) {
		h ^= (uint8_t)(v >> (8 * k));
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t fold_bytes(uint64_t h, const uint8_t b[16])
{
	for (int k = 0; k < 16; k++) {
		h ^= b[k];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t digest_fold_v6(uint64_t h, const isw_targets *t)
{
	size_t n = t ? isw_targets_nruns_v6(t) : 0;

	if (!n)
		return h;
	h = digest_fold(h, n);
	for (size_t i = 0; i < n; i++) {
		struct isw_targets_run6 r;

		isw_targets_run_v6(t, i, &r);
		h = digest_fold(h, r.first);
		h = digest_fold(h, r.count);
		h = fold_bytes(fold_bytes(h, r.lo), r.hi);
		h = digest_fold(h, r.sublen);
	}
	return h;
}
