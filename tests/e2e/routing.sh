#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Routes per target and the next hop's neighbour entry.
#
#   scanner isw-scan0 192.0.2.1/30, 192.0.2.5/30 ---- veth ---- isw-tgt0 192.0.2.2/30
#                                                               mv0 (macvlan) 192.0.2.6/30
#   scanner isw-scan1 192.0.2.9/30 ---------------- veth ---- isw-tgt1 192.0.2.10/30
#
#   198.18.0.0/15 via 192.0.2.2 (the lab's route)    198.19.6.0/24 via 192.0.2.6 (second gateway,
#   198.19.2.0/24 blackhole, 198.19.3.0/24 prohibit  same link, another MAC)
#   198.19.8.0/24 via 192.0.2.10 dev isw-scan1 (another interface)
#   198.19.9.0/24 via 192.0.2.10 dev isw-scan1 metric 10, via 192.0.2.2 dev isw-scan0 metric 20
#
# The target namespace answers for all of 198.18.0.0/15 but drops probes that arrive through
# the wrong gateway, so a probe sent to the first target's gateway instead of its own is lost.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=route e2e_init "$@"
lab_require_cmd nft

lab_all_alive "$LAB_SWEEP_NET"
# Each address answers ARP only on its own interface: else the veth end answers for mv0's
# address too (Linux's default), and which MAC the scanner learns for 192.0.2.6 is a race.
ip netns exec "$LAB_TGT" sysctl -qw net.ipv4.conf.all.arp_ignore=1
ip -n "$LAB_TGT" link add mv0 link "$LAB_TGT_IF" type macvlan mode bridge
ip -n "$LAB_TGT" addr add 192.0.2.6/30 dev mv0
ip -n "$LAB_TGT" link set mv0 up
ip -n "$LAB_SCAN" addr add 192.0.2.5/30 dev "$LAB_SCAN_IF"
ip -n "$LAB_SCAN" link add isw-scan1 type veth peer name isw-tgt1 netns "$LAB_TGT"
ip -n "$LAB_SCAN" addr add 192.0.2.9/30 dev isw-scan1
ip -n "$LAB_TGT" addr add 192.0.2.10/30 dev isw-tgt1
ip -n "$LAB_SCAN" link set isw-scan1 up
ip -n "$LAB_TGT" link set isw-tgt1 up
ip -n "$LAB_SCAN" route add blackhole 198.19.2.0/24
ip -n "$LAB_SCAN" route add prohibit 198.19.3.0/24
ip -n "$LAB_SCAN" route add 198.19.6.0/24 via 192.0.2.6 dev "$LAB_SCAN_IF"
ip -n "$LAB_SCAN" route add 198.19.8.0/24 via 192.0.2.10 dev isw-scan1
ip -n "$LAB_SCAN" route add 198.19.9.0/24 via 192.0.2.10 dev isw-scan1 metric 10
ip -n "$LAB_SCAN" route add 198.19.9.0/24 via 192.0.2.2 dev "$LAB_SCAN_IF" metric 20
lab_nft_table
lab_nft add rule ip "$LAB_NFT_TABLE" pre iifname "$LAB_TGT_IF" ip daddr 198.19.6.0/24 drop
lab_nft add rule ip "$LAB_NFT_TABLE" pre iifname mv0 ip daddr != 198.19.6.0/24 icmp type echo-request drop
lab_nft add rule ip "$LAB_NFT_TABLE" pre ip daddr 198.19.2.0/23 icmp type echo-request counter name probes_in
sleep 0.3

S=(-n -r 2k -c 0.5 -O csv)
found() { tail -n +2 "$1" | cut -d, -f1 | LC_ALL=C sort; }

# 1. Blackholed and prohibited targets are skipped and counted; the second gateway's targets
#    go to its own MAC.
e2e_sweep "$WORK/out.csv" "$WORK/err" "${S[@]}" --metadata "$WORK/m.json" \
	198.18.0.0/30 198.19.2.0/30 198.19.3.4/31 198.19.6.0/30
