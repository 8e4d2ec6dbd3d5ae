#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# One run, IPv4 and IPv6 targets mixed (command line, -I file, -x and -b exclusions): the
# answers of both families exactly, in text, CSV and JSON, with an ICMPv6 error from the
# router (an IPv6 target it has no route for) in CSV and JSON; the start line and the
# metadata count each family.  The same with each transmit backend, writing a trace with the
# probes: its ICMPv6 echo requests counted, and --read of it giving the same hosts.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=v6mixed e2e_init "$@"

main() {
	lab_require_cmd tcpdump
	lab_ipv6
	# Live: 198.18.5.0/28 and 2001:db8:2::/124.  Silent: 198.18.6.0/28 (the target has no
	# route and does not forward) and 2001:db8:3::/124 (blackholed).  2001:db8:4::1: no route
	# at the target, which answers ICMPv6 unreachable from its link address.
	lab_all_alive 198.18.5.0/28
	lab_all_alive6 2001:db8:2::/124
	ip -n "$LAB_TGT" -6 route add blackhole 2001:db8:3::/124
	printf '198.18.6.0/28\n# IPv6 too\n2001:db8:3::/124\n2001:db8:4::1\n' >"$WORK/targets.txt"
	printf '2001:db8:2::e\n' >"$WORK/exclude.txt"
	{
		e2e_cidr_list 198.18.5.0/28 | grep -vx 198.18.5.15
		awk 'BEGIN { print "2001:db8:2::"; for (i = 1; i < 16; i++) if (i != 14 && i != 15) printf "2001:db8:2::%x\n", i }'
	} >"$WORK/expected.txt"
	[[ $(wc -l <"$WORK/expected.txt") -eq 29 ]] || e2e_fail "expected list has $(wc -l <"$WORK/expected.txt") lines"
	printf '2001:db8:4::1,unreachable,%s\n' "$LAB_TGT_ADDR6" >"$WORK/errors.want"

	local f
	for f in text csv json; do
		e2e_sweep "$WORK/out.$f" "$WORK/err.$f" -n -O "$f" -c 1 --seed 5 -P 2 \
			--metadata "$WORK/meta.$f.json" -x 198.18.5.15 -x 2001:db8:2::f \
			-b "$WORK/exclude.txt" -I "$WORK/targets.txt" 198.18.5.0/28 2001:db8:2::/124
		e2e_expect_rc 0 "$WORK/err.$f"
		grep -q "62 targets (31 IPv4, 31 IPv6) from $LAB_SCAN_ADDR and $LAB_SCAN_ADDR6 on $LAB_SCAN_IF" \
			"$WORK/err.$f" || e2e_fail "$f: start line: $(grep targets "$WORK/err.$f" | head -n 1)"
		[[ $(e2e_meta_int "$WORK/meta.$f.json" targets_ipv4) -eq 31 &&
			$(e2e_meta_int "$WORK/meta.$f.json" targets_ipv6) -eq 31 ]] ||
			e2e_fail "$f: metadata targets_ipv4/targets_ipv6 are not 31/31"
		# One router for both families: one gateway, by its MAC.
		[[ $(e2e_meta_int "$WORK/meta.$f.json" gateways) -eq 1 ]] ||
			e2e_fail "$f: metadata gateways=$(e2e_json_get "$WORK/meta.$f.json" gateways), expected 1 (one router for IPv4 and IPv6)"
		! grep -q "other gateways per route" "$WORK/err.$f" ||
			e2e_fail "$f: start line counts the router's IPv4 and IPv6 addresses as two gateways"
		[[ $(e2e_meta_int "$WORK/meta.$f.json" hits) -eq 29 ]] ||
			e2e_fail "$f: metadata hits=$(e2e_json_get "$WORK/meta.$f.json" hits), expected 29"
		case $f in
		text) cp "$WORK/out.text" "$WORK/hosts.text" ;;
		csv)
			[[ $(head -n 1 "$WORK/out.csv") == "ip,type,rtt_ms,ttl,probe,ts,responder" ]] ||
				e2e_fail "CSV header is '$(head -n 1 "$WORK/out.csv")'"
			tail -n +2 "$WORK/out.csv" | awk -F, '$2 == "echo-reply" { print $1 }' >"$WORK/hosts.csv"
			tail -n +2 "$WORK/out.csv" | awk -F, -v OFS=, '$2 != "echo-reply" { print $1, $2, $7 }' \
				>"$WORK/errors.csv"
			;;
		json)
			python3 -c 'import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    out = sys.stdout if r["type"] == "echo-reply" else sys.stderr
    print(r["ip"] if out is sys.stdout else "%s,%s,%s" % (r["ip"], r["type"], r["responder"]), file=out)' \
				"$WORK/out.json" >"$WORK/hosts.json" 2>"$WORK/errors.json" ||
				e2e_fail "JSON output does not parse: $(head -n 3 "$WORK/out.json")"
			;;
		esac
		e2e_no_duplicates "$WORK/hosts.$f" "$f output"
		e2e_same_set "$WORK/expected.txt" "$WORK/hosts.$f" "mixed sweep, $f"
		if [[ $f != text ]] && ! cmp -s "$WORK/errors.want" "$WORK/errors.$f"; then
			e2e_fail "$f: ICMP errors are '$(cat "$WORK/errors.$f")', expected '$(cat "$WORK/errors.want")'"
		fi
	done

	# Every transmit backend sends the ICMPv6 frames; the trace holds them (rebuilt from the
	# probe log) beside the answers, and --read of it gives the same hosts.
	local tx n6
	for tx in ring libnet xdp; do
		e2e_sweep "$WORK/tx.$tx" "$WORK/tx.$tx.err" -q -n --tx "$tx" -c 1 --seed 7 -P 2 \
			-w "$WORK/t.$tx.pcapng" --pcapng --trace-probes -x 198.18.5.15 -x 2001:db8:2::f \
			-b "$WORK/exclude.txt" -I "$WORK/targets.txt" 198.18.5.0/28 2001:db8:2::/124
		e2e_expect_rc 0 "$WORK/tx.$tx.err"
		e2e_same_set "$WORK/expected.txt" "$WORK/tx.$tx" "--tx $tx"
		# IPv6 probes: 31 in pass 1, then the 16 silent ones (not the errored one) again.
		n6=$(tcpdump -nr "$WORK/t.$tx.pcapng" 'ip6 and ip6[6] = 58 and ip6[40] = 128' 2>/dev/null | wc -l)
		[[ $n6 -eq 47 ]] || e2e_fail "--tx $tx: the trace holds $n6 ICMPv6 echo requests, expected 47"
		e2e_sweep "$WORK/read.$tx" "$WORK/read.$tx.err" -q -n --seed 7 --read "$WORK/t.$tx.pcapng"
		e2e_expect_rc 0 "$WORK/read.$tx.err"
		e2e_same_set "$WORK/expected.txt" "$WORK/read.$tx" "--read of the --tx $tx trace"
	done
	e2e_pass "29 hosts of both families exactly in text, CSV and JSON; the ICMPv6 unreachable" \
		"from $LAB_TGT_ADDR6 in CSV and JSON; 31 IPv4 and 31 IPv6 targets counted; ring," \
		"libnet and xdp; traces with the ICMPv6 probes, read back the same"
}

main
