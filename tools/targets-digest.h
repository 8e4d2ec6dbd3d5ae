/* SPDX-License-Identifier: BSD-2-Clause */
/* Digests of a target set (the metadata's targets_digest, the checkpoint's): FNV-1a over the
 * set itself after exclusions, so two spellings of one set agree and two sets do not. */
#ifndef ISW_TARGETS_DIGEST_H
#define ISW_TARGETS_DIGEST_H

#include <stdint.h>

#include "icmpsweep/targets.h"

#define DIGEST_FNV_BASIS 0xcbf29ce484222325ull

/* h with v's eight bytes folded in, low byte first. */
uint64_t digest_fold(uint64_t h, uint64_t v);

/* h with the IPv6 targets folded in (each run: its indices, addresses and sub-prefix length,
 * so the interface identifier counts too); h itself for an IPv4-only set, whose digests
 * stay what they were before IPv6 targets existed. */
uint64_t digest_fold_v6(uint64_t h, const isw_targets *t);

#endif
