#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# --dry-run with IPv6 targets (issue 14): the listing of a mixed IPv4 + IPv6 set (addresses,
# ranges, a prefix, sub-prefix sweeps, -I/-x/-b files) is exactly the expected set, computed
# here with Python's ipaddress, once each, in text, CSV and JSON; IPv6 frames are ICMPv6 echo
# requests to the address of their line; --iid (fixed and random: stable for a seed, another
# for another seed, never an all-zero host part) places the address in each sub-prefix; bad
# values exit 2 with one line naming them; icmpsweep map takes a mixed run's metadata (its
# IPv6 hosts left out of the map); nothing is sent throughout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=dry6 e2e_init "$@"
lab_require_cmd python3

FAILURES=()

# expected_set FILE SPEC... : the addresses the specs name, one per line (Python's ipaddress;
# "P/len-sublen" is P's /sublen sub-prefixes with IID ::1; a leading "-" excludes).
expected_set() {
	local out=$1
	shift
	python3 - "$@" >"$out" <<-'PY'
	import ipaddress, sys
	inc, exc = set(), set()
	for spec in sys.argv[1:]:
	    dst = inc
	    if spec.startswith("-"):
	        dst, spec = exc, spec[1:]
	    if "/" in spec and "-" in spec.split("/")[1]:
	        net, sub = spec.split("-")
	        net = ipaddress.ip_network(net)
	        for s in net.subnets(new_prefix=int(sub)):
	            dst.add(s.network_address + 1)
	    elif "-" in spec:
	        lo, hi = (ipaddress.ip_address(x) for x in spec.split("-"))
	        dst.update(ipaddress.ip_address(int(lo) + i) for i in range(int(hi) - int(lo) + 1))
	    elif "/" in spec:
	        dst.update(ipaddress.ip_network(spec))
	    else:
	        dst.add(ipaddress.ip_address(spec))
	for a in sorted(inc - exc, key=lambda a: (a.version, a)):
	    print(a)
	PY
}

# The set: IPv4 and IPv6 on the command line and in files, overlapping, with exclusions.
mixed_set() {
	# 2001:db8:110::1 is also the /40-44 sweep's address in its second /44: listed once.
	printf '# hitlist\n2001:db8:2::7\n2001:db8:2::9 # trailing comment\n2001:db8:300::/44-48\n198.18.5.9\n2001:db8:110::1\n' >"$WORK/in.txt"
	printf '2001:db8:305::1\n2001:db8:1::2\n' >"$WORK/ex.txt"
	ARGS=(198.18.5.0/30 2001:db8:1::/126 2001:db8:1::10-2001:db8:1::12 2001:db8:100::/40-44
		2001:db8:1::3 -x 2001:db8:130::1 -x 198.18.5.1 -I "$WORK/in.txt" -b "$WORK/ex.txt")
	expected_set "$WORK/expected.txt" 198.18.5.0/30 2001:db8:1::/126 2001:db8:1::10-2001:db8:1::12 \
		2001:db8:100::/40-44 2001:db8:1::3 -2001:db8:130::1 -198.18.5.1 2001:db8:2::7 2001:db8:2::9 \
		2001:db8:300::/44-48 198.18.5.9 2001:db8:110::1 -2001:db8:305::1 -2001:db8:1::2
}

# check_listing FORMAT FILE: the addresses listed are the expected set, once each, and every
# frame is an echo request of its family to the address of its line.
check_listing() {
	local fmt=$1 file=$2
	python3 - "$fmt" "$file" "$WORK/got-$fmt.txt" <<-'PY' || FAILURES+=("--dry-run -O $fmt: frames do not match their lines (see above)")
	import ipaddress, json, sys
	fmt, path, out = sys.argv[1:]
	rows = []
	lines = open(path).read().splitlines()
	if fmt == "csv":
	    assert lines[0] == "ip,probe,id,seq,len,frame", lines[0]
	    for l in lines[1:]:
	        ip, probe, ident, seq, length, frame = l.split(",")
	        rows.append((ip, int(probe), int(ident), int(seq), int(length), frame))
	elif fmt == "json":
	    for l in lines:
	        o = json.loads(l)
	        rows.append((o["ip"], o["probe"], o["id"], o["seq"], o["len"], o["frame"]))
	else:
	    for l in lines:
	        f = l.split()
	        kv = dict(x.split("=", 1) for x in f[1:])
	        rows.append((f[0], int(kv["probe"]), int(kv["id"], 16), int(kv["seq"], 16),
	                     int(kv["len"]), kv["frame"]))
	with open(out, "w") as o:
	    for ip, probe, ident, seq, length, frame in rows:
	        b = bytes.fromhex(frame)
	        a = ipaddress.ip_address(ip)
	        if len(b) != length:
	            sys.exit("%s: frame of %d bytes, len=%d" % (ip, len(b), length))
	        if a.version == 6:
	            ok = (b[12:14] == b"\x86\xdd" and b[14] >> 4 == 6 and b[20] == 58 and
	                  b[38:54] == a.packed and b[54] == 128 and
	                  int.from_bytes(b[58:60], "big") == ident and
	                  int.from_bytes(b[60:62], "big") == seq)
	        else:
	            ok = (b[12:14] == b"\x08\x00" and b[14] >> 4 == 4 and b[23] == 1 and
	                  b[30:34] == a.packed and b[34] == 8 and
	                  int.from_bytes(b[38:40], "big") == ident and
	                  int.from_bytes(b[40:42], "big") == seq)
	        if not ok or probe != 1:
	            sys.exit("%s: frame is not probe 1 of an echo request to it: %s" % (ip, frame))
	        print(ip, file=o)
	PY
	[[ -f $WORK/got-$fmt.txt ]] || return 0
	e2e_no_duplicates "$WORK/got-$fmt.txt" "--dry-run -O $fmt addresses"
	e2e_same_set "$WORK/expected.txt" "$WORK/got-$fmt.txt" "--dry-run -O $fmt addresses"
}

