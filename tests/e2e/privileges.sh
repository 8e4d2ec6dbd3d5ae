#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Privileges.  Run as an unprivileged user, icmpsweep fails with exit 1, the whole reason (no
# message cut short) and the exact fix (setcap on this binary, or root), and sends nothing.
# Started as root it gives up root once set up: during the sweep every thread runs as the
# --user (default nobody) with no capability and no_new_privs, and the results stay exact;
# started as a user holding capabilities it clears them.  --user root keeps root; an unknown
# --user is bad input (exit 2) and nothing is sent; -C rotation into a directory the user
# cannot write is refused before the first probe.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=priv e2e_init "$@"
lab_require_cmd setpriv

PREFIX=198.18.0.0/23 # 512 targets: at -r 200 the sweep lasts ~2.5 s, time to look at it
LIVE=60
RATE=200
NOBODY=$(id -u nobody) || e2e_fail "no user nobody on this machine"
NOGROUP=$(id -g nobody)
AS_NOBODY=(setpriv --reuid=nobody --regid="$NOGROUP" --clear-groups)

# The build directory may not be reachable for nobody: a copy it can run.
BIN=$WORK/bin/icmpsweep
mkdir -p "$WORK/bin"
install -m 0755 "$ISW" "$BIN"
chmod 0755 "$WORK" "$WORK/bin"

# run_bin OUT ERR CMD...: CMD (a prefix such as setpriv, then $BIN and its arguments) in the
# scanner namespace, bounded in time.  Sets E2E_RC.
run_bin() {
	local out=$1 err=$2
	shift 2
	E2E_RC=0
	lab_exec_scanner timeout -k 5 "$E2E_RUN_TIMEOUT" "$@" >"$out" 2>"$err" || E2E_RC=$?
	[[ $E2E_RC -ne 124 && $E2E_RC -ne 137 ]] || e2e_fail "$* timed out"
}

# expect_nothing_sent TX0 WHAT: the scanner's veth sent no packet since TX0.
expect_nothing_sent() {
	local tx
	tx=$(lab_scan_tx)
	[[ $tx -eq $1 ]] || e2e_fail "$2: $((tx - $1)) packets left the scanner"
}

unprivileged() {
	local tx tx0 err=$WORK/unpriv.err
	# Raw backends asked for by name: the raw-packet fix.  (--tx auto, which falls back to
	# ping sockets, has its own message: tests/e2e/noroot.sh.)
	for tx in ring libnet xdp; do
		tx0=$(lab_scan_tx)
		run_bin "$WORK/unpriv.out" "$err" "${AS_NOBODY[@]}" "$BIN" -n -q --tx "$tx" "$PREFIX"
		e2e_expect_rc 1 "$err"
		expect_nothing_sent "$tx0" "unprivileged --tx $tx"
		[[ ! -s $WORK/unpriv.out ]] || e2e_fail "unprivileged --tx $tx printed results"
		# The fix, naming this very binary.
		grep -qxF "icmpsweep: sending and capturing raw packets needs privileges: run it as root, or grant them to the binary once with: sudo setcap cap_net_raw,cap_net_admin+ep $BIN" "$err" ||
			e2e_fail "--tx $tx as nobody: no setcap hint for $BIN: $(cat "$err")"
		[[ $(wc -l <"$err") -eq 2 ]] || e2e_fail "--tx $tx as nobody: expected 2 lines: $(cat "$err")"
		e2e_log "ok: --tx $tx as nobody: $(head -n 1 "$err")"
	done
	# --tx auto with ping sockets closed too (this namespace's ping_group_range is "1 0"):
	# both reasons, whole, and all three fixes.
	run_bin "$WORK/unpriv.out" "$err" "${AS_NOBODY[@]}" "$BIN" -n -q "$PREFIX"
	e2e_expect_rc 1 "$err"
	local first
	first=$(head -n 1 "$err")
	[[ $first == 'icmpsweep: raw packets are not permitted (no CAP_NET_RAW), and ping sockets are not permitted: net.ipv4.ping_group_range is "1 0", without group '"$NOGROUP"' ('* ]] ||
		e2e_fail "--tx auto as nobody: reason not whole (${#first} bytes): $first"
}

