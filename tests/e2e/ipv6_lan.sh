#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The local IPv6 segment: one L2 segment (a bridge in a switch namespace) with hosts on a
# 2001:db8:5::/64 (static nodad addresses, as SLAAC would give each a /64 address) besides
# their link-local ones.  On-link IPv6 targets are found by the NDP pass (our own neighbour
# solicitations) and probed at their own MACs; a host that drops ICMPv6 echo but answers NDP is
# reported ndp-only with its MAC; a host with two addresses is found at both; under loss of
# solicitations, the retries find every host.  The scanner namespace has no other link:
# nothing can leave the lab.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[[ $# -ge 1 ]] || { echo "usage: $0 PATH-TO-ICMPSWEEP" >&2; exit 2; }
ISW=$(readlink -f "$1")
lab_require_root
lab_require_cmd nft timeout

P="isw-$$-$RANDOM-l6"
NSS=(sw s h1 h2 h3)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/isw-ipv6lan.XXXXXX")
cleanup() {
	local n
	for n in "${NSS[@]}"; do ip netns del "$P-$n" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ns() { ip netns exec "$P-$1" "${@:2}"; }
mac_of() { ip -n "$P-$1" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
# The host's link-local address (the kernel's, from its MAC).
ll_of() { ip -n "$P-$1" -6 -o addr show dev "${2:-eth0}" scope link | sed -n 's/.*inet6 \([0-9a-f:]*\)\/.*/\1/p'; }

build() {
	local n
	for n in "${NSS[@]}"; do
		ip netns add "$P-$n"
		ip -n "$P-$n" link set lo up
		# No duplicate address detection: addresses are usable at once.
		ns "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.default.accept_ra=0
	done
	ip -n "$P-sw" link add br0 type bridge
	ip -n "$P-sw" link set br0 up
	for n in s h1 h2 h3; do
		ip -n "$P-$n" link add eth0 type veth peer name "p$n" netns "$P-sw"
		ip -n "$P-sw" link set "p$n" master br0 up
	done
	# h1 has a MAC of a registered vendor (00:00:0c, Cisco) so the vendor column shows.
	ip -n "$P-h1" link set eth0 address 00:00:0c:12:34:56
	for n in s h1 h2 h3; do ip -n "$P-$n" link set eth0 up; done
	ip -n "$P-s" addr add 2001:db8:5::1/64 dev eth0 nodad
	ip -n "$P-h1" addr add 2001:db8:5::10/64 dev eth0 nodad
	# h2 has two addresses of the prefix (a stable and a temporary one, say).
	ip -n "$P-h2" addr add 2001:db8:5::20/64 dev eth0 nodad
	ip -n "$P-h2" addr add 2001:db8:5::21/64 dev eth0 nodad
	ip -n "$P-h3" addr add 2001:db8:5::30/64 dev eth0 nodad
	# h3 drops ICMPv6 echo requests: present only by NDP.
	ns h3 nft add table ip6 f
	ns h3 nft add chain ip6 f in '{ type filter hook input priority 0; }'
	ns h3 nft add rule ip6 f in icmpv6 type echo-request drop
	local i
	for ((i = 0; i < 50; i++)); do
		[[ -n $(ll_of h3) && -n $(ll_of h1) && -n $(ll_of h2) ]] && break
		sleep 0.1
	done
}

sweep() { # OUT ERR ARGS...: icmpsweep in the scanner namespace, bounded
	local out=$1 err=$2
	shift 2
	ns s timeout -k 5 60 "$ISW" -n -q "$@" >"$out" 2>"$err" ||
		e2e_fail "icmpsweep $* failed: $(head -c 1000 "$err")"
}

# The row of address a in the CSV $1.
row_of() { grep "^$2," "$1" || true; }

check_sweep() {
	local row
	sweep "$WORK/out.csv" "$WORK/err.txt" -r 5k -c 0.5 -O csv --metadata "$WORK/meta.json" \
		--no-ipv6-multicast 2001:db8:5::/120
	head -n 1 "$WORK/out.csv" | grep -qx 'ip,type,rtt_ms,ttl,probe,ts,responder,mac,vendor,note' ||
		e2e_fail "CSV header is $(head -n 1 "$WORK/out.csv")"
	printf '%s\n' 2001:db8:5::10 2001:db8:5::20 2001:db8:5::21 2001:db8:5::30 >"$WORK/truth.txt"
	tail -n +2 "$WORK/out.csv" | cut -d, -f1 >"$WORK/found.txt"
	e2e_no_duplicates "$WORK/found.txt" "IPv6 LAN sweep"
	e2e_same_set "$WORK/truth.txt" "$WORK/found.txt" "IPv6 LAN sweep"

	row=$(row_of "$WORK/out.csv" 2001:db8:5::30)
	[[ $row == *",ndp-only,"* ]] || e2e_fail "h3 (drops echo) reported as: $row"
	[[ $row == *",$(mac_of h3),"* ]] || e2e_fail "h3 reported without its MAC $(mac_of h3): $row"
	row=$(row_of "$WORK/out.csv" 2001:db8:5::10)
	[[ $row == *",echo-reply,"* && $row == *",$(mac_of h1),"* ]] || e2e_fail "h1 row: $row"
	if [[ -r /usr/share/ieee-data/oui.txt ]]; then
		[[ $row == *Cisco* ]] || e2e_fail "no vendor for 00:00:0c: $row"
	fi
	local a
	for a in 2001:db8:5::20 2001:db8:5::21; do
		row=$(row_of "$WORK/out.csv" "$a")
		[[ $row == *",echo-reply,"* && $row == *",$(mac_of h2),"* ]] || e2e_fail "h2 row: $row"
		# Several IPv6 addresses on one host are the ordinary case: no shared-MAC note.
		[[ $row != *shared* ]] || e2e_fail "h2's address noted as a shared MAC: $row"
	done
	# Echo went only to the hosts that answered NDP: 3 probes (h1, h2 twice) + h3's.
	[[ $(e2e_meta_int "$WORK/meta.json" sent) -eq 4 ]] ||
		e2e_fail "sent $(e2e_meta_int "$WORK/meta.json" sent) probes, expected 4"
	[[ $(e2e_meta_int "$WORK/meta.json" onlink6_targets) -eq 255 ]] ||
		e2e_fail "onlink6_targets is not 255 (the /120 but our own address)"
	[[ $(e2e_meta_int "$WORK/meta.json" ndp_hosts) -eq 4 ]] || e2e_fail "ndp_hosts is not 4"
	[[ $(e2e_meta_int "$WORK/meta.json" ndp_only) -eq 1 ]] || e2e_fail "ndp_only is not 1"
	# Two tries: every silent address solicited twice, the answering ones once.
	[[ $(e2e_meta_int "$WORK/meta.json" ndp_sent) -eq $((2 * 255 - 4)) ]] ||
		e2e_fail "ndp_sent is $(e2e_meta_int "$WORK/meta.json" ndp_sent), expected $((2 * 255 - 4))"
	e2e_log "/120: 4 present, h3 ndp-only, MACs right"
}

# The same in text and JSON, and what a trace of the sweep gives back with --read.
check_formats() {
	local row
	sweep "$WORK/out.txt" "$WORK/err2.txt" -r 5k -c 0.5 -w "$WORK/t.pcapng" --pcapng --trace-probes \
		--metadata "$WORK/t.json" --no-ipv6-multicast 2001:db8:5::/120
	printf '%s\n' 2001:db8:5::10 2001:db8:5::20 2001:db8:5::21 2001:db8:5::30 >"$WORK/truth.txt"
	e2e_same_set "$WORK/truth.txt" "$WORK/out.txt" "text output"
	sweep "$WORK/out.json" "$WORK/err3.txt" -r 5k -c 0.5 -O json --no-ipv6-multicast 2001:db8:5::/120
	row=$(grep '"2001:db8:5::30"' "$WORK/out.json" || true)
	[[ $row == *'"ndp-only"'* && $row == *"\"$(mac_of h3)\""* ]] || e2e_fail "JSON h3 row: $row"
	"$ISW" -n -q --read "$WORK/t.pcapng" -O csv >"$WORK/read.csv" 2>"$WORK/read.err" ||
		e2e_fail "--read failed: $(cat "$WORK/read.err")"
	row=$(row_of "$WORK/read.csv" 2001:db8:5::30)
	[[ $row == *",ndp-only,"* && $row == *",$(mac_of h3),"* ]] || e2e_fail "--read h3 row: $row"
	row=$(row_of "$WORK/read.csv" 2001:db8:5::10)
	[[ $row == *",echo-reply,"* && $row == *",$(mac_of h1),"* ]] || e2e_fail "--read h1 row: $row"
	# The trace holds every solicitation as sent (rebuilt from the probe log), each a valid
	# one to the target's solicited-node group, and the advertisements that answered.
	if lab_optional_cmd tshark; then
		local ns_sent ns_traced bad na
		ns_sent=$(e2e_meta_int "$WORK/t.json" ndp_sent)
		ns_traced=$(tshark -r "$WORK/t.pcapng" -Y 'icmpv6.type == 135' 2>/dev/null | wc -l)
		[[ $ns_traced -eq $ns_sent ]] || e2e_fail "trace holds $ns_traced solicitations, $ns_sent sent"
		bad=$(tshark -r "$WORK/t.pcapng" -Y \
			'icmpv6.type == 135 && (icmpv6.checksum.status != 1 || ipv6.hlim != 255 || !(ipv6.dst == ff02::1:ff00:0/104))' \
			2>/dev/null | wc -l)
		[[ $bad -eq 0 ]] || e2e_fail "$bad solicitations in the trace are malformed, such as" \
			"$(tshark -r "$WORK/t.pcapng" -Y 'icmpv6.type == 135' -T fields -e icmpv6.checksum.status \
				-e ipv6.hlim -e ipv6.dst 2>/dev/null | head -n 2)"
		na=$(tshark -r "$WORK/t.pcapng" -Y 'icmpv6.type == 136' 2>/dev/null | wc -l)
		[[ $na -ge 4 ]] || e2e_fail "trace holds $na advertisements, expected at least 4"
	else
		e2e_log "no tshark: trace frame checks skipped"
	fi
}

# --ipv6-multicast (the default): one echo request to ff02::1 after the NDP pass; the hosts
# answer it from their link-local addresses, reported with the scanner's interface and their
# MACs besides the targets (h3 drops echo: not among them; the switch's bridge answers too).  CSV, JSON, text and --read alike.
check_multicast() {
	local n row
	sweep "$WORK/mc.csv" "$WORK/err5.txt" -r 5k -c 0.5 -O csv --metadata "$WORK/mc.json" \
		-w "$WORK/mc.pcapng" --pcapng 2001:db8:5::/120
	{
		cat "$WORK/truth.txt"
		for n in h1 h2; do echo "$(ll_of "$n")%eth0"; done
		echo "$(ll_of sw br0)%eth0"
	} | LC_ALL=C sort >"$WORK/mc-truth.txt"
	tail -n +2 "$WORK/mc.csv" | cut -d, -f1 >"$WORK/mc-found.txt"
	e2e_no_duplicates "$WORK/mc-found.txt" "--ipv6-multicast sweep"
	e2e_same_set "$WORK/mc-truth.txt" "$WORK/mc-found.txt" "--ipv6-multicast sweep"
	for n in h1 h2; do
		row=$(row_of "$WORK/mc.csv" "$(ll_of "$n")%eth0")
		[[ $row == *",echo-reply,"* && $row == *",$(mac_of "$n"),"* ]] ||
			e2e_fail "$n's link-local answer: $row"
	done
	[[ $(e2e_meta_int "$WORK/mc.json" sent) -eq 5 ]] ||
		e2e_fail "sent $(e2e_meta_int "$WORK/mc.json" sent) probes, expected 4 + 1 to ff02::1"
	[[ $(e2e_meta_int "$WORK/mc.json" hits) -eq 6 ]] || e2e_fail "hits is not 6"
	"$ISW" -n -q --read "$WORK/mc.pcapng" -O json >"$WORK/mc-read.json" 2>"$WORK/read2.err" ||
		e2e_fail "--read failed: $(cat "$WORK/read2.err")"
	for n in h1 h2; do
		grep -q "\"$(ll_of "$n")%" "$WORK/mc-read.json" ||
			e2e_fail "--read lacks $n's scoped link-local answer: $(cat "$WORK/mc-read.json")"
	done
	# Off: the same sweep finds the targets alone.
	sweep "$WORK/nomc.txt" "$WORK/err6.txt" -r 5k -c 0.5 --no-ipv6-multicast 2001:db8:5::/120
	e2e_same_set "$WORK/truth.txt" "$WORK/nomc.txt" "--no-ipv6-multicast sweep"
}

# Link-local targets with their interface are swept there (NDP, then echo) and reported with
# it; one without is refused (exit 2, naming it, before anything is sent).
check_link_local() {
	local row rc=0
	sweep "$WORK/ll.csv" "$WORK/err7.txt" -r 5k -c 0.5 -O csv --no-ipv6-multicast \
		"$(ll_of h1)%eth0" "$(ll_of h3)%eth0" fe80::dead%eth0
	printf '%s\n' "$(ll_of h1)%eth0" "$(ll_of h3)%eth0" | LC_ALL=C sort >"$WORK/ll-truth.txt"
	tail -n +2 "$WORK/ll.csv" | cut -d, -f1 >"$WORK/ll-found.txt"
	e2e_same_set "$WORK/ll-truth.txt" "$WORK/ll-found.txt" "link-local targets"
	row=$(row_of "$WORK/ll.csv" "$(ll_of h1)%eth0")
	[[ $row == *",echo-reply,"* && $row == *",$(mac_of h1),"* ]] || e2e_fail "h1 link-local row: $row"
	row=$(row_of "$WORK/ll.csv" "$(ll_of h3)%eth0")
	[[ $row == *",ndp-only,"* && $row == *",$(mac_of h3),"* ]] || e2e_fail "h3 link-local row: $row"
	ns s timeout 10 "$ISW" -n -q "$(ll_of h1)" >/dev/null 2>"$WORK/ll.err" || rc=$?
	[[ $rc -eq 2 ]] || e2e_fail "an unscoped link-local target: exit $rc, expected 2"
	grep -q "IPv6 target '$(ll_of h1)' is link-local: give the interface" "$WORK/ll.err" ||
		e2e_fail "unscoped link-local target: $(cat "$WORK/ll.err")"
}

# 30% of the solicitations lost at every host: the NDP pass is retried as often as -P says
# (at least twice), and every host is still found (0.3^8 per host of missing one).
check_loss() {
	local n
	for n in h1 h2 h3; do
		ns "$n" nft add table ip6 loss
		ns "$n" nft add chain ip6 loss in '{ type filter hook input priority -10; }'
		ns "$n" nft add rule ip6 loss in icmpv6 type nd-neighbor-solicit numgen random mod 10 '<' 3 drop
	done
	sweep "$WORK/loss.txt" "$WORK/err4.txt" -r 5k -c 0.5 -P 8 --metadata "$WORK/loss.json" \
		--no-ipv6-multicast 2001:db8:5::/120
	e2e_same_set "$WORK/truth.txt" "$WORK/loss.txt" "IPv6 LAN sweep under 30% NDP loss"
	[[ $(e2e_meta_int "$WORK/loss.json" ndp_hosts) -eq 4 ]] || e2e_fail "under loss, ndp_hosts is not 4"
	for n in h1 h2 h3; do ns "$n" nft delete table ip6 loss; done
}

main() {
	build
	check_sweep
	check_formats
	check_multicast
	check_link_local
	check_loss
	e2e_pass "on-link IPv6 hosts found by the NDP pass with their MACs, ndp-only for the one" \
		"dropping echo (CSV, text, JSON, --read); link-local hosts found by --ipv6-multicast" \
		"with %eth0 and MACs; scoped link-local targets swept, unscoped refused; retries" \
		"under 30% NDP loss"
}

main
