#!/usr/bin/env bash
# Case 1: lung2 of the PyRadiomics test cases with the study's settings (bench/params/study_ct.yaml:
# 4 x 4 x 5 mm B-spline resampling, bin width 25, all seven 3D classes), petrad vs PyRadiomics,
# one process per extraction, interleaved. Target: >= 20x faster, <= 1/4 of the peak memory.
source "$(dirname "$0")/common.sh"
need_pyradiomics
petrad="$(petrad_binary)"
d="$data/pyradiomics-testcases"
p="$repo/bench/params/study_ct.yaml"
compare "lung2, study settings (all seven classes)" "${RUNS:-5}" \
  "petrad=$petrad extract $d/lung2_image.nrrd $d/lung2_label.nrrd --param $p --quiet" \
  "PyRadiomics=$pyradiomics $d/lung2_image.nrrd $d/lung2_label.nrrd --param $p -f csv"
