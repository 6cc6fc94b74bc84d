## reference_values.R
##
## R reference oracle for the govindex survey engine.
##
## Reads ONLY data/*.csv (written by export_data.R) so that R and Python see
## byte-identical input, builds the designs listed in README.md, and writes
##
##   reference_values.csv      one row per estimate (see README for columns)
##   degrees_of_freedom.csv    degf() of every design and domain used
##   calibrated_weights.csv    final weights of every calibrated design
##   replicates/<id>.csv       full replicate weights, one column per replicate
##   replicates/<id>_meta.csv  type, scale, rscales, rho, mse, n_replicates, degf
##   refusals.txt              every case R refused, with R's error message
##   warnings.txt              every warning R raised, with the case
##   versions.txt              R / survey versions and the survey options used
##
## Run:  Rscript reference_values.R   (from any directory)

suppressPackageStartupMessages(library(survey))

## ---------------------------------------------------------------------------
## Paths: resolved relative to this script, so it runs from any directory.
## ---------------------------------------------------------------------------
script_dir <- local({
  args <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", grep("^--file=", args, value = TRUE))
  if (length(f) == 1) dirname(normalizePath(f)) else getwd()
})
data_dir <- file.path(script_dir, "data")
rep_dir  <- file.path(script_dir, "replicates")
dir.create(rep_dir, showWarnings = FALSE)

## ---------------------------------------------------------------------------
## Pin every survey option that changes variance results to the package
## default, so a user's ~/.Rprofile cannot leak into the oracle.  Designs that
## need a non-default option set it per design (see `opts` below) and it is
## restored afterwards.
## ---------------------------------------------------------------------------
options(survey.lonely.psu = "fail",
        survey.ultimate.cluster = FALSE,
        survey.adjust.domain.lonely = FALSE,
        survey.replicates.mse = FALSE,
        survey.drop.replicates = TRUE,
        survey.multicore = FALSE)
## R >= 3.6 default RNG; the bootstrap designs depend on it.
RNGkind("Mersenne-Twister", "Inversion", "Rejection")

writeLines(c(R.version.string,
             paste("survey", as.character(packageVersion("survey"))),
             paste("RNGkind:", paste(RNGkind(), collapse = ", ")),
             paste("platform:", R.version$platform),
             "survey options at start (per-design overrides are in reference_values.csv r_code):",
             paste0("  ", names(options())[grep("^survey\\.", names(options()))], " = ",
                    sapply(options()[grep("^survey\\.", names(options()))], format))),
           file.path(script_dir, "versions.txt"))

## ---------------------------------------------------------------------------
## Data.  Character columns that are used as factors are converted with
## factor(); factor() sorts levels, which reproduces R's original level order
## for stype (E,H,M), sch.wide (No,Yes) and agecat.  nhanes$race stays numeric
## exactly as in data(nhanes).
## ---------------------------------------------------------------------------
read_data <- function(name, factors) {
  d <- read.csv(file.path(data_dir, paste0(name, ".csv")), na.strings = "")
  for (v in factors) d[[v]] <- factor(d[[v]])
  d
}
api_factors <- c("stype", "sch.wide")

## Everything a design call or an estimate refers to lives in env E, so the
## r_code strings written to the CSV are exactly what was evaluated.
E <- new.env()
E$apistrat <- read_data("apistrat", api_factors)
E$apiclus1 <- read_data("apiclus1", api_factors)
E$apiclus2 <- read_data("apiclus2", api_factors)
E$lone     <- read_data("lone",     api_factors)
E$lone2    <- read_data("lone2",    api_factors)
E$nhanes   <- read_data("nhanes",   "agecat")
stopifnot(identical(levels(E$nhanes$agecat),
                    c("(0,19]", "(19,39]", "(39,59]", "(59,Inf]")))

## Population control totals for calibration (brief / survey's own examples).
E$pop.types   <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
E$pop.schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
E$pop.totals  <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018)

