#!/usr/bin/env bash
# The test suites again under the sanitizers, as CI runs them (after scripts/test.sh):
#
#   asan   unit + e2e tests built with AddressSanitizer (and LeakSanitizer) +
#          UndefinedBehaviorSanitizer; the first finding fails the test    (build-asan/)
#   tsan   the unit tests, threaded ones included (SPSC queue, resolver thread, rate limiter
#          under threads), under ThreadSanitizer                           (build-tsan/)
#   fuzz   every libFuzzer harness for FUZZ_SECONDS each (default 10)      (build-fuzz/)
#
#   scripts/test-sanitizers.sh [asan|tsan|fuzz]...     (default: all three)
#
# clang builds (scripts/deps.sh installs clang and its runtimes).  The e2e tests need root, as
# in scripts/test.sh; ISW_E2E_STRICT=1 (set by .ci/run) makes a missing dependency a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=("$@")
((${#STEPS[@]})) || STEPS=(asan tsan fuzz)

# Reports go to stderr with symbolized stacks; any report fails the process.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
if [[ -z ${ASAN_SYMBOLIZER_PATH:-} ]] && command -v llvm-symbolizer >/dev/null; then
	export ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer)
fi

configure_build() { # DIR CMAKE-OPTION...
	local dir=$1
	shift
	CC=clang cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
	cmake --build "$dir" -j"$(nproc)" >/dev/null
}

step() { echo "== sanitizers: $* ($(date +%T))" >&2; }

for s in "${STEPS[@]}"; do
	case $s in
	asan)
		step "ASan + UBSan build, unit and e2e tests"
		configure_build build-asan -DISW_ASAN=ON -DISW_UBSAN=ON
		ctest --test-dir build-asan -L 'unit|e2e' --output-on-failure --timeout 600
		;;
	tsan)
		step "TSan build, unit tests"
		configure_build build-tsan -DISW_TSAN=ON
		ctest --test-dir build-tsan -L unit --output-on-failure --timeout 600
		;;
	fuzz)
		step "fuzzers, ${FUZZ_SECONDS:-10} s each"
		tests/fuzz/run.sh "${FUZZ_SECONDS:-10}"
		;;
	*)
		echo "usage: $0 [asan|tsan|fuzz]..." >&2
		exit 2
		;;
	esac
done
