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
if [[ $MODE == full ]]; then LAN_RATES=(5000 50000); else LAN_RATES=(5000); fi
meta_line "lan_net=$LAN_NET" "lan_hosts=$LAN_HOSTS" "lan_live=$LAN_LIVE" \
	"lan_dropper_share=$LAN_DROPPER_SHARE" "lan_arp_tries=$LAN_ARP_TRIES" "lan_rates=${LAN_RATES[*]}"
CLEANUP_HOOKS+=(lan_destroy)

# A bridge in a switch namespace; the scanner (LAN_SCAN_ADDR/22 on eth0) and LAN_HOSTS host
# namespaces hang off it.  Each host owns its share of LAN_LIVE random addresses: the first
# on eth0, the rest as `local` routes on lo, which the kernel answers ARP for (arp_ignore=0)
# and ICMP echo too.  The last host drops ICMP echo (nftables), so only ARP finds its
# addresses (icmpsweep reports them as arp-only).  The ground truth is exact: every present
# address answers ARP.  Names carry the run's pid; lan_destroy (also on EXIT/INT/TERM through
# bench_cleanup) deletes them.
LAN_NSS=()
LAN_TMP=
LAN_SCAN=

lan_destroy() {
	local ns
	local -a pids
	for ns in ${LAN_NSS[@]+"${LAN_NSS[@]}"}; do
		mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null || true)
		((${#pids[@]} == 0)) || kill "${pids[@]}" 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	LAN_NSS=()
	LAN_SCAN=
	if [[ -n $LAN_TMP && -d $LAN_TMP ]]; then rm -rf "$LAN_TMP"; fi
	LAN_TMP=
}

lan_ns_add() { # lan_ns_add NAME: a namespace with lo up, no IPv6 (silent links)
	ip netns add "$1" || die "cannot create namespace $1"
	LAN_NSS+=("$1")
	ip -n "$1" link set lo up
	lab_sysctls "$1"
}

lan_up() {
	local p="isw-$$-$RANDOM-lan" i n
	LAN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/isw-bench-lan.XXXXXX")
	W=$LAN_TMP
	# Ground truth: LAN_LIVE random addresses of the segment (not the network, broadcast or
	# scanner address); the dropper's share last.
	"$PY" - "$LAN_NET" "$LAN_SCAN_ADDR" "$LAN_LIVE" "$LAN_HOSTS" "$LAN_DROPPER_SHARE" "$W" <<-'EOF'
	import ipaddress, os, random, sys
	net, scan = ipaddress.IPv4Network(sys.argv[1]), ipaddress.IPv4Address(sys.argv[2])
	live, hosts, drop_share, w = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
	pool = [a for a in net.hosts() if a != scan]
	addrs = random.Random(20251203).sample(pool, live)
	share = [addrs[:live - drop_share][i::hosts - 1] for i in range(hosts - 1)]
	share.append(addrs[live - drop_share:])
	with open(os.path.join(w, "live.txt"), "w") as f:
	    f.write("".join("%s\n" % a for a in sorted(addrs)))
	for i, sh in enumerate(share, 1):
	    with open(os.path.join(w, "h%d.txt" % i), "w") as f:
	        f.write("".join("%s\n" % a for a in sh))
	with open(os.path.join(w, "dropper.txt"), "w") as f:
	    f.write("".join("%s\n" % a for a in share[-1]))
	EOF
	lan_ns_add "$p-sw"
	ip -n "$p-sw" link add br0 type bridge
	ip -n "$p-sw" link set br0 up
	LAN_SCAN="$p-s"
	lan_ns_add "$LAN_SCAN"
	for ((i = 1; i <= LAN_HOSTS; i++)); do
		lan_ns_add "$p-h$i"
		ip netns exec "$p-h$i" sysctl -qw net.ipv4.icmp_ratelimit=0 \
			net.ipv4.icmp_msgs_per_sec=100000000 net.ipv4.icmp_msgs_burst=100000000 \
			net.ipv4.conf.all.arp_ignore=0 net.ipv4.conf.default.arp_ignore=0
	done
	for n in s $(seq -f 'h%g' 1 "$LAN_HOSTS"); do
		ip -n "$p-$n" link add eth0 type veth peer name "p$n" netns "$p-sw"
		ip -n "$p-sw" link set "p$n" master br0 up
		ip -n "$p-$n" link set eth0 up
	done
	ip -n "$LAN_SCAN" addr add "$LAN_SCAN_ADDR/${LAN_NET#*/}" dev eth0
	for ((i = 1; i <= LAN_HOSTS; i++)); do
		ip -n "$p-h$i" addr add "$(head -n1 "$W/h$i.txt")/${LAN_NET#*/}" dev eth0
		tail -n +2 "$W/h$i.txt" | sed 's|.*|route add local &/32 dev lo|' >"$W/h$i.batch"
		[[ -s $W/h$i.batch ]] && ip -n "$p-h$i" -batch "$W/h$i.batch"
	done
	local dropper="$p-h$LAN_HOSTS"
	ip netns exec "$dropper" nft add table ip isw_bench
	ip netns exec "$dropper" nft add chain ip isw_bench in '{ type filter hook input priority 0; }'
	ip netns exec "$dropper" nft add rule ip isw_bench in icmp type echo-request drop
	# The segment works: the first host answers a ping (bounded wait).
	local first
	first=$(head -n1 "$W/h1.txt")
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$LAN_SCAN" ping -c1 -W1 -q "$first" >/dev/null 2>&1 && break
		sleep 0.1
	done
	((i < 50)) || die "lan: the bridge does not carry traffic"
	log "[lan] $LAN_HOSTS hosts on a bridge, $LAN_LIVE present addresses in $LAN_NET" \
		"($LAN_DROPPER_SHARE on ${dropper##*-}, which drops ICMP echo)"
}

# Before every run: empty ARP caches everywhere, so no tool profits from the previous one.
lan_flush_neigh() {
	local ns
	for ns in "${LAN_NSS[@]}"; do ip -n "$ns" neigh flush all 2>/dev/null || true; done
	sleep 0.1
}

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
	lan_up
	SWEEP=$LAN_NET TARGETS=$(($(net_size "$LAN_NET") - 1)) TRUTH_FILE="$W/live.txt" TRUTH_CIDR=''
	NAMES_FILE='' SUBSET_FILE="$W/dropper.txt" RUN_NS=$LAN_SCAN RUN_IF=eth0 PRE_RUN=lan_flush_neigh
	run_set lan 1 "${LAN_RATES[@]}"
	SUBSET_FILE='' RUN_NS='' RUN_IF='' PRE_RUN=''
	lan_destroy
}

