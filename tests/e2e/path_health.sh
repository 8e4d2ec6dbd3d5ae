#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Health of the path while sending (README "When the path fails"):
#  - carrier lost for 3 s mid-sweep, on the target's side and on ours, with each backend: the
#    sweep pauses, sends again what went into the dead link, finds exactly the live set and
#    says what happened;
#  - the next hop changes its MAC mid-sweep (answers stop): noticed, warned, exit 1;
#  - the IPv6 gateway changes its MAC mid-sweep (its neighbour entry follows): the same;
#  - the IPv6 gateway goes deaf (NDP included): its entry fails, warned, exit 1;
#  - the next hop stops answering anything, ARP included: noticed, warned, exit 1;
#  - SIGSTOP / SIGCONT at -r 2k: no burst after the pause;
#  - carrier gone for longer than the bound: sending stops, exit 1;
#  - every send failing with the carrier up: sending stops, exit 1;
#  - the interface deleted 3 s into a long sweep: stops at once, names it, exit 1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=ph e2e_init "$@"
lab_require_cmd nft python3 tshark

PREFIX=198.18.0.0/16
LIVE=500
BG_PID=

stop_bg() {
	if [[ -n $BG_PID ]]; then
		kill "$BG_PID" 2>/dev/null || true
		wait "$BG_PID" 2>/dev/null || true
		BG_PID=
	fi
}
lab_on_exit stop_bg

# bg_sweep DIR ARGS...: icmpsweep in the background (bounded); wait with bg_wait.
bg_sweep() {
	local d=$1
	shift
	mkdir -p "$d"
	lab_exec_scanner timeout -k 5 "$E2E_RUN_TIMEOUT" "$ISW" "$@" >"$d/out.txt" 2>"$d/err.txt" &
	BG_PID=$!
}

bg_wait() {
	E2E_RC=0
	wait "$BG_PID" || E2E_RC=$?
	BG_PID=
	[[ $E2E_RC -ne 124 && $E2E_RC -ne 137 ]] || e2e_fail "icmpsweep timed out"
}

# The pid of the icmpsweep running in the scanner namespace.
isw_pid() {
	local i p
	for ((i = 0; i < 50; i++)); do
		for p in $(ip netns pids "$LAB_SCAN"); do
			[[ $(cat "/proc/$p/comm" 2>/dev/null) == icmpsweep ]] && { echo "$p"; return 0; }
		done
		sleep 0.1
	done
	e2e_fail "icmpsweep did not start"
}

# flap SIDE TX: carrier away for 3 s, 1.5 s into a 6.5 s sweep.
flap() {
	local side=$1 tx=$2 d="$WORK/flap-$1-$2" ns ifc rx0 rx sent
	if [[ $side == target ]]; then ns=$LAB_TGT ifc=$LAB_TGT_IF; else ns=$LAB_SCAN ifc=$LAB_SCAN_IF; fi
	rx0=$(lab_tgt_rx)
	bg_sweep "$d" -n -r 10k -P 1 -c 1 --tx "$tx" --metadata "$d/meta.json" "$PREFIX"
	sleep 1.5
	ip -n "$ns" link set "$ifc" down
	sleep 3
	ip -n "$ns" link set "$ifc" up
	bg_wait
	lab_wait_up
	# Down took the route with it (IPv4 does): back for the next sweep.
	ip -n "$LAB_SCAN" route replace "$LAB_SWEEP_NET" via "$LAB_TGT_ADDR" dev "$LAB_SCAN_IF"
	e2e_expect_rc 0 "$d/err.txt"
	e2e_same_set "$WORK/live.txt" "$d/out.txt" "--tx $tx, carrier lost for 3 s on the $side side"
	grep -q "warning: $LAB_SCAN_IF lost carrier at" "$d/err.txt" ||
		e2e_fail "--tx $tx ($side): carrier loss not reported: $(head -c 1500 "$d/err.txt")"
	grep -q "$LAB_SCAN_IF has carrier again" "$d/err.txt" ||
		e2e_fail "--tx $tx ($side): carrier return not reported: $(head -c 1500 "$d/err.txt")"
	grep -Eq "path: .* carrier lost 1 times .* [1-9][0-9]* probes sent again" "$d/err.txt" ||
		e2e_fail "--tx $tx ($side): no path summary with re-sent probes: $(tail -n 5 "$d/err.txt")"
	# "sent" counts only frames that reached the device and were not dropped there: the
	# target received them (plus a few ARP requests of the kernel's own; a frame may be lost
	# inside the kernel at the very moment the link goes down, after the device took it).
	# libnet's frames go through the kernel's queueing layer, which may take frames and
	# drop them as the carrier goes without telling the sender: not checked there (those
	# frames are in the stretch sent again anyway).
	rx=$(($(lab_tgt_rx) - rx0))
	sent=$(e2e_meta_int "$d/meta.json" sent)
	if [[ $tx != libnet ]] && ! ((rx + 2 >= sent && rx - sent <= 20)); then
		e2e_fail "--tx $tx ($side): icmpsweep says $sent probes sent, the target received $rx frames"
	fi
	e2e_log "--tx $tx, carrier lost 3 s ($side side): all $LIVE live hosts, sent $sent, received $rx; $(grep 'path:' "$d/err.txt")"
}

