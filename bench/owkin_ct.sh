#!/usr/bin/env bash
# Case 4: the 300 lung CT crops of cohorts/owkin-nsclc-ct-images as one batch with the study's
# settings (bench/params/study_ct.yaml), petrad (both cores) vs PyRadiomics (--jobs 1 and 2).
# Skips with a message when the cohort is not in the data folder; its .npz crops (scan, mask)
# are turned into NIfTI by bench/prepare_owkin.py.
source "$(dirname "$0")/common.sh"
d="$data/cohorts/owkin-nsclc-ct-images"
if [ ! -d "$d" ]; then
  echo "skip: $d is absent (the owkin NSCLC CT cohort is not in this data folder)" >&2
  exit 0
fi
need_pyradiomics
petrad="$(petrad_binary)"
# Its cases.csv when it has one, else its images/*.npz crops written out as NIfTI pairs.
cases="$("$python" "$repo/bench/prepare_owkin.py" "$d" "$out/owkin")"
p="$repo/bench/params/study_ct.yaml"
compare "owkin NSCLC CT crops, study settings, batch" "${RUNS:-3}" \
  "petrad 2 cores=$petrad extract $cases --param $p --quiet" \
  "PyRadiomics 1 job=$pyradiomics $cases --param $p -f csv --jobs 1" \
  "PyRadiomics 2 jobs=$pyradiomics $cases --param $p -f csv --jobs 2"
