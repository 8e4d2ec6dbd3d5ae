# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# Shared by the e2e scripts: argument handling, bounded sweeps, set comparisons, metadata.
# A script starts with
#     source "$(dirname "$0")/lib.sh"; e2e_init "$@"
# and gets $ISW (the icmpsweep binary), $BUILD_DIR, $WORK (scratch, removed with the lab) and
# the lab functions of tests/lab/lab.sh.

# shellcheck disable=SC2034 # BUILD_DIR, E2E_SECONDS, WORK are for the scripts
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lab/lab.sh
source "$E2E_DIR/../lab/lab.sh"

E2E_NAME=$(basename "$0" .sh)
# Seed of the random live sets: fixed so that a failure reproduces; override to explore.
E2E_SEED=${ISW_E2E_SEED:-20240601}
# Upper bound on any single icmpsweep run.
E2E_RUN_TIMEOUT=${ISW_E2E_RUN_TIMEOUT:-45}

e2e_log() { echo "[$E2E_NAME] $*" >&2; }

e2e_fail() {
	echo "[$E2E_NAME] FAIL: $*" >&2
	exit 1
}

e2e_pass() {
	local msg="$*"
	echo "[$E2E_NAME] PASS${msg:+: $msg}" >&2
	exit 0
}

# e2e_init ICMPSWEEP [BUILD_DIR]: check the environment (skip with 77 when it cannot run) and
# build the lab.
e2e_init() {
	[[ $# -ge 1 ]] || { echo "usage: $0 PATH-TO-ICMPSWEEP [BUILD-DIR]" >&2; exit 2; }
	ISW=$(readlink -f "$1")
	BUILD_DIR=$(readlink -f "${2:-$(dirname "$ISW")}")
	[[ -x $ISW ]] || e2e_fail "icmpsweep binary $ISW not found or not executable"
	lab_require_root
	lab_require_cmd timeout awk sort comm
	lab_create "${E2E_TAG:-e2e}"
	WORK=$LAB_TMP
	e2e_log "lab: scanner ns $LAB_SCAN, target ns $LAB_TGT, seed $E2E_SEED"
}

# e2e_sweep OUT ERR ARGS...: icmpsweep ARGS in the scanner namespace, bounded in time;
# stdout to OUT, stderr to ERR.  Sets E2E_RC and E2E_SECONDS; never fails by itself.
e2e_sweep() {
	local out=$1 err=$2 t0 t1
	shift 2
	rm -f "$WORK"/*.kv # cached metadata lookups (e2e_json_get)
	t0=$(date +%s.%N)
	E2E_RC=0
	lab_exec_scanner timeout -k 5 "$E2E_RUN_TIMEOUT" "$ISW" "$@" >"$out" 2>"$err" || E2E_RC=$?
	t1=$(date +%s.%N)
	E2E_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	if [[ $E2E_RC -eq 124 || $E2E_RC -eq 137 ]]; then
		e2e_fail "icmpsweep $* timed out after ${E2E_RUN_TIMEOUT}s; stderr: $(head -c 2000 "$err")"
	fi
}

# e2e_expect_rc WANT ERR: fail unless the last sweep exited WANT (shows its stderr file ERR).
e2e_expect_rc() {
	local want=$1 err=$2
	if [[ $E2E_RC -ne $want ]]; then
		e2e_fail "icmpsweep exited $E2E_RC, expected $want; stderr:
$(head -c 2000 "$err")"
	fi
}

# e2e_sorted FILE: FILE's addresses, one per line, sorted for comm (C collation).
e2e_sorted() { LC_ALL=C sort "$1"; }

# e2e_no_duplicates FILE WHAT: fail if any line of FILE occurs twice.
e2e_no_duplicates() {
	local file=$1 what=$2 dups
	dups=$(LC_ALL=C sort "$file" | uniq -d)
	if [[ -n $dups ]]; then
		e2e_fail "$what: $(wc -l <<<"$dups") addresses reported more than once, e.g. $(head -n 5 <<<"$dups" | tr '\n' ' ')"
	fi
}

# e2e_same_set EXPECTED GOT WHAT: fail unless the two address lists hold the same set; name
# the counts and the first extra and missing addresses.
e2e_same_set() {
	local want=$1 got=$2 what=$3 extra missing
	extra=$(LC_ALL=C comm -13 <(e2e_sorted "$want" | uniq) <(e2e_sorted "$got" | uniq))
	missing=$(LC_ALL=C comm -23 <(e2e_sorted "$want" | uniq) <(e2e_sorted "$got" | uniq))
	if [[ -n $extra || -n $missing ]]; then
		local ne=0 nm=0
		[[ -z $extra ]] || ne=$(wc -l <<<"$extra")
		[[ -z $missing ]] || nm=$(wc -l <<<"$missing")
		e2e_fail "$what: expected $(wc -l <"$want") addresses, got $(wc -l <"$got") lines;" \
			"$ne extra (false positives)${extra:+, e.g. $(head -n 5 <<<"$extra" | tr '\n' ' ')};" \
			"$nm missing${missing:+, e.g. $(head -n 5 <<<"$missing" | tr '\n' ' ')}"
	fi
}

# e2e_count_missing EXPECTED GOT: how many addresses of EXPECTED are not in GOT.
e2e_count_missing() {
	LC_ALL=C comm -23 <(e2e_sorted "$1" | uniq) <(e2e_sorted "$2" | uniq) | wc -l
}

# e2e_count_extra EXPECTED GOT: how many addresses of GOT are not in EXPECTED.
e2e_count_extra() {
	LC_ALL=C comm -13 <(e2e_sorted "$1" | uniq) <(e2e_sorted "$2" | uniq) | wc -l
}

# e2e_cidr_list CIDR: every address of CIDR (prefix length 8 or more), one per line.
e2e_cidr_list() {
	local base=${1%/*} bits=${1#*/}
	awk -v base="$base" -v bits="$bits" 'BEGIN {
		split(base, o, ".")
		size = 2 ^ (32 - bits)
		first = o[4] + 256 * (o[3] + 256 * o[2])      # the low 24 bits are enough here
		first -= first % size
		for (i = 0; i < size; i++) {
			v = first + i
			printf "%d.%d.%d.%d\n", o[1], int(v / 65536) % 256, int(v / 256) % 256, v % 256
		}
	}'
}

