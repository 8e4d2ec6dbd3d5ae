#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# One sweep over two interfaces: each target leaves by its route's interface, from that
# interface's address, to that interface's next hop; blackholed and unreachable targets are
# skipped and counted.
#
#   scanner isw-scan0 192.0.2.1/30 ---- veth ---- isw-tgt0 192.0.2.2/30   target ns A
#           198.18.0.0/16 via 192.0.2.2                                     (live set A)
#   scanner isw-scan1 192.0.2.5/30 ---- veth ---- isw-tgt1 192.0.2.6/30   target ns B
#           198.19.0.0/16 via 192.0.2.6                                     (live set B)
#   scanner: 198.18.250.0/24 unreachable, 198.19.200.0/24 blackhole
#
# Each target namespace counts the echo requests that reach it, per destination /16, so a
# probe sent out the wrong interface (or to the wrong next hop) shows in the counters.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=mif e2e_init "$@"
lab_require_cmd nft

TGT2="${LAB_TGT}2"
lab_on_exit "ip netns del '$TGT2' 2>/dev/null"
ip netns add "$TGT2"
ip -n "$LAB_SCAN" link add isw-scan1 type veth peer name isw-tgt1 netns "$TGT2"
lab_sysctls "$TGT2"
ip netns exec "$TGT2" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000000 \
	net.ipv4.icmp_msgs_burst=100000000
lab_offloads_off "$LAB_SCAN" isw-scan1
lab_offloads_off "$TGT2" isw-tgt1
ip -n "$LAB_SCAN" addr add 192.0.2.5/30 dev isw-scan1
ip -n "$TGT2" addr add 192.0.2.6/30 dev isw-tgt1
ip -n "$TGT2" link set lo up
ip -n "$LAB_SCAN" link set isw-scan1 up
ip -n "$TGT2" link set isw-tgt1 up
ip -n "$LAB_SCAN" route del "$LAB_SWEEP_NET"
ip -n "$LAB_SCAN" route add 198.18.0.0/16 via "$LAB_TGT_ADDR" dev "$LAB_SCAN_IF"
ip -n "$LAB_SCAN" route add 198.19.0.0/16 via 192.0.2.6 dev isw-scan1
ip -n "$LAB_SCAN" route add unreachable 198.18.250.0/24
ip -n "$LAB_SCAN" route add blackhole 198.19.200.0/24
for ((i = 0; i < 50; i++)); do
	ip -n "$TGT2" link show isw-tgt1 | grep -q LOWER_UP && break
	sleep 0.1
done

# Live sets: a seeded tenth of each /20, as local routes in the namespace behind it.
live_set() { # NS PREFIX16 SEED -> the live addresses on stdout, routes in NS
	local ns=$1 p=$2 seed=$3
	awk -v p="$p" -v seed="$seed" 'BEGIN { srand(seed)
		for (i = 0; i < 4096; i++) if (rand() < 0.1) printf "%s.%d.%d\n", p, int(i / 256), i % 256 }' |
		tee "$WORK/live-$ns"
	{
		echo "route replace blackhole $p.0.0/16"
		awk '{ printf "route replace local %s/32 dev lo\n", $1 }' "$WORK/live-$ns"
	} >"$WORK/batch-$ns"
	ip -n "$ns" -batch "$WORK/batch-$ns"
}
{
	live_set "$LAB_TGT" 198.18 "$E2E_SEED"
	live_set "$TGT2" 198.19 "$((E2E_SEED + 1))"
} | LC_ALL=C sort >"$WORK/want"

