#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Closed-loop rate (--adaptive) and adaptive cooldown (-c auto) on an all-alive /16 and /15:
# capture drops slow the sender; so do answers falling short behind a policer (nftables
# `limit`, which our counters cannot see); a clean path never does.
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

# sweep_15 NAME ARGS...: all-alive /15 at 100k/s; sets HITS, SLOW, REASON, FINAL.
sweep_15() {
	local name=$1
	shift
	e2e_sweep "$WORK/$name.txt" "$WORK/$name.err" -n -r 100k -c 1 --metadata "$WORK/$name.json" \
		"$@" 198.18.0.0/15
	e2e_expect_rc 0 "$WORK/$name.err"
	HITS=$(e2e_meta_int "$WORK/$name.json" hits)
	SLOW=$(e2e_meta_int "$WORK/$name.json" adaptive_slowdowns)
	REASON=$(e2e_json_get "$WORK/$name.json" adaptive_last_reason)
	FINAL=$(e2e_meta_int "$WORK/$name.json" final_rate)
	[[ $(e2e_meta_int "$WORK/$name.json" pcap_drop) -eq 0 ]] || e2e_fail "$name: pcap drops"
}

check_answers_short() {
	local plain
	lab_all_alive 198.18.0.0/15
	# Nothing lost: --adaptive must leave the rate alone and find everyone.
	sweep_15 clean --adaptive
	((SLOW == 0)) || e2e_fail "--adaptive slowed down $SLOW times on a clean path ($REASON)"
	((HITS == 131072)) || e2e_fail "--adaptive on a clean path found $HITS of 131072"
	# A policer passes 20k echo requests a second after a 20k burst: no drop we can count.
	lab_nft_table
	lab_nft add rule ip "$LAB_NFT_TABLE" pre icmp type echo-request \
		limit rate over 20000/second burst 20000 packets drop
	sweep_15 policed
	plain=$HITS
	sweep_15 policed-adaptive --adaptive
	((SLOW >= 1)) && [[ $REASON == answers ]] ||
		e2e_fail "--adaptive behind a policer: $SLOW slowdowns, last reason '$REASON'"
	grep -q "adaptive: .* after answers fell short" "$WORK/policed-adaptive.err" ||
		e2e_fail "the status line does not say the answers fell short"
	((FINAL < 40000)) || e2e_fail "--adaptive behind a 20k/s policer ended at $FINAL/s"
	((HITS >= 2 * plain && HITS >= 131072 * 7 / 10)) ||
		e2e_fail "--adaptive behind a policer found $HITS of 131072 (without it: $plain)"
	e2e_log "policer at 20k/s: $plain found at 100k/s; with --adaptive $HITS ($SLOW slowdowns, final $FINAL/s)"
	lab_clear_impairments
}

check_cooldown_auto
check_adaptive
check_answers_short
e2e_pass "-c auto ends early and complete; --adaptive slows down on drops and on answers falling short, never on a clean path"
