#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tx_bench.sh: send rate of each transmit backend and of zmap in the lab's `drop` scenario (the
# target namespace blackholes 198.18.0.0/15, so every probe is sent and none answered).
#
#   bench/tx_bench.sh PATH-TO-ICMPSWEEP [PASSES] [BACKENDS...]
#
# Every run is bounded by `timeout`; everything happens in namespaces the lab creates and
# removes on exit.  Prints one line per run: tool, probes sent, seconds, probes/s, CPU seconds
# (user+sys) and CPU seconds per million probes.
#
# With BENCH_RPS=1, the target's receive processing (which otherwise runs in softirq on the
# sender's CPU, about half of that CPU at full speed) is steered to CPU 1 with RPS and every
# tool is pinned to CPU 0: the same for all tools, closer to a real link where the target is
# another machine.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../tests/lab/lab.sh
source "$BENCH_DIR/../tests/lab/lab.sh"

ISW=$(readlink -f "${1:?usage: $0 PATH-TO-ICMPSWEEP [PASSES] [BACKENDS...]}")
PASSES=${2:-10}
shift $(($# >= 2 ? 2 : 1))
BACKENDS=("$@")
((${#BACKENDS[@]})) || BACKENDS=(libnet ring xdp zmap)
RUN_TIMEOUT=${BENCH_RUN_TIMEOUT:-120}
PREFIX=198.18.0.0/15

lab_require_root
lab_create bench
ip -n "$LAB_TGT" route add blackhole "$PREFIX"
lab_static_neigh
MAC=$(lab_tgt_mac)
PIN=()
if [[ ${BENCH_RPS:-0} == 1 ]]; then
	lab_exec_target sh -c "echo 2 >/sys/class/net/$LAB_TGT_IF/queues/rx-0/rps_cpus"
	PIN=(taskset -c 0)
fi

# cpu_of FILE: user+sys seconds and peak RSS (KiB) from GNU time's "%U %S %M" (last line).
cpu_of() { awk 'END { printf "%.2f %d", $1 + $2, $3 }' "$1"; }

report() { # tool sent seconds "cpu rss"
	local cpu rss
	read -r cpu rss <<<"$4"
	awk -v t="$1" -v n="$2" -v s="$3" -v c="$cpu" -v m="$rss" 'BEGIN {
		printf "%-8s sent=%-9d secs=%-7.3f pps=%-9.0f cpu=%-6.2f cpu_s_per_M=%-5.2f rss_MiB=%.1f\n",
			t, n, s, (s > 0 ? n / s : 0), c, (n > 0 ? c * 1e6 / n : 0), m / 1024 }'
}

for b in "${BACKENDS[@]}"; do
	tx0=$(lab_scan_tx)
	if [[ $b == zmap ]]; then
		command -v zmap >/dev/null || { echo "zmap     (not installed)"; continue; }
		t0=$(date +%s.%N)
		lab_exec_scanner timeout -k 5 "$RUN_TIMEOUT" "${PIN[@]}" /usr/bin/time -f "%U %S %M" -o "$LAB_TMP/time" \
			zmap --probe-module=icmp_echoscan -r 0 -G "$MAC" -i "$LAB_SCAN_IF" -S "$LAB_SCAN_ADDR" \
			-c 0 -P "$PASSES" -o /dev/null -b /dev/null "$PREFIX" >"$LAB_TMP/zmap.log" 2>&1 || { echo "zmap failed: $(tail -c 300 "$LAB_TMP/zmap.log")"; }
		t1=$(date +%s.%N)
		sent=$(($(lab_scan_tx) - tx0))
		# Wall time of the whole run (start-up included) with no cooldown.
		secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
		report zmap "$sent" "$secs" "$(cpu_of "$LAB_TMP/time")"
		continue
	fi
	rc=0
	lab_exec_scanner timeout -k 5 "$RUN_TIMEOUT" "${PIN[@]}" /usr/bin/time -f "%U %S %M" -o "$LAB_TMP/time" \
		"$ISW" -q -n -r 0 -c 0 -P "$PASSES" --tx "$b" -G "$MAC" \
		--metadata "$LAB_TMP/meta.json" "$PREFIX" >/dev/null 2>"$LAB_TMP/err" || rc=$?
	if ((rc != 0)); then
		echo "$b: failed (exit $rc): $(head -c 300 "$LAB_TMP/err")"
		continue
	fi
	read -r sent secs < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["sent"], d["send_duration_s"])' "$LAB_TMP/meta.json")
	wire=$(($(lab_scan_tx) - tx0))
	report "$b" "$sent" "$secs" "$(cpu_of "$LAB_TMP/time")"
	((wire >= sent)) || echo "  warning: interface counted $wire frames, icmpsweep $sent"
done
