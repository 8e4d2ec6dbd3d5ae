#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# All-alive /16: the target answers for every address of 198.18.0.0/16; icmpsweep must
# report each of the 65,536 addresses exactly once, and nothing else.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=alive e2e_init "$@"

PREFIX=198.18.0.0/16
RATE=50k

main() {
	lab_all_alive "$PREFIX"
	e2e_cidr_list "$PREFIX" >"$WORK/expected.txt"

	e2e_sweep "$WORK/out.txt" "$WORK/err.txt" -q -n -r "$RATE" -c 2 --seed 1 \
		--metadata "$WORK/meta.json" "$PREFIX"
	e2e_expect_rc 0 "$WORK/err.txt"
	e2e_log "swept $PREFIX at -r $RATE in ${E2E_SECONDS}s: $(wc -l <"$WORK/out.txt") lines"

	e2e_no_duplicates "$WORK/out.txt" "text output"
	e2e_same_set "$WORK/expected.txt" "$WORK/out.txt" "all-alive $PREFIX"
	local n
	n=$(wc -l <"$WORK/out.txt")
	[[ $n -eq 65536 ]] || e2e_fail "expected 65536 lines, got $n"

	local hits sent drop
	hits=$(e2e_meta_int "$WORK/meta.json" hits)
	sent=$(e2e_meta_int "$WORK/meta.json" sent)
	drop=$(e2e_meta_int "$WORK/meta.json" pcap_drop)
	[[ $hits -eq 65536 ]] || e2e_fail "metadata hits=$hits, expected 65536"
	[[ $sent -eq 65536 ]] || e2e_fail "metadata sent=$sent, expected 65536 (one probe per target)"
	e2e_pass "65536/65536 hosts once each in ${E2E_SECONDS}s (-r $RATE, -c 2), pcap_drop=$drop," \
		"achieved_rate=$(e2e_json_get "$WORK/meta.json" achieved_rate)"
}

main
