#!/usr/bin/env bash
# Sets up petrad and runs its whole test suite, optimised (numeric tests are slow in debug).
# Tests that need ../shared/data skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --deps-only
swift test -c release -Xswiftc -enable-testing --parallel "$@"
