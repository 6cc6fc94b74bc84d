## methods_reference.R — R references for survey methods the shared oracle
## (../survey/reference_values.R) does not cover.
##
##  certainty.csv          data: apistrat with stratum M cut to its first school and H to its
##                         first school; fpc_mixed makes H a certainty unit (population 1) and
##                         leaves M a lonely sampled PSU, fpc_census makes both certainty units.
##  certainty_values.csv   svymean/svytotal whole and svyby(~sch.wide) under
##                         survey.lonely.psu = "average" (and the other rules for contrast).
##
##  ciprop_values.csv      svyciprop(method = beta, xlogit, mean, asin) of
##                         I(sch.wide=="Yes") and I(api00>850) (a share near 0), whole and
##                         svyby(~stype), on Taylor (apistrat stratified, apiclus1 clustered)
##                         and JK1 replicate (as.svrepdesign(dclus1, type="JK1")) designs.
##  quantile_values.csv    svyquantile(~api00 + enroll, c(0.1, 0.25, 0.5, 0.9), qrule = every
##                         rule of survey 4.1, ci = TRUE) whole and per stype domain (the
##                         domain design as svyby forms it: design[stype == level, ]), on the
##                         three designs of section 2.
##  pps.csv                data: apistrat with pi, an inclusion probability proportional
##                         to sqrt(api99) within each school type (n_h * size / sum, scaled
##                         to at most 0.8), and apiclus1's districts (pi, proportional to
##                         the district's number of sampled schools, at most 0.8) appended,
##                         sorted by district (see the comment in section 4).
##  pps_values.csv         svymean/svytotal whole and svyby(~stype) on
##                         svydesign(pps = "brewer") and svydesign(pps = "overton",
##                         variance = "HT" / "YG") for both, weights 1/pi (no domains for
##                         Overton on the cluster design: R stops, see section 4).
##  repweights.csv         data: apiclus1 (dnum, stype, api00, pw) with its JK1 replicate
##                         weights rep1..rep15 (as.svrepdesign(dclus1, type="JK1",
##                         compress=FALSE), combined with pw), for supplied replicate weights.
##  ciprop_likelihood_values.csv  svyciprop(method = "likelihood"), section 6.
##  pps_hr_values.csv      svydesign(pps = HR()), HT and YG forms, section 7.
##  calibration_totals.csv population totals of the model ~stype + api99 (term, total).
##  cli_values.csv         svymean(~api00) of the designs the `govindex estimate` options make:
##                         bounded linear and bounded raking calibration, JK1 with mse=TRUE,
##                         supplied replicate weights (with and without mse), and partial
##                         post-stratification (a population level absent from the sample).
##
## Run:  Rscript methods_reference.R   (R 4.2.2, survey 4.1-1; deterministic)
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "fail", survey.ultimate.cluster = FALSE,
        survey.adjust.domain.lonely = FALSE, survey.replicates.mse = FALSE,
        survey.drop.replicates = TRUE, survey.multicore = FALSE)
script_dir <- local({
  args <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", grep("^--file=", args, value = TRUE))
  if (length(f) == 1) dirname(normalizePath(f)) else getwd()
})
data_dir <- file.path(script_dir, "..", "survey", "data")
write <- function(x, name) write.csv(x, file.path(script_dir, name), row.names = FALSE)
num <- function(x) sprintf("%.17g", x)

apistrat <- read.csv(file.path(data_dir, "apistrat.csv"), na.strings = "")

## --- 1. `average` lonely-PSU rule with certainty strata ---------------------------------
keep <- apistrat$stype == "E" |
  seq_len(nrow(apistrat)) %in% c(which(apistrat$stype == "M")[1], which(apistrat$stype == "H")[1])
certainty <- apistrat[keep, c("cds", "stype", "snum", "api00", "api99", "enroll", "sch.wide", "pw")]
certainty$fpc_mixed <- ifelse(certainty$stype == "E", 4421, ifelse(certainty$stype == "M", 1018, 1))
certainty$fpc_census <- ifelse(certainty$stype == "E", 4421, 1)
write(certainty, "certainty.csv")
certainty <- read.csv(file.path(script_dir, "certainty.csv"), na.strings = "")
certainty$sch.wide <- factor(certainty$sch.wide)

