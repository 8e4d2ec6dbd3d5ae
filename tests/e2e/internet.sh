#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# An Internet-like path with default options: isw-responder (tests/lab/isw-responder.c) answers
# a seeded live set of 198.18.0.0/19 (two fifths of it) behind a TUN device after per-host RTTs
# of 10 ms to 3 s, with loss and duplicates.  The sweep (about 0.8 s at the default rate, so
# shorter than the RTT tail) must find every host the responder answers every time
# ("reliable" in its ground truth; recall >= 0.999 of them), report nothing else, each host
# once, and end well before a fixed 8 s cooldown would.  Lossy hosts are counted for the log
# only: their answers are random.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
e2e_init "$@"
RSP=${ISW_RESPONDER:-$BUILD_DIR/tests/isw-responder}
[[ -x $RSP ]] || e2e_fail "responder $RSP not built"

NET=198.18.0.0/19
lab_internet "$RSP" "$WORK/truth" --live 0.4 --lossy 0.1 --loss 0.3 --dup 0.01 \
	--seed "$E2E_SEED" --seconds 120
# The /19 is 198.18.0.0 - 198.18.31.255.
in_net() { awk '{ split($1, o, "."); if (o[1] == 198 && o[2] == 18 && o[3] < 32) print }' "$@"; }
in_net "$WORK/truth" | awk '$3 == "reliable" { print $1 }' >"$WORK/reliable"
in_net "$WORK/truth" | awk '{ print $1 }' >"$WORK/live"
nrel=$(wc -l <"$WORK/reliable")
((nrel > 2000)) || e2e_fail "ground truth has only $nrel reliable hosts in $NET"

e2e_sweep "$WORK/out" "$WORK/err" -n --seed 7 -q --metadata "$WORK/meta" "$NET"
e2e_expect_rc 0 "$WORK/err"
awk '{ print $1 }' "$WORK/out" >"$WORK/got"
# The lab itself must lose nothing but what the responder loses on purpose.
[[ $(lab_internet_dropped) -eq 0 ]] || e2e_fail "the lab dropped $(lab_internet_dropped) probes (TUN queue)"
e2e_no_duplicates "$WORK/got" "default sweep"
extra=$(e2e_count_extra "$WORK/live" "$WORK/got")
((extra == 0)) || e2e_fail "$extra reported hosts are not live in the responder's ground truth"
missing=$(e2e_count_missing "$WORK/reliable" "$WORK/got")
recall=$(awk -v m="$missing" -v n="$nrel" 'BEGIN { printf "%.4f", 1 - m / n }')
lossy_found=$(($(wc -l <"$WORK/got") - nrel + missing))
send_s=$(e2e_json_get "$WORK/meta" send_duration_s)
dur_s=$(e2e_json_get "$WORK/meta" duration_s)
cool_s=$(awk -v a="$dur_s" -v b="$send_s" 'BEGIN { printf "%.2f", a - b }')
e2e_log "recall $recall ($missing of $nrel reliable hosts missing), $lossy_found of" \
	"$(($(wc -l <"$WORK/live") - nrel)) lossy hosts found; sent for ${send_s}s, listened" \
	"${cool_s}s more (the run took ${E2E_SECONDS}s)"
awk -v r="$recall" 'BEGIN { exit !(r >= 0.999) }' ||
	e2e_fail "recall $recall < 0.999: missing e.g. $(comm -23 <(sort "$WORK/reliable") <(sort "$WORK/got") | head -n 5 | tr '\n' ' ')"
# The longest RTT is 3 s: a cooldown of 8 s (zmap's) or more would be a fixed wait, not a
# judgement from the answers.
awk -v c="$cool_s" 'BEGIN { exit !(c < 7.0) }' ||
	e2e_fail "cooldown ${cool_s}s after the last probe; expected under 7 s"
lab_internet_stop
e2e_pass "recall $recall, cooldown ${cool_s}s"
