#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# deploy/slurm on a real (single-machine) Slurm cluster: icmpsweep-submit.sh submits a job
# array of 4 shards of the lab's /15 (each task sweeping from the scanner namespace) and the
# dependent merge job; the merged result is exactly the ground-truth live set, the merged
# metadata names 4 shards read from Slurm's variables, and the target's nftables counter saw
# exactly one probe per target per pass over all shards.  One shard re-run alone and merged
# again gives the same.  A sweep whose shards fail leaves
# the tasks FAILED and the merge job cancelled, not pending.  Bad submit arguments: exit 2,
# nothing submitted.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
# shellcheck source=../lab/slurm.sh
source "$E2E_DIR/../lab/slurm.sh"
DEPLOY=$(cd "$E2E_DIR/../../deploy/slurm" && pwd)
E2E_TAG=slurm e2e_init "$@"

PREFIX=198.18.0.0/15
TARGETS=131072
LIVE=3000
SHARDS=4
# Per shard; the 4 shards run at once on this machine.
RATE=30k
SEED=777

# submit DIR ARGS...: icmpsweep-submit.sh with DIR, from $WORK; sets ARRAY and MERGE.
submit() {
	local dir=$1 ids
	shift
	ids=$(cd "$WORK" && ISW_NETNS=$LAB_SCAN ICMPSWEEP=$ISW \
		"$DEPLOY/icmpsweep-submit.sh" -n "$SHARDS" -s "$SEED" -d "$dir" -- "$@" 2>"$WORK/submit.err") ||
		e2e_fail "icmpsweep-submit.sh exited $?: $(cat "$WORK/submit.err")"
	read -r ARRAY MERGE <<<"$ids"
	[[ $ARRAY =~ ^[0-9]+$ && $MERGE =~ ^[0-9]+$ ]] || e2e_fail "icmpsweep-submit.sh printed '$ids', expected two job ids"
}

sweep_on_slurm() {
	local t0=$SECONDS before after i src
	before=$(lab_counter probes_in)
	submit "$WORK/out" -r "$RATE" -c 1 -P 2 "$PREFIX"
	slurm_wait_job "$ARRAY" 60 || e2e_fail "array job $ARRAY did not complete: $(tail -n 5 "$WORK"/out/shard-*.log)"
	slurm_wait_job "$MERGE" 30 || e2e_fail "merge job $MERGE did not complete: $(cat "$WORK/out/merge.log")"
	after=$(lab_counter probes_in)
	e2e_log "array of $SHARDS shards and merge done in $((SECONDS - t0)) s"

	for ((i = 0; i < SHARDS; i++)); do
		[[ -s $WORK/out/shard-$i.json ]] || e2e_fail "shard $i wrote no metadata; log: $(cat "$WORK/out/shard-$i.log")"
		src=$(e2e_json_get "$WORK/out/shard-$i.json" shard)
		[[ $src == *'"index": '$i,*'"count": '$SHARDS,*'"source": "slurm-array"'* ]] ||
			e2e_fail "shard $i's metadata says shard $src, expected index $i of $SHARDS from slurm-array"
	done
	local merged=$WORK/out/merged.csv meta=$WORK/out/merged.json
	[[ -s $merged ]] || e2e_fail "the merge job wrote no $merged: $(cat "$WORK/out/merge.log")"
	tail -n +2 "$merged" | cut -d, -f1 >"$WORK/merged.txt"
	e2e_no_duplicates "$WORK/merged.txt" "merged result"
	e2e_same_set "$WORK/live" "$WORK/merged.txt" "merged result of the Slurm array"

	local targets hits sent want
	targets=$(e2e_meta_int "$meta" targets)
	hits=$(e2e_meta_int "$meta" hits)
	sent=$(e2e_meta_int "$meta" sent)
	[[ $targets -eq $TARGETS ]] || e2e_fail "merged metadata: targets=$targets, expected $TARGETS"
	[[ $hits -eq $LIVE ]] || e2e_fail "merged metadata: hits=$hits, expected $LIVE"
	# Pass 1 probes every target once, pass 2 every silent one once, over all shards.
	want=$((TARGETS + TARGETS - LIVE))
	[[ $((after - before)) -eq $want ]] ||
		e2e_fail "the target counted $((after - before)) probes over $SHARDS shards, expected $want (one per target per pass)"
	[[ $sent -eq $want ]] || e2e_fail "merged metadata: sent=$sent, the target counted $want"
	e2e_log "merged: the $LIVE live hosts exactly; $want probes on the wire for $TARGETS targets, 2 passes"
}

