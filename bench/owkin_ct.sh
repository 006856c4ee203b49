#!/usr/bin/env bash
# Case 4: the 300 lung CT crops of cohorts/owkin-nsclc-ct-images as one batch with the study's
# settings (bench/params/study_ct.yaml), petrad (both cores) vs PyRadiomics (--jobs 1 and 2).
# Skips with a message when the cohort is not in the data folder.
source "$(dirname "$0")/common.sh"
d="$data/cohorts/owkin-nsclc-ct-images"
if [ ! -d "$d" ]; then
  echo "skip: $d is absent (the owkin NSCLC CT cohort is not in this data folder)" >&2
  exit 0
fi
need_pyradiomics
petrad="$(petrad_binary)"
cases="$(ls "$d"/cases.csv 2>/dev/null || true)"
[ -n "$cases" ] || { echo "skip: $d has no cases.csv (columns PatientID,Image,Mask)" >&2; exit 0; }
p="$repo/bench/params/study_ct.yaml"
compare "owkin NSCLC CT crops, study settings, batch" "${RUNS:-3}" \
  "petrad 2 cores=$petrad extract $cases --param $p --quiet" \
  "PyRadiomics 1 job=$pyradiomics $cases --param $p -f csv --jobs 1" \
  "PyRadiomics 2 jobs=$pyradiomics $cases --param $p -f csv --jobs 2"
