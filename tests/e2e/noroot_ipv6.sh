#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# No-root mode for IPv6: ICMPv6 datagram ("ping") sockets.
#
# As nobody (no capability), with net.ipv4.ping_group_range admitting it (the same sysctl
# governs ICMPv6 ping sockets): a sparse IPv6 set (a random 40 of a /120) sweeps exactly with
# RTTs, hop limits and probe numbers, in CSV and JSON; ICMPv6 errors come through the error
# queue (IPV6_RECVERR) with the router that sent them: destination unreachable for a block
# the target end routes `unreachable` (and a /118 of them at 200k/s, each error also refusing
# the next send once), time exceeded with --hop-limit 1; IPv4 and IPv6 targets mixed in one
# run are both exact; -P 3 finds every host whose first two probes were dropped, -P 2 none;
# --tx socket as root takes IPv6 targets too.  A probe the kernel refuses for good (a policy
# rule prohibits it) is counted, named and makes the exit non-zero.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=nr6 e2e_init "$@"
lab_require_cmd setpriv python3

PREFIX6=2001:db8:1::/120
LIVE6=40
PREFIX4=198.18.0.0/26
LIVE4=20
UNREACH6=2001:db8:7::/126
UNREACH6_WIDE=2001:db8:9::/118
HOPS6=2001:db8:8::/126
NOGROUP=$(id -g nobody)
AS_NOBODY=(setpriv --reuid=nobody --regid="$NOGROUP" --clear-groups)

# The build directory may not be reachable for nobody: a copy it can run.
BIN=$WORK/bin/icmpsweep
mkdir -p "$WORK/bin" "$WORK/out"
install -m 0755 "$ISW" "$BIN"
chmod 0755 "$WORK" "$WORK/bin"
chmod 0777 "$WORK/out"

# nobody_sweep NAME ARGS...: $BIN ARGS as nobody in the scanner namespace, bounded in time;
# stdout to $WORK/out/NAME.out, stderr to NAME.err.  Sets E2E_RC.
nobody_sweep() {
	local name=$1
	shift
	E2E_RC=0
	lab_exec_scanner timeout -k 5 "$E2E_RUN_TIMEOUT" "${AS_NOBODY[@]}" "$BIN" "$@" \
		>"$WORK/out/$name.out" 2>"$WORK/out/$name.err" || E2E_RC=$?
	[[ $E2E_RC -ne 124 && $E2E_RC -ne 137 ]] || e2e_fail "$name timed out"
}

# csv_rows NAME TYPE: the addresses of the CSV rows of TYPE, one per line.
csv_rows() { tail -n +2 "$WORK/out/$1.out" | awk -F, -v t="$2" '$2 == t { print $1 }'; }

# exact WANT NAME: sweep NAME's echo replies are exactly the addresses in WANT.
exact() {
	csv_rows "$2" echo-reply >"$WORK/$2.got"
	e2e_no_duplicates "$WORK/$2.got" "$2"
	e2e_same_set "$1" "$WORK/$2.got" "$2"
}

# random_live6 N: N distinct random addresses of $PREFIX6 (seeded), one per line.
random_live6() {
	python3 -c 'import random, sys
r = random.Random(int(sys.argv[2]))
for i in sorted(r.sample(range(256), int(sys.argv[1]))): print("2001:db8:1::%x" % i)' "$1" "$E2E_SEED"
}

sparse_exact() {
	local start bad
	nobody_sweep sparse -n -c 1 -O csv --metadata "$WORK/out/sparse.json" "$PREFIX6"
	e2e_expect_rc 0 "$WORK/out/sparse.err"
	start=$(grep -m1 ' targets ' "$WORK/out/sparse.err")
	[[ $start == *"256 targets"*"through ICMP datagram (ping) sockets"*"tx socket (no-root mode: raw packets are not permitted (no CAP_NET_RAW)"* ]] ||
		e2e_fail "the start line does not say no-root mode: $start"
	exact "$WORK/live6.txt" sparse
	# RTTs and hop limits come through (kernel timestamps, IPV6_RECVHOPLIMIT); the probe too.
	bad=$(tail -n +2 "$WORK/out/sparse.out" | awk -F, '$2 == "echo-reply" && !($3 > 0 && $3 < 1000 && $4 == 64 && $5 == 1)' | head -n 3)
	[[ -z $bad ]] || e2e_fail "no-root IPv6 rows without RTT, hop limit 64 or probe 1: $bad"
	[[ $(e2e_json_get "$WORK/out/sparse.json" tx) == socket ]] ||
		e2e_fail "metadata tx is $(e2e_json_get "$WORK/out/sparse.json" tx), not socket"
	[[ $(e2e_meta_int "$WORK/out/sparse.json" hits) -eq $LIVE6 ]] ||
		e2e_fail "metadata hits $(e2e_json_get "$WORK/out/sparse.json" hits), expected $LIVE6"
	nobody_sweep sparse_json -n -q -c 1 -O json "$PREFIX6"
	e2e_expect_rc 0 "$WORK/out/sparse_json.err"
	python3 -c 'import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("type") == "echo-reply": print(r["ip"])' "$WORK/out/sparse_json.out" >"$WORK/json.got"
	e2e_no_duplicates "$WORK/json.got" json
	e2e_same_set "$WORK/live6.txt" "$WORK/json.got" "json"
}

