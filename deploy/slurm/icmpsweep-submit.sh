#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Submits one sharded icmpsweep sweep to Slurm: a job array of N shards
# (icmpsweep-array.sbatch) and a merge job (icmpsweep-merge.sbatch) that starts once every
# shard has succeeded (--dependency=afterok; if a shard fails, Slurm cancels the merge).
#
#   icmpsweep-submit.sh [-n SHARDS] [-p PARALLEL] [-s SEED] [-d DIR] [--] ICMPSWEEP-ARGS...
#
#   -n SHARDS    array tasks = shards (default 4)
#   -p PARALLEL  at most this many shards running at once (sbatch --array=...%PARALLEL)
#   -s SEED      the sweep's seed (default: a random one, printed)
#   -d DIR       results directory, shared by the nodes (default ./out): shard-I.csv,
#                shard-I.json, shard-I.log, then merged.csv, merged.json, merge.log
#
# Other sbatch settings come from sbatch's own environment (SBATCH_PARTITION,
# SBATCH_ACCOUNT, SBATCH_TIMELIMIT, ...).  Prints "ARRAY_JOB_ID MERGE_JOB_ID" on stdout.
set -euo pipefail

usage() {
	echo "usage: $0 [-n SHARDS] [-p PARALLEL] [-s SEED] [-d DIR] [--] ICMPSWEEP-ARGS..." >&2
	exit 2
}
bad() {
	echo "icmpsweep-submit.sh: $*" >&2
	exit 2
}

shards=4 parallel='' seed='' dir=out
while getopts "n:p:s:d:h" opt; do
	case $opt in
	n) shards=$OPTARG ;;
	p) parallel=$OPTARG ;;
	s) seed=$OPTARG ;;
	d) dir=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[[ $shards =~ ^[1-9][0-9]{0,5}$ ]] || bad "-n '$shards': the shard count must be a number from 1"
[[ -z $parallel || $parallel =~ ^[1-9][0-9]{0,5}$ ]] || bad "-p '$parallel': must be a number from 1"
if [[ -z $seed ]]; then
	seed=$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')
fi
[[ $seed =~ ^[0-9]+$ ]] || bad "-s '$seed': the seed must be a decimal number"
(($# > 0)) || bad "no targets (icmpsweep's options and targets go after the options above)"
command -v sbatch >/dev/null || bad "sbatch not found: run this on a Slurm submit host"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if compgen -G "$dir/shard-*" >/dev/null || [[ -e $dir/merged.csv ]]; then
	bad "-d '$dir' holds an earlier sweep's results (shard-*, merged.csv): merge would mix them; use an empty directory"
fi

export ISW_SEED=$seed ISW_OUT=$dir
# The array is the whole sweep: --shard auto (ISW_SHARDS is for re-running single shards).
unset ISW_SHARDS
array=$(sbatch --parsable --array="0-$((shards - 1))${parallel:+%$parallel}" \
	--output="$dir/shard-%a.log" "$here/icmpsweep-array.sbatch" "$@")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
	--output="$dir/merge.log" "$here/icmpsweep-merge.sbatch")
merge=${merge%%;*}
echo "icmpsweep-submit.sh: seed $seed, $shards shards as job array $array, merge job $merge; results in $dir/merged.csv" >&2
echo "$array $merge"
