#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# IPv6 over a link without Ethernet: a TUN device in the scanner namespace (this kernel has no
# ip6tnl, sit or ip6gre), with tests/lab/tun6.py behind it answering as hosts and a router.
# IPv6 probes leave as bare IPv6 packets, like IPv4 ones on raw-IP links: --tx auto picks
# libnet (its raw IPv6 socket), and the sweep of a gateway route (a random 24 of a /120 live)
# and an on-link one (a /124, all live) is exact, with destination unreachable and (with
# --hop-limit 1) time exceeded reported from the router; a trace of the link (DLT_RAW) read
# back gives the same hosts; no-root mode sends them through the ICMPv6 ping socket; --tx
# ring, which has no raw-IP path, refuses the link naming it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=v6raw e2e_init "$@"
lab_require_cmd python3
[[ -c /dev/net/tun ]] || lab_skip "no /dev/net/tun"

TUN=isw-tun6
ME=2001:db8:fffe::1
ROUTER=2001:db8:fffe::2
VIA=2001:db8:5::/120   # via the router on the tun
ONLINK=2001:db8:6::/124 # on-link on the tun
UNREACH=2001:db8:7::/126
HOPS=2001:db8:8::/126

# rows NAME: "ip,type,responder" of sweep NAME's CSV, sorted.
rows() { tail -n +2 "$WORK/$1.csv" | awk -F, -v OFS=, '{ print $1, $2, $7 }' | LC_ALL=C sort; }

# expect NAME: sweep NAME's rows are exactly $WORK/NAME.want.
expect() {
	rows "$1" >"$WORK/$1.got"
	LC_ALL=C sort -o "$WORK/$1.want" "$WORK/$1.want"
	cmp -s "$WORK/$1.want" "$WORK/$1.got" ||
		e2e_fail "$1: rows differ (want < > got):
$(diff "$WORK/$1.want" "$WORK/$1.got" | head -n 20)"
}

start_responder() {
	lab_exec_scanner timeout -k 2 240 python3 "$E2E_DIR/../lab/tun6.py" --dev "$TUN" \
		--live "$WORK/live.txt" --unreach "$UNREACH" --hops "$HOPS" --router "$ROUTER" \
		--seconds 230 2>"$WORK/tun6.log" &
	TUN6_PID=$!
	lab_on_exit "kill $TUN6_PID 2>/dev/null; wait $TUN6_PID 2>/dev/null"
	local i
	for ((i = 0; i < 50; i++)); do
		grep -q attached "$WORK/tun6.log" 2>/dev/null && return 0
		kill -0 "$TUN6_PID" 2>/dev/null || e2e_fail "tun6.py failed: $(cat "$WORK/tun6.log")"
		sleep 0.1
	done
	e2e_fail "tun6.py did not attach to $TUN: $(cat "$WORK/tun6.log")"
}

main() {
	local a n
	lab_ipv6
	ip -n "$LAB_SCAN" tuntap add mode tun name "$TUN"
	ip -n "$LAB_SCAN" -6 addr add "$ME/64" dev "$TUN" nodad
	ip -n "$LAB_SCAN" link set "$TUN" up
	ip -n "$LAB_SCAN" -6 route add "$VIA" via "$ROUTER" dev "$TUN"
	ip -n "$LAB_SCAN" -6 route add "$ONLINK" dev "$TUN"
	ip -n "$LAB_SCAN" -6 route add "$UNREACH" via "$ROUTER" dev "$TUN"
	ip -n "$LAB_SCAN" -6 route add "$HOPS" via "$ROUTER" dev "$TUN"
	python3 -c 'import random, sys
r = random.Random(int(sys.argv[1]))
for i in sorted(r.sample(range(256), 24)): print("2001:db8:5::%x" % i)
for i in range(16): print("2001:db8:6::%x" % i)' "$E2E_SEED" | sed 's/::0$/::/' >"$WORK/live.txt"
	start_responder

	awk '{ print $1 ",echo-reply," $1 }' "$WORK/live.txt" >"$WORK/auto.want"
	for a in 2001:db8:7:: 2001:db8:7::1 2001:db8:7::2 2001:db8:7::3; do
		echo "$a,unreachable,$ROUTER"
	done >>"$WORK/auto.want"
	e2e_sweep "$WORK/auto.csv" "$WORK/auto.err" -n -q -c 1 -O csv --seed 5 --metadata "$WORK/auto.json" \
		-w "$WORK/t.pcap" "$VIA" "$ONLINK" "$UNREACH" "$HOPS"
	e2e_expect_rc 0 "$WORK/auto.err"
	expect auto
	[[ $(e2e_json_get "$WORK/auto.json" tx) == libnet ]] ||
		e2e_fail "auto on $TUN: metadata tx=$(e2e_json_get "$WORK/auto.json" tx), expected libnet"
	# The trace holds bare IPv6 (DLT_RAW); read back, the same hosts.
	e2e_sweep "$WORK/read.out" "$WORK/read.err" -n -q --seed 5 --read "$WORK/t.pcap"
	e2e_expect_rc 0 "$WORK/read.err"
	e2e_same_set "$WORK/live.txt" "$WORK/read.out" "--read of the $TUN trace"

	cp "$WORK/auto.want" "$WORK/hop1.want"
	for a in 2001:db8:8:: 2001:db8:8::1 2001:db8:8::2 2001:db8:8::3; do
		echo "$a,time-exceeded,$ROUTER"
	done >>"$WORK/hop1.want"
	e2e_sweep "$WORK/hop1.csv" "$WORK/hop1.err" -n -q -c 1 -O csv --hop-limit 1 \
		"$VIA" "$ONLINK" "$UNREACH" "$HOPS"
	e2e_expect_rc 0 "$WORK/hop1.err"
	expect hop1

	# No-root mode: the kernel puts the ping socket's probes on the tun.
	lab_exec_scanner sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	cp "$WORK/hop1.want" "$WORK/socket.want"
	e2e_sweep "$WORK/socket.csv" "$WORK/socket.err" -n -q -c 1 -O csv --tx socket --hop-limit 1 \
		"$VIA" "$ONLINK" "$UNREACH" "$HOPS"
	e2e_expect_rc 0 "$WORK/socket.err"
	expect socket

	e2e_sweep "$WORK/ring.out" "$WORK/ring.err" -n -q -c 0 --tx ring "$ONLINK"
	e2e_expect_rc 1 "$WORK/ring.err"
	grep -qxF "icmpsweep: ring: $TUN has no Ethernet header; use --tx libnet" "$WORK/ring.err" ||
		e2e_fail "--tx ring on $TUN: $(cat "$WORK/ring.err")"

	n=$(wc -l <"$WORK/live.txt")
	e2e_pass "on $TUN (no Ethernet): $n live of a routed /120 and an on-link /124 exact through" \
		"libnet's raw IPv6 socket and the ping socket; unreachable and time exceeded from" \
		"$ROUTER; the DLT_RAW trace read back; --tx ring refused"
}

main
