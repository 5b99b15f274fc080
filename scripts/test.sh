#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test.sh - the whole test suite: set up, build, run ctest (unit, CLI,
# ASan+UBSan builds, the fuzzer, real-trace checks and the lab).
#   HVPATH_TEST_LABELS=unit|cli|...   run only tests with that ctest label
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
cd "$top/build"
args=(--output-on-failure)
[ -n "${HVPATH_TEST_LABELS:-}" ] && args+=(-L "$HVPATH_TEST_LABELS")
ctest "${args[@]}"
