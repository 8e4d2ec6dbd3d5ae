#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# deploy/k8s without a cluster: the pods of the Indexed Job run as the manifests define them,
# in the lab.  From shards-job.yaml: the container's argv (its $(VAR)s expanded, the targets
# as written: the benchmarking /15, which the lab routes), JOB_COMPLETION_INDEX per pod, the
# capabilities (all dropped, the added ones kept: setpriv's bounding set, as root), no
# new privileges, all completions at once in one host network (the scanner namespace, as
# pods of one node share it), the results volume a directory.  Then merge-job.yaml's command
# with no capability.  The merged result is exactly the live set, one probe per target on
# the wire.  A pod with NET_RAW alone exits 1 (icmpsweep cannot give up root) and sends
# nothing; with --user root it sweeps.  What a cluster adds (image, scheduling, the volume,
# the Job controller) is not run here.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
K8S_DIR=$(cd "$E2E_DIR/../../deploy/k8s" && pwd)
CHECK=$E2E_DIR/../deploy/check_k8s_manifests.py
E2E_TAG=k8s e2e_init "$@"

PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3
$PY -c 'import kubernetes, yaml' 2>/dev/null || lab_skip "python3-kubernetes and python3-yaml not installed"
lab_require_cmd setpriv jq nft

LIVE=2500
RESULTS=$WORK/results # the volume

plan() { $PY "$CHECK" --pod "$1" "$K8S_DIR"; }

# pod_argv PLAN INDEX: the pod's argv, one per line, with the volume and the index filled in.
pod_argv() {
	jq -r '.argv[]' <<<"$1" | sed -e "s|\$(SHARD_INDEX)|$2|g" -e "s|\$(JOB_COMPLETION_INDEX)|$2|g" \
		-e "s|/results|$RESULTS|g"
}

# bounding PLAN: setpriv's --bounding-set for the container's capabilities.
bounding() {
	jq -r 'if (.caps_drop | index("ALL")) then "-all" + ([.caps_add[] | ",+" + ascii_downcase] | join("")) else error("the pod does not drop ALL") end' <<<"$1"
}

# run_pod PLAN INDEX BOUNDING OUT ERR [EXTRA-ARGS...]: one pod, in the scanner namespace.
run_pod() {
	local plan=$1 idx=$2 bs=$3 out=$4 err=$5 nnp=()
	shift 5
	local -a argv
	mapfile -t argv < <(pod_argv "$plan" "$idx")
	# The image's icmpsweep is ours; the shell of the merge finds it on PATH.
	[[ ${argv[0]} == icmpsweep ]] && argv[0]=$ISW
	[[ $(jq -r .no_new_privs <<<"$plan") == true ]] && nnp=(--no-new-privs)
	lab_exec_scanner env PATH="$WORK/bin:$PATH" JOB_COMPLETION_INDEX="$idx" \
		timeout -k 5 "$E2E_RUN_TIMEOUT" setpriv --bounding-set="$bs" --inh-caps=-all "${nnp[@]}" \
		"${argv[@]}" "$@" >"$out" 2>"$err"
}

