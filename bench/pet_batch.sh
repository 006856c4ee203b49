#!/usr/bin/env bash
# Case 2: the 51 PET tumours of pet/ibsi-sts-validation as one batch (bench/params/pet_suv.yaml:
# SUV, bin width 0.25, no resampling, all seven 3D classes): petrad on both cores, petrad on one
# core (taskset -c 0), PyRadiomics' batch mode on one job (its default) and on two jobs.
#   RUNS (cores comparison, default 5), PY_RUNS / PY_WARMUP (PyRadiomics comparison, 3 / 1)
# Target: petrad on two cores >= 1.8x faster than on one core.
source "$(dirname "$0")/common.sh"
need_pyradiomics
petrad="$(petrad_binary)"
d="$data/pet/ibsi-sts-validation"
p="$repo/bench/params/pet_suv.yaml"
cases="$out/ibsi_sts_cases.csv"
# Absolute paths, so both tools read the same files whatever their relative-path rules.
awk -F, -v d="$d" 'NR == 1 { print; next } { print $1 "," d "/" $2 "," d "/" $3 }' \
  "$d/cases.csv" > "$cases"
compare "51 PET tumours (SUV, bin width 0.25), batch, cores" "${RUNS:-5}" \
  "petrad 2 cores=$petrad extract $cases --param $p --quiet" \
  "petrad 1 core=taskset -c 0 $petrad extract $cases --param $p --quiet"
if [ -z "${SKIP_PYRADIOMICS:-}" ]; then
  WARMUP="${PY_WARMUP:-${WARMUP:-1}}" \
  compare "51 PET tumours (SUV, bin width 0.25), batch, petrad vs PyRadiomics" "${PY_RUNS:-3}" \
    "petrad 2 cores=$petrad extract $cases --param $p --quiet" \
    "PyRadiomics 1 job=$pyradiomics $cases --param $p -f csv --jobs 1" \
    "PyRadiomics 2 jobs=$pyradiomics $cases --param $p -f csv --jobs 2"
fi
