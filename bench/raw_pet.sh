#!/usr/bin/env bash
# Case 3: the raw whole-body PET of pet/mirp-sts-raw left in Bq/mL, GTV_Mass, bin width 25
# (bench/params/pet_bqml.yaml: about 1,300 grey levels, no resampling, all seven 3D classes).
# The DICOM series and RTSTRUCT are turned into NIfTI once (bench/prepare_raw_pet.py); both tools
# then read the same NIfTI files. Target: petrad >= 100x faster than PyRadiomics.
source "$(dirname "$0")/common.sh"
need_pyradiomics
petrad="$(petrad_binary)"
if [ ! -f "$out/raw_pet.nii.gz" ] || [ ! -f "$out/raw_gtv.nii.gz" ]; then
  "$python" "$repo/bench/prepare_raw_pet.py" "$data/pet/mirp-sts-raw" "$out"
fi
p="$repo/bench/params/pet_bqml.yaml"
compare "raw whole-body PET in Bq/mL, bin width 25 (~1,300 grey levels)" "${RUNS:-3}" \
  "petrad=$petrad extract $out/raw_pet.nii.gz $out/raw_gtv.nii.gz --param $p --quiet" \
  "PyRadiomics=$pyradiomics $out/raw_pet.nii.gz $out/raw_gtv.nii.gz --param $p -f csv"
