#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Outputs that fail, signals and files that must not be lost (issue 11):
#   -o /dev/full (and stdout on /dev/full) in text, CSV and JSON: exit 1 with the real errno,
#   reported once, and a long sweep stops at once;
#   -w into a 1 MiB tmpfs (pcap, and pcapng with -C rotation): a warning naming the file and
#   the errno while the sweep still runs, every result still written, exit 1;
#   --metadata: valid JSON with the seed after SIGKILL and after SIGPIPE mid-run; SIGINT and
#   SIGTERM exit 130 / 143 with the results flushed and the metadata "interrupted";
#   -o/--metadata/-w naming one file: exit 2, nothing created or truncated;
#   --dry-run -O csv / json: valid in their format; --dry-run -w refused;
#   --read X --metadata M: M describes the analysis; a bad trace leaves M alone.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=io e2e_init "$@"

LIVE=198.18.16.0/20      # all alive: 4,096 hosts
SMALL=198.18.16.0/28     # 16 of them
BIG=198.18.64.0/18       # all alive: 16,384 hosts (traces of several MiB)
WRITE_ERR_FULL="writing results to '/dev/full': No space left on device"

# bg_sweep OUT ERR ARGS...: icmpsweep in the scanner namespace in the background; sets BG_PID.
bg_sweep() {
	local out=$1 err=$2
	shift 2
	# ip netns exec execs icmpsweep: $! is icmpsweep itself (a function would add a subshell).
	ip netns exec "$LAB_SCAN" "$ISW" "$@" >"$out" 2>"$err" &
	BG_PID=$!
}

# bg_wait: waits (bounded) for BG_PID; sets BG_RC.
bg_wait() {
	local i
	for ((i = 0; i < 300; i++)); do
		kill -0 "$BG_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$BG_PID" 2>/dev/null; then
		kill -KILL "$BG_PID" 2>/dev/null || true
		e2e_fail "icmpsweep (pid $BG_PID) still running after 30 s"
	fi
	BG_RC=0
	wait "$BG_PID" || BG_RC=$?
}

