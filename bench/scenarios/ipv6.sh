# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with bench/run and the other files
# ipv6: ICMPv6 echo sweeps.  ipv6: a /112 where every address answers (recall, duplicates and
# wall time by requested rate).  ipv6hit: a hitlist of random addresses in a /64 of which a
# few answer, under random loss each way, with each tool's own retries (the issue's 1M-line
# hitlist with 10,000 live addresses in full mode).  The lab's link gets IPv6 addresses of
# 2001:db8:ffff::/64; the target answers for 2001:db8:1::/112 (a local route on its lo) and,
# for the hitlist, for local /128 routes under a blackholed 2001:db8:2::/48.
scenario_register ipv6 60 "ipv6: every address of an IPv6 /112 answers; recall and wall time by requested rate" \
	"tool,rate,wall,pps,replies,recall,precision,dups,cpu,rss,drops" \
	"icmpsweep fping nmap masscan"
scenario_register ipv6hit 61 "ipv6hit: an IPv6 hitlist, a few live, random loss each way; each tool's own retries" \
	"tool,rate,wall,ppt,recall,rpp,precision,dups,cpu,rss,drops" \
	"icmpsweep fping"
case $MODE in
full) V6_DENSE=2001:db8:1::/112 V6_RATES=(100000 0) V6_HIT_LINES=1000000 V6_HIT_LIVE=10000 ;;
quick) V6_DENSE=2001:db8:1::/112 V6_RATES=(100000) V6_HIT_LINES=100000 V6_HIT_LIVE=1000 ;;
smoke) V6_DENSE=2001:db8:1::/120 V6_RATES=(50000) V6_HIT_LINES=10000 V6_HIT_LIVE=100 ;;
esac
V6_HIT_NET=2001:db8:2::/64 # the hitlist's addresses; 2001:db8:2::/48 is blackholed
V6_HIT_RATE=100000
V6_LOSS_PCT=5
V6_HIT_PROBES=3
V6_SCAN_ADDR=2001:db8:ffff::1
V6_TGT_ADDR=2001:db8:ffff::2
meta_line "ipv6_dense=$V6_DENSE" "ipv6_rates=${V6_RATES[*]}" "ipv6hit_lines=$V6_HIT_LINES" \
	"ipv6hit_live=$V6_HIT_LIVE" "ipv6hit_net=$V6_HIT_NET" "ipv6hit_rate=$V6_HIT_RATE" \
	"ipv6hit_loss_pct_each_way=$V6_LOSS_PCT" "ipv6hit_probes=$V6_HIT_PROBES"

# ipv6_lab: IPv6 on the lab's link (lab.sh keeps IPv6 off), quiet: no DAD, no router
# solicitations, static neighbours both ways, so the tx counters count probes.
ipv6_lab() {
	local ns ifc
	for ns in "$LAB_SCAN" "$LAB_TGT"; do
		ifc=$LAB_SCAN_IF
		[[ $ns == "$LAB_TGT" ]] && ifc=$LAB_TGT_IF
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_ra=0 \
			net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.router_solicitations=0 \
			net.ipv6.conf.default.router_solicitations=0 net.ipv6.icmp.ratelimit=0
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
			net.ipv6.conf.lo.disable_ipv6=0 "net.ipv6.conf.$ifc.disable_ipv6=0"
	done
	ip -n "$LAB_SCAN" addr add "$V6_SCAN_ADDR/64" dev "$LAB_SCAN_IF" nodad
	ip -n "$LAB_TGT" addr add "$V6_TGT_ADDR/64" dev "$LAB_TGT_IF" nodad
	ip -n "$LAB_SCAN" -6 neigh replace "$V6_TGT_ADDR" lladdr "$(lab_tgt_mac)" dev "$LAB_SCAN_IF" nud permanent
	ip -n "$LAB_TGT" -6 neigh replace "$V6_SCAN_ADDR" lladdr "$(lab_scan_mac)" dev "$LAB_TGT_IF" nud permanent
	ip -n "$LAB_SCAN" -6 route add 2001:db8::/32 via "$V6_TGT_ADDR" dev "$LAB_SCAN_IF"
}

# ipv6_loss PERCENT: drop PERCENT% of ICMPv6 echo requests arriving and, independently, of
# echo replies leaving the target namespace (lab_loss does the same for IPv4).
ipv6_loss() {
	ip netns exec "$LAB_TGT" nft -f - <<-EOF
	table ip6 isw_lab6 {
		chain pre { type filter hook prerouting priority -300; policy accept;
			icmpv6 type echo-request numgen random mod 100 < $1 drop; }
		chain out { type filter hook output priority -300; policy accept;
			icmpv6 type echo-reply numgen random mod 100 < $1 drop; }
	}
	EOF
}

