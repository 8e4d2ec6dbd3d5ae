#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Shards and merge.  Dry runs: the N shards' probes are disjoint, cover the full dry run and
# differ in size by at most one, also with -x, -T 2 and -P 2.  Real sweeps: 4 shards of a
# sparse /16 (routed) and of an on-link /24 (ARP first), each in another output format, merge
# into exactly the ground-truth live set, and the target's nftables counter sees exactly one
# probe per target per pass over all shards.  merge refuses shards of different sweeps (exit
# 2) and names a missing or duplicated shard (exit 1); bad --shard values send nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=shard e2e_init "$@"

PREFIX=198.18.0.0/16
LAN=198.19.0.0/24
LIVE=1500
LAN_LIVE=40
RATE=50k
SEED=4242

# dry_union N ARGS...: the N shards' dry runs against the full one.
dry_union() {
	local n=$1 i min=-1 max=0 c
	shift
	"$ISW" --dry-run -n --seed "$SEED" "$@" | awk '{ print $1, $2 }' | LC_ALL=C sort >"$WORK/dry.full"
	: >"$WORK/dry.union"
	for ((i = 0; i < n; i++)); do
		"$ISW" --dry-run -n --seed "$SEED" --shard "$i/$n" "$@" | awk '{ print $1, $2 }' >"$WORK/dry.$i"
		c=$(wc -l <"$WORK/dry.$i")
		((min < 0 || c < min)) && min=$c
		((c > max)) && max=$c
		cat "$WORK/dry.$i" >>"$WORK/dry.union"
	done
	[[ -s $WORK/dry.full ]] || e2e_fail "dry run $* listed nothing"
	e2e_no_duplicates "$WORK/dry.union" "$n shards of $*"
	LC_ALL=C sort "$WORK/dry.union" | cmp -s - "$WORK/dry.full" ||
		e2e_fail "$n shards of $* do not add up to the full dry run ($(wc -l <"$WORK/dry.union") vs $(wc -l <"$WORK/dry.full") probes)"
	# -P 2 lists each target twice in a dry run: balance is per target.
	local per=1
	[[ " $* " == *" -P 2 "* ]] && per=2
	((max - min <= per)) || e2e_fail "$n shards of $*: sizes $min..$max differ by more than one target"
	e2e_log "dry run, $n shards of $*: $(wc -l <"$WORK/dry.full") probes, $min..$max per shard"
}

dry_runs() {
	dry_union 4 198.18.0.0/20
	dry_union 7 -x 198.18.1.0/25 -x 198.18.3.17 198.18.0.0/20
	dry_union 3 -T 2 -x 198.18.2.0/24 198.18.0.0/20
	dry_union 5 -T 2 -P 2 198.18.0.0/22
	dry_union 16 198.18.0.0/30
}

# sweep_shards TAG N TARGET: N shards, shard i in format FORMATS[i % 4], metadata beside it;
# checks the per-shard probe counts against the target's counter.
FORMATS=(csv json text xml)

# shard_files TAG I...: FILES = shard I's result file and its metadata, for each I.
shard_files() {
	local tag=$1 i
	shift
	FILES=()
	for i in "$@"; do
		FILES+=("$WORK/$tag.$i.${FORMATS[i % 4]}" "$WORK/$tag.$i.meta.json")
	done
}
sweep_shards() {
	local tag=$1 n=$2 target=$3 i before after sent sum_sent=0 sum_probes=0
	for ((i = 0; i < n; i++)); do
		before=$(lab_counter probes_in)
		e2e_sweep "$WORK/$tag.$i.${FORMATS[i % 4]}" "$WORK/$tag.$i.err" -q -n -r "$RATE" -c 1 \
			-P 2 -T 2 --seed "$SEED" --shard "$i/$n" -O "${FORMATS[i % 4]}" \
			--metadata "$WORK/$tag.$i.meta.json" "$target"
		e2e_expect_rc 0 "$WORK/$tag.$i.err"
		after=$(lab_counter probes_in)
		sent=$(e2e_meta_int "$WORK/$tag.$i.meta.json" sent)
		((after - before == sent)) ||
			e2e_fail "$tag shard $i/$n: metadata sent=$sent, the target counted $((after - before)) probes"
		sum_sent=$((sum_sent + sent))
		sum_probes=$((sum_probes + after - before))
	done
	SUM_PROBES=$sum_probes
}

