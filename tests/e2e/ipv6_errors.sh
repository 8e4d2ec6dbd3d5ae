#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# ICMPv6 errors reported with the router that sent them: the target end routes
# 2001:db8:7::/126 `unreachable` (destination unreachable from 2001:db8:ffff::2) and forwards
# 2001:db8:8::/126 back toward the scanner, so that probes sent with --hop-limit 1 draw time
# exceeded from it, and with the default hop limit nothing (the scanner does not forward).
# 2001:db8:2::/126 answers echo either way (delivered, not forwarded).  Modes that carry IPv4
# only refuse IPv6 targets, naming the option, with exit 2 and nothing sent.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=v6err e2e_init "$@"

# rows FILE NAME: "ip,type,responder" of the sweep's CSV, sorted, to $WORK/NAME.got.
rows() {
	tail -n +2 "$1" | awk -F, -v OFS=, '{ print $1, $2, $7 }' | LC_ALL=C sort >"$WORK/$2.got"
}

# expect NAME: the rows of sweep NAME are exactly $WORK/NAME.want.
expect() {
	LC_ALL=C sort -o "$WORK/$1.want" "$WORK/$1.want"
	cmp -s "$WORK/$1.want" "$WORK/$1.got" ||
		e2e_fail "$1: rows differ (want < > got):
$(diff "$WORK/$1.want" "$WORK/$1.got" | head -n 20)"
}

main() {
	local r=$LAB_TGT_ADDR6 a
	lab_ipv6
	lab_all_alive6 2001:db8:2::/126
	ip -n "$LAB_TGT" -6 route add unreachable 2001:db8:7::/126
	ip netns exec "$LAB_TGT" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$LAB_TGT" -6 route add 2001:db8:8::/126 via "$LAB_SCAN_ADDR6" dev "$LAB_TGT_IF"

	for a in 2001:db8:2:: 2001:db8:2::1 2001:db8:2::2 2001:db8:2::3; do
		echo "$a,echo-reply,$a"
	done >"$WORK/alive.rows"
	for a in 2001:db8:7:: 2001:db8:7::1 2001:db8:7::2 2001:db8:7::3; do
		echo "$a,unreachable,$r"
	done >"$WORK/unreach.rows"
	cat "$WORK/alive.rows" "$WORK/unreach.rows" >"$WORK/default.want"
	cat "$WORK/alive.rows" "$WORK/unreach.rows" >"$WORK/hop1.want"
	for a in 2001:db8:8:: 2001:db8:8::1 2001:db8:8::2 2001:db8:8::3; do
		echo "$a,time-exceeded,$r"
	done >>"$WORK/hop1.want"

	e2e_sweep "$WORK/default.csv" "$WORK/default.err" -q -n -O csv -c 1 \
		2001:db8:2::/126 2001:db8:7::/126 2001:db8:8::/126
	e2e_expect_rc 0 "$WORK/default.err"
	rows "$WORK/default.csv" default
	expect default

	e2e_sweep "$WORK/hop1.csv" "$WORK/hop1.err" -q -n -O csv -c 1 --hop-limit 1 \
		2001:db8:2::/126 2001:db8:7::/126 2001:db8:8::/126
	e2e_expect_rc 0 "$WORK/hop1.err"
	rows "$WORK/hop1.csv" hop1
	expect hop1

	# A bad hop limit: named, exit 2, nothing sent.
	e2e_sweep "$WORK/bad.out" "$WORK/bad.err" -q --hop-limit 0 2001:db8:2::1
	e2e_expect_rc 2 "$WORK/bad.err"
	grep -q "invalid hop limit '0' (1..255)" "$WORK/bad.err" || e2e_fail "--hop-limit 0: $(cat "$WORK/bad.err")"
	# Modes that carry IPv4 only refuse IPv6 targets by name, exit 2, before any probe.
	local tx0 opt
	lab_sent_start
	tx0=$(lab_sent)
	for opt in --arp-only -l; do
		# shellcheck disable=SC2086 # $opt may be an option and its value
		e2e_sweep "$WORK/refused.out" "$WORK/refused.err" -q $opt 198.18.5.1 2001:db8:2::1
		e2e_expect_rc 2 "$WORK/refused.err"
		grep -q "^icmpsweep: $opt .*cannot take the 1 IPv6 targets (2001:db8:2::1)" "$WORK/refused.err" ||
			e2e_fail "$opt with an IPv6 target: $(cat "$WORK/refused.err")"
	done
	[[ $(lab_sent) -eq $tx0 ]] || e2e_fail "refused runs sent $(($(lab_sent) - tx0)) probes"
	e2e_pass "unreachable and (with --hop-limit 1) time exceeded reported from $r; echo" \
		"replies unchanged; --hop-limit 0, --arp-only, -l refused"
}

main
