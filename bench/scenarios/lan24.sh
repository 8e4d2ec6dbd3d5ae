# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with bench/run and the other files
# lan24: the everyday case, a /24 LAN swept by each tool at its own defaults, as a new user
# types it: only the options that name the interface, skip DNS and write a parsable result.
# The segment is lan's (bench/lib/lanlab.sh) at /24 size: a few hosts owning random addresses,
# one of which drops ICMP echo, so tools that ping with ICMP alone (fping) miss its addresses
# and the recall column says so.  Wall time is start to exit, median and min–max.
# fping at its defaults takes 9 s for the /24 (four tries with backoff to each silent address,
# 10 ms apart): more than the smoke run should spend here, so --smoke leaves it out.
LAN24_TOOLS="icmpsweep nmap arp-scan fping"
[[ $MODE == smoke ]] && LAN24_TOOLS="icmpsweep nmap arp-scan"
scenario_register lan24 15 "lan24: a /24 LAN, each tool at its own defaults as a new user types it; wall time, recall, precision" \
	"tool,wallrange,recall,precision,subset,arponly,self,sent,replies,cpu,rss" \
	"$LAN24_TOOLS"
LAN24_NET=198.18.0.0/24
LAN24_SCAN_ADDR=198.18.0.1
LAN24_HOSTS=4         # host namespaces on the bridge; the last one drops ICMP echo
LAN24_LIVE=40         # random present addresses of the /24, spread over the hosts
LAN24_DROPPER_SHARE=5 # of which the echo-dropping host owns this many
LAN24_SEED=20251204   # of the random choice of present addresses
meta_line "lan24_net=$LAN24_NET" "lan24_hosts=$LAN24_HOSTS" "lan24_live=$LAN24_LIVE" \
	"lan24_dropper_share=$LAN24_DROPPER_SHARE"
# shellcheck source=bench/lib/lanlab.sh
source "$LIB/lanlab.sh"

# Each tool's defaults (rate, retries, timeouts, cooldown); the flags are the interface, no
# DNS and a parsable result, nothing else (bench/README.md, "Every peer at its best", says
# what those defaults are).  The scanner's own address is not excluded: nmap and fping list
# it, which the table shows ("Own address") without counting it either way.
tool_cmd_lan24() {
	local tool=$1 p=$6
	RESULT="$p.out" META='' OK_CODES=0 NUDGE=0
	case $tool in
	icmpsweep)
		CMD=("$ISW_BIN" -i eth0 -n -O csv -o "$RESULT" ${ISW_EXTRA[@]+"${ISW_EXTRA[@]}"}
			"$SWEEP")
		;;
	nmap) CMD=(nmap -sn -n -e eth0 -oG "$RESULT" "$SWEEP") ;; # as root on-link: ARP ping
	arp-scan)
		CMD=(arp-scan -I eth0 -x "$SWEEP")
		RESULT="$p.stdout"
		;;
	fping)
		CMD=(fping -a -q -g "$SWEEP")
		RESULT="$p.stdout"
		OK_CODES=0,1 # 1: some targets unreachable, which a sweep always has
		;;
	*) die "tool_cmd_lan24: no command for $tool" ;;
	esac
}

scenario_lan24() {
	lan_up lan24 "$LAN24_NET" "$LAN24_SCAN_ADDR" "$LAN24_LIVE" "$LAN24_HOSTS" \
		"$LAN24_DROPPER_SHARE" "$LAN24_SEED"
	SWEEP=$LAN24_NET TARGETS=$(net_size "$LAN24_NET") TRUTH_FILE="$W/live.txt" TRUTH_CIDR=''
	NAMES_FILE='' SUBSET_FILE="$W/dropper.txt" IGNORE_ADDR=$LAN24_SCAN_ADDR
	RUN_NS=$LAN_SCAN RUN_IF=eth0 PRE_RUN=lan_flush_neigh COOLDOWN_NOW=default
	# Rate 0 in the records: no common rate, each tool keeps its own.
	run_set lan24 1 0
	SUBSET_FILE='' IGNORE_ADDR='' RUN_NS='' RUN_IF='' PRE_RUN='' COOLDOWN_NOW=''
	lan_destroy
}
