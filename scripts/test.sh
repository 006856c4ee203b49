#!/usr/bin/env bash
# Sets up petrad and runs its whole test suite, optimised (numeric tests are slow in debug).
# Tests that need ../shared/data skip with a message when it is absent.
# With PETRAD_FUZZ=1 (and no test filter), then a short fuzzing run of the six readers
# (scripts/fuzz.sh --short: 12 s per reader after building the fuzzers; see docs/robustness.md).
# It is off by default because it is not short: the sanitizer build of the fuzz package (the
# main package's libraries again, with -sanitize=fuzzer,address) took 5.5 minutes on the shared
# 2-core machine, plus 72 s of fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --deps-only
swift test -c release -Xswiftc -enable-testing --parallel "$@"
if [ $# -eq 0 ] && [ "${PETRAD_FUZZ:-0}" = 1 ]; then
  scripts/fuzz.sh --short
fi
