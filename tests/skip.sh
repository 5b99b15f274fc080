#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# skip.sh WHY... - a test that cannot run here: say why, exit 77 (ctest: skipped).
echo "SKIPPED: $*"
exit 77
