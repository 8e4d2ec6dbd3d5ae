#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `cmake --install` into a temporary prefix puts the binary, the man page, both completions and
# the README in place; the man page renders without a groff warning and says the build's
# version; the installed bash completion completes formats, backends and options.
#
#   install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
prefix=$(mktemp -d /tmp/isw-install.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
fail() { echo "install: $*" >&2; exit 1; }

timeout 60 cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/icmpsweep share/man/man1/icmpsweep.1 share/bash-completion/completions/icmpsweep \
	share/zsh/vendor-completions/_icmpsweep share/doc/icmpsweep/README.md; do
	[[ -s $prefix/$f ]] || fail "$f not installed"
done
"$prefix/bin/icmpsweep" --version | grep -q . || fail "installed binary does not run"

version=$("$prefix/bin/icmpsweep" --version | awk 'NR == 1 {print $2}')
man=$prefix/share/man/man1/icmpsweep.1
grep -q "icmpsweep $version" "$man" || fail "man page does not carry version $version"
! grep -q "@PROJECT_VERSION@" "$man" || fail "man page still has @PROJECT_VERSION@"
warnings=$(groff -man -ww -z -Tutf8 "$man" 2>&1) || fail "groff failed: $warnings"
[[ -z $warnings ]] || fail "groff warns: $warnings"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES SAFETY; do
	grep -q "^\.SH $section" "$man" || fail "man page has no $section section"
done

# Completion: run the function the way bash's programmable completion does.
complete_words() {
	bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_icmpsweep
		printf "%s\n" "${COMPREPLY[@]}"' _ "$prefix/share/bash-completion/completions/icmpsweep" "$@"
}
[[ $(bash -c 'source "$1"; complete -p icmpsweep' _ "$prefix/share/bash-completion/completions/icmpsweep") == "complete -F _icmpsweep icmpsweep" ]] ||
	fail "complete -p icmpsweep does not name _icmpsweep"
[[ $(PATH=$prefix/bin:$PATH complete_words icmpsweep -f ip,rt) == ip,rtt_ms ]] || fail "'-f ip,rt' does not complete to ip,rtt_ms"
[[ $(complete_words icmpsweep -O c) == csv ]] || fail "'-O c' does not complete to csv"
[[ $(complete_words icmpsweep --tx x) == xdp ]] || fail "'--tx x' does not complete to xdp"
[[ $(complete_words icmpsweep --no-r) == --no-resolve ]] || fail "'--no-r' does not complete"
[[ $(complete_words icmpsweep -i l) == *lo* ]] || fail "'-i l' does not offer lo"
[[ -z $(complete_words icmpsweep -r 1) ]] || fail "'-r 1' completes something"
echo "install: every file in place under a fresh prefix; man page and completion work"
