#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Duplicated replies: nftables in the target namespace sends every echo reply twice.  Each
# live host must still be reported exactly once, in text and in CSV output.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=dup e2e_init "$@"

PREFIX=198.18.0.0/16
LIVE=2000
RATE=50k

main() {
	lab_require_cmd nft
	lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
	lab_live_set "$WORK/live.txt"
	lab_dup
	lab_count_start

	local fmt out
	for fmt in text csv; do
		out="$WORK/out.$fmt"
		e2e_sweep "$out" "$WORK/err.txt" -q -n -r "$RATE" -c 2 -O "$fmt" \
			--metadata "$WORK/meta.$fmt.json" "$PREFIX"
		e2e_expect_rc 0 "$WORK/err.txt"
		if [[ $fmt == csv ]]; then
			tail -n +2 "$out" | cut -d, -f1 >"$WORK/hosts.csv.txt"
			out="$WORK/hosts.csv.txt"
		fi
		e2e_log "$fmt: ${E2E_SECONDS}s, $(wc -l <"$out") hosts"
		e2e_no_duplicates "$out" "$fmt output with duplicated replies"
		e2e_same_set "$WORK/live.txt" "$out" "$fmt output with duplicated replies"
	done

	# The duplication really happened: the target sent two replies per probe answered, and
	# icmpsweep saw the second copies.
	local probes replies dups hits
	probes=$(lab_counter probes_in)
	replies=$(lab_counter replies_out)
	dups=$(e2e_meta_int "$WORK/meta.text.json" duplicates)
	hits=$(e2e_meta_int "$WORK/meta.text.json" hits)
	e2e_log "target: $probes probes in, $replies echo replies out; metadata hits=$hits duplicates=$dups"
	[[ $replies -ge $((2 * 2 * LIVE)) ]] ||
		e2e_fail "target sent $replies echo replies for 2 sweeps of $LIVE live hosts; expected >= $((4 * LIVE)) (nft dup not working?)"
	[[ $dups -ge $LIVE ]] || e2e_fail "metadata duplicates=$dups, expected >= $LIVE (one extra copy per host)"
	e2e_pass "each of $LIVE hosts once (text and csv) with every reply doubled; duplicates=$dups"
}

main