merge_check() {
	local tag=$1 n=$2 targets=$3 live=$4 want_probes inode
	shard_files "$tag" $(seq 0 $((n - 1)))
	# A metadata file already there is replaced whole (a new file renamed over it), never
	# rewritten in place where a crash would leave it half written.
	echo '{"old": true}' >"$WORK/$tag.merged.json"
	inode=$(stat -c %i "$WORK/$tag.merged.json")
	"$ISW" merge -O csv -o "$WORK/$tag.merged.csv" --metadata "$WORK/$tag.merged.json" \
		"${FILES[@]}" 2>"$WORK/$tag.merge.err" ||
		e2e_fail "merge of $tag exited $?: $(cat "$WORK/$tag.merge.err")"
	[[ $(stat -c %i "$WORK/$tag.merged.json") != "$inode" ]] ||
		e2e_fail "merged $tag: the metadata was rewritten in place, not replaced atomically"
	tail -n +2 "$WORK/$tag.merged.csv" | cut -d, -f1 >"$WORK/$tag.merged.txt"
	e2e_no_duplicates "$WORK/$tag.merged.txt" "merged $tag"
	e2e_same_set "$live" "$WORK/$tag.merged.txt" "merged $tag"
	local t hits sent
	t=$(e2e_meta_int "$WORK/$tag.merged.json" targets)
	hits=$(e2e_meta_int "$WORK/$tag.merged.json" hits)
	sent=$(e2e_meta_int "$WORK/$tag.merged.json" sent)
	[[ $t -eq $targets ]] || e2e_fail "merged $tag: targets=$t, expected $targets"
	# Every shard probed all of its targets, and they add up too.
	[[ $(e2e_meta_int "$WORK/$tag.merged.json" targets_probed) -eq $targets &&
		$(e2e_meta_int "$WORK/$tag.merged.json" targets_ipv4) -eq $targets ]] ||
		e2e_fail "merged $tag: targets_probed=$(e2e_json_get "$WORK/$tag.merged.json" targets_probed) targets_ipv4=$(e2e_json_get "$WORK/$tag.merged.json" targets_ipv4), expected $targets each"
	e2e_meta_int "$WORK/$tag.merged.json" arp_send_errors >/dev/null
	[[ $hits -eq $(wc -l <"$live") ]] || e2e_fail "merged $tag: hits=$hits, expected $(wc -l <"$live")"
	# Pass 1 probes every target once, pass 2 every silent one once, over all shards.  On
	# the link, ICMP goes only to the hosts that answered ARP (and they answer pass 1).
	want_probes=$((targets + targets - $(wc -l <"$live")))
	[[ $tag == lan ]] && want_probes=$(wc -l <"$live")
	[[ $SUM_PROBES -eq $want_probes ]] ||
		e2e_fail "$tag: the target counted $SUM_PROBES probes over $n shards, expected $want_probes (one per target per pass)"
	[[ $sent -eq $SUM_PROBES ]] || e2e_fail "merged $tag: sent=$sent, the target counted $SUM_PROBES"
	e2e_log "$tag: $n shards merged into the $(wc -l <"$live") live hosts; $SUM_PROBES probes for $targets targets"
}


merge_refusals() {
	local rc
	# Shard 2 left out: named, exit 1, the rest still merged.
	rc=0
	shard_files routed 0 1 3
	"$ISW" merge -o "$WORK/part.txt" "${FILES[@]}" 2>"$WORK/m.err" || rc=$?
	[[ $rc -eq 1 ]] || e2e_fail "merge without shard 2 exited $rc, expected 1: $(cat "$WORK/m.err")"
	grep -q "shard 2/4 missing" "$WORK/m.err" || e2e_fail "merge did not name the missing shard: $(cat "$WORK/m.err")"
	[[ -s $WORK/part.txt ]] || e2e_fail "merge without shard 2 wrote nothing"
	# Shard 1's metadata twice.
	rc=0
	shard_files routed 0 1 2 3
	"$ISW" merge -o "$WORK/part.txt" "${FILES[@]}" "$WORK/routed.1.meta.json" 2>"$WORK/m.err" || rc=$?
	[[ $rc -eq 1 ]] || e2e_fail "merge with shard 1 twice exited $rc, expected 1"
	grep -q "shard 1/4 given twice" "$WORK/m.err" || e2e_fail "merge did not name the duplicated shard: $(cat "$WORK/m.err")"
	# Another seed: a different sweep.
	"$ISW" --dry-run -n --seed $((SEED + 1)) --shard 2/4 -o /dev/null \
		--metadata "$WORK/other.meta.json" "$PREFIX"
	rc=0
	shard_files routed 0 1 3
	"$ISW" merge -o "$WORK/part.txt" "${FILES[@]}" "$WORK/routed.2.text" \
		"$WORK/other.meta.json" 2>"$WORK/m.err" || rc=$?
	[[ $rc -eq 2 ]] || e2e_fail "merge of shards with different seeds exited $rc, expected 2"
	grep -q "seeds differ" "$WORK/m.err" || e2e_fail "merge did not say the seeds differ: $(cat "$WORK/m.err")"
	# Another target set (an exclusion more): refused too.
	"$ISW" --dry-run -n --seed "$SEED" --shard 2/4 -x 198.18.9.9 -o /dev/null \
		--metadata "$WORK/other.meta.json" "$PREFIX"
	rc=0
	shard_files routed 0 1 3
	"$ISW" merge -o "$WORK/part.txt" "${FILES[@]}" "$WORK/routed.2.text" \
		"$WORK/other.meta.json" 2>"$WORK/m.err" || rc=$?
	[[ $rc -eq 2 ]] || e2e_fail "merge of shards with different exclusions exited $rc, expected 2"
	grep -q "target sets differ" "$WORK/m.err" || e2e_fail "merge did not say the target sets differ: $(cat "$WORK/m.err")"
	e2e_log "merge refused other sweeps (2) and named missing and duplicated shards (1)"
}

