# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with bench/run and the other files
# micro: the microbenchmarks of bench/micro (permutation, tags, probe patch, matcher,
# target-file loading).
scenario_register micro 0 "" ""
case $MODE in full) MICRO_SECONDS=0.5 ;; quick) MICRO_SECONDS=0.1 ;; *) MICRO_SECONDS=0.05 ;; esac

scenario_micro() {
	local mb="$BENCH_BUILD/micro" b
	mkdir -p "$mb"
	if ! { timeout 300 cmake -S "$BENCH_DIR" -B "$mb" -DCMAKE_BUILD_TYPE=Release &&
		timeout 300 cmake --build "$mb" -j "$(nproc)"; } >"$mb/bench-build.log" 2>&1; then
		tail -n 10 "$mb/bench-build.log" >&2
		log "[micro] build failed (log: $mb/bench-build.log)"
		record '{"scenario":"micro","tool":"icmpsweep","name":"all","status":"error","note":"build failed"}'
		return 0
	fi
	log "[micro] microbenchmarks (${MICRO_SECONDS}s per trial)"
	for b in permute tag probe match targets; do
		if over_budget; then
			record "{\"scenario\":\"micro\",\"tool\":\"icmpsweep\",\"name\":\"$b\",\"status\":\"skipped\"}"
			continue
		fi
		timeout 120 "$mb/micro_$b" --json --seconds "$MICRO_SECONDS" |
			"$PY" -c 'import json,sys
for l in sys.stdin:
    r = json.loads(l); r.update(scenario="micro", tool="icmpsweep", status="ok")
    print(json.dumps(r)); sys.stderr.write("  %-28s %12.0f %s/s\n" % (r["name"], r["ops_per_s"], r["unit"]))' \
			>>"$RUNS" ||
			record "{\"scenario\":\"micro\",\"tool\":\"icmpsweep\",\"name\":\"$b\",\"status\":\"error\"}"
	done
}