main() {
	local shards merge n par bs i pids=() rc before after
	shards=$(plan shards) || e2e_fail "no shards Job in deploy/k8s"
	merge=$(plan merge) || e2e_fail "no merge Job in deploy/k8s"
	n=$(jq -r .completions <<<"$shards")
	par=$(jq -r .parallelism <<<"$shards")
	bs=$(bounding "$shards")
	[[ $(jq -r .host_network <<<"$shards") == true ]] || e2e_fail "the shards' pods are not on the host network"
	[[ $(jq -r '.mounts[0]' <<<"$shards") == /results ]] || e2e_fail "the shards' volume is not at /results"
	[[ $(pod_argv "$shards" 0 | tail -n 1) == 198.18.0.0/15 ]] ||
		e2e_fail "shards-job.yaml no longer sweeps 198.18.0.0/15: this test runs its argv in the lab"
	((par == n)) || e2e_fail "parallelism $par != completions $n: this test runs all pods at once"
	mkdir -p "$RESULTS" "$WORK/bin"
	ln -s "$ISW" "$WORK/bin/icmpsweep"

	lab_random_live_set "$LIVE" 198.18.0.0/15 "$WORK/live" "$E2E_SEED"
	lab_live_set "$WORK/live"
	lab_count_start

	# A pod with NET_RAW alone: icmpsweep cannot give up root, says so, sends nothing.
	before=$(lab_counter probes_in)
	rc=0
	run_pod "$shards" 0 -all,+net_raw "$WORK/raw.out" "$WORK/raw.err" || rc=$?
	if [[ $rc -ne 1 ]] || ! grep -q "dropping privileges" "$WORK/raw.err"; then
		e2e_fail "a pod with NET_RAW alone exited $rc, expected 1 (dropping privileges): $(cat "$WORK/raw.err")"
	fi
	[[ $(lab_counter probes_in) -eq $before ]] || e2e_fail "the pod that could not drop root sent probes"
	rm -f "$RESULTS"/*

	# All pods at once, as the Job runs them.
	local t0=$SECONDS
	before=$(lab_counter probes_in)
	for ((i = 0; i < n; i++)); do
		run_pod "$shards" "$i" "$bs" "$WORK/pod.$i.out" "$WORK/pod.$i.err" &
		pids+=($!)
	done
	for ((i = 0; i < n; i++)); do
		rc=0
		wait "${pids[i]}" || rc=$?
		[[ $rc -eq 0 ]] || e2e_fail "pod $i of $n (capabilities $bs) exited $rc: $(cat "$WORK/pod.$i.err")"
	done
	after=$(lab_counter probes_in)
	e2e_log "$n pods with capabilities $bs done in $((SECONDS - t0)) s"

	rc=0
	run_pod "$merge" 0 "$(bounding "$merge")" "$WORK/merge.out" "$WORK/merge.err" || rc=$?
	[[ $rc -eq 0 ]] || e2e_fail "the merge pod exited $rc: $(cat "$WORK/merge.err")"
	tail -n +2 "$RESULTS/merged.csv" | cut -d, -f1 >"$WORK/merged.txt"
	e2e_no_duplicates "$WORK/merged.txt" "merged result"
	e2e_same_set "$WORK/live" "$WORK/merged.txt" "merge of the $n pods"
	local targets sent
	targets=$(e2e_meta_int "$RESULTS/merged.json" targets)
	sent=$(e2e_meta_int "$RESULTS/merged.json" sent)
	[[ $targets -eq 131072 ]] || e2e_fail "merged targets=$targets, expected 131072"
	[[ $((after - before)) -eq $targets && $sent -eq $targets ]] ||
		e2e_fail "the target counted $((after - before)) probes, the metadata says $sent, for $targets targets (one each)"
	for ((i = 0; i < n; i++)); do
		grep -q "\"source\": \"kubernetes\"" "$RESULTS/shard-$i.json" ||
			e2e_fail "pod $i did not take its shard from JOB_COMPLETION_INDEX: $(grep shard "$RESULTS/shard-$i.json")"
	done

	# The README's alternative: NET_RAW alone and --user root.
	rm -f "$RESULTS"/*
	rc=0
	run_pod "$shards" 1 -all,+net_raw "$WORK/ur.out" "$WORK/ur.err" --user root || rc=$?
	[[ $rc -eq 0 ]] || e2e_fail "a pod with NET_RAW alone and --user root exited $rc: $(cat "$WORK/ur.err")"
	[[ $(e2e_meta_int "$RESULTS/shard-1.json" hits) -gt 0 ]] || e2e_fail "the --user root pod found nothing"
	e2e_pass "the $n pods of shards-job.yaml (capabilities $bs) and merge-job.yaml: exactly the $LIVE live hosts, one probe per target; NET_RAW alone needs --user root"
}

main
