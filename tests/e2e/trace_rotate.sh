#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Trace rotation (-C): a sweep whose trace outgrows -C 1 (one megabyte) leaves FILE, FILE1,
# FILE2, ... as README's Traces section names them, with no gap and nothing else; each file is
# a capture that tcpdump and tshark read whole, none is larger than the limit, each but the
# last was filled up to it; and the files together hold every packet exactly once: every
# probe the target's kernel counted arriving and every reply it counted leaving (nftables
# counters, independent of icmpsweep), which are also what icmpsweep reports.  Once as pcap,
# once as pcapng (whose records carry comments, so their size is counted differently).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=rotate e2e_init "$@"
lab_require_cmd tshark tcpdump capinfos

PREFIX=198.18.0.0/17 # 32768 targets: with --trace-probes about 3 MB of pcap
LIVE=3000
LIMIT=1000000 # -C 1: megabytes of 10^6 bytes
# The largest record: a 16- or 32-byte header, a packet cut at the snap length (256) and, in
# pcapng, a verdict comment.  A file that rotated is fuller than LIMIT minus this.
RECORD_MAX=1000

# Files after the first are created once privileges are dropped (to nobody, the default):
# they go in a directory of nobody's.
chmod o+x "$WORK"
install -d -o nobody -m 0700 "$WORK/traces"
TRACES=$WORK/traces

lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
lab_live_set "$WORK/live.txt"
lab_count_start

# tshark_count FILE FILTER: packets of FILE matching FILTER (tshark also dissects the probe
# quoted in an ICMP error, hence the "!(icmp.type == 3)" with probe filters).
tshark_count() {
	tshark -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null | wc -l
}

# check_rotation NAME [OPTIONS...]: sweep with -w $WORK/NAME -C 1 and check the files.
check_rotation() {
	local name=$1 base="$TRACES/$1" files=() n i f size probes=0 replies=0 total=0
	shift
	lab_nft reset counter ip "$LAB_NFT_TABLE" probes_in >/dev/null
	lab_nft reset counter ip "$LAB_NFT_TABLE" replies_out >/dev/null
	e2e_sweep "$WORK/$name.txt" "$WORK/$name.err" -q -n -r 20k -c 1 -P 1 --seed 99 \
		-w "$base" -C 1 --trace-probes --metadata "$WORK/$name.json" "$@" "$PREFIX"
	e2e_expect_rc 0 "$WORK/$name.err"
	e2e_same_set "$WORK/live.txt" "$WORK/$name.txt" "$name sweep"

	# The names: FILE, then FILE1, FILE2, ... without a gap, and no other file.
	n=$(find "$TRACES" -maxdepth 1 -name "$name*" | wc -l)
	[[ $n -ge 3 ]] || e2e_fail "$name: $n trace files, expected at least 3 at -C 1"
	files=("$base")
	for ((i = 1; i < n; i++)); do
		[[ -f $base$i ]] || e2e_fail "$name: $n files but no $name$i: $(ls "$TRACES")"
		files+=("$base$i")
	done

	for i in "${!files[@]}"; do
		f=${files[$i]}
		# Whole and readable by both: tcpdump and tshark stop with an error on a cut record.
		tcpdump -r "$f" -nn -q >/dev/null 2>"$WORK/tcpdump.err" ||
			e2e_fail "$name: tcpdump cannot read $(basename "$f"): $(head -n 3 "$WORK/tcpdump.err")"
		tshark -r "$f" -T fields -e frame.number >/dev/null 2>"$WORK/tshark.err" ||
			e2e_fail "$name: tshark cannot read $(basename "$f"): $(grep -v 'Running as user' "$WORK/tshark.err" | head -n 3)"
		size=$(stat -c %s "$f")
		[[ $size -le $LIMIT ]] || e2e_fail "$name: $(basename "$f") has $size bytes, over -C 1"
		if ((i < n - 1 && size <= LIMIT - RECORD_MAX)); then
			e2e_fail "$name: $(basename "$f") rotated at $size bytes, well short of $LIMIT"
		fi
		probes=$((probes + $(tshark_count "$f" "icmp.type == 8 && !(icmp.type == 3)")))
		replies=$((replies + $(tshark_count "$f" "icmp.type == 0")))
		total=$((total + $(capinfos -M -c "$f" 2>/dev/null | awk '/Number of packets/ { print $NF }')))
	done

	# The union against the target's counters and icmpsweep's own.
	local sent hits kprobes kreplies
	sent=$(e2e_meta_int "$WORK/$name.json" sent)
	hits=$(e2e_meta_int "$WORK/$name.json" hits)
	kprobes=$(lab_counter probes_in)
	kreplies=$(lab_counter replies_out)
	[[ $kprobes -eq 32768 && $sent -eq 32768 ]] ||
		e2e_fail "$name: the target counted $kprobes probes, icmpsweep sent $sent, expected 32768"
	[[ $kreplies -eq $LIVE && $hits -eq $LIVE ]] ||
		e2e_fail "$name: the target sent $kreplies replies, icmpsweep found $hits hosts, expected $LIVE"
	[[ $probes -eq $kprobes ]] || e2e_fail "$name: the files hold $probes probes, the target counted $kprobes"
	[[ $replies -eq $kreplies ]] || e2e_fail "$name: the files hold $replies replies, the target sent $kreplies"
	[[ $total -eq $((probes + replies)) ]] ||
		e2e_fail "$name: the files hold $total packets, expected $probes probes + $replies replies"
	e2e_log "$name: $n files, $probes probes and $replies replies"
}

check_rotation sweep.pcap
check_rotation verdicts.pcapng --pcapng
e2e_pass "-C 1 rotates into FILE, FILE1, ... each whole and within the limit, together every packet once"
