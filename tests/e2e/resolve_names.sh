#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Reverse names from a real DNS server: dnsmasq in the target namespace holds PTR records for
# 2,000 of 3,000 live hosts.  Every live host must be reported once, in CSV, JSON and text;
# the named ones with exactly their name and lookup "ok", the others with an empty name and
# "nxdomain".  The metadata counts the lookups.  With -n the CSV header is unchanged.
set -euo pipefail
E2E_TAG=rnames
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dns.sh"
e2e_init "$@"
lab_require_cmd python3

LIVE=3000
NAMED=2000
PREFIX=198.18.0.0/18
RATE=${ISW_E2E_RATE:-20k}

lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
lab_live_set "$WORK/live.txt"
dns_hosts_file "$WORK/live.txt" "$NAMED" "$WORK/hosts"
dns_start_dnsmasq "$WORK/hosts"

# check FILE FORMAT: parse with Python's csv / json modules and compare with the truth.
check() {
	python3 - "$1" "$2" "$WORK/live.txt" "$WORK/hosts" <<-'EOF' || e2e_fail "$2 output is wrong (see above)"
	import csv, json, sys
	path, fmt, live_path, hosts_path = sys.argv[1:]
	live = [l.strip() for l in open(live_path) if l.strip()]
	names = dict(l.split() for l in open(hosts_path) if l.strip())
	rows = []
	with open(path, newline="", encoding="utf-8") as f:
	    if fmt == "csv":
	        r = csv.reader(f)
	        header = next(r)
	        want = ["ip", "type", "rtt_ms", "ttl", "probe", "ts", "responder", "hostname", "lookup"]
	        if header != want:
	            sys.exit("header %r, want %r" % (header, want))
	        rows = [dict(zip(header, row)) for row in r]
	    elif fmt == "json":
	        rows = [json.loads(line) for line in f]
	    else:
	        for line in f:
	            ip, _, name = line.rstrip("\n").partition(" ")
	            rows.append({"ip": ip, "hostname": name, "lookup": None, "type": "echo-reply"})
	ips = [r["ip"] for r in rows]
	if len(ips) != len(set(ips)):
	    sys.exit("%d rows, %d distinct addresses" % (len(ips), len(set(ips))))
	if set(ips) != set(live):
	    sys.exit("%d addresses reported, %d live; missing e.g. %s, extra e.g. %s" % (
	        len(set(ips)), len(live), sorted(set(live) - set(ips))[:3], sorted(set(ips) - set(live))[:3]))
	bad = 0
	for r in rows:
	    want_name = names.get(r["ip"], "")
	    want_lookup = "ok" if want_name else "nxdomain"
	    if r["type"] != "echo-reply" or r["hostname"] != want_name or \
	            (r["lookup"] is not None and r["lookup"] != want_lookup):
	        bad += 1
	        if bad <= 5:
	            print("wrong row %r: want hostname %r lookup %r" % (r, want_name, want_lookup), file=sys.stderr)
	if bad:
	    sys.exit("%d of %d rows wrong" % (bad, len(rows)))
	EOF
}

for fmt in csv json text; do
	e2e_sweep "$WORK/out.$fmt" "$WORK/err.$fmt" -q -r "$RATE" -c 1 --seed 5 -O "$fmt" \
		--resolver "$LAB_TGT_ADDR" --metadata "$WORK/meta.$fmt.json" "$PREFIX"
	e2e_expect_rc 0 "$WORK/err.$fmt"
	check "$WORK/out.$fmt" "$fmt"
	lookups=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["resolve"]; print(r["lookups"], r["ok"], r["nxdomain"], r["servfail"], r["timeout"])' "$WORK/meta.$fmt.json")
	[[ $lookups == "$LIVE $NAMED $((LIVE - NAMED)) 0 0" ]] ||
		e2e_fail "$fmt: metadata lookups/ok/nxdomain/servfail/timeout = $lookups, want $LIVE $NAMED $((LIVE - NAMED)) 0 0"
	e2e_log "$fmt: $LIVE hosts, $NAMED named exactly, $((LIVE - NAMED)) nxdomain (${E2E_SECONDS}s)"
done

# The text format: "address name", or just "address".
grep -qxF "$(head -n 1 "$WORK/hosts")" "$WORK/out.text" || e2e_fail "text line 'address name' missing"

# With -n: no lookups, and exactly the columns of before.
e2e_sweep "$WORK/n.csv" "$WORK/n.err" -q -n -r "$RATE" -c 1 --seed 5 -O csv "$PREFIX"
e2e_expect_rc 0 "$WORK/n.err"
[[ $(head -n 1 "$WORK/n.csv") == "ip,type,rtt_ms,ttl,probe,ts,responder" ]] ||
	e2e_fail "-n header is '$(head -n 1 "$WORK/n.csv")'"
[[ $(($(wc -l <"$WORK/n.csv") - 1)) -eq $LIVE ]] || e2e_fail "-n found $(($(wc -l <"$WORK/n.csv") - 1)) hosts"

e2e_pass "$LIVE live hosts: $NAMED names exact, $((LIVE - NAMED)) nxdomain, in CSV, JSON and text"
