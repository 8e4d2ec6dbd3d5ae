#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# --db, icmpsweep history, diff --db and the offline map: two sweeps of a lab whose live set
# changes in between recorded in one database; diff --db names exactly the hosts that appeared
# and disappeared, with the very rows and exit status of the file diff; history shows when each
# was seen; icmpsweep map draws from a result file the image --map drew live, pixel for pixel.
# A sweep SIGKILLed midway: every result already in its output is in the database, and the
# next use of the database marks the run interrupted.  --db on a full filesystem (a small
# tmpfs) exits 1 naming the file and the reason.  --read of a trace into --db records the same
# hosts as the live sweep.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=history e2e_init "$@"
lab_require_cmd sqlite3 python3 mount umount

PREFIX=198.18.7.0/24
DB=

isw_sub() { lab_exec_scanner timeout 30 "$ISW" "$@"; }
sql() { sqlite3 -batch "$DB" "$@"; }

two_sweeps() {
	lab_random_live_set 60 "$PREFIX" "$WORK/all.txt" "$E2E_SEED"
	head -n 50 "$WORK/all.txt" | sort >"$WORK/old.live"
	{ head -n 43 "$WORK/all.txt"; tail -n 10 "$WORK/all.txt"; } | sort >"$WORK/new.live"
	comm -13 "$WORK/old.live" "$WORK/new.live" >"$WORK/want.appeared"
	comm -23 "$WORK/old.live" "$WORK/new.live" >"$WORK/want.disappeared"
	comm -12 "$WORK/old.live" "$WORK/new.live" >"$WORK/want.both"

	lab_live_set "$WORK/old.live"
	e2e_sweep "$WORK/old.csv" "$WORK/old.err" -q -n -r 20k -c 0.5 -O csv --db "$DB" \
		--metadata "$WORK/old.json" --map "$WORK/old.png" -w "$WORK/old.pcapng" --pcapng "$PREFIX"
	e2e_expect_rc 0 "$WORK/old.err"
	awk -F, 'NR > 1 { print $1 }' "$WORK/old.csv" >"$WORK/old.got"
	e2e_same_set "$WORK/old.live" "$WORK/old.got" "first sweep"
	awk '{ printf "route del local %s/32 dev lo table local\n", $1 }' "$WORK/want.disappeared" >"$WORK/del.batch"
	ip -n "$LAB_TGT" -batch "$WORK/del.batch"
	lab_live_set "$WORK/new.live"
	e2e_sweep "$WORK/new.json" "$WORK/new.err" -q -n -r 20k -c 0.5 -O json --db "$DB" \
		--map "$WORK/new.png" "$PREFIX"
	e2e_expect_rc 0 "$WORK/new.err"
}

check_db_diff() {
	local rc fmt
	[[ $(sql "SELECT group_concat(id || ':' || status, ' ') FROM runs") == "1:complete 2:complete" ]] ||
		e2e_fail "runs: $(sql 'SELECT id, status FROM runs')"
	[[ $(sql "SELECT count(*) FROM results WHERE run_id = 1") -eq 50 ]] ||
		e2e_fail "run 1 has $(sql 'SELECT count(*) FROM results WHERE run_id = 1') rows, not 50"
	for fmt in text csv json; do
		rc=0
		isw_sub diff -O "$fmt" --db "$DB" 1 2 >"$WORK/db.$fmt" 2>"$WORK/db.err" || rc=$?
		[[ $rc -eq 1 ]] || e2e_fail "diff --db 1 2 exited $rc: $(cat "$WORK/db.err")"
		rc=0
		isw_sub diff -O "$fmt" "$WORK/old.csv" "$WORK/new.json" >"$WORK/file.$fmt" || rc=$?
		[[ $rc -eq 1 ]] || e2e_fail "diff of the files exited $rc"
		cmp -s "$WORK/db.$fmt" "$WORK/file.$fmt" ||
			e2e_fail "diff --db -O $fmt differs from the file diff: $(diff "$WORK/file.$fmt" "$WORK/db.$fmt" | head -5)"
	done
	awk '$1 == "+" { print $2 }' "$WORK/db.text" >"$WORK/got.appeared"
	awk '$1 == "-" { print $2 }' "$WORK/db.text" >"$WORK/got.disappeared"
	e2e_same_set "$WORK/want.appeared" "$WORK/got.appeared" "appeared (diff --db)"
	e2e_same_set "$WORK/want.disappeared" "$WORK/got.disappeared" "disappeared (diff --db)"
	rc=0
	isw_sub diff --db "$DB" 2 2 >"$WORK/same.txt" || rc=$?
	[[ $rc -eq 0 && ! -s $WORK/same.txt ]] || e2e_fail "diff --db 2 2 exited $rc"
	rc=0
	isw_sub diff --db "$DB" 1 7 >/dev/null 2>"$WORK/no.err" || rc=$?
	if [[ $rc -ne 2 ]] || ! grep -q "no run 7" "$WORK/no.err"; then
		e2e_fail "diff --db of a missing run exited $rc: $(cat "$WORK/no.err")"
	fi
}

