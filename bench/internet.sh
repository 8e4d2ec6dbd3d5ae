#!/usr/bin/env bash
# bench/internet.sh: the `internet` scenario, standalone.  An Internet-like path in a lab of
# network namespaces: tests/lab/isw-responder.c answers a seeded live set of the swept prefix
# behind a TUN device after per-host RTTs of 10 ms to 3 s (log-normal mix), with loss (a tenth
# of the hosts lose 30% of requests) and 1% duplicates.  Each tool runs with its own defaults
# (icmpsweep: rate 10k/s, -c auto; zmap: rate 10k/s, --cooldown-time 8), plus only what it
# needs to run in the lab (interface, source, gateway MAC, an empty zmap blocklist).
#
#   bench/internet.sh [--quick] [--reps N] [--build DIR] [--icmpsweep PATH] [--zmap PATH]
#                     [--net CIDR] [--live SHARE] [--keep DIR]
#
# Reports, per tool (median over the repetitions, min-max beside it):
#   recall     hosts found / hosts the responder answers every time ("reliable": exact truth)
#   all        hosts found / every live host (lossy ones included: random by design)
#   extra      hosts reported that are not live (must be 0)
#   complete   seconds from start to exit, i.e. until the result is complete
#   x          complete / icmpsweep's complete
# zmap: --zmap PATH (a binary), else the bench harness's zmap 4.3.4 build
# (BUILD/bench/peers/zmap-4.3.4/build/src/zmap), else Debian's (labelled with its version).
# Needs root; exits 77 otherwise.  Packets stay inside the lab's namespaces (198.18.0.0/15).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build
ISW_BIN='' ZMAP_BIN='' REPS=3 NET=198.18.0.0/16 LIVE=0.02 KEEP='' QUICK=0

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
while (($#)); do
	case $1 in
	--quick) QUICK=1 ;;
	--reps) REPS=$2; shift ;;
	--build) BUILD=$(readlink -f "$2"); shift ;;
	--icmpsweep) ISW_BIN=$(readlink -f "$2"); shift ;;
	--zmap) ZMAP_BIN=$(readlink -f "$2"); shift ;;
	--net) NET=$2; shift ;;
	--live) LIVE=$2; shift ;;
	--keep) KEEP=$2; shift ;;
	-h | --help) usage 0 ;;
	*) echo "internet.sh: unknown argument '$1'" >&2; usage 2 >&2 ;;
	esac
	shift
done
if ((QUICK)); then
	NET=198.18.0.0/19 LIVE=0.1 REPS=1
