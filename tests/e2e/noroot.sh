#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# No-root mode: ICMP datagram ("ping") sockets.
#
# As nobody (no capability) with net.ipv4.ping_group_range admitting it in the scanner
# namespace (the sysctl is per namespace), --tx auto falls back to ping sockets and says so;
# the sweep of a /24 with a random live set is exact in every format, with RTTs and TTLs; ICMP
# errors come through the error queue (an nft reject range reported as unreachable, from the
# router); under random loss -P 3 recovers what -P 1 misses; the first two probes of every address dropped, -P 3 finds every host on its third
# probe.  --tx socket chooses the mode explicitly (even as root).  With the range excluding
# nobody, the run fails with exit 1 naming both reasons and the three fixes, and sends nothing;
# what needs raw packets (-w, -G, --arp-only) is refused in this mode.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=noroot e2e_init "$@"
lab_require_cmd setpriv nft python3

PREFIX=198.18.0.0/24
LIVE=60
UNREACH=198.18.0.240/28 # answered with host unreachable by the target end
UNREACH_WIDE=198.18.4.0/22 # all answered with host unreachable, at full rate
NOGROUP=$(id -g nobody)
AS_NOBODY=(setpriv --reuid=nobody --regid="$NOGROUP" --clear-groups)

# The build directory may not be reachable for nobody: a copy it can run.
BIN=$WORK/bin/icmpsweep
mkdir -p "$WORK/bin" "$WORK/out"
install -m 0755 "$ISW" "$BIN"
chmod 0755 "$WORK" "$WORK/bin"
chmod 0777 "$WORK/out"

ping_range() { lab_exec_scanner sysctl -qw net.ipv4.ping_group_range="$1"; }

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

# csv_hosts NAME: the echo-reply addresses of a CSV result file, one per line.
csv_hosts() { tail -n +2 "$WORK/out/$1.out" | awk -F, '$2 == "echo-reply" { print $1 }'; }

exact() {
	local name=$1 got=$2
	e2e_no_duplicates "$got" "$name"
	e2e_same_set "$WORK/live.txt" "$got" "$name"
}

fallback_exact() {
	local start
	ping_range "0 2147483647"
	nobody_sweep csv -n -c 1 -O csv --metadata "$WORK/out/csv.json" "$PREFIX"
	e2e_expect_rc 0 "$WORK/out/csv.err"
	start=$(grep -m1 'targets from' "$WORK/out/csv.err")
	[[ $start == *"through ICMP datagram (ping) sockets"*"tx socket (no-root mode: raw packets are not permitted (no CAP_NET_RAW); net.ipv4.ping_group_range is \"0 2147483647\", admitting group $NOGROUP"* ]] ||
		e2e_fail "the start line does not say no-root mode and why: $start"
	csv_hosts csv >"$WORK/csv.txt"
	exact "csv" "$WORK/csv.txt"
	# RTTs and TTLs come through (kernel timestamps, IP_RECVTTL); the probe number too.
	local bad
	bad=$(tail -n +2 "$WORK/out/csv.out" | awk -F, '$2 == "echo-reply" && !($3 > 0 && $3 < 1000 && $4 == 64 && $5 == 1)' | head -n 3)
	[[ -z $bad ]] || e2e_fail "no-root CSV rows without RTT, TTL 64 or probe 1: $bad"
	[[ $(e2e_json_get "$WORK/out/csv.json" tx) == socket ]] ||
		e2e_fail "metadata tx is $(e2e_json_get "$WORK/out/csv.json" tx), not socket"
	[[ $(e2e_json_get "$WORK/out/csv.json" tx_reason) == "raw packets are not permitted (no CAP_NET_RAW); "* ]] ||
		e2e_fail "metadata tx_reason: $(e2e_json_get "$WORK/out/csv.json" tx_reason)"

	# The other formats, the same hosts.
	nobody_sweep text -n -q -c 1 "$PREFIX"
	e2e_expect_rc 0 "$WORK/out/text.err"
	exact "text" "$WORK/out/text.out"
	nobody_sweep json -n -q -c 1 -O json "$PREFIX"
	e2e_expect_rc 0 "$WORK/out/json.err"
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("type") == "echo-reply": print(r["ip"])' "$WORK/out/json.out" >"$WORK/json.txt"
	exact "json" "$WORK/json.txt"
	nobody_sweep xml -n -q -c 1 -O xml "$PREFIX"
	e2e_expect_rc 0 "$WORK/out/xml.err"
	python3 -c 'import sys, xml.etree.ElementTree as ET
for h in ET.parse(sys.argv[1]).getroot().iter("host"):
    if h.find("status").get("state") == "up":
        print(h.find("address").get("addr"))' "$WORK/out/xml.out" >"$WORK/xml.txt"
	exact "xml" "$WORK/xml.txt"
	FORMATS_OK="csv, text, json, xml exact ($LIVE of 256)"
}