rows <- list()
for (fpc in c("fpc_mixed", "fpc_census")) {
  for (rule in c("average", "adjust", "remove", "certainty")) {
    options(survey.lonely.psu = rule)
    d <- svydesign(id = ~1, strata = ~stype, weights = ~pw,
                   fpc = as.formula(paste0("~", fpc)), data = certainty)
    id <- paste(fpc, rule, sep = "_")
    m <- svymean(~api00 + enroll, d)
    t <- svytotal(~api00 + enroll, d)
    rows[[length(rows) + 1]] <- data.frame(
      design_id = id, fpc = fpc, rule = rule, estimator = rep(c("mean", "total"), each = 2),
      variable = c("api00", "enroll"), domain = "",
      estimate = num(c(coef(m), coef(t))), se = num(c(SE(m), SE(t))))
    b <- svyby(~api00 + enroll, ~sch.wide, d, svymean)
    for (v in c("api00", "enroll")) {
      rows[[length(rows) + 1]] <- data.frame(
        design_id = id, fpc = fpc, rule = rule, estimator = "mean", variable = v,
        domain = as.character(b$sch.wide), estimate = num(b[[v]]), se = num(b[[paste0("se.", v)]]))
    }
  }
}
options(survey.lonely.psu = "fail")
write(do.call(rbind, rows), "certainty_values.csv")

## --- 2. svyciprop methods -----------------------------------------------------------------
apiclus1 <- read.csv(file.path(data_dir, "apiclus1.csv"), na.strings = "")
designs <- list(
  dstrat = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat),
  dclus1 = svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1))
designs$rclus1_jk1 <- as.svrepdesign(designs$dclus1, type = "JK1")
variables <- list("sch.wide==Yes" = quote(I(sch.wide == "Yes")), "api00>850" = quote(I(api00 > 850)))
rows <- list()
for (id in names(designs)) {
  d <- designs[[id]]
  for (name in names(variables)) {
    f <- eval(bquote(~.(variables[[name]])))
    for (method in c("beta", "xlogit", "mean", "asin")) {
      p <- svyciprop(f, d, method = method)
      ci <- attr(p, "ci")
      rows[[length(rows) + 1]] <- data.frame(
        design_id = id, method = method, variable = name, domain = "",
        estimate = num(coef(p)), se = num(SE(p)), ci_low = num(ci[1]), ci_high = num(ci[2]))
      b <- svyby(f, ~stype, d, svyciprop, method = method, vartype = c("se", "ci"))
      rows[[length(rows) + 1]] <- data.frame(
        design_id = id, method = method, variable = name, domain = as.character(b$stype),
        estimate = num(b[[2]]), se = num(b$se), ci_low = num(b$ci_l), ci_high = num(b$ci_u))
    }
  }
}
write(do.call(rbind, rows), "ciprop_values.csv")

## --- 3. svyquantile rules -------------------------------------------------------------------
rules <- c("math", "school", "shahvaish", paste0("hf", 1:9))
probabilities <- c(0.1, 0.25, 0.5, 0.9)
rows <- list()
for (id in names(designs)) {
  d <- designs[[id]]
  parts <- c(list(list(domain = "", design = d)),
             lapply(sort(unique(as.character(d$variables$stype))), function(level)
               list(domain = level, design = d[as.character(d$variables$stype) == level, ])))
  for (rule in rules) {
    for (part in parts) {
      q <- svyquantile(~api00 + enroll, part$design, probabilities, qrule = rule, ci = TRUE)
      for (v in c("api00", "enroll")) {
        m <- q[[v]]
        rows[[length(rows) + 1]] <- data.frame(
          design_id = id, rule = rule, variable = v, probability = probabilities,
          domain = part$domain, estimate = num(m[, 1]), se = num(m[, 4]),
          ci_low = num(m[, 2]), ci_high = num(m[, 3]))
      }
    }
  }
}
write(do.call(rbind, rows), "quantile_values.csv")

## --- 4. PPS without replacement: Brewer's approximation -----------------------------------
strat <- apistrat[, c("cds", "stype", "dnum", "api00", "api99", "enroll")]
strat$part <- "strat"
## overton2Dcheck counts PSUs per stratum with ave(), which needs numeric stratum codes.
strat$stratum <- match(strat$stype, c("E", "H", "M"))
share <- ave(sqrt(strat$api99), strat$stype, FUN = function(e) length(e) * e / sum(e))
strat$pi <- round(0.8 * share / max(share), 6)
## Rows sorted by district: R's onestrat pairs the (1 - pi) factors, taken in order of first
## appearance, with PSU totals from rowsum(), which are in sorted PSU order; the two orders
## must agree for R to give each PSU its own factor.
clus <- apiclus1[order(apiclus1$dnum), c("cds", "stype", "dnum", "api00", "api99", "enroll")]
clus$part <- "clus"
clus$stratum <- 1
size <- ave(clus$enroll, clus$dnum, FUN = length)
clus$pi <- round(0.8 * size / max(size), 6)
write(rbind(strat, clus), "pps.csv")
pps <- read.csv(file.path(script_dir, "pps.csv"), na.strings = "")
designs_pps <- list(
  brewer_strat = svydesign(id = ~1, strata = ~stype, fpc = ~pi, pps = "brewer",
                           data = subset(pps, part == "strat")),
  brewer_clus = svydesign(id = ~dnum, fpc = ~pi, pps = "brewer",
                          data = subset(pps, part == "clus")))
