# Reference values for image_synth.quant.reliability, computed with R psych.
#
# Usage (from anywhere):
#   Rscript tests/quant/reference/psych_alpha.R [OUTPUT_JSON]
#
# Reads the item CSVs beside this script (exported from psych::bfi and
# psychTools::msq, see README.md) and writes psych_alpha_expected.json beside it,
# or to OUTPUT_JSON when given.  tests/quant/test_reliability.py uses the JSON
# without R, and re-runs this script (when Rscript and psych are present) to check
# that the committed JSON is what psych gives.
#
# For every scale, in two missing-data modes:
#   pairwise  psych::alpha(x) with its default use = "pairwise"; rows in which
#             every item of the scale is missing are dropped first (psych would
#             count them in n.obs for the Feldt interval, image_synth does not).
#   listwise  psych::alpha(na.omit(x)) -- complete cases only, as SPSS RELIABILITY.
# Reverse-keyed items are recoded by hand, x -> scale_min + scale_max - x, before
# psych sees the data (psych's own `keys` reversal uses the observed min and max of
# the whole data frame instead of the scale's bounds).

suppressPackageStartupMessages({
  library(psych)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- dirname(normalizePath(script))
trailing <- commandArgs(trailingOnly = TRUE)
out_path <- if (length(trailing) >= 1) trailing[1] else file.path(here, "psych_alpha_expected.json")

scales <- list(
  list(name = "bfi_agreeableness", file = "bfi_items.csv",
       items = c("A1", "A2", "A3", "A4", "A5"), reverse = c("A1"),
       scale_min = 1, scale_max = 6),
  list(name = "bfi_conscientiousness", file = "bfi_items.csv",
       items = c("C1", "C2", "C3", "C4", "C5"), reverse = c("C4", "C5"),
       scale_min = 1, scale_max = 6),
  list(name = "msq_energetic_arousal", file = "msq_items.csv",
       items = c("active", "energetic", "vigorous", "wakeful", "wide.awake",
                 "full.of.pep", "lively", "sleepy", "tired", "drowsy"),
       reverse = c("sleepy", "tired", "drowsy"),
       scale_min = 0, scale_max = 3)
)

one_mode <- function(x, mode) {
  if (mode == "pairwise") {
    x <- x[rowSums(!is.na(x)) > 0, , drop = FALSE]
  } else {
    x <- na.omit(x)
  }
  a <- psych::alpha(x, warnings = FALSE)
  ci <- psych::alpha.ci(a$total$raw_alpha, nrow(x), ncol(x), p.val = .05)
  ci90 <- psych::alpha.ci(a$total$raw_alpha, nrow(x), ncol(x), p.val = .10)
  om <- suppressMessages(suppressWarnings(
    psych::omega(x, nfactors = 1, plot = FALSE)))
  list(
    n = nrow(x),
    k_items = ncol(x),
    alpha = a$total$raw_alpha,
    alpha_std = a$total$std.alpha,
    average_r = a$total$average_r,
    mean = a$total$mean,
    sd = a$total$sd,
    ci_low = ci$lower.ci,
    ci_high = ci$upper.ci,
    ci_low_90 = ci90$lower.ci,
    ci_high_90 = ci90$upper.ci,
    omega_total = om$omega.tot,
    items = list(
      item = colnames(x),
      n = unname(a$item.stats$n),
      mean = unname(a$item.stats$mean),
      sd = unname(a$item.stats$sd),
      r_drop = unname(a$item.stats$r.drop),
      alpha_if_deleted = unname(a$alpha.drop$raw_alpha),
      alpha_std_if_deleted = unname(a$alpha.drop$std.alpha)
    )
  )
}

results <- list()
for (s in scales) {
  data <- read.csv(file.path(here, s$file), check.names = FALSE)
  x <- data[, s$items]
  for (item in s$reverse) {
    x[[item]] <- s$scale_min + s$scale_max - x[[item]]
  }
  results[[s$name]] <- list(
    items = I(s$items), reverse = I(s$reverse),
    scale_min = s$scale_min, scale_max = s$scale_max, file = s$file,
    pairwise = one_mode(x, "pairwise"),
    listwise = one_mode(x, "listwise")
  )
}

out <- list(
  generated_with = list(
    R = R.version.string,
    psych = as.character(packageVersion("psych"))
  ),
  scales = results
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = I(17), pretty = TRUE), out_path)
