#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# fping-chunks.sh [-j N] CHUNKDIR FPING-ARGS...: run `fping FPING-ARGS -f CHUNK` for every
# file of CHUNKDIR (sorted), up to N processes at a time (default 1), results on stdout.
#
# fping 5.1 keeps every probe in a 65535-entry sequence map for 10 s, so one process cannot
# have more than 65535 probes outstanding: larger sweeps fail with "not enough sequence
# numbers available".  bench/run therefore feeds fping chunks small enough for that map, and
# runs one per CPU at once (each process has its own sequence space), as a user who knows
# fping would.  Each process writes to its own file; they are printed when all are done.
# Exit status: 0 when every chunk exited 0 or 1 (1 = some targets unreachable), else the
# first other status.
set -u
jobs=1
if [[ ${1:-} == -j ]]; then
	jobs=${2:?}
	shift 2
fi
dir=$1
shift
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fping-chunks.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'kill $(jobs -p) 2>/dev/null; exit 143' TERM INT
declare -A chunk_of=()
status=0
n=0
reap() { # wait for one process, note its status
	local pid rc
	wait -n -p pid
	rc=$?
	[[ -n ${pid:-} ]] || return 0
	unset "chunk_of[$pid]"
	if ((rc > 1 && status == 0)); then status=$rc; fi
}
for f in "$dir"/chunk.*; do
	[[ -f $f ]] || continue
	((n++ < 4096)) || break # bounded: bench/run writes at most a few thousand chunks
	while ((${#chunk_of[@]} >= jobs)); do reap; done
	fping "$@" -f "$f" >"$tmp/${f##*/}.out" &
	chunk_of[$!]=$f
done
while ((${#chunk_of[@]})); do reap; done
cat "$tmp"/*.out 2>/dev/null
exit $status
