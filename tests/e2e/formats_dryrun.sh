#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Output formats and dry run.
#   --dry-run over a /24: one line per probe (256, the first field the target), nothing sent.
#   A /26 with 16 live hosts, 16 answering with ICMP host unreachable and 32 silent:
#   text lists the live hosts; CSV has the header row and typed rows; JSON lines parse and
#   carry the keys; --metadata is a JSON object with the scan's counters; -o writes the file.
#   --ttl 1 to a forwarded /28 yields time-exceeded rows.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=fmt e2e_init "$@"

LIVE_NET=198.18.7.0/28     # echo replies
UNREACH_NET=198.18.7.16/28 # host unreachable from 192.0.2.2
SWEEP=198.18.7.0/26        # the above plus 32 silent addresses
TTL_NET=198.18.8.0/28      # time exceeded with --ttl 1
CSV_HEADER="ip,type,rtt_ms,ttl,probe,ts,responder"

dry_run() {
	local tx0 tx1 probes
	tx0=$(lab_sent)
	e2e_sweep "$WORK/dry.txt" "$WORK/dry.err" -q --dry-run --seed 7 198.18.5.0/24
	e2e_expect_rc 0 "$WORK/dry.err"
	tx1=$(lab_sent)
	probes=$(lab_counter probes_in)
	local n
	n=$(wc -l <"$WORK/dry.txt")
	[[ $n -eq 256 ]] || e2e_fail "--dry-run over 198.18.5.0/24 printed $n lines, expected 256: $(head -n 3 "$WORK/dry.txt")"
	awk '{ print $1 }' "$WORK/dry.txt" >"$WORK/dry-targets.txt"
	e2e_cidr_list 198.18.5.0/24 >"$WORK/c24.txt"
	e2e_no_duplicates "$WORK/dry-targets.txt" "--dry-run targets"
	e2e_same_set "$WORK/c24.txt" "$WORK/dry-targets.txt" "--dry-run targets (first field of each line)"
	((tx1 == tx0 && probes == 0)) ||
		e2e_fail "--dry-run sent packets: target saw $((tx1 - tx0)) echo or ARP requests"
	e2e_log "dry run: 256 lines, nothing sent (${E2E_SECONDS}s)"
}

text_output() {
	e2e_sweep "$WORK/text.out" "$WORK/text.err" -q -n -c 1 "$SWEEP"
	e2e_expect_rc 0 "$WORK/text.err"
	e2e_same_set "$WORK/live.txt" "$WORK/text.out" "text output (live hosts only, no ICMP errors)"
}

