#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs every libFuzzer harness (or the ones named) for SECONDS each, default 10: CI runs the
# default (about a minute in all); a campaign passes more, e.g. `tests/fuzz/run.sh 600`.
#
#   tests/fuzz/run.sh [SECONDS] [HARNESS...]
#
# Builds with clang into $FUZZ_BUILD_DIR (default build-fuzz, ASan + UBSan + coverage), runs
# each harness on a scratch copy of its seed corpus (tests/fuzz/corpus/NAME: the checked-in
# seeds stay small), and prints libFuzzer's final coverage (cov, ft) and execs/s per harness.
# A crash or a sanitizer report stops the run: the input is saved as
# $FUZZ_BUILD_DIR/artifacts/NAME/crash-*, reproducible with `$FUZZ_BUILD_DIR/fuzz/NAME FILE`;
# add it to tests/fuzz/corpus/NAME with the fix so it stays fixed.  FUZZ_JOBS=2 runs two
# harnesses at once.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-10}
shift || true
[[ $SECONDS_EACH =~ ^[0-9]+$ && $SECONDS_EACH -gt 0 ]] || {
	echo "usage: $0 [SECONDS] [HARNESS...]" >&2
	exit 2
}
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${FUZZ_JOBS:-1}
ALL=(fuzz_target_spec fuzz_target_file fuzz_match fuzz_arp fuzz_dns_ptr fuzz_trace)
HARNESSES=("$@")
((${#HARNESSES[@]})) || HARNESSES=("${ALL[@]}")

command -v clang >/dev/null || {
	echo "fuzz: clang not found (scripts/deps.sh installs it)" >&2
	exit 1
}
CC=clang cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DISW_FUZZ=ON \
	-DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target "${HARNESSES[@]}" >/dev/null

# run_one NAME: fuzz NAME for SECONDS_EACH; its log in $BUILD/fuzz-logs/NAME.log.
run_one() {
	local name=$1 work="$BUILD/fuzz-corpus/$1" art="$BUILD/artifacts/$1/" log="$BUILD/fuzz-logs/$1.log"
	mkdir -p "$work" "$art" "$(dirname "$log")"
	cp -n tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null || true
	# -rss_limit_mb / -timeout: a runaway input is a finding too.  No -max_len: libFuzzer
	# takes the largest seed (the trace fixture is 5 KB) or 4 KB.
	if ! "$BUILD/fuzz/$name" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
		-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$art" \
		"$work" >"$log" 2>&1; then
		echo "fuzz: $name FAILED; see $log and $art" >&2
		grep -E "ERROR|runtime error|invariant|SUMMARY|Test unit written" "$log" | head -n 10 >&2
		return 1
	fi
	local done_line execs
	done_line=$(grep -E "^#[0-9]+[[:space:]]+DONE" "$log" | tail -n 1)
	[[ -n $done_line ]] || done_line=$(grep -E "^#[0-9]+" "$log" | tail -n 1)
	execs=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$log")
	printf 'fuzz: %-17s %4ss  %s execs/s  %s\n' "$name" "$SECONDS_EACH" "${execs:-?}" \
		"$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+' <<<"$done_line")"
}

status=0
pids=()
for h in "${HARNESSES[@]}"; do
	run_one "$h" &
	pids+=($!)
	if ((${#pids[@]} >= JOBS)); then
		wait "${pids[0]}" || status=1
		pids=("${pids[@]:1}")
	fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
