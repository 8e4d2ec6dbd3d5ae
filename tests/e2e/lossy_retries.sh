#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Retries under loss.
#
# Random loss (nftables numgen, LOSS% of echo requests in and, independently, LOSS% of echo
# replies out of the target namespace): a probe gets through with p = 0.9 * 0.9 = 0.81, so a
# live host is missed with -P 1 with 0.19 and with -P 3 with 0.19^3 = 0.69%.  Over LIVE=1000
# hosts that is ~190 misses with -P 1 (sd ~12) and ~6.9 with -P 3 (Poisson): full recovery
# with -P 3 happens only e^-6.9 = 0.1% of the time, so this part checks the statistics with
# bounds that are >6 sd wide, and that -P 1 does miss hosts (the loss is real).
#
# Deterministic loss (nftables sets: the first 2 echo requests to each address are dropped,
# later ones pass): -P 3 must then find every live host, all on the third probe, and -P 2 none.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=loss e2e_init "$@"

PREFIX=198.18.0.0/18
LIVE=1000
LOSS=10
RATE=50k
P1_MIN=100 P1_MAX=300 # expected 190
P3_MAX=25             # expected 6.9

# sweep NAME ARGS...: sweep PREFIX; hosts to $WORK/NAME.txt (CSV in $WORK/NAME.csv).
sweep() {
	local name=$1
	shift
	e2e_sweep "$WORK/$name.csv" "$WORK/$name.err" -q -n -r "$RATE" -c 2 -O csv \
		--metadata "$WORK/$name.json" "$@" "$PREFIX"
	e2e_expect_rc 0 "$WORK/$name.err"
	tail -n +2 "$WORK/$name.csv" | cut -d, -f1 >"$WORK/$name.txt"
	e2e_no_duplicates "$WORK/$name.txt" "$name"
	local extra
	extra=$(e2e_count_extra "$WORK/live.txt" "$WORK/$name.txt")
	[[ $extra -eq 0 ]] || e2e_same_set "$WORK/live.txt" "$WORK/$name.txt" "$name (false positives)"
}

random_loss() {
	lab_loss "$LOSS"
	sweep p1 -P 1
	local m1 m3 sent targets
	m1=$(e2e_count_missing "$WORK/live.txt" "$WORK/p1.txt")
	e2e_log "random ${LOSS}% loss each way, -P 1: missed $m1 of $LIVE (expected ~190) in ${E2E_SECONDS}s"
	((m1 >= P1_MIN && m1 <= P1_MAX)) ||
		e2e_fail "-P 1 under ${LOSS}% loss each way missed $m1 of $LIVE live hosts, expected $P1_MIN..$P1_MAX (~190): loss not applied as configured?"

	sweep p3 -P 3
	m3=$(e2e_count_missing "$WORK/live.txt" "$WORK/p3.txt")
	sent=$(e2e_meta_int "$WORK/p3.json" sent)
	targets=$(e2e_meta_int "$WORK/p3.json" targets)
	e2e_log "random ${LOSS}% loss each way, -P 3: missed $m3 of $LIVE (expected ~6.9) in ${E2E_SECONDS}s; sent $sent for $targets targets"
	((m3 <= P3_MAX)) ||
		e2e_fail "-P 3 under ${LOSS}% loss each way missed $m3 of $LIVE live hosts, expected <= $P3_MAX (~6.9): $(LC_ALL=C comm -23 <(e2e_sorted "$WORK/live.txt") <(e2e_sorted "$WORK/p3.txt") | head -n 5 | tr '\n' ' ')"
	((m3 < m1)) || e2e_fail "-P 3 missed $m3 hosts, not fewer than -P 1 ($m1)"
	# Passes 2 and 3 go to the targets still silent: all but the hosts found.
	((sent > targets && sent <= 3 * targets)) ||
		e2e_fail "-P 3 sent $sent probes for $targets targets, expected more than $targets (re-probes) and at most $((3 * targets))"
	RANDOM_SUMMARY="-P 1 missed $m1, -P 3 missed $m3 of $LIVE"
}

deterministic_loss() {
	lab_clear_impairments
	lab_drop_first_probes 2
	sweep d3 -P 3
	e2e_log "first 2 probes per address dropped, -P 3: $(wc -l <"$WORK/d3.txt") of $LIVE found in ${E2E_SECONDS}s"
	e2e_same_set "$WORK/live.txt" "$WORK/d3.txt" "-P 3 with the first 2 probes of each address dropped"
	local bad
	bad=$(tail -n +2 "$WORK/d3.csv" | awk -F, '$5 != 3' | head -n 3)
	[[ -z $bad ]] || e2e_fail "with the first 2 probes dropped every answer must be to probe 3; CSV rows: $bad"

	lab_drop_first_reset
	sweep d2 -P 2
	[[ ! -s $WORK/d2.txt ]] ||
		e2e_fail "-P 2 with the first 2 probes of each address dropped reported $(wc -l <"$WORK/d2.txt") hosts, expected none: $(head -n 3 "$WORK/d2.txt" | tr '\n' ' ')"
}

main() {
	lab_require_cmd nft
	lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
	lab_live_set "$WORK/live.txt"
	random_loss
	deterministic_loss
	e2e_pass "$RANDOM_SUMMARY; with the first 2 probes dropped -P 3 found all $LIVE, -P 2 none"
}

main
