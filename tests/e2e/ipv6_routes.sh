#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# IPv6 targets and the scanner's routes: on-link targets on the lab link are found by the NDP
# pass first - the target end answers and is swept, silent addresses and our own are not
# probed; targets the scanner blackholes are counted and named as unrouted (in a shard, that
# shard's share); -i naming another interface, and with --no-arp more on-link IPv6 targets than
# the neighbour table resolves one by one, are refused with the reason (exit 2).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=v6routes e2e_init "$@"

main() {
	lab_ipv6
	lab_all_alive6 2001:db8:2::/126
	ip -n "$LAB_SCAN" -6 route add blackhole 2001:db8:9::/126

	# 2001:db8:ffff::/125: ::1 is ours, ::2 the target end, the rest nobody.  Exact probe
	# counts: no echo request to ff02::1 (ipv6_lan tests it).
	e2e_sweep "$WORK/out.txt" "$WORK/err.txt" -n -c 1 --metadata "$WORK/meta.json" --no-ipv6-multicast \
		2001:db8:ffff::/125 2001:db8:9::/126 2001:db8:2::/126
	e2e_expect_rc 0 "$WORK/err.txt"
	printf '%s\n' 2001:db8:ffff::2 2001:db8:2:: 2001:db8:2::1 2001:db8:2::2 2001:db8:2::3 >"$WORK/want.txt"
	e2e_same_set "$WORK/want.txt" "$WORK/out.txt" "on-link, routed and unrouted IPv6 targets"
	grep -q "warning: 4 targets have no usable route and are skipped: 2001:db8:9::-2001:db8:9::3 (blackhole)" \
		"$WORK/err.txt" || e2e_fail "no unrouted warning: $(cat "$WORK/err.txt")"
	[[ $(e2e_meta_int "$WORK/meta.json" unrouted) -eq 4 ]] || e2e_fail "metadata unrouted is not 4"
	# The on-link target answered NDP and was probed; the 5 silent ones were not.
	[[ $(e2e_meta_int "$WORK/meta.json" sent) -eq 5 ]] ||
		e2e_fail "sent $(e2e_json_get "$WORK/meta.json" sent) probes, expected 5"
	grep -q "\"source6\": \"$LAB_SCAN_ADDR6\"" "$WORK/meta.json" || e2e_fail "metadata interfaces lack source6"

	# A shard counts its own unrouted targets.
	local u0 u1
	e2e_sweep "$WORK/s0.txt" "$WORK/s0.err" -n -c 1 --seed 4 --shard 0/2 --metadata "$WORK/s0.json" \
		2001:db8:9::/126 2001:db8:2::/126
	e2e_expect_rc 0 "$WORK/s0.err"
	e2e_sweep "$WORK/s1.txt" "$WORK/s1.err" -n -c 1 --seed 4 --shard 1/2 --metadata "$WORK/s1.json" \
		2001:db8:9::/126 2001:db8:2::/126
	e2e_expect_rc 0 "$WORK/s1.err"
	u0=$(e2e_meta_int "$WORK/s0.json" unrouted)
	u1=$(e2e_meta_int "$WORK/s1.json" unrouted)
	((u0 + u1 == 4)) || e2e_fail "shards count $u0 + $u1 unrouted targets, expected 4 in all"
	cat "$WORK/s0.txt" "$WORK/s1.txt" >"$WORK/shards.txt"
	printf '%s\n' 2001:db8:2:: 2001:db8:2::1 2001:db8:2::2 2001:db8:2::3 >"$WORK/want2.txt"
	e2e_same_set "$WORK/want2.txt" "$WORK/shards.txt" "two shards"

	# Nothing routed at all.
	e2e_sweep "$WORK/none.txt" "$WORK/none.err" -n -c 1 2001:db8:9::/126
	e2e_expect_rc 1 "$WORK/none.err"
	grep -q "no route to 2001:db8:9::-2001:db8:9::3 (blackhole)" "$WORK/none.err" ||
		e2e_fail "all unrouted: $(cat "$WORK/none.err")"
	# -i elsewhere, and too many on-link targets.
	e2e_sweep "$WORK/lo.txt" "$WORK/lo.err" -n -c 1 -i lo 2001:db8:2::/126
	e2e_expect_rc 2 "$WORK/lo.err"
	grep -q "routed through $LAB_SCAN_IF, not -i lo" "$WORK/lo.err" || e2e_fail "-i lo: $(cat "$WORK/lo.err")"
	# More on-link targets than the neighbour table takes: the NDP pass solicits them all
	# (each of the 2 tries), only the target end answers and is probed.
	e2e_sweep "$WORK/big.txt" "$WORK/big.err" -n -c 1 --metadata "$WORK/big.json" --no-ipv6-multicast \
		2001:db8:ffff::/119
	e2e_expect_rc 0 "$WORK/big.err"
	printf '%s\n' 2001:db8:ffff::2 >"$WORK/want3.txt"
	e2e_same_set "$WORK/want3.txt" "$WORK/big.txt" "/119 on-link"
	[[ $(e2e_meta_int "$WORK/big.json" sent) -eq 1 ]] || e2e_fail "/119: $(e2e_meta_int "$WORK/big.json" sent) probes, expected 1"
	[[ $(e2e_meta_int "$WORK/big.json" ndp_hosts) -eq 1 ]] || e2e_fail "/119: ndp_hosts is not 1"
	(($(e2e_meta_int "$WORK/big.json" ndp_sent) >= 2 * 510)) || e2e_fail "/119: too few solicitations"
	# --no-arp keeps the neighbour table's way, and its bound.
	e2e_sweep "$WORK/big2.txt" "$WORK/big2.err" -n -c 1 --no-arp 2001:db8:ffff::/119
	e2e_expect_rc 2 "$WORK/big2.err"
	grep -q "511 IPv6 targets are on-link on $LAB_SCAN_IF .*with --no-arp at most 256" "$WORK/big2.err" ||
		e2e_fail "/119 on-link with --no-arp: $(cat "$WORK/big2.err")"
	e2e_pass "on-link IPv6 target found through NDP, silent ones and our own not probed;" \
		"unrouted counted (also per shard); -i elsewhere refused; 511 on-link targets swept" \
		"by the NDP pass, refused with --no-arp"
}

main
