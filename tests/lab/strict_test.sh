#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# lab.sh's skip logic: a test that cannot run for a missing command skips (77) normally and
# fails (1, naming the command) with ISW_E2E_STRICT=1, as in CI.
set -uo pipefail
LAB=$(dirname "$0")/lab.sh
fail() { echo "FAIL: $*" >&2; exit 1; }

check() { # WANT-RC STRICT SNIPPET WANT-TEXT
	local out rc
	out=$(ISW_E2E_STRICT=$2 bash -c "source '$LAB'; $3" 2>&1)
	rc=$?
	[[ $rc -eq $1 ]] || fail "ISW_E2E_STRICT=$2 '$3': exit $rc, expected $1 ($out)"
	[[ $out == *"$4"* ]] || fail "ISW_E2E_STRICT=$2 '$3': message '$out' lacks '$4'"
}

check 77 0 'lab_require_cmd sh isw-no-such-cmd' "SKIP: command 'isw-no-such-cmd' not found"
check 1 1 'lab_require_cmd sh isw-no-such-cmd' "FAIL: command 'isw-no-such-cmd' not found"
check 0 1 'lab_require_cmd sh bash' ""
check 0 0 'lab_optional_cmd isw-no-such-cmd || echo part-skipped' "part-skipped"
check 1 1 'lab_optional_cmd isw-no-such-cmd || echo part-skipped' "FAIL: command 'isw-no-such-cmd'"
check 0 1 'lab_optional_cmd sh && echo ran' "ran"
echo "PASS: skip (77) without ISW_E2E_STRICT, failure with it" >&2
