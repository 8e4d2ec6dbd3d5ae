# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with bench/run and the scenario files
# lanlab.sh: the L2 segment of the lan scenarios (lan, lan24), sourced by their files: a
# bridge in a switch namespace, the scanner and a few host namespaces on it, the hosts owning
# random addresses of the segment, the last host dropping ICMP echo.  lan_destroy (a
# CLEANUP_HOOKS entry, so also on exit, failure or Ctrl-C) deletes it all.
#
# lan_up TAG NET SCAN_ADDR LIVE HOSTS DROPPER_SHARE SEED builds it: the scanner has
# SCAN_ADDR/prefix on eth0 in namespace $LAN_SCAN; LIVE random addresses of NET (seeded) are
# spread over HOSTS host namespaces, of which the last owns DROPPER_SHARE and drops echo.
# Each host has the first of its share on eth0 and the rest as `local` routes on lo, which the
# kernel answers ARP for (arp_ignore=0) and ICMP echo too.  The ground truth is exact: every
# present address answers ARP.  Files in $W (= $LAN_TMP): live.txt (all present addresses),
# dropper.txt (the echo-dropper's), hN.txt (host N's).  Namespace names:
# isw-<pid>-<random>-TAG-{sw,s,hN}.
LAN_NSS=()
LAN_TMP=
LAN_SCAN=
[[ " ${CLEANUP_HOOKS[*]} " == *" lan_destroy "* ]] || CLEANUP_HOOKS+=(lan_destroy)

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
	local tag=$1 net=$2 scan_addr=$3 live=$4 hosts=$5 drop_share=$6 seed=$7
	local p="isw-$$-$RANDOM-$tag" i n plen=${2#*/}
	LAN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/isw-bench-$tag.XXXXXX")
	W=$LAN_TMP
	# Ground truth: LIVE random addresses of the segment (not the network, broadcast or
	# scanner address); the dropper's share last.
	"$PY" - "$net" "$scan_addr" "$live" "$hosts" "$drop_share" "$W" "$seed" <<-'EOF'
	import ipaddress, os, random, sys
	net, scan = ipaddress.IPv4Network(sys.argv[1]), ipaddress.IPv4Address(sys.argv[2])
	live, hosts, drop_share, w = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
	pool = [a for a in net.hosts() if a != scan]
	addrs = random.Random(int(sys.argv[7])).sample(pool, live)
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
	for ((i = 1; i <= hosts; i++)); do
		lan_ns_add "$p-h$i"
		ip netns exec "$p-h$i" sysctl -qw net.ipv4.icmp_ratelimit=0 \
			net.ipv4.icmp_msgs_per_sec=100000000 net.ipv4.icmp_msgs_burst=100000000 \
			net.ipv4.conf.all.arp_ignore=0 net.ipv4.conf.default.arp_ignore=0
	done
	for n in s $(seq -f 'h%g' 1 "$hosts"); do
		ip -n "$p-$n" link add eth0 type veth peer name "p$n" netns "$p-sw"
		ip -n "$p-sw" link set "p$n" master br0 up
		ip -n "$p-$n" link set eth0 up
	done
	ip -n "$LAN_SCAN" addr add "$scan_addr/$plen" dev eth0
	for ((i = 1; i <= hosts; i++)); do
		ip -n "$p-h$i" addr add "$(head -n1 "$W/h$i.txt")/$plen" dev eth0
		tail -n +2 "$W/h$i.txt" | sed 's|.*|route add local &/32 dev lo|' >"$W/h$i.batch"
		[[ -s $W/h$i.batch ]] && ip -n "$p-h$i" -batch "$W/h$i.batch"
	done
	local dropper="$p-h$hosts"
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
	((i < 50)) || die "$tag: the bridge does not carry traffic"
	log "[$tag] $hosts hosts on a bridge, $live present addresses in $net" \
		"($drop_share on ${dropper##*-}, which drops ICMP echo)"
}

# Before every run: empty ARP caches everywhere, so no tool profits from the previous one.
lan_flush_neigh() {
	local ns
	for ns in "${LAN_NSS[@]}"; do ip -n "$ns" neigh flush all 2>/dev/null || true; done
	sleep 0.1
}
