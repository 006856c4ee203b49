#!/usr/bin/env bash
# Times the study's repeated selection on ../shared/data/survival/sim_lasso_150x100: 100 repeats of
# 10-fold cross-validated LASSO-Cox (150 patients x 100 features) with the saved fold ids, in
# petrad (`petrad signature build`, all cores) and in R (100 x cv.glmnet(family = "cox",
# foldid = ...), glmnet's own single-threaded loop), and prints petrad's speed-up.
#
# R is run when Rscript with glmnet is installed (Debian: apt-get install r-cran-glmnet);
# otherwise the R time recorded in the data folder's timing.txt is used (and said so).
#   REPEATS=n   time n repeats instead of 100 (both sides)
#   THREADS=n   petrad threads (default: all cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${PETRAD_SHARED_DATA:-$(cd .. && pwd)/shared/data}/survival/sim_lasso_150x100"
[ -f "$data/data.csv" ] || data="/work/shared/data/survival/sim_lasso_150x100"
[ -f "$data/data.csv" ] || { echo "sim_lasso_150x100 not found (set PETRAD_SHARED_DATA)" >&2; exit 1; }
repeats="${REPEATS:-100}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

swift build -c release --product petrad > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
petrad="$(swift build -c release --show-bin-path)/petrad"

# The saved folds of the first $repeats repeats.
awk -F, -v r="$repeats" 'NR == 1 || $1 <= r' "$data/foldid.csv" > "$work/foldid.csv"

threads_option=()
[ -n "${THREADS:-}" ] && threads_option=(--threads "$THREADS")
start=$(date +%s.%N)
"$petrad" signature build "$data/data.csv" --time time --event event --exclude id \
    --foldid "$work/foldid.csv" --out "$work/signature.json" "${threads_option[@]}" \
    > "$work/petrad.log" 2> "$work/petrad.err"
end=$(date +%s.%N)
petrad_seconds=$(echo "$end - $start" | bc -l)
printf 'petrad: %d repeats in %.2f s (%s cores)\n' "$repeats" "$petrad_seconds" \
    "${THREADS:-$(nproc)}"

r_seconds=""
if command -v Rscript >/dev/null && Rscript -e 'library(glmnet)' >/dev/null 2>&1; then
    cat > "$work/bench.R" <<'RCODE'
suppressPackageStartupMessages({ library(survival); library(glmnet) })
args <- commandArgs(trailingOnly = TRUE)
dat <- read.csv(args[1]); folds <- read.csv(args[2])
x <- as.matrix(dat[, grep("^f", names(dat))]); y <- Surv(dat$time, dat$event)
R <- max(folds$`repeat`)
t0 <- proc.time()
for (r in 1:R) {
  f <- folds$fold[folds$`repeat` == r][order(folds$id[folds$`repeat` == r])]
  cv <- suppressWarnings(cv.glmnet(x, y, family = "cox", alpha = 1, standardize = TRUE, foldid = f))
}
cat(sprintf("%.3f\n", (proc.time() - t0)[["elapsed"]]))
RCODE
    r_seconds=$(Rscript "$work/bench.R" "$data/data.csv" "$work/foldid.csv" | tail -1)
    printf 'R glmnet %s: %d x cv.glmnet in %.2f s (measured now, single thread)\n' \
        "$(Rscript -e 'cat(format(packageVersion("glmnet")))')" "$repeats" "$r_seconds"
else
    recorded=$(sed -n 's/.*foldid = saved repeat folds): elapsed \([0-9.]*\) s.*/\1/p' "$data/timing.txt")
    r_seconds=$(echo "$recorded * $repeats / 100" | bc -l)
    printf 'R glmnet 4.1-6: not installed here; timing.txt records %s s for 100 x cv.glmnet' \
        "$recorded"
    printf ' (scaled to %d repeats: %.2f s)\n' "$repeats" "$r_seconds"
fi
printf 'ratio R / petrad = %.2f (petrad is %.2f x as fast)\n' \
    "$(echo "$r_seconds / $petrad_seconds" | bc -l)" "$(echo "$r_seconds / $petrad_seconds" | bc -l)"