errors_reported() {
	lab_unreachable "$UNREACH"
	nobody_sweep errs -n -q -c 1 -O csv "$PREFIX"
	e2e_expect_rc 0 "$WORK/out/errs.err"
	local n bad
	n=$(tail -n +2 "$WORK/out/errs.out" | awk -F, '$2 == "unreachable"' | wc -l)
	# The live hosts inside the rejected range answer nothing now.
	[[ $n -eq 16 ]] || e2e_fail "expected 16 unreachable targets through the error queue, got $n: $(head -n 5 "$WORK/out/errs.out")"
	bad=$(tail -n +2 "$WORK/out/errs.out" | awk -F, '$2 == "unreachable" && ($7 != "192.0.2.2" || $1 !~ /^198\.18\.0\.(24[0-9]|25[0-5])$/)' | head -n 3)
	[[ -z $bad ]] || e2e_fail "unreachable rows not from the router or outside $UNREACH: $bad"
	# A stream of errors: each one the kernel also hands to the next send, which must go
	# again rather than count its probe as unsent.
	lab_unreachable "$UNREACH_WIDE"
	nobody_sweep errs_wide -n -q -c 1 -r 200k -O csv "$UNREACH_WIDE"
	e2e_expect_rc 0 "$WORK/out/errs_wide.err"
	n=$(tail -n +2 "$WORK/out/errs_wide.out" | awk -F, '$2 == "unreachable"' | wc -l)
	[[ $n -eq 1024 ]] || e2e_fail "expected 1024 unreachable targets of $UNREACH_WIDE, got $n"
	lab_clear_impairments
}

retries() {
	local m1 m3
	# Random loss, 10 % each way (nftables numgen): a probe gets through with p = 0.81, so
	# -P 1 misses ~11 of 60 (none with probability 3e-6) and -P 3 ~0.4 (more than 5: 1e-5).
	lab_loss 10
	nobody_sweep r1 -n -q -c 1 -P 1 -O csv "$PREFIX"
	e2e_expect_rc 0 "$WORK/out/r1.err"
	csv_hosts r1 >"$WORK/r1.txt"
	nobody_sweep r3 -n -q -c 1 -P 3 -O csv "$PREFIX"
	e2e_expect_rc 0 "$WORK/out/r3.err"
	csv_hosts r3 >"$WORK/r3.txt"
	[[ $(e2e_count_extra "$WORK/live.txt" "$WORK/r3.txt") -eq 0 ]] || e2e_fail "-P 3 under loss reported hosts that are not live"
	m1=$(e2e_count_missing "$WORK/live.txt" "$WORK/r1.txt")
	m3=$(e2e_count_missing "$WORK/live.txt" "$WORK/r3.txt")
	((m1 >= 1 && m1 <= 30)) || e2e_fail "-P 1 under 10 % loss each way missed $m1 of $LIVE, expected 1..30 (~11)"
	((m3 <= 5)) || e2e_fail "-P 3 under 10 % loss each way missed $m3 of $LIVE, expected <= 5 (~0.4)"
	LOSS_SUMMARY="random loss: -P 1 missed $m1, -P 3 $m3 of $LIVE"
	lab_clear_impairments

	lab_drop_first_probes 2
	nobody_sweep p3 -n -q -c 1 -P 3 -O csv "$PREFIX"
	e2e_expect_rc 0 "$WORK/out/p3.err"
	csv_hosts p3 >"$WORK/p3.txt"
	exact "-P 3 with the first 2 probes dropped" "$WORK/p3.txt"
	local bad
	bad=$(tail -n +2 "$WORK/out/p3.out" | awk -F, '$5 != 3' | head -n 3)
	[[ -z $bad ]] || e2e_fail "with the first 2 probes dropped every answer must be to probe 3: $bad"
	lab_drop_first_reset
	nobody_sweep p2 -n -q -c 1 -P 2 -O csv "$PREFIX"
	e2e_expect_rc 0 "$WORK/out/p2.err"
	[[ -z $(csv_hosts p2) ]] || e2e_fail "-P 2 with the first 2 probes dropped found hosts"
	lab_clear_impairments
}