e2e_expect_rc 0 "$WORK/err"
{ e2e_cidr_list 198.18.0.0/30; e2e_cidr_list 198.19.6.0/30; } | LC_ALL=C sort >"$WORK/want"
found "$WORK/out.csv" >"$WORK/got"
e2e_same_set "$WORK/want" "$WORK/got" "sweep with a blackhole and a second gateway"
[[ $(e2e_meta_int "$WORK/m.json" unrouted) -eq 6 ]] ||
	e2e_fail "metadata unrouted is $(e2e_json_get "$WORK/m.json" unrouted), expected 6"
[[ $(e2e_meta_int "$WORK/m.json" gateways) -eq 2 ]] ||
	e2e_fail "metadata gateways is $(e2e_json_get "$WORK/m.json" gateways), expected 2"
grep -q 'and other gateways per route' "$WORK/err" || e2e_fail "start line: $(cat "$WORK/err")"
[[ $(e2e_meta_int "$WORK/m.json" sent) -eq 8 ]] ||
	e2e_fail "metadata sent is $(e2e_json_get "$WORK/m.json" sent), expected 8"
[[ $(lab_counter probes_in) -eq 0 ]] || e2e_fail "$(lab_counter probes_in) probes reached blackholed targets"
grep -q 'warning: .*6 targets.*198\.19\.2\.0/30 (blackhole).*198\.19\.3\.4/31 (prohibit)' "$WORK/err" ||
	e2e_fail "no warning naming the unrouted prefixes: $(cat "$WORK/err")"
grep -q 'done: .*6 unrouted' "$WORK/err" || e2e_fail "summary does not count unrouted: $(cat "$WORK/err")"
e2e_log "ok: blackhole + prohibit skipped (6 unrouted), second gateway honoured"

# 2. Only unrouted targets, or no route at all: a runtime failure naming them.
e2e_sweep "$WORK/out" "$WORK/err" "${S[@]}" 198.19.2.0/30
e2e_expect_rc 1 "$WORK/err"
grep -q 'no route to 198\.19\.2\.0/30' "$WORK/err" || e2e_fail "message: $(cat "$WORK/err")"
ip -n "$LAB_SCAN" route del "$LAB_SWEEP_NET"
e2e_sweep "$WORK/out" "$WORK/err" "${S[@]}" 198.18.0.0/30
ip -n "$LAB_SCAN" route add "$LAB_SWEEP_NET" via "$LAB_TGT_ADDR" dev "$LAB_SCAN_IF"
e2e_expect_rc 1 "$WORK/err"
grep -q 'no route to 198\.18\.0\.0/30' "$WORK/err" || e2e_fail "message: $(cat "$WORK/err")"
e2e_log "ok: all targets unrouted -> exit 1, 'no route to …'"

# 3. Targets routed through another interface: swept there without -i (from its own
#    source), refused with another -i, naming them and the interface.
e2e_sweep "$WORK/out.csv" "$WORK/err" "${S[@]}" 198.18.0.0/30 198.19.8.0/30
e2e_expect_rc 0 "$WORK/err"
{ e2e_cidr_list 198.18.0.0/30; e2e_cidr_list 198.19.8.0/30; } | LC_ALL=C sort >"$WORK/want"
found "$WORK/out.csv" >"$WORK/got"
e2e_same_set "$WORK/want" "$WORK/got" "two interfaces without -i"
grep -q 'targets routed through isw-scan1 leave it from 192\.0\.2\.9 via' "$WORK/err" ||
	e2e_fail "start line for the second interface: $(cat "$WORK/err")"
e2e_sweep "$WORK/out" "$WORK/err" "${S[@]}" -i "$LAB_SCAN_IF" 198.18.0.0/30 198.19.8.0/30
e2e_expect_rc 2 "$WORK/err"
grep -q "198\.19\.8\.0/30.*isw-scan1.*-i $LAB_SCAN_IF" "$WORK/err" ||
	e2e_fail "-i message: $(cat "$WORK/err")"
