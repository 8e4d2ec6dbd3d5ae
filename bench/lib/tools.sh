# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034 # globals shared with bench/run and the other files
# tools.sh: each peer's command line, at its best (bench/README.md says why for each flag).
#
# tool_cmd TOOL SCEN RATE PROBES SEED PREFIX sets CMD (array), RESULT (file with the tool's
# results), META (its metadata JSON, if it writes one), OK_CODES, NUDGE (masscan).  The run's
# VARIANT_ARGS (e.g. -T 1) go to the tools that take them.  COOLDOWN_NOW overrides --cooldown
# for one scenario (drop: 0, nothing answers); COOLDOWN_NOW=default leaves every tool at its
# own default (no -c, --cooldown-time, --wait, -t, --max-rtt-timeout).
#
# Tools: icmpsweep; zmap (4.x, built from ../shared/peers or --zmap PATH); zmap-debian (the
# distribution's zmap, 2.1.1 on Debian 12); masscan; fping; nmap; arp-scan (lan only).

tool_installed() {
	case $1 in
	icmpsweep) [[ -x $ISW_BIN ]] ;;
	zmap) [[ -n $ZMAP4_BIN && -x $ZMAP4_BIN ]] ;;
	zmap-debian) [[ -n $ZMAP_DEB_BIN ]] ;;
	*) have "$1" ;;
	esac
}

tool_missing_note() {
	case $1 in
	zmap) echo "zmap 4.x not available: ${ZMAP4_WHY:-see the log}" | tr '"' "'" ;;
	*) echo "not installed" ;;
	esac
}

# tool_version TOOL: one short line, e.g. "zmap 4.3.4".
tool_version() {
	local v=
	case $1 in
	icmpsweep) v=$("$ISW_BIN" --version 2>&1 | head -n1) ;;
	zmap) v=$(zmap_version "$ZMAP4_BIN") ;;
	zmap-debian) v=$(zmap_version "$ZMAP_DEB_BIN") ;;
	masscan) v=$(masscan --version 2>&1 | grep -m1 -i version | sed 's/ *(.*//') ;;
	fping) v=$(fping -v 2>&1 | head -n1 | sed 's/: Version//') ;;
	nmap) v=$(nmap --version 2>&1 | head -n1 | sed 's/ *(.*//; s/ version//') ;;
	arp-scan) v=$(arp-scan --version 2>&1 | head -n1) ;;
	esac
	# "zmap v4.3.4" -> "zmap 4.3.4"; "Masscan version 1.3.2" -> "masscan 1.3.2"
	echo "$v" | sed -E 's/ v([0-9])/ \1/; s/^Masscan version/masscan/; s/^Nmap/nmap/'
}

# zmap --version reads /etc/zmap/zmap.conf, which 4.x rejects when it is 2.x's.
zmap_version() { : >"$BENCH_BUILD/empty.zmap.conf"; "$1" --config="$BENCH_BUILD/empty.zmap.conf" --version 2>/dev/null | grep -m1 '^zmap'; }

# zmap's cooldown is whole seconds; fping's and nmap's per-probe waits are in ms.
cooldown_now() { echo "${COOLDOWN_NOW:-$COOLDOWN}"; }
wait_ms() { local c; c=$(cooldown_now); ((c > 0)) && echo $((c * 1000)) || echo "$DROP_WAIT_MS"; }
# cd_opt OPTION...: the option with the cooldown appended, or nothing at the tool's default.
cd_opt() { [[ $(cooldown_now) == default ]] || echo "$@"; }
wait_opt() { [[ $(cooldown_now) == default ]] || echo "$1$(wait_ms)${2:-}"; }