listing() {
	local fmt
	mixed_set
	for fmt in text csv json; do
		e2e_sweep "$WORK/dry.$fmt" "$WORK/dry.err" -q -n --dry-run --seed 5 -O "$fmt" "${ARGS[@]}"
		e2e_expect_rc 0 "$WORK/dry.err"
		check_listing "$fmt" "$WORK/dry.$fmt"
	done
	e2e_log "mixed set: $(wc -l <"$WORK/expected.txt") addresses ($(grep -c : "$WORK/expected.txt") IPv6), exact in text, csv and json"
	# The same seed: the same order, ids and sequences (the payload's send time differs).
	e2e_sweep "$WORK/again.text" "$WORK/dry.err" -q -n --dry-run --seed 5 "${ARGS[@]}"
	e2e_expect_rc 0 "$WORK/dry.err"
	cmp -s <(awk '{ print $1, $3, $4 }' "$WORK/dry.text") <(awk '{ print $1, $3, $4 }' "$WORK/again.text") ||
		FAILURES+=("--seed 5 twice: a different order or different tags")
	# -P 2: every target twice, probe 1 then 2.
	e2e_sweep "$WORK/p2.text" "$WORK/dry.err" -q -n --dry-run -P 2 --seed 5 "${ARGS[@]}"
	e2e_expect_rc 0 "$WORK/dry.err"
	[[ $(grep -c ' probe=2 ' "$WORK/p2.text") -eq $(wc -l <"$WORK/expected.txt") &&
		$(wc -l <"$WORK/p2.text") -eq $((2 * $(wc -l <"$WORK/expected.txt"))) ]] ||
		FAILURES+=("-P 2: $(wc -l <"$WORK/p2.text") lines, expected twice $(wc -l <"$WORK/expected.txt")")
}

# iid_list OUT ARGS...: the addresses a dry run lists.
iid_list() {
	local out=$1
	shift
	e2e_sweep "$WORK/iid.out" "$WORK/iid.err" -q -n --dry-run "$@"
	e2e_expect_rc 0 "$WORK/iid.err"
	awk '{ print $1 }' "$WORK/iid.out" | LC_ALL=C sort >"$out"
}

iid() {
	iid_list "$WORK/fixed.txt" --iid ::a:b 2001:db8:100::/40-48
	python3 -c 'import ipaddress
for s in ipaddress.ip_network("2001:db8:100::/40").subnets(new_prefix=48): print(s.network_address + 0xa000b)' |
		LC_ALL=C sort >"$WORK/fixed-want.txt"
	cmp -s "$WORK/fixed.txt" "$WORK/fixed-want.txt" ||
		FAILURES+=("--iid ::a:b over 2001:db8:100::/40-48: not each /48's ::a:b ($(head -n 2 "$WORK/fixed.txt" | tr '\n' ' '))")
	iid_list "$WORK/r1.txt" --iid random --seed 11 2001:db8:100::/40-48
	iid_list "$WORK/r1b.txt" --seed 11 --iid random -P 2 2001:db8:100::/40-48
	iid_list "$WORK/r2.txt" --iid random --seed 12 2001:db8:100::/40-48
	python3 - "$WORK/r1.txt" "$WORK/r1b.txt" "$WORK/r2.txt" <<-'PY' || FAILURES+=("--iid random: see above")
	import ipaddress, sys
	r1, r1b, r2 = ([ipaddress.ip_address(l) for l in open(p).read().split()] for p in sys.argv[1:])
	net = ipaddress.ip_network("2001:db8:100::/40")
	subs = sorted(int(a) >> 80 for a in r1)
	if subs != [int(s.network_address) >> 80 for s in net.subnets(new_prefix=48)]:
	    sys.exit("--iid random: not one address in each /48")
	if any(int(a) & ((1 << 80) - 1) == 0 for a in r1 + r2):
	    sys.exit("--iid random: an all-zero host part")
	if sorted(set(r1b)) != sorted(r1) or len(r1b) != 2 * len(r1):
	    sys.exit("--iid random: -P 2 with the same seed probes other addresses")
	same = len(set(r1) & set(r2))
	if same > 2:
	    sys.exit("--iid random: seeds 11 and 12 share %d of %d addresses" % (same, len(r1)))
	PY
	e2e_log "--iid ::a:b and random (same seed, same addresses; -P 2; another seed, others)"
}

