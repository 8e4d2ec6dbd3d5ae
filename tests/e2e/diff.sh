#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# icmpsweep diff and -O xml: two sweeps of a lab whose live set changes in between (hosts
# removed, hosts added), each in every output format.  diff must name exactly the hosts that
# appeared and disappeared, whatever the formats of OLD and NEW; the XML files must be valid
# against nmap's DTD and nmap's ndiff must see the same changes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=diff e2e_init "$@"

PREFIX=198.18.7.0/24
FORMATS=(text csv json xml)

# diff in the scanner namespace (it sends nothing, but icmpsweep runs only in a lab).
isw_diff() { lab_exec_scanner timeout 30 "$ISW" diff "$@"; }

sweep_all() { # STATE: one sweep per format into $WORK/STATE.FORMAT
	local f
	for f in "${FORMATS[@]}"; do
		e2e_sweep "$WORK/$1.$f" "$WORK/$1.$f.err" -q -n -r 20k -c 0.5 -O "$f" "$PREFIX"
		e2e_expect_rc 0 "$WORK/$1.$f.err"
	done
}

# diff's text output of a run into the sorted address lists WORK/got.{appeared,disappeared}.
split_text() {
	awk '$1 == "+" { print $2 }' "$1" | sort >"$WORK/got.appeared"
	awk '$1 == "-" { print $2 }' "$1" | sort >"$WORK/got.disappeared"
	if grep -qv '^[+-] ' "$1"; then e2e_fail "diff wrote other rows: $(grep -v '^[+-] ' "$1" | head -3)"; fi
}