# ipv6_hitlist LINES LIVE: $W/hitlist.txt (LINES random addresses of V6_HIT_NET, fixed
# seed) and $W/live.txt (the first LIVE of them, sorted); the target answers exactly those.
ipv6_hitlist() {
	"$PY" - "$1" "$2" "$V6_HIT_NET" "$W" <<-'PYEOF'
	import ipaddress, os, random, sys
	lines, live, net, w = int(sys.argv[1]), int(sys.argv[2]), ipaddress.ip_network(sys.argv[3]), sys.argv[4]
	rng = random.Random(20261205)
	base, bits = int(net.network_address), 128 - net.prefixlen
	seen = set()
	while len(seen) < lines:  # bounded: the space is 2^64, collisions are rare
	    seen.add(base + rng.getrandbits(bits))
	addrs = list(seen)
	rng.shuffle(addrs)
	text = [str(ipaddress.IPv6Address(a)) for a in addrs]
	with open(os.path.join(w, "hitlist.txt"), "w") as f:
	    f.write("\n".join(text) + "\n")
	with open(os.path.join(w, "live.txt"), "w") as f:
	    f.write("\n".join(sorted(text[:live])) + "\n")
	with open(os.path.join(w, "live6.batch"), "w") as f:
	    f.write("route replace blackhole 2001:db8:2::/48\n")
	    f.writelines("route replace local %s/128 dev lo\n" % a for a in text[:live])
	PYEOF
	ip -n "$LAB_TGT" -6 -batch "$W/live6.batch" || die "ip -batch failed for the IPv6 live set"
}

# fping chunks of a target file, as targets_files makes them for a network.
ipv6_chunks() {
	local file=$1 probes=$2
	FPING_CHUNKS="$W/chunks-v6-$probes"
	rm -rf "$FPING_CHUNKS"
	mkdir -p "$FPING_CHUNKS"
	split -a 4 -d -l $((65000 / probes)) "$file" "$FPING_CHUNKS/chunk."
}

# The IPv6 spelling of each tool's command: no -S/-G (their kernel, or icmpsweep's own
# route and neighbour lookup, finds the source and next hop), targets from V6_TARGETS (a
# network) or V6_LIST (a file).
# shellcheck disable=SC2207 # $(cd_opt ...) yields options without spaces, or nothing
tool_cmd_ipv6() {
	local tool=$1 scen=$2 rate=$3 probes=$4 seed=$5 p=$6 cd i args=()
	cd=$(cooldown_now)
	tool_cmd "$@"
	case $tool in
	icmpsweep)
		for ((i = 1; i < ${#CMD[@]} - 1; i++)); do # drop -S ADDR, -G MAC and the IPv4 sweep
			case ${CMD[i]} in
			-S | -G) i=$((i + 1)) ;;
			*) args+=("${CMD[i]}") ;;
			esac
		done
		CMD=("${CMD[0]}" "${args[@]}")
		if [[ -n ${V6_LIST:-} ]]; then CMD+=(-I "$V6_LIST"); else CMD+=("$SWEEP"); fi
		;;
	fping)
		CMD+=(-6)
		;;
	nmap)
		CMD=("${CMD[@]:0:${#CMD[@]}-1}") # the sweep, and -iL instead for nmap's parsing
		CMD=(nmap -6 "${CMD[@]:1}" -iL "$W/targets.txt")
		;;
	masscan)
		CMD=(masscan --ping "$SWEEP" --rate "$([[ $rate -gt 0 ]] && echo "$rate" || echo 100000000)"
			--retries $((probes - 1)) --router-mac "$(lab_tgt_mac)" -e "$LAB_SCAN_IF"
			--adapter-ip "$V6_SCAN_ADDR" $(cd_opt --wait "$cd") --seed "$seed" -oL "$RESULT")
		;;
	esac
}
tool_cmd_ipv6hit() { tool_cmd_ipv6 "$@"; }

scenario_ipv6() {
	lab_up ipv6
	ipv6_lab
	SWEEP=$V6_DENSE TARGETS=$(net_size "$V6_DENSE") TRUTH_FILE='' TRUTH_CIDR=$V6_DENSE NAMES_FILE=''
	V6_LIST=''
	ip -n "$LAB_TGT" -6 route replace local "$V6_DENSE" dev lo
	targets_files "$SWEEP" 1
	run_set ipv6 1 "${V6_RATES[@]}"
	lab_destroy
}

scenario_ipv6hit() {
	lab_up ipv6hit
	ipv6_lab
	ipv6_hitlist "$V6_HIT_LINES" "$V6_HIT_LIVE"
	ipv6_loss "$V6_LOSS_PCT"
	SWEEP=$V6_HIT_NET TARGETS=$V6_HIT_LINES TRUTH_FILE="$W/live.txt" TRUTH_CIDR='' NAMES_FILE=''
	V6_LIST="$W/hitlist.txt"
	ipv6_chunks "$V6_LIST" "$V6_HIT_PROBES"
	run_set ipv6hit "$V6_HIT_PROBES" "$V6_HIT_RATE"
	V6_LIST=''
	lab_destroy
}
