# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with bench/run and the other files
# drop: the target drops every probe (XDP, else a blackhole route): the sustained send rate of
# each tool at its maximum (-r 0 / unlimited), from the scanner veth's counters.
#
# Each tool (and thread variant) first sends one probe to every address of DROP_NET for at
# most DROP_CAL_S seconds (the calibration); its rate there sizes the measured runs to send
# for about DROP_SECONDS: the /15 with P probes per target for fast senders, a smaller prefix
# with one probe for slow ones.  Every measured run is sampled every 100 ms; its steady-state
# rate leaves out a ramp at each end (bench/lib/benchlib.py steady_figures) and is no headline
# figure when under one second.  Nothing answers, so every tool gets a cooldown of 0.
scenario_register drop 20 "drop: the target drops every probe; sustained send rate at each tool's maximum" \
	"tool,threads,net,sent,steady,steadyx,window,first,wall,cpu,rss,drops"
case $MODE in
full) DROP_NET=198.18.0.0/15 DROP_SECONDS=5 DROP_CAL_S=2 ;;
quick) DROP_NET=198.18.0.0/15 DROP_SECONDS=2 DROP_CAL_S=1.5 ;;
smoke) DROP_NET=198.18.0.0/20 DROP_SECONDS=0 DROP_CAL_S=0 ;; # no calibration: the /20 once
esac
DROP_WAIT_MS=100      # fping -t, nmap RTT timeouts: nothing will answer
DROP_MAX_PROBES=255   # icmpsweep -P takes 1..255
DROP_MIN_PREFIX=24    # slow senders get at least a /24
DROP_SAMPLE_MS=100
meta_line "drop_net=$DROP_NET" "drop_seconds=$DROP_SECONDS" "drop_calibration_s=$DROP_CAL_S" \
	"drop_sample_ms=$DROP_SAMPLE_MS"

# The target drops every frame: an XDP program returning XDP_DROP on its veth (cheapest, so
# the target's CPU does not bound the sender), else a blackhole route for the whole space.
DROP_MODE=
drop_everything() {
	local obj="$BENCH_BUILD/xdp-drop.o"
	DROP_MODE=blackhole-route
	if have clang; then
		if [[ ! -s $obj || $LIB/xdp-drop.c -nt $obj ]]; then
			clang -O2 -target bpf -c "$LIB/xdp-drop.c" -o "$obj" 2>/dev/null || rm -f "$obj"
		fi
		if [[ -s $obj ]] && ip -n "$LAB_TGT" link set dev "$LAB_TGT_IF" xdpdrv obj "$obj" sec xdp 2>/dev/null; then
			DROP_MODE=xdp-drop
		fi
	fi
	# Even with XDP: a blackhole makes sure nothing answers should XDP let a frame through.
	: >"$W/none.txt"
	lab_live_set "$W/none.txt"
	log "[drop] target drops with: $DROP_MODE"
	meta_line "drop_mode=$DROP_MODE"
}

# The rows: every tool at its defaults; icmpsweep and zmap 4.x also at 1 sender thread and at
# one per CPU (thread scaling).
drop_variants() {
	case $1 in
	icmpsweep | zmap)
		echo ""
		echo "-T 1"
		((NCPU > 1)) && echo "-T $NCPU"
		;;
	*) echo "" ;;
	esac
	return 0
}

# drop_size RECORD [MAX_TARGETS]: "NET PROBES" for about DROP_SECONDS of sending at the rate
# the run of RECORD (a calibration, or a measured run that was too short) achieved.
drop_size() {
	"$PY" - "$1" "$DROP_NET" "$DROP_SECONDS" "$DROP_CAL_S" "$DROP_MAX_PROBES" "$DROP_MIN_PREFIX" <<-'PYEOF'
	import ipaddress, json, math, sys
	path, net, secs, cal_s, pmax, minpfx = sys.argv[1], ipaddress.IPv4Network(sys.argv[2]), \
	    float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
	rec = {}
	try:
	    rec = json.loads(open(path).read().splitlines()[-1])
	except (OSError, IndexError, ValueError):
	    pass
	tx = rec.get("tx_packets") or 0
	span = rec.get("send_span_s") or 0
	rate = tx / span if tx >= 100 and span > 0.005 else tx / cal_s
	rate = max(rate, 1000.0)
	need = rate * secs * 1.3  # a margin: the steady window must stay over 3 s
	size = net.num_addresses
	if need >= size:
	    print(net, min(pmax, math.ceil(need / size)))
	else:
	    bits = max(net.prefixlen, min(minpfx, 32 - math.ceil(math.log2(need))))
	    print("%s/%d" % (net.network_address, bits), 1)
	PYEOF
}