csv_output() {
	e2e_sweep "$WORK/csv.stdout" "$WORK/csv.err" -q -n -c 1 -O csv -o "$WORK/out.csv" \
		--seed 4242 --metadata "$WORK/meta.json" "$SWEEP"
	e2e_expect_rc 0 "$WORK/csv.err"
	[[ ! -s $WORK/csv.stdout ]] || e2e_fail "-o FILE: stdout not empty: $(head -c 200 "$WORK/csv.stdout")"
	local header
	header=$(head -n 1 "$WORK/out.csv")
	[[ $header == "$CSV_HEADER" ]] || e2e_fail "CSV header is '$header', expected '$CSV_HEADER'"
	# Every row: 7 fields, known type, numeric rtt/ttl/probe/ts, responder an address.
	local bad
	bad=$(tail -n +2 "$WORK/out.csv" | awk -F, '
		NF != 7 || $2 !~ /^(echo-reply|unreachable|time-exceeded|icmp-error)$/ ||
		$3 !~ /^-?[0-9]+(\.[0-9]+)?$/ || $4 !~ /^[0-9]+$/ || $4 < 1 || $4 > 255 ||
		$5 !~ /^[0-9]+$/ || $6 !~ /^[0-9]+(\.[0-9]+)?$/ ||
		$7 !~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/' | head -n 3)
	[[ -z $bad ]] || e2e_fail "malformed CSV rows: $bad"
	awk -F, 'NR > 1 && $2 == "echo-reply" { print $1 }' "$WORK/out.csv" >"$WORK/csv-echo.txt"
	awk -F, 'NR > 1 && $2 == "unreachable" { print $1 }' "$WORK/out.csv" >"$WORK/csv-unreach.txt"
	e2e_same_set "$WORK/live.txt" "$WORK/csv-echo.txt" "CSV echo-reply rows"
	e2e_same_set "$WORK/unreach.txt" "$WORK/csv-unreach.txt" "CSV unreachable rows"
	local n
	n=$(($(wc -l <"$WORK/out.csv") - 1))
	[[ $n -eq 32 ]] || e2e_fail "CSV has $n rows, expected 16 echo-reply + 16 unreachable"
	bad=$(awk -F, 'NR > 1 && (($2 == "echo-reply" && $7 != $1) || ($2 == "unreachable" && $7 != "192.0.2.2") || $5 != 1)' \
		"$WORK/out.csv" | head -n 3)
	[[ -z $bad ]] || e2e_fail "CSV rows with the wrong responder or probe number: $bad"
	e2e_log "csv: header ok, 16 echo-reply + 16 unreachable rows"
}

metadata() {
	lab_optional_cmd python3 || lab_optional_cmd jq || { e2e_log "no python3/jq: metadata not checked"; return 0; }
	local k v
	for k in seed targets sent hits pcap_drop; do
		v=$(e2e_json_get "$WORK/meta.json" "$k") || e2e_fail "--metadata file is not valid JSON: $(head -c 300 "$WORK/meta.json")"
		[[ $v != null ]] || e2e_fail "--metadata lacks key '$k': $(head -c 600 "$WORK/meta.json")"
	done
	[[ $(e2e_json_get "$WORK/meta.json" seed) == 4242 ]] || e2e_fail "metadata seed is $(e2e_json_get "$WORK/meta.json" seed), expected 4242 (--seed)"
	local targets sent hits
	targets=$(e2e_meta_int "$WORK/meta.json" targets)
	sent=$(e2e_meta_int "$WORK/meta.json" sent)
	hits=$(e2e_meta_int "$WORK/meta.json" hits)
	((targets == 64 && sent == 64 && hits == 16)) ||
		e2e_fail "metadata targets=$targets sent=$sent hits=$hits, expected 64, 64, 16"
	e2e_log "metadata: valid JSON, seed/targets/sent/hits/pcap_drop present and right"
}

json_output() {
	e2e_sweep "$WORK/out.json" "$WORK/json.err" -q -n -c 1 -O json "$SWEEP"
	e2e_expect_rc 0 "$WORK/json.err"
	if command -v python3 >/dev/null; then
		python3 - "$WORK/out.json" "$WORK/json-echo.txt" "$WORK/json-unreach.txt" <<-'PY' ||
		import json, sys
		keys = {"ip", "type", "rtt_ms", "ttl", "probe", "ts"}
		echo, unreach = open(sys.argv[2], "w"), open(sys.argv[3], "w")
		for n, line in enumerate(open(sys.argv[1]), 1):
		    try:
		        o = json.loads(line)
		    except ValueError as e:
		        sys.exit("line %d is not JSON (%s): %r" % (n, e, line))
		    if not isinstance(o, dict) or not keys <= set(o):
		        sys.exit("line %d lacks keys %s: %r" % (n, sorted(keys - set(o)), line))
		    if not isinstance(o["ttl"], int) or not isinstance(o["probe"], int):
		        sys.exit("line %d: ttl/probe not integers: %r" % (n, line))
		    if not isinstance(o["rtt_ms"], (int, float)) or not isinstance(o["ts"], (int, float)):
		        sys.exit("line %d: rtt_ms/ts not numbers: %r" % (n, line))
		    print(o["ip"], file=echo if o["type"] == "echo-reply" else unreach)
		PY
			e2e_fail "JSON lines output is invalid (see above)"
	else
		lab_require_cmd jq
		jq -e 'has("ip") and has("type") and has("rtt_ms") and has("ttl") and has("probe") and has("ts")' \
			"$WORK/out.json" >/dev/null || e2e_fail "JSON lines lack keys or do not parse"
		jq -r 'select(.type == "echo-reply") | .ip' "$WORK/out.json" >"$WORK/json-echo.txt"
		jq -r 'select(.type != "echo-reply") | .ip' "$WORK/out.json" >"$WORK/json-unreach.txt"
	fi
	e2e_same_set "$WORK/live.txt" "$WORK/json-echo.txt" "JSON echo-reply lines"
	e2e_same_set "$WORK/unreach.txt" "$WORK/json-unreach.txt" "JSON error lines"
	e2e_log "json: $(wc -l <"$WORK/out.json") lines parse with the keys"
}

time_exceeded() {
	lab_ttl_expire "$TTL_NET"
	e2e_sweep "$WORK/ttl.csv" "$WORK/ttl.err" -q -n -c 1 --ttl 1 -O csv "$TTL_NET"
	e2e_expect_rc 0 "$WORK/ttl.err"
	e2e_cidr_list "$TTL_NET" >"$WORK/ttl-expected.txt"
	awk -F, 'NR > 1 && $2 == "time-exceeded" && $7 == "192.0.2.2" { print $1 }' "$WORK/ttl.csv" >"$WORK/ttl-got.txt"
	e2e_same_set "$WORK/ttl-expected.txt" "$WORK/ttl-got.txt" "--ttl 1 time-exceeded rows"
	local others
	others=$(awk -F, 'NR > 1 && $2 != "time-exceeded"' "$WORK/ttl.csv" | head -n 3)
	[[ -z $others ]] || e2e_fail "--ttl 1 sweep: unexpected rows $others"
	e2e_log "time-exceeded: 16 rows"
}

main() {
	lab_require_cmd nft
	lab_all_alive "$LIVE_NET"
	e2e_cidr_list "$LIVE_NET" >"$WORK/live.txt"
	e2e_cidr_list "$UNREACH_NET" >"$WORK/unreach.txt"
	lab_unreachable "$UNREACH_NET"
	lab_sent_start
	dry_run
	text_output
	csv_output
	metadata
	json_output
	time_exceeded
	e2e_pass "dry run, text, csv, json, metadata and ICMP error types"
}

main