## ---------------------------------------------------------------------------
## Logging helpers
## ---------------------------------------------------------------------------
refusals <- character(0)
warns    <- character(0)
log_refusal <- function(case, msg)
  refusals <<- c(refusals, sprintf("%s\n    %s", case, gsub("\n", "\n    ", trimws(msg))))
log_warning <- function(case, msg)
  warns <<- c(warns, sprintf("%s\n    %s", case, gsub("\n", "\n    ", trimws(msg))))

## Evaluate `code` with survey options `opts` temporarily set (they are read
## at variance-computation time, not at svydesign() time, so they must be in
## force for every estimate on that design).  Warnings are logged, not lost.
with_opts <- function(opts, case, code) {
  if (length(opts)) { old <- options(opts); on.exit(options(old), add = TRUE) }
  withCallingHandlers(code, warning = function(w) {
    log_warning(case, conditionMessage(w)); invokeRestart("muffleWarning")
  })
}
run_code <- function(code_str) eval(parse(text = code_str), envir = E)
opts_prefix <- function(opts) {
  if (!length(opts)) return("")
  paste0("options(", paste(sprintf("%s=%s", names(opts),
                                   sapply(opts, deparse)), collapse = ", "), "); ")
}

## ---------------------------------------------------------------------------
## Design specifications.  kind: "taylor" or "rep"; family: "api" or "nhanes";
## opts: survey options in force while building AND analysing the design.
## ---------------------------------------------------------------------------
spec <- function(id, code, kind = "taylor", family = "api", opts = list(),
                 calibrated = FALSE)
  list(id = id, code = code, kind = kind, family = family, opts = opts,
       calibrated = calibrated)

lonely_rules <- c("remove", "adjust", "average", "certainty", "fail")
rake_call <- function(d, ctrl = "")
  sprintf("rake(%s, list(~stype, ~sch.wide), list(pop.types, pop.schwide)%s)", d, ctrl)
tight <- ", control=list(maxit=100, epsilon=1e-10)"