# Tools whose size is not calibrated.  masscan's --retries walks `rate` more indices per retry:
# at its maximum rate each retry is minutes of sending, so it gets many and is interrupted
# after the window.  nmap sends at most two echo requests per host however many retries it is
# allowed, and sets up each host group before sending to it: the whole /15 once, host group
# after host group, is its sustained rate.
drop_fixed_size() {
	case $1 in
	masscan) echo "$DROP_NET $DROP_MAX_PROBES" ;;
	nmap) echo "$DROP_NET 1" ;;
	esac
}

# drop_measure ROW REP: one measured run of ROW ("TOOL|VARIANT") at its size.  In the first
# repetition a run that sent for much less than DROP_SECONDS (the calibration misjudged a slow
# starter) re-sizes the row from its own rate and runs again; the short run is kept out of
# the results.
drop_measure() {
	local row=$1 rep=$2 t=${1%%|*} v=${1#*|} net probes try
	for try in 1 2; do
		read -r net probes <<<"${size_of[$row]}"
		SWEEP=$net TARGETS=$(net_size "$net")
		targets_files "$SWEEP" "$probes"
		: >"$W/run.jsonl"
		local stop=
		[[ $t == masscan ]] && ((DROP_SECONDS > 0)) && stop=$((DROP_SECONDS + 1))
		RECORD_TO="$W/run.jsonl" STOP_AFTER=$stop RUN_LIMIT_NOW=$((DROP_SECONDS * 10 + 30)) \
			SAMPLE_MS=$DROP_SAMPLE_MS run_tool "$t" drop 0 "$probes" "$rep" "$v"
		if ((rep == 1 && try == 1 && DROP_SECONDS > 0)) && [[ -z $(drop_fixed_size "$t") ]] &&
			"$PY" -c 'import json,sys; r=json.loads(open(sys.argv[1]).read().splitlines()[-1]); sys.exit(0 if r.get("status") == "ok" and (r.get("send_span_s") or 0) < 0.7 * float(sys.argv[2]) else 1)' \
				"$W/run.jsonl" "$DROP_SECONDS" 2>/dev/null; then
			cat "$W/run.jsonl" >>"$W/cal.jsonl"
			local old=${size_of[$row]}
			size_of[$row]=$(drop_size "$W/run.jsonl")
			if [[ ${size_of[$row]} != "$old" ]]; then
				log "[drop] $t${v:+ $v}: sent for too short a time; now ${size_of[$row]/ / x } probe(s) per target"
				continue
			fi
		fi
		cat "$W/run.jsonl" >>"$RUNS"
		return 0
	done
	cat "$W/run.jsonl" >>"$RUNS"
}

scenario_drop() {
	lab_up drop
	SWEEP=$DROP_NET TARGETS=$(net_size "$DROP_NET") TRUTH_FILE="$W/none.txt" TRUTH_CIDR='' NAMES_FILE=''
	drop_everything
	COOLDOWN_NOW=0
	local rows=() t v
	while read -r t; do
		while IFS= read -r v; do rows+=("$t|$v"); done < <(drop_variants "$t")
	done < <(scenario_tools drop)
	local n=${#rows[@]} i rep row
	declare -gA size_of=()
	: >"$W/cal.jsonl"
	for row in "${rows[@]}"; do
		t=${row%%|*} v=${row#*|}
		if ((DROP_SECONDS == 0)); then
			size_of[$row]="$DROP_NET 1"
			continue
		fi
		size_of[$row]=$(drop_fixed_size "$t")
		[[ -n ${size_of[$row]} ]] && continue
		SWEEP=$DROP_NET TARGETS=$(net_size "$DROP_NET")
		targets_files "$SWEEP" 1
		: >"$W/run.jsonl"
		RECORD_TO="$W/run.jsonl" RUN_LIMIT_NOW=$DROP_CAL_S SAMPLE_MS=5 \
			run_tool "$t" drop 0 1 0 "$v" 2>/dev/null
		cat "$W/run.jsonl" >>"$W/cal.jsonl"
		size_of[$row]=$(drop_size "$W/run.jsonl")
		log "[drop] $t${v:+ $v}: calibrated, sends ${size_of[$row]/ / x } probe(s) per target"
	done
	for ((rep = 1; rep <= REPS; rep++)); do
		log "[drop] rep $rep/$REPS"
		for ((i = 0; i < n; i++)); do
			drop_measure "${rows[(i + rep - 1) % n]}" "$rep"
		done
	done
	((KEEP)) && cp "$W/cal.jsonl" "$OUT/raw/drop-calibration.jsonl"
	COOLDOWN_NOW=
	lab_destroy
}
