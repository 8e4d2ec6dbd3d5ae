#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Sweeping the local network: one L2 segment (a bridge in a switch namespace) with several
# hosts.  On-link targets are found by ARP and probed at their own MACs; a host that drops
# ICMP echo is reported as arp-only; a host answering for many addresses (noted as a shared
# MAC), a duplicate address and a silent range behave; a routed block in the same run still works.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[[ $# -ge 1 ]] || { echo "usage: $0 PATH-TO-ICMPSWEEP" >&2; exit 2; }
ISW=$(readlink -f "$1")
lab_require_root
lab_require_cmd nft timeout python3

P="isw-$$-$RANDOM-lan"
NSS=(sw s h1 h2 h3 h4)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/isw-lan.XXXXXX")
cleanup() {
	local n
	for n in "${NSS[@]}"; do ip netns del "$P-$n" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ns() { ip netns exec "$P-$1" "${@:2}"; }
mac_of() { ip -n "$P-$1" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

build() {
	local n
	for n in "${NSS[@]}"; do
		ip netns add "$P-$n"
		ip -n "$P-$n" link set lo up
		ns "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n "$P-sw" link add br0 type bridge
	ip -n "$P-sw" link set br0 up
	for n in s h1 h2 h3 h4; do
		ip -n "$P-$n" link add eth0 type veth peer name "p$n" netns "$P-sw"
		ip -n "$P-sw" link set "p$n" master br0 up
	done
	# h1 has a MAC of a registered vendor (00:00:0c, Cisco) so the vendor column shows.
	ip -n "$P-h1" link set eth0 address 00:00:0c:12:34:56
	for n in s h1 h2 h3 h4; do ip -n "$P-$n" link set eth0 up; done
	ip -n "$P-s" addr add 198.18.0.1/22 dev eth0
	ip -n "$P-h1" addr add 198.18.0.10/22 dev eth0
	ip -n "$P-h2" addr add 198.18.0.20/22 dev eth0
	# h2 owns a whole /28 more through a local route: it answers ARP for all of it.
	ip -n "$P-h2" route add local 198.18.1.0/28 dev lo
	ip -n "$P-h3" addr add 198.18.0.30/22 dev eth0
	# h3 drops ICMP echo: present only by ARP.
	ns h3 nft add table ip f
	ns h3 nft add chain ip f in '{ type filter hook input priority 0; }'
	ns h3 nft add rule ip f in icmp type echo-request drop
	# h4 claims h1's address too: two MACs for 198.18.0.10 (nodad: no duplicate detection).
	ip -n "$P-h4" addr add 198.18.0.40/22 dev eth0
	ip -n "$P-h4" addr add 198.18.0.10/32 dev eth0 nodad 2>/dev/null ||
		ip -n "$P-h4" addr add 198.18.0.10/32 dev eth0
	# A routed block behind h2 (not h1, whose address is contested), in the same run: h2
	# answers for it itself.
	ip -n "$P-h2" route add local 198.18.4.0/30 dev lo
	ip -n "$P-s" route add 198.18.4.0/24 via 198.18.0.20
	sleep 0.5
}

sweep() { # OUT ARGS...: icmpsweep in the scanner namespace, bounded
	local out=$1
	shift
	ns s timeout -k 5 60 "$ISW" -n -q "$@" >"$out" 2>"$WORK/err.txt" ||
		e2e_fail "icmpsweep $* failed: $(head -c 1000 "$WORK/err.txt")"
}

check_sweep() {
	local t0 t1 secs expected
	t0=$(date +%s.%N)
	sweep "$WORK/out.csv" -r 5k -c 0.5 -O csv --metadata "$WORK/meta.json" 198.18.0.0/22 198.18.4.0/30
	t1=$(date +%s.%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	head -n 1 "$WORK/out.csv" | grep -qx 'ip,type,rtt_ms,ttl,probe,ts,responder,mac,vendor,note' ||
		e2e_fail "CSV header is $(head -n 1 "$WORK/out.csv")"
	# Present: h1 (and its conflicting twin address), h2 + its /28, h3 (arp-only), h4, and the
	# routed /30.  Nothing else of the /22 exists.
	{
		echo 198.18.0.10
		echo 198.18.0.20
		echo 198.18.0.30
		echo 198.18.0.40
		e2e_cidr_list 198.18.1.0/28
		e2e_cidr_list 198.18.4.0/30
	} | LC_ALL=C sort >"$WORK/truth.txt"
	tail -n +2 "$WORK/out.csv" | cut -d, -f1 >"$WORK/found.txt"
	e2e_no_duplicates "$WORK/found.txt" "LAN sweep"
	e2e_same_set "$WORK/truth.txt" "$WORK/found.txt" "LAN sweep"

	local row
	row=$(grep '^198\.18\.0\.30,' "$WORK/out.csv")
	[[ $row == *",arp-only,"* ]] || e2e_fail "h3 (drops echo) reported as: $row"
	[[ $row == *",$(mac_of h3),"* ]] || e2e_fail "h3 reported without its MAC $(mac_of h3): $row"
	row=$(grep '^198\.18\.0\.20,' "$WORK/out.csv")
	[[ $row == *",echo-reply,"* && $row == *",$(mac_of h2),"* ]] || e2e_fail "h2 row: $row"
	# Every address of h2's /28 carries h2's MAC (one host answering for many).
	[[ $(grep -c "^198\.18\.1\..*,$(mac_of h2)," "$WORK/out.csv") -eq 16 ]] ||
		e2e_fail "h2's /28 not all reported with h2's MAC"
	# ... and each of h2's 17 rows says the MAC is shared; h3, with one address, does not.
	[[ $(grep -c ",$(mac_of h2),.*shared MAC" "$WORK/out.csv") -eq 17 ]] ||
		e2e_fail "h2's rows do not all note the shared MAC: $(grep -c "shared MAC" "$WORK/out.csv") notes"
	grep '^198\.18\.0\.30,' "$WORK/out.csv" | grep -q "shared MAC" &&
		e2e_fail "h3 (one address) noted as a shared MAC"
	row=$(grep '^198\.18\.0\.40,' "$WORK/out.csv")
	[[ $row == *",$(mac_of h4),"* ]] || e2e_fail "h4 row: $row"
	# 198.18.0.10 is claimed by h1 and h4: reported once, with a MAC of one of them, and
	# the conflict noted.
	row=$(grep '^198\.18\.0\.10,' "$WORK/out.csv")
	[[ $row == *",00:00:0c:12:34:56,"* || $row == *",$(mac_of h4),"* ]] || e2e_fail "198.18.0.10 row: $row"
	[[ $row == *conflict* ]] || e2e_fail "the address conflict on 198.18.0.10 is not noted: $row"
	[[ $(e2e_meta_int "$WORK/meta.json" arp_conflicts) -eq 1 ]] || e2e_fail "arp_conflicts != 1"
	# Vendor from the IEEE registry when Debian's ieee-data is installed.
	if [[ -r /usr/share/ieee-data/oui.txt && $row == *",00:00:0c:12:34:56,"* ]]; then
		[[ $row == *Cisco* ]] || e2e_fail "no vendor for 00:00:0c: $row"
	fi
	# Routed targets go to the gateway: no MAC column for them.
	row=$(grep '^198\.18\.4\.1,' "$WORK/out.csv")
	[[ $row == *",echo-reply,"*",,," ]] || e2e_fail "routed target row: $row"
	# Time: two ARP tries over 1,023 addresses at 5k/s (0.4 s) with their answer pauses
	# (0.5 s each), the ICMP pass, the 0.5 s cooldown: about 2 s; allow for a busy machine.
	awk -v s="$secs" 'BEGIN { exit !(s < 6) }' || e2e_fail "the /22 sweep took ${secs}s"
	e2e_log "/22 + routed /30 in ${secs}s: $(($(wc -l <"$WORK/found.txt"))) present"
}

check_modes() {
	sweep "$WORK/arp.txt" --arp-only -r 5k -c 0.5 198.18.0.0/22
	[[ $(wc -l <"$WORK/arp.txt") -eq 20 ]] ||
		e2e_fail "--arp-only found $(wc -l <"$WORK/arp.txt") hosts, expected 20"
	# --no-arp: the old routed behaviour, which cannot reach on-link hosts without -G.
	if ns s timeout 30 "$ISW" -n -q --no-arp -r 5k -c 0.5 198.18.0.0/22 >/dev/null 2>"$WORK/err.txt"; then
		e2e_fail "--no-arp on an on-link /22 without -G should fail"
	fi
	grep -q -- "-G" "$WORK/err.txt" || e2e_fail "--no-arp error does not mention -G: $(cat "$WORK/err.txt")"
}

# --trace-probes on the segment: every ARP request and every ICMP probe sent is in the trace,
# well formed, from our address and labelled; the answers are there too.
check_trace() {
	local t="$WORK/lan.pcapng" arp_sent sent reqs probes replies
	if ! lab_optional_cmd tshark; then
		e2e_log "no tshark: trace check skipped"
		return
	fi
	# Meanwhile h1 broadcasts ARP replies that are not IPv4 over Ethernet (hardware type 6):
	# the capture takes them (an ARP reply), the parser refuses them, and their comment must
	# say so rather than format fields that were never parsed.
	ns h1 timeout 10 python3 - "$(mac_of h1)" <<-'PY' &
	import socket, sys, time
	mac = bytes.fromhex(sys.argv[1].replace(":", ""))
	frame = (b"\xff" * 6 + mac + b"\x08\x06" + b"\x00\x06\x08\x00\x06\x04\x00\x02" + mac
	         + bytes([198, 18, 0, 10]) + b"\xff" * 6 + bytes([198, 18, 0, 1])).ljust(60, b"\0")
	s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
	s.bind(("eth0", 0))
	for _ in range(60):
	    s.send(frame)
	    time.sleep(0.05)
	PY
	local inject=$!
	sweep "$WORK/t.csv" -r 5k -c 0.5 -w "$t" --pcapng --trace-probes --metadata "$WORK/t.json" \
		-O csv 198.18.0.0/22
	wait "$inject" || e2e_fail "the ARP frame injector in h1 failed"
	arp_sent=$(e2e_meta_int "$WORK/t.json" arp_sent)
	sent=$(e2e_meta_int "$WORK/t.json" sent)
	count() { tshark -n -r "$t" -Y "$1" -T fields -e frame.number 2>/dev/null | wc -l; }
	reqs=$(count 'arp.opcode == 1 && arp.src.proto_ipv4 == 198.18.0.1 && frame.comment contains "ARP request for"')
	probes=$(count 'icmp.type == 8 && ip.src == 198.18.0.1 && frame.comment contains "probe to"')
	replies=$(count 'arp.opcode == 2 && frame.comment contains "ARP reply"')
	((arp_sent > 1023)) || e2e_fail "trace run: only $arp_sent ARP requests sent"
	((reqs == arp_sent)) || e2e_fail "the trace holds $reqs ARP requests, icmpsweep sent $arp_sent"
	((probes == sent)) || e2e_fail "the trace holds $probes ICMP probes, icmpsweep sent $sent"
	((replies >= 20)) || e2e_fail "the trace holds $replies ARP replies"
	local odd odd_ok
	odd=$(count 'arp.hw.type == 6')
	odd_ok=$(count 'arp.hw.type == 6 && frame.comment == "ARP: not IPv4 over Ethernet, ignored"')
	((odd > 0 && odd_ok == odd)) ||
		e2e_fail "$odd non-Ethernet ARP frames traced, $odd_ok with the right comment; e.g." \
			"$(tshark -n -r "$t" -Y 'arp.hw.type == 6' -T fields -e frame.comment 2>/dev/null | head -n 1)"
	e2e_log "trace: $reqs ARP requests, $probes probes, $replies ARP replies"
	# --read of that trace gives the live rows back: same hosts, types, MACs, vendors, notes.
	sweep "$WORK/r.csv" --read "$t" -O csv
	python3 - "$WORK/t.csv" "$WORK/r.csv" <<-'PY' || e2e_fail "--read of the LAN trace differs from the live run"
	import csv, sys
	def rows(path):
	    with open(path, newline="") as f:
	        return sorted((r["ip"], r["type"], r["mac"], r["vendor"], r["note"]) for r in csv.DictReader(f))
	live, read = rows(sys.argv[1]), rows(sys.argv[2])
	if live != read or len(live) < 20:
	    print("live:", live, "\nread:", read, file=sys.stderr)
	    sys.exit(1)
	PY
	e2e_log "--read: the same $(($(wc -l <"$WORK/r.csv") - 1)) rows as live, arp-only and notes included"
	# -O xml of the same trace: valid for nmap's DTD, MACs and vendors carried, and the same
	# hosts and MACs as the live CSV (icmpsweep diff compares them: exit 0).
	lab_require_cmd xmllint
	sweep "$WORK/r.xml" --read "$t" -O xml
	xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$WORK/r.xml" 2>"$WORK/xmllint.err" ||
		e2e_fail "the LAN's XML does not validate: $(head -5 "$WORK/xmllint.err")"
	grep -q 'addrtype="mac"' "$WORK/r.xml" || e2e_fail "no MAC in the XML"
	if grep -q Cisco "$WORK/r.csv"; then
		grep -q 'addrtype="mac" vendor="Cisco' "$WORK/r.xml" || e2e_fail "no vendor in the XML"
	fi
	local arp_only
	arp_only=$(awk -F, '$2 == "arp-only"' "$WORK/r.csv" | wc -l)
	[[ $(grep -c 'reason="arp-response"' "$WORK/r.xml" || true) -eq $arp_only ]] ||
		e2e_fail "the XML has $(grep -c 'reason="arp-response"' "$WORK/r.xml" || true) ARP-only hosts, the CSV $arp_only"
	local rc=0
	ns s timeout 30 "$ISW" diff "$WORK/t.csv" "$WORK/r.xml" >"$WORK/d.txt" 2>&1 || rc=$?
	[[ $rc -eq 0 ]] || e2e_fail "diff of the live CSV and the XML exited $rc: $(head -5 "$WORK/d.txt")"
	e2e_log "-O xml: valid, with MACs, vendors and $arp_only ARP-only hosts; diff finds it equal to the live CSV"
}

build
check_sweep
check_modes
check_trace
e2e_pass "LAN sweep: ARP pass, per-host MACs, arp-only, conflict, proxy, mixed targets, traced"
