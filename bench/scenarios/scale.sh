# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with bench/run and the other files
# scale: how icmpsweep's start and memory grow with the target set, its shards and -P.
#
#   - --dry-run of 0.0.0.0/0 (3.74 G addresses after the reserved ranges): time to the first
#     target and peak RSS, stopped after SCALE_DRY_S seconds; then shards 0/4096 (~0.9 M
#     targets) and 0/256 (~14.5 M, a /8's worth) of it, listed to the end.  A dry run builds
#     the same scan (permutation, per-target bitmaps, sender and capture threads) as a sweep,
#     with a transmit backend that prints instead of sending.
#   - real sweeps in the lab with the target dropping every probe: a /20 and the /15 at -P 1
#     and -P 4, and an all-alive /16 (every target answers: the result path and the answer
#     bitmaps are touched for every target).  Swept targets stay in 198.18.0.0/15 (the lab
#     rule), so the /0 shards are measured with --dry-run only.
# Peak RSS is VmHWM, sampled while the process runs, and ru_maxrss at its end (the larger).
scenario_register scale 18 "" ""
case $MODE in
full) SCALE_DRY_S=3 SCALE_BIG_SHARD=1 ;;
quick) SCALE_DRY_S=1 SCALE_BIG_SHARD=0 ;;
*) SCALE_DRY_S=0.5 SCALE_BIG_SHARD=0 ;;
esac
SCALE_SEED=20261205

scale_run() { # scale_run NAME TARGETS [--stop-after S] -- COMMAND...: one record
	local name=$1 targets=$2 rep
	shift 2
	for ((rep = 1; rep <= REPS; rep++)); do
		"$PY" "$LIB/scale.py" --name "$name" "$@" |
			"$PY" -c 'import json, sys
r = json.loads(sys.stdin.read()); r.update(scenario="scale", tool="icmpsweep", targets=int(sys.argv[1]), rep=int(sys.argv[2]))
print(json.dumps(r))
sys.stderr.write("  %-44s start %s s, wall %.2f s, peak RSS %.1f MiB%s\n" % (r["name"], r["start_s"], r["wall_s"], r["rss_mib"], "" if r["status"] == "ok" else " (" + r["status"] + ": " + r["note"] + ")"))' \
				"$targets" "$rep" >>"$RUNS" ||
			record "{\"scenario\":\"scale\",\"tool\":\"icmpsweep\",\"name\":\"$name\",\"status\":\"error\"}"
	done
}

scenario_scale() {
	local all=3741319168 # 0.0.0.0/0 less the reserved ranges icmpsweep leaves out
	log "[scale] --dry-run of 0.0.0.0/0 and its shards"
	scale_run "dry-run 0.0.0.0/0 (stopped after ${SCALE_DRY_S} s)" "$all" --stop-after "$SCALE_DRY_S" -- \
		"$ISW_BIN" --dry-run -n --seed "$SCALE_SEED" 0.0.0.0/0
	scale_run "dry-run 0.0.0.0/0 --shard 0/4096" $((all / 4096)) -- \
		"$ISW_BIN" --dry-run -n --seed "$SCALE_SEED" --shard 0/4096 0.0.0.0/0
	scale_run "dry-run 0.0.0.0/0 --shard 0/4096 -P 4" $((all / 4096)) -- \
		"$ISW_BIN" --dry-run -n -P 4 --seed "$SCALE_SEED" --shard 0/4096 0.0.0.0/0
	((SCALE_BIG_SHARD)) && scale_run "dry-run 0.0.0.0/0 --shard 0/256" $((all / 256)) -- \
		"$ISW_BIN" --dry-run -n --seed "$SCALE_SEED" --shard 0/256 0.0.0.0/0
	lab_up scale
	: >"$W/none.txt"
	lab_live_set "$W/none.txt"
	log "[scale] lab sweeps, the target drops everything"
	local net p
	for net in 198.18.0.0/20 198.18.0.0/15; do
		for p in 1 4; do
			[[ $net == 198.18.0.0/20 && $p == 4 ]] && continue
			scale_run "sweep $net, nothing answers, -P $p" "$(net_size "$net")" -- \
				ip netns exec "$LAB_SCAN" "$ISW_BIN" -n -q -r 0 -c 0 -P "$p" -o "$W/scale.out" "$net"
		done
	done
	log "[scale] lab sweep, all alive"
	lab_all_alive 198.18.0.0/16
	scale_run "sweep 198.18.0.0/16, all alive, -P 1" 65536 -- \
		ip netns exec "$LAB_SCAN" "$ISW_BIN" -n -q -r 0 -c 1 -o "$W/scale.out" 198.18.0.0/16
	lab_destroy
}
