#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Quick start, second command: install dependencies, build, run the whole test suite (unit
# tests, then the end-to-end sweeps in network namespaces, which need root).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
# Two at a time: the e2e tests that share the machine wait most of the time (tests/CMakeLists.txt).
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure --timeout 600 -j2 "$@"
