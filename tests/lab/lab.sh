# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# lab.sh: a two-namespace test lab for icmpsweep.  Source it, call lab_create, sweep.
#
#   scanner ns ($LAB_SCAN)                          target ns ($LAB_TGT)
#   $LAB_SCAN_IF 192.0.2.1/30  <---- veth ---->  $LAB_TGT_IF 192.0.2.2/30
#   route 198.18.0.0/15 via 192.0.2.2             lo: local routes = the live hosts
#
# The target kernel answers ICMP echo for every address routed `local` in its namespace, so
# the ground-truth live set is exactly the set of local routes (lab_all_alive, lab_live_set).
# Everything happens inside namespaces this file creates; the host's own interfaces are never
# touched.  lab_create registers lab_destroy on EXIT/INT/TERM; lab_destroy is idempotent.
#
# Used by tests/e2e/*.sh, the demo script and the bench harness.  Requires root, iproute2;
# lab_loss/lab_dup/lab_count_* also need nft.

LAB_SCAN_ADDR=192.0.2.1
LAB_TGT_ADDR=192.0.2.2
LAB_LINK_PREFIX=30
LAB_SWEEP_NET=198.18.0.0/15
# IPv6 (lab_ipv6): the link net and the swept prefix, both of the documentation prefix.
LAB_SCAN_ADDR6=2001:db8:ffff::1
LAB_TGT_ADDR6=2001:db8:ffff::2
LAB_SWEEP_NET6=2001:db8::/32
LAB_NFT6_TABLE=isw_lab6
LAB_IPV6_UP=0
LAB_SCAN_IF=isw-scan0
LAB_TGT_IF=isw-tgt0
# Queues per veth end (set before lab_create): an AF_XDP sender thread needs one each.
LAB_VETH_QUEUES=${LAB_VETH_QUEUES:-1}
LAB_SCAN=
LAB_TGT=
LAB_TMP=
LAB_NFT_TABLE=isw_lab

lab_log() { echo "lab: $*" >&2; }
lab_die() { echo "lab: error: $*" >&2; exit 1; }

# A test that cannot run here exits 77 (ctest: skipped) -- unless ISW_E2E_STRICT=1 (CI, via
# scripts/test.sh): then it fails, naming what is missing, so a machine without a dependency
# cannot pass by skipping.  scripts/deps.sh installs every command the tests call.
lab_skip() {
	if [[ ${ISW_E2E_STRICT:-0} == 1 ]]; then
		echo "FAIL: $* (ISW_E2E_STRICT=1: not skipping; scripts/deps.sh installs what the tests need)" >&2
		exit 1
	fi
	echo "SKIP: $*" >&2
	exit 77
}

lab_require_root() {
	[[ $(id -u) -eq 0 ]] || lab_skip "needs root (network namespaces, raw sockets)"
	command -v ip >/dev/null || lab_skip "command 'ip' not found (Debian package iproute2)"
}

lab_require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || lab_skip "command '$c' not found"
	done
}

# lab_optional_cmd CMD...: 0 if every CMD is installed.  Otherwise the part of a test that
# needs them is skipped (1, with a message) -- or, with ISW_E2E_STRICT=1, the test fails.
lab_optional_cmd() {
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null; then
			if [[ ${ISW_E2E_STRICT:-0} == 1 ]]; then
				echo "FAIL: command '$c' not found (ISW_E2E_STRICT=1: no check is skipped; scripts/deps.sh installs it)" >&2
				exit 1
			fi
			echo "lab: command '$c' not found: the checks that need it are skipped" >&2
			return 1
		fi
	done
}