designs <- c(
  list(
    spec("dstrat", "svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat, fpc=~fpc)"),
    spec("dclus1", "svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)"),
    spec("dclus1_nofpc", "svydesign(id=~dnum, weights=~pw, data=apiclus1)"),
    spec("dclus2", "svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, data=apiclus2)"),
    ## survey.ultimate.cluster is consulted by svyrecvar() at estimation time.
    spec("dclus2_ultimate", "svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, data=apiclus2)",
         opts = list(survey.ultimate.cluster = TRUE)),
    spec("dclus2w", "svydesign(id=~dnum+snum, weights=~pw, data=apiclus2)"),
    spec("dnhanes", "svydesign(id=~SDMVPSU, strata=~SDMVSTRA, weights=~WTMEC2YR, nest=TRUE, data=nhanes)",
         family = "nhanes")
  ),
  ## Lonely-PSU rules.  `fail` is included on purpose: whatever R refuses is
  ## logged to refusals.txt (its message is the reference for the error path).
  lapply(lonely_rules, function(r)
    spec(paste0("lone_", r), "svydesign(id=~1, strata=~stype, weights=~pw, data=lone)",
         opts = list(survey.lonely.psu = r))),
  lapply(lonely_rules, function(r)
    spec(paste0("lone2_", r), "svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=lone2)",
         opts = list(survey.lonely.psu = r))),
  ## Calibration, all on dclus1.
  list(
    spec("dclus1_post", "postStratify(dclus1, ~stype, pop.types)", calibrated = TRUE),
    spec("dclus1_rake_default", rake_call("dclus1"), calibrated = TRUE),
    spec("dclus1_rake_tight", rake_call("dclus1", tight), calibrated = TRUE),
    spec("dclus1_greg1", "calibrate(dclus1, ~stype, pop.totals)", calibrated = TRUE),
    spec("dclus1_greg2", "calibrate(dclus1, ~stype+api99, c(pop.totals, api99=3914069))",
         calibrated = TRUE),
    spec("dclus1_rakingcal",
         "calibrate(dclus1, ~stype+api99, c(pop.totals, api99=3914069), calfun=\"raking\")",
         calibrated = TRUE),
    spec("dclus1_trim", "trimWeights(dclus1_greg2, lower=20, upper=45)", calibrated = TRUE)
  ),
  ## Replicate designs.
  list(
    spec("rclus1_jk1", "as.svrepdesign(dclus1)", kind = "rep"),
    spec("rclus1_jk1_mse", "as.svrepdesign(dclus1, mse=TRUE)", kind = "rep"),
    spec("rclus1_nofpc_jk1", "as.svrepdesign(dclus1_nofpc)", kind = "rep"),
    spec("rstrat_jkn", "as.svrepdesign(dstrat, type=\"JKn\")", kind = "rep"),
    spec("rclus2_jk1", "as.svrepdesign(dclus2)", kind = "rep"),
    spec("rnhanes_jkn", "as.svrepdesign(dnhanes, type=\"JKn\")", kind = "rep", family = "nhanes"),
    spec("rnhanes_brr", "as.svrepdesign(dnhanes, type=\"BRR\")", kind = "rep", family = "nhanes"),
    spec("rnhanes_fay", "as.svrepdesign(dnhanes, type=\"Fay\", fay.rho=0.3)", kind = "rep",
         family = "nhanes"),
    ## The seed is part of the design call: the replicate weights depend on it.
    spec("rclus1_boot",
         "set.seed(20261121); as.svrepdesign(dclus1, type=\"bootstrap\", replicates=50)",
         kind = "rep"),
    spec("rstrat_boot",
         "set.seed(20261121); as.svrepdesign(dstrat, type=\"bootstrap\", replicates=40)",
         kind = "rep"),
    spec("rclus1_jk1_raked", rake_call("rclus1_jk1", tight), kind = "rep", calibrated = TRUE),
    spec("rclus1_jk1_post", "postStratify(rclus1_jk1, ~stype, pop.types)", kind = "rep",
         calibrated = TRUE),
    spec("rclus1_jk1_greg2", "calibrate(rclus1_jk1, ~stype+api99, c(pop.totals, api99=3914069))",
         kind = "rep", calibrated = TRUE)
  ),
  ## JKn of the lone design: jknweights() reads survey.lonely.psu when the
  ## replicates are BUILT, so the option must be set at construction.
  lapply(lonely_rules, function(r)
    spec(paste0("rstrat_jkn_lone_", r), sprintf("as.svrepdesign(lone_%s, type=\"JKn\")", r),
         kind = "rep", opts = list(survey.lonely.psu = r))),
  ## User-supplied replicate weights = the JK1 full replicate weights, so the
  ## "other" code path must reproduce rclus1_jk1 exactly.
  list(
    spec("rclus1_user", paste0(
      "svrepdesign(data=apiclus1, repweights=as.data.frame(weights(rclus1_jk1, \"analysis\")), ",
      "weights=~pw, type=\"other\", scale=rclus1_jk1$scale, rscales=rclus1_jk1$rscales, ",
      "combined.weights=TRUE)"), kind = "rep"),
    spec("rclus1_user_mse", paste0(
      "svrepdesign(data=apiclus1, repweights=as.data.frame(weights(rclus1_jk1, \"analysis\")), ",
      "weights=~pw, type=\"other\", scale=rclus1_jk1$scale, rscales=rclus1_jk1$rscales, ",
      "combined.weights=TRUE, mse=TRUE)"), kind = "rep")
  )
)

## Build the designs in order (later ones refer to earlier ones by id).
built <- list()
for (s in designs) {
  case <- sprintf("[design] %s = %s%s", s$id, opts_prefix(s$opts), s$code)
  obj <- tryCatch(with_opts(s$opts, case, run_code(s$code)),
                  error = function(e) { log_refusal(case, conditionMessage(e)); NULL })
  if (is.null(obj)) next
  assign(s$id, obj, envir = E)
  built[[s$id]] <- s
}

