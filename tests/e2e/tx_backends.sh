#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Transmit backends: every backend that opens here sweeps a sparse /15 and finds exactly the
# live set, with every probe on the wire; `--tx auto` picks xdp, falls back to ring when xdp
# cannot open (its queue held by another AF_XDP socket, or no AF_XDP at all) and to libnet on
# a link without Ethernet (tun); the choice is in the metadata and the start line.  xdp runs in
# copy mode on veth, and a forced zero-copy attempt falls back cleanly.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=tx e2e_init "$@"

PREFIX=198.18.0.0/15
TARGETS=131072
LIVE=1000
RATE=200k
HOLDER_PID=

stop_holder() {
	if [[ -n $HOLDER_PID ]]; then
		kill "$HOLDER_PID" 2>/dev/null || true
		wait "$HOLDER_PID" 2>/dev/null || true
		HOLDER_PID=
	fi
}
lab_on_exit stop_holder

# sweep_ok TX: sparse sweep with --tx TX must find exactly the live set and put every probe
# on the wire; the metadata must name the backend actually used ($2, default TX).
sweep_ok() {
	local tx=$1 want=${2:-$1} d="$WORK/$1" tx0 wire sent used hits
	mkdir -p "$d"
	tx0=$(lab_scan_tx)
	e2e_sweep "$d/out.txt" "$d/err.txt" -n -r "$RATE" -P 2 -c 2 --tx "$tx" \
		--metadata "$d/meta.json" "$PREFIX"
	e2e_expect_rc 0 "$d/err.txt"
	wire=$(($(lab_scan_tx) - tx0))
	used=$(e2e_json_get "$d/meta.json" tx)
	[[ $used == "$want" ]] || e2e_fail "--tx $tx: metadata tx='$used', expected '$want'"
	grep -q "tx $want\$" "$d/err.txt" ||
		e2e_fail "--tx $tx: start line does not name '$want': $(head -n 1 "$d/err.txt")"
	e2e_no_duplicates "$d/out.txt" "--tx $tx output"
	e2e_same_set "$WORK/live.txt" "$d/out.txt" "--tx $tx sparse $PREFIX"
	sent=$(e2e_meta_int "$d/meta.json" sent)
	hits=$(e2e_meta_int "$d/meta.json" hits)
	# Pass 1 probes every target, pass 2 every silent one.
	[[ $sent -eq $((2 * TARGETS - LIVE)) ]] ||
		e2e_fail "--tx $tx: sent=$sent, expected $((2 * TARGETS - LIVE))"
	[[ $hits -eq $LIVE ]] || e2e_fail "--tx $tx: hits=$hits, expected $LIVE"
	# A backend that reports a probe sent must have put it on the wire.
	((wire >= sent)) || e2e_fail "--tx $tx: the interface sent $wire frames, icmpsweep claims $sent"
	e2e_log "--tx $tx: exactly the $LIVE live hosts, $sent probes (wire $wire) in ${E2E_SECONDS}s"
}

