#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Bad command lines: exit status 2, exactly one line on stderr naming the bad value, nothing on
# stdout, and no packet sent (the scanner's veth transmit counter does not move and the target
# sees no echo request).  Each command line also names a valid, all-alive target so that a bad
# value silently ignored would show up as traffic.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=badin e2e_init "$@"

T=198.18.0.0/24

# CASES: "VALUE-THE-MESSAGE-MUST-NAME|ARG ARG ..." (arguments split on spaces).
CASES=(
	"198.18.0.0/33|198.18.0.0/33"
	"300.1.1.1|300.1.1.1"
	"198.18.3.200-198.18.0.10|198.18.3.200-198.18.0.10"
	"nosuchif0|-i nosuchif0 $T"
	"/nonexistent/file|-I /nonexistent/file $T"
	"abc|-r abc $T"
	"yaml|-O yaml $T"
	"-f 'ip'|-O xml -f ip $T"
	"0|-P 0 $T"
	"zz:zz|-G zz:zz $T"
	"198.18.0.0/99|-x 198.18.0.0/99 $T"
	"999.0.0.1|-S 999.0.0.1 $T"
	"soon|-c soon $T"
	"1x|-r 1x $T"
	# Target files: a NUL in a line, a binary stream, terminal escapes (shown escaped).
	"nul.txt:2: NUL byte at column 11|-I $WORK/nul.txt $T"
	"/dev/zero:1: NUL byte|-b /dev/zero $T"
	"esc.txt:1: invalid target '\\x1b]0;owned\\x07'|-I $WORK/esc.txt $T"
)
printf '198.18.0.1\n198.18.0.2\0junk\n' >"$WORK/nul.txt"
printf '\033]0;owned\007\n' >"$WORK/esc.txt"
mkdir -p "$WORK/dir"
# A target file only root may read, for a run as nobody (a copy of the binary it can run).
printf '198.18.0.1\n' >"$WORK/secret.txt"
chmod 0600 "$WORK/secret.txt"
mkdir -p "$WORK/bin"
install -m 0755 "$ISW" "$WORK/bin/icmpsweep"
chmod 0755 "$WORK" "$WORK/bin"
CASES+=(
	"cannot read '$WORK/dir' after line 0: Is a directory|-I $WORK/dir $T"
	"cannot open '$WORK/secret.txt': Permission denied|-I $WORK/secret.txt $T"
)

FAILURES=()
ISW_AS=() # a command that runs icmpsweep as another user, for the case at hand

# check_case VALUE ARGS...
check_case() {
	local value=$1 lines
	shift
	if ((${#ISW_AS[@]})); then
		E2E_RC=0
		lab_exec_scanner timeout -k 5 "$E2E_RUN_TIMEOUT" "${ISW_AS[@]}" -q "$@" \
			>"$WORK/out" 2>"$WORK/err" || E2E_RC=$?
	else
		e2e_sweep "$WORK/out" "$WORK/err" -q "$@"
	fi
	lines=$(wc -l <"$WORK/err")
	local what="icmpsweep $*"
	if [[ $E2E_RC -ne 2 ]]; then
		FAILURES+=("$what: exit $E2E_RC, expected 2 (stderr: $(head -c 300 "$WORK/err"))")
	elif [[ $lines -ne 1 ]]; then
		FAILURES+=("$what: $lines lines on stderr, expected 1: $(head -n 5 "$WORK/err" | tr '\n' '|')")
	elif ! grep -qF -- "$value" "$WORK/err"; then
		FAILURES+=("$what: message does not name '$value': $(cat "$WORK/err")")
	elif LC_ALL=C grep -q '[[:cntrl:]]' "$WORK/err"; then
		FAILURES+=("$what: control bytes on stderr: $(od -c "$WORK/err" | head -n 3 | tr '\n' '|')")
	elif [[ -s $WORK/out ]]; then
		FAILURES+=("$what: printed on stdout: $(head -c 200 "$WORK/out")")
	else
		e2e_log "ok: $what -> $(cat "$WORK/err")"
	fi
}

main() {
	lab_all_alive "$T"
	lab_require_cmd nft
	lab_sent_start
	local tx0 tx1 c value args probes
	tx0=$(lab_sent)
	for c in "${CASES[@]}"; do
		value=${c%%|*}
		read -r -a args <<<"${c#*|}"
		case $value in
		*secret.txt*) ISW_AS=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$WORK/bin/icmpsweep") ;;
		*) ISW_AS=() ;;
		esac
		check_case "$value" "${args[@]}"
	done
	ISW_AS=()
	# A target file whose reading fails part way (EIO): the machine failed, not the user:
	# exit 1 (runtime failure), the file and the reason named, nothing sent.
	e2e_sweep "$WORK/out" "$WORK/err" -q -I /proc/self/mem "$T"
	if [[ $E2E_RC -ne 1 ]] || ! grep -q "^icmpsweep: cannot read '/proc/self/mem' after line 0: Input/output error$" "$WORK/err"; then
		FAILURES+=("-I /proc/self/mem: exit $E2E_RC, expected 1: $(cat "$WORK/err")")
	else
		e2e_log "ok: -I /proc/self/mem -> exit 1: $(cat "$WORK/err")"
	fi
	tx1=$(lab_sent)
	probes=$(lab_counter probes_in)
	if ((tx1 != tx0)); then
		FAILURES+=("the target received $((tx1 - tx0)) echo or ARP requests during the bad-input runs, expected 0")
	fi
	if ((probes != 0)); then
		FAILURES+=("the target received $probes echo requests during the bad-input runs, expected 0")
	fi
	if ((${#FAILURES[@]})); then
		printf '  %s\n' "${FAILURES[@]}" >&2
		e2e_fail "${#FAILURES[@]} of ${#CASES[@]} bad-input checks failed (see above)"
	fi

	# Sanity: the same lab does see traffic from a good command line.
	e2e_sweep "$WORK/out" "$WORK/err" -q -n -c 1 "$T"
	e2e_expect_rc 0 "$WORK/err"
	[[ $(lab_sent) -gt $tx1 && $(wc -l <"$WORK/out") -eq 256 ]] ||
		e2e_fail "control sweep of $T: requests $tx1 -> $(lab_sent), $(wc -l <"$WORK/out") hosts (expected 256): the traffic check is blind"
	e2e_pass "${#CASES[@]} bad command lines: exit 2, one line naming the value, nothing sent"
}

main