fi
[[ $REPS =~ ^[1-9][0-9]?$ ]] || { echo "internet.sh: bad --reps '$REPS' (1..99)" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (network namespaces, raw sockets)" >&2; exit 77; }
ISW_BIN=${ISW_BIN:-$BUILD/icmpsweep}
RSP_BIN=$BUILD/tests/isw-responder
[[ -x $ISW_BIN ]] || { echo "internet.sh: no icmpsweep at $ISW_BIN (build first, or --icmpsweep)" >&2; exit 1; }
[[ -x $RSP_BIN ]] || { echo "internet.sh: no isw-responder at $RSP_BIN (cmake --build $BUILD)" >&2; exit 1; }
if [[ -z $ZMAP_BIN ]]; then
	if [[ -x $BUILD/bench/peers/zmap-4.3.4/build/src/zmap ]]; then
		ZMAP_BIN=$BUILD/bench/peers/zmap-4.3.4/build/src/zmap
	else
		ZMAP_BIN=$(command -v zmap || true)
	fi
fi

# shellcheck source=../tests/lab/lab.sh
source "$ROOT/tests/lab/lab.sh"
lab_create inet
W=$LAB_TMP
GW_MAC=$(lab_tgt_mac)
lab_static_neigh
: >"$W/empty.blocklist"
: >"$W/empty.conf" # zmap 4 must not read Debian 2.1.1's /etc/zmap/zmap.conf
ZMAP_LABEL=''
if [[ -n $ZMAP_BIN ]]; then
	# "zmap v4.3.4", "zmap 2.1.1" (2.1.1 has no -C: it reads Debian's own config).
	ZMAP_LABEL=$({ "$ZMAP_BIN" -C "$W/empty.conf" --version 2>&1 || "$ZMAP_BIN" --version 2>&1; } |
		grep -m1 -Eo 'zmap v?[0-9][0-9.]*' || true)
	ZMAP_LABEL=${ZMAP_LABEL:-zmap (unknown version)}
fi
ISW_LABEL="icmpsweep $("$ISW_BIN" --version 2>&1 | head -n1 | awk '{ print $NF }')"

lab_internet "$RSP_BIN" "$W/truth" --live "$LIVE" --lossy 0.1 --loss 0.3 --dup 0.01 \
	--seed 20251128 --seconds 1800
# Ground truth restricted to the swept prefix.
python3 - "$NET" "$W/truth" "$W/reliable" "$W/live" <<'EOF'
import ipaddress, sys
net = ipaddress.IPv4Network(sys.argv[1])
rel, live = open(sys.argv[3], "w"), open(sys.argv[4], "w")
for line in open(sys.argv[2]):
    a, _, kind = line.split()
    if ipaddress.IPv4Address(a) in net:
        live.write(a + "\n")
        if kind == "reliable":
            rel.write(a + "\n")
EOF
NREL=$(wc -l <"$W/reliable")
NLIVE=$(wc -l <"$W/live")

# run TOOL REP: one sweep; appends "tool rep recall all extra complete" to $W/rows.
run() {
	local tool=$1 rep=$2 out="$W/$1.$2.out" t0 t1 rc=0
	local -a cmd
	case $tool in
	icmpsweep)
		cmd=("$ISW_BIN" -n -q -o "$out" "$NET") ;;
	zmap)
		cmd=("$ZMAP_BIN" -C "$W/empty.conf" -M icmp_echoscan -i "$LAB_SCAN_IF"
			-S "$LAB_SCAN_ADDR" -G "$GW_MAC" -b "$W/empty.blocklist" -o "$out" -q
			"$NET") ;;
	esac
	t0=$(date +%s.%N)
	lab_exec_scanner timeout -k 5 120 "${cmd[@]}" >"$W/$tool.$rep.stdout" 2>"$W/$tool.$rep.stderr" || rc=$?
	t1=$(date +%s.%N)
	if ((rc != 0)); then
		echo "internet.sh: $tool exited $rc: $(head -c 600 "$W/$tool.$rep.stderr")" >&2
		return 1
	fi
	awk '{ print $1 }' "$out" | LC_ALL=C sort -u >"$W/got"
	local found_rel found_live extra
	found_rel=$(LC_ALL=C comm -12 <(LC_ALL=C sort "$W/reliable") "$W/got" | wc -l)
	found_live=$(LC_ALL=C comm -12 <(LC_ALL=C sort "$W/live") "$W/got" | wc -l)
	extra=$(LC_ALL=C comm -13 <(LC_ALL=C sort "$W/live") "$W/got" | wc -l)
	awk -v t="$tool" -v r="$rep" -v fr="$found_rel" -v nr="$NREL" -v fl="$found_live" \
		-v nl="$NLIVE" -v x="$extra" -v a="$t0" -v b="$t1" \
		'BEGIN { printf "%s %d %.4f %.4f %d %.2f\n", t, r, fr / nr, fl / nl, x, b - a }' >>"$W/rows"
	[[ -z $KEEP ]] || { mkdir -p "$KEEP"; cp "$out" "$W/$tool.$rep.stderr" "$KEEP/"; }
}

TOOLS=(icmpsweep)
[[ -n $ZMAP_BIN ]] && TOOLS+=(zmap)
: >"$W/rows"
for ((rep = 1; rep <= REPS; rep++)); do
	for tool in "${TOOLS[@]}"; do run "$tool" "$rep"; done
done
[[ -z $KEEP ]] || cp "$W/truth" "$W/rows" "$KEEP/"

echo "internet: $NET, $NLIVE live hosts ($NREL reliable), RTT 10 ms-3 s; $REPS repetition(s)"
echo
python3 - "$W/rows" "$ISW_LABEL" "${ZMAP_LABEL:-zmap (not found)}" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
label = {"icmpsweep": sys.argv[2], "zmap": sys.argv[3]}
cool = {"icmpsweep": "auto (default)", "zmap": "8 s (default)"}
by = {}
for t, _, rec, allr, extra, sec in rows:
    by.setdefault(t, []).append((float(rec), float(allr), int(extra), float(sec)))
def med(v): return statistics.median(v)
base = med([r[3] for r in by["icmpsweep"]])
print("| tool | version | cooldown | recall (reliable) | recall (all live) | extra | complete (s) | x icmpsweep |")
print("|---|---|---|---:|---:|---:|---:|---:|")
for t, rs in by.items():
    sec = [r[3] for r in rs]
    print("| %s | %s | %s | %.4f | %.4f | %d | %.2f (%.2f-%.2f) | %.2f |" % (
        t, label[t], cool[t], med([r[0] for r in rs]), med([r[1] for r in rs]),
        max(r[2] for r in rs), med(sec), min(sec), max(sec), med(sec) / base))
EOF
lab_internet_stop
