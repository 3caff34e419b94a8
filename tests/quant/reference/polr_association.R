# Expected values for tests/quant/test_association.py (and the scale scores of
# tests/quant/test_scores.py), computed with base R and MASS, independently of
# image_synth.
#
#   Rscript tests/quant/reference/polr_association.R [OUT_JSON]
#
# Writes OUT_JSON (default polr_association_expected.json beside this script) and,
# beside it,
#   survey_association.csv   a synthetic one-wave survey of answer codes (seeded)
#   housing_association.csv  MASS::housing: the Copenhagen housing satisfaction survey
#                            (Madsen 1976), 72 rows with counts, as shipped in the R
#                            package MASS (Venables & Ripley), licence GPL-2 | GPL-3.
#                            polr(Sat ~ Infl + Type + Cont, weights = Freq) is the
#                            worked example of MASS (4th ed., sec. 7.3).
#
# The survey's instrument (the tests build the same one in Python):
#   agree5   codes 1-5, 9 = "weet niet" (don't know, never a number)
#   sat7     codes 1-7
#   yield4   codes 1-4 ordered, 5 = "geen zicht op" (don't know)
#   scale communicatie = com_1, com_2, com_3 (com_3 reverse-keyed: 6 - x), min_items 2
#   scale vertrouwen   = ver_1, ver_2, min_items 2
#   condition item tijd (agree5); satisfaction item tevredenheid (sat7);
#   yield items opbrengst_1, opbrengst_2 (yield4)
# A scale score is the mean of the answered items (don't know = not answered) when at
# least min_items were answered, else missing.

suppressPackageStartupMessages({
  library(MASS)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
here <- local({
  file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg))) else getwd()
})
out_json <- if (length(args)) args[[1]] else file.path(here, "polr_association_expected.json")
out_dir <- dirname(out_json)   # the CSV files go beside the JSON

# ----------------------------------------------------------------------------- data
set.seed(2023)
sizes <- c(alpha = 90, beta = 60, gamma = 5)
situation <- rep(names(sizes), sizes)
n <- length(situation)
shift <- c(alpha = 0, beta = -0.4, gamma = 0.3)[situation]
com <- rnorm(n)
ver <- 0.5 * com + rnorm(n, sd = 0.9)
likert <- function(latent) pmin(5, pmax(1, round(3 + latent + rnorm(n, sd = 0.7))))
with_dk <- function(x, dk = 9, p_dk = 0.06, p_na = 0.03) {
  u <- runif(n)
  x[u < p_dk] <- dk
  x[u > 1 - p_na] <- NA
  x
}
com_1 <- with_dk(likert(com))
com_2 <- with_dk(likert(com))
com_3 <- with_dk(6 - likert(com))
ver_1 <- with_dk(likert(ver))
ver_2 <- with_dk(likert(ver))
tijd <- with_dk(likert(0.4 * com + rnorm(n, sd = 0.8)), p_dk = 0.15)
sat_latent <- 0.9 * com + 0.5 * ver + shift + rlogis(n)
tevredenheid <- as.integer(cut(sat_latent, c(-Inf, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, Inf)))
tevredenheid[runif(n) < 0.03] <- NA
opbrengst <- function() {
  y <- as.integer(cut(0.6 * com + rnorm(n), c(-Inf, -0.8, 0, 0.8, Inf)))
  with_dk(y, dk = 5, p_dk = 0.12, p_na = 0.02)
}
opbrengst_1 <- opbrengst()
opbrengst_2 <- opbrengst()

survey <- data.frame(
  respondent_id = sprintf("R%03d", seq_len(n)), wave = 2023L,
  region = c(alpha = "A", beta = "B", gamma = "C")[situation], situation = situation,
  sector = "po", com_1, com_2, com_3, ver_1, ver_2, tijd, tevredenheid,
  opbrengst_1, opbrengst_2, stringsAsFactors = FALSE)
write.csv(survey, file.path(out_dir, "survey_association.csv"), row.names = FALSE, na = "")