# lab_create [TAG]: build the lab.  TAG (default "lab") only makes the names readable.
lab_create() {
	local tag=${1:-lab}
	[[ -z $LAB_SCAN ]] || lab_die "lab_create called twice"
	local sfx="$$-$RANDOM"
	LAB_SCAN="isw-$sfx-$tag-s"
	LAB_TGT="isw-$sfx-$tag-t"
	LAB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/isw-lab.XXXXXX")
	trap lab_destroy EXIT
	trap 'lab_destroy; exit 130' INT
	trap 'lab_destroy; exit 143' TERM

	ip netns add "$LAB_SCAN" || lab_die "cannot create namespace $LAB_SCAN"
	ip netns add "$LAB_TGT" || lab_die "cannot create namespace $LAB_TGT"
	# Create the veth pair directly inside the namespaces: it never exists in the host's.
	local q="numtxqueues $LAB_VETH_QUEUES numrxqueues $LAB_VETH_QUEUES"
	# shellcheck disable=SC2086 # $q is two option pairs
	ip -n "$LAB_SCAN" link add "$LAB_SCAN_IF" $q type veth peer name "$LAB_TGT_IF" $q \
		netns "$LAB_TGT"
	lab_sysctls "$LAB_SCAN"
	lab_sysctls "$LAB_TGT"
	ip netns exec "$LAB_TGT" sysctl -qw net.ipv4.icmp_ratelimit=0 \
		net.ipv4.icmp_msgs_per_sec=100000000 net.ipv4.icmp_msgs_burst=100000000 \
		net.ipv4.icmp_echo_ignore_all=0 net.ipv4.icmp_echo_ignore_broadcasts=0
	lab_offloads_off "$LAB_SCAN" "$LAB_SCAN_IF"
	lab_offloads_off "$LAB_TGT" "$LAB_TGT_IF"
	ip -n "$LAB_SCAN" addr add "$LAB_SCAN_ADDR/$LAB_LINK_PREFIX" dev "$LAB_SCAN_IF"
	ip -n "$LAB_TGT" addr add "$LAB_TGT_ADDR/$LAB_LINK_PREFIX" dev "$LAB_TGT_IF"
	local ns
	for ns in "$LAB_SCAN" "$LAB_TGT"; do ip -n "$ns" link set lo up; done
	ip -n "$LAB_SCAN" link set "$LAB_SCAN_IF" up
	ip -n "$LAB_TGT" link set "$LAB_TGT_IF" up
	ip -n "$LAB_SCAN" route add "$LAB_SWEEP_NET" via "$LAB_TGT_ADDR" dev "$LAB_SCAN_IF"
	lab_wait_up
}

# Per-namespace sysctls: no IPv6 (keeps the links silent, so tx counters only count probes;
# skipped on kernels without IPv6) and no reverse-path filtering of forged sources.
lab_sysctls() {
	local ns=$1
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	if ip netns exec "$ns" test -e /proc/sys/net/ipv6/conf/all/disable_ipv6; then
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	fi
}

# Segmentation offloads do nothing for ICMP but make captures show merged frames; off if
# ethtool is there (LAB_OFFLOADS=keep leaves them as they are).
lab_offloads_off() {
	[[ ${LAB_OFFLOADS:-off} == off ]] || return 0
	lab_optional_cmd ethtool || return 0
	ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
}

# Both veth ends report carrier (bounded wait).
lab_wait_up() {
	local i
	for ((i = 0; i < 50; i++)); do
		if ip -n "$LAB_SCAN" link show "$LAB_SCAN_IF" | grep -q LOWER_UP &&
			ip -n "$LAB_TGT" link show "$LAB_TGT_IF" | grep -q LOWER_UP; then
			return 0
		fi
		sleep 0.1
	done
	lab_die "veth pair did not come up"
}