errors_reported() {
	local r=$LAB_TGT_ADDR6 n bad
	nobody_sweep errs -n -q -c 1 -O csv "$UNREACH6" "$HOPS6" 2001:db8:2::/126
	e2e_expect_rc 0 "$WORK/out/errs.err"
	csv_rows errs unreachable | LC_ALL=C sort >"$WORK/errs.got"
	printf '2001:db8:7::\n2001:db8:7::1\n2001:db8:7::2\n2001:db8:7::3\n' >"$WORK/errs.want"
	cmp -s "$WORK/errs.want" "$WORK/errs.got" ||
		e2e_fail "unreachable through the error queue: $(tr '\n' ' ' <"$WORK/errs.got")"
	bad=$(tail -n +2 "$WORK/out/errs.out" | awk -F, -v r="$r" '$2 != "echo-reply" && $7 != r' | head -n 3)
	[[ -z $bad ]] || e2e_fail "ICMPv6 errors not reported from the router $r: $bad"
	[[ -z $(csv_rows errs time-exceeded) ]] || e2e_fail "time exceeded without --hop-limit"
	[[ $(csv_rows errs echo-reply | wc -l) -eq 4 ]] || e2e_fail "2001:db8:2::/126 did not all answer"

	nobody_sweep hop1 -n -q -c 1 -O csv --hop-limit 1 "$HOPS6" 2001:db8:2::/126
	e2e_expect_rc 0 "$WORK/out/hop1.err"
	[[ $(csv_rows hop1 time-exceeded | wc -l) -eq 4 ]] ||
		e2e_fail "--hop-limit 1: expected 4 time exceeded: $(head -n 6 "$WORK/out/hop1.out")"
	bad=$(tail -n +2 "$WORK/out/hop1.out" | awk -F, -v r="$r" '$2 == "time-exceeded" && ($7 != r || $1 !~ /^2001:db8:8::/)' | head -n 3)
	[[ -z $bad ]] || e2e_fail "time exceeded rows not from $r or outside $HOPS6: $bad"
	[[ $(csv_rows hop1 echo-reply | wc -l) -eq 4 ]] || e2e_fail "--hop-limit 1: the on-path block did not answer"

	# A stream of errors: each one the kernel also hands to the next send, which must go
	# again rather than count its probe as unsent.
	nobody_sweep errs_wide -n -q -c 1 -r 200k -O csv "$UNREACH6_WIDE"
	e2e_expect_rc 0 "$WORK/out/errs_wide.err"
	n=$(csv_rows errs_wide unreachable | wc -l)
	[[ $n -eq 1024 ]] || e2e_fail "expected 1024 unreachable targets of $UNREACH6_WIDE, got $n: $(tail -n 3 "$WORK/out/errs_wide.err")"
}

mixed() {
	lab_random_live_set "$LIVE4" "$PREFIX4" "$WORK/live4.txt" "$E2E_SEED"
	lab_live_set "$WORK/live4.txt"
	cat "$WORK/live4.txt" "$WORK/live6.txt" >"$WORK/mixed.want"
	nobody_sweep mixed -n -c 1 -O csv "$PREFIX4" "$PREFIX6"
	e2e_expect_rc 0 "$WORK/out/mixed.err"
	grep -q "320 targets (64 IPv4, 256 IPv6) from $LAB_SCAN_ADDR and $LAB_SCAN_ADDR6 on $LAB_SCAN_IF" "$WORK/out/mixed.err" ||
		e2e_fail "mixed: start line: $(grep -m1 targets "$WORK/out/mixed.err")"
	exact "$WORK/mixed.want" mixed
}

