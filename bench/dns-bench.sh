#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bench/dns-bench.sh: how fast the resolver stage resolves, in the namespace lab.
#
#   bench/dns-bench.sh [--icmpsweep PATH] [--reps N] [--out DIR]
#
# One lab (tests/lab/lab.sh: a scanner and a target namespace joined by a veth pair, created
# here and deleted on exit), dnsmasq in the target namespace on 192.0.2.2 with PTR records
# for every live host.  Nothing is sent outside the two namespaces and every run is bounded
# with `timeout`.  Measured:
#
#   1. lookups/s over the 65,536 addresses of an all-alive 198.19.0.0/16, of which the first
#      4,096 have a PTR record and the rest get NXDOMAIN: dnsperf (-q 100 and -q 256, 8 s;
#      the better median is the reference) against dnsmasq, versus icmpsweep resolving the
#      same /16: (a) --read of a trace of a sweep of it (the stage fed as fast as it takes),
#      (b) a live sweep at full rate.  Each repetition runs all of them in turn.  icmpsweep's
#      rate is lookups / (last lookup finished - first started), from its summary/metadata.
#   2. wall time of a sweep of 198.18.0.0/16 with 4,000 live named hosts, with names versus
#      with -n (median of N runs each), and nmap -sn with --dns-servers (and with -n) on the
#      same /16.
#
# Needs root, iproute2, dnsmasq (dnsmasq-base); dnsperf and nmap are optional (skipped when
# missing).  Prints a Markdown report and leaves raw files in --out (default: a temp dir).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ISW=$ROOT/build/icmpsweep
REPS=5
OUT=
while (($#)); do
	case $1 in
	--icmpsweep) ISW=${2:?}; shift ;;
	--reps) REPS=${2:?}; shift ;;
	--out) OUT=${2:?}; shift ;;
	-h | --help) sed -n '2,22p' "$0"; exit 0 ;;
	*) echo "dns-bench: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
ISW=$(readlink -f "$ISW")
[[ -x $ISW ]] || { echo "dns-bench: $ISW is not executable (build first)" >&2; exit 2; }

# shellcheck source=../tests/lab/lab.sh
source "$ROOT/tests/lab/lab.sh"
lab_require_root
lab_require_cmd dnsmasq python3 timeout
lab_create dnsb
W=${OUT:-$LAB_TMP/out}
mkdir -p "$W"
log() { echo "dns-bench: $*" >&2; }

DNS=$LAB_TGT_ADDR
SPARSE=198.18.0.0/16
# dnsmasq answers PTRs from its hosts cache fast with up to ~8,000 names but falls to ~3k/s
# past ~12,000 (measured on dnsmasq 2.90), so only 4,096 + 4,000 addresses get a name.
DENSE=198.19.0.0/16
NLIVE=4000

# --- the lab: 4,000 live in the sparse /16, everything alive in the dense /16 --------------
lab_random_live_set "$NLIVE" "$SPARSE" "$W/live.txt" 7
lab_live_set "$W/live.txt"
lab_all_alive "$DENSE"
lab_static_neigh
GW_MAC=$(lab_tgt_mac)
python3 - "$W/live.txt" >"$W/hosts" <<-'EOF'
import sys
for line in open(sys.argv[1]):
    a = line.split()[0].split(".")
    print("%s h%s-%s.sparse.lab.example" % (line.strip(), a[2], a[3]))
for x in range(16):
    for y in range(256):
        print("198.19.%d.%d d%d-%d.dense.lab.example" % (x, y, x, y))
EOF
lab_exec_target timeout -k 2 3000 dnsmasq --keep-in-foreground --no-resolv --no-hosts \
	--addn-hosts="$W/hosts" --listen-address="$DNS" --bind-interfaces --port=53 \
	--user=root --group=root --pid-file="$LAB_TMP/dnsmasq.pid" --log-facility="$W/dnsmasq.log" \
	--local=/18.198.in-addr.arpa/ --local=/19.198.in-addr.arpa/ &
DNSMASQ_PID=$!
lab_on_exit "kill $DNSMASQ_PID 2>/dev/null; wait $DNSMASQ_PID 2>/dev/null"
for ((i = 0; i < 50; i++)); do
	lab_exec_scanner timeout 2 python3 "$ROOT/tests/e2e/dns-responder.py" query "$DNS" 53 \
		198.19.0.1 0.2 >/dev/null 2>&1 && break
	sleep 0.2
