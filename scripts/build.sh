#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Configures and builds into build/ (or $BUILD_DIR); the binary is build/icmpsweep.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
