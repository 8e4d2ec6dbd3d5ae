#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Quick start, first command: install dependencies, build, then sweep.
#
#   scripts/demo.sh                 build a lab network in namespaces and sweep it
#   scripts/demo.sh [OPTIONS] TARGET...   sweep what you name, with icmpsweep's options
#
# The lab: a scanner namespace and a target namespace joined by a veth pair; the target
# answers for 1,000 random addresses of 198.18.0.0/16 (the benchmarking range).  Nothing
# leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh >/dev/null
BIN=$PWD/${BUILD_DIR:-build}/icmpsweep

if (($#)); then
	exec "$BIN" "$@"
fi

# shellcheck source=../tests/lab/lab.sh
source tests/lab/lab.sh
lab_require_root
lab_create demo
live="$LAB_TMP/live.txt"
lab_random_live_set 1000 198.18.0.0/16 "$live" "$RANDOM"
lab_live_set "$live"
echo "demo: lab ready; the target namespace answers for $(wc -l <"$live") addresses of 198.18.0.0/16" >&2
echo "demo: icmpsweep -n -r 20k -O csv 198.18.0.0/16 (in the scanner namespace; -n: the lab has no DNS)" >&2
lab_exec_scanner "$BIN" -n -r 20k -c 1 -O csv -o "$LAB_TMP/hits.csv" --metadata "$LAB_TMP/meta.json" 198.18.0.0/16
head -n 11 "$LAB_TMP/hits.csv"
echo "..."
found=$(($(wc -l <"$LAB_TMP/hits.csv") - 1))
cut -d, -f1 "$LAB_TMP/hits.csv" | tail -n +2 | sort >"$LAB_TMP/found.txt"
sort "$live" >"$LAB_TMP/truth.txt"
if cmp -s "$LAB_TMP/found.txt" "$LAB_TMP/truth.txt"; then
	echo "demo: found $found live hosts: exactly the lab's live set" >&2
else
	echo "demo: found $found hosts, but the lab has $(wc -l <"$live"): see diff" >&2
	diff "$LAB_TMP/truth.txt" "$LAB_TMP/found.txt" | head >&2
	exit 1
fi