# The README's recovery: shard 2 lost, re-run alone (ISW_SHARDS=4, --array=2) into the same
# directory, merged again by hand: the same probes on the wire, the same merged result.
rerun_one_shard() {
	local before after sent_then sent_now job
	sent_then=$(e2e_meta_int "$WORK/out/shard-2.json" sent)
	rm -f "$WORK"/out/shard-2.* "$WORK"/out/merged.*
	before=$(lab_counter probes_in)
	job=$(cd "$WORK" && ISW_SEED=$SEED ISW_OUT=$WORK/out ISW_SHARDS=$SHARDS ISW_NETNS=$LAB_SCAN \
		ICMPSWEEP=$ISW sbatch --parsable --array=2 --output="$WORK/out/shard-%a.log" \
		"$DEPLOY/icmpsweep-array.sbatch" -r "$RATE" -c 1 -P 2 "$PREFIX") || e2e_fail "sbatch of shard 2 failed"
	slurm_wait_job "${job%%;*}" 30 || e2e_fail "re-run of shard 2 failed: $(cat "$WORK/out/shard-2.log")"
	after=$(lab_counter probes_in)
	sent_now=$(e2e_meta_int "$WORK/out/shard-2.json" sent)
	[[ $sent_now -eq $sent_then && $((after - before)) -eq $sent_now ]] ||
		e2e_fail "shard 2 re-run: sent $sent_now (first run $sent_then), the target counted $((after - before))"
	job=$(cd "$WORK" && ISW_OUT=$WORK/out ICMPSWEEP=$ISW sbatch --parsable \
		--output="$WORK/out/merge.log" "$DEPLOY/icmpsweep-merge.sbatch") || e2e_fail "sbatch of the merge failed"
	slurm_wait_job "${job%%;*}" 30 || e2e_fail "merge after the re-run failed: $(cat "$WORK/out/merge.log")"
	tail -n +2 "$WORK/out/merged.csv" | cut -d, -f1 >"$WORK/merged.txt"
	e2e_same_set "$WORK/live" "$WORK/merged.txt" "merged result after re-running shard 2"
	e2e_log "shard 2 re-run alone: the same $sent_now probes; merged again into the live set"
}

# Shards that fail (a bad rate: exit 2 in every task): the tasks end FAILED and Slurm
# cancels the merge (afterok, --kill-on-invalid-dep) instead of leaving it pending.
failing_shards() {
	local before state
	before=$(lab_counter probes_in)
	submit "$WORK/bad" -r 12q "$PREFIX"
	if slurm_wait_job "$ARRAY" 30 2>/dev/null; then
		e2e_fail "array $ARRAY with a bad rate completed"
	fi
	[[ $(slurm_job_state "$ARRAY" | sort -u) == FAILED ]] ||
		e2e_fail "array $ARRAY with a bad rate ended $(slurm_job_state "$ARRAY" | tr '\n' ' '), expected FAILED"
	grep -q "12q" "$WORK/bad/shard-0.log" || e2e_fail "shard 0's log does not name the bad rate: $(cat "$WORK/bad/shard-0.log")"
	local deadline=$((SECONDS + 20))
	until state=$(slurm_job_state "$MERGE") && [[ $state == CANCELLED ]]; do
		((SECONDS < deadline)) || e2e_fail "merge job $MERGE behind failed shards is '$state', expected CANCELLED"
		sleep 0.25
	done
	[[ ! -e $WORK/bad/merged.csv ]] || e2e_fail "a merge ran behind failed shards"
	[[ $(lab_counter probes_in) -eq $before ]] || e2e_fail "shards with a bad rate sent probes"
	e2e_log "failed shards: tasks FAILED, merge job cancelled, nothing sent"
}

bad_submits() {
	local args rc
	for args in "-n 0" "-n x" "-p 0" "-s -5" "-s 12a" ""; do
		rc=0
		# shellcheck disable=SC2086 # $args is several words
		(cd "$WORK" && "$DEPLOY/icmpsweep-submit.sh" $args -d "$WORK/never" ${args:+"$PREFIX"}) \
			>"$WORK/bs.out" 2>"$WORK/bs.err" || rc=$?
		[[ $rc -eq 2 ]] || e2e_fail "icmpsweep-submit.sh $args exited $rc, expected 2: $(cat "$WORK/bs.err")"
		[[ $(wc -l <"$WORK/bs.err") -eq 1 && ! -s $WORK/bs.out ]] ||
			e2e_fail "icmpsweep-submit.sh $args: not one line of error: $(cat "$WORK/bs.err" "$WORK/bs.out")"
	done
	# A directory with an earlier sweep in it is refused: merge would mix the two.
	rc=0
	(cd "$WORK" && "$DEPLOY/icmpsweep-submit.sh" -d "$WORK/out" "$PREFIX") 2>"$WORK/bs.err" || rc=$?
	if [[ $rc -ne 2 ]] || ! grep -q "earlier sweep" "$WORK/bs.err"; then
		e2e_fail "icmpsweep-submit.sh into a used directory exited $rc: $(cat "$WORK/bs.err")"
	fi
	[[ -z $(squeue -h -t pending,running -o %i) ]] || e2e_fail "a refused submit left jobs: $(squeue)"
	e2e_log "bad submit arguments: exit 2, one line, nothing submitted"
}

main() {
	lab_require_cmd nft
	slurm_start
	lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live" "$E2E_SEED"
	lab_live_set "$WORK/live"
	lab_count_start
	sweep_on_slurm
	rerun_one_shard
	bad_submits
	failing_shards
	e2e_pass "$SHARDS shards of $PREFIX as a Slurm job array, merged by the dependent job into exactly the live set, one probe per target per pass"
}

main