# e2e_json_get FILE KEY: a top-level value of the JSON object in FILE ("null" if absent).
# The file is parsed once (python3, else jq) into FILE.kv, then looked up with awk.
e2e_json_get() {
	local file=$1 key=$2
	if [[ ! -s $file.kv || $file -nt $file.kv ]]; then
		e2e_json_flatten "$file" >"$file.kv" || { rm -f "$file.kv"; return 1; }
	fi
	awk -v k="$key" 'BEGIN { v = "null" } index($0, k "\t") == 1 { v = substr($0, length(k) + 2) } END { print v }' "$file.kv"
}

# e2e_json_flatten FILE: "key<TAB>value" per top-level key; fails if FILE is not a JSON object.
e2e_json_flatten() {
	if command -v python3 >/dev/null; then
		python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, dict), "not a JSON object"
for k, v in d.items():
    if isinstance(v, bool):
        v = str(v).lower()
    elif v is None:
        v = "null"
    elif isinstance(v, (list, dict)):
        v = json.dumps(v)
    print("%s\t%s" % (k, v))' "$1"
	elif command -v jq >/dev/null; then
		jq -r 'to_entries[] | "\(.key)\t\(.value | if type == "array" or type == "object" then tojson else tostring end)"' "$1"
	else
		lab_skip "neither python3 nor jq to read JSON"
	fi
}

# e2e_meta_int FILE KEY: like e2e_json_get, but fail unless it is a non-negative integer.
e2e_meta_int() {
	local v
	v=$(e2e_json_get "$1" "$2") || e2e_fail "metadata $1 is not valid JSON"
	[[ $v =~ ^[0-9]+$ ]] || e2e_fail "metadata key '$2' is '$v', expected an integer"
	echo "$v"
}
