#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# -S for IPv6: one -S per address family (as masscan's --source-ip takes either).  The
# scanner has a second IPv6 address, 2001:db8:ffff::10; with -S naming it, every ICMPv6 probe
# leaves from it (counted at the target by source) and the sweep is exact: through the
# routes, with -i and -G (no route asked; IPv4 targets beside with an IPv4 -S), and in no-root
# mode (the ping socket bound to it).  Refused with exit 2 naming the value, nothing sent: a
# -S of a family no target has, a second -S of one family, multicast and unspecified sources,
# and -i/-G with a -S for one family when the other's targets have none.  A source that is
# not the host's own cannot bind the ping socket: exit 1, named.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=v6src e2e_init "$@"

SRC6=2001:db8:ffff::10
LIVE6=2001:db8:2::/124
LIVE4=198.18.5.0/28

# from_src6: ICMPv6 echo requests from $SRC6 counted at the target so far.
from_src6() {
	lab_nft list counter ip6 "$LAB_NFT6_TABLE" from_src6 |
		awk '/packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}

# sweep_exact NAME WANT PROBES6 ARGS...: the sweep's replies are exactly WANT's addresses and
# PROBES6 echo requests from $SRC6 reached the target.
sweep_exact() {
	local name=$1 want=$2 probes6=$3 before
	shift 3
	before=$(from_src6)
	e2e_sweep "$WORK/$name.out" "$WORK/$name.err" -n -q -c 1 "$@"
	e2e_expect_rc 0 "$WORK/$name.err"
	e2e_no_duplicates "$WORK/$name.out" "$name"
	e2e_same_set "$want" "$WORK/$name.out" "$name"
	[[ $(($(from_src6) - before)) -eq $probes6 ]] ||
		e2e_fail "$name: $(($(from_src6) - before)) probes from $SRC6 at the target, expected $probes6"
}

# refused NAME WANT-RC MESSAGE ARGS...: the run exits WANT-RC with MESSAGE as its first line
# and sends nothing.
refused() {
	local name=$1 rc=$2 msg=$3 sent0
	shift 3
	sent0=$(lab_sent)
	e2e_sweep "$WORK/$name.out" "$WORK/$name.err" -n -q "$@"
	e2e_expect_rc "$rc" "$WORK/$name.err"
	[[ $(head -n 1 "$WORK/$name.err") == "icmpsweep: $msg" ]] ||
		e2e_fail "$name: '$(head -n 1 "$WORK/$name.err")', expected 'icmpsweep: $msg'"
	[[ $(lab_sent) -eq $sent0 ]] || e2e_fail "$name: refused, but sent $(($(lab_sent) - sent0)) probes"
}

main() {
	local mac
	lab_ipv6
	ip -n "$LAB_SCAN" -6 addr add "$SRC6/64" dev "$LAB_SCAN_IF" nodad
	lab_all_alive6 "$LIVE6"
	lab_all_alive "$LIVE4"
	lab_sent_start
	lab_nft add counter ip6 "$LAB_NFT6_TABLE" from_src6
	lab_nft add rule ip6 "$LAB_NFT6_TABLE" pre iifname "$LAB_TGT_IF" icmpv6 type echo-request \
		ip6 saddr "$SRC6" counter name from_src6
	e2e_cidr_list "$LIVE4" >"$WORK/live4.txt"
	awk 'BEGIN { for (i = 0; i < 16; i++) printf "2001:db8:2::%x\n", i }' |
		sed 's/^2001:db8:2::0$/2001:db8:2::/' >"$WORK/live6.txt"
	cat "$WORK/live4.txt" "$WORK/live6.txt" >"$WORK/mixed.txt"
	mac=$(lab_tgt_mac)

	# Through the routes, the default source replaced; IPv4 targets keep theirs.
	sweep_exact meta "$WORK/live6.txt" 16 --metadata "$WORK/meta.json" -S "$SRC6" "$LIVE6"
	grep -q "\"source6\": \"$SRC6\"" "$WORK/meta.json" ||
		e2e_fail "metadata does not name $SRC6 as source6"
	sweep_exact mixed_routes "$WORK/mixed.txt" 16 -S "$SRC6" "$LIVE4" "$LIVE6"
	# -i, -G and -S: no route asked, for IPv6 alone and for both families.
	sweep_exact given "$WORK/live6.txt" 16 -i "$LAB_SCAN_IF" -G "$mac" -S "$SRC6" "$LIVE6"
	sweep_exact given_mixed "$WORK/mixed.txt" 16 -i "$LAB_SCAN_IF" -G "$mac" -S "$LAB_SCAN_ADDR" \
		-S "$SRC6" "$LIVE4" "$LIVE6"
	# No-root mode: the ICMPv6 ping socket bound to the source.
	lab_exec_scanner sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	sweep_exact socket "$WORK/live6.txt" 16 --tx socket -S "$SRC6" "$LIVE6"

	refused v6_for_v4 2 "-S $SRC6 is an IPv6 source, but every target is IPv4: give an IPv4 address with -S, or leave it out" \
		-S "$SRC6" "$LIVE4"
	refused v4_for_v6 2 "-S $LAB_SCAN_ADDR is an IPv4 source, but every target is IPv6: give an IPv6 address with -S, or leave it out" \
		-S "$LAB_SCAN_ADDR" "$LIVE6"
	refused twice 2 "-S '$LAB_SCAN_ADDR6': an IPv6 source was given already (one -S per address family)" \
		-S "$SRC6" -S "$LAB_SCAN_ADDR6" "$LIVE6"
	refused multicast 2 "invalid source address 'ff02::1'" -S ff02::1 "$LIVE6"
	refused unspecified 2 "invalid source address '::'" -S :: "$LIVE6"
	refused given_no_v6 2 "-i, -S and -G send regardless of routes, but -S gives no IPv6 source for the IPv6 targets: add -S with an IPv6 address, or leave -S out so that they take their route's source" \
		-i "$LAB_SCAN_IF" -G "$mac" -S "$LAB_SCAN_ADDR" "$LIVE4" "$LIVE6"
	refused given_no_v4 2 "-i, -S and -G send regardless of routes, but -S gives no IPv4 source for the IPv4 targets: add -S with an IPv4 address, or leave -S out so that they take their route's source" \
		-i "$LAB_SCAN_IF" -G "$mac" -S "$SRC6" "$LIVE4" "$LIVE6"
	refused not_ours 1 "--tx socket: ICMPv6 ping socket: cannot bind the source address (-S): Cannot assign requested address" \
		--tx socket -S 2001:db8:ffff::99 "$LIVE6"
	e2e_pass "-S $SRC6: exact with every probe from it through the routes, with -i/-G (IPv6" \
		"alone and mixed), and through the ping socket; bad sources refused by name, nothing sent"
}

main
