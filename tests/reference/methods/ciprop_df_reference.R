## ciprop_df_reference.R — which degrees of freedom R's svyciprop uses when values are missing.
##
##  ciprop_df_values.csv   svyciprop(~I(acs.k3 > 20), na.rm = TRUE) for the methods logit,
##                         likelihood, xlogit, mean, asin and beta, whole and
##                         svyby(~awards), on apistrat (stratified, one school per PSU) and
##                         apiclus1 (clustered by district) and its JK1 replicates
##                         (no likelihood interval there: R gives NA). acs.k3 is missing
##                         for high schools and some others, so rows and whole districts of
##                         a domain have no value.
##                         Columns: the interval, R's df (`degf` of the design svyciprop
##                         was given: the domain design *with* its rows that have no value)
##                         and, for contrast, the df of the rows with a value
##                         (`degf(subset(domain design, !is.na(acs.k3)))`), which R does
##                         not use.
##
## svyciprop's signature is `df = degf(design)`; with `na.rm = TRUE` only svymean / svyglm
## drop the rows without a value, never the design whose df is taken (and `beta` also reads
## `nrow(design)`, the domain's rows with or without a value).
##
## Run:  Rscript ciprop_df_reference.R   (R 4.2.2, survey 4.1-1; deterministic)
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "fail", survey.ultimate.cluster = FALSE,
        survey.adjust.domain.lonely = FALSE, survey.replicates.mse = FALSE)
script_dir <- local({
  args <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", grep("^--file=", args, value = TRUE))
  if (length(f) == 1) dirname(normalizePath(f)) else getwd()
})
data_dir <- file.path(script_dir, "..", "survey", "data")
num <- function(x) sprintf("%.17g", x)

apistrat <- read.csv(file.path(data_dir, "apistrat.csv"), na.strings = "")
apiclus1 <- read.csv(file.path(data_dir, "apiclus1.csv"), na.strings = "")
designs <- list(
  dstrat = svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat),
  dclus1 = svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1))
designs$rclus1_jk1 <- as.svrepdesign(designs$dclus1, type = "JK1")

rows <- list()
for (id in names(designs)) {
  d <- designs[[id]]
  parts <- c(list(list(domain = "", design = d)),
             lapply(sort(unique(as.character(d$variables$awards))), function(level)
               list(domain = level, design = d[as.character(d$variables$awards) == level, ])))
  methods <- c("logit", "likelihood", "xlogit", "mean", "asin", "beta")
  if (inherits(d, "svyrep.design")) methods <- setdiff(methods, "likelihood")
  for (method in methods) {
    for (part in parts) {
      p <- tryCatch(suppressWarnings(svyciprop(~I(acs.k3 > 20), part$design,
                                               method = method, na.rm = TRUE)),
                    error = function(e) conditionMessage(e))
      if (is.character(p)) {  # R stops: say so in the file, with no numbers
        message(id, " ", method, " ", part$domain, ": ", p)
        next
      }
      ci <- attr(p, "ci")
      present <- subset(part$design, !is.na(acs.k3))
      rows[[length(rows) + 1]] <- data.frame(
        design_id = id, method = method, domain = part$domain,
        estimate = num(coef(p)), se = num(SE(p)), ci_low = num(ci[1]), ci_high = num(ci[2]),
        df = degf(part$design), df_present = degf(present))
    }
  }
}
write.csv(do.call(rbind, rows), file.path(script_dir, "ciprop_df_values.csv"), row.names = FALSE)