# moved_sweep DIR ARGS...: a sweep whose next hop takes the MAC 02:00:00:00:00:42 1.5 s in; it
# must fail.
moved_sweep() {
	local d=$1
	shift
	bg_sweep "$d" "$@"
	sleep 1.5
	ip -n "$LAB_TGT" link set "$LAB_TGT_IF" address 02:00:00:00:00:42
	bg_wait
	e2e_expect_rc 1 "$d/err.txt"
}

# The next hop is replaced by a box with another MAC 1.5 s in: answers stop, icmpsweep's own
# ARP request (sent with privileges dropped, as by default) is answered from the new MAC, and
# the run says so and fails.
neighbour_moves() {
	local d="$WORK/neigh"
	moved_sweep "$d" -n -r 6k -P 1 -c 1 "$PREFIX"
	grep -q "warning: answers stopped at .* while probes go out on $LAB_SCAN_IF; checking next hop $LAB_TGT_ADDR" "$d/err.txt" ||
		e2e_fail "answer collapse not reported: $(head -c 1500 "$d/err.txt")"
	grep -q "next hop $LAB_TGT_ADDR on $LAB_SCAN_IF is now at 02:00:00:00:00:42" "$d/err.txt" ||
		e2e_fail "the next hop's new MAC not reported: $(head -c 1500 "$d/err.txt")"
	grep -q "error: the path through next hop $LAB_TGT_ADDR was lost" "$d/err.txt" ||
		e2e_fail "no final error for the lost path: $(tail -n 5 "$d/err.txt")"
	e2e_log "next hop moved: $(grep -c warning "$d/err.txt") warnings, exit 1"
	ip -n "$LAB_TGT" link set "$LAB_TGT_IF" address "$TGT_MAC"
	# The scanner's kernel learned the moved MAC: the next sweep resolves it afresh.
	ip -n "$LAB_SCAN" neigh flush dev "$LAB_SCAN_IF"
}