e2e_sweep "$WORK/out.csv" "$WORK/err" "${S[@]}" -i isw-scan1 198.19.8.0/30
e2e_expect_rc 0 "$WORK/err"
e2e_cidr_list 198.19.8.0/30 >"$WORK/want"
found "$WORK/out.csv" >"$WORK/got"
e2e_same_set "$WORK/want" "$WORK/got" "-i isw-scan1"
# The same prefix on both interfaces: each -i takes its own route (as a bound socket would).
for dev in isw-scan1 "$LAB_SCAN_IF"; do
	e2e_sweep "$WORK/out.csv" "$WORK/err" "${S[@]}" -i "$dev" 198.19.9.0/30
	e2e_expect_rc 0 "$WORK/err"
	grep -q " on $dev via" "$WORK/err" || e2e_fail "-i $dev: $(cat "$WORK/err")"
	e2e_cidr_list 198.19.9.0/30 >"$WORK/want"
	found "$WORK/out.csv" >"$WORK/got"
	e2e_same_set "$WORK/want" "$WORK/got" "-i $dev with a route on each interface"
done
e2e_log "ok: another interface swept without -i, refused with the wrong -i, swept with its -i"

# 4. Dry run: no route lookups, every target printed.
e2e_sweep "$WORK/out" "$WORK/err" --dry-run -q 198.18.0.0/30 198.19.2.0/30
e2e_expect_rc 0 "$WORK/err"
[[ $(wc -l <"$WORK/out") -eq 8 ]] || e2e_fail "dry run printed $(wc -l <"$WORK/out") lines, expected 8"

# 5. A stale neighbour entry with a wrong MAC is re-confirmed: the sweep uses the real MAC.
real=$(lab_tgt_mac)
ip -n "$LAB_SCAN" neigh replace "$LAB_TGT_ADDR" lladdr 02:00:00:00:00:99 nud stale dev "$LAB_SCAN_IF"
e2e_sweep "$WORK/out.csv" "$WORK/err" "${S[@]}" 198.18.0.0/30
e2e_expect_rc 0 "$WORK/err"
grep -q "via $real" "$WORK/err" || e2e_fail "stale entry not re-confirmed: $(cat "$WORK/err")"
e2e_cidr_list 198.18.0.0/30 >"$WORK/want"
found "$WORK/out.csv" >"$WORK/got"
e2e_same_set "$WORK/want" "$WORK/got" "sweep after a stale neighbour entry"
# ... and a stale next hop that no longer answers ARP fails the run, naming it.
lab_nft add table arp isw_arp
lab_nft add chain arp isw_arp in '{ type filter hook input priority 0; policy drop; }'
ip -n "$LAB_SCAN" neigh replace "$LAB_TGT_ADDR" lladdr 02:00:00:00:00:99 nud stale dev "$LAB_SCAN_IF"
e2e_sweep "$WORK/out" "$WORK/err" "${S[@]}" 198.18.0.0/30
e2e_expect_rc 1 "$WORK/err"
grep -q "next hop $LAB_TGT_ADDR on $LAB_SCAN_IF did not answer" "$WORK/err" ||
	e2e_fail "silent next hop: $(cat "$WORK/err")"
# A permanent entry is the user's word: taken as it is, left as it is.
ip -n "$LAB_SCAN" neigh replace "$LAB_TGT_ADDR" lladdr 02:00:00:00:00:98 nud permanent dev "$LAB_SCAN_IF"
e2e_sweep "$WORK/out" "$WORK/err" "${S[@]}" 198.18.0.0/30
e2e_expect_rc 0 "$WORK/err"
grep -q "via 02:00:00:00:00:98" "$WORK/err" || e2e_fail "permanent entry not used: $(cat "$WORK/err")"
ip -n "$LAB_SCAN" neigh show "$LAB_TGT_ADDR" dev "$LAB_SCAN_IF" | grep -q PERMANENT ||
	e2e_fail "permanent entry changed"
e2e_log "ok: stale entry re-confirmed, silent next hop -> exit 1, permanent entry kept"

e2e_pass "per-target routes, unrouted targets, other interfaces, stale neighbours"