# Echo requests arriving in each target namespace, by the /16 they were sent to.
count_table() { # NS
	ip netns exec "$1" nft -f - <<-EOF
	table ip isw_mif {
		counter to18 { }
		counter to19 { }
		chain pre { type filter hook prerouting priority -300; policy accept;
			icmp type echo-request ip daddr 198.18.0.0/16 counter name to18
			icmp type echo-request ip daddr 198.19.0.0/16 counter name to19
		}
	}
	EOF
}
count() { # NS COUNTER
	ip netns exec "$1" nft list counter ip isw_mif "$2" |
		awk '/packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}
count_reset() {
	local ns
	for ns in "$LAB_TGT" "$TGT2"; do
		ip netns exec "$ns" nft delete table ip isw_mif 2>/dev/null || true
		count_table "$ns"
	done
}
sleep 0.3

S=(-n -r 20k -c 0.5 -P 1 -O csv --metadata "$WORK/m.json")
found() { tail -n +2 "$1" | cut -d, -f1 | LC_ALL=C sort; }

# 1. Both /20s and two unrouted /28s in one sweep, each tx backend that sends on several.
for tx in ring libnet; do
	count_reset
	e2e_sweep "$WORK/out.csv" "$WORK/err" "${S[@]}" --tx "$tx" \
		198.18.0.0/20 198.19.0.0/20 198.18.250.0/28 198.19.200.0/28
	e2e_expect_rc 0 "$WORK/err"
	found "$WORK/out.csv" >"$WORK/got"
	e2e_same_set "$WORK/want" "$WORK/got" "--tx $tx: two interfaces in one sweep"
	# On the wire: each namespace saw exactly its own /20, once, and nothing of the other's.
	[[ $(count "$LAB_TGT" to18) -eq 4096 && $(count "$LAB_TGT" to19) -eq 0 ]] ||
		e2e_fail "--tx $tx: namespace A got $(count "$LAB_TGT" to18) probes to 198.18 and $(count "$LAB_TGT" to19) to 198.19 (want 4096, 0)"
	[[ $(count "$TGT2" to19) -eq 4096 && $(count "$TGT2" to18) -eq 0 ]] ||
		e2e_fail "--tx $tx: namespace B got $(count "$TGT2" to19) probes to 198.19 and $(count "$TGT2" to18) to 198.18 (want 4096, 0)"
	[[ $(e2e_meta_int "$WORK/m.json" sent) -eq 8192 ]] ||
		e2e_fail "--tx $tx: metadata sent is $(e2e_json_get "$WORK/m.json" sent), expected 8192"
	[[ $(e2e_meta_int "$WORK/m.json" unrouted) -eq 32 ]] ||
		e2e_fail "--tx $tx: metadata unrouted is $(e2e_json_get "$WORK/m.json" unrouted), expected 32"
	ifaces=$(e2e_json_get "$WORK/m.json" interfaces)
	python3 - "$ifaces" "$LAB_SCAN_IF" <<-'EOF' || e2e_fail "--tx $tx: metadata interfaces: $ifaces"
	import json, sys
	f = json.loads(sys.argv[1])
	want = [(sys.argv[2], "192.0.2.1"), ("isw-scan1", "192.0.2.5")]
	assert [(i["name"], i["source"]) for i in f] == want, f
	assert all(i["sent"] == 4096 and i["send_errors"] == 0 for i in f), f
	EOF
	grep -q "per interface: $LAB_SCAN_IF 4096 sent, 0 send errors; isw-scan1 4096 sent, 0 send errors" "$WORK/err" ||
		e2e_fail "--tx $tx: summary per interface: $(cat "$WORK/err")"
	grep -q 'done: .* 32 unrouted' "$WORK/err" || e2e_fail "--tx $tx: summary: $(cat "$WORK/err")"
	grep -q 'warning: .*32 targets.*198\.18\.250\.0/28 (unreachable).*198\.19\.200\.0/28 (blackhole)' "$WORK/err" ||
		e2e_fail "--tx $tx: no warning naming the unrouted prefixes: $(cat "$WORK/err")"
	e2e_log "ok: --tx $tx: $(wc -l <"$WORK/want") live of 8192 over two interfaces, 4096 probes on each wire, 32 unrouted"
done

# 2. -i names one interface: the other's targets are refused, nothing is sent.
count_reset
e2e_sweep "$WORK/out" "$WORK/err" "${S[@]}" -i "$LAB_SCAN_IF" 198.18.0.0/28 198.19.0.0/28
e2e_expect_rc 2 "$WORK/err"
grep -q "198\.19\.0\.0/28 are routed through isw-scan1, not -i $LAB_SCAN_IF" "$WORK/err" ||
	e2e_fail "-i message: $(cat "$WORK/err")"
[[ $(count "$LAB_TGT" to18) -eq 0 && $(count "$TGT2" to19) -eq 0 ]] || e2e_fail "-i refused but probes were sent"
# ... and xdp sends on one interface: refused up front, naming both.
e2e_sweep "$WORK/out" "$WORK/err" "${S[@]}" --tx xdp 198.18.0.0/28 198.19.0.0/28
e2e_expect_rc 2 "$WORK/err"
grep -q "tx xdp sends on one interface, but the targets' routes use 2 ($LAB_SCAN_IF, isw-scan1" "$WORK/err" ||
	e2e_fail "--tx xdp message: $(cat "$WORK/err")"
# ... and -S is one source for one interface.
e2e_sweep "$WORK/out" "$WORK/err" "${S[@]}" -S 192.0.2.1 198.18.0.0/28 198.19.0.0/28
e2e_expect_rc 2 "$WORK/err"
grep -q "198\.19\.0\.0/28 are routed through other interfaces than $LAB_SCAN_IF.*-S gives one source" "$WORK/err" ||
	e2e_fail "-S message: $(cat "$WORK/err")"
# ... and no-root mode (ping sockets) answers on one socket for one source address.
ip netns exec "$LAB_SCAN" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
e2e_sweep "$WORK/out" "$WORK/err" "${S[@]}" --tx socket 198.18.0.0/28 198.19.0.0/28
e2e_expect_rc 2 "$WORK/err"
grep -q "198\.19\.0\.0/28 are routed through isw-scan1, the others through $LAB_SCAN_IF: without raw sockets (no-root mode) a sweep uses one interface" "$WORK/err" ||
	e2e_fail "--tx socket message: $(cat "$WORK/err")"
# ... and on-link targets on both interfaces: the ARP pass sweeps one interface's networks.
e2e_sweep "$WORK/out" "$WORK/err" "${S[@]}" 192.0.2.0/30 192.0.2.4/30
e2e_expect_rc 2 "$WORK/err"
grep -q "targets 192\.0\.2\.4, 192\.0\.2\.6 are on a network of isw-scan1, other on-link targets on one of $LAB_SCAN_IF" "$WORK/err" ||
	e2e_fail "on-link on two interfaces: $(cat "$WORK/err")"
[[ $(count "$LAB_TGT" to18) -eq 0 && $(count "$TGT2" to19) -eq 0 ]] || e2e_fail "refusals sent probes"
e2e_log "ok: -i, --tx xdp, --tx socket, -S and on-link targets on two interfaces refused (exit 2), nothing sent"

# 3. The second interface loses carrier mid-sweep (its peer down for a second): watched like
#    the first, so sending pauses, resumes when it is back and sends the lost stretch again.
#    Watching only the first interface would lose those probes (hosts missing).
count_reset
( sleep 1.5; ip -n "$TGT2" link set isw-tgt1 down; sleep 1; ip -n "$TGT2" link set isw-tgt1 up ) &
flap=$!
e2e_sweep "$WORK/out.csv" "$WORK/err" "${S[@]}" -r 2k -c 1 \
	198.18.0.0/20 198.19.0.0/20 198.18.250.0/28 198.19.200.0/28
wait "$flap"
e2e_expect_rc 0 "$WORK/err"
found "$WORK/out.csv" >"$WORK/got"
e2e_same_set "$WORK/want" "$WORK/got" "carrier lost on the second interface"
grep -q 'warning: isw-scan1 lost carrier at' "$WORK/err" || e2e_fail "carrier loss not told: $(cat "$WORK/err")"
grep -q 'isw-scan1 has carrier again' "$WORK/err" || e2e_fail "carrier back not told: $(cat "$WORK/err")"
[[ $(e2e_meta_int "$WORK/m.json" carrier_losses) -ge 1 ]] || e2e_fail "metadata carrier_losses: $(e2e_json_get "$WORK/m.json" carrier_losses)"
e2e_log "ok: carrier lost on the second interface: paused, re-sent, every host found"

e2e_pass "two interfaces in one sweep: exact ground truth, per-interface wire counts, unrouted counted"
