# Expected values for tests/quant/test_compare.py, computed with base R (stats),
# independently of image_synth.
#
#   Rscript tests/quant/reference/wilcox_compare.R [OUT_JSON]
#
# Writes OUT_JSON (default wilcox_compare_expected.json beside this script) and,
# beside it, survey_compare.csv (a synthetic two-wave table of scale scores on 1-5 in
# steps of 1/3, so with many ties; seeded).
#
# Conventions, as image_synth documents them:
#   group_1 = earlier wave / first level, group_2 = later wave / second level;
#   statistic = W of wilcox.test(group_2, group_1) = Mann-Whitney U of group_2;
#   rank-biserial r = 2 W / (n1 n2) - 1, interval tanh(atanh(r) +- z sqrt((n1+n2+1)/(3 n1 n2)))
#   (the formula of effectsize::rank_biserial, not installed here, written out);
#   epsilon-squared = H / (n - 1) with H from kruskal.test;
#   composition: total-variation distance 0.5 sum |p1 - p2| and chisq.test(correct = FALSE).
# wilcox.test uses exact = FALSE (normal approximation with tie and continuity
# correction), which is what SciPy's method = "auto" picks for these tied samples.

suppressPackageStartupMessages(library(jsonlite))

args <- commandArgs(trailingOnly = TRUE)
here <- local({
  file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg))) else getwd()
})
out_json <- if (length(args)) args[[1]] else file.path(here, "wilcox_compare_expected.json")
out_dir <- dirname(out_json)   # the CSV files go beside the JSON

# ----------------------------------------------------------------------------- data
set.seed(2022)
n22 <- 40
n23 <- 90
wave <- c(rep(2022L, n22), rep(2023L, n23))
situation <- c(sample(c("po_vo", "binnen_po"), n22, TRUE, prob = c(0.7, 0.3)),
               sample(c("po_vo", "binnen_po", "binnen_vo"), n23, TRUE))
region <- ifelse(situation == "po_vo", sample(c("G", "H"), length(wave), TRUE),
                 ifelse(situation == "binnen_po", sample(c("A", "B"), length(wave), TRUE), "E"))
sector <- ifelse(situation == "binnen_vo", "vo", "po")
level <- c(po_vo = 0, binnen_po = 0.3, binnen_vo = -0.4)[situation]
raw <- 3 + 0.35 * (wave == 2023) + level + rnorm(length(wave), sd = 0.8)
score <- pmin(5, pmax(1, round(3 * raw) / 3))
score[sample(length(score), 6)] <- NA
data <- data.frame(respondent_id = sprintf("R%03d", seq_along(wave)), wave, region,
                   situation, sector, score, stringsAsFactors = FALSE)
write.csv(data, file.path(out_dir, "survey_compare.csv"), row.names = FALSE, na = "")

# ----------------------------------------------------------------------------- helpers
z975 <- qnorm(0.975)
mw <- function(x1, x2) {
  x1 <- x1[!is.na(x1)]; x2 <- x2[!is.na(x2)]
  n1 <- length(x1); n2 <- length(x2)
  if (n1 == 0 || n2 == 0) {
    return(list(n_1 = n1, n_2 = n2, statistic = NULL, p_value = NULL, effect_size = NULL,
                ci_low = NULL, ci_high = NULL))
  }
  t <- wilcox.test(x2, x1, exact = FALSE, correct = TRUE)
  r <- 2 * unname(t$statistic) / (n1 * n2) - 1
  se <- sqrt((n1 + n2 + 1) / (3 * n1 * n2))
  ci <- tanh(atanh(r) + c(-1, 1) * z975 * se)
  list(n_1 = n1, n_2 = n2, statistic = unname(t$statistic), p_value = t$p.value,
       effect_size = r, ci_low = ci[1], ci_high = ci[2])
}
tvd <- function(v, w) {
  tab <- table(w, v)
  shares <- tab / rowSums(tab)
  out <- list(tvd = 0.5 * sum(abs(shares[1, ] - shares[2, ])), statistic = 0, p_value = 1)
  if (ncol(tab) > 1) {   # one level: nothing to test (chisq.test would test the margins)
    test <- suppressWarnings(chisq.test(tab, correct = FALSE))
    out$statistic <- unname(test$statistic)
    out$p_value <- test$p.value
  }
  out
}

# ----------------------------------------------------------------------------- waves
ok <- !is.na(score)
waves <- list()
for (scope in c(NA, sort(unique(situation)))) {
  in_scope <- if (is.na(scope)) rep(TRUE, length(wave)) else situation == scope
  row <- mw(score[in_scope & wave == 2022], score[in_scope & wave == 2023])
  row$situation <- if (is.na(scope)) NULL else scope
  keep <- in_scope & ok
  comp <- if (is.na(scope)) c("region", "situation", "sector") else c("region", "sector")
  if (sum(keep & wave == 2022) > 0 && sum(keep & wave == 2023) > 0) {
    row$composition <- lapply(setNames(comp, comp), function(col)
      tvd(data[[col]][keep], wave[keep]))
  }
  waves[[length(waves) + 1]] <- row
}

# ----------------------------------------------------------------------------- situations
d23 <- data[data$wave == 2023 & ok, ]
kw <- kruskal.test(score ~ factor(situation), data = d23)
n_kw <- nrow(d23)
levels23 <- sort(unique(d23$situation))
pairs <- list()
for (i in 1:(length(levels23) - 1)) {
  for (j in (i + 1):length(levels23)) {
    row <- mw(d23$score[d23$situation == levels23[i]], d23$score[d23$situation == levels23[j]])
    row$group_1 <- levels23[i]
    row$group_2 <- levels23[j]
    pairs[[length(pairs) + 1]] <- row
  }
}
holm <- p.adjust(sapply(pairs, `[[`, "p_value"), method = "holm")
for (k in seq_along(pairs)) pairs[[k]]$p_adjusted <- holm[k]

result <- list(
  generated_with = list(R = R.version.string),
  waves = waves,
  kruskal = list(statistic = unname(kw$statistic), p_value = kw$p.value, n = n_kw,
                 effect_size = unname(kw$statistic) / (n_kw - 1)),
  pairs = pairs)
writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, null = "null", na = "null",
                  pretty = TRUE), out_json)
