#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# -T N: several sender threads split the index space and the rate; together they probe each
# target exactly once per pass and find exactly the live set.  With xdp each thread binds its
# own device queue: on a 3-queue veth `-T 3` runs on xdp; once the device has one queue,
# `--tx xdp -T 3` fails with a message naming the queue, and auto falls back to ring.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
LAB_VETH_QUEUES=3
E2E_TAG=senders e2e_init "$@"

PREFIX=198.18.0.0/16

# sweep_t3 NAME TX WANT: -T 3 sweep with --tx TX must use WANT, find exactly the live set with
# one probe per target, and hold the rate across threads.
sweep_t3() {
	local name=$1 tx=$2 want=$3 d="$WORK/$1" sent rate used
	mkdir -p "$d"
	e2e_sweep "$d/out.txt" "$d/err.txt" -q -n -T 3 -r 60k -c 1 --seed 11 --tx "$tx" \
		--metadata "$d/meta.json" "$PREFIX"
	e2e_expect_rc 0 "$d/err.txt"
	used=$(e2e_json_get "$d/meta.json" tx)
	[[ $used == "$want" ]] || e2e_fail "$name: -T 3 --tx $tx used '$used', expected '$want'"
	e2e_no_duplicates "$d/out.txt" "$name output"
	e2e_same_set "$WORK/live.txt" "$d/out.txt" "$name sweep"
	sent=$(e2e_meta_int "$d/meta.json" sent)
	# The slices cover the index space exactly: every target once.
	[[ $sent -eq 65536 ]] || e2e_fail "$name: sent $sent probes, expected 65536"
	[[ $(e2e_meta_int "$d/meta.json" senders) -eq 3 ]] || e2e_fail "$name: metadata senders != 3"
	# The rate holds across threads (each sends a third of it).
	rate=$(e2e_json_get "$d/meta.json" achieved_rate)
	e2e_log "$name: -T 3 with $used: $sent probes, achieved $rate/s for -r 60k"
	awk -v r="$rate" 'BEGIN { exit !(r > 57000 && r < 63000) }' ||
		e2e_fail "$name: -T 3 -r 60k achieved $rate/s"
}

main() {
	local have_xdp=0
	lab_require_cmd ethtool
	lab_random_live_set 1500 "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
	lab_live_set "$WORK/live.txt"
	lab_static_neigh

	e2e_sweep "$WORK/xprobe.out" "$WORK/xprobe.err" -q -n -c 0 --tx xdp 198.18.0.1
	[[ $E2E_RC -eq 0 ]] && have_xdp=1
	if ((have_xdp)); then
		sweep_t3 xdp-3q xdp xdp
		sweep_t3 auto-3q auto xdp
		# One queue left: thread 1 has none to bind.
		lab_exec_scanner ethtool -L "$LAB_SCAN_IF" tx 1 rx 1
		e2e_sweep "$WORK/x1.out" "$WORK/x1.err" -q -n -T 3 -c 0 --tx xdp "$PREFIX"
		[[ $E2E_RC -eq 2 || $E2E_RC -eq 1 ]] || e2e_fail "--tx xdp -T 3 on one queue: rc $E2E_RC"
		grep -q "icmpsweep: xdp: cannot bind an AF_XDP socket to $LAB_SCAN_IF queue 1" \
			"$WORK/x1.err" || e2e_fail "--tx xdp -T 3 on one queue: $(head -c 300 "$WORK/x1.err")"
		[[ ! -s $WORK/x1.out ]] || e2e_fail "--tx xdp -T 3 on one queue printed results"
		e2e_log "one queue: $(head -n 1 "$WORK/x1.err")"
		sweep_t3 auto-1q auto ring
	else
		e2e_log "xdp unavailable here ($(head -n 1 "$WORK/xprobe.err")): ring only"
		sweep_t3 auto auto ring
	fi
	e2e_pass "-T 3: exact live set, one probe per target, rate within 5%$( ((have_xdp)) &&
		echo "; xdp one queue per thread, auto falls back to ring")"
}

main