# lab_if_mac NS IFACE: the interface's MAC address.
lab_if_mac() {
	ip -n "$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

# MAC of the target end of the veth (the scanner's next hop) and of the scanner end.
lab_tgt_mac() { lab_need; lab_if_mac "$LAB_TGT" "$LAB_TGT_IF"; }
lab_scan_mac() { lab_need; lab_if_mac "$LAB_SCAN" "$LAB_SCAN_IF"; }

# Install a permanent neighbour entry for the target end on the scanner side (optional: the
# kernel resolves it by ARP anyway).
lab_static_neigh() {
	lab_need
	ip -n "$LAB_SCAN" neigh replace "$LAB_TGT_ADDR" lladdr "$(lab_tgt_mac)" dev "$LAB_SCAN_IF" nud permanent
}

# lab_on_exit CMD...: run CMD (eval'd) when the lab is destroyed, before the namespaces go.
LAB_EXIT_HOOKS=()
lab_on_exit() { LAB_EXIT_HOOKS+=("$*"); }

lab_destroy() {
	local ns hook
	for hook in "${LAB_EXIT_HOOKS[@]}"; do eval "$hook" || true; done
	LAB_EXIT_HOOKS=()
	for ns in "$LAB_SCAN" "$LAB_TGT"; do
		[[ -n $ns ]] || continue
		# Leftover processes (e.g. a sprayer) would keep nothing alive, but end ours.
		local -a pids
		mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null || true)
		((${#pids[@]} == 0)) || kill "${pids[@]}" 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	LAB_SCAN=
	LAB_TGT=
	LAB_DROP_FIRST=0
	if [[ -n $LAB_TMP && -d $LAB_TMP ]]; then rm -rf "$LAB_TMP"; fi
	LAB_TMP=
}

# Dies unless lab_create has run (and lab_destroy has not).
lab_need() { [[ -n $LAB_SCAN && -n $LAB_TGT ]] || lab_die "${FUNCNAME[1]}: no lab (call lab_create first)"; }

lab_exec_scanner() { lab_need; ip netns exec "$LAB_SCAN" "$@"; }
lab_exec_target() { lab_need; ip netns exec "$LAB_TGT" "$@"; }

# --- ground truth ----------------------------------------------------------------------------

# lab_all_alive CIDR: every address of CIDR answers.
lab_all_alive() {
	lab_need
	ip -n "$LAB_TGT" route replace local "$1" dev lo
}

# lab_live_set FILE: exactly the addresses in FILE (one per line) answer; the rest of
# 198.18.0.0/15 is blackholed (silently dropped).
lab_live_set() { lab_live_set_af 4 "$1" "$LAB_SWEEP_NET"; }

# lab_live_set_af 4|6 FILE PREFIX: of PREFIX, exactly the addresses in FILE (one per line)
# answer; the rest is blackholed.
lab_live_set_af() {
	local af=$1 file=$2 prefix=$3 batch
	lab_need
	[[ -r $file ]] || lab_die "live set $file not readable"
	batch="$LAB_TMP/live${af#4}.batch"
	{
		echo "route replace blackhole $prefix"
		awk -v len=$((af == 4 ? 32 : 128)) \
			'NF { printf "route replace local %s/%d dev lo\n", $1, len }' "$file"
	} >"$batch"
	ip "-$af" -n "$LAB_TGT" -batch "$batch" || lab_die "ip -batch failed for $file"
}

# lab_random_live_set N PREFIX OUTFILE [SEED]: N distinct addresses of PREFIX (CIDR), chosen
# deterministically from SEED (default 1), written sorted one per line.  Network and
# broadcast-looking addresses (last octet 0 or 255) are avoided so that nothing depends on
# how a tool treats them.
lab_random_live_set() {
	local n=$1 prefix=$2 out=$3 seed=${4:-1}
	local base=${prefix%/*} bits=${prefix#*/}
	awk -v n="$n" -v base="$base" -v bits="$bits" -v seed="$seed" '
	BEGIN {
		split(base, o, ".")
		start = ((o[1] * 256 + o[2]) * 256 + o[3]) * 256 + o[4]
		size = 2 ^ (32 - bits)
		start = start - start % size
		if (n > size / 2) { print "lab_random_live_set: too many addresses" > "/dev/stderr"; exit 1 }
		# A linear congruential generator of our own: awk implementations differ in rand().
		x = seed % 2147483647; if (x <= 0) x += 2147483646
		got = 0
		while (got < n) {
			x = (x * 48271) % 2147483647
			off = x % size
			a = start + off
			# Keys and %d stay below 2^31: mawk mangles larger numbers there.
			if (a % 256 == 0 || a % 256 == 255 || (off in seen)) continue
			seen[off] = 1; got++
			printf "%d.%d.%d.%d\n", int(a / 16777216), int(a / 65536) % 256, int(a / 256) % 256, a % 256
		}
	}' | sort -t. -k1,1n -k2,2n -k3,3n -k4,4n >"$out"
	[[ $(wc -l <"$out") -eq $n ]] || lab_die "lab_random_live_set produced the wrong count"
}

# --- IPv6 ------------------------------------------------------------------------------------

# lab_ipv6: IPv6 on the lab link too (lab_create leaves it off): 2001:db8:ffff::1/64 (scanner)
# and ::2 (target) without duplicate address detection, 2001:db8::/32 routed via the target,
# which answers ICMPv6 without a rate limit.  Skips on a kernel without IPv6.
lab_ipv6() {
	local ns
	lab_need
	ip netns exec "$LAB_SCAN" test -e /proc/sys/net/ipv6/conf/all/disable_ipv6 ||
		lab_skip "kernel without IPv6"
	for ns in "$LAB_SCAN" "$LAB_TGT"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.disable_ipv6=0 \
			net.ipv6.conf.default.disable_ipv6=0
	done
	ip netns exec "$LAB_TGT" sysctl -qw net.ipv6.icmp.ratelimit=0
	ip -n "$LAB_SCAN" -6 addr add "$LAB_SCAN_ADDR6/64" dev "$LAB_SCAN_IF" nodad
	ip -n "$LAB_TGT" -6 addr add "$LAB_TGT_ADDR6/64" dev "$LAB_TGT_IF" nodad
	ip -n "$LAB_SCAN" -6 route add "$LAB_SWEEP_NET6" via "$LAB_TGT_ADDR6" dev "$LAB_SCAN_IF"
	LAB_IPV6_UP=1
}

# lab_all_alive6 PREFIX: every address of the IPv6 PREFIX answers echo (a local route).
lab_all_alive6() {
	lab_need
	ip -n "$LAB_TGT" -6 route replace local "$1" dev lo
}

# lab_live_set6 FILE PREFIX: of the IPv6 PREFIX, exactly the addresses in FILE (one per line)
# answer; the rest is blackholed.
lab_live_set6() { lab_live_set_af 6 "$1" "$2"; }

# lab_loss6 PERCENT, lab_dup6: lab_loss and lab_dup for ICMPv6 echo requests and replies.
lab_loss6() { lab_loss_af 6 "$1"; }
lab_dup6() { lab_dup_af 6; }

# --- impairments (nftables in the target namespace) ------------------------------------------

lab_nft() { lab_need; ip netns exec "$LAB_TGT" nft "$@"; }

# The nft family, impairment table and ICMP keyword of address family 4 or 6.
lab_af_words() {
	case $1 in
	4) echo "ip $LAB_NFT_TABLE icmp" ;;
	6) echo "ip6 $LAB_NFT6_TABLE icmpv6" ;;
	*) lab_die "address family '$1': 4 or 6" ;;
	esac
}