# The IPv6 gateway is replaced by a box with another MAC 1.5 s into an IPv6 sweep; it says so
# with an unsolicited neighbour advertisement (ndisc_notify), the scanner's neighbour table
# takes the new MAC, and the run says so and fails, as for an IPv4 next hop.
neighbour_moves6() {
	local d="$WORK/neigh6" gw=$LAB_TGT_ADDR6 old
	((LAB_IPV6_UP)) || lab_ipv6
	lab_live_set6 "$WORK/live6.txt" 2001:db8:3::/112
	ip netns exec "$LAB_TGT" sysctl -qw "net.ipv6.conf.$LAB_TGT_IF.ndisc_notify=1"
	moved_sweep "$d" -n -r 6k -P 1 -c 1 -O csv --metadata "$d/meta.json" 2001:db8:3::/112
	old=$(printf '%s' "$TGT_MAC" | tr 'A-F' 'a-f')
	grep -q "warning: next hop $gw on $LAB_SCAN_IF is now at 02:00:00:00:00:42, probes go to $old: they are lost" "$d/err.txt" ||
		e2e_fail "the IPv6 gateway's new MAC not reported: $(head -c 1500 "$d/err.txt")"
	grep -q "error: the path through next hop $gw was lost" "$d/err.txt" ||
		e2e_fail "no final error for the lost IPv6 path: $(tail -n 5 "$d/err.txt")"
	grep -q '"next_hop_moved"' "$d/meta.json" || e2e_fail "metadata lacks next_hop_moved: $(grep -o '"path_faults"[^]]*]' "$d/meta.json")"
	e2e_log "IPv6 gateway moved: $(grep -c warning "$d/err.txt") warnings, exit 1"
	ip -n "$LAB_TGT" link set "$LAB_TGT_IF" address "$TGT_MAC"
	ip -n "$LAB_SCAN" -6 neigh flush dev "$LAB_SCAN_IF"
}

# deaf_sweep DIR ARGS...: a sweep whose next hop goes deaf 1.5 s in (its link drops everything
# it receives, ARP and neighbour solicitations included).
deaf_sweep() {
	local d=$1
	shift
	bg_sweep "$d" "$@"
	sleep 1.5
	ip netns exec "$LAB_TGT" nft -f - <<-EOF
	table netdev isw_deaf {
		chain in {
			type filter hook ingress device "$LAB_TGT_IF" priority 0; policy drop;
		}
	}
	EOF
	bg_wait
	ip netns exec "$LAB_TGT" nft delete table netdev isw_deaf
}

# expect_deaf DIR NEXT_HOP PROTOCOL: the sweep in DIR noticed the silence, named the deaf next
# hop (stopped answering ARP or NDP) and failed.
expect_deaf() {
	local d=$1 nh=$2 proto=$3
	e2e_expect_rc 1 "$d/err.txt"
	grep -q "warning: answers stopped at .* while probes go out on $LAB_SCAN_IF; checking next hop $nh" "$d/err.txt" ||
		e2e_fail "deaf next hop $nh: answer collapse not reported: $(head -c 1500 "$d/err.txt")"
	grep -q "next hop $nh on $LAB_SCAN_IF stopped answering $proto" "$d/err.txt" ||
		e2e_fail "deaf next hop $nh not reported: $(head -c 1500 "$d/err.txt")"
	grep -q "error: the path through next hop $nh was lost" "$d/err.txt" ||
		e2e_fail "deaf next hop $nh: no final error: $(tail -n 5 "$d/err.txt")"
}

# The IPv6 gateway goes deaf 1.5 s into an IPv6 sweep (its link drops everything, neighbour
# solicitations included): answers stop, icmpsweep's datagrams make the scanner's kernel check
# the entry once it is stale (reachable time shortened here to 2 s, first probe after 1 s), its
# solicitations go unanswered, the entry fails, and the run names it and fails.
neighbour_silent6() {
	local d="$WORK/deaf6" gw=$LAB_TGT_ADDR6 p=net.ipv6.neigh.$LAB_SCAN_IF
	((LAB_IPV6_UP)) || lab_ipv6
	lab_live_set6 "$WORK/live6.txt" 2001:db8:3::/112
	lab_exec_scanner sysctl -qw "$p.base_reachable_time_ms=2000" "$p.delay_first_probe_time=1"
	deaf_sweep "$d" -n -r 6k -P 1 -c 1 2001:db8:3::/112
	lab_exec_scanner sysctl -qw "$p.base_reachable_time_ms=30000" "$p.delay_first_probe_time=5"
	expect_deaf "$d" "$gw" NDP
	e2e_log "IPv6 gateway deaf: $(grep -c warning "$d/err.txt") warnings, exit 1"
	ip -n "$LAB_SCAN" -6 neigh flush dev "$LAB_SCAN_IF"
}

