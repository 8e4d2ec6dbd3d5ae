#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Forged ICMPv6: while icmpsweep sweeps a sparse IPv6 /116, tests/lab/forge6.py (in the target
# namespace) answers every probe it sees - to live and silent targets alike - with forgeries:
# echo replies with a corrupted tag or sequence, the probe's own identifier, sequence and
# payload replayed from an address never probed, truncated replies, and destination
# unreachables quoting a probe with a wrong identifier or from another source.  icmpsweep must
# report exactly the live set, no ICMP error, and count the forgeries as invalid.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=v6forged e2e_init "$@"

PREFIX=2001:db8:6::/116
RATE=1k

FORGE_PID=
stop_forge() {
	[[ -n $FORGE_PID ]] || return 0
	kill -TERM "$FORGE_PID" 2>/dev/null || true
	wait "$FORGE_PID" 2>/dev/null || true
	FORGE_PID=
}

main() {
	lab_require_cmd python3
	lab_ipv6
	# 100 live hosts of the 4,096: every 41st address.
	awk 'BEGIN { for (i = 1; i <= 100; i++) printf "2001:db8:6::%x\n", 41 * i - 40 + 2 }' >"$WORK/live.txt"
	lab_live_set6 "$WORK/live.txt" "$PREFIX"

	lab_on_exit stop_forge
	ip netns exec "$LAB_TGT" timeout -k 2 40 python3 "$E2E_DIR/../lab/forge6.py" \
		--iface "$LAB_TGT_IF" --scan-mac "$(lab_scan_mac)" --router "$LAB_TGT_ADDR6" \
		--seconds 30 2>"$WORK/forge.err" &
	FORGE_PID=$!
	sleep 0.5
	kill -0 "$FORGE_PID" 2>/dev/null || e2e_fail "forge6.py did not start: $(cat "$WORK/forge.err")"

	e2e_sweep "$WORK/out.csv" "$WORK/err.txt" -q -n -r "$RATE" -c 2 -O csv \
		--metadata "$WORK/meta.json" "$PREFIX"
	stop_forge
	e2e_log "$(cat "$WORK/forge.err")"
	e2e_expect_rc 0 "$WORK/err.txt"

	tail -n +2 "$WORK/out.csv" | awk -F, '$2 != "echo-reply"' >"$WORK/not-echo.csv"
	[[ ! -s $WORK/not-echo.csv ]] ||
		e2e_fail "$(wc -l <"$WORK/not-echo.csv") rows that are not echo replies, e.g.: $(head -n 3 "$WORK/not-echo.csv")"
	tail -n +2 "$WORK/out.csv" | cut -d, -f1 >"$WORK/hosts.txt"
	e2e_no_duplicates "$WORK/hosts.txt" "CSV output"
	e2e_same_set "$WORK/live.txt" "$WORK/hosts.txt" "IPv6 sweep under forged traffic"

	local invalid icmp_errors forged
	invalid=$(e2e_meta_int "$WORK/meta.json" invalid)
	icmp_errors=$(e2e_meta_int "$WORK/meta.json" icmp_errors)
	forged=$(sed -n 's/^forge6: \([0-9]*\) packets.*/\1/p' "$WORK/forge.err")
	# Six forgeries for each of the 4,096 probes, when the forger kept up.
	[[ ${forged:-0} -ge 6000 ]] || e2e_fail "forge6.py sent only ${forged:-0} packets: $(cat "$WORK/forge.err")"
	[[ $invalid -ge $((forged / 2)) ]] ||
		e2e_fail "metadata invalid=$invalid for $forged forged packets: the forgeries did not reach the matcher"
	[[ $icmp_errors -eq 0 ]] || e2e_fail "metadata icmp_errors=$icmp_errors, expected 0"
	e2e_pass "exactly the 100 live IPv6 hosts despite $forged forged packets; invalid=$invalid"
}

main
