#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Traces (-w): what tshark sees in the trace agrees with what icmpsweep reported; --read of
# the trace reproduces the live records; the wrong seed validates nothing; pcapng carries the
# verdicts as comments; --no-validate reads a tcpdump trace of an fping run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=trace e2e_init "$@"
lab_require_cmd tshark

PREFIX=198.18.0.0/20 # 4096 targets
SEED=4242

# Packets of FILE matching FILTER.  tshark also dissects the probe quoted inside an ICMP
# error, hence the "!(icmp.type == 3)" in the probe filters.
tshark_count() { # FILE FILTER
	tshark -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null | wc -l
}

records() { # CSV: the columns a replay must reproduce (everything but the capture time)
	tail -n +2 "$1" | cut -d, -f1-5,7 | LC_ALL=C sort
}

live_run() {
	# Live hosts in the lower half, so none falls in the unreachable block below.
	lab_random_live_set 600 198.18.0.0/21 "$WORK/live.txt" "$E2E_SEED"
	lab_live_set "$WORK/live.txt"
	# 198.18.15.0/28 answers with host unreachable: errors must be traced and replayed too.
	lab_unreachable 198.18.15.0/28
	e2e_sweep "$WORK/live.csv" "$WORK/err.txt" -q -n -r 20k -c 1 -P 2 --seed "$SEED" \
		-O csv -w "$WORK/t.pcap" --trace-probes --metadata "$WORK/meta.json" "$PREFIX"
	e2e_expect_rc 0 "$WORK/err.txt"
}

check_pcap() {
	local hits sent replies requests pairs first
	hits=$(e2e_meta_int "$WORK/meta.json" hits)
	sent=$(e2e_meta_int "$WORK/meta.json" sent)
	[[ $hits -eq 600 ]] || e2e_fail "live run found $hits hosts, expected 600"
	replies=$(tshark_count "$WORK/t.pcap" "icmp.type == 0")
	[[ $replies -eq $hits ]] || e2e_fail "tshark counts $replies echo replies, icmpsweep reported $hits hosts"
	requests=$(tshark_count "$WORK/t.pcap" "icmp.type == 8 && !(icmp.type == 3)")
	[[ $requests -eq $sent ]] || e2e_fail "trace holds $requests probes, metadata says $sent sent"
	# One probe per target per attempt: the attempt is byte 8 of the payload.
	pairs=$(tshark -r "$WORK/t.pcap" -Y "icmp.type == 8 && !(icmp.type == 3)" -T fields -e ip.dst -e data.data 2>/dev/null |
		awk '{ print $1, substr($2, 17, 2) }' | sort | uniq -d | wc -l)
	[[ $pairs -eq 0 ]] || e2e_fail "$pairs (target, attempt) pairs probed more than once"
	first=$(tshark -r "$WORK/t.pcap" -Y "icmp.type == 8 && !(icmp.type == 3)" -T fields -e data.data 2>/dev/null |
		awk 'substr($1, 17, 2) == "01"' | wc -l)
	[[ $first -eq 4096 ]] || e2e_fail "attempt 1 probed $first targets, expected 4096"
	# Attempt 2 went only to the silent ones: all targets minus hosts minus unreachables.
	local errors
	errors=$(e2e_meta_int "$WORK/meta.json" icmp_errors)
	[[ $errors -eq 16 ]] || e2e_fail "expected 16 unreachable targets, metadata says $errors"
	[[ $((sent - 4096)) -eq $((4096 - hits - errors)) ]] ||
		e2e_fail "attempt 2 sent $((sent - 4096)) probes, expected $((4096 - hits - errors))"
}