check_history() {
	isw_sub history --db "$DB" -O csv "$PREFIX" >"$WORK/hist.csv"
	# ip,first_seen,last_seen,runs,first_run,last_run,...: runs and first/last run per host.
	awk -F, 'NR > 1 && $4 == 2 && $5 == 1 && $6 == 2 { print $1 }' "$WORK/hist.csv" >"$WORK/got.both"
	awk -F, 'NR > 1 && $4 == 1 && $5 == 1 && $6 == 1 { print $1 }' "$WORK/hist.csv" >"$WORK/got.gone"
	awk -F, 'NR > 1 && $4 == 1 && $5 == 2 && $6 == 2 { print $1 }' "$WORK/hist.csv" >"$WORK/got.new"
	e2e_same_set "$WORK/want.both" "$WORK/got.both" "history: seen in both runs"
	e2e_same_set "$WORK/want.disappeared" "$WORK/got.gone" "history: seen in run 1 only"
	e2e_same_set "$WORK/want.appeared" "$WORK/got.new" "history: seen in run 2 only"
	[[ $(($(wc -l <"$WORK/hist.csv") - 1)) -eq 60 ]] || e2e_fail "history lists $(wc -l <"$WORK/hist.csv") lines for 60 hosts"
	local one
	one=$(head -n 1 "$WORK/want.disappeared")
	isw_sub history --db "$DB" "$one" >"$WORK/one.txt"
	if [[ $(wc -l <"$WORK/one.txt") -ne 1 ]] ||
		! grep -q "^$one first .* runs 1 first_run 1 last_run 1 " "$WORK/one.txt"; then
		e2e_fail "history $one: $(cat "$WORK/one.txt")"
	fi
	isw_sub history --db "$DB" --runs -O json >"$WORK/runs.json"
	python3 - "$WORK/runs.json" <<'PY' || e2e_fail "history --runs: $(cat "$WORK/runs.json")"
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
assert [r["run"] for r in runs] == [1, 2], runs
assert all(r["status"] == "complete" and r["targets_count"] == 256 for r in runs), runs
assert [r["hosts_up"] for r in runs] == [50, 53], runs
PY
}

check_offline_map() {
	isw_sub map "$WORK/old.csv" --metadata "$WORK/old.json" -o "$WORK/old-offline.png" ||
		e2e_fail "icmpsweep map failed"
	cmp -s "$WORK/old.png" "$WORK/old-offline.png" || e2e_fail "the offline map differs from --map's"
	# No metadata: the hosts up span the swept /24 (the smallest prefix covering them), so
	# the image is the same.  (By RTT the file's microsecond rounding may move a cell across a
	# colour step: only shares are compared.)
	awk -F. 'NR == 1 || $4 < lo { lo = $4 } $4 > hi { hi = $4 } END { exit !(lo < 128 && hi >= 128) }' "$WORK/new.live" ||
		e2e_fail "the live set does not span the /24"
	isw_sub map "$WORK/new.json" -o "$WORK/new-offline.png" || e2e_fail "icmpsweep map of the json failed"
	python3 - "$WORK/new.png" "$WORK/new-offline.png" <<'PY' || e2e_fail "the offline map (no metadata) differs from --map's"
import sys, zlib
def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, head = 8, b"", None
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        if kind == b"IHDR":
            head = data[pos + 8:pos + 8 + 13]
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    return head, zlib.decompress(idat)
a, b = pixels(sys.argv[1]), pixels(sys.argv[2])
assert a == b
PY
}

