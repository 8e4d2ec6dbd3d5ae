# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with bench/run and the other files
# dns: sparse with PTR names from dnsmasq: time to a complete named list.  Needs sparse.sh.
scenario_register dns 60 "dns: sparse with PTR names (dnsmasq); time to a complete named list" \
	"tool,rate,wall,recall,names,name_recall,cpu,rss" "icmpsweep fping nmap"
DNS_SERVER=192.0.2.2
NAME_DOMAIN=sweep.test

scenario_dns() {
	lab_up dns
	sparse_setup
	NAMES_FILE="$W/names.txt"
	awk -F. -v d="$NAME_DOMAIN" 'NF == 4 { printf "%s h-%s-%s-%s-%s.%s\n", $0, $1, $2, $3, $4, d }' \
		"$TRUTH_FILE" >"$NAMES_FILE"
	# dnsmasq answers PTR (and A) for exactly the live hosts; everything else in the swept
	# space is NXDOMAIN at once (--local: never forwarded, there is no upstream anyway).
	ip netns exec "$LAB_TGT" dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll \
		--addn-hosts="$NAMES_FILE" --listen-address="$DNS_SERVER" --bind-interfaces \
		--local=/18.198.in-addr.arpa/ --local=/19.198.in-addr.arpa/ --local="/$NAME_DOMAIN/" \
		--pid-file= --user=root --cache-size=10000 --dns-forward-max=1000 \
		--log-facility="$W/dnsmasq.log" &
	local dpid=$!
	lab_on_exit "kill $dpid 2>/dev/null"
	# fping -d uses the system resolver: `ip netns exec` bind-mounts /etc/netns/NS/resolv.conf.
	ETC_NETNS="/etc/netns/$LAB_SCAN"
	mkdir -p "$ETC_NETNS"
	printf 'nameserver %s\noptions timeout:1 attempts:2\n' "$DNS_SERVER" >"$ETC_NETNS/resolv.conf"
	local i probe
	probe=$(head -n1 "$TRUTH_FILE")
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$LAB_SCAN" timeout 2 getent hosts "$probe" >/dev/null 2>&1 && break
		sleep 0.1
	done
	((i < 50)) || die "dnsmasq in the target namespace does not answer"
	targets_files "$SWEEP" 1
	run_set dns 1 "$SWEEP_RATE"
	rm -rf "$ETC_NETNS"
	ETC_NETNS=
	lab_destroy
}