# The next hop goes deaf 1.5 s in (its link drops everything it receives, ARP included):
# answers stop, three ARP requests 1 s apart go unanswered, the run names it and fails.
neighbour_silent() {
	local d="$WORK/deaf" n
	deaf_sweep "$d" -n -r 6k -P 1 -c 1 -w "$d/t.pcapng" --pcapng --trace-probes "$PREFIX"
	expect_deaf "$d" "$LAB_TGT_ADDR" ARP
	# The re-check's ARP requests are in the trace with the probes, rebuilt as sent.
	n=$(tshark -r "$d/t.pcapng" -Y "arp.opcode == 1 && arp.dst.proto_ipv4 == $LAB_TGT_ADDR && arp.src.proto_ipv4 == $LAB_SCAN_ADDR" \
		-T fields -e frame.comment 2>/dev/null | grep -c "ARP request for $LAB_TGT_ADDR (the next hop's re-check)" || true)
	[[ $n -eq 3 ]] || e2e_fail "deaf next hop: $n re-check ARP requests in the trace, expected 3"
	e2e_log "next hop deaf: $(grep -c warning "$d/err.txt") warnings, exit 1, 3 re-check ARPs traced"
}

# SIGSTOP for a second at -r 2k: at most 3 probes at once (one batch and 1 ms of slack), then
# the rate's share (20 per 10 ms); it was 77-83 in the first 10 ms.
pause_no_burst() {
	local d="$WORK/stop" pid n
	bg_sweep "$d" -n -r 2k -P 1 -c 0 -w "$d/t.pcap" --trace-probes 198.18.0.0/20
	pid=$(isw_pid)
	sleep 1.5
	kill -STOP "$pid"
	sleep 1
	kill -CONT "$pid"
	bg_wait
	e2e_expect_rc 0 "$d/err.txt"
	n=$(python3 - "$d/t.pcap" <<-'EOF'
	import struct, sys
	data = open(sys.argv[1], "rb").read()
	magic = struct.unpack("<I", data[:4])[0]
	scale = 1e-9 if magic == 0xa1b23c4d else 1e-6
	off, ts = 24, []
	while off + 16 <= len(data):
	    sec, frac, incl, _ = struct.unpack("<IIII", data[off:off + 16])
	    pkt = data[off + 16:off + 16 + incl]
	    off += 16 + incl
	    # Probes only: ICMP echo requests (type 8) leaving from the scanner.
	    if len(pkt) >= 35 and pkt[12:14] == b"\x08\x00" and pkt[23] == 1 and pkt[34] == 8:
	        ts.append(sec + frac * scale)
	ts.sort()
	gaps = [i for i in range(1, len(ts)) if ts[i] - ts[i - 1] > 0.5]
	if len(gaps) != 1:
	    print("gaps=%d" % len(gaps)); sys.exit(0)
	g = gaps[0]
	print(sum(1 for t in ts[g:] if t - ts[g] < 0.010))
	EOF
	)
	[[ $n =~ ^[0-9]+$ ]] || e2e_fail "SIGSTOP: cannot find the pause in the trace ($n)"
	((n <= 25)) || e2e_fail "SIGSTOP/SIGCONT at -r 2k: $n probes in the 10 ms after the pause (at most 25: 3 at once, 20 due, timer jitter)"
	e2e_log "SIGSTOP/SIGCONT at -r 2k: $n probes in the first 10 ms after the pause"
}

# No carrier for 12 s: sending waits ISW_CARRIER_WAIT_S (10 s), then stops; exit 1.
carrier_timeout() {
	local d="$WORK/timeout"
	bg_sweep "$d" -n -r 10k -P 1 -c 1 "$PREFIX"
	sleep 1.5
	ip -n "$LAB_TGT" link set "$LAB_TGT_IF" down
	sleep 12
	ip -n "$LAB_TGT" link set "$LAB_TGT_IF" up
	bg_wait
	lab_wait_up
	e2e_expect_rc 1 "$d/err.txt"
	grep -q "error: no carrier on $LAB_SCAN_IF for 10 s: sending stopped" "$d/err.txt" ||
		e2e_fail "carrier timeout not reported: $(head -c 1500 "$d/err.txt")"
	e2e_log "no carrier for 12 s: stopped after 10 s, exit 1"
}