# pid_of_bin: the pid of our binary running in the scanner namespace (empty if none).
pid_of_bin() {
	local p
	for p in $(ip netns pids "$LAB_SCAN"); do
		if [[ $(readlink "/proc/$p/exe" 2>/dev/null) == "$BIN" ]]; then
			echo "$p"
			return 0
		fi
	done
}

# watch_sweep NAME PREFIX-CMD... -- ARGS...: sweep the lab in the background, and once its
# threads run, record every thread's credentials in $WORK/NAME.status (Uid, Gid, Groups and
# capability lines, NoNewPrivs).  Waits for the end; sets E2E_RC.
watch_sweep() {
	local name=$1 pid="" i
	shift
	local -a pre=()
	while [[ $1 != -- ]]; do
		pre+=("$1")
		shift
	done
	shift
	: >"$WORK/$name.status"
	(
		rc=0
		lab_exec_scanner timeout -k 5 "$E2E_RUN_TIMEOUT" "${pre[@]}" "$BIN" "$@" \
			>"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
		echo "$rc" >"$WORK/$name.rc"
	) &
	local job=$!
	# Probes go out after the drop: wait for the sender threads, then look.
	for ((i = 0; i < 100; i++)); do
		pid=$(pid_of_bin)
		if [[ -n $pid ]] && (($(find "/proc/$pid/task" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l) >= 3)); then
			break
		fi
		sleep 0.05
	done
	[[ -n $pid ]] || { wait "$job" || true; e2e_fail "$name: the sweep never showed up: $(cat "$WORK/$name.err")"; }
	sleep 0.5
	local t
	for t in "/proc/$pid/task/"*; do
		grep -E '^(Uid|Gid|Groups|Cap(Inh|Prm|Eff|Amb|Bnd)|NoNewPrivs):' "$t/status" |
			tr -s '\t ' ' ' | sed "s|^|${t##*/} |" >>"$WORK/$name.status" || true
	done
	wait "$job" || true
	E2E_RC=$(cat "$WORK/$name.rc")
	[[ -s $WORK/$name.status ]] || e2e_fail "$name: could not read /proc/$pid"
}

# expect_creds NAME UID CAPS NNP: every thread recorded by watch_sweep NAME has real,
# effective, saved and fs uid UID, effective and permitted capabilities CAPS
# (hex; the inheritable and ambient sets always empty) and NoNewPrivs NNP.
expect_creds() {
	local name=$1 uid=$2 caps=$3 nnp=$4 f=$WORK/$1.status bad
	bad=$(awk -v uid="$uid" -v caps="$caps" -v nnp="$nnp" '
		$2 == "Uid:" && ($3 != uid || $4 != uid || $5 != uid || $6 != uid) { print; next }
		$2 ~ /^Cap(Prm|Eff):$/ && $3 != caps { print; next }
		$2 ~ /^Cap(Inh|Amb):$/ && $3 != "0000000000000000" { print; next }
		$2 == "NoNewPrivs:" && $3 != nnp { print }' "$f")
	[[ -z $bad ]] || e2e_fail "$name: threads not as expected (uid $uid, caps $caps, no_new_privs $nnp): $bad"
	local threads
	threads=$(awk '{ print $1 }' "$f" | sort -u | wc -l)
	((threads >= 3)) || e2e_fail "$name: saw only $threads threads: $(cat "$f")"
	e2e_log "ok: $name: $threads threads, each uid $uid, capabilities $caps, no_new_privs $nnp"
}

# expect_exact NAME: exit 0 and exactly the live set.
expect_exact() {
	[[ $E2E_RC -eq 0 ]] || e2e_fail "$1: exit $E2E_RC: $(head -c 2000 "$WORK/$1.err")"
	e2e_same_set "$WORK/live.txt" "$WORK/$1.out" "$1"
}

dropped() {
	local zero=0000000000000000
	# The metadata sits in a directory only root may write: the final document cannot be
	# renamed into place after the drop, so it is rewritten in place, never left "running".
	mkdir -m 0755 "$WORK/rootdir"
	watch_sweep user_nobody -- -n -q -r "$RATE" -c 1 --user nobody \
		--metadata "$WORK/rootdir/m.json" "$PREFIX"
	expect_creds user_nobody "$NOBODY" "$zero" 1
	expect_exact user_nobody
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d.get("status") != "done")' \
		"$WORK/rootdir/m.json" || e2e_fail "user_nobody: metadata not finished: $(cat "$WORK/rootdir/m.json")"
	grep -q "CapBnd: $zero" "$WORK/user_nobody.status" ||
		e2e_fail "user_nobody: the capability bounding set was not emptied"

	# nobody is the default; the ring and the xdp backends drop the same way (xdp with a
	# zero-copy attempt: its program link is let go without privilege at the end).
	watch_sweep default_user -- -n -q -r "$RATE" -c 1 --tx ring "$PREFIX"
	expect_creds default_user "$NOBODY" "$zero" 1
	expect_exact default_user
	watch_sweep xdp_user env ISW_XDP_ZEROCOPY=try -- -n -q -r "$RATE" -c 1 --tx xdp "$PREFIX"
	expect_creds xdp_user "$NOBODY" "$zero" 1
	expect_exact xdp_user
	if ip -n "$LAB_SCAN" link show "$LAB_SCAN_IF" | grep -q 'prog/xdp'; then
		e2e_fail "xdp_user: an XDP program is still attached after the run"
	fi

	# Not root but holding the capabilities (as after setcap): they are cleared.
	watch_sweep caps_user "${AS_NOBODY[@]}" --inh-caps=+net_raw,+net_admin \
		--ambient-caps=+net_raw,+net_admin -- -n -q -r "$RATE" -c 1 "$PREFIX"
	expect_creds caps_user "$NOBODY" "$zero" 1
	expect_exact caps_user

	# --user root keeps root and its capabilities.
	watch_sweep user_root -- -n -q -r "$RATE" -c 1 --user root "$PREFIX"
	expect_creds user_root 0 "$(awk '/^CapEff:/ { print $2 }' /proc/self/status)" 0
	expect_exact user_root
}

