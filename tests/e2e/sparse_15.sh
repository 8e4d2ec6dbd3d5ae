#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Sparse /15: about 3,000 random live addresses in 198.18.0.0/15, the rest blackholed.  The
# output must be exactly that set: no more, no less.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=sparse e2e_init "$@"

PREFIX=198.18.0.0/15
LIVE=3000
RATE=50k

main() {
	lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
	lab_live_set "$WORK/live.txt"

	e2e_sweep "$WORK/out.txt" "$WORK/err.txt" -q -n -r "$RATE" -c 2 \
		--metadata "$WORK/meta.json" "$PREFIX"
	e2e_expect_rc 0 "$WORK/err.txt"
	e2e_log "swept $PREFIX at -r $RATE in ${E2E_SECONDS}s: $(wc -l <"$WORK/out.txt") lines"

	e2e_no_duplicates "$WORK/out.txt" "text output"
	e2e_same_set "$WORK/live.txt" "$WORK/out.txt" "sparse $PREFIX"
	local targets hits
	targets=$(e2e_meta_int "$WORK/meta.json" targets)
	hits=$(e2e_meta_int "$WORK/meta.json" hits)
	[[ $targets -eq 131072 ]] || e2e_fail "metadata targets=$targets, expected 131072"
	[[ $hits -eq $LIVE ]] || e2e_fail "metadata hits=$hits, expected $LIVE"
	e2e_pass "exactly the $LIVE live hosts of $PREFIX in ${E2E_SECONDS}s (-r $RATE)"
}

main