# The carrier is fine but every frame is dropped on the way out (an nftables egress drop,
# which libnet's frames pass): after a second of nothing but errors, sending stops; exit 1.
send_failure() {
	local d="$WORK/sendfail" t0 t1
	ip netns exec "$LAB_SCAN" nft -f - <<-EOF
	table netdev isw_egress {
		chain out {
			type filter hook egress device "$LAB_SCAN_IF" priority 0; policy accept;
			ip protocol icmp drop
		}
	}
	EOF
	t0=$(date +%s)
	e2e_sweep "$d.out" "$d.err" -n -r 10k -P 1 -c 1 --tx libnet "$PREFIX"
	t1=$(date +%s)
	ip netns exec "$LAB_SCAN" nft delete table netdev isw_egress
	e2e_expect_rc 1 "$d.err"
	grep -q "error: every send on $LAB_SCAN_IF failed for 1 s (No buffer space available): sending stopped" "$d.err" ||
		e2e_fail "failing sends not reported: $(head -c 1500 "$d.err")"
	grep -Eq "send errors [1-9]" "$d.err" || e2e_fail "no send errors on the status line: $(head -c 1500 "$d.err")"
	grep -Eq "error: [1-9][0-9]* probes were not sent on $LAB_SCAN_IF" "$d.err" ||
		e2e_fail "unsent probes not counted at the end: $(tail -n 4 "$d.err")"
	((t1 - t0 <= 6)) || e2e_fail "kept going $((t1 - t0)) s with every send failing"
	e2e_log "every send failing: stopped after $((t1 - t0)) s, exit 1"
}

# The veth pair deleted 3 s into a 26 s sweep: stop now, say which interface, exit 1.
link_gone() {
	local d="$WORK/gone" t0 t1
	t0=$(date +%s)
	bg_sweep "$d" -n -r 5k -P 1 -c 1 198.18.0.0/15
	sleep 3
	ip -n "$LAB_TGT" link del "$LAB_TGT_IF"
	bg_wait
	t1=$(date +%s)
	e2e_expect_rc 1 "$d/err.txt"
	grep -q "error: interface $LAB_SCAN_IF disappeared" "$d/err.txt" ||
		e2e_fail "deleted interface not reported: $(head -c 1500 "$d/err.txt")"
	grep -q "done:" "$d/err.txt" && e2e_fail "a failed run says 'done': $(tail -n 3 "$d/err.txt")"
	((t1 - t0 <= 8)) || e2e_fail "ran $((t1 - t0)) s after the interface went (expected to stop)"
	e2e_log "interface deleted at 3 s: stopped after $((t1 - t0)) s, exit 1"
}

main() {
	local have_xdp=0
	lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
	lab_live_set "$WORK/live.txt"
	# The IPv6 sweep's live set: a random 500 of 2001:db8:3::/112.
	python3 -c 'import random, sys
r = random.Random(int(sys.argv[1]))
for i in sorted(r.sample(range(65536), 500)): print("2001:db8:3::%x" % i)' "$E2E_SEED" |
		sed 's/::0$/::/' >"$WORK/live6.txt"
	TGT_MAC=$(lab_tgt_mac)

	e2e_sweep "$WORK/xprobe.out" "$WORK/xprobe.err" -q -n -c 0 --tx xdp 198.18.0.1
	[[ $E2E_RC -ne 0 ]] || have_xdp=1
	# ISW_PH_ONLY="flap target ring": run one case (while working on it).
	if [[ -n ${ISW_PH_ONLY:-} ]]; then
		eval "$ISW_PH_ONLY"
		e2e_pass "$ISW_PH_ONLY"
	fi

	flap target ring
	flap scanner ring
	flap target libnet
	if ((have_xdp)); then
		flap target xdp
		flap scanner xdp
	fi
	neighbour_moves
	neighbour_moves6
	neighbour_silent6
	neighbour_silent
	pause_no_burst
	carrier_timeout
	send_failure
	link_gone
	e2e_pass "carrier flaps recovered exactly, next hop loss (IPv4 and IPv6), pauses, carrier timeout and a deleted link reported"
}

main