refused() {
	local tx0 err=$WORK/refused.err
	# Bad input: exit 2 naming the user; nothing sent, the output file untouched.
	echo keep >"$WORK/keep.txt"
	tx0=$(lab_scan_tx)
	run_bin "$WORK/refused.out" "$err" "$BIN" -n -q --user no-such-user-x -o "$WORK/keep.txt" "$PREFIX"
	e2e_expect_rc 2 "$err"
	[[ $(cat "$err") == "icmpsweep: unknown user 'no-such-user-x' for --user" ]] ||
		e2e_fail "--user no-such-user-x: $(cat "$err")"
	[[ $(cat "$WORK/keep.txt") == keep ]] || e2e_fail "--user no-such-user-x: output file touched"
	expect_nothing_sent "$tx0" "--user no-such-user-x"

	# Only root can become another user.
	run_bin "$WORK/refused.out" "$err" "${AS_NOBODY[@]}" --inh-caps=+net_raw,+net_admin \
		--ambient-caps=+net_raw,+net_admin "$BIN" -n -q --user root "$PREFIX"
	[[ $E2E_RC -eq 0 ]] || e2e_fail "--user root as nobody with capabilities: exit $E2E_RC: $(cat "$err")"
	run_bin "$WORK/refused.out" "$err" "${AS_NOBODY[@]}" --inh-caps=+net_raw,+net_admin \
		--ambient-caps=+net_raw,+net_admin "$BIN" -n -q --user daemon "$PREFIX"
	e2e_expect_rc 1 "$err"
	grep -qF -- "--user daemon: only root can become another user" "$err" ||
		e2e_fail "--user daemon as nobody: $(cat "$err")"

	# Rotated trace files are created after the drop: a directory nobody cannot write is
	# refused before the first probe.
	mkdir -m 0700 "$WORK/rootonly"
	tx0=$(lab_scan_tx)
	run_bin "$WORK/refused.out" "$err" "$BIN" -n -q -w "$WORK/rootonly/t.pcap" -C 1 "$PREFIX"
	e2e_expect_rc 1 "$err"
	grep -qF "trace '$WORK/rootonly/t.pcap': later files go in '$WORK/rootonly', where user nobody" "$err" ||
		e2e_fail "-C into a root-only directory: $(cat "$err")"
	expect_nothing_sent "$tx0" "-C into a root-only directory"
	e2e_log "ok: refused: unknown --user, --user as non-root, -C into a root-only directory"
}

