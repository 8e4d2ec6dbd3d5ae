#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# bench/internet.sh: the `internet` scenario alone, i.e. `bench/run internet` with the same
# options (--quick, --reps N, --zmap PATH, --icmpsweep PATH, --tools LIST, --keep, --out DIR).
# The scenario lives in bench/scenarios/internet.sh; bench/README.md describes it.
exec "$(dirname "${BASH_SOURCE[0]}")/run" internet "$@"
