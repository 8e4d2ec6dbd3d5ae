#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# --map: a sweep of a lab /16 with a known live set (scattered hosts, a full /24, sixteen /24s
# at rising densities, one /24 excluded) drawn as PNG; every label-free cell of the image has
# the colour the ground truth gives it (tests/e2e/map_check.py), by share and by RTT.  A map
# that cannot be written is reported with its file and reason, exit status 1.
# ISW_MAP_EXAMPLE=FILE keeps the share map (docs/map-example.png is made so).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=map e2e_init "$@"
lab_require_cmd python3

PREFIX=198.18.0.0/16
EXCLUDED=198.18.255.0/24
RATE=50k

# The live set: 1500 scattered hosts, all of 198.18.7.0/24, and in 198.18.(32+j).0/24 16*j
# hosts (j = 0..15): every share of live hosts from none to nearly all.
live_set() {
	lab_random_live_set 1500 "$PREFIX" "$WORK/scattered.txt" "$E2E_SEED"
	{
		cat "$WORK/scattered.txt"
		e2e_cidr_list 198.18.7.0/24
		awk 'BEGIN { for (j = 0; j < 16; j++) for (k = 0; k < 256; k++)
			if ((k * 97) % 256 < 16 * j) printf "198.18.%d.%d\n", 32 + j, k }'
	} | grep -v '^198\.18\.255\.' | LC_ALL=C sort -u >"$WORK/live.txt"
}

main() {
	live_set
	lab_live_set "$WORK/live.txt"

	e2e_sweep "$WORK/out.txt" "$WORK/err.txt" -q -n -r "$RATE" -c 2 -x "$EXCLUDED" \
		--map "$WORK/map.png" "$PREFIX"
	e2e_expect_rc 0 "$WORK/err.txt"
	e2e_same_set "$WORK/live.txt" "$WORK/out.txt" "sweep of $PREFIX"
	python3 "$E2E_DIR/map_check.py" "$WORK/map.png" "$WORK/live.txt" "$EXCLUDED" alive ||
		e2e_fail "the share map is wrong"
	[[ -z ${ISW_MAP_EXAMPLE:-} ]] || cp "$WORK/map.png" "$ISW_MAP_EXAMPLE"

	e2e_sweep "$WORK/out2.txt" "$WORK/err2.txt" -q -n -r "$RATE" -c 2 -x "$EXCLUDED" \
		--map "$WORK/rtt.png" --map-by rtt "$PREFIX"
	e2e_expect_rc 0 "$WORK/err2.txt"
	python3 "$E2E_DIR/map_check.py" "$WORK/rtt.png" "$WORK/out2.txt" "$EXCLUDED" rtt ||
		e2e_fail "the RTT map is wrong"

	# A full disk: the sweep's results are whole, the map is not: exit 1, file and reason.
	e2e_sweep "$WORK/out3.txt" "$WORK/err3.txt" -q -n -r "$RATE" -c 1 --map /dev/full \
		198.18.7.0/24
	e2e_expect_rc 1 "$WORK/err3.txt"
	grep -q "writing the map to '/dev/full': No space left on device" "$WORK/err3.txt" ||
		e2e_fail "no message naming the map file and the reason: $(cat "$WORK/err3.txt")"
	[[ $(wc -l <"$WORK/out3.txt") -eq 256 ]] || e2e_fail "the results were not all written"
	# A map file that cannot be created: bad input, before anything is sent.
	e2e_sweep "$WORK/out4.txt" "$WORK/err4.txt" -q -n --map "$WORK/no/such/dir/map.png" \
		198.18.7.0/24
	e2e_expect_rc 2 "$WORK/err4.txt"
	grep -q "cannot open map file '$WORK/no/such/dir/map.png': No such file" "$WORK/err4.txt" ||
		e2e_fail "no message naming the unwritable map file: $(cat "$WORK/err4.txt")"
	[[ ! -s $WORK/out4.txt ]] || e2e_fail "a sweep ran although the map file cannot be opened"
	e2e_pass "share and RTT maps of $PREFIX match the live set; map write failures reported"
}

main