# wait_for FILE PATTERN: until FILE holds PATTERN (grep -F), at most 15 s; 1 if it never did.
wait_for() {
	local i
	for ((i = 0; i < 150; i++)); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

json_valid() {
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null
}

full_disk_output() {
	local fmt n
	for fmt in text csv json; do
		e2e_sweep "$WORK/full.out" "$WORK/full.err" -q -n -c 1 -O "$fmt" -o /dev/full "$SMALL"
		e2e_expect_rc 1 "$WORK/full.err"
		n=$(grep -cF "icmpsweep: $WRITE_ERR_FULL" "$WORK/full.err" || true)
		[[ $n -eq 1 ]] || e2e_fail "-O $fmt -o /dev/full: expected '$WRITE_ERR_FULL' once, stderr: $(head -c 600 "$WORK/full.err")"
		grep -q "Resource temporarily\|Input/output" "$WORK/full.err" &&
			e2e_fail "-O $fmt -o /dev/full: a stale errno: $(head -c 600 "$WORK/full.err")"
	done
	# Standard output on a full disk.
	E2E_RC=0
	lab_exec_scanner timeout -k 5 "$E2E_RUN_TIMEOUT" "$ISW" -q -n -c 1 -O csv "$SMALL" \
		>/dev/full 2>"$WORK/full.err" || E2E_RC=$?
	e2e_expect_rc 1 "$WORK/full.err"
	grep -qF "writing results to standard output: No space left on device" "$WORK/full.err" ||
		e2e_fail "stdout on /dev/full: $(head -c 600 "$WORK/full.err")"
	# A long sweep (4,096 probes at 1,000/s) stops at the first failed write, not at its end.
	e2e_sweep "$WORK/full.out" "$WORK/full.err" -q -n -c 1 -r 1000 -o /dev/full "$LIVE"
	e2e_expect_rc 1 "$WORK/full.err"
	awk -v s="$E2E_SECONDS" 'BEGIN { exit !(s < 3.5) }' ||
		e2e_fail "-o /dev/full over a 4 s sweep: ran ${E2E_SECONDS}s, expected a stop within the first second or two"
	e2e_log "-o /dev/full: text, csv, json and stdout exit 1 with ENOSPC once; a long sweep stops after ${E2E_SECONDS}s"
}

mount_small_tmpfs() {
	TMPFS=$WORK/tmpfs
	mkdir -p "$TMPFS"
	mount -t tmpfs -o size=1m isw-e2e-io "$TMPFS" || e2e_fail "cannot mount a tmpfs"
	lab_on_exit "umount '$TMPFS'"
}

# trace_full FILE-IN-TMPFS EXPECTED-NAME ARGS...: a 16,384-host sweep whose trace overflows.
trace_full() {
	local t=$1 want=$2 i
	shift 2
	rm -f "$TMPFS"/*
	bg_sweep "$WORK/trace.out" "$WORK/trace.err" -n -c 1 -r 8000 -w "$t" --trace-probes \
		--metadata "$WORK/trace.json" "$@" "$BIG"
	wait_for "$WORK/trace.err" "warning: writing trace '$want': No space left on device" ||
		e2e_fail "-w in a 1 MiB tmpfs: no warning naming '$want' and ENOSPC: $(head -c 1000 "$WORK/trace.err")"
	# The warning came while the sweep was still running (2 s of sending).
	kill -0 "$BG_PID" 2>/dev/null ||
		e2e_fail "-w in a 1 MiB tmpfs: the warning came only after the sweep had ended"
	bg_wait
	E2E_RC=$BG_RC
	e2e_expect_rc 1 "$WORK/trace.err"
	[[ $(e2e_json_get "$WORK/trace.json" status) == failed ]] ||
		e2e_fail "trace cut short: metadata status $(e2e_json_get "$WORK/trace.json" status), expected failed"
	n=$(grep -c "writing trace" "$WORK/trace.err" || true)
	[[ $n -eq 1 ]] || e2e_fail "trace warning printed $n times: $(head -c 1000 "$WORK/trace.err")"
	# The sweep went on: every host is in the results.
	e2e_cidr_list "$BIG" >"$WORK/big.txt"
	e2e_same_set "$WORK/big.txt" "$WORK/trace.out" "results of a sweep whose trace failed"
	# What was written stays readable.
	E2E_RC=0
	lab_exec_scanner "$ISW" -q -n --read "$TMPFS/$(basename "$t")" --seed 11 >"$WORK/read.out" 2>"$WORK/read.err" || E2E_RC=$?
	e2e_expect_rc 0 "$WORK/read.err"
	[[ -s $WORK/read.out ]] || e2e_fail "the cut trace gave no results on --read"
}

full_trace() {
	mount_small_tmpfs
	trace_full "$TMPFS/t.pcap" "$TMPFS/t.pcap" --seed 11
	e2e_log "-w pcap in a 1 MiB tmpfs: warning at once, all $(wc -l <"$WORK/trace.out") results, exit 1"
	# -C 1: the first file (1 MB) fits, the second does not.  --user root: the tmpfs is
	# root's, and rotated files are created after the privilege drop.
	trace_full "$TMPFS/r.pcapng" "$TMPFS/r.pcapng1" --seed 11 --pcapng -C 1 --user root
	e2e_log "-w pcapng -C 1 in a 1 MiB tmpfs: the rotated file's failure named, exit 1"
}

metadata_kill() {
	local seed
	# SIGKILL mid-run: the metadata written at the start survives, whole.
	bg_sweep "$WORK/kill.out" "$WORK/kill.err" -q -n -c 1 -r 1000 --seed 4242 --metadata "$WORK/kill.json" "$LIVE"
	sleep 1
	kill -KILL "$BG_PID"
	wait "$BG_PID" 2>/dev/null || true
	json_valid "$WORK/kill.json" || e2e_fail "--metadata after SIGKILL is not valid JSON: $(head -c 300 "$WORK/kill.json")"
	seed=$(e2e_json_get "$WORK/kill.json" seed)
	[[ $seed == 4242 ]] || e2e_fail "--metadata after SIGKILL: seed '$seed', expected 4242"
	[[ $(e2e_json_get "$WORK/kill.json" status) == running ]] ||
		e2e_fail "--metadata after SIGKILL: status $(e2e_json_get "$WORK/kill.json" status), expected running"
	[[ $(e2e_json_get "$WORK/kill.json" targets) == 4096 ]] || e2e_fail "--metadata at start lacks the target count"
	# SIGPIPE: the reader of the results goes away.
	local rc
	# (timeout passes on the signal that killed its command: still 141.)
	# shellcheck disable=SC2016 # expanded by the inner bash
	rc=$(lab_exec_scanner bash -c 'timeout 30 "$1" -q -n -c 1 -r 1000 --seed 4343 --metadata "$2" "$3" | head -n 1 >/dev/null; echo "${PIPESTATUS[0]}"' \
		_ "$ISW" "$WORK/pipe.json" "$LIVE" 2>"$WORK/pipe.err")
	[[ $rc -eq 141 ]] || e2e_fail "icmpsweep | head -n 1: exit $rc, expected 141 (SIGPIPE)"
	json_valid "$WORK/pipe.json" || e2e_fail "--metadata after SIGPIPE is not valid JSON: $(head -c 300 "$WORK/pipe.json")"
	[[ $(e2e_json_get "$WORK/pipe.json" seed) == 4343 ]] || e2e_fail "--metadata after SIGPIPE lacks the seed"
	e2e_log "--metadata: valid JSON with the seed after SIGKILL and SIGPIPE"
}

signals() {
	local sig want status n
	for sig in INT TERM; do
		[[ $sig == INT ]] && want=130 || want=143
		bg_sweep "$WORK/sig.out" "$WORK/sig.err" -q -n -c 1 -r 1000 -O csv -o "$WORK/sig.csv" \
			--metadata "$WORK/sig.json" "$LIVE"
		sleep 1.5
		kill -"$sig" "$BG_PID"
		bg_wait
		E2E_RC=$BG_RC
		e2e_expect_rc "$want" "$WORK/sig.err"
		status=$(e2e_json_get "$WORK/sig.json" status)
		[[ $status == interrupted && $(e2e_json_get "$WORK/sig.json" interrupted) == true ]] ||
			e2e_fail "SIG$sig: metadata status '$status', expected interrupted"
		# Results up to the stop were flushed: the hosts answered so far, as many as the
		# metadata counted.
		n=$(($(wc -l <"$WORK/sig.csv") - 1))
		((n > 100 && n < 4096)) || e2e_fail "SIG$sig after 1.5 s: $n result rows"
		[[ $n -eq $(e2e_meta_int "$WORK/sig.json" hits) ]] ||
			e2e_fail "SIG$sig: $n rows but $(e2e_json_get "$WORK/sig.json" hits) hits in the metadata"
	done
	e2e_log "SIGINT -> 130, SIGTERM -> 143, results flushed, metadata interrupted"
}

same_file() {
	local f=$WORK/same args
	for args in "-o $f --metadata $f" "-o $f -w $f" "--metadata $f -w $f" "-o $f --metadata $WORK/./same"; do
		rm -f "$f"
		# shellcheck disable=SC2086 # args is a list of words
		e2e_sweep "$WORK/same.out" "$WORK/same.err" -q -n $args "$SMALL"
		e2e_expect_rc 2 "$WORK/same.err"
		grep -q "same file" "$WORK/same.err" || e2e_fail "$args: $(head -c 300 "$WORK/same.err")"
		[[ ! -e $f ]] || e2e_fail "$args: refused, yet $f was created"
	done
	echo keep >"$f"
	ln "$f" "$WORK/same-link"
	e2e_sweep "$WORK/same.out" "$WORK/same.err" -q -n -o "$f" -w "$WORK/same-link" "$SMALL"
	e2e_expect_rc 2 "$WORK/same.err"
	[[ $(cat "$f") == keep ]] || e2e_fail "-o F -w LINK-TO-F: F was truncated"
	e2e_log "one file for two outputs: refused with exit 2, nothing created or truncated"
}

dry_run_formats() {
	e2e_sweep "$WORK/dry.csv" "$WORK/dry.err" -q --dry-run -O csv --seed 7 198.18.5.0/24
	e2e_expect_rc 0 "$WORK/dry.err"
	python3 - "$WORK/dry.csv" <<-'PY' || e2e_fail "--dry-run -O csv is not valid CSV (see above)"
	import csv, sys
	rows = list(csv.reader(open(sys.argv[1], newline="")))
	header = rows[0]
	if header != ["ip", "probe", "id", "seq", "len", "frame"]:
	    sys.exit("header %r" % header)
	if len(rows) != 257:
	    sys.exit("%d rows, expected 256" % (len(rows) - 1))
	for r in rows[1:]:
	    if len(r) != len(header) or not all(x.isdigit() for x in r[1:5]):
	        sys.exit("bad row %r" % r)
	PY
	e2e_sweep "$WORK/dry.json" "$WORK/dry.err" -q --dry-run -O json --seed 7 198.18.5.0/24
	e2e_expect_rc 0 "$WORK/dry.err"
	python3 - "$WORK/dry.json" <<-'PY' || e2e_fail "--dry-run -O json is not JSON lines (see above)"
	import json, sys
	n = 0
	for line in open(sys.argv[1]):
	    o = json.loads(line)
	    assert set(o) == {"ip", "probe", "id", "seq", "len", "frame"}, o
	    n += 1
	if n != 256:
	    sys.exit("%d lines, expected 256" % n)
	PY
	e2e_sweep "$WORK/dry.out" "$WORK/dry.err" -q --dry-run -w "$WORK/dry.pcap" 198.18.5.0/24
	e2e_expect_rc 2 "$WORK/dry.err"
	[[ ! -e $WORK/dry.pcap ]] || e2e_fail "--dry-run -w: refused, yet the trace was created"
	e2e_log "--dry-run: valid CSV and JSON lines; -w refused"
}

read_metadata() {
	e2e_sweep "$WORK/r.out" "$WORK/r.err" -q -n -c 1 --seed 99 -w "$WORK/r.pcap" "$SMALL"
	e2e_expect_rc 0 "$WORK/r.err"
	e2e_sweep "$WORK/r.out" "$WORK/r.err" -q -n --read "$WORK/r.pcap" --seed 99 --metadata "$WORK/r.json"
	e2e_expect_rc 0 "$WORK/r.err"
	json_valid "$WORK/r.json" || e2e_fail "--read --metadata: not valid JSON: $(head -c 300 "$WORK/r.json")"
	[[ $(e2e_json_get "$WORK/r.json" seed) == 99 && $(e2e_meta_int "$WORK/r.json" hits) == 16 &&
		$(e2e_json_get "$WORK/r.json" status) == "done" ]] ||
		e2e_fail "--read --metadata: $(head -c 600 "$WORK/r.json")"
	# A trace that cannot be read: exit 2, the old metadata untouched.
	cp "$WORK/r.json" "$WORK/r.keep"
	echo "not a trace" >"$WORK/bad.pcap"
	e2e_sweep "$WORK/r.out" "$WORK/r.err" -q -n --read "$WORK/bad.pcap" --metadata "$WORK/r.json"
	e2e_expect_rc 2 "$WORK/r.err"
	cmp -s "$WORK/r.json" "$WORK/r.keep" || e2e_fail "--read of a bad trace changed the metadata"
	e2e_log "--read --metadata: the analysis described; a bad trace leaves it alone"
}

cli_errors() {
	e2e_sweep "$WORK/c.out" "$WORK/c.err" --arp-only=1 "$SMALL"
	e2e_expect_rc 2 "$WORK/c.err"
	[[ $(cat "$WORK/c.err") == "icmpsweep: option '--arp-only' takes no argument" ]] ||
		e2e_fail "--arp-only=1: $(od -c "$WORK/c.err" | head -n 5)"
	e2e_sweep "$WORK/c.out" "$WORK/c.err" --seed ' -1' "$SMALL"
	e2e_expect_rc 2 "$WORK/c.err"
	e2e_sweep "$WORK/c.out" "$WORK/c.err" -c 0x1p3 "$SMALL"
	e2e_expect_rc 2 "$WORK/c.err"
	e2e_log "CLI: --arp-only=1, --seed ' -1', -c 0x1p3 refused with one line, exit 2"
}

main() {
	lab_require_cmd python3 mount umount
	lab_all_alive "$LIVE"
	lab_all_alive "$BIG"
	# ISW_IO_ONLY="signals same_file" runs only those parts.
	local part
	for part in ${ISW_IO_ONLY:-cli_errors dry_run_formats same_file full_disk_output full_trace metadata_kill signals read_metadata}; do
		"$part"
	done
	e2e_pass "write failures, signals, metadata, same-file refusals, dry-run formats"
}

main