done
((i < 50)) || { log "dnsmasq does not answer"; exit 1; }
log "lab ready: $NLIVE live in $SPARSE, all of $DENSE alive, dnsmasq on $DNS with $(wc -l <"$W/hosts") PTRs"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "n/a" }'; }
meta() { python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    d = d[k] if d is not None else None
print(d)' "$@"; }
isw() { lab_exec_scanner timeout -k 5 300 "$ISW" -i "$LAB_SCAN_IF" -S "$LAB_SCAN_ADDR" -G "$GW_MAC" "$@"; }

# --- 1. lookups per second -------------------------------------------------------------------
# dnsperf and icmpsweep take turns in every repetition, so that a busy machine slows both.
HAVE_DNSPERF=0
if command -v dnsperf >/dev/null; then
	HAVE_DNSPERF=1
	python3 -c '
for x in range(256):
    for y in range(256):
        print("%d.%d.19.198.in-addr.arpa PTR" % (y, x))' >"$W/dnsperf.queries"
else
	log "dnsperf not installed (apt-get install dnsperf): skipped"
fi
# The /16 as a trace: --read hands the stage results as fast as it takes them.
isw -q -n -r 0 -c 2 --seed 200 -w "$W/dense.pcap" -o /dev/null "$DENSE" 2>"$W/trace.err"

LIVE_RATES=() READ_RATES=() LIVE_OK=() DP100=() DP256=()
for ((r = 1; r <= REPS; r++)); do
	if ((HAVE_DNSPERF)); then
		for q in 100 256; do
			lab_exec_scanner timeout -k 5 60 dnsperf -s "$DNS" -d "$W/dnsperf.queries" -l 8 \
				-q "$q" -c 1 >"$W/dnsperf-q$q-$r.txt" 2>&1 || true
			qps=$(awk '/Queries per second/ { printf "%.0f", $4 }' "$W/dnsperf-q$q-$r.txt")
			lost=$(awk '/Queries lost/ { print $3 }' "$W/dnsperf-q$q-$r.txt")
			if ((q == 100)); then DP100+=("${qps:-0}"); else DP256+=("${qps:-0}"); fi
			log "run $r: dnsperf -q $q: ${qps:-?} queries/s, ${lost:-?} lost"
		done
	fi
	lab_exec_scanner timeout -k 5 300 "$ISW" --read "$W/dense.pcap" --seed 200 -O csv \
		-o "$W/read-$r.csv" --resolver "$DNS" 2>"$W/read-$r.err"
	rate=$(awk '/lookups:/ { for (i = 1; i <= NF; i++) if ($i ~ /\/s\):$/) { gsub(/[()\/s:]/, "", $i); print $i } }' "$W/read-$r.err")
	READ_RATES+=("${rate:-n/a}")
	log "run $r: icmpsweep --read: $(grep -o 'lookups: .*timeout' "$W/read-$r.err")"
	isw -q -r 0 -c 2 --seed $((100 + r)) -O csv -o "$W/dense-$r.csv" --metadata "$W/dense-$r.json" \
		--resolver "$DNS" "$DENSE" 2>"$W/dense-$r.err"
	LIVE_RATES+=("$(meta "$W/dense-$r.json" resolve lookups_per_s)")
	LIVE_OK+=("$(meta "$W/dense-$r.json" resolve ok)/$(meta "$W/dense-$r.json" resolve nxdomain)/$(meta "$W/dense-$r.json" resolve timeout)")
	log "run $r: icmpsweep live sweep of $DENSE: $(meta "$W/dense-$r.json" resolve lookups) lookups at ${LIVE_RATES[-1]}/s (ok/nxdomain/timeout ${LIVE_OK[-1]})"
done

# --- 2. a named sweep versus -n, and nmap ----------------------------------------------------
NAMED=() PLAIN=()
for ((r = 1; r <= REPS; r++)); do
	t0=$(now)
	isw -q -n -c 2 --seed $((300 + r)) -o "$W/plain-$r.txt" "$SPARSE" 2>"$W/plain-$r.err"
	PLAIN+=("$(secs "$t0" "$(now)")")
	t0=$(now)
	isw -q -c 2 --seed $((300 + r)) -o "$W/named-$r.txt" --metadata "$W/named-$r.json" \
		--resolver "$DNS" "$SPARSE" 2>"$W/named-$r.err"
	NAMED+=("$(secs "$t0" "$(now)")")
	log "sweep of $SPARSE, run $r: -n ${PLAIN[-1]} s ($(wc -l <"$W/plain-$r.txt") hosts), named ${NAMED[-1]} s ($(awk 'NF == 2' "$W/named-$r.txt" | wc -l) with names)"
done
NMAP_NAMED=n/a NMAP_PLAIN=n/a NMAP_NAMES=n/a NMAP_HOSTS=n/a
if command -v nmap >/dev/null; then
	nmap_run() {
		local name=$1 t0
		shift
		t0=$(now)
		lab_exec_scanner timeout -k 5 600 nmap -sn -PE --disable-arp-ping -e "$LAB_SCAN_IF" \
			--min-rate 10000 --max-rate 10000 --max-retries 0 --max-rtt-timeout 2s \
			-oG "$W/nmap-$name.gnmap" "$@" "$SPARSE" >"$W/nmap-$name.txt" 2>&1 || true
		secs "$t0" "$(now)"
	}
	NMAP_PLAIN=$(nmap_run plain -n)
	NMAP_NAMED=$(nmap_run named --dns-servers "$DNS")
	NMAP_HOSTS=$(grep -c 'Status: Up' "$W/nmap-named.gnmap" || true)
	NMAP_NAMES=$(grep 'Status: Up' "$W/nmap-named.gnmap" | grep -vc '()' || true)
	log "nmap -sn: -n $NMAP_PLAIN s, --dns-servers $NMAP_NAMED s ($NMAP_HOSTS up, $NMAP_NAMES named)"
fi

# --- report ------------------------------------------------------------------------------------
DNSPERF_Q100=$( ((${#DP100[@]})) && printf '%s\n' "${DP100[@]}" | median || echo n/a)
DNSPERF_Q256=$( ((${#DP256[@]})) && printf '%s\n' "${DP256[@]}" | median || echo n/a)
DNSPERF_QPS=$(awk -v a="$DNSPERF_Q100" -v b="$DNSPERF_Q256" 'BEGIN { m = (a + 0 > b + 0) ? a : b; print (m + 0 > 0) ? m : "n/a" }')
LIVE_MED=$(printf '%s\n' "${LIVE_RATES[@]}" | median)
READ_MED=$(printf '%s\n' "${READ_RATES[@]}" | median)
PLAIN_MED=$(printf '%s\n' "${PLAIN[@]}" | median)
NAMED_MED=$(printf '%s\n' "${NAMED[@]}" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }
cat <<EOF
## Resolver stage: lookups against dnsmasq in the lab ($(nproc) CPUs, $(date -u +%F))

| measurement | value |
|---|---|
| dnsperf, 8 s over the 65,536 PTR names of $DENSE (4,096 named), -q 100 / -q 256, median of $REPS | $DNSPERF_Q100 / $DNSPERF_Q256 queries/s |
| icmpsweep, live sweep of the all-alive $DENSE (-r 0), median of $REPS | $LIVE_MED lookups/s ($(ratio "$LIVE_MED" "$DNSPERF_QPS") × the better dnsperf) |
| icmpsweep --read of that sweep's trace, median of $REPS | $READ_MED lookups/s ($(ratio "$READ_MED" "$DNSPERF_QPS") × the better dnsperf) |
| sweep of $SPARSE (4,000 live, -r 10k -c 2), -n, median of $REPS | $PLAIN_MED s |
| the same with names (--resolver), median of $REPS | $NAMED_MED s ($(ratio "$NAMED_MED" "$PLAIN_MED") × -n) |
| nmap -sn --min-rate 10000 --max-retries 0, -n | $NMAP_PLAIN s |
| nmap -sn, same, --dns-servers $DNS | $NMAP_NAMED s ($NMAP_HOSTS up, $NMAP_NAMES named) |

runs: dnsperf -q 100 ${DP100[*]}, -q 256 ${DP256[*]} queries/s; live ${LIVE_RATES[*]} lookups/s (ok/nxdomain/timeout ${LIVE_OK[*]}); read ${READ_RATES[*]} lookups/s; -n ${PLAIN[*]} s; named ${NAMED[*]} s.
Raw files: $W
EOF
if [[ -z $OUT ]]; then
	log "raw files are removed with the lab; pass --out DIR to keep them"
fi
