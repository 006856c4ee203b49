#!/usr/bin/env bash
# Case 6: how cost grows with ROI size and with the number of grey levels (synthetic spheres
# written by bench/make_synthetic.py; bench/params/synthetic.yaml: bin width 1, no resampling,
# all seven 3D classes). Prints the tables and the fitted growth exponents.
#   RUNS (petrad runs per case, default 3), PY_RUNS (PyRadiomics runs per case, default 1; 0 skips),
#   PY_MAX_LEVELS / PY_MAX_VOXELS (PyRadiomics only on cases up to 256 levels / 50,000 voxels)
source "$(dirname "$0")/common.sh"
need_pyradiomics
petrad="$(petrad_binary)"
"$python" "$repo/bench/make_synthetic.py" "$out/synthetic" > "$out/synthetic.csv"
python3 "$repo/bench/scaling.py" "$petrad" "$pyradiomics" "$out/synthetic.csv" \
  "$repo/bench/params/synthetic.yaml" --runs "${RUNS:-3}" --py-runs "${PY_RUNS:-1}" \
  --py-max-levels "${PY_MAX_LEVELS:-256}" --py-max-voxels "${PY_MAX_VOXELS:-50000}" \
  | tee -a "$out/results.md"