# ----------------------------------------------------------------------------- scores
dk <- function(x, codes) { x[x %in% codes] <- NA; x }
score <- function(m, min_items) {
  k <- rowSums(!is.na(m))
  s <- rowMeans(m, na.rm = TRUE)
  s[k < min_items] <- NA
  s
}
communicatie <- score(cbind(dk(com_1, 9), dk(com_2, 9), 6 - dk(com_3, 9)), 2)
vertrouwen <- score(cbind(dk(ver_1, 9), dk(ver_2, 9)), 2)
numbers <- list(communicatie = communicatie, vertrouwen = vertrouwen, tijd = dk(tijd, 9),
                tevredenheid = tevredenheid, opbrengst_1 = dk(opbrengst_1, 5),
                opbrengst_2 = dk(opbrengst_2, 5))

# ----------------------------------------------------------------------------- Spearman
bw_ci <- function(r, n, variance) {
  if (is.na(r) || n < 4) return(c(NA, NA))
  tanh(atanh(r) + c(-1, 1) * qnorm(0.975) * sqrt(variance / (n - 3)))
}
spearman <- list()
for (p in c("communicatie", "vertrouwen", "tijd")) {
  for (o in c("tevredenheid", "opbrengst_1", "opbrengst_2")) {
    for (scope in c(NA, names(sizes))) {
      keep <- !is.na(numbers[[p]]) & !is.na(numbers[[o]])
      if (!is.na(scope)) keep <- keep & situation == scope
      x <- numbers[[p]][keep]; y <- numbers[[o]][keep]
      k <- sum(keep)
      r <- NA; pv <- NA
      if (k >= 3 && length(unique(x)) > 1 && length(unique(y)) > 1) {
        r <- cor(x, y, method = "spearman")
        pv <- suppressWarnings(cor.test(x, y, method = "spearman", exact = FALSE)$p.value)
      }
      bw <- bw_ci(r, k, 1 + r^2 / 2)
      fi <- bw_ci(r, k, 1.06)
      spearman[[length(spearman) + 1]] <- list(
        predictor = p, outcome = o, situation = if (is.na(scope)) NULL else scope, n = k,
        rho = r, p_value = pv, ci_low_bonett_wright = bw[1], ci_high_bonett_wright = bw[2],
        ci_low_fieller = fi[1], ci_high_fieller = fi[2])
    }
  }
}

# ----------------------------------------------------------------------------- polr
tight <- list(reltol = 1e-14, maxit = 10000)
polr_summary <- function(fit, level = 0.95) {
  beta <- coef(fit)
  se <- sqrt(diag(vcov(fit)))[names(beta)]
  ci <- exp(confint.default(fit, level = level))[names(beta), , drop = FALSE]
  z <- beta / se
  list(terms = names(beta), log_odds = unname(beta), se = unname(se),
       odds_ratio = unname(exp(beta)), ci_low = unname(ci[, 1]), ci_high = unname(ci[, 2]),
       p_value = unname(2 * pnorm(-abs(z))), zeta = as.list(fit$zeta),
       log_likelihood = as.numeric(logLik(fit)), n = fit$nobs, aic = AIC(fit))
}
d <- data.frame(y = factor(tevredenheid, ordered = TRUE), communicatie, vertrouwen,
                situation = factor(situation))
d <- d[complete.cases(d), ]
d$y <- droplevels(d$y)
fit <- polr(y ~ communicatie + vertrouwen + situation, data = d, Hess = TRUE,
            control = tight)
null <- polr(y ~ 1, data = d, Hess = TRUE, control = tight)
survey_fit <- polr_summary(fit)
survey_fit$log_likelihood_null <- as.numeric(logLik(null))

write.csv(housing, file.path(out_dir, "housing_association.csv"), row.names = FALSE)
hfit <- polr(Sat ~ Infl + Type + Cont, weights = Freq, data = housing, Hess = TRUE,
             control = tight)
housing_fit <- polr_summary(hfit)
housing_fit$n <- sum(housing$Freq)

result <- list(
  generated_with = list(R = R.version.string,
                        MASS = as.character(packageVersion("MASS"))),
  scale_scores = list(communicatie = communicatie, vertrouwen = vertrouwen),
  spearman = spearman,
  polr_survey = survey_fit,
  polr_housing = housing_fit)
writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, null = "null", na = "null",
                  pretty = TRUE),
           out_json)