# shellcheck disable=SC2207 # $(cd_opt ...) yields options without spaces, or nothing
tool_cmd() {
	local tool=$1 scen=$2 rate=$3 probes=$4 seed=$5 p=$6 cd
	cd=$(cooldown_now)
	RESULT="$p.out" META='' OK_CODES=0 NUDGE=0
	case $tool in
	icmpsweep)
		META="$p.meta.json"
		CMD=("$ISW_BIN" -i "$LAB_SCAN_IF" -S "$LAB_SCAN_ADDR" -G "$GW_MAC" -r "$rate"
			-P "$probes" $(cd_opt -c "$cd") --seed "$seed" -q -o "$RESULT" --metadata "$META"
			${VARIANT_ARGS[@]+"${VARIANT_ARGS[@]}"} ${ISW_EXTRA[@]+"${ISW_EXTRA[@]}"})
		if [[ $scen == dns ]]; then
			CMD+=(--resolver "$DNS_SERVER" -O csv) # names are in the csv/json columns
		else
			CMD+=(-n)
		fi
		CMD+=("$SWEEP")
		;;
	zmap | zmap-debian)
		local bin=$ZMAP4_BIN
		[[ $tool == zmap-debian ]] && bin=$ZMAP_DEB_BIN
		META="$p.meta.json"
		# zmap's default blocklist excludes 198.18.0.0/15 (benchmark space): give it none,
		# and an empty config file instead of /etc/zmap/zmap.conf (2.x and 4.x spell the
		# blocklist option differently there). -T (sender threads) only from the variant:
		# zmap's default otherwise (4 in 4.x).
		: >"$W/empty.zmap.conf"
		CMD=("$bin" --config="$W/empty.zmap.conf" --probe-module=icmp_echoscan -r "$rate" -P "$probes" -G "$GW_MAC"
			-i "$LAB_SCAN_IF" -S "$LAB_SCAN_ADDR" $(cd_opt --cooldown-time="$cd")
			-b "$W/empty.blocklist" -e "$seed" -o "$RESULT" -m "$META" -q --disable-syslog
			${VARIANT_ARGS[@]+"${VARIANT_ARGS[@]}"} "$SWEEP")
		;;
	masscan)
		local mrate=$rate
		((mrate > 0)) || mrate=100000000 # masscan has no "unlimited"; this is its ceiling
		CMD=(masscan --ping "$SWEEP" --rate "$mrate" --retries $((probes - 1))
			--router-mac "$GW_MAC" -e "$LAB_SCAN_IF" --adapter-ip "$LAB_SCAN_ADDR"
			$(cd_opt --wait "$cd") --seed "$seed" -oL "$RESULT")
		NUDGE=1
		;;
	fping)
		# Chunks of at most 65,000 probes (fping's sequence map), up to one process per CPU
		# at a time, each with its own sequence space; they share the rate (-i per process).
		# -B 1: retries every -t like the others' fixed retry spacing (default backoff 1.5).
		local interval=0 jobs chunks
		chunks=$(find "$FPING_CHUNKS" -name 'chunk.*' | wc -l)
		jobs=$((chunks < NCPU ? chunks : NCPU))
		((jobs > 0)) || jobs=1
		((rate > 0)) && interval=$("$PY" -c "print('%.6g' % (1000.0 * $jobs / $rate))")
		CMD=("$LIB/fping-chunks.sh" -j "$jobs" "$FPING_CHUNKS" -a -q -r $((probes - 1)) -B 1
			$(wait_opt -t) -i "$interval")
		[[ $scen == dns ]] && CMD+=(-d)
		RESULT="$p.stdout"
		OK_CODES=0,1
		;;
	nmap)
		# Host groups covering the targets up to NMAP_MAX_HOSTGROUP: larger groups lose
		# answers (groups of 16,384 found 24,960 of the 65,536 live hosts of dense at max
		# rate, 4,096 all of them) and take long to set up (35 s before the first packet
		# for 100,000 hosts on a 2-core lab). RTT timeouts for a sub-millisecond lab,
		# capped at the cooldown like everyone's wait.
		local hg=$TARGETS
		((hg <= NMAP_MAX_HOSTGROUP)) || hg=$NMAP_MAX_HOSTGROUP
		CMD=(nmap -sn -PE --disable-arp-ping --max-retries $((probes - 1))
			--min-hostgroup "$hg" --initial-rtt-timeout 50ms $(wait_opt --max-rtt-timeout= ms)
			-e "$LAB_SCAN_IF")
		if ((rate > 0)); then
			CMD+=(--min-rate "$rate" --max-rate "$rate")
		else
			CMD+=(--min-rate 10000000)
		fi
		if [[ $scen == dns ]]; then CMD+=(--dns-servers "$DNS_SERVER"); else CMD+=(-n); fi
		CMD+=(-oG "$RESULT" "$SWEEP")
		;;
	*) die "tool_cmd: no command for $tool in $scen" ;;
	esac
}
