#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# --checkpoint and --resume.  A sweep of a sparse /15 killed with SIGKILL at about half and
# resumed with `--resume FILE` alone ends with exactly the live set, each host once, in the
# same output file; on the wire every target was probed and at most 2% of them once more than
# the sweep asks for (an nftables set of the addresses seen in the target namespace).  The
# same with -P 2, killed in the second pass.  A resume with a contradicting option, a corrupt
# and a truncated checkpoint are refused (exit 2) with nothing sent; the metadata records the
# resume.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=resume e2e_init "$@"

PREFIX=198.18.0.0/15
TARGETS=131072
LIVE=3000
RATE=10k
# Positions are saved as of one interval ago: at 10k/s, 50 ms is 500 probes.
INTERVAL=0.05

# Every echo request reaching the target: the distinct addresses in "seen", those probed
# again in "again", all of them in the probes_in counter.
count_probes() {
	lab_count_start
	lab_nft add set ip "$LAB_NFT_TABLE" seen "{ type ipv4_addr; size 262144; flags dynamic; }"
	lab_nft add set ip "$LAB_NFT_TABLE" again "{ type ipv4_addr; size 262144; flags dynamic; }"
	lab_nft add rule ip "$LAB_NFT_TABLE" pre iifname "$LAB_TGT_IF" icmp type echo-request \
		ip daddr @seen add @again "{ ip daddr }"
	lab_nft add rule ip "$LAB_NFT_TABLE" pre iifname "$LAB_TGT_IF" icmp type echo-request \
		add @seen "{ ip daddr }"
}

reset_probes() {
	lab_nft flush set ip "$LAB_NFT_TABLE" seen
	lab_nft flush set ip "$LAB_NFT_TABLE" again
	lab_nft reset counter ip "$LAB_NFT_TABLE" probes_in >/dev/null
}

set_size() {
	lab_nft list set ip "$LAB_NFT_TABLE" "$1" | grep -oE '198\.1[89]\.[0-9]+\.[0-9]+' | wc -l
}

# start_killed ERR WHEN ARGS...: icmpsweep ARGS in the background, SIGKILLed once WHEN probes
# have reached the target, or after 30 s at most.  `ip netns exec` execs icmpsweep, so $! is
# icmpsweep itself.
start_killed() {
	local err=$1 when=$2 pid k n=0
	shift 2
	ip netns exec "$LAB_SCAN" "$ISW" "$@" >/dev/null 2>"$err" &
	pid=$!
	for ((k = 0; k < 3000; k++)); do
		n=$(lab_counter probes_in)
		[[ $n -ge $when ]] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	kill -KILL "$pid" 2>/dev/null || e2e_fail "the sweep ended before it was killed: $(cat "$err")"
	wait "$pid" 2>/dev/null || true
	[[ $n -ge $when ]] || e2e_fail "killed after 30 s with $n probes sent, short of $when"
	KILLED_AT=$(lab_counter probes_in)
}

# check RUN EXPECTED_PROBES: the output is the live set once each, and the probes on the wire
# what the sweep asks for, plus at most 2% of the targets.
check() {
	local what=$1 want=$2 out=$3 total seen again
	e2e_no_duplicates "$out" "$what"
	e2e_same_set "$WORK/live.txt" "$out" "$what"
	total=$(lab_counter probes_in)
	seen=$(set_size seen)
	again=$(set_size again)
	[[ $seen -eq $TARGETS ]] || e2e_fail "$what: $seen of $TARGETS targets probed"
	[[ $total -le $((want + TARGETS / 50)) ]] ||
		e2e_fail "$what: $total probes for $want wanted: more than 2% sent again"
	e2e_log "$what: killed at $KILLED_AT probes; $total probes in all for $want wanted;" \
		"$again targets probed more than once"
}

one_pass() {
	reset_probes
	start_killed "$WORK/p1.err" $((TARGETS / 2)) -q -n -r "$RATE" -T 2 -c 1 --user root \
		--checkpoint "$WORK/p1.ckpt" --checkpoint-interval "$INTERVAL" \
		--metadata "$WORK/p1.json" -o "$WORK/p1.txt" "$PREFIX"
	[[ -s $WORK/p1.ckpt ]] || e2e_fail "-P 1: no checkpoint after half the sweep"
	e2e_sweep "$WORK/p1.out" "$WORK/p1.err2" --resume "$WORK/p1.ckpt"
	e2e_expect_rc 0 "$WORK/p1.err2"
	check "-P 1 -T 2" "$TARGETS" "$WORK/p1.txt"
	[[ $(e2e_json_get "$WORK/p1.json" resumes) == 1 ]] ||
		e2e_fail "metadata: resumes $(e2e_json_get "$WORK/p1.json" resumes), expected 1"
	[[ $(e2e_json_get "$WORK/p1.json" resumed_from) == "$WORK/p1.ckpt" ]] ||
		e2e_fail "metadata: resumed_from $(e2e_json_get "$WORK/p1.json" resumed_from)"
}

two_passes() {
	local dead=$((TARGETS - LIVE))
	reset_probes
	# Killed in the second pass: it probes only the silent targets.
	start_killed "$WORK/p2.err" $((TARGETS + dead / 2)) -q -n -r "$RATE" -P 2 -c 1 \
		--user root --checkpoint "$WORK/p2.ckpt" --checkpoint-interval "$INTERVAL" \
		-O csv -o "$WORK/p2.csv" "$PREFIX"
	e2e_sweep "$WORK/p2.out" "$WORK/p2.err2" --resume "$WORK/p2.ckpt"
	e2e_expect_rc 0 "$WORK/p2.err2"
	[[ $(head -n 1 "$WORK/p2.csv") == ip,* ]] || e2e_fail "-P 2: CSV header lost: $(head -n 1 "$WORK/p2.csv")"
	[[ $(grep -c '^ip,' "$WORK/p2.csv") -eq 1 ]] || e2e_fail "-P 2: CSV header written again"
	tail -n +2 "$WORK/p2.csv" | cut -d, -f1 >"$WORK/p2.txt"
	check "-P 2" $((TARGETS + dead)) "$WORK/p2.txt"
}