# SIGKILL halfway through a slow sweep of an all-alive /20: the database has what the output
# got, in the same order, but for the last moments before the kill (it commits whenever its
# queue runs dry and at the latest every second: at -r 1000 at most ~1000 lines); the next
# open marks the run interrupted.
# --read of the first sweep's trace into a database of its own: one run, exactly the hosts the
# live sweep recorded, and history reads it like a live run's.
check_read_db() {
	local rdb=$WORK/read.db rc=0
	"$ISW" --read "$WORK/old.pcapng" -q -n -O csv --db "$rdb" >"$WORK/read.csv" 2>"$WORK/read.err" || rc=$?
	[[ $rc -eq 0 ]] || e2e_fail "--read --db exited $rc: $(cat "$WORK/read.err")"
	[[ $(sqlite3 -batch "$rdb" "SELECT count(*) || ':' || min(status) FROM runs") == 1:complete ]] ||
		e2e_fail "--read --db: runs $(sqlite3 -batch "$rdb" 'SELECT id, status FROM runs')"
	sqlite3 -batch "$rdb" "SELECT ip FROM results WHERE run_id = 1" >"$WORK/read.db.txt"
	e2e_no_duplicates "$WORK/read.db.txt" "--read --db"
	e2e_same_set "$WORK/old.live" "$WORK/read.db.txt" "--read --db"
	"$ISW" history --db "$rdb" -O csv "$PREFIX" | awk -F, 'NR > 1 { print $1 }' >"$WORK/read.hist.txt"
	e2e_same_set "$WORK/old.live" "$WORK/read.hist.txt" "history of the --read run"
}

check_killed() {
	local rc=0
	lab_all_alive 198.18.16.0/20
	lab_exec_scanner timeout -s KILL 3 "$ISW" -q -n -r 1000 -O csv -o "$WORK/killed.csv" \
		--db "$DB" 198.18.16.0/20 2>"$WORK/killed.err" || rc=$?
	[[ $rc -eq 137 ]] || e2e_fail "the killed sweep exited $rc: $(cat "$WORK/killed.err")"
	[[ $(sql "SELECT status FROM runs WHERE id = 3") == running ]] ||
		e2e_fail "run 3 is '$(sql 'SELECT status FROM runs WHERE id = 3')' before the next open"
	# Whole lines only: the last one may have been cut by the kill.
	local n_out n_db common
	awk -F, 'NR > 1 && NF >= 7 { print $1 }' "$WORK/killed.csv" >"$WORK/killed.out"
	sql "SELECT ip FROM results WHERE run_id = 3 ORDER BY rowid" >"$WORK/killed.db"
	n_out=$(wc -l <"$WORK/killed.out")
	n_db=$(wc -l <"$WORK/killed.db")
	((n_out >= 500)) || e2e_fail "only $n_out results before the kill"
	common=$((n_out < n_db ? n_out : n_db))
	cmp -s <(head -n "$common" "$WORK/killed.out") <(head -n "$common" "$WORK/killed.db") ||
		e2e_fail "the output and the database differ within their first $common results"
	((n_out - n_db <= 1000)) ||
		e2e_fail "the output has $((n_out - n_db)) results more than the database (more than a second's)"
	e2e_log "killed: $n_out results in the output, $n_db in the database, the same $common first"
	isw_sub history --db "$DB" --runs >"$WORK/runs.txt"
	grep -q "^3 .* interrupted " "$WORK/runs.txt" || e2e_fail "run 3 not marked interrupted: $(cat "$WORK/runs.txt")"
}

# A full filesystem: the run row fits, the results do not.
check_full_disk() {
	local mnt=$WORK/small
	mkdir -p "$mnt"
	mount -t tmpfs -o size=192k tmpfs "$mnt"
	lab_on_exit "umount '$mnt' 2>/dev/null || true"
	chmod 777 "$mnt"
	lab_all_alive 198.18.32.0/20
	e2e_sweep "$WORK/full.txt" "$WORK/full.err" -q -n -r 50k -c 0.5 --db "$mnt/full.db" 198.18.32.0/20
	e2e_expect_rc 1 "$WORK/full.err"
	grep -q -- "--db '$mnt/full.db': .*database or disk is full" "$WORK/full.err" ||
		e2e_fail "no message naming the file and the reason: $(cat "$WORK/full.err")"
	[[ $(wc -l <"$WORK/full.txt") -eq 4096 ]] || e2e_fail "the output lost results: $(wc -l <"$WORK/full.txt")"
	umount "$mnt"
}

main() {
	DB=$WORK/history.db
	two_sweeps
	check_db_diff
	check_history
	check_offline_map
	check_read_db
	check_killed
	check_full_disk
	e2e_pass "diff --db and history name exactly the changes; offline map = live map; a killed run is in the database and marked interrupted; a full disk exits 1"
}

main