main() {
	local have_xdp=0 xerr

	lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
	lab_live_set "$WORK/live.txt"
	lab_static_neigh

	sweep_ok ring
	sweep_ok libnet

	# xdp: a probe sweep of one address says whether it opens here at all.
	e2e_sweep "$WORK/xprobe.out" "$WORK/xprobe.err" -q -n -c 0 --tx xdp 198.18.0.1
	if [[ $E2E_RC -eq 0 ]]; then
		have_xdp=1
		sweep_ok xdp
		[[ $(e2e_json_get "$WORK/xdp/meta.json" tx_mode) == copy ]] ||
			e2e_fail "--tx xdp on veth: tx_mode is not copy"
		grep -q "zero-copy" "$WORK/xdp/err.txt" &&
			e2e_fail "--tx xdp: veth advertises no zero-copy, yet: $(grep zero-copy "$WORK/xdp/err.txt")"
		sweep_ok auto xdp
		# veth has no AF_XDP zero-copy: forcing the attempt attaches our XDP program, meets
		# the refusal, says so, leaves no program behind and sweeps exactly in copy mode.
		ISW_XDP_ZEROCOPY=try sweep_ok xdp
		grep -q "^icmpsweep: xdp: zero-copy refused on $LAB_SCAN_IF queue 0: .*; sending in copy mode\$" \
			"$WORK/xdp/err.txt" || e2e_fail "forced zero-copy: no clear fallback line: $(head -c 400 "$WORK/xdp/err.txt")"
		if ip -n "$LAB_SCAN" -d link show "$LAB_SCAN_IF" | grep -q "prog/xdp"; then
			e2e_fail "an XDP program stayed on $LAB_SCAN_IF after the scan"
		fi
		e2e_log "forced zero-copy: $(grep zero-copy "$WORK/xdp/err.txt")"
	else
		xerr=$(head -n 1 "$WORK/xprobe.err")
		[[ $xerr == "icmpsweep: xdp: "* ]] || e2e_fail "--tx xdp failed without a clear message: $xerr"
		e2e_log "xdp unavailable here ($xerr): auto must pick ring"
		sweep_ok auto ring
	fi

	if ((have_xdp)); then
		# Hold queue 0 with a slow xdp sweep: a second AF_XDP socket cannot bind there.  The
		# kernel frees a closed socket's queue a little later, so the holder may need a retry.
		local i
		for ((i = 0; i < 50; i++)); do
			if [[ -z $HOLDER_PID ]]; then
				lab_exec_scanner timeout -k 2 60 "$ISW" -n -r 100 -c 0 --seed 7 --tx xdp \
					-o /dev/null "$PREFIX" 2>"$WORK/holder.err" &
				HOLDER_PID=$!
			fi
			sleep 0.1
			if ! kill -0 "$HOLDER_PID" 2>/dev/null; then
				wait "$HOLDER_PID" 2>/dev/null || true
				HOLDER_PID=
				continue
			fi
			grep -q "tx xdp" "$WORK/holder.err" && break
		done
		grep -q "tx xdp" "$WORK/holder.err" ||
			e2e_fail "could not start an xdp sweep to hold the queue: $(head -c 300 "$WORK/holder.err")"
		e2e_sweep "$WORK/busy.out" "$WORK/busy.err" -q -n -c 0 --tx xdp 198.18.0.1
		[[ $E2E_RC -ne 0 ]] || e2e_fail "a second xdp socket opened on a held queue"
		grep -q "icmpsweep: xdp: cannot bind" "$WORK/busy.err" ||
			e2e_fail "held xdp queue: unclear message: $(head -c 300 "$WORK/busy.err")"
		e2e_log "held queue: $(head -n 1 "$WORK/busy.err")"
		sweep_ok auto ring
		stop_holder
	fi

	# A link without Ethernet: only libnet's raw IPv4 path can send there.
	ip -n "$LAB_SCAN" tuntap add mode tun name isw-tun0
	ip -n "$LAB_SCAN" addr add 192.0.2.5/30 dev isw-tun0
	ip -n "$LAB_SCAN" link set isw-tun0 up
	e2e_sweep "$WORK/tun.out" "$WORK/tun.err" -n -c 0 --tx auto -i isw-tun0 \
		--metadata "$WORK/tun.json" 192.0.2.6
	e2e_expect_rc 0 "$WORK/tun.err"
	[[ $(e2e_json_get "$WORK/tun.json" tx) == libnet ]] ||
		e2e_fail "auto on tun: metadata tx=$(e2e_json_get "$WORK/tun.json" tx), expected libnet"
	e2e_sweep "$WORK/tunr.out" "$WORK/tunr.err" -q -n -c 0 --tx ring -i isw-tun0 192.0.2.6
	[[ $E2E_RC -ne 0 ]] || e2e_fail "--tx ring opened on a tun device"
	grep -q "icmpsweep: ring: .*no Ethernet header" "$WORK/tunr.err" ||
		e2e_fail "--tx ring on tun: unclear message: $(head -c 300 "$WORK/tunr.err")"

	e2e_pass "ring, libnet$( ((have_xdp)) && echo ", xdp") exact; auto falls back cleanly"
}

main
