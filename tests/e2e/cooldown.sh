#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The default cooldown on a LAN, and the minimum drain of -c 0.
#  - An on-link /24 (ARP first) with 63 live hosts, default options: every host found, and
#    the whole run under 1.2 s (with the former fixed 2 s cooldown it took 2.7 s; nmap -sn -n
#    takes 1.5 s on such a segment).  The metadata's cooldown_auto is true.
#  - A routed all-alive /28 with -c 0: the answers already on their way when the last probe
#    left still count (50 ms drain), so every run finds all 16 (it used to find 0 or 16).
# ISW_COOLDOWN_PART=drain runs the second part alone.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
e2e_init "$@"

if [[ ${ISW_COOLDOWN_PART:-} != drain ]]; then
# On-link: 198.18.1.0/24 on both ends of the veth; the target owns .2 and .64-.125 (local
# routes answer ARP and ICMP alike).
ip -n "$LAB_SCAN" addr add 198.18.1.1/24 dev "$LAB_SCAN_IF"
ip -n "$LAB_TGT" addr add 198.18.1.2/24 dev "$LAB_TGT_IF"
ip -n "$LAB_TGT" route add local 198.18.1.64/27 dev lo
ip -n "$LAB_TGT" route add local 198.18.1.96/27 dev lo
{ echo 198.18.1.2; for ((i = 64; i < 128; i++)); do echo "198.18.1.$i"; done; } >"$WORK/want"
# .127 and .64 are inside the local /27 routes: the kernel answers for every address of them.
e2e_sweep "$WORK/out" "$WORK/err" -n -q -O csv --metadata "$WORK/meta" 198.18.1.0/24
e2e_expect_rc 0 "$WORK/err"
awk -F, 'NR > 1 && $2 == "echo-reply" { print $1 }' "$WORK/out" >"$WORK/got"
e2e_same_set "$WORK/want" "$WORK/got" "default LAN /24 sweep"
[[ $(e2e_json_get "$WORK/meta" cooldown_auto) == true ]] || e2e_fail "cooldown_auto is not the default"
dur=$(e2e_json_get "$WORK/meta" duration_s)
e2e_log "default LAN /24 sweep: $(wc -l <"$WORK/got") hosts in ${dur}s (run ${E2E_SECONDS}s)"
awk -v d="$dur" 'BEGIN { exit !(d < 1.2) }' ||
	e2e_fail "default LAN /24 sweep took ${dur}s; expected under 1.2 s"
fi

# -c 0 on a routed /28 where every address answers at once, sent as fast as possible: before
# the drain, about one run in five ended before any answer was read.
lab_all_alive 198.18.0.0/28
for ((run = 1; run <= 20; run++)); do
	e2e_sweep "$WORK/out0" "$WORK/err0" -n -q -c 0 -r 0 198.18.0.0/28
	e2e_expect_rc 0 "$WORK/err0"
	n=$(wc -l <"$WORK/out0")
	((n == 16)) || e2e_fail "-c 0 run $run: $n of 16 hosts (answers in flight at the last probe lost)"
done
e2e_pass "LAN /24 in ${dur:-(skipped) }s; -c 0 found 16 of 16 in 20 runs"