## ---------------------------------------------------------------------------
## Estimate cases
## ---------------------------------------------------------------------------
## type: "stat"    svymean/svytotal/svyratio object; CI = confint(obj, df=degf(D))
##       "ciprop"  svyciprop object; its own logit CI (df = degf(D), R's default)
##       "quant"   svyquantile object; its own Woodruff CI (df = degf(D), R's default)
##       "by_*"    the svyby versions; per-domain df = degf(D[byvar == level, ])
## design_expr: the design the estimator actually sees (D above); differs from
## the design id only for the nhanes svyciprop, which needs NAs removed.
case <- function(type, estimator, variable, code, design_expr, byvar = "",
                 has_deff = FALSE, probs = NULL, qvar = NULL)
  list(type = type, estimator = estimator, variable = variable, code = code,
       design_expr = design_expr, byvar = byvar, has_deff = has_deff,
       probs = probs, qvar = qvar)

probs <- c(0.25, 0.5, 0.75)
qargs <- "c(0.25, 0.5, 0.75), ci=TRUE, qrule=\"math\", interval.type=\"mean\""

cases_for <- function(s) {
  D <- s$id
  taylor <- s$kind == "taylor"
  ## deff=TRUE only for Taylor mean/total (the brief's scope for `deff`).
  df_arg <- if (taylor) ", deff=TRUE" else ""
  if (s$family == "api") {
    cs <- list(
      case("stat", "mean", "api00", sprintf("svymean(~api00, %s%s)", D, df_arg), D,
           has_deff = taylor),
      case("stat", "total", "enroll", sprintf("svytotal(~enroll, %s, na.rm=TRUE%s)", D, df_arg), D,
           has_deff = taylor),
      case("stat", "ratio", "api.stu/enroll",
           sprintf("svyratio(~api.stu, ~enroll, %s, na.rm=TRUE)", D), D),
      case("ciprop", "ciprop_logit", "sch.wide==Yes",
           sprintf("svyciprop(~I(sch.wide==\"Yes\"), %s, method=\"logit\")", D), D),
      case("quant", "quantile", "api00",
           sprintf("svyquantile(~api00, %s, %s)", D, qargs), D, probs = probs),
      case("by_stat", "mean", "api00",
           sprintf("svyby(~api00, ~stype, %s, svymean%s)", D, df_arg), D, "stype",
           has_deff = taylor),
      case("by_stat", "total", "enroll",
           sprintf("svyby(~enroll, ~stype, %s, svytotal, na.rm=TRUE%s)", D, df_arg), D, "stype",
           has_deff = taylor),
      case("by_stat", "ratio", "api.stu/enroll",
           sprintf("svyby(~api.stu, ~stype, %s, svyratio, denominator=~enroll, na.rm=TRUE)", D),
           D, "stype"),
      case("by_ciprop", "ciprop_logit", "sch.wide==Yes",
           sprintf("svyby(~I(sch.wide==\"Yes\"), ~stype, %s, svyciprop, method=\"logit\", vartype=c(\"se\",\"ci\"))", D),
           D, "stype")
    )
    if (D == "dclus1") cs <- c(cs, list(
      case("mean_factor", "mean_factor", "stype",
           sprintf("svymean(~stype, %s, deff=TRUE)", D), D, has_deff = TRUE),
      case("by_quant", "quantile", "api00",
           sprintf("svyby(~api00, ~stype, %s, svyquantile, quantiles=%s, vartype=c(\"se\",\"ci\"))",
                   D, qargs), D, "stype", probs = probs, qvar = "api00")))
    cs
  } else {
    ## nhanes: HI_CHOL has NAs.  svyciprop has no na.rm, so it runs on the
    ## subset of non-missing HI_CHOL (that subset is its design, and its degf).
    Dnm <- sprintf("subset(%s, !is.na(HI_CHOL))", D)
    cs <- list(
      case("stat", "mean", "HI_CHOL", sprintf("svymean(~HI_CHOL, %s, na.rm=TRUE%s)", D, df_arg), D,
           has_deff = taylor),
      case("stat", "total", "HI_CHOL", sprintf("svytotal(~HI_CHOL, %s, na.rm=TRUE%s)", D, df_arg), D,
           has_deff = taylor),
      case("ciprop", "ciprop_logit", "HI_CHOL==1",
           sprintf("svyciprop(~I(HI_CHOL==1), %s, method=\"logit\")", Dnm), Dnm)
    )
    for (bv in c("race", "agecat")) cs <- c(cs, list(
      case("by_stat", "mean", "HI_CHOL",
           sprintf("svyby(~HI_CHOL, ~%s, %s, svymean, na.rm=TRUE%s)", bv, D, df_arg), D, bv,
           has_deff = taylor),
      case("by_stat", "total", "HI_CHOL",
           sprintf("svyby(~HI_CHOL, ~%s, %s, svytotal, na.rm=TRUE%s)", bv, D, df_arg), D, bv,
           has_deff = taylor),
      case("by_ciprop", "ciprop_logit", "HI_CHOL==1",
           sprintf("svyby(~I(HI_CHOL==1), ~%s, %s, svyciprop, method=\"logit\", vartype=c(\"se\",\"ci\"))",
                   bv, Dnm), Dnm, bv)))
    cs
  }
}