explicit_as_root() {
	# ping_group_range admits root's group 0 here (fallback_exact set it): the kernel makes
	# no exception for root.
	e2e_sweep "$WORK/root.out" "$WORK/root.err" -n -c 1 --tx socket "$PREFIX"
	e2e_expect_rc 0 "$WORK/root.err"
	grep -q 'tx socket (no-root mode: --tx socket;' "$WORK/root.err" ||
		e2e_fail "--tx socket as root: start line: $(grep -m1 'targets from' "$WORK/root.err")"
	exact "--tx socket as root" "$WORK/root.out"
	# Where the range leaves root out: the fix for root.
	ping_range "1 0"
	e2e_sweep "$WORK/root2.out" "$WORK/root2.err" -n -q --tx socket "$PREFIX"
	e2e_expect_rc 1 "$WORK/root2.err"
	grep -qxF 'icmpsweep: --tx socket: ping sockets are not permitted: net.ipv4.ping_group_range is "1 0", without group 0 (root)' "$WORK/root2.err" &&
		grep -qxF 'icmpsweep: admit root'"'"'s group to ping sockets with: sudo sysctl net.ipv4.ping_group_range="0 2147483647", or sweep with raw packets (--tx auto)' "$WORK/root2.err" ||
		e2e_fail "--tx socket as root outside the range: $(cat "$WORK/root2.err")"
	ping_range "0 2147483647"
}

refusals() {
	local tx0 first
	# Raw-only features: bad input with --tx socket, a missing privilege under auto.
	nobody_sweep w -n -q -w "$WORK/out/t.pcap" "$PREFIX"
	e2e_expect_rc 1 "$WORK/out/w.err"
	grep -qF 'icmpsweep: raw packets are not permitted (no CAP_NET_RAW), and -w (a trace of the frames on the wire) needs them' "$WORK/out/w.err" ||
		e2e_fail "-w without raw packets: $(cat "$WORK/out/w.err")"
	nobody_sweep g -n -q --tx socket -G 02:00:00:00:00:01 -i "$LAB_SCAN_IF" -S "$LAB_SCAN_ADDR" "$PREFIX"
	e2e_expect_rc 2 "$WORK/out/g.err"
	grep -qF -- '--tx socket cannot do -G' "$WORK/out/g.err" || e2e_fail "--tx socket -G: $(cat "$WORK/out/g.err")"

	# Neither raw packets nor ping sockets: what to do, exit 1, nothing sent.
	# Probes counted where they arrive: the interface's own counter also sees the kernel's
	# ARP, which comes when it will.
	ping_range "1 0"
	lab_count_start
	for tx in auto socket; do
		tx0=$(lab_counter probes_in)
		nobody_sweep closed -n -q --tx "$tx" "$PREFIX"
		e2e_expect_rc 1 "$WORK/out/closed.err"
		[[ $(lab_counter probes_in) -eq $tx0 ]] || e2e_fail "--tx $tx without permission sent probes"
		[[ ! -s $WORK/out/closed.out ]] || e2e_fail "--tx $tx without permission printed results"
		first=$(head -n 1 "$WORK/out/closed.err")
		[[ $first == *'ping sockets are not permitted: net.ipv4.ping_group_range is "1 0", without group '"$NOGROUP"* ]] ||
			e2e_fail "--tx $tx: $first"
		grep -qxF "icmpsweep: to sweep, run it as root, or grant raw packets to the binary once with: sudo setcap cap_net_raw,cap_net_admin+ep $BIN, or let every user sweep through ping sockets (no-root mode) with: sudo sysctl net.ipv4.ping_group_range=\"0 2147483647\"" "$WORK/out/closed.err" ||
			e2e_fail "--tx $tx: no fix named: $(cat "$WORK/out/closed.err")"
		[[ $(wc -l <"$WORK/out/closed.err") -eq 2 ]] || e2e_fail "--tx $tx: expected 2 lines: $(cat "$WORK/out/closed.err")"
	done
}

main() {
	lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
	lab_live_set "$WORK/live.txt"
	fallback_exact
	explicit_as_root
	retries
	# Unreachable range: its live hosts are no longer expected as replies.
	errors_reported
	refusals
	e2e_pass "as nobody through ping sockets: $FORMATS_OK; 16 unreachable via the error queue, 1024 at 200k/s; $LOSS_SUMMARY; -P 3 through 2 dropped probes exact; refusals with the fixes"
}

main
