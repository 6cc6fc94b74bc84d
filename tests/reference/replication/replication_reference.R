## replication_reference.R — R references for govindex.survey.replication that the shared
## oracle (../survey/reference_values.R) cannot give.
##
##  hadamard.csv     survey::hadamard(n) for n = 1..72, 100, 127, 130: the matrices that
##                   brrweights() takes BRR/Fay signs from (0/1 rows joined by ";").
##  brr_factors.csv  BRR and Fay replicate factors per PSU (R's compressed repweights, rows in
##                   R's PSU order), for designs with 2 PSUs per stratum. The shared oracle's
##                   rnhanes_brr/rnhanes_fay were refused (stratum 86 has 3 PSUs), so these
##                   use nhanes without stratum 86:
##                    nobrr  = BRR on strata `stratum_number` = SDMVSTRA - 74 (labels 1..15
##                             without 12, so R's as.character sort "1","10",.. matters)
##                    nofay  = Fay (rho 0.3) on strata SDMVSTRA
##  brr_meta.csv     scale, n_replicates, degf of those designs.
##  brr_values.csv   svymean/svytotal(~HI_CHOL, na.rm=TRUE) whole and by race/agecat, and
##                   svyciprop(~I(HI_CHOL==1)) SE (on the !is.na(HI_CHOL) subset), with degf.
##  proportions.csv  exact proportions svymean(~I(sch.wide=="Yes")) / svymean(~HI_CHOL) on the
##                   full-sample weights, whole and by domain: svyciprop's own estimate comes
##                   from IRLS (glm epsilon 1e-8) and is only accurate to ~1e-9, so the
##                   replicate tests compare govindex's proportion with these instead.
##
## Run:  Rscript replication_reference.R   (R 4.2.2, survey 4.1-1; deterministic)
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "fail", survey.replicates.mse = FALSE,
        survey.drop.replicates = TRUE)
script_dir <- local({
  args <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", grep("^--file=", args, value = TRUE))
  if (length(f) == 1) dirname(normalizePath(f)) else getwd()
})
data_dir <- file.path(script_dir, "..", "survey", "data")
write <- function(x, name) write.csv(x, file.path(script_dir, name), row.names = FALSE)
num <- function(x) sprintf("%.17g", x)

## --- Hadamard matrices -----------------------------------------------------------
sizes <- c(1:72, 100, 127, 130)
write(data.frame(n = sizes, matrix = vapply(sizes, function(n)
  paste(apply(hadamard(n), 1, paste, collapse = ""), collapse = ";"), character(1))),
  "hadamard.csv")

## --- BRR and Fay on nhanes without the 3-PSU stratum ------------------------------
nhanes <- read.csv(file.path(data_dir, "nhanes.csv"), na.strings = "")
nhanes$agecat <- factor(nhanes$agecat)
nh <- subset(nhanes, SDMVSTRA != 86)
nh$stratum_number <- nh$SDMVSTRA - 74
designs <- list(
  nobrr = as.svrepdesign(svydesign(id = ~SDMVPSU, strata = ~stratum_number, weights = ~WTMEC2YR,
                                   nest = TRUE, data = nh), type = "BRR"),
  nofay = as.svrepdesign(svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR,
                                   nest = TRUE, data = nh), type = "Fay", fay.rho = 0.3))