# bad VALUE ARGS...: exit 2, one line naming VALUE, nothing on stdout.
bad() {
	local value=$1
	shift
	e2e_sweep "$WORK/bad.out" "$WORK/bad.err" -q --dry-run "$@"
	if [[ $E2E_RC -ne 2 || $(wc -l <"$WORK/bad.err") -ne 1 ]] || ! grep -qF -- "$value" "$WORK/bad.err" ||
		[[ -s $WORK/bad.out ]]; then
		FAILURES+=("--dry-run $*: exit $E2E_RC, expected 2 and one line naming '$value': $(head -c 300 "$WORK/bad.err")")
	else
		e2e_log "ok: $* -> $(cat "$WORK/bad.err")"
	fi
}

bad_values() {
	printf '2001:db8::1\n2001:db8::/48-40\n' >"$WORK/badsub.txt"
	bad "--iid 'foo'" --iid foo 2001:db8::/32-48
	bad "--iid '1.2.3.4'" --iid 1.2.3.4 2001:db8::/32-48
	bad "'2001:db8::/32-16'" 2001:db8::/32-16
	bad "'2001:db8::/32-129'" 2001:db8::/32-129
	bad "'2001:db8::/32-65'" 2001:db8::/32-65
	bad "'198.18.0.0/24-32'" 198.18.0.0/24-32
	bad "--iid '::1:0:0:0:1'" --iid ::1:0:0:0:1 2001:db8::/40-64
	bad "--iid 'random'" --iid random 2001:db8::/120
	bad "4294967297 targets" 2001:db8::/32-64 198.18.0.1
	bad "badsub.txt:2: invalid IPv6 sub-prefix length in '2001:db8::/48-40'" -I "$WORK/badsub.txt"
	bad "'::ffff:198.18.0.1'" ::ffff:198.18.0.1
	bad "'2001:db8:1::/40-48'" -x 2001:db8:1::/40-48 2001:db8::/32-48
}

# icmpsweep map from the metadata of a mixed run: the IPv6 specs parse, their hosts are left
# out of the (IPv4) map and said so.
map_of_mixed() {
	e2e_sweep "$WORK/m.out" "$WORK/m.err" -q --dry-run --seed 1 --metadata "$WORK/m.json" \
		198.18.0.0/24 2001:db8::/32-40
	e2e_expect_rc 0 "$WORK/m.err"
	printf 'ip,type\n198.18.0.5,echo-reply\n2001:db8:100::1,echo-reply\n' >"$WORK/m.csv"
	E2E_RC=0
	timeout 30 "$ISW" map --metadata "$WORK/m.json" "$WORK/m.csv" -o "$WORK/m.png" 2>"$WORK/map.err" || E2E_RC=$?
	if [[ $E2E_RC -ne 0 || ! -s $WORK/m.png ]] || ! grep -q "1 IPv6 hosts up are not drawn" "$WORK/map.err"; then
		FAILURES+=("map --metadata of a mixed run: exit $E2E_RC: $(head -c 300 "$WORK/map.err")")
	else
		e2e_log "map --metadata of a mixed run: drawn, the IPv6 host left out"
	fi
}

main() {
	local tx0 tx1
	tx0=$(lab_scan_tx)
	listing
	iid
	bad_values
	map_of_mixed
	tx1=$(lab_scan_tx)
	((tx1 == tx0)) || FAILURES+=("the scanner transmitted $((tx1 - tx0)) packets during dry runs, expected 0")
	if ((${#FAILURES[@]})); then
		printf '  %s\n' "${FAILURES[@]}" >&2
		e2e_fail "${#FAILURES[@]} IPv6 dry-run checks failed (see above)"
	fi
	e2e_pass "IPv6 and mixed dry-run listings exact in three formats, --iid, bad values, nothing sent"
}

main
