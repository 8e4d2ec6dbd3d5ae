#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Servers that never answer.  UDP to port 5353 of the target is silently dropped (nft), port
# 5354 has nothing listening (the kernel answers port unreachable); dnsmasq on port 53 knows
# every live host.
#   A: only the silent server: every host is still printed, each with lookup "timeout" and an
#      empty name, and the run ends within sweep + cooldown + tries * timeout (+ slack).
#   B: the silent server and dnsmasq: the lookups that went to the silent one are retried on
#      dnsmasq, so every name comes back; same bound.
#   C: only the refusing port: "timeout" for all, without waiting for the timeout.
set -euo pipefail
E2E_TAG=rtime
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dns.sh"
e2e_init "$@"
lab_require_cmd python3 nft

LIVE=1500
PREFIX=198.18.64.0/19
TARGETS=8192
RATE=20000
COOLDOWN=1
TIMEOUT_MS=600
TRIES=2

lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
lab_live_set "$WORK/live.txt"
dns_hosts_file "$WORK/live.txt" "$LIVE" "$WORK/hosts"
dns_start_dnsmasq "$WORK/hosts"
dns_drop_port 5353

# Seconds the run may take: sending, the cooldown, one lookup's bound, and 2 s of slack for
# namespace start-up and a loaded machine.
BOUND=$(awk -v t=$TARGETS -v r=$RATE -v c=$COOLDOWN -v ms=$TIMEOUT_MS -v n=$TRIES \
	'BEGIN { printf "%.2f", t / r + c + n * ms / 1000 + 2 }')

# summary FILE: "rows ok nxdomain servfail timeout bad", where bad counts rows whose name is
# not the expected one for its outcome (exact name for ok, empty otherwise).
summary() {
	python3 - "$1" "$WORK/live.txt" "$WORK/hosts" <<-'EOF'
	import csv, sys
	rows = list(csv.DictReader(open(sys.argv[1], newline="")))
	live = {l.strip() for l in open(sys.argv[2]) if l.strip()}
	names = dict(l.split() for l in open(sys.argv[3]) if l.strip())
	n = {k: 0 for k in ("ok", "nxdomain", "servfail", "timeout")}
	bad = 0
	for r in rows:
	    n[r["lookup"]] = n.get(r["lookup"], 0) + 1
	    want = names.get(r["ip"], "") if r["lookup"] == "ok" else ""
	    bad += r["hostname"] != want
	ips = {r["ip"] for r in rows}
	if ips != live or len(ips) != len(rows):
	    bad += 1000000
	print(len(rows), n["ok"], n["nxdomain"], n["servfail"], n["timeout"], bad)
	EOF
}

sweep() {
	local name=$1
	shift
	e2e_sweep "$WORK/$name.csv" "$WORK/$name.err" -q -r "$RATE" -c "$COOLDOWN" --seed 9 -O csv \
		--resolve-timeout "$TIMEOUT_MS" --resolve-tries "$TRIES" --metadata "$WORK/$name.json" \
		"$@" "$PREFIX"
	e2e_expect_rc 0 "$WORK/$name.err"
	awk -v s="$E2E_SECONDS" -v b="$BOUND" 'BEGIN { exit !(s <= b) }' ||
		e2e_fail "$name: the run took ${E2E_SECONDS}s, bound ${BOUND}s"
}

# A: silent server only.
sweep silent --resolver "$LAB_TGT_ADDR:5353"
got=$(summary "$WORK/silent.csv")
[[ $got == "$LIVE 0 0 0 $LIVE 0" ]] ||
	e2e_fail "silent server: rows/ok/nxdomain/servfail/timeout/bad = $got, want $LIVE 0 0 0 $LIVE 0"
e2e_log "A: silent server: $LIVE hosts printed, all 'timeout', in ${E2E_SECONDS}s (bound ${BOUND}s)"

# B: silent server first, dnsmasq second.
sweep both --resolver "$LAB_TGT_ADDR:5353" --resolver "$LAB_TGT_ADDR"
got=$(summary "$WORK/both.csv")
[[ $got == "$LIVE $LIVE 0 0 0 0" ]] ||
	e2e_fail "silent + dnsmasq: rows/ok/nxdomain/servfail/timeout/bad = $got, want $LIVE $LIVE 0 0 0 0"
retries=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["resolve"]["retries"])' "$WORK/both.json")
e2e_log "B: silent + dnsmasq: $LIVE names exact, $retries retries, in ${E2E_SECONDS}s"

# C: a port with nothing listening.
sweep refused --resolver "$LAB_TGT_ADDR:5354"
got=$(summary "$WORK/refused.csv")
[[ $got == "$LIVE 0 0 0 $LIVE 0" ]] ||
	e2e_fail "refusing port: rows/ok/nxdomain/servfail/timeout/bad = $got, want $LIVE 0 0 0 $LIVE 0"
e2e_log "C: refusing port: $LIVE hosts printed, all 'timeout', in ${E2E_SECONDS}s"

e2e_pass "silent and refusing servers: every host printed, bounded runs; failover finds every name"