# lab_nft_table [4|6]: the impairment table of the family (default 4), made once; the IPv4
# one carries the probe and reply counters of lab_count_start.
lab_nft_table() {
	local af=${1:-4} nft table icmp counters=
	read -r nft table icmp <<<"$(lab_af_words "$af")"
	[[ $nft ]] || exit 1 # lab_af_words said why
	lab_nft list table "$nft" "$table" >/dev/null 2>&1 && return 0
	if [[ $af == 4 ]]; then
		counters=$'counter probes_in { }\ncounter replies_out { }'
	fi
	lab_nft -f - <<-EOF
	table $nft $table {
		$counters
		chain pre { type filter hook prerouting priority -300; policy accept; }
		chain out { type filter hook output priority -300; policy accept; }
		chain post { type filter hook postrouting priority 0; policy accept; }
	}
	EOF
}

# lab_loss PERCENT: drop PERCENT% of echo requests arriving and, independently, PERCENT% of
# echo replies leaving the target namespace.
lab_loss() { lab_loss_af 4 "$1"; }

lab_loss_af() {
	local af=$1 p=$2 nft table icmp
	[[ $p =~ ^[0-9]+$ && $p -le 100 ]] || lab_die "lab_loss${af#4}: bad percentage $p"
	read -r nft table icmp <<<"$(lab_af_words "$af")"
	lab_nft_table "$af"
	lab_nft add rule "$nft" "$table" pre "$icmp" type echo-request numgen random mod 100 '<' "$p" drop
	lab_nft add rule "$nft" "$table" out "$icmp" type echo-reply numgen random mod 100 '<' "$p" drop
}

# lab_dup: every echo reply leaves the target namespace twice.
lab_dup() { lab_dup_af 4; }

lab_dup_af() {
	local af=$1 nft table icmp scan=$LAB_SCAN_ADDR
	read -r nft table icmp <<<"$(lab_af_words "$af")"
	[[ $af == 4 ]] || scan=$LAB_SCAN_ADDR6
	lab_nft_table "$af"
	lab_nft add rule "$nft" "$table" post oifname "$LAB_TGT_IF" "$icmp" type echo-reply \
		dup to "$scan" device "$LAB_TGT_IF"
}

