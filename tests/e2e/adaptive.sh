#!/usr/bin/env bash
# Closed-loop rate (--adaptive) and adaptive cooldown (-c auto) on an all-alive /16.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=adapt e2e_init "$@"
lab_all_alive 198.18.0.0/16

PREFIX=198.18.0.0/16

check_cooldown_auto() {
	local hits dur
	e2e_sweep "$WORK/auto.txt" "$WORK/auto.err" -q -n -r 100k -c auto --metadata "$WORK/auto.json" "$PREFIX"
	e2e_expect_rc 0 "$WORK/auto.err"
	hits=$(e2e_meta_int "$WORK/auto.json" hits)
	[[ $hits -eq 65536 ]] || e2e_fail "-c auto found $hits of 65536"
	# Sending takes 0.66 s; four p99 RTTs on veth are far under the 100 ms floor, so the run
	# ends well before the 10 s bound (or the 2 s default cooldown).
	dur=$(e2e_json_get "$WORK/auto.json" duration_s)
	awk -v d="$dur" 'BEGIN { exit !(d < 2.5) }' || e2e_fail "-c auto took ${dur}s"
	e2e_log "-c auto: 65536 hosts in ${dur}s"
}

check_adaptive() {
	local hits slow final
	# A 64 KiB capture ring at unlimited rate overflows at once: the sender must slow down,
	# say so, and the later passes recover what the drops cost.
	e2e_sweep "$WORK/ad.txt" "$WORK/ad.err" -n -r 0 --adaptive --pcap-buffer 64k -c 1 -P 3 \
		--metadata "$WORK/ad.json" "$PREFIX"
	e2e_expect_rc 0 "$WORK/ad.err"
	slow=$(e2e_meta_int "$WORK/ad.json" adaptive_slowdowns)
	final=$(e2e_meta_int "$WORK/ad.json" final_rate)
	hits=$(e2e_meta_int "$WORK/ad.json" hits)
	((slow >= 1)) || e2e_fail "--adaptive never slowed down (pcap_drop $(e2e_json_get "$WORK/ad.json" pcap_drop))"
	((final > 0)) || e2e_fail "--adaptive left the rate unlimited after drops"
	grep -q "adaptive: .* after drops" "$WORK/ad.err" || e2e_fail "the status line does not say the rate was cut"
	((hits >= 65000)) || e2e_fail "--adaptive -P 3 found only $hits of 65536"
	e2e_log "--adaptive: $slow slowdowns, final rate $final/s, $hits of 65536 found"
}

check_cooldown_auto
check_adaptive
e2e_pass "-c auto ends early and complete; --adaptive slows down on drops"
