#!/usr/bin/env bash
# fping-chunks.sh CHUNKDIR FPING-ARGS...: run `fping FPING-ARGS -f CHUNK` for every file of
# CHUNKDIR (sorted), one after another, results on stdout.
#
# fping 5.1 keeps every probe in a 65535-entry sequence map for 10 s, so one process cannot
# have more than 65535 probes outstanding: larger sweeps fail with "not enough sequence
# numbers available".  bench/run therefore feeds fping chunks small enough for that map.
# Exit status: 0 when every chunk exited 0 or 1 (1 = some targets unreachable), else the
# first other status.
set -u
dir=$1
shift
status=0
n=0
for f in "$dir"/chunk.*; do
	[[ -f $f ]] || continue
	((n++ < 256)) || break # bounded: bench/run writes at most a few dozen chunks
	fping "$@" -f "$f"
	rc=$?
	if ((rc > 1 && status == 0)); then status=$rc; fi
done
exit $status
