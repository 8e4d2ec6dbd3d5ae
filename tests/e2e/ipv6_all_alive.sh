#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# All-alive IPv6 /112: the target answers ICMPv6 echo for every address of 2001:db8:1::/112
# (a local route); icmpsweep at -r 100k must report each of the 65,536 addresses exactly
# once and nothing else.  Then again with every echo reply duplicated by nftables (dup):
# still each address once, the duplicates counted as such.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=v6alive e2e_init "$@"

PREFIX=2001:db8:1::/112
RATE=100k

# sweep_once WHAT: one sweep of PREFIX, checked against every address.
sweep_once() {
	local what=$1 n hits sent
	e2e_sweep "$WORK/out.txt" "$WORK/err.txt" -n -r "$RATE" -c 2 --seed 1 \
		--metadata "$WORK/meta.json" "$PREFIX"
	e2e_expect_rc 0 "$WORK/err.txt"
	e2e_log "$what: swept $PREFIX at -r $RATE in ${E2E_SECONDS}s: $(wc -l <"$WORK/out.txt") lines"
	grep -q "65536 targets (0 IPv4, 65536 IPv6) from $LAB_SCAN_ADDR6 on $LAB_SCAN_IF" "$WORK/err.txt" ||
		e2e_fail "$what: start line does not count the IPv6 targets: $(grep 'targets' "$WORK/err.txt" | head -n 2)"
	e2e_no_duplicates "$WORK/out.txt" "$what: text output"
	e2e_same_set "$WORK/expected.txt" "$WORK/out.txt" "$what: all-alive $PREFIX"
	n=$(wc -l <"$WORK/out.txt")
	[[ $n -eq 65536 ]] || e2e_fail "$what: expected 65536 lines, got $n"
	hits=$(e2e_meta_int "$WORK/meta.json" hits)
	sent=$(e2e_meta_int "$WORK/meta.json" sent)
	[[ $hits -eq 65536 ]] || e2e_fail "$what: metadata hits=$hits, expected 65536"
	[[ $sent -eq 65536 ]] || e2e_fail "$what: metadata sent=$sent, expected 65536"
	[[ $(e2e_meta_int "$WORK/meta.json" targets_ipv6) -eq 65536 &&
		$(e2e_meta_int "$WORK/meta.json" targets_ipv4) -eq 0 ]] ||
		e2e_fail "$what: metadata targets_ipv4/targets_ipv6 wrong"
}

main() {
	lab_ipv6
	lab_all_alive6 "$PREFIX"
	awk 'BEGIN { print "2001:db8:1::"; for (i = 1; i < 65536; i++) printf "2001:db8:1::%x\n", i }' \
		>"$WORK/expected.txt"

	sweep_once "plain"
	local dups
	dups=$(e2e_meta_int "$WORK/meta.json" duplicates)
	[[ $dups -eq 0 ]] || e2e_fail "plain: $dups duplicates counted without any sent"
	local t1=$E2E_SECONDS

	lab_require_cmd nft
	lab_dup6
	sweep_once "duplicated replies"
	dups=$(e2e_meta_int "$WORK/meta.json" duplicates)
	# Every reply came twice: each second copy is counted, none reported.
	[[ $dups -ge 60000 ]] || e2e_fail "duplicated replies: only $dups duplicates counted, expected about 65536"
	e2e_pass "65536/65536 IPv6 hosts once each at -r $RATE (${t1}s); with every reply" \
		"duplicated still once each ($dups duplicates counted, ${E2E_SECONDS}s)"
}

main
