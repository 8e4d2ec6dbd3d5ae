# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with bench/run and the other files
# internet: an Internet-like path.  tests/lab/isw-responder answers a seeded live set of the
# swept prefix behind a TUN device in the target namespace, after per-host RTTs of 10 ms to 3 s
# (log-normal mix), with loss (a tenth of the hosts lose 30% of requests) and 1% duplicates.
# Every tool runs at its own defaults (COOLDOWN_NOW=default: icmpsweep -c auto, zmap
# --cooldown-time 8, fping's and nmap's own timeouts and retries) at 10k probes/s, the
# default rate of icmpsweep and zmap; the table gives recall of the hosts that answer every
# time (exact truth), recall of all live hosts (lossy ones included: random by design) and the
# time to a complete result (start to exit).
# fping and nmap with their own defaults take 50 s and 75 s for the full /16 (three quarters of
# the scenario's time, and would push a full run past half an hour): they run in --quick and
# --smoke (a /19 and a /22), not in a full run.
case $MODE in
full) INET_TOOLS="icmpsweep zmap zmap-debian" ;;
*) INET_TOOLS="icmpsweep zmap zmap-debian fping nmap" ;;
esac
scenario_register internet 60 "internet: RTT 10 ms-3 s, lossy hosts, duplicates; each tool at its defaults: recall and time to a complete result" \
	"tool,rate,reliable,liverecall,precision,dups,complete,wallx,cpu,rss" \
	"$INET_TOOLS"
case $MODE in
full) INET_NET=198.18.0.0/16 INET_LIVE=0.02 ;;
quick) INET_NET=198.18.0.0/19 INET_LIVE=0.1 ;;
smoke) INET_NET=198.18.0.0/22 INET_LIVE=0.1 ;;
esac
INET_RATE=10000 # icmpsweep's and zmap's default rate
INET_SEED=20251128
meta_line "internet_net=$INET_NET" "internet_live_share=$INET_LIVE" "internet_rate=$INET_RATE" \
	"internet_lossy=0.1" "internet_loss=0.3" "internet_dup=0.01" "internet_seed=$INET_SEED"

# The responder: built with the tests, but bench/run's own build has no tests; one C file.
inet_responder() {
	local bin="$BENCH_BUILD/isw-responder" src="$ROOT/tests/lab/isw-responder.c"
	if [[ ! -x $bin || $src -nt $bin ]]; then
		cc -O2 -o "$bin" "$src" -lm || die "building $src failed"
	fi
	echo "$bin"
}

# fping and nmap at their own retries and timeouts: tool_cmd's lab settings (-r N -B 1;
# --max-retries, --initial-rtt-timeout) left out.  The rest as in tool_cmd.
tool_cmd_internet() {
	tool_cmd "$@"
	local -a keep=()
	local i=0 n=${#CMD[@]}
	case $1 in
	fping | nmap)
		while ((i < n)); do
			case ${CMD[i]} in
			-r | -B | --max-retries | --initial-rtt-timeout) i=$((i + 2)); continue ;;
			esac
			keep+=("${CMD[i]}")
			i=$((i + 1))
		done
		CMD=("${keep[@]}")
		;;
	esac
}

inet_stop() { lab_internet_stop 2>/dev/null || true; }

scenario_internet() {
	local rsp
	rsp=$(inet_responder)
	lab_up internet
	CLEANUP_HOOKS+=(inet_stop)
	lab_internet "$rsp" "$W/inet-truth" --live "$INET_LIVE" --lossy 0.1 --loss 0.3 --dup 0.01 \
		--seed "$INET_SEED" --seconds 3600
	# Ground truth within the swept prefix: every live host, and the reliable ones.
	"$PY" - "$INET_NET" "$W/inet-truth" "$W/inet-live.txt" "$W/inet-reliable.txt" <<-'PYEOF'
	import ipaddress, sys
	net = ipaddress.IPv4Network(sys.argv[1])
	with open(sys.argv[3], "w") as live, open(sys.argv[4], "w") as rel:
	    for line in open(sys.argv[2]):
	        a, _, kind = line.split()
	        if ipaddress.IPv4Address(a) in net:
	            live.write(a + "\n")
	            if kind == "reliable":
	                rel.write(a + "\n")
	PYEOF
	SWEEP=$INET_NET TARGETS=$(net_size "$INET_NET") TRUTH_CIDR='' NAMES_FILE=''
	TRUTH_FILE="$W/inet-live.txt" SUBSET_FILE="$W/inet-reliable.txt"
	log "[internet] $(wc -l <"$TRUTH_FILE") live hosts in $INET_NET, $(wc -l <"$SUBSET_FILE") reliable"
	targets_files "$SWEEP" 1
	COOLDOWN_NOW=default
	run_set internet 1 "$INET_RATE"
	COOLDOWN_NOW='' SUBSET_FILE=''
	# shellcheck disable=SC2153 # KEEP is bench/run's
	((KEEP)) && cp "$W/inet-truth" "$OUT/raw/internet-truth.txt"
	inet_stop
	lab_destroy
}
