#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# zmap's limits and output fields.  --max-results N writes exactly N live hosts (none after
# them, none made up) and ends without the cooldown, live and with --read; --max-runtime stops
# sending after that long (the probes counted on the wire agree), keeps the cooldown and
# reports only live hosts; -f writes exactly the chosen columns in the chosen order, and finds
# every live host; --max-targets probes exactly the first targets of the order.  The metadata
# says which limit ended the sweep.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=lim e2e_init "$@"

PREFIX=198.18.0.0/16
LIVE=3000

max_results() {
	e2e_sweep "$WORK/mr.csv" "$WORK/mr.err" -n -O csv -f ip,type -r 20k -c 10 \
		--max-results 10 --metadata "$WORK/mr.json" -w "$WORK/mr.pcap" "$PREFIX"
	e2e_expect_rc 0 "$WORK/mr.err"
	[[ $(head -n 1 "$WORK/mr.csv") == "ip,type" ]] || e2e_fail "--max-results: header $(head -n 1 "$WORK/mr.csv")"
	tail -n +2 "$WORK/mr.csv" | grep -v ',echo-reply$' | grep -q . &&
		e2e_fail "--max-results: a row that is not an echo reply: $(tail -n +2 "$WORK/mr.csv" | grep -v ',echo-reply$' | head -n 3)"
	tail -n +2 "$WORK/mr.csv" | cut -d, -f1 >"$WORK/mr.txt"
	[[ $(wc -l <"$WORK/mr.txt") -eq 10 ]] || e2e_fail "--max-results 10 wrote $(wc -l <"$WORK/mr.txt") hosts"
	e2e_no_duplicates "$WORK/mr.txt" "--max-results"
	[[ $(e2e_count_extra "$WORK/live.txt" "$WORK/mr.txt") -eq 0 ]] || e2e_fail "--max-results: hosts that are not live"
	[[ $(e2e_json_get "$WORK/mr.json" stopped_by) == max-results ]] ||
		e2e_fail "--max-results: stopped_by is $(e2e_json_get "$WORK/mr.json" stopped_by)"
	[[ $(e2e_json_get "$WORK/mr.json" status) == done ]] || e2e_fail "--max-results: status $(e2e_json_get "$WORK/mr.json" status)"
	# No 10 s cooldown after the tenth host: the whole /16 at 20k/s takes 3.3 s to send.
	awk -v s="$E2E_SECONDS" 'BEGIN { exit !(s < 8) }' || e2e_fail "--max-results took ${E2E_SECONDS}s: the cooldown ran"
	local sent
	sent=$(e2e_meta_int "$WORK/mr.json" sent)
	[[ $sent -lt 65536 ]] || e2e_fail "--max-results: every target was probed ($sent)"
	e2e_log "ok: --max-results 10: 10 live hosts, ${E2E_SECONDS}s, $sent probes sent"

	# Offline: the same limit over the trace.
	e2e_sweep "$WORK/rd.txt" "$WORK/rd.err" --read "$WORK/mr.pcap" --seed "$(e2e_json_get "$WORK/mr.json" seed)" \
		-n --max-results 4 --metadata "$WORK/rd.json"
	e2e_expect_rc 0 "$WORK/rd.err"
	[[ $(wc -l <"$WORK/rd.txt") -eq 4 ]] || e2e_fail "--read --max-results 4 wrote $(wc -l <"$WORK/rd.txt") lines"
	[[ $(e2e_count_extra "$WORK/mr.txt" "$WORK/rd.txt") -eq 0 ]] || e2e_fail "--read --max-results: hosts not in the trace's results"
	[[ $(e2e_json_get "$WORK/rd.json" stopped_by) == max-results ]] || e2e_fail "--read: stopped_by not max-results"
	e2e_log "ok: --read --max-results 4"
}

max_runtime() {
	local tx0 tx sent
	tx0=$(lab_scan_tx)
	e2e_sweep "$WORK/rt.txt" "$WORK/rt.err" -n -r 2000 -c 1 --max-runtime 1.5 \
		--metadata "$WORK/rt.json" "$PREFIX"
	e2e_expect_rc 0 "$WORK/rt.err"
	tx=$(($(lab_scan_tx) - tx0))
	sent=$(e2e_meta_int "$WORK/rt.json" sent)
	# 1.5 s at 2,000/s is 3,000 probes; the status loop looks every 100 ms.
	[[ $sent -ge 2400 && $sent -le 3600 ]] || e2e_fail "--max-runtime 1.5 at 2000/s sent $sent probes"
	[[ $tx -ge $sent ]] || e2e_fail "--max-runtime: $tx frames on the wire, $sent counted"
	[[ $(e2e_json_get "$WORK/rt.json" stopped_by) == max-runtime ]] || e2e_fail "--max-runtime: stopped_by not max-runtime"
	[[ $(e2e_count_extra "$WORK/live.txt" "$WORK/rt.txt") -eq 0 ]] || e2e_fail "--max-runtime: hosts that are not live"
	[[ $(wc -l <"$WORK/rt.txt") -ge 1 ]] || e2e_fail "--max-runtime: no host found in $sent probes"
	grep -q "sending stopped after" "$WORK/rt.err" || e2e_fail "--max-runtime: no message: $(cat "$WORK/rt.err")"
	e2e_log "ok: --max-runtime 1.5: $sent probes ($tx on the wire), $(wc -l <"$WORK/rt.txt") hosts"
}

