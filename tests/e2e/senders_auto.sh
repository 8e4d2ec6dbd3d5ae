#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# -T auto (the default): one sender thread per CPU the process may use, but for xdp no more
# than the device's queues (thread k binds queue k); -T N stays exact.  The metadata's
# senders key and the start line say how many ran, senders_requested what was asked.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
LAB_VETH_QUEUES=3
E2E_TAG=tauto e2e_init "$@"
lab_require_cmd nproc

PREFIX=198.18.0.0/24
CPUS=$(lab_exec_scanner nproc)
((CPUS <= 16)) || CPUS=16
lab_all_alive "$PREFIX"
lab_static_neigh

# check NAME WANT_TX WANT_SENDERS WANT_REQUESTED ARGS...: a sweep of the all-alive /24.
check() {
	local name=$1 tx=$2 want=$3 req=$4 d="$WORK/$1" got
	shift 4
	mkdir -p "$d"
	e2e_sweep "$d/out" "$d/err" -n -c 0.2 --metadata "$d/meta" "$@" "$PREFIX"
	e2e_expect_rc 0 "$d/err"
	[[ $(e2e_json_get "$d/meta" tx) == "$tx" ]] ||
		e2e_fail "$name: tx '$(e2e_json_get "$d/meta" tx)', expected '$tx'"
	got=$(e2e_meta_int "$d/meta" senders)
	((got == want)) || e2e_fail "$name: $got sender threads, expected $want ($CPUS CPUs)"
	[[ $(e2e_json_get "$d/meta" senders_requested) == "$req" ]] ||
		e2e_fail "$name: senders_requested '$(e2e_json_get "$d/meta" senders_requested)', expected '$req'"
	grep -q ", $want sender$( ((want == 1)) || echo s), tx $tx\$" "$d/err" ||
		e2e_fail "$name: start line does not say $want sender(s): $(head -n 1 "$d/err")"
	[[ $(wc -l <"$d/out") -eq 256 ]] || e2e_fail "$name: $(wc -l <"$d/out") of 256 hosts"
	e2e_log "$name: $want sender(s) on $tx"
}

min() { (($1 < $2)) && echo "$1" || echo "$2"; }

e2e_sweep "$WORK/xprobe.out" "$WORK/xprobe.err" -q -n -c 0 -T 1 --tx xdp 198.18.0.1
if [[ $E2E_RC -eq 0 ]]; then
	check auto-3q xdp "$(min 3 "$CPUS")" auto
	check xdp-3q xdp "$(min 3 "$CPUS")" auto --tx xdp
	check ring ring "$CPUS" auto --tx ring
	check exact ring 2 2 --tx ring -T 2
	# One queue: xdp with one thread rather than ring with more.
	lab_exec_scanner ethtool -L "$LAB_SCAN_IF" tx 1 rx 1
	check auto-1q xdp 1 auto
	check exact-1q ring 3 3 -T 3
else
	e2e_log "xdp unavailable here ($(head -n 1 "$WORK/xprobe.err")): ring only"
	check auto ring "$CPUS" auto
	check exact ring 2 2 -T 2
fi
e2e_pass "-T auto: $CPUS CPUs, xdp limited to the device's queues; -T N exact"
