## subbootstrap_reference.R — R references for the Rao–Wu bootstrap (R's
## as.svrepdesign(type = "subbootstrap")): in every stratum n_h - 1 PSUs are drawn with
## replacement and each drawn PSU's weight is multiplied by count * n_h / (n_h - 1);
## scale 1 / (R - 1).
##
##  subbootstrap_<id>.csv   weights(design, "analysis") (rows in data order, rep1..repR)
##  subbootstrap_meta.csv   design_id, scale, n_replicates
##  subbootstrap_values.csv svymean(~api00), svytotal(~enroll) whole and by stype
##
## The draws use R's RNG (set.seed(20261121)), which Python cannot reproduce; the tests
## recover each replicate's PSU counts from these weights and check that govindex builds
## the same weights and standard errors from them.
##
## Run:  Rscript subbootstrap_reference.R   (R 4.2.2, survey 4.1-1; deterministic)
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "fail", survey.replicates.mse = FALSE)
script_dir <- local({
  args <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", grep("^--file=", args, value = TRUE))
  if (length(f) == 1) dirname(normalizePath(f)) else getwd()
})
data_dir <- file.path(script_dir, "..", "survey", "data")
apistrat <- read.csv(file.path(data_dir, "apistrat.csv"), na.strings = "")
apiclus1 <- read.csv(file.path(data_dir, "apiclus1.csv"), na.strings = "")
designs <- list(
  rstrat_subboot = list(design = svydesign(id = ~1, strata = ~stype, weights = ~pw,
                                           data = apistrat, fpc = ~fpc), replicates = 40),
  rclus1_subboot = list(design = svydesign(id = ~dnum, weights = ~pw, data = apiclus1,
                                           fpc = ~fpc), replicates = 50)
)
number <- function(x) sprintf("%.17g", x)
meta <- list()
values <- list()
for (id in names(designs)) {
  set.seed(20261121)
  replicated <- as.svrepdesign(designs[[id]]$design, type = "subbootstrap",
                               replicates = designs[[id]]$replicates)
  weights <- weights(replicated, "analysis")
  colnames(weights) <- paste0("rep", seq_len(ncol(weights)))
  write.csv(apply(weights, 2, number), file.path(script_dir, paste0("subbootstrap_", id, ".csv")),
            row.names = FALSE, quote = FALSE)
  meta[[id]] <- data.frame(design_id = id, scale = number(replicated$scale),
                           n_replicates = ncol(weights))
  add <- function(estimator, variable, domain, object) {
    values[[length(values) + 1]] <<- data.frame(
      design_id = id, estimator = estimator, variable = variable, domain = domain,
      estimate = number(coef(object)), se = number(SE(object)))
  }
  add("mean", "api00", "", svymean(~api00, replicated))
  add("total", "enroll", "", svytotal(~enroll, replicated, na.rm = TRUE))
  by_type <- svyby(~api00, ~stype, replicated, svymean)
  errors <- as.numeric(SE(by_type))
  for (i in seq_len(nrow(by_type))) {
    values[[length(values) + 1]] <- data.frame(
      design_id = id, estimator = "mean", variable = "api00", domain = rownames(by_type)[i],
      estimate = number(by_type[i, "api00"]), se = number(errors[i]))
  }
}
write.csv(do.call(rbind, meta), file.path(script_dir, "subbootstrap_meta.csv"),
          row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, values), file.path(script_dir, "subbootstrap_values.csv"),
          row.names = FALSE, quote = FALSE)
