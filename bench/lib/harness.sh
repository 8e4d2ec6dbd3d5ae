# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with bench/run and the other files
# harness.sh: what every bench scenario uses, sourced by bench/run after its options are read:
# the lab (lab_up), target lists, one tool run (run_tool) and a set of them (run_set).
#
# A scenario (bench/scenarios/NAME.sh) sets, before run_set, the globals that describe its
# targets: SWEEP (CIDR swept), TARGETS (how many addresses), and the ground truth TRUTH_FILE
# (live addresses, one per line) or TRUTH_CIDR (all of it live), NAMES_FILE (expected PTR
# names), SUBSET_FILE (a part of the live set also scored on its own), IGNORE_ADDR (an address
# scored neither way, e.g. the scanner's own; the record's ignored_found says if it was
# listed); optionally RUN_NS and RUN_IF (another scanner namespace and interface), PRE_RUN
# (a function run before every tool run), SAMPLE_MS (counter sampling period after the first
# packet, default 5), STOP_AFTER (interrupt the tool that many seconds after its first
# packet), RECORD_TO (write the run's record there instead of $RUNS), RUN_LIMIT_NOW (this
# run's time limit).

log() { echo "bench: [$(elapsed)] $*" >&2; }
elapsed() { local s=$(($(date +%s) - ${START_S:-$(date +%s)})); printf '%d:%02d' $((s / 60)) $((s % 60)); }
die() { echo "bench: error: $*" >&2; exit 1; }
have() {
	if [[ $1 == /* ]]; then [[ -x $1 ]]; else command -v "$1" >/dev/null 2>&1; fi
}
record() { echo "$1" >>"$RUNS"; } # record JSON-OBJECT: a record written by bash (skips...)
over_budget() { (($(date +%s) >= DEADLINE_S)); }
net_size() { "$PY" -c 'import ipaddress,sys; print(ipaddress.ip_network(sys.argv[1]).num_addresses)' "$1"; }

# lab_up TAG: a fresh two-namespace lab (tests/lab/lab.sh) with static neighbours both ways
# (no ARP during runs) and as many veth queues as CPUs (one AF_XDP sender thread per queue).
lab_up() {
	LAB_VETH_QUEUES=$NCPU
	lab_create "$1"
	bench_traps # lab_create installs its own traps; ours also clean up what bench/run made
	lab_static_neigh
	local scan_mac
	scan_mac=$(lab_scan_mac)
	ip -n "$LAB_TGT" neigh replace "$LAB_SCAN_ADDR" lladdr "$scan_mac" dev "$LAB_TGT_IF" nud permanent
	GW_MAC=$(lab_tgt_mac)
	W="$LAB_TMP"
	: >"$W/empty.blocklist"
}

# targets_files NET PROBES: all addresses of NET in $W/targets.txt, and fping chunks small
# enough for its 65535-entry sequence map ($W/chunks-NET-PROBES/chunk.NNN; FPING_CHUNKS is
# set to that directory).
targets_files() {
	local net=$1 probes=$2
	FPING_CHUNKS="$W/chunks-${net//\//_}-$probes"
	[[ -d $FPING_CHUNKS ]] && return 0
	"$PY" - "$net" "$probes" "$W" "$FPING_CHUNKS" <<-'PYEOF'
	import ipaddress, os, sys
	net, probes, w, d = ipaddress.ip_network(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
	addrs = [str(a) for a in net]
	with open(os.path.join(w, "targets.txt"), "w") as f:
	    f.write("\n".join(addrs) + "\n")
	chunk = max(1, 65000 // probes)  # every probe, retries included, takes a sequence number
	os.makedirs(d, exist_ok=True)
	for i in range(0, len(addrs), chunk):
	    with open(os.path.join(d, "chunk.%04d" % (i // chunk)), "w") as f:
	        f.write("\n".join(addrs[i:i + chunk]) + "\n")
	PYEOF
}

# The tools a scenario runs: those of --tools, limited to the scenario's own list if it has
# one (SCEN_TOOLS[NAME]), and never the ARP-only ones outside the scenarios that list them.
scenario_tools() {
	local scen=$1 t
	# shellcheck disable=SC2153 # TOOLS is bench/run's
	for t in "${TOOLS[@]}"; do
		if [[ -n ${SCEN_TOOLS[$scen]:-} ]]; then
			[[ " ${SCEN_TOOLS[$scen]} " == *" $t "* ]] || continue
		else
			[[ " ${ARP_ONLY_TOOLS[*]} " != *" $t "* ]] || continue
			[[ " ${EXTRA_ONLY_TOOLS[*]} " != *" $t "* ]] || continue
		fi
		echo "$t"
	done
}

# run_tool TOOL SCEN RATE PROBES REP [VARIANT]: one run, one JSON record in $RUNS (or in
# $RECORD_TO when set). VARIANT is extra options that make a row of its own ("-T 1").
run_tool() {
	local tool=$1 scen=$2 rate=$3 probes=$4 rep=$5 variant=${6:-}
	local base="\"scenario\":\"$scen\",\"tool\":\"$tool\",\"variant\":\"$variant\",\"rate\":$rate,\"probes\":$probes,\"rep\":$rep"
	if ! tool_installed "$tool"; then
		((rep == 1)) && record "{$base,\"status\":\"missing\",\"note\":\"$(tool_missing_note "$tool")\"}"
		return 0
	fi
	if [[ $scen == dns && $tool == icmpsweep ]] && ((!ISW_HAS_RESOLVER)); then
		((rep == 1)) && record "{$base,\"status\":\"unsupported\",\"note\":\"not supported yet (no --resolver, issue 3)\"}"
		return 0
	fi
	if over_budget; then
		record "{$base,\"status\":\"skipped\",\"note\":\"time budget of ${BUDGET_S}s used up\"}"
		log "  $tool $variant rate=$rate rep=$rep skipped: time budget used up"
		return 0
	fi
	local p="$W/$scen-$tool-$rate-$rep" seed=$((1000 + rep))
	VARIANT_ARGS=()
	[[ -n $variant ]] && read -r -a VARIANT_ARGS <<<"$variant"
	if declare -F "tool_cmd_$scen" >/dev/null; then
		"tool_cmd_$scen" "$tool" "$scen" "$rate" "$probes" "$seed" "$p"
	else
		tool_cmd "$tool" "$scen" "$rate" "$probes" "$seed" "$p"
	fi
	[[ -n ${PRE_RUN:-} ]] && "$PRE_RUN"
	local scan_ns=${RUN_NS:-$LAB_SCAN} scan_if=${RUN_IF:-$LAB_SCAN_IF}
	local limit=${RUN_LIMIT_NOW:-$RUN_LIMIT}
	local args=(--iface "$scan_if" --limit "$limit" --record "${RECORD_TO:-$RUNS}"
		--sample-ms "${SAMPLE_MS:-5}"
		--stdout "$p.stdout" --stderr "$p.stderr" --result "$RESULT" --ok-codes "$OK_CODES"
		--sweep "$SWEEP" --targets "$TARGETS"
		--field "scenario=$scen" --field "tool=$tool" --field "variant=$variant"
		--field "rate=$rate" --field "probes=$probes" --field "rep=$rep"
		--field "cooldown_s=${COOLDOWN_NOW:-$COOLDOWN}" --field "sweep=$SWEEP")
	[[ -n $META ]] && args+=(--metadata "$META")
	[[ -n ${STOP_AFTER:-} ]] && args+=(--stop-after "$STOP_AFTER")
	((NUDGE)) && args+=(--nudge-ns "$LAB_TGT" --nudge-addr "$LAB_SCAN_ADDR"
		--nudge-regex 'waiting -?[0-9]+-secs')
	[[ -n ${TRUTH_FILE:-} ]] && args+=(--truth "$TRUTH_FILE")
	[[ -n ${TRUTH_CIDR:-} ]] && args+=(--truth-cidr "$TRUTH_CIDR")
	[[ -n ${NAMES_FILE:-} ]] && args+=(--names "$NAMES_FILE")
	[[ -n ${SUBSET_FILE:-} ]] && args+=(--subset "$SUBSET_FILE")
	[[ -n ${IGNORE_ADDR:-} ]] && args+=(--ignore "$IGNORE_ADDR")
	timeout -k 5 $((${limit%.*} + 60)) ip netns exec "$scan_ns" "$PY" "$LIB/runone.py" \
		"${args[@]}" -- "${CMD[@]}" ||
		record "{$base,\"status\":\"error\",\"note\":\"bench runner failed\"}"
	if ((KEEP)); then
		local f
		for f in "$p".*; do [[ -e $f ]] && mv "$f" "$OUT/raw/"; done
	else
		rm -f "$p".*
	fi
	sleep 0.1 # let the target's queues drain between runs
}

# run_set SCEN PROBES RATE...: every tool at every rate, REPS times; the tool order rotates
# from one repetition to the next so that no tool always runs first.
run_set() {
	local scen=$1 probes=$2
	shift 2
	local rate rep i tools=()
	mapfile -t tools < <(scenario_tools "$scen")
	local n=${#tools[@]}
	((n)) || return 0
	for ((rep = 1; rep <= REPS; rep++)); do
		for rate in "$@"; do
			log "[$scen] rate=$rate rep $rep/$REPS"
			for ((i = 0; i < n; i++)); do
				run_tool "${tools[(i + rep - 1) % n]}" "$scen" "$rate" "$probes" "$rep"
			done
		done
	done
}