bad_shards() {
	local before after arg
	before=$(lab_counter probes_in)
	for arg in "--shard 4/4 --seed 1" "--shard 1/0 --seed 1" "--shard x/4 --seed 1" \
		"--shard 1/4" "--shard auto --seed 1" "--shards 4 --seed 1" "--shard 2 --seed 1"; do
		# shellcheck disable=SC2086 # $arg is several words
		e2e_sweep "$WORK/bad.out" "$WORK/bad.err" -q -n $arg "$PREFIX"
		e2e_expect_rc 2 "$WORK/bad.err"
		[[ $(wc -l <"$WORK/bad.err") -eq 1 ]] || e2e_fail "$arg: not one line: $(cat "$WORK/bad.err")"
	done
	after=$(lab_counter probes_in)
	[[ $after -eq $before ]] || e2e_fail "bad --shard values sent $((after - before)) probes"
	# --shard auto from a Slurm array's variables (task 3 of 1-4 is shard 2/4).
	lab_exec_scanner env SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=4 \
		"$ISW" --dry-run -n --seed "$SEED" --shard auto --metadata "$WORK/auto.json" \
		"$PREFIX" >"$WORK/auto.out"
	lab_exec_scanner "$ISW" --dry-run -n --seed "$SEED" --shard 2/4 "$PREFIX" >"$WORK/explicit.out"
	# The frames carry the send time: the addresses and their order must agree.
	[[ -s $WORK/auto.out ]] || e2e_fail "--shard auto listed nothing"
	cmp -s <(awk '{ print $1 }' "$WORK/auto.out") <(awk '{ print $1 }' "$WORK/explicit.out") || e2e_fail "--shard auto (Slurm task 3 of 1-4) is not --shard 2/4"
	grep -q '"shard": {"index": 2, "count": 4, "source": "slurm-array"}' "$WORK/auto.json" ||
		e2e_fail "metadata of --shard auto lacks the shard: $(grep shard "$WORK/auto.json")"
	e2e_log "bad --shard values: exit 2, one line, nothing sent; --shard auto reads Slurm"
}

