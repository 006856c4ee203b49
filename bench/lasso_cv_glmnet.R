# R side of bench/lasso.sh: `repeats` x cv.glmnet(family = "cox", alpha = 1, standardize = TRUE,
# foldid = the saved folds of that repeat) on sim_lasso_150x100, glmnet's own single-threaded
# loop (as in the data folder's make_reference.R). Prints the elapsed seconds of the loop.
# Usage: Rscript lasso_cv_glmnet.R data.csv foldid.csv [repeats]
suppressPackageStartupMessages({ library(survival); library(glmnet) })
args <- commandArgs(trailingOnly = TRUE)
dat <- read.csv(args[1]); folds <- read.csv(args[2])
x <- as.matrix(dat[, grep("^f", names(dat))]); y <- Surv(dat$time, dat$event)
repeats <- if (length(args) >= 3) as.integer(args[3]) else max(folds$`repeat`)
t0 <- proc.time()
for (r in seq_len(repeats)) {
  f <- folds$fold[folds$`repeat` == r][order(folds$id[folds$`repeat` == r])]
  cv <- suppressWarnings(cv.glmnet(x, y, family = "cox", alpha = 1, standardize = TRUE, foldid = f))
}
cat(sprintf("%d x cv.glmnet: %.3f s\n", repeats, (proc.time() - t0)[["elapsed"]]))