## ---------------------------------------------------------------------------
## Row collection
## ---------------------------------------------------------------------------
rows <- list()
df_rows <- list()
add_row <- function(design_id, estimator, variable, domain, byvar, estimate, se, df,
                    ci, deff, r_code) {
  case_id <- paste(c(design_id, estimator, variable,
                     if (nzchar(domain)) paste0(byvar, "=", domain)), collapse = ":")
  rows[[length(rows) + 1]] <<- list(
    case_id = case_id, design_id = design_id, estimator = estimator, variable = variable,
    domain = domain, estimate = estimate, se = se, df = df, ci_low = ci[1], ci_high = ci[2],
    level = 0.95, deff = deff, r_code = r_code)
}
## degrees_of_freedom.csv: domain_variable names the subsetting; for the nhanes
## non-missing subset it is "[!is.na(HI_CHOL)]" (whole) or "race [!is.na(HI_CHOL)]".
record_df <- function(design_id, domain_variable, domain, degf_value) {
  key <- paste(design_id, domain_variable, domain, sep = "\r")
  df_rows[[key]] <<- list(design_id = design_id, domain_variable = domain_variable,
                          domain = domain, degf = degf_value)
}
dv_label <- function(design_expr, byvar) {
  nm <- if (grepl("^subset\\(", design_expr)) "[!is.na(HI_CHOL)]" else ""
  trimws(paste(byvar, nm))
}

## degf of the domain exactly as svyby forms it: design[byfactor %in% level, ].
domain_design <- function(Dobj, byvar, lev) {
  f <- as.character(Dobj$variables[[byvar]])
  Dobj[!is.na(f) & f == lev, ]
}