for (v in c("HT", "YG")) {
  designs_pps[[paste0("overton_", v, "_strat")]] <-
    svydesign(id = ~1, strata = ~stratum, fpc = ~pi, pps = "overton", variance = v,
              data = subset(pps, part == "strat"))
  designs_pps[[paste0("overton_", v, "_clus")]] <-
    svydesign(id = ~dnum, fpc = ~pi, pps = "overton", variance = v,
              data = subset(pps, part == "clus"))
}
rows <- list()
for (id in names(designs_pps)) {
  d <- designs_pps[[id]]
  m <- svymean(~api00 + enroll, d)
  t <- svytotal(~api00 + enroll, d)
  rows[[length(rows) + 1]] <- data.frame(
    design_id = id, estimator = rep(c("mean", "total"), each = 2),
    variable = c("api00", "enroll"), domain = "",
    estimate = num(c(coef(m), coef(t))), se = num(c(SE(m), SE(t))),
    variance = num(c(diag(vcov(m)), diag(vcov(t)))))
  ## R's `[.pps` subsets its PSU-level Dcheck matrix with a row-level index, which stops
  ## for a cluster design ("logical subscript too long"): no domains for overton_*_clus.
  if (id %in% c("overton_HT_clus", "overton_YG_clus")) next
  for (stat in c("mean", "total")) {
    b <- svyby(~api00 + enroll, ~stype, d, if (stat == "mean") svymean else svytotal)
    for (v in c("api00", "enroll")) {
      rows[[length(rows) + 1]] <- data.frame(
        design_id = id, estimator = stat, variable = v, domain = as.character(b$stype),
        estimate = num(b[[v]]), se = num(b[[paste0("se.", v)]]),
        variance = num(diag(vcov(b))[paste0(b$stype, ":", v)]))
    }
  }
}
write(do.call(rbind, rows), "pps_values.csv")

## --- 5. designs the `govindex estimate` options build ----------------------------------
dclus1 <- designs$dclus1
pop.totals <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069)
write(data.frame(term = names(pop.totals), total = num(pop.totals)), "calibration_totals.csv")
jk <- as.svrepdesign(dclus1, type = "JK1", compress = FALSE)
rep <- as.data.frame(unclass(as.matrix(weights(jk, "analysis"))))
names(rep) <- paste0("rep", seq_len(ncol(rep)))
## Every weight written with 17 significant digits (write.csv keeps 15), unquoted.
supplied <- cbind(apiclus1[, c("dnum", "stype", "api00")],
                  as.data.frame(lapply(cbind(pw = apiclus1$pw, rep), num)))
write.table(supplied, file.path(script_dir, "repweights.csv"), sep = ",", quote = FALSE,
            row.names = FALSE)
repweights <- read.csv(file.path(script_dir, "repweights.csv"))
pop.partial <- data.frame(stype = c("E", "H", "M", "X"), Freq = c(4421, 755, 1018, 50))
cases <- list(
  linear_bounded = quote(calibrate(dclus1, ~stype + api99, pop.totals, bounds = c(0.6, 1.6))),
  raking_bounded = quote(calibrate(dclus1, ~stype + api99, pop.totals, bounds = c(0.6, 1.6),
                                   calfun = "raking")),
  jk1_mse = quote(as.svrepdesign(dclus1, type = "JK1", mse = TRUE)),
  supplied = quote(svrepdesign(weights = ~pw, repweights = "rep[0-9]+", type = "JK1",
                               scale = 14 / 15, combined.weights = TRUE, data = repweights)),
  supplied_mse = quote(svrepdesign(weights = ~pw, repweights = "rep[0-9]+", type = "JK1",
                                   scale = 14 / 15, combined.weights = TRUE, mse = TRUE,
                                   data = repweights)),
  partial = quote(suppressWarnings(postStratify(dclus1, ~stype, pop.partial, partial = TRUE))))
rows <- list()
for (id in names(cases)) {
  d <- eval(cases[[id]])
  m <- svymean(~api00, d)
  rows[[length(rows) + 1]] <- data.frame(
    case_id = id, estimate = num(coef(m)), se = num(SE(m)), r_code = deparse1(cases[[id]]))
}
write(do.call(rbind, rows), "cli_values.csv")

