#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A sparse IPv6 hitlist under loss: 100,000 addresses (a -I file, one per line, scattered over
# 2001:db8:5::/64), 1,000 of them live (local /128 routes, the rest of the /64 blackholed),
# and nftables dropping 5% of the ICMPv6 echo requests in and, independently, 5% of the echo
# replies out of the target.
#
# A probe then gets through with p = 0.95^2 = 0.9025: a live host is missed with -P 1 with
# 0.0975 (~97.5 of 1,000, sd ~9.4) and with -P 3 with 0.0975^3 = 0.093% (~0.93 of 1,000,
# Poisson).  Random loss cannot promise that -P 3 finds every host (it does in ~40% of runs),
# so the bounds are > 6 sd wide: -P 1 misses 40..160 (the loss is real), -P 3 at most 8;
# neither reports anything but live hosts, each once.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=v6hit e2e_init "$@"

PREFIX=2001:db8:5::/64
RATE=50k
LOSS=5
P1_MIN=40 P1_MAX=160 # expected 97.5
P3_MAX=8             # expected 0.93

# sweep NAME ARGS...: the hitlist; hosts to $WORK/NAME.txt.
sweep() {
	local name=$1 extra
	shift
	e2e_sweep "$WORK/$name.txt" "$WORK/$name.err" -n -r "$RATE" -c 2 \
		--metadata "$WORK/$name.json" "$@" -I "$WORK/hitlist.txt"
	e2e_expect_rc 0 "$WORK/$name.err"
	e2e_no_duplicates "$WORK/$name.txt" "$name"
	extra=$(e2e_count_extra "$WORK/live.txt" "$WORK/$name.txt")
	[[ $extra -eq 0 ]] || e2e_same_set "$WORK/live.txt" "$WORK/$name.txt" "$name (false positives)"
}

main() {
	lab_require_cmd nft python3
	lab_ipv6
	python3 - "$E2E_SEED" "$WORK/hitlist.txt" "$WORK/live.txt" <<-'PY'
	import ipaddress, random, sys
	rng = random.Random(int(sys.argv[1]))
	base = int(ipaddress.IPv6Address("2001:db8:5::"))
	picked = set()
	while len(picked) < 100000:
	    picked.add(base + rng.getrandbits(64))
	picked = sorted(picked)
	live = rng.sample(picked, 1000)
	rng.shuffle(picked)
	with open(sys.argv[2], "w") as f:
	    f.write("# a hitlist: one address a line\n")
	    f.writelines(str(ipaddress.IPv6Address(a)) + "\n" for a in picked)
	with open(sys.argv[3], "w") as f:
	    f.writelines(str(ipaddress.IPv6Address(a)) + "\n" for a in live)
	PY
	lab_live_set6 "$WORK/live.txt" "$PREFIX"
	lab_loss6 "$LOSS"

	local m1 m3 sent targets
	sweep p1 -P 1
	grep -q "100000 targets (0 IPv4, 100000 IPv6)" "$WORK/p1.err" ||
		e2e_fail "start line: $(grep targets "$WORK/p1.err" | head -n 1)"
	m1=$(e2e_count_missing "$WORK/live.txt" "$WORK/p1.txt")
	e2e_log "${LOSS}% loss each way, -P 1: missed $m1 of 1000 (expected ~97.5) in ${E2E_SECONDS}s"
	((m1 >= P1_MIN && m1 <= P1_MAX)) ||
		e2e_fail "-P 1 missed $m1 of 1000 live hosts, expected $P1_MIN..$P1_MAX: loss not applied as configured?"

	sweep p3 -P 3
	m3=$(e2e_count_missing "$WORK/live.txt" "$WORK/p3.txt")
	sent=$(e2e_meta_int "$WORK/p3.json" sent)
	targets=$(e2e_meta_int "$WORK/p3.json" targets)
	e2e_log "${LOSS}% loss each way, -P 3: missed $m3 of 1000 (expected ~0.93) in ${E2E_SECONDS}s; sent $sent for $targets targets"
	((m3 <= P3_MAX)) ||
		e2e_fail "-P 3 missed $m3 of 1000 live hosts, expected <= $P3_MAX: $(LC_ALL=C comm -23 <(e2e_sorted "$WORK/live.txt") <(e2e_sorted "$WORK/p3.txt") | head -n 5 | tr '\n' ' ')"
	((m3 < m1)) || e2e_fail "-P 3 missed $m3 hosts, not fewer than -P 1 ($m1)"
	# Later passes go only to the targets still silent.
	((targets == 100000 && sent > 2 * targets && sent < 3 * targets)) ||
		e2e_fail "-P 3 sent $sent probes for $targets targets, expected between $((2 * targets)) and $((3 * targets))"
	e2e_pass "100,000-line IPv6 hitlist, 1,000 live, ${LOSS}% loss each way: -P 1 missed $m1," \
		"-P 3 missed $m3; no false positive or duplicate"
}

main
