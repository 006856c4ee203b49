#!/usr/bin/env bash
# Sets up petrad and runs its whole test suite, optimised (numeric tests are slow in debug).
# Tests that need ../shared/data skip with a message when it is absent.
# Then, unless arguments select some tests or PETRAD_SKIP_FUZZ=1, a short fuzzing run of the
# readers (scripts/fuzz.sh --short: 12 s per reader after building the fuzzers, about 4 minutes
# in all; see docs/robustness.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --deps-only
swift test -c release -Xswiftc -enable-testing --parallel "$@"
if [ $# -eq 0 ] && [ "${PETRAD_SKIP_FUZZ:-0}" != 1 ]; then
  scripts/fuzz.sh --short
fi
