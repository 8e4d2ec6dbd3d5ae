#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The Debian package: cpack builds icmpsweep_VERSION_ARCH.deb from this build; dpkg installs
# it (its post-install grants cap_net_raw,cap_net_admin and says so); an unprivileged user
# sweeps the lab with the installed binary and finds exactly the live hosts; the man page and
# completions are where Debian looks; dpkg removes it all again, also when a check fails.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_TAG=pkg e2e_init "$@"
lab_require_cmd cpack dpkg dpkg-deb getcap setpriv

PREFIX=198.18.0.0/22
LIVE=150
BIN=/usr/bin/icmpsweep

# Never touch an icmpsweep that was installed before this test.
if dpkg-query -W -f='${Status}' icmpsweep 2>/dev/null | grep -q "ok installed"; then
	lab_skip "the package icmpsweep is installed on this machine already"
fi
[[ ! -e $BIN ]] || lab_skip "$BIN exists and does not belong to a package"

installed=0
remove_package() {
	[[ $installed -eq 1 ]] || return 0
	dpkg --purge icmpsweep >/dev/null 2>&1 || echo "package: dpkg --purge icmpsweep failed" >&2
	installed=0
}
lab_on_exit remove_package

main() {
	local deb version arch
	timeout 120 cpack --config "$BUILD_DIR/CPackConfig.cmake" -B "$WORK/pkg" >"$WORK/cpack.log" 2>&1 ||
		e2e_fail "cpack failed: $(tail -n 5 "$WORK/cpack.log")"
	version=$("$ISW" --version | awk 'NR == 1 {print $2}')
	arch=$(dpkg --print-architecture)
	deb=$WORK/pkg/icmpsweep_${version}_${arch}.deb
	[[ -s $deb ]] || e2e_fail "no $deb (have: $(ls "$WORK/pkg"))"
	dpkg-deb -f "$deb" Depends | grep -q libpcap || e2e_fail "no libpcap among the Depends: $(dpkg-deb -f "$deb" Depends)"

	installed=1
	timeout 120 dpkg -i "$deb" >"$WORK/dpkg.log" 2>&1 || e2e_fail "dpkg -i failed: $(cat "$WORK/dpkg.log")"
	grep -q "granted cap_net_raw,cap_net_admin to $BIN" "$WORK/dpkg.log" ||
		e2e_fail "post-install did not say it granted the capabilities: $(cat "$WORK/dpkg.log")"
	[[ $(getcap "$BIN") == "$BIN cap_net_admin,cap_net_raw=ep" ]] || e2e_fail "capabilities: $(getcap "$BIN")"
	for f in /usr/share/man/man1/icmpsweep.1 /usr/share/bash-completion/completions/icmpsweep \
		/usr/share/zsh/vendor-completions/_icmpsweep; do
		dpkg -S "$f" >/dev/null 2>&1 || e2e_fail "$f does not belong to the package"
	done

	# An unprivileged user: the file capabilities are all it has.
	lab_random_live_set "$LIVE" "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
	lab_live_set "$WORK/live.txt"
	local rc=0
	lab_exec_scanner timeout -k 5 "$E2E_RUN_TIMEOUT" setpriv --reuid=nobody --regid="$(id -g nobody)" \
		--clear-groups "$BIN" -n -q -r 20k -c 1 "$PREFIX" >"$WORK/out.txt" 2>"$WORK/err.txt" || rc=$?
	[[ $rc -eq 0 ]] || e2e_fail "installed binary as nobody: exit $rc: $(cat "$WORK/err.txt")"
	e2e_same_set "$WORK/live.txt" "$WORK/out.txt" "installed binary as nobody, $PREFIX"

	dpkg -r icmpsweep >"$WORK/dpkg-r.log" 2>&1 || e2e_fail "dpkg -r failed: $(cat "$WORK/dpkg-r.log")"
	installed=0
	[[ ! -e $BIN ]] || e2e_fail "$BIN is still there after dpkg -r"
	[[ ! -e /usr/share/man/man1/icmpsweep.1 ]] || e2e_fail "the man page is still there after dpkg -r"
	dpkg-query -W -f='${Status}' icmpsweep 2>/dev/null | grep -q "ok installed" &&
		e2e_fail "dpkg still lists icmpsweep as installed"
	dpkg --purge icmpsweep >/dev/null 2>&1 || true
	e2e_pass "$(basename "$deb") installed, swept $PREFIX as nobody ($LIVE of $LIVE live hosts), removed"
}

main
