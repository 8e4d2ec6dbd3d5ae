#!/usr/bin/env bash
# -T N: several sender threads split the index space and the rate; together they probe each
# target exactly once per pass and find exactly the live set.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=senders e2e_init "$@"

PREFIX=198.18.0.0/16

main() {
	local sent rate tx
	lab_random_live_set 1500 "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
	lab_live_set "$WORK/live.txt"
	e2e_sweep "$WORK/out.txt" "$WORK/err.txt" -q -n -T 3 -r 60k -c 1 --seed 11 \
		--metadata "$WORK/meta.json" "$PREFIX"
	e2e_expect_rc 0 "$WORK/err.txt"
	e2e_no_duplicates "$WORK/out.txt" "-T 3 output"
	e2e_same_set "$WORK/live.txt" "$WORK/out.txt" "-T 3 sweep"
	sent=$(e2e_meta_int "$WORK/meta.json" sent)
	# The slices cover the index space exactly: every target once.
	[[ $sent -eq 65536 ]] || e2e_fail "-T 3 sent $sent probes, expected 65536"
	[[ $(e2e_meta_int "$WORK/meta.json" senders) -eq 3 ]] || e2e_fail "metadata senders != 3"
	# The rate holds across threads (each sends a third of it).
	rate=$(e2e_json_get "$WORK/meta.json" achieved_rate)
	tx=$(e2e_json_get "$WORK/meta.json" tx)
	e2e_log "-T 3 with $tx: $sent probes, achieved $rate/s for -r 60k"
	awk -v r="$rate" 'BEGIN { exit !(r > 57000 && r < 63000) }' ||
		e2e_fail "-T 3 -r 60k achieved $rate/s"
	e2e_pass "-T 3: exact live set, one probe per target, rate within 5%"
}

main