fields() {
	e2e_sweep "$WORK/f.json" "$WORK/f.err" -q -n -O json -f ttl,ip -r 50k -c 1 "$PREFIX"
	e2e_expect_rc 0 "$WORK/f.err"
	python3 - "$WORK/f.json" >"$WORK/f.txt" <<'PY' || e2e_fail "-f ttl,ip: $(head -n 3 "$WORK/f.json")"
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    assert list(d) == ["ttl", "ip"], list(d)
    print(d["ip"])
PY
	e2e_same_set "$WORK/live.txt" "$WORK/f.txt" "-f ttl,ip"
	e2e_log "ok: -O json -f ttl,ip: keys in order, all $LIVE live hosts"
}

# --max-targets N and P%: exactly the first N targets of the keyed order are probed (the same
# seed's --dry-run lists that order), so the hosts found are exactly the live ones among them;
# the metadata and the summary say so.  Bad values are refused before anything is sent.
max_targets() {
	local seed=4242 tx0 k
	# Whole, then cut: head ending the pipe early would fail it under pipefail.
	"$ISW" --dry-run -n -O text --seed "$seed" "$PREFIX" >"$WORK/order.txt"
	head -n 1000 "$WORK/order.txt" | cut -d' ' -f1 >"$WORK/first.txt"
	[[ $(wc -l <"$WORK/first.txt") -eq 1000 ]] || e2e_fail "--dry-run listed $(wc -l <"$WORK/first.txt") probes"
	LC_ALL=C comm -12 <(e2e_sorted "$WORK/live.txt") <(e2e_sorted "$WORK/first.txt") >"$WORK/mt.want"
	[[ -s $WORK/mt.want ]] || e2e_fail "no live host among the first 1000 targets: the test proves nothing"
	# The dry run with the limit lists those very targets.
	"$ISW" --dry-run -n -O text --seed "$seed" --max-targets 1000 "$PREFIX" | cut -d' ' -f1 >"$WORK/mt.dry"
	cmp -s "$WORK/first.txt" "$WORK/mt.dry" || e2e_fail "--dry-run --max-targets 1000 does not list the first 1000 of the order"
	# With shards: the same first 1000, split among them (each exactly once).
	local i
	for i in 0 1 2; do
		"$ISW" --dry-run -n -O text --seed "$seed" --max-targets 1000 --shard "$i/3" "$PREFIX" | cut -d' ' -f1
	done | sort >"$WORK/mt.shards"
	sort "$WORK/first.txt" | cmp -s - "$WORK/mt.shards" ||
		e2e_fail "--max-targets 1000 over 3 shards is not the first 1000 of the order, each once"

	e2e_sweep "$WORK/mt.txt" "$WORK/mt.err" -n -r 50k -c 1 --seed "$seed" --max-targets 1000 \
		--metadata "$WORK/mt.json" "$PREFIX"
	e2e_expect_rc 0 "$WORK/mt.err"
	e2e_same_set "$WORK/mt.want" "$WORK/mt.txt" "--max-targets 1000"
	for k in max_targets targets_probed sent; do
		[[ $(e2e_meta_int "$WORK/mt.json" "$k") -eq 1000 ]] || e2e_fail "--max-targets 1000: metadata $k is $(e2e_meta_int "$WORK/mt.json" "$k")"
	done
	[[ $(e2e_meta_int "$WORK/mt.json" targets) -eq 65536 ]] || e2e_fail "--max-targets: metadata targets $(e2e_meta_int "$WORK/mt.json" targets)"
	grep -qF 'icmpsweep: --max-targets: the first 1000 of the 65536 targets (in the keyed order) were probed, the others not' "$WORK/mt.err" ||
		e2e_fail "--max-targets: the summary does not say so: $(cat "$WORK/mt.err")"

	# A percentage rounds up: 1% of 65536 is 655.36, so 656.
	e2e_sweep "$WORK/mp.txt" "$WORK/mp.err" -q -n -r 50k -c 1 --seed "$seed" --max-targets 1% \
		--metadata "$WORK/mp.json" "$PREFIX"
	e2e_expect_rc 0 "$WORK/mp.err"
	[[ $(e2e_meta_int "$WORK/mp.json" sent) -eq 656 ]] || e2e_fail "--max-targets 1%: sent $(e2e_meta_int "$WORK/mp.json" sent), expected 656"
	[[ $(e2e_count_extra "$WORK/mt.want" "$WORK/mp.txt") -eq 0 ]] ||
		e2e_fail "--max-targets 1%: hosts beyond the first 656 of the order"

	lab_sent_start
	for k in 0 0% 100.5% -3 ten 5%%; do
		tx0=$(lab_sent)
		e2e_sweep "$WORK/mb.txt" "$WORK/mb.err" -q -n --max-targets "$k" "$PREFIX"
		e2e_expect_rc 2 "$WORK/mb.err"
		grep -qF "invalid --max-targets '$k'" "$WORK/mb.err" || e2e_fail "--max-targets $k: $(cat "$WORK/mb.err")"
		[[ $(lab_sent) -eq $tx0 ]] || e2e_fail "--max-targets $k: packets were sent"
	done
	e2e_log "ok: --max-targets 1000 and 1%: exactly the first of the order, metadata and summary say so"
}

main() {
	lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
	lab_live_set "$WORK/live.txt"
	max_results
	max_runtime
	fields
	max_targets
	e2e_pass "--max-results (live and --read), --max-runtime, -f and --max-targets behave as documented"
}

main
