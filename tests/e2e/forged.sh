#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Forged traffic: while icmpsweep sweeps a sparse /15, isw-spray (in the target namespace)
# sprays forged echo replies, truncated and malformed ICMP, ICMP errors quoting fake or lying
# headers, malformed IPv4 headers and replays of the real probes with the wrong source or a
# corrupted tag.  icmpsweep must report exactly the live set (no false positive, no ICMP
# error), exit 0, and count the forgeries as invalid.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=forged e2e_init "$@"

PREFIX=198.18.0.0/15
LIVE=500
RATE=20k
SPRAY_PPS=5000

find_spray() {
	local c
	for c in "${ISW_SPRAY:-}" "$BUILD_DIR/tests/isw-spray" "$BUILD_DIR/isw-spray"; do
		if [[ -n $c && -x $c ]]; then
			readlink -f "$c"
			return 0
		fi
	done
	e2e_fail "isw-spray not found (set ISW_SPRAY or build the isw-spray target in $BUILD_DIR)"
}

SPRAY_PID=
stop_spray() {
	[[ -n $SPRAY_PID ]] || return 0
	kill -TERM "$SPRAY_PID" 2>/dev/null || true
	wait "$SPRAY_PID" 2>/dev/null || true
	SPRAY_PID=
}

main() {
	local spray scan_mac
	spray=$(find_spray)
	lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
	lab_live_set "$WORK/live.txt"
	scan_mac=$(lab_scan_mac)

	lab_on_exit stop_spray
	# Bounded by its own -t and by timeout; stopped as soon as the sweep ends.  Started
	# directly (not through a shell function) so that $! is the process to signal.
	ip netns exec "$LAB_TGT" timeout -k 2 40 "$spray" -t 30 -r "$SPRAY_PPS" -s "$E2E_SEED" \
		-R "$LAB_TGT_IF" -L "$LAB_TGT_IF" -M "$scan_mac" "$LAB_SCAN_ADDR" \
		2>"$WORK/spray.err" &
	SPRAY_PID=$!
	sleep 0.5
	kill -0 "$SPRAY_PID" 2>/dev/null || e2e_fail "isw-spray did not start: $(cat "$WORK/spray.err")"

	e2e_sweep "$WORK/out.csv" "$WORK/err.txt" -q -n -r "$RATE" -c 2 -O csv \
		--metadata "$WORK/meta.json" "$PREFIX"
	stop_spray
	e2e_log "$(cat "$WORK/spray.err")"
	e2e_expect_rc 0 "$WORK/err.txt"
	e2e_log "swept $PREFIX at -r $RATE in ${E2E_SECONDS}s under spray: $(($(wc -l <"$WORK/out.csv") - 1)) rows"

	local header
	header=$(head -n 1 "$WORK/out.csv")
	[[ $header == "ip,type,rtt_ms,ttl,probe,ts,responder" ]] || e2e_fail "CSV header is '$header'"
	tail -n +2 "$WORK/out.csv" | awk -F, '$2 != "echo-reply"' >"$WORK/not-echo.csv"
	if [[ -s $WORK/not-echo.csv ]]; then
		e2e_fail "$(wc -l <"$WORK/not-echo.csv") rows that are not echo replies (forged ICMP errors accepted?), e.g.:
$(head -n 5 "$WORK/not-echo.csv")"
	fi
	tail -n +2 "$WORK/out.csv" | cut -d, -f1 >"$WORK/hosts.txt"
	e2e_no_duplicates "$WORK/hosts.txt" "CSV output"
	e2e_same_set "$WORK/live.txt" "$WORK/hosts.txt" "sweep under forged traffic"

	local invalid icmp_errors sprayed
	invalid=$(e2e_meta_int "$WORK/meta.json" invalid)
	icmp_errors=$(e2e_meta_int "$WORK/meta.json" icmp_errors)
	sprayed=$(sed -n 's/^isw-spray: \([0-9]*\) packets.*/\1/p' "$WORK/spray.err")
	[[ ${sprayed:-0} -gt 0 ]] || e2e_fail "isw-spray sent nothing: $(cat "$WORK/spray.err")"
	[[ $invalid -gt 0 ]] || e2e_fail "metadata invalid=0: the forged packets never reached the matcher"
	[[ $icmp_errors -eq 0 ]] || e2e_fail "metadata icmp_errors=$icmp_errors, expected 0"
	e2e_pass "exactly the $LIVE live hosts despite $sprayed forged packets; invalid=$invalid"
}

main
