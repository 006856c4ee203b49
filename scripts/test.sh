#!/usr/bin/env bash
# Sets up petrad and runs its whole test suite, optimised (numeric tests are slow in debug).
# Tests that need ../shared/data skip with a message when it is absent.
# Without a test filter, then a short fuzzing run of the six readers (scripts/fuzz.sh --short:
# 12 s per reader after building the fuzzers; see docs/robustness.md). The sanitizer build of
# the fuzz package compiles the libraries again (about 6 minutes on 2 cores); PETRAD_FUZZ=0
# leaves the fuzzing out.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --deps-only
swift test -c release -Xswiftc -enable-testing --parallel "$@"
if [ $# -eq 0 ] && [ "${PETRAD_FUZZ:-1}" != 0 ]; then
  scripts/fuzz.sh --short
fi
