# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with bench/run and the other files
# lan: one L2 segment (a bridge) with a few hosts owning random addresses of a /22: icmpsweep
# (ARP pass, then ICMP) against nmap -sn -PR and arp-scan; one host drops ICMP echo, so only
# ARP finds its addresses.
scenario_register lan 10 "lan: one L2 segment (bridge), hosts found by ARP; icmpsweep, nmap -sn -PR, arp-scan" \
	"tool,rate,wall,sent,replies,recall,precision,dups,subset,arponly,cpu,rss" \
	"icmpsweep nmap arp-scan"
LAN_NET=198.18.0.0/22   # the segment, swept whole
LAN_SCAN_ADDR=198.18.0.1
LAN_HOSTS=4             # host namespaces on the bridge; the last one drops ICMP echo
LAN_LIVE=200            # random present addresses of LAN_NET, spread over the hosts
LAN_DROPPER_SHARE=20    # of which the echo-dropping host owns this many
LAN_ARP_TRIES=2         # ARP requests per silent address, for every tool
LAN_SEED=20251203       # of the random choice of present addresses
if [[ $MODE == full ]]; then LAN_RATES=(5000 50000); else LAN_RATES=(5000); fi
meta_line "lan_net=$LAN_NET" "lan_hosts=$LAN_HOSTS" "lan_live=$LAN_LIVE" \
	"lan_dropper_share=$LAN_DROPPER_SHARE" "lan_arp_tries=$LAN_ARP_TRIES" "lan_rates=${LAN_RATES[*]}"
# shellcheck source=bench/lib/lanlab.sh
source "$LIB/lanlab.sh"

# The lan commands: the same rate, LAN_ARP_TRIES ARP requests to silent addresses, one
# cooldown, no DNS, and the scanner's own address left out (nmap would list itself).
tool_cmd_lan() {
	local tool=$1 rate=$3 seed=$5 p=$6
	RESULT="$p.out" META='' OK_CODES=0 NUDGE=0
	case $tool in
	icmpsweep)
		# The ARP pass comes first on its own (two tries), then one ICMP echo per host that
		# answered; hosts that answered ARP only are printed as arp-only.
		META="$p.meta.json"
		CMD=("$ISW_BIN" -i eth0 -n -q -r "$rate" -c "$COOLDOWN" --seed "$seed" -O csv
			-o "$RESULT" --metadata "$META" -x "$LAN_SCAN_ADDR"
			${ISW_EXTRA[@]+"${ISW_EXTRA[@]}"} "$SWEEP")
		;;
	nmap)
		# As root on an on-link target nmap pings by ARP (-PR, made explicit); one host group
		# for the whole segment.
		CMD=(nmap -sn -n -PR -e eth0 --max-retries $((LAN_ARP_TRIES - 1))
			--min-hostgroup "$TARGETS" --initial-rtt-timeout 50ms
			--max-rtt-timeout "${COOLDOWN}s" --min-rate "$rate" --max-rate "$rate"
			--exclude "$LAN_SCAN_ADDR" -oG "$RESULT" "$SWEEP")
		;;
	arp-scan)
		# -i: packet interval (the rate); -r: tries per host; -t: per-host wait, no backoff.
		CMD=(arp-scan -I eth0 -q -x -N -r "$LAN_ARP_TRIES" -b 1 -t $((COOLDOWN * 1000))
			-i "$((1000000 / rate))u" "$SWEEP")
		RESULT="$p.stdout"
		;;
	*) die "tool_cmd_lan: no command for $tool" ;;
	esac
}

scenario_lan() {
	lan_up lan "$LAN_NET" "$LAN_SCAN_ADDR" "$LAN_LIVE" "$LAN_HOSTS" "$LAN_DROPPER_SHARE" "$LAN_SEED"
	SWEEP=$LAN_NET TARGETS=$(($(net_size "$LAN_NET") - 1)) TRUTH_FILE="$W/live.txt" TRUTH_CIDR=''
	NAMES_FILE='' SUBSET_FILE="$W/dropper.txt" RUN_NS=$LAN_SCAN RUN_IF=eth0 PRE_RUN=lan_flush_neigh
	run_set lan 1 "${LAN_RATES[@]}"
	SUBSET_FILE='' RUN_NS='' RUN_IF='' PRE_RUN=''
	lan_destroy
}