retries() {
	# The first two echo requests to each address dropped at the target end.
	lab_nft_table 6
	lab_nft add set ip6 "$LAB_NFT6_TABLE" first1 "{ type ipv6_addr; size 65536; flags dynamic; }"
	lab_nft add set ip6 "$LAB_NFT6_TABLE" first2 "{ type ipv6_addr; size 65536; flags dynamic; }"
	lab_nft add rule ip6 "$LAB_NFT6_TABLE" pre icmpv6 type echo-request ip6 daddr @first1 \
		ip6 daddr != @first2 add @first2 "{ ip6 daddr }" drop
	lab_nft add rule ip6 "$LAB_NFT6_TABLE" pre icmpv6 type echo-request ip6 daddr != @first1 \
		add @first1 "{ ip6 daddr }" drop
	nobody_sweep p3 -n -q -c 1 -P 3 -O csv "$PREFIX6"
	e2e_expect_rc 0 "$WORK/out/p3.err"
	exact "$WORK/live6.txt" p3
	bad=$(tail -n +2 "$WORK/out/p3.out" | awk -F, '$5 != 3' | head -n 3)
	[[ -z $bad ]] || e2e_fail "with the first 2 probes dropped every answer must be to probe 3: $bad"
	lab_nft flush set ip6 "$LAB_NFT6_TABLE" first1
	lab_nft flush set ip6 "$LAB_NFT6_TABLE" first2
	nobody_sweep p2 -n -q -c 1 -P 2 -O csv "$PREFIX6"
	e2e_expect_rc 0 "$WORK/out/p2.err"
	[[ -z $(csv_rows p2 echo-reply) ]] || e2e_fail "-P 2 with the first 2 probes dropped found hosts"
	lab_nft delete table ip6 "$LAB_NFT6_TABLE"
}

as_root() {
	e2e_sweep "$WORK/root.out" "$WORK/root.err" -n -c 1 --tx socket "$PREFIX6"
	e2e_expect_rc 0 "$WORK/root.err"
	grep -q 'tx socket (no-root mode: --tx socket;' "$WORK/root.err" ||
		e2e_fail "--tx socket as root: start line: $(grep -m1 ' targets ' "$WORK/root.err")"
	e2e_no_duplicates "$WORK/root.out" "--tx socket as root"
	e2e_same_set "$WORK/live6.txt" "$WORK/root.out" "--tx socket as root"
}

unsent() {
	local a
	# A policy rule for ICMPv6 alone refuses two probes for good (EACCES on each try; the
	# route plan, asking without a protocol, saw their route): counted, named, exit 1; the
	# others answer as ever.
	for a in $(head -n 2 "$WORK/live6.txt"); do
		ip -n "$LAB_SCAN" -6 rule add ipproto ipv6-icmp to "$a/128" prohibit
	done
	nobody_sweep unsent -n -c 1 -O csv "$PREFIX6"
	for a in $(head -n 2 "$WORK/live6.txt"); do
		ip -n "$LAB_SCAN" -6 rule del ipproto ipv6-icmp to "$a/128" prohibit
	done
	e2e_expect_rc 1 "$WORK/out/unsent.err"
	grep -qxF "icmpsweep: error: 2 probes were not sent on $LAB_SCAN_IF (Permission denied)" "$WORK/out/unsent.err" ||
		e2e_fail "unsent probes not named: $(grep -v '^icmpsweep: [0-9]* targets' "$WORK/out/unsent.err")"
	tail -n +3 "$WORK/live6.txt" >"$WORK/sent6.txt"
	exact "$WORK/sent6.txt" unsent
}

main() {
	lab_ipv6
	lab_exec_scanner sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	random_live6 "$LIVE6" >"$WORK/live6.txt"
	lab_live_set6 "$WORK/live6.txt" "$PREFIX6"
	lab_all_alive6 2001:db8:2::/126
	ip -n "$LAB_TGT" -6 route add unreachable "$UNREACH6"
	ip -n "$LAB_TGT" -6 route add unreachable "$UNREACH6_WIDE"
	ip netns exec "$LAB_TGT" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$LAB_TGT" -6 route add "$HOPS6" via "$LAB_SCAN_ADDR6" dev "$LAB_TGT_IF"
	sparse_exact
	errors_reported
	mixed
	retries
	unsent
	as_root
	e2e_pass "as nobody through ICMPv6 ping sockets: $LIVE6 of 256 exact (CSV, JSON);" \
		"unreachable and time exceeded from the router, 1024 at 200k/s; mixed IPv4+IPv6" \
		"exact; -P 3 through 2 dropped probes exact; 2 refused probes named, exit 1;" \
		"--tx socket as root"
}

main