strata_of <- c(nobrr = "stratum_number", nofay = "SDMVSTRA")
factors <- list(); meta <- list(); values <- list()
for (id in names(designs)) {
  d <- designs[[id]]
  rw <- d$repweights
  first <- !duplicated(rw$index)
  rows <- which(first)[order(rw$index[first])]          # one data row per R PSU, in R order
  f <- as.data.frame(rw$weights); names(f) <- paste0("rep", seq_len(ncol(f)))
  factors[[id]] <- cbind(design_id = id, stratum = nh[[strata_of[[id]]]][rows],
                         psu = nh$SDMVPSU[rows], f)
  meta[[id]] <- data.frame(design_id = id, type = d$type, scale = num(d$scale),
                           rho = num(d$rho), n_replicates = ncol(rw$weights), degf = degf(d))
  dnm <- subset(d, !is.na(HI_CHOL))
  add <- function(estimator, byvar, domain, est, se, df)
    values[[length(values) + 1]] <<- data.frame(design_id = id, estimator = estimator,
      byvar = byvar, domain = domain, estimate = num(est), se = num(se), df = df)
  m <- svymean(~HI_CHOL, d, na.rm = TRUE); t <- svytotal(~HI_CHOL, d, na.rm = TRUE)
  p <- svyciprop(~I(HI_CHOL == 1), dnm, method = "logit")
  add("mean", "", "", coef(m), SE(m), degf(d))
  add("total", "", "", coef(t), SE(t), degf(d))
  add("ciprop_logit", "", "", coef(m), SE(p), degf(dnm))
  for (bv in c("race", "agecat")) {
    bm <- svyby(~HI_CHOL, as.formula(paste0("~", bv)), d, svymean, na.rm = TRUE)
    bt <- svyby(~HI_CHOL, as.formula(paste0("~", bv)), d, svytotal, na.rm = TRUE)
    bp <- svyby(~I(HI_CHOL == 1), as.formula(paste0("~", bv)), dnm, svyciprop,
                method = "logit", vartype = "se")
    for (i in seq_len(nrow(bm))) {
      lev <- as.character(bm[[bv]][i])
      dfl <- degf(d[!is.na(d$variables[[bv]]) & as.character(d$variables[[bv]]) == lev, ])
      dfp <- degf(dnm[as.character(dnm$variables[[bv]]) == lev, ])
      add("mean", bv, lev, coef(bm)[i], SE(bm)[i], dfl)
      add("total", bv, lev, coef(bt)[i], SE(bt)[i], dfl)
      add("ciprop_logit", bv, lev, coef(bm)[i], SE(bp)[i], dfp)
    }
  }
}
write(do.call(rbind, factors), "brr_factors.csv")
write(do.call(rbind, meta), "brr_meta.csv")
write(do.call(rbind, values), "brr_values.csv")

## --- Exact proportions on the shared oracle's designs ------------------------------
read_api <- function(name) {
  d <- read.csv(file.path(data_dir, paste0(name, ".csv")), na.strings = "")
  d$stype <- factor(d$stype); d$yes <- as.numeric(d$sch.wide == "Yes"); d
}
api <- list(
  dclus1 = svydesign(id = ~dnum, weights = ~pw, data = read_api("apiclus1"), fpc = ~fpc),
  dstrat = svydesign(id = ~1, strata = ~stype, weights = ~pw, data = read_api("apistrat"),
                     fpc = ~fpc),
  dclus2 = svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = read_api("apiclus2")),
  lone = svydesign(id = ~1, strata = ~stype, weights = ~pw, data = read_api("lone")))
props <- list()
addp <- function(id, variable, byvar, domain, est)
  props[[length(props) + 1]] <<- data.frame(weights_of = id, variable = variable,
                                            byvar = byvar, domain = domain, estimate = num(est))
options(survey.lonely.psu = "certainty")  # lone: only the point estimate is used
for (id in names(api)) {
  d <- api[[id]]
  addp(id, "sch.wide==Yes", "", "", coef(svymean(~yes, d)))
  b <- svyby(~yes, ~stype, d, svymean)
  for (i in seq_len(nrow(b))) addp(id, "sch.wide==Yes", "stype", as.character(b$stype[i]), coef(b)[i])
}
dn <- svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE, data = nhanes)
addp("dnhanes", "HI_CHOL==1", "", "", coef(svymean(~HI_CHOL, dn, na.rm = TRUE)))
for (bv in c("race", "agecat")) {
  b <- svyby(~HI_CHOL, as.formula(paste0("~", bv)), dn, svymean, na.rm = TRUE)
  for (i in seq_len(nrow(b))) addp("dnhanes", "HI_CHOL==1", bv, as.character(b[[bv]][i]), coef(b)[i])
}
write(do.call(rbind, props), "proportions.csv")
