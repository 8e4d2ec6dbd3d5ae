#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# -l/--localnet: the networks this host is on.
#
# The scanner's interface gets two more addresses (198.18.1.1/24, 198.18.2.1/24) beside its
# link net (192.0.2.0/30); the target end owns a random set of addresses in both /24s.  -l
# (no -i: the only interface that is up besides loopback) sweeps the three networks and finds
# exactly the target's addresses and the link peer, each with the target's MAC (ARP pass);
# the start says which networks.  --max-targets with -l: exactly the live ones among the
# first of the order.  A second interface that is up makes -l without -i ask for -i (exit 2,
# nothing sent), and -i picks one.  A network larger than a /16 is refused with the
# --localnet-max that would allow it, which then does.  No target at all suggests -l.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=lnet e2e_init "$@"

NET1=198.18.1.0/24 NET2=198.18.2.0/24
DUM=isw-dum0 # a second interface of the scanner

setup() {
	ip -n "$LAB_SCAN" addr add 198.18.1.1/24 dev "$LAB_SCAN_IF"
	ip -n "$LAB_SCAN" addr add 198.18.2.1/24 dev "$LAB_SCAN_IF"
	lab_random_live_set 20 "$NET1" "$WORK/live1.txt" "$E2E_SEED"
	lab_random_live_set 15 "$NET2" "$WORK/live2.txt" "$E2E_SEED"
	# The scanner's own addresses are not targets.
	grep -vxE '198\.18\.[12]\.1' "$WORK/live1.txt" "$WORK/live2.txt" -h >"$WORK/live.txt" || true
	awk -v d="$LAB_TGT_IF" '{ printf "addr add %s/24 dev %s\n", $1, d }' "$WORK/live.txt" >"$WORK/addr.batch"
	ip -n "$LAB_TGT" -batch "$WORK/addr.batch"
	echo "$LAB_TGT_ADDR" >>"$WORK/live.txt" # the link peer, on 192.0.2.0/30
	LIVE=$(wc -l <"$WORK/live.txt")
}

sweep_localnet() {
	local mac bad
	e2e_sweep "$WORK/l.csv" "$WORK/l.err" -l -n -O csv -c 1 "--metadata=$WORK/l.json"
	e2e_expect_rc 0 "$WORK/l.err"
	grep -qxF "icmpsweep: -l: sweeping the networks of $LAB_SCAN_IF 192.0.2.0/30, 198.18.1.0/24, 198.18.2.0/24" "$WORK/l.err" ||
		e2e_fail "-l does not say which networks: $(head -n 3 "$WORK/l.err")"
	tail -n +2 "$WORK/l.csv" | cut -d, -f1 >"$WORK/l.txt"
	e2e_no_duplicates "$WORK/l.txt" "-l"
	e2e_same_set "$WORK/live.txt" "$WORK/l.txt" "-l"
	mac=$(lab_tgt_mac)
	bad=$(tail -n +2 "$WORK/l.csv" | awk -F, -v m="$mac" '$2 != "echo-reply" || $8 != m' | head -n 3)
	[[ -z $bad ]] || e2e_fail "-l: rows without echo reply or the target's MAC $mac: $bad"
	grep -q '"198.18.1.0/24"' "$WORK/l.json" || e2e_fail "-l: the metadata's target_specs do not name the networks"
	e2e_log "ok: -l: $LIVE hosts in three networks, with MACs"
}

max_targets_localnet() {
	local seed=77 k=200
	e2e_sweep "$WORK/order.txt" "$WORK/order.err" -l -n --dry-run --seed "$seed"
	e2e_expect_rc 0 "$WORK/order.err"
	head -n "$k" "$WORK/order.txt" | cut -d' ' -f1 >"$WORK/first.txt"
	LC_ALL=C comm -12 <(e2e_sorted "$WORK/live.txt") <(e2e_sorted "$WORK/first.txt") >"$WORK/want.txt"
	e2e_sweep "$WORK/m.txt" "$WORK/m.err" -l -n -q -c 1 --seed "$seed" --max-targets "$k" --metadata "$WORK/m.json"
	e2e_expect_rc 0 "$WORK/m.err"
	e2e_same_set "$WORK/want.txt" "$WORK/m.txt" "-l --max-targets $k"
	local arp
	arp=$(e2e_meta_int "$WORK/m.json" arp_sent)
	((arp > 0 && arp <= 2 * k)) || e2e_fail "-l --max-targets $k: $arp ARP requests, expected 1..$((2 * k)) (only the chosen on-link targets)"
	e2e_log "ok: -l --max-targets $k: $(wc -l <"$WORK/want.txt") hosts, $arp ARP requests"
}