## --- 6. svyciprop(method = "likelihood") ------------------------------------------------
## The interval MASS's profile gives: a stepped grid of the quasibinomial deviance, an FMM
## spline through it and linear inversion (no root-finding tolerance), on the designs of
## section 2, whole (levels 0.95 and 0.9) and per school type (the domain design as svyby
## forms it: design[stype == level, ]). Where R stops (a share of 0 in a domain: "profiling
## has found a better solution") the row says so with outcome "stops"; on the JK1 replicate
## design R returns NA bounds (outcome "na"), and govindex refuses the method there.
rows <- list()
for (id in names(designs)) {
  d <- designs[[id]]
  parts <- c(list(list(domain = "", design = d)),
             lapply(sort(unique(as.character(d$variables$stype))), function(level)
               list(domain = level, design = d[as.character(d$variables$stype) == level, ])))
  for (name in names(variables)) {
    f <- eval(bquote(~.(variables[[name]])))
    for (part in parts) {
      for (ci_level in if (part$domain == "") c(0.95, 0.9) else 0.95) {
        p <- tryCatch(svyciprop(f, part$design, method = "likelihood", level = ci_level),
                      error = function(e) NULL)
        ci <- if (is.null(p)) c(NA, NA) else attr(p, "ci")
        outcome <- if (is.null(p)) "stops" else if (anyNA(ci)) "na" else "interval"
        rows[[length(rows) + 1]] <- data.frame(
          design_id = id, variable = name, domain = part$domain, level = ci_level,
          outcome = outcome, ci_low = num(ci[1]), ci_high = num(ci[2]))
      }
    }
  }
}
## Missing values (acs.k3 is missing for high schools): glm drops those rows after svyglm
## rescaled the weights over all rows, and svyciprop's df is the whole design's.
p <- svyciprop(~I(acs.k3 > 20), designs$dstrat, method = "likelihood", na.rm = TRUE)
rows[[length(rows) + 1]] <- data.frame(
  design_id = "dstrat", variable = "acs.k3>20", domain = "", level = 0.95,
  outcome = "interval", ci_low = num(attr(p, "ci")[1]), ci_high = num(attr(p, "ci")[2]))
## A calibrated design: its domain designs keep every row with zero weight outside
## (`[.survey.design2`), so the glm has every row; domains by `awards` (in "Yes" every
## school met its target, a share of 1: R stops).
post <- postStratify(designs$dclus1, ~stype,
                     data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018)))
for (level in c("", "No", "Yes")) {
  part <- if (level == "") post else post[post$variables$awards == level, ]
  p <- tryCatch(suppressWarnings(svyciprop(~I(sch.wide == "Yes"), part, method = "likelihood")),
                error = function(e) NULL)
  ci <- if (is.null(p)) c(NA, NA) else attr(p, "ci")
  rows[[length(rows) + 1]] <- data.frame(
    design_id = "dclus1_post", variable = "sch.wide==Yes", domain = level, level = 0.95,
    outcome = if (is.null(p)) "stops" else "interval", ci_low = num(ci[1]), ci_high = num(ci[2]))
}
write(do.call(rbind, rows), "ciprop_likelihood_values.csv")

## --- 7. PPS without replacement: Hartley and Rao's approximation --------------------------
## svydesign(pps = HR()) on the data of section 4 (p-bar: each stratum's mean pi), in the
## Horvitz-Thompson and Yates-Grundy forms; domains on the stratified design only (R's
## `[.pps` stops for the cluster design, as for Overton).
designs_hr <- list()
for (v in c("HT", "YG")) {
  designs_hr[[paste0("hr_", v, "_strat")]] <-
    svydesign(id = ~1, strata = ~stratum, fpc = ~pi, pps = HR(), variance = v,
              data = subset(pps, part == "strat"))
  designs_hr[[paste0("hr_", v, "_clus")]] <-
    svydesign(id = ~dnum, fpc = ~pi, pps = HR(), variance = v,
              data = subset(pps, part == "clus"))
}
rows <- list()
for (id in names(designs_hr)) {
  d <- designs_hr[[id]]
  m <- svymean(~api00 + enroll, d)
  t <- svytotal(~api00 + enroll, d)
  rows[[length(rows) + 1]] <- data.frame(
    design_id = id, estimator = rep(c("mean", "total"), each = 2),
    variable = c("api00", "enroll"), domain = "",
    estimate = num(c(coef(m), coef(t))), se = num(c(SE(m), SE(t))),
    variance = num(c(diag(vcov(m)), diag(vcov(t)))))
  if (grepl("_clus$", id)) next
  for (stat in c("mean", "total")) {
    b <- svyby(~api00 + enroll, ~stype, d, if (stat == "mean") svymean else svytotal)
    for (v in c("api00", "enroll")) {
      rows[[length(rows) + 1]] <- data.frame(
        design_id = id, estimator = stat, variable = v, domain = as.character(b$stype),
        estimate = num(b[[v]]), se = num(b[[paste0("se.", v)]]),
        variance = num(diag(vcov(b))[paste0(b$stype, ":", v)]))
    }
  }
}
write(do.call(rbind, rows), "pps_hr_values.csv")