# Rotation after the drop, into a directory nobody owns: the later files are nobody's.
rotation() {
	local d=$WORK/nobodys err=$WORK/rot.err
	mkdir -m 0755 "$d"
	chown nobody "$d"
	# 16,384 probes traced: about 1.2 MB, so past -C 1 at least once.
	run_bin "$WORK/rot.out" "$err" "$BIN" -n -q -r 20k -c 1 -w "$d/t.pcap" --trace-probes -C 1 \
		198.18.0.0/18
	e2e_expect_rc 0 "$err"
	[[ -s $d/t.pcap && -s $d/t.pcap1 ]] || e2e_fail "rotation as nobody: files $(ls "$d")"
	[[ $(stat -c %u "$d/t.pcap1") -eq $NOBODY ]] || e2e_fail "rotation: t.pcap1 not nobody's"
	e2e_log "ok: rotation as nobody: $(cd "$d" && echo *)"
}

# --read started as root drops root as a sweep does, after opening the trace (root's only)
# and the output.  The output is a FIFO left unread: the writer blocks once the pipe is
# full, mid-analysis, while its credentials are read.
read_dropped() {
	local name=$1 want_uid=$2 fifo=$WORK/read.fifo trace=$WORK/rootonly-trace/t.pcapng pid="" i
	shift 2
	rm -f "$fifo"
	mkfifo -m 0666 "$fifo"
	: >"$WORK/$name.status"
	lab_exec_scanner timeout -k 5 "$E2E_RUN_TIMEOUT" "$BIN" -n -q --read "$trace" -O json "$@" \
		-o "$fifo" 2>"$WORK/$name.err" &
	local job=$!
	exec 3<"$fifo"
	sleep 0.5
	pid=$(pid_of_bin)
	[[ -n $pid ]] || { cat <&3 >/dev/null; exec 3<&-; wait "$job" || true; e2e_fail "$name: --read ended early: $(cat "$WORK/$name.err")"; }
	for i in "/proc/$pid/task/"*; do
		grep -E '^(Uid|Cap(Inh|Prm|Eff|Amb)|NoNewPrivs):' "$i/status" | tr -s '\t ' ' ' |
			sed "s|^|${i##*/} |" >>"$WORK/$name.status" || true
	done
	cat <&3 >"$WORK/$name.out"
	exec 3<&-
	E2E_RC=0
	wait "$job" || E2E_RC=$?
	e2e_expect_rc 0 "$WORK/$name.err"
	[[ $(grep -c '"ip"' "$WORK/$name.out") -eq 4096 ]] ||
		e2e_fail "$name: $(grep -c '"ip"' "$WORK/$name.out") results read, expected 4096"
	awk -v uid="$want_uid" '$2 == "Uid:" && ($3 != uid || $4 != uid || $5 != uid || $6 != uid) { bad = 1 }
		END { exit bad }' "$WORK/$name.status" ||
		e2e_fail "$name: --read not running as uid $want_uid: $(cat "$WORK/$name.status")"
	grep -q 'CapEff: 0000000000000000' "$WORK/$name.status" && grep -q 'NoNewPrivs: 1' "$WORK/$name.status" ||
		e2e_fail "$name: capabilities kept: $(cat "$WORK/$name.status")"
	e2e_log "ok: $name: --read of a root-only trace ran as uid $want_uid without capabilities, 4096 results"
}

reading() {
	# A trace of 4096 answers, readable by root only.
	mkdir -m 0700 "$WORK/rootonly-trace"
	lab_all_alive 198.19.0.0/20
	run_bin "$WORK/trace.out" "$WORK/trace.err" "$BIN" -n -q -r 20k -c 1 -w "$WORK/rootonly-trace/t.pcapng" \
		--pcapng 198.19.0.0/20
	e2e_expect_rc 0 "$WORK/trace.err"
	chmod 0600 "$WORK/rootonly-trace/t.pcapng"
	read_dropped read_default "$NOBODY"
	read_dropped read_user_daemon "$(id -u daemon)" --user daemon
}

main() {
	lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
	lab_live_set "$WORK/live.txt"
	lab_static_neigh
	unprivileged
	dropped
	refused
	rotation
	reading
	# Into a file: grep -q would end the pipe early, and icmpsweep rightly fails on EPIPE.
	"$BIN" --help >"$WORK/help.txt"
	grep -q -- "--user NAME" "$WORK/help.txt" || e2e_fail "--help does not show --user"
	e2e_pass "unprivileged runs say how to fix them; sweeps run as nobody without capabilities, exact"
}

main
