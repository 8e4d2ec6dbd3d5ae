# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with bench/run and the other files
# dbmap: what --db and --map cost a sweep.  Every address of the prefix answers; icmpsweep at
# its default rate (10k/s) with and without `--db FILE --map FILE.png`, 3 runs each: recall
# and wall time must be the same (the history's writer thread and the map never hold up the
# sweep).
scenario_register dbmap 35 "dbmap: every address answers; icmpsweep at its default rate with and without --db and --map" \
	"tool,rate,wall,recall,precision,cpu,rss,drops" "icmpsweep"
case $MODE in
full) DBMAP_NET=198.18.0.0/16 DBMAP_REPS=3 ;;
quick) DBMAP_NET=198.18.0.0/18 DBMAP_REPS=3 ;;
smoke) DBMAP_NET=198.18.0.0/22 DBMAP_REPS=1 ;;
esac
DBMAP_RATE=10000 # icmpsweep's default -r
DBMAP_VARIANT="--db --map"
meta_line "dbmap_net=$DBMAP_NET" "dbmap_rate=$DBMAP_RATE" "dbmap_reps=$DBMAP_REPS"

# The variant's files are per run ($p.db, $p.png): run_tool removes "$p".* afterwards, the
# database's -wal and -shm files with it, so every run starts with a new database.
tool_cmd_dbmap() {
	local p=$6
	# shellcheck disable=SC2154 # variant is run_tool's local, seen here by dynamic scope
	if [[ $variant == "$DBMAP_VARIANT" ]]; then
		VARIANT_ARGS=(--db "$p.db" --map "$p.png")
	fi
	tool_cmd "$@"
}

scenario_dbmap() {
	local rep
	lab_up dbmap
	SWEEP=$DBMAP_NET TARGETS=$(net_size "$DBMAP_NET") TRUTH_FILE='' TRUTH_CIDR=$DBMAP_NET NAMES_FILE=''
	lab_all_alive "$DBMAP_NET"
	targets_files "$SWEEP" 1
	# Alternating, so that neither variant always runs on a warmer machine.
	for ((rep = 1; rep <= DBMAP_REPS; rep++)); do
		log "[dbmap] rate=$DBMAP_RATE rep $rep/$DBMAP_REPS"
		if ((rep % 2)); then
			run_tool icmpsweep dbmap "$DBMAP_RATE" 1 "$rep"
			run_tool icmpsweep dbmap "$DBMAP_RATE" 1 "$rep" "$DBMAP_VARIANT"
		else
			run_tool icmpsweep dbmap "$DBMAP_RATE" 1 "$rep" "$DBMAP_VARIANT"
			run_tool icmpsweep dbmap "$DBMAP_RATE" 1 "$rep"
		fi
	done
	lab_destroy
}