# lab_drop_first_probes N: deterministic loss.  The first N echo requests to each address
# are dropped and every later one passes, so a sweep with -P N+1 must find every live host and
# one with -P N none.  State is per address; lab_drop_first_reset forgets it between sweeps.
lab_drop_first_probes() {
	local n=$1 k
	[[ $n =~ ^[1-9]$ ]] || lab_die "lab_drop_first_probes: N must be 1..9, got $n"
	lab_nft_table
	for ((k = 1; k <= n; k++)); do
		lab_nft add set ip "$LAB_NFT_TABLE" "first$k" \
			"{ type ipv4_addr; size 1048576; flags dynamic; }"
	done
	# Probe k (k >= 2) to an address: in first(k-1) but not yet in first(k).
	for ((k = n; k >= 2; k--)); do
		lab_nft add rule ip "$LAB_NFT_TABLE" pre iifname "$LAB_TGT_IF" icmp type echo-request \
			ip daddr "@first$((k - 1))" ip daddr != "@first$k" \
			add "@first$k" "{ ip daddr }" drop
	done
	lab_nft add rule ip "$LAB_NFT_TABLE" pre iifname "$LAB_TGT_IF" icmp type echo-request \
		ip daddr != @first1 add @first1 "{ ip daddr }" drop
	LAB_DROP_FIRST=$n
}

lab_drop_first_reset() {
	local k
	for ((k = 1; k <= ${LAB_DROP_FIRST:-0}; k++)); do
		lab_nft flush set ip "$LAB_NFT_TABLE" "first$k"
	done
}

# lab_clear_impairments: remove every loss/dup/drop rule (counters stay).
lab_clear_impairments() {
	lab_nft list table ip "$LAB_NFT_TABLE" >/dev/null 2>&1 || return 0
	lab_nft flush chain ip "$LAB_NFT_TABLE" pre
	lab_nft flush chain ip "$LAB_NFT_TABLE" out
	lab_nft flush chain ip "$LAB_NFT_TABLE" post
}

# lab_unreachable CIDR: echo requests to CIDR are answered by the target end with ICMP host
# unreachable (from 192.0.2.2), like a router with no route.
lab_unreachable() {
	lab_nft_table
	lab_nft add rule ip "$LAB_NFT_TABLE" pre iifname "$LAB_TGT_IF" ip daddr "$1" \
		icmp type echo-request reject with icmp type host-unreachable
}

# lab_ttl_expire CIDR: the target end forwards CIDR back toward the scanner, so probes sent
# with --ttl 1 to CIDR draw ICMP time exceeded (from 192.0.2.2); with a larger TTL the
# scanner's kernel drops the returning probe silently.
lab_ttl_expire() {
	ip netns exec "$LAB_TGT" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.send_redirects=0 "net.ipv4.conf.$LAB_TGT_IF.send_redirects=0"
	ip -n "$LAB_TGT" route replace "$1" via "$LAB_SCAN_ADDR" dev "$LAB_TGT_IF"
}

# lab_count_start: count echo requests reaching and echo replies leaving the target.
lab_count_start() {
	lab_nft_table
	lab_nft add rule ip "$LAB_NFT_TABLE" pre iifname "$LAB_TGT_IF" icmp type echo-request counter name probes_in
	lab_nft add rule ip "$LAB_NFT_TABLE" post oifname "$LAB_TGT_IF" icmp type echo-reply counter name replies_out
}

# lab_count_arp_start: count ARP requests for 198.18.0.0/15 addresses reaching the target (an
# ARP pass's; the kernels' own ARP is for the link's addresses, or replies), as arp_in.
lab_count_arp_start() {
	lab_nft list table arp "$LAB_NFT_TABLE" >/dev/null 2>&1 && return 0
	lab_nft -f - <<-EOF
	table arp $LAB_NFT_TABLE {
		counter arp_in { }
		chain in {
			type filter hook input priority 0; policy accept;
			arp operation request arp daddr ip 198.18.0.0/15 counter name arp_in
		}
	}
	EOF
}