main() {
	lab_require_cmd xmllint ndiff
	[[ -r /usr/share/nmap/nmap.dtd ]] || lab_skip "nmap.dtd missing (Debian package nmap-common)"
	lab_random_live_set 60 "$PREFIX" "$WORK/all.txt" "$E2E_SEED"
	# Old: the first 50.  New: the old less 7, plus the last 10.
	head -n 50 "$WORK/all.txt" | sort >"$WORK/old.live"
	{ head -n 43 "$WORK/all.txt"; tail -n 10 "$WORK/all.txt"; } | sort >"$WORK/new.live"
	comm -13 "$WORK/old.live" "$WORK/new.live" >"$WORK/want.appeared"
	comm -23 "$WORK/old.live" "$WORK/new.live" >"$WORK/want.disappeared"

	lab_live_set "$WORK/old.live"
	sweep_all old
	e2e_same_set "$WORK/old.live" "$WORK/old.text" "first sweep"
	# The live set changes: the removed hosts' local routes go, the new ones come.
	awk '{ printf "route del local %s/32 dev lo table local\n", $1 }' "$WORK/want.disappeared" >"$WORK/del.batch"
	ip -n "$LAB_TGT" -batch "$WORK/del.batch"
	lab_live_set "$WORK/new.live"
	sweep_all new
	e2e_same_set "$WORK/new.live" "$WORK/new.text" "second sweep"

	local f g rc
	for f in "${FORMATS[@]}"; do
		for g in "${FORMATS[@]}"; do
			rc=0
			isw_diff "$WORK/old.$f" "$WORK/new.$g" >"$WORK/d.txt" 2>"$WORK/d.err" || rc=$?
			[[ $rc -eq 1 ]] || e2e_fail "diff old.$f new.$g exited $rc, expected 1: $(cat "$WORK/d.err")"
			split_text "$WORK/d.txt"
			e2e_same_set "$WORK/want.appeared" "$WORK/got.appeared" "appeared ($f -> $g)"
			e2e_same_set "$WORK/want.disappeared" "$WORK/got.disappeared" "disappeared ($f -> $g)"
			# The same state in two formats (two sweeps): no difference.
			rc=0
			isw_diff "$WORK/old.$f" "$WORK/old.$g" >"$WORK/same.txt" 2>&1 || rc=$?
			[[ $rc -eq 0 && ! -s $WORK/same.txt ]] || e2e_fail "diff old.$f old.$g exited $rc: $(head -3 "$WORK/same.txt")"
		done
	done

	# csv and json output, to a file: the same rows.
	isw_diff -O csv -o "$WORK/d.csv" "$WORK/old.json" "$WORK/new.xml" && e2e_fail "diff -O csv exited 0"
	awk -F, 'NR > 1 && $2 == "appeared" { print $1 }' "$WORK/d.csv" | sort >"$WORK/got.appeared"
	e2e_same_set "$WORK/want.appeared" "$WORK/got.appeared" "appeared (-O csv)"
	[[ $(head -1 "$WORK/d.csv") == ip,change,fields,* ]] || e2e_fail "csv header: $(head -1 "$WORK/d.csv")"
	rc=0
	isw_diff -O json "$WORK/old.csv" "$WORK/new.text" >"$WORK/d.json" || rc=$?
	[[ $rc -eq 1 ]] || e2e_fail "diff -O json exited $rc"
	python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for kind in ("appeared", "disappeared"):
    with open(sys.argv[2] + "." + kind, "w") as f:
        for r in rows:
            if r["change"] == kind:
                print(r["ip"], file=f)
' "$WORK/d.json" "$WORK/gotj"
	sort -o "$WORK/gotj.disappeared" "$WORK/gotj.disappeared"
	e2e_same_set "$WORK/want.disappeared" "$WORK/gotj.disappeared" "disappeared (-O json)"

	# XML: valid against nmap.dtd, totals right, and ndiff reads both files.
	for f in old new; do
		xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd "$WORK/$f.xml" 2>"$WORK/xmllint.err" ||
			e2e_fail "$f.xml does not validate: $(head -5 "$WORK/xmllint.err")"
		local up
		up=$(wc -l <"$WORK/$f.live")
		grep -q "<hosts up=\"$up\" down=\"$((256 - up))\" total=\"256\"/>" "$WORK/$f.xml" ||
			e2e_fail "$f.xml totals: $(grep -o '<hosts [^>]*>' "$WORK/$f.xml")"
	done
	rc=0
	ndiff "$WORK/old.xml" "$WORK/new.xml" >"$WORK/ndiff.txt" 2>&1 || rc=$?
	[[ $rc -eq 1 ]] || e2e_fail "ndiff exited $rc: $(head -5 "$WORK/ndiff.txt")"
	sed -n 's/^+\([0-9.]*\):$/\1/p' "$WORK/ndiff.txt" | sort >"$WORK/got.appeared"
	sed -n 's/^-\([0-9.]*\):$/\1/p' "$WORK/ndiff.txt" | sort >"$WORK/got.disappeared"
	e2e_same_set "$WORK/want.appeared" "$WORK/got.appeared" "appeared (ndiff)"
	e2e_same_set "$WORK/want.disappeared" "$WORK/got.disappeared" "disappeared (ndiff)"

	# Changes of MAC, name and RTT (hand-made files: the lab is routed, without MACs or PTRs).
	printf 'ip,type,rtt_ms,hostname,lookup,mac\n198.18.7.1,echo-reply,1.000,a.example,ok,02:00:00:00:00:01\n198.18.7.2,echo-reply,1.000,b.example,ok,\n198.18.7.3,unreachable,,,nxdomain,\n' >"$WORK/h1.csv"
	printf 'ip,type,rtt_ms,hostname,lookup,mac\n198.18.7.1,echo-reply,1.500,a.example,ok,02:00:00:00:00:02\n198.18.7.2,echo-reply,9.000,c.example,ok,\n198.18.7.4,unreachable,,,nxdomain,\n' >"$WORK/h2.csv"
	rc=0
	isw_diff --rtt-threshold 2 "$WORK/h1.csv" "$WORK/h2.csv" >"$WORK/h.txt" || rc=$?
	printf '~ 198.18.7.1 mac 02:00:00:00:00:01 -> 02:00:00:00:00:02\n~ 198.18.7.2 hostname b.example -> c.example; rtt_ms 1.000 -> 9.000\n' >"$WORK/h.want"
	[[ $rc -eq 1 ]] && cmp -s "$WORK/h.txt" "$WORK/h.want" ||
		e2e_fail "changed hosts (rc $rc): $(cat "$WORK/h.txt")"

	# IPv6 and mixed files, hand-made (the lab sweeps IPv4): every format's reader, hosts in
	# address order across families, link-local ones by address and interface.
	printf '198.18.7.1\n2001:db8::1\nfe80::1%%lo\nfe80::2%%lo\n' >"$WORK/v6.text"
	printf 'ip,type\n198.18.7.1,echo-reply\n2001:db8::2,echo-reply\nfe80::1%%lo,echo-reply\n2001:db8::9,unreachable\n' >"$WORK/v6.csv"
	printf '{"ip":"2001:db8::2","type":"echo-reply"}\n{"ip":"fe80::1%%lo","type":"echo-reply"}\n{"ip":"198.18.7.1","type":"echo-reply"}\n' >"$WORK/v6.json"
	printf '<?xml version="1.0"?>\n<nmaprun>\n<host><status state="up" reason="echo-reply" reason_ttl="64"/>\n<address addr="2001:db8::2" addrtype="ipv6"/>\n</host>\n<host><status state="up" reason="echo-reply" reason_ttl="64"/>\n<address addr="fe80::1%%lo" addrtype="ipv6"/>\n</host>\n<host><status state="up" reason="echo-reply" reason_ttl="64"/>\n<address addr="198.18.7.1" addrtype="ipv4"/>\n</host>\n</nmaprun>\n' >"$WORK/v6.xml"
	printf '2001:db8::2\n' >"$WORK/v6.appeared"
	printf '2001:db8::1\nfe80::2%%lo\n' >"$WORK/v6.disappeared"
	for f in csv json xml; do
		rc=0
		isw_diff "$WORK/v6.text" "$WORK/v6.$f" >"$WORK/v6.d" 2>"$WORK/v6.err" || rc=$?
		[[ $rc -eq 1 ]] || e2e_fail "diff v6.text v6.$f exited $rc: $(cat "$WORK/v6.err")"
		split_text "$WORK/v6.d"
		e2e_same_set "$WORK/v6.appeared" "$WORK/got.appeared" "appeared (IPv6, $f)"
		e2e_same_set "$WORK/v6.disappeared" "$WORK/got.disappeared" "disappeared (IPv6, $f)"
	done
	rc=0
	isw_diff "$WORK/v6.csv" "$WORK/v6.xml" >"$WORK/v6.d" 2>&1 || rc=$?
	[[ $rc -eq 0 && ! -s $WORK/v6.d ]] || e2e_fail "diff v6.csv v6.xml exited $rc: $(head -3 "$WORK/v6.d")"
	printf 'ip,type\n2001:db8::zz,echo-reply\n' >"$WORK/v6bad.csv"
	rc=0
	isw_diff "$WORK/v6.csv" "$WORK/v6bad.csv" 2>"$WORK/bad.err" >/dev/null || rc=$?
	[[ $rc -eq 2 ]] && grep -q "v6bad.csv:2: '2001:db8::zz' is not an IP address" "$WORK/bad.err" ||
		e2e_fail "bad IPv6 line: rc $rc, $(cat "$WORK/bad.err")"

	# Bad input: exit 2, naming the file (and the line).
	printf 'ip,type\n198.18.7.1,echo-reply\n198.18.7.x,echo-reply\n' >"$WORK/bad.csv"
	rc=0
	isw_diff "$WORK/old.csv" "$WORK/bad.csv" 2>"$WORK/bad.err" >/dev/null || rc=$?
	[[ $rc -eq 2 ]] && grep -q "bad.csv:3:" "$WORK/bad.err" || e2e_fail "bad line: rc $rc, $(cat "$WORK/bad.err")"
	rc=0
	isw_diff "$WORK/old.csv" "$WORK/missing.csv" 2>"$WORK/bad.err" >/dev/null || rc=$?
	[[ $rc -eq 2 ]] && grep -q "missing.csv" "$WORK/bad.err" || e2e_fail "missing file: rc $rc"

	e2e_pass "diff names the $(wc -l <"$WORK/want.appeared") appeared and $(wc -l <"$WORK/want.disappeared") disappeared hosts in all 16 format pairs, csv and json output; xml valid, ndiff agrees; IPv6 and link-local files in every format"
}

main
