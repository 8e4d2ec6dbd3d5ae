#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# IPv6 sub-prefix sweeps for real: 2001:db8:100::/40-48 probes one address in each of the 256
# /48s.  The target answers for a random 40 of the /48s (a blackhole for the /40, a local
# route per live /48), so the hosts found are exactly the live /48s' addresses: ::1 in each
# by default; with --iid random the addresses --dry-run lists for the same seed.  In one run
# beside a plain IPv6 prefix and an IPv4 one (the route map cuts the sub-prefix runs apart
# from the plain ranges), every family and form exact.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=v6sub e2e_init "$@"

SUB=2001:db8:100::/40-48
PLAIN6=2001:db8:1::/120
PLAIN4=198.18.0.0/28
LIVE=40

# The /48s of the /40, one per line as 2001:db8:1XX.
all48() { awk 'BEGIN { for (i = 0; i < 256; i++) printf "2001:db8:%x\n", 256 + i }'; }

# live_of FILE: the lines of FILE (addresses) that fall in a live /48.
live_of() {
	awk -F: 'NR == FNR { live[$3] = 1; next } ($3 in live)' "$WORK/live48.txt" "$1"
}

check() { # NAME OUT WANT
	e2e_expect_rc 0 "$WORK/$1.err"
	e2e_no_duplicates "$2" "$1"
	e2e_same_set "$3" "$2" "$1"
}

main() {
	local b
	lab_ipv6
	all48 | shuf -n "$LIVE" --random-source=<(yes "$E2E_SEED") | sort >"$WORK/live48.txt"
	{
		echo "route replace blackhole 2001:db8:100::/40"
		awk '{ printf "route replace local %s::/48 dev lo\n", $1 }' "$WORK/live48.txt"
	} >"$WORK/routes.batch"
	ip -6 -n "$LAB_TGT" -batch "$WORK/routes.batch"
	lab_all_alive6 "$PLAIN6"
	lab_all_alive "$PLAIN4"

	# Default identifier ::1.
	awk '{ print $1 "::1" }' "$WORK/live48.txt" >"$WORK/want1.txt"
	e2e_sweep "$WORK/fixed.out" "$WORK/fixed.err" -n -r 20k -c 1 --metadata "$WORK/fixed.json" "$SUB"
	check fixed "$WORK/fixed.out" "$WORK/want1.txt"
	# An IPv6-only run: no IPv4 source, the IPv6 one beside it; the IID it probed.
	[[ $(e2e_json_get "$WORK/fixed.json" source) == null &&
		$(e2e_json_get "$WORK/fixed.json" source6) == "$LAB_SCAN_ADDR6" &&
		$(e2e_json_get "$WORK/fixed.json" iid) == ::1 ]] ||
		e2e_fail "fixed: metadata source/source6/iid: $(grep -E '"(source6?|iid)"' "$WORK/fixed.json" | tr -d '\n')"
	grep -q "256 targets (0 IPv4, 256 IPv6)" "$WORK/fixed.err" ||
		e2e_fail "fixed: start line: $(grep targets "$WORK/fixed.err" | head -n 1)"

	# --iid random: what the dry run lists for this seed, in the live /48s.
	e2e_sweep "$WORK/dry.out" "$WORK/dry.err" --dry-run --iid random --seed 9 "$SUB"
	e2e_expect_rc 0 "$WORK/dry.err"
	awk '{ print $1 }' "$WORK/dry.out" >"$WORK/dry.txt"
	[[ $(wc -l <"$WORK/dry.txt") -eq 256 ]] || e2e_fail "dry run listed $(wc -l <"$WORK/dry.txt") probes, expected 256"
	live_of "$WORK/dry.txt" >"$WORK/wantr.txt"
	[[ $(wc -l <"$WORK/wantr.txt") -eq $LIVE ]] || e2e_fail "random IIDs: $(wc -l <"$WORK/wantr.txt") in live /48s"
	grep -qvx '2001:db8:1[0-9a-f][0-9a-f]::1' "$WORK/wantr.txt" || e2e_fail "--iid random gave ::1 addresses"
	e2e_sweep "$WORK/rand.out" "$WORK/rand.err" -n -r 20k -c 1 --iid random --seed 9 \
		--metadata "$WORK/rand.json" "$SUB"
	check rand "$WORK/rand.out" "$WORK/wantr.txt"
	[[ $(e2e_json_get "$WORK/rand.json" iid) == random ]] ||
		e2e_fail "rand: metadata iid is '$(e2e_json_get "$WORK/rand.json" iid)', expected random"

	# Mixed: sub-prefixes, a plain IPv6 prefix and an IPv4 one in one run.
	{
		cat "$WORK/want1.txt"
		e2e_cidr_list "$PLAIN4"
		awk 'BEGIN { print "2001:db8:1::"; for (i = 1; i < 256; i++) printf "2001:db8:1::%x\n", i }'
	} >"$WORK/wantm.txt"
	e2e_sweep "$WORK/mixed.out" "$WORK/mixed.err" -n -r 20k -c 1 "$PLAIN4" "$SUB" "$PLAIN6"
	check mixed "$WORK/mixed.out" "$WORK/wantm.txt"
	b=$(grep -c . "$WORK/mixed.out")
	e2e_pass "$SUB: the $LIVE live /48s exactly, with ::1 and with --iid random (the dry run's" \
		"addresses); mixed with $PLAIN6 and $PLAIN4: $b hosts exact"
}

main