# unrouted_shards BLACKHOLE: 4 shards of 198.18.0.0/20 with BLACKHOLE unrouted in the
# scanner: the shards' unrouted counts add up to BLACKHOLE's size, their probes to the rest.
unrouted_shards() {
	local hole=$1 size=$((2 ** (32 - ${1#*/}))) i unrouted=0 sent=0
	ip -n "$LAB_SCAN" route add blackhole "$hole"
	for i in 0 1 2 3; do
		e2e_sweep "$WORK/u.out" "$WORK/u.err" -q -n -r 0 -c 0 --seed "$SEED" --shard "$i/4" \
			--metadata "$WORK/u.$i.json" 198.18.0.0/20
		e2e_expect_rc 0 "$WORK/u.err"
		unrouted=$((unrouted + $(e2e_meta_int "$WORK/u.$i.json" unrouted)))
		sent=$((sent + $(e2e_meta_int "$WORK/u.$i.json" sent)))
	done
	ip -n "$LAB_SCAN" route del blackhole "$hole"
	[[ $unrouted -eq $size ]] || e2e_fail "unrouted over 4 shards with $hole blackholed: $unrouted, expected $size"
	[[ $sent -eq $((4096 - size)) ]] || e2e_fail "sent over 4 shards with $hole blackholed: $sent, expected $((4096 - size))"
	e2e_log "$hole unrouted: the 4 shards count $unrouted unrouted and send $sent"
}

# Two shards at once on one machine (srun tasks on one node): each capture sees the other's
# answers, with the same seed, and must keep only its own.
concurrent_shards() {
	local i pids=() rc
	for i in 0 1; do
		lab_exec_scanner timeout -k 5 "$E2E_RUN_TIMEOUT" "$ISW" -q -n -r 20k -c 1 --seed "$SEED" \
			--shard "$i/2" -o "$WORK/c.$i.txt" --metadata "$WORK/c.$i.meta.json" \
			"$PREFIX" 2>"$WORK/c.$i.err" &
		pids+=($!)
	done
	for i in 0 1; do
		rc=0
		wait "${pids[i]}" || rc=$?
		[[ $rc -eq 0 ]] || e2e_fail "concurrent shard $i/2 exited $rc: $(cat "$WORK/c.$i.err")"
	done
	rc=0
	"$ISW" merge -o "$WORK/c.merged.txt" "$WORK"/c.[01].txt "$WORK"/c.[01].meta.json \
		2>"$WORK/c.merge.err" || rc=$?
	[[ $rc -eq 0 ]] || e2e_fail "merge of concurrent shards exited $rc: $(cat "$WORK/c.merge.err")"
	e2e_same_set "$WORK/live.routed" "$WORK/c.merged.txt" "2 concurrent shards, merged"
	e2e_log "2 shards at once on one machine: each kept its own answers ($(e2e_meta_int "$WORK/c.0.meta.json" other_shard_answers) and $(e2e_meta_int "$WORK/c.1.meta.json" other_shard_answers) of the other's set aside)"
}

main() {
	lab_require_cmd nft
	dry_runs

	lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live.routed" "$E2E_SEED"
	lab_random_live_set "$LAN_LIVE" "$LAN" "$WORK/live.lan" "$E2E_SEED"
	cat "$WORK/live.routed" "$WORK/live.lan" >"$WORK/live.all"
	lab_live_set "$WORK/live.all"
	# The /24 is on the scanner's link: ARP first, then ICMP to each host's MAC.
	ip -n "$LAB_SCAN" route add "$LAN" dev "$LAB_SCAN_IF"
	lab_count_start
	lab_nft -f - <<-NFT
	table arp isw_arp {
		counter requests { }
		chain in { type filter hook input priority 0; policy accept;
			arp operation request arp daddr ip $LAN counter name requests; }
	}
	NFT

	sweep_shards routed 4 "$PREFIX"
	merge_check routed 4 65536 "$WORK/live.routed"
	merge_refusals
	concurrent_shards

	sweep_shards lan 4 "$LAN"
	merge_check lan 4 256 "$WORK/live.lan"
	local onlink=0 arp_hosts=0 i
	for i in 0 1 2 3; do
		onlink=$((onlink + $(e2e_meta_int "$WORK/lan.$i.meta.json" onlink_targets)))
		arp_hosts=$((arp_hosts + $(e2e_meta_int "$WORK/lan.$i.meta.json" arp_hosts)))
	done
	[[ $onlink -eq 256 ]] || e2e_fail "on-link targets over the 4 shards: $onlink, expected 256"
	[[ $arp_hosts -eq $LAN_LIVE ]] || e2e_fail "ARP answers over the 4 shards: $arp_hosts, expected $LAN_LIVE"
	# ARP, tried twice: every on-link target once, then the silent ones again, over all
	# shards; on the wire as in the metadata.
	local arp_sent=0 arp_wire want=$((256 + 256 - LAN_LIVE))
	for i in 0 1 2 3; do
		arp_sent=$((arp_sent + $(e2e_meta_int "$WORK/lan.$i.meta.json" arp_sent)))
	done
	arp_wire=$(lab_nft list counter arp isw_arp requests | awk '/packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }')
	[[ $arp_sent -eq $want ]] || e2e_fail "ARP requests over the 4 shards: $arp_sent, expected $want"
	[[ $arp_wire -eq $want ]] || e2e_fail "the target saw $arp_wire ARP requests for $LAN, expected $want"

	unrouted_shards 198.18.0.0/21 # more unrouted than a shard has: walks the shard
	unrouted_shards 198.18.0.0/23 # fewer: places each unrouted target
	bad_shards
	e2e_pass "4 shards of $PREFIX and of the on-link $LAN merged into exactly the live sets, one probe (ARP or ICMP) per target per pass"
}

main