check_replay() {
	e2e_sweep "$WORK/replay.csv" "$WORK/err2.txt" --read "$WORK/t.pcap" --seed "$SEED" -q -n -O csv
	e2e_expect_rc 0 "$WORK/err2.txt"
	if ! diff <(records "$WORK/live.csv") <(records "$WORK/replay.csv") >"$WORK/diff.txt"; then
		e2e_fail "--read differs from the live run: $(head -n 6 "$WORK/diff.txt" | tr '\n' ' ')"
	fi
	e2e_sweep "$WORK/wrong.txt" "$WORK/err3.txt" --read "$WORK/t.pcap" --seed $((SEED + 1)) -q -n
	e2e_expect_rc 0 "$WORK/err3.txt"
	[[ ! -s $WORK/wrong.txt ]] || e2e_fail "wrong seed validated $(wc -l <"$WORK/wrong.txt") hosts"
}

check_pcapng() {
	e2e_sweep "$WORK/ng.txt" "$WORK/err4.txt" -q -n -r 20k -c 1 --seed "$SEED" \
		-w "$WORK/t.pcapng" --pcapng --trace-probes --metadata "$WORK/meta2.json" "$PREFIX"
	e2e_expect_rc 0 "$WORK/err4.txt"
	local comments valid probes unreach
	comments="$WORK/comments.txt"
	tshark -r "$WORK/t.pcapng" -T fields -e frame.comment >"$comments" 2>/dev/null
	valid=$(grep -c '^valid reply from 198\.18\.' "$comments" || true)
	probes=$(grep -c '^probe to 198\.18\..*, attempt 1$' "$comments" || true)
	unreach=$(grep -c '^unreachable for 198\.18\.15\..* from router' "$comments" || true)
	[[ $valid -eq 600 ]] || e2e_fail "pcapng: $valid 'valid reply' comments, expected 600"
	[[ $probes -eq 4096 ]] || e2e_fail "pcapng: $probes 'probe to' comments, expected 4096"
	[[ $unreach -eq 16 ]] || e2e_fail "pcapng: $unreach 'unreachable for' comments, expected 16"
	capinfos "$WORK/t.pcapng" 2>/dev/null | grep -q "seed=$SEED" ||
		e2e_fail "pcapng section comment does not record seed=$SEED"
	# The seed comes from the section header: no --seed needed.
	e2e_sweep "$WORK/ng-replay.txt" "$WORK/err5.txt" --read "$WORK/t.pcapng" -q -n
	e2e_expect_rc 0 "$WORK/err5.txt"
	e2e_same_set "$WORK/ng.txt" "$WORK/ng-replay.txt" "pcapng replay"
}

check_fping_trace() {
	if ! lab_optional_cmd fping tcpdump; then
		e2e_log "fping or tcpdump missing: skipping the --no-validate check"
		return 0
	fi
	local pid
	lab_exec_scanner timeout 30 tcpdump -i "$LAB_SCAN_IF" -w "$WORK/fping.pcap" -U -q icmp \
		2>/dev/null &
	pid=$!
	sleep 1
	lab_exec_scanner timeout 30 fping -a -q -r 1 -t 200 -i 1 -g 198.18.0.0/24 >"$WORK/fping.txt" 2>/dev/null || true
	sleep 0.5
	kill -INT "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	e2e_sweep "$WORK/nv.txt" "$WORK/err6.txt" --read "$WORK/fping.pcap" --no-validate -q -n
	e2e_expect_rc 0 "$WORK/err6.txt"
	[[ -s $WORK/fping.txt ]] || e2e_fail "fping found nothing in 198.18.0.0/24"
	e2e_same_set "$WORK/fping.txt" "$WORK/nv.txt" "--no-validate over fping's trace"
	# Validation stays on by default: fping's replies carry no icmpsweep tag.
	e2e_sweep "$WORK/v.txt" "$WORK/err7.txt" --read "$WORK/fping.pcap" --seed 1 -q -n
	[[ ! -s $WORK/v.txt ]] || e2e_fail "fping replies validated without --no-validate"
}

live_run
check_pcap
check_replay
check_pcapng
check_fping_trace
e2e_pass "trace agrees with tshark, replays exactly, pcapng comments, foreign traces"