run_case <- function(s, cs) {
  id <- s$id
  r_code <- paste0(opts_prefix(s$opts), cs$code)
  label <- sprintf("[estimate] %s: %s", id, r_code)
  tryCatch(with_opts(s$opts, label, {
    obj  <- run_code(cs$code)
    Dobj <- run_code(cs$design_expr)
    df_whole <- degf(Dobj)
    record_df(id, dv_label(cs$design_expr, ""), "", df_whole)
    switch(cs$type,
      stat = {
        est <- as.vector(coef(obj)); se <- as.vector(SE(obj))
        ci  <- confint(obj, df = df_whole)
        de  <- if (cs$has_deff) as.vector(deff(obj)) else NA
        add_row(id, cs$estimator, cs$variable, "", "", est, se, df_whole,
                as.vector(ci[1, ]), de, r_code)
      },
      mean_factor = {
        est <- coef(obj); se <- as.vector(SE(obj))
        ci  <- confint(obj, df = df_whole); de <- as.vector(deff(obj))
        levs <- sub(paste0("^", cs$variable), "", names(est))
        for (i in seq_along(est))
          add_row(id, cs$estimator, paste0(cs$variable, "=", levs[i]), "", "",
                  est[[i]], se[i], df_whole, as.vector(ci[i, ]), de[i], r_code)
      },
      ciprop = {
        add_row(id, cs$estimator, cs$variable, "", "", as.vector(coef(obj)),
                as.vector(SE(obj)), df_whole, as.vector(confint(obj)), NA, r_code)
      },
      quant = {
        est <- coef(obj); se <- SE(obj); ci <- confint(obj)
        for (i in seq_along(cs$probs))
          add_row(id, paste0(cs$estimator, "_", cs$probs[i]), cs$variable, "", "",
                  est[[i]], se[[i]], df_whole, as.vector(ci[i, ]), NA, r_code)
      },
      by_stat = , by_ciprop = , by_quant = {
        levs <- as.character(obj[[cs$byvar]])
        for (i in seq_along(levs)) {
          dfl <- degf(domain_design(Dobj, cs$byvar, levs[i]))
          record_df(id, dv_label(cs$design_expr, cs$byvar), levs[i], dfl)
          if (cs$type == "by_stat") {
            ## svyby's own "ci" uses df=Inf; the per-domain rule needs df=degf(domain).
            ci <- confint(obj, df = dfl)[i, ]
            de <- if (cs$has_deff) as.vector(deff(obj))[i] else NA
            add_row(id, cs$estimator, cs$variable, levs[i], cs$byvar,
                    as.vector(coef(obj))[i], as.vector(SE(obj))[i], dfl, as.vector(ci),
                    de, r_code)
          } else if (cs$type == "by_ciprop") {
            ## svyciprop already used df=degf(domain design) inside svyby.
            add_row(id, cs$estimator, cs$variable, levs[i], cs$byvar,
                    as.vector(coef(obj))[i], as.vector(SE(obj))[i], dfl,
                    c(obj$ci_l[i], obj$ci_u[i]), NA, r_code)
          } else {
            ## confint() on a quantile svyby gives est +- z*se, NOT the Woodruff
            ## interval, so read svyby's own ci_l/ci_u columns instead.
            for (p in cs$probs) {
              nm <- paste0(cs$qvar, ".", p)
              add_row(id, paste0(cs$estimator, "_", p), cs$variable, levs[i], cs$byvar,
                      obj[[nm]][i], obj[[paste0("se.", nm)]][i], dfl,
                      c(obj[[paste0("ci_l.", nm)]][i], obj[[paste0("ci_u.", nm)]][i]),
                      NA, r_code)
            }
          }
        }
      })
    invisible(NULL)
  }), error = function(e) log_refusal(label, conditionMessage(e)))
}

for (s in built) for (cs in cases_for(s)) run_case(s, cs)

## Also record whole-design and domain degf for designs whose estimates all
## failed (e.g. lone_fail), so degrees_of_freedom.csv covers every design.
for (s in built) {
  Dobj <- get(s$id, envir = E)
  byvars <- if (s$family == "api") "stype" else c("race", "agecat")
  with_opts(s$opts, paste("[degf]", s$id), {
    record_df(s$id, "", "", degf(Dobj))
    for (bv in byvars) for (lev in sort(unique(as.character(Dobj$variables[[bv]]))))
      record_df(s$id, bv, lev, degf(domain_design(Dobj, bv, lev)))
  })
}

## ---------------------------------------------------------------------------
## Writers.  Numbers: sprintf("%.17g") (exact round-trip); NA -> empty;
## NaN/Inf are kept as "NaN"/"Inf"/"-Inf" so they stay distinguishable.
## ---------------------------------------------------------------------------
fmt <- function(x) {
  x <- as.numeric(x)
  ifelse(is.na(x) & !is.nan(x), "", sprintf("%.17g", x))
}
## Replicate/calibrated weight matrices are large: write each value with the
## shortest of 15/16/17 significant digits that reads back to the identical
## double (still exact, but roughly halves rnhanes_jkn.csv).
fmt_short <- function(x) {
  x <- as.numeric(x)
  out <- sprintf("%.15g", x)
  for (d in 16:17) {
    bad <- !is.na(x) & as.numeric(out) != x
    out[bad] <- sprintf(paste0("%.", d, "g"), x[bad])
  }
  out[is.na(x) & !is.nan(x)] <- ""
  out
}
write_table <- function(df, path, text_cols) {
  write.csv(df, path, row.names = FALSE, na = "",
            quote = which(names(df) %in% text_cols))
}

