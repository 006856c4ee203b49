#!/usr/bin/env bash
# Case 5: repeated cross-validated LASSO-Cox on survival/sim_lasso_150x100 (150 patients x 100
# features): REPEATS repeats of 10-fold CV with the saved fold ids, petrad (`petrad signature
# build`, both cores, and one core) vs R (REPEATS x cv.glmnet(family = "cox", foldid = ...),
# bench/lasso_cv_glmnet.R, glmnet's own single-threaded loop), whole processes, interleaved.
# Target: 100 repeats at least as fast as R's glmnet.
#   REPEATS=n   repeats per run, both sides (default 100; R's 100 take ~14 min unloaded)
#   RUNS=n      counted runs (default 3)
# Without R + glmnet the R time recorded in the data folder's timing.txt is printed instead.
# (Moved here from scripts/bench/lasso.sh of branch lasso; now timed by bench/compare.py.)
source "$(dirname "$0")/common.sh"
d="$data/survival/sim_lasso_150x100"
[ -f "$d/data.csv" ] || { echo "skip: $d/data.csv is absent" >&2; exit 0; }
petrad="$(petrad_binary)"
repeats="${REPEATS:-100}"
# The saved folds of the first $repeats repeats.
awk -F, -v r="$repeats" 'NR == 1 || $1 <= r' "$d/foldid.csv" > "$out/foldid_$repeats.csv"
petrad_cmd="$petrad signature build $d/data.csv --time time --event event --exclude id"
petrad_cmd+=" --foldid $out/foldid_$repeats.csv --out $out/signature_$repeats.json"
if command -v Rscript >/dev/null && Rscript -e 'library(glmnet)' >/dev/null 2>&1; then
  compare "LASSO-Cox, $repeats repeats of 10-fold CV (150 x 100)" "${RUNS:-3}" \
    "petrad 2 cores=$petrad_cmd" \
    "petrad 1 core=$petrad_cmd --threads 1" \
    "R cv.glmnet=Rscript $repo/bench/lasso_cv_glmnet.R $d/data.csv $out/foldid_$repeats.csv $repeats"
else
  echo "R with glmnet is not installed: timing petrad alone; timing.txt records R:" >&2
  sed -n 's/.*\(100 x cv.glmnet(nfolds=10, foldid.*\)/  \1/p' "$d/timing.txt" >&2
  compare "LASSO-Cox, $repeats repeats of 10-fold CV (150 x 100), petrad only" "${RUNS:-3}" \
    "petrad 2 cores=$petrad_cmd" "petrad 1 core=$petrad_cmd --threads 1"
fi
