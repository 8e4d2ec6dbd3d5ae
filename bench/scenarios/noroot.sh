# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with bench/run and the other files
# noroot: sweeping without root.  icmpsweep's no-root mode (--tx socket: ICMP datagram
# sockets, sendmmsg/recvmmsg) against fping, the tool people use unprivileged, both as nobody
# with no capability: setpriv --no-new-privs, so a setcap'd fping cannot gain CAP_NET_RAW
# from its file either and uses ping sockets as well.  net.ipv4.ping_group_range admits
# everyone in the scanner namespace (the sysctl is per namespace).  Every address of the
# network answers; recall and wall time at the maximum rate (and at 100k/s in full mode).
scenario_register noroot 35 "noroot: as nobody without capabilities, ICMP datagram sockets (icmpsweep --tx socket, fping); fping cap_net_raw: as nobody with the file capability of Debian's package; every address answers; recall and wall time" \
	"tool,rate,wall,pps,replies,recall,precision,dups,cpu,rss,drops" \
	"icmpsweep fping"
case $MODE in
full) NOROOT_NET=198.18.0.0/16 NOROOT_RATES=(100000 0) ;;
quick) NOROOT_NET=198.18.0.0/16 NOROOT_RATES=(0) ;;
smoke) NOROOT_NET=198.18.0.0/20 NOROOT_RATES=(50000) ;;
esac
meta_line "noroot_net=$NOROOT_NET" "noroot_rates=${NOROOT_RATES[*]}"

# As nobody, without capabilities, and unable to gain any (file capabilities included).
NOROOT_AS=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --no-new-privs)
# fping's row "cap_net_raw": nobody again, but free to gain the file capability Debian's
# package gives /usr/bin/fping (cap_net_raw=ep), so fping sweeps through a raw socket.  This is
# what a user without root gets from Debian's fping: its ping-socket path cannot work in 5.1,
# which never learns the identifier the kernel puts in its probes and so drops every reply as
# not its own (fping issue 248, fixed in 5.2; Debian 12 ships 5.1).
NOROOT_CAP_AS=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups)

# The common command of each tool (tools.sh), run as nobody: icmpsweep through ping sockets
# (-G has no meaning there), writing where nobody may; fping from a copy of the chunk runner
# nobody can read.
tool_cmd_noroot() {
	local tool=$1 p=$6 i
	tool_cmd "$@"
	case $tool in
	icmpsweep)
		local args=()
		RESULT="$W/nobody/${p##*/}.out" META="$W/nobody/${p##*/}.meta.json"
		for ((i = 1; i < ${#CMD[@]}; i++)); do
			case ${CMD[i]} in
			-G) i=$((i + 1)) ;; # no frames of ours: the kernel finds the next hop
			-o) args+=(-o "$RESULT") i=$((i + 1)) ;;
			--metadata) args+=(--metadata "$META") i=$((i + 1)) ;;
			*) args+=("${CMD[i]}") ;;
			esac
		done
		CMD=("${NOROOT_AS[@]}" "$W/nobody/icmpsweep" --tx socket "${args[@]}")
		;;
	fping)
		local as=("${NOROOT_AS[@]}")
		# shellcheck disable=SC2154 # variant is run_tool's
		[[ $variant == cap_net_raw ]] && as=("${NOROOT_CAP_AS[@]}")
		CMD=("${as[@]}" "$W/nobody/fping-chunks.sh" "${CMD[@]:1}")
		;;
	esac
}

scenario_noroot() {
	lab_up noroot
	SWEEP=$NOROOT_NET TARGETS=$(net_size "$NOROOT_NET") TRUTH_FILE='' TRUTH_CIDR=$NOROOT_NET NAMES_FILE=''
	lab_all_alive "$NOROOT_NET"
	ip netns exec "$LAB_SCAN" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	targets_files "$SWEEP" 1
	# nobody reads the chunks and the programs, and writes its results, in the lab's directory.
	chmod 0711 "$W"
	chmod -R a+rX "$FPING_CHUNKS"
	mkdir -p "$W/nobody"
	chmod 1777 "$W/nobody"
	install -m 0755 "$ISW_BIN" "$W/nobody/icmpsweep"
	install -m 0755 "$LIB/fping-chunks.sh" "$W/nobody/fping-chunks.sh"
	run_set noroot 1 "${NOROOT_RATES[@]}"
	local rate rep
	if [[ " $(scenario_tools noroot | tr '\n' ' ') " == *" fping "* ]]; then
		for ((rep = 1; rep <= REPS; rep++)); do
			for rate in "${NOROOT_RATES[@]}"; do
				run_tool fping noroot "$rate" 1 "$rep" cap_net_raw
			done
		done
	fi
	lab_destroy
}