two_interfaces() {
	local sent0
	# A veth with its peer in the same namespace (no dummy module everywhere).
	ip -n "$LAB_SCAN" link add "$DUM" type veth peer name "${DUM}p"
	ip -n "$LAB_SCAN" addr add 192.0.2.129/25 dev "$DUM"
	ip -n "$LAB_SCAN" link set "$DUM" up
	lab_sent_start
	sent0=$(lab_sent)
	e2e_sweep "$WORK/two.txt" "$WORK/two.err" -l -n -q -c 1
	e2e_expect_rc 2 "$WORK/two.err"
	grep -qxF "icmpsweep: -l: networks on several interfaces ($DUM 192.0.2.128/25; $LAB_SCAN_IF 192.0.2.0/30, 198.18.1.0/24, 198.18.2.0/24): the ARP pass sweeps one interface's networks; choose it with -i" "$WORK/two.err" ||
		e2e_fail "-l with two interfaces: $(cat "$WORK/two.err")"
	[[ $(lab_sent) -eq $sent0 ]] || e2e_fail "-l with two interfaces sent packets"
	e2e_sweep "$WORK/one.txt" "$WORK/one.err" -l -i "$LAB_SCAN_IF" -n -q -c 1
	e2e_expect_rc 0 "$WORK/one.err"
	e2e_same_set "$WORK/live.txt" "$WORK/one.txt" "-l -i $LAB_SCAN_IF with a second interface up"
	e2e_log "ok: two interfaces: -l asks for -i, -l -i sweeps the one"
}

cap() {
	# A /15 on the dummy interface, swept only as a dry run (nothing leaves a dry run).
	ip -n "$LAB_SCAN" route del 198.18.0.0/15 || true
	ip -n "$LAB_SCAN" addr add 198.18.64.1/15 dev "$DUM"
	e2e_sweep "$WORK/cap.txt" "$WORK/cap.err" -l -i "$DUM" -n --dry-run
	e2e_expect_rc 2 "$WORK/cap.err"
	grep -qxF "icmpsweep: -l: $DUM 192.0.2.128/25, 198.18.0.0/15 (131200 addresses) is more than a /16: give the targets instead, or allow it with --localnet-max 14" "$WORK/cap.err" ||
		e2e_fail "-l over a /16: $(cat "$WORK/cap.err")"
	e2e_sweep "$WORK/cap.txt" "$WORK/cap.err" -l -i "$DUM" -n --dry-run --localnet-max 14
	e2e_expect_rc 0 "$WORK/cap.err"
	(($(wc -l <"$WORK/cap.txt") > 131000)) || e2e_fail "--localnet-max 14: $(wc -l <"$WORK/cap.txt") probes listed"
	e2e_sweep "$WORK/cap.txt" "$WORK/cap.err" -l -i "$DUM" -n --dry-run --localnet-max 15
	e2e_expect_rc 2 "$WORK/cap.err"
	e2e_sweep "$WORK/none.txt" "$WORK/none.err" -n
	e2e_expect_rc 2 "$WORK/none.err"
	grep -qxF "icmpsweep: no targets given: name them, or sweep the networks this host is on with -l (try --help)" "$WORK/none.err" ||
		e2e_fail "no targets: $(cat "$WORK/none.err")"
	e2e_log "ok: the /16 cap, --localnet-max, and no targets suggesting -l"
}

setup
sweep_localnet
max_targets_localnet
two_interfaces
cap
e2e_pass "-l: $LIVE hosts in three networks exact with MACs; --max-targets, two interfaces, the cap"