num_cols <- c("estimate", "se", "df", "ci_low", "ci_high", "level", "deff")
out <- as.data.frame(do.call(rbind, lapply(rows, function(r) {
  lapply(r, function(v) if (is.numeric(v)) fmt(v) else as.character(v))
})), stringsAsFactors = FALSE)
out[] <- lapply(out, unlist)
stopifnot(!anyDuplicated(out$case_id))
write_table(out, file.path(script_dir, "reference_values.csv"),
            c("case_id", "design_id", "estimator", "variable", "domain", "r_code"))

dfo <- do.call(rbind, lapply(df_rows, as.data.frame, stringsAsFactors = FALSE))
dfo$degf <- fmt(dfo$degf)
rownames(dfo) <- NULL
write_table(dfo, file.path(script_dir, "degrees_of_freedom.csv"),
            c("design_id", "domain_variable", "domain"))

## Final weights of every calibrated design (replicate ones: the full-sample
## weights; their replicate weights are in replicates/).
cw <- do.call(rbind, lapply(Filter(function(s) s$calibrated, built), function(s) {
  d <- get(s$id, envir = E)
  w <- if (s$kind == "rep") weights(d, "sampling") else weights(d)
  data.frame(design_id = s$id, row = seq_along(w), weight = fmt_short(w), stringsAsFactors = FALSE)
}))
write_table(cw, file.path(script_dir, "calibrated_weights.csv"), "design_id")

## Replicate weights: weights(design, "analysis") is the full (combined) n x R
## matrix in data row order, whatever the internal compression.
for (s in Filter(function(s) s$kind == "rep", built)) {
  d <- get(s$id, envir = E)
  W <- weights(d, "analysis")
  Wc <- as.data.frame(apply(W, 2, fmt_short), stringsAsFactors = FALSE)
  names(Wc) <- paste0("rep", seq_len(ncol(W)))
  write.csv(Wc, file.path(rep_dir, paste0(s$id, ".csv")), row.names = FALSE, quote = FALSE)
  meta <- data.frame(type = d$type, scale = fmt(d$scale),
                     rscales = paste(fmt(d$rscales), collapse = ";"),
                     rho = if (is.null(d$rho)) "" else fmt(d$rho),
                     mse = as.character(isTRUE(d$mse)), n_replicates = ncol(W),
                     degf = fmt(degf(d)), stringsAsFactors = FALSE)
  write.csv(meta, file.path(rep_dir, paste0(s$id, "_meta.csv")), row.names = FALSE,
            quote = FALSE)
}

writeLines(c("# Cases R refused (design construction or estimate), with R's message.",
             "# Format: [kind] case / indented message.", "", refusals),
           file.path(script_dir, "refusals.txt"))
## Identical (case, message) pairs are collapsed with a count: svyby raises
## the same warning once per domain.
wtab <- table(factor(warns, levels = unique(warns)))
writeLines(c("# Warnings R raised while building designs or computing estimates",
             "# (collapsed; [xN] = raised N times for that case).",
             "# 'NaNs produced' on lonely-PSU svyby cases comes from confint(df=0) for the",
             "# single-PSU domain H (qt(0.975, 0) is NaN), not from the estimator itself.", "",
             sprintf("%s%s", names(wtab), ifelse(wtab > 1, sprintf("  [x%d]", wtab), ""))),
           file.path(script_dir, "warnings.txt"))

cat(sprintf("reference_values.csv: %d rows; degrees_of_freedom.csv: %d rows; designs built: %d/%d; refusals: %d; distinct warnings: %d\n",
            nrow(out), nrow(dfo), length(built), length(designs), length(refusals), length(wtab)))
