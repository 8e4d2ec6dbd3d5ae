# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# DNS servers for the resolver tests, inside the lab's target namespace only (source after
# lib.sh and e2e_init).  Every server is bounded by `timeout` and killed when the lab goes.
#
#   dns_hosts_file LIVE N OUT        "IP name" lines for the first N addresses of LIVE
#   dns_start_dnsmasq HOSTS [PORT]   dnsmasq on $LAB_TGT_ADDR:PORT (53) with HOSTS' PTRs
#   dns_start_responder RECS PORT    dns-responder.py on $LAB_TGT_ADDR:PORT (any-byte names)
#   dns_drop_port PORT               silently drop UDP to PORT in the target namespace
#
# Sweeps that resolve must name a lab resolver with --resolver (never the host's resolv.conf).

DNS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DNS_RESPONDER=$DNS_DIR/dns-responder.py
# Upper bound on any server's life: longer than any test.
DNS_MAX_SECONDS=${ISW_DNS_MAX_SECONDS:-280}

# The name of address a.b.c.d in the tests: deterministic and easy to check.
dns_name_of() { awk -F. '{ printf "h%d-%d-%d.lab.example\n", $2, $3, $4 }' <<<"$1"; }

dns_hosts_file() {
	local live=$1 n=$2 out=$3
	head -n "$n" "$live" | awk -F. '{ printf "%s h%d-%d-%d.lab.example\n", $0, $2, $3, $4 }' >"$out"
}

# Waits (bounded) until PORT answers a PTR query for IP.
dns_wait_ready() {
	local port=$1 ip=$2 i
	for ((i = 0; i < 50; i++)); do
		if lab_exec_scanner timeout 2 python3 "$DNS_RESPONDER" query "$LAB_TGT_ADDR" "$port" "$ip" 0.2 \
			>/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	e2e_fail "DNS server on $LAB_TGT_ADDR:$port did not answer"
}

dns_start_dnsmasq() {
	local hosts=$1 port=${2:-53} zone
	lab_require_cmd dnsmasq
	# --local: the sweep's reverse zones are answered from the hosts file only, so an
	# address without a record gets NXDOMAIN instead of a forwarding failure.
	local args=(--keep-in-foreground --no-resolv --no-hosts --no-dhcp-interface=lo
		--addn-hosts="$hosts" --listen-address="$LAB_TGT_ADDR" --bind-interfaces
		--port="$port" --user=root --group=root --pid-file="$WORK/dnsmasq-$port.pid"
		--log-facility="$WORK/dnsmasq-$port.log" --cache-size=10000 --dns-forward-max=10000)
	for zone in 18.198.in-addr.arpa 19.198.in-addr.arpa; do args+=(--local="/$zone/"); done
	lab_exec_target timeout -k 2 "$DNS_MAX_SECONDS" dnsmasq "${args[@]}" &
	local pid=$!
	lab_on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	dns_wait_ready "$port" "$(head -n 1 "$hosts" | cut -d' ' -f1)"
}

dns_start_responder() {
	local recs=$1 port=$2
	lab_exec_target timeout -k 2 "$DNS_MAX_SECONDS" python3 "$DNS_RESPONDER" serve \
		"$LAB_TGT_ADDR" "$port" "$recs" "$DNS_MAX_SECONDS" >"$WORK/responder-$port.log" 2>&1 &
	local pid=$!
	lab_on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	dns_wait_ready "$port" "$(head -n 1 "$recs" | cut -d' ' -f1)"
}

dns_drop_port() {
	lab_nft_table
	lab_nft add rule ip "$LAB_NFT_TABLE" pre iifname "$LAB_TGT_IF" udp dport "$1" drop
}
