#!/bin/sh
# Dice of petrad's delineation methods with the expert GTV of the 51 IBSI STS FDG-PET cases
# (../shared/data/pet/ibsi-sts-validation), each seeded at the hottest voxel of its expert mask.
# Prints the Markdown table of docs/delineation.md; per-case values go to $1 (default
# delineation-dice.csv in the current folder).
set -eu
cd "$(dirname "$0")/../.."
out="${1:-$PWD/delineation-dice.csv}"
PETRAD_DELINEATION_BENCH=1 PETRAD_DELINEATION_BENCH_OUT="$out" \
    swift test -c release -Xswiftc -enable-testing --filter DelineationDiceBenchmark 2>&1 \
    | grep -E '^\||^cases:|error|failed'