# lab_arp_counter: ARP requests counted so far by lab_count_arp_start.
lab_arp_counter() {
	lab_nft list counter arp "$LAB_NFT_TABLE" arp_in | awk '/packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}

# lab_sent_start / lab_sent: what a sweep would have put on the wire, counted where it
# arrives (echo requests and ARP requests for swept addresses).  The scanner interface's own
# counter is no witness of "nothing sent": it also has the kernel's ARP replies to the target,
# which come whenever the target's neighbour entry wants them.
# With an IPv6 lab (lab_ipv6), ICMPv6 echo requests too.
lab_sent_start() {
	lab_count_start
	lab_count_arp_start
	if ((LAB_IPV6_UP)); then
		lab_nft_table 6
		lab_nft list counter ip6 "$LAB_NFT6_TABLE" probes6_in >/dev/null 2>&1 && return 0
		lab_nft add counter ip6 "$LAB_NFT6_TABLE" probes6_in
		lab_nft add rule ip6 "$LAB_NFT6_TABLE" pre iifname "$LAB_TGT_IF" icmpv6 type echo-request counter name probes6_in
	fi
}
lab_sent() {
	local n6=0
	((!LAB_IPV6_UP)) ||
		n6=$(lab_nft list counter ip6 "$LAB_NFT6_TABLE" probes6_in | awk '/packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }')
	echo $(($(lab_counter probes_in) + $(lab_arp_counter) + n6))
}

# lab_counter NAME: packets counted so far by probes_in / replies_out.
lab_counter() {
	lab_nft list counter ip "$LAB_NFT_TABLE" "$1" | awk '/packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}

# Packets transmitted / received by an interface of a namespace (kernel counters).
lab_tx_packets() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/tx_packets"; }
lab_rx_packets() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }
lab_scan_tx() { lab_tx_packets "$LAB_SCAN" "$LAB_SCAN_IF"; }
lab_tgt_rx() { lab_rx_packets "$LAB_TGT" "$LAB_TGT_IF"; }

# --- an Internet-like path (tests/lab/isw-responder.c) ---------------------------------------

LAB_RSP_IF=isw-rsp0
LAB_RSP_PID=

# lab_internet RESPONDER TRUTH [RESPONDER OPTIONS...]: the target namespace routes
# 198.18.0.0/15 into a TUN device where isw-responder answers a seeded live set after per-host
# RTTs from 10 ms to 3 s, with loss and duplicates (see its header).  Its ground truth
# ("ADDRESS RTT_MS reliable|lossy" a line) is in TRUTH once this returns.  It ends with the
# lab (or lab_internet_stop), after --seconds (default 120) at the latest.
lab_internet() {
	local bin=$1 truth=$2 i
	shift 2
	lab_need
	[[ -x $bin ]] || lab_die "responder $bin not found (built as isw-responder in the build tree)"
	ip netns exec "$LAB_TGT" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.send_redirects=0 "net.ipv4.conf.$LAB_TGT_IF.send_redirects=0"
	rm -f "$LAB_TMP/responder.ready"
	ip netns exec "$LAB_TGT" "$bin" --tun "$LAB_RSP_IF" --prefix "$LAB_SWEEP_NET" \
		--truth "$truth" --ready "$LAB_TMP/responder.ready" "$@" 2>"$LAB_TMP/responder.log" &
	LAB_RSP_PID=$!
	for ((i = 0; i < 100; i++)); do
		[[ -e $LAB_TMP/responder.ready ]] && break
		kill -0 "$LAB_RSP_PID" 2>/dev/null || lab_die "responder failed: $(cat "$LAB_TMP/responder.log")"
		sleep 0.05
	done
	[[ -e $LAB_TMP/responder.ready ]] || lab_die "responder not ready after 5 s"
	# A burst of probes must not overflow the device's queue before the responder reads it.
	ip -n "$LAB_TGT" link set "$LAB_RSP_IF" txqueuelen 65536
	ip -n "$LAB_TGT" route replace "$LAB_SWEEP_NET" dev "$LAB_RSP_IF"
}

# lab_internet_dropped: probes the responder's device queue dropped so far (lab loss).
lab_internet_dropped() { ip netns exec "$LAB_TGT" cat "/sys/class/net/$LAB_RSP_IF/statistics/tx_dropped"; }

# lab_internet_stop: end the responder; its counters, and the probes its device queue dropped
# (the lab's own loss, which must be 0), go to stderr.
lab_internet_stop() {
	[[ -n $LAB_RSP_PID ]] || return 0
	echo "lab: $LAB_RSP_IF dropped $(lab_internet_dropped) probes before the responder read them" >&2
	kill "$LAB_RSP_PID" 2>/dev/null || true
	wait "$LAB_RSP_PID" 2>/dev/null || true
	LAB_RSP_PID=
	cat "$LAB_TMP/responder.log" >&2 || true
}