refusals() {
	local before
	before=$(lab_counter probes_in)
	e2e_sweep "$WORK/r1.out" "$WORK/r1.err" --resume "$WORK/p1.ckpt" -r 5000
	e2e_expect_rc 2 "$WORK/r1.err"
	grep -q -- '-r is 5000 here but 10000 in the checkpoint' "$WORK/r1.err" ||
		e2e_fail "contradicting -r: $(cat "$WORK/r1.err")"
	e2e_sweep "$WORK/r2.out" "$WORK/r2.err" --resume "$WORK/p1.ckpt" -x 198.18.5.0/24
	e2e_expect_rc 2 "$WORK/r2.err"
	grep -q 'targets or exclusions differ' "$WORK/r2.err" || e2e_fail "other targets: $(cat "$WORK/r2.err")"
	cp "$WORK/p1.ckpt" "$WORK/bad.ckpt"
	printf '\x5a' | dd of="$WORK/bad.ckpt" bs=1 seek=40 conv=notrunc status=none
	e2e_sweep "$WORK/r3.out" "$WORK/r3.err" --resume "$WORK/bad.ckpt"
	e2e_expect_rc 2 "$WORK/r3.err"
	grep -q 'corrupt' "$WORK/r3.err" || e2e_fail "corrupt checkpoint: $(cat "$WORK/r3.err")"
	head -c 100 "$WORK/p1.ckpt" >"$WORK/short.ckpt"
	e2e_sweep "$WORK/r4.out" "$WORK/r4.err" --resume "$WORK/short.ckpt"
	e2e_expect_rc 2 "$WORK/r4.err"
	grep -q 'truncated' "$WORK/r4.err" || e2e_fail "truncated checkpoint: $(cat "$WORK/r4.err")"
	# Another shard of the same order is other work, not this sweep's rest.
	e2e_sweep "$WORK/r6.out" "$WORK/r6.err" --resume "$WORK/p1.ckpt" --shard 1/2
	e2e_expect_rc 2 "$WORK/r6.err"
	grep -q -- '--shard is 1/2 here but 0/0 in the checkpoint' "$WORK/r6.err" ||
		e2e_fail "contradicting --shard: $(cat "$WORK/r6.err")"
	e2e_sweep "$WORK/r7.out" "$WORK/r7.err" --resume "$WORK/p1.ckpt" --map "$WORK/r7.png"
	e2e_expect_rc 2 "$WORK/r7.err"
	grep -q -- '--map cannot be resumed' "$WORK/r7.err" || e2e_fail "--map resumed: $(cat "$WORK/r7.err")"
	[[ $(lab_counter probes_in) -eq $before ]] || e2e_fail "a refused resume sent probes"
	# The same options as the checkpoint's are no contradiction (and the sweep is done).
	e2e_sweep "$WORK/r5.out" "$WORK/r5.err" --resume "$WORK/p1.ckpt" -q -n -r 10k "$PREFIX"
	e2e_expect_rc 0 "$WORK/r5.err"
	e2e_same_set "$WORK/live.txt" "$WORK/p1.txt" "resume of a finished sweep"
	e2e_log "ok: refusals (contradicting option, other shard, --map, other exclusions, corrupt, truncated)"
}

# A shard with two sender threads, killed at about half of it: the checkpoint's slices are
# the shard's, so the resume goes on in each of them.
sharded() {
	local half=$((TARGETS / 2)) total seen
	reset_probes
	"$ISW" --dry-run -n -O text --seed 77 --shard 1/2 "$PREFIX" | cut -d' ' -f1 | sort >"$WORK/s.targets"
	sort "$WORK/live.txt" | comm -12 - "$WORK/s.targets" >"$WORK/s.live"
	start_killed "$WORK/s.err" $((half / 2)) -q -n -r "$RATE" -T 2 -c 1 --user root --seed 77 \
		--shard 1/2 --checkpoint "$WORK/s.ckpt" --checkpoint-interval "$INTERVAL" \
		-o "$WORK/s.txt" "$PREFIX"
	e2e_sweep "$WORK/s.out" "$WORK/s.err2" --resume "$WORK/s.ckpt"
	e2e_expect_rc 0 "$WORK/s.err2"
	e2e_no_duplicates "$WORK/s.txt" "--shard 1/2 -T 2"
	e2e_same_set "$WORK/s.live" "$WORK/s.txt" "--shard 1/2 -T 2"
	total=$(lab_counter probes_in)
	seen=$(set_size seen)
	[[ $seen -eq $half ]] || e2e_fail "--shard 1/2 -T 2: $seen of the shard's $half targets probed"
	[[ $total -le $((half + half / 50)) ]] ||
		e2e_fail "--shard 1/2 -T 2: $total probes for $half wanted: more than 2% sent again"
	e2e_log "--shard 1/2 -T 2: killed at $KILLED_AT probes; $total probes in all for $half wanted"
}

main() {
	lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
	lab_live_set "$WORK/live.txt"
	count_probes
	one_pass
	refusals
	two_passes
	sharded
	e2e_pass "killed at half and resumed: exactly the $LIVE live hosts, under 2% probed again"
}

main
