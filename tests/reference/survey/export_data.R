## export_data.R
##
## Writes the input data sets used by the survey reference oracle to data/*.csv.
## The Python tests and reference_values.R both read ONLY these CSVs, so that
## R and Python are guaranteed to see byte-identical input (no dependence on
## how a given R version stores data(api) internally, e.g. factor codes or the
## 1-d array class of apiclus2$fpc2).
##
## Run:  Rscript export_data.R   (from any directory; paths are resolved
##       relative to this script's own location)

suppressPackageStartupMessages(library(survey))

## Locate the folder holding this script so it works from any working dir.
script_dir <- local({
  args <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", grep("^--file=", args, value = TRUE))
  if (length(f) == 1) dirname(normalizePath(f)) else getwd()
})
data_dir <- file.path(script_dir, "data")
dir.create(data_dir, showWarnings = FALSE, recursive = TRUE)

data(api)     # apipop, apistrat, apiclus1, apiclus2, apisrs
data(nhanes)  # NHANES 2009-10 extract shipped with survey

## Factors are written as their labels by write.csv.
##
## Deliberate deviation from plain write.csv for numbers: write.csv prints 15
## significant digits, but `pw` and `avg.ed` in data(api) are float32-derived
## (apistrat$pw is 44.209999084472656, not 44.21), so 15 digits would silently
## change them and every reference value would drift away from what
## survey's own examples give on data(api).  Each numeric value is therefore
## written with the SHORTEST of 15/16/17 significant digits that reads back
## to the identical double.  Columns that already round-trip at 15 digits
## come out exactly as write.csv would print them.
shortest_repr <- function(x) {
  out <- rep(NA_character_, length(x))
  for (i in which(!is.na(x))) {
    for (d in 15:17) {
      s <- sprintf(paste0("%.", d, "g"), x[i])
      if (as.numeric(s) == x[i]) break
    }
    out[i] <- s
  }
  out
}

write_one <- function(df, name) {
  ## Drop array/dim attributes (apiclus2$fpc2 is a 1-d array with dimnames)
  ## so write.csv emits a plain column with the original name.
  for (v in names(df)) if (!is.null(dim(df[[v]])) && length(dim(df[[v]])) == 1)
    df[[v]] <- as.vector(df[[v]])
  path <- file.path(data_dir, paste0(name, ".csv"))
  out <- df
  text_cols <- which(!vapply(df, is.numeric, logical(1)))  # quoted, as write.csv does
  for (v in names(df)) if (is.numeric(df[[v]])) {
    y <- df[[v]]
    if (any(!is.na(y) & y != suppressWarnings(as.numeric(sprintf("%.15g", y)))))
      out[[v]] <- shortest_repr(y)   # only touch columns that need it
  }
  write.csv(out, path, row.names = FALSE, na = "", quote = text_cols)
  ## Round-trip check: what we read back must equal what R has (numerics
  ## exactly, factors by label).  Fail loudly rather than ship lossy data.
  ## Text columns are compared as raw strings (read.csv would otherwise turn
  ## e.g. the digit-string `cds` into a number and drop its leading zero).
  back <- read.csv(path, na.strings = "")
  raw  <- read.csv(path, na.strings = "", colClasses = "character")
  stopifnot(identical(names(back), names(df)), nrow(back) == nrow(df))
  for (v in names(df)) {
    a <- df[[v]]
    if (is.numeric(a)) {
      b <- back[[v]]
      ok <- isTRUE(all(a == b | (is.na(a) & is.na(b))))
    } else {
      a <- as.character(a); b <- raw[[v]]
      ok <- isTRUE(all(a == b | (is.na(a) & is.na(b))))
    }
    if (!ok) stop(sprintf("%s.csv: column %s does not round-trip", name, v))
  }
  invisible(path)
}

write_one(apistrat, "apistrat")
write_one(apiclus1, "apiclus1")
write_one(apiclus2, "apiclus2")
write_one(nhanes,   "nhanes")

## lone: apistrat keeping only the FIRST high school, so stratum H has a single
## PSU -- exercises every survey.lonely.psu rule.
lone <- subset(apistrat, !(stype == "H" &
                           seq_len(nrow(apistrat)) != which(apistrat$stype == "H")[1]))
stopifnot(sum(lone$stype == "H") == 1)
write_one(lone, "lone")

## lone2: apistrat with stratum M cut to its first two schools and H to its
## first school (used WITH fpc, so the lonely H stratum is not a certainty
## stratum by construction and M is a minimal 2-PSU stratum).
idx   <- seq_len(nrow(apistrat))
keepM <- which(apistrat$stype == "M")[1:2]
keepH <- which(apistrat$stype == "H")[1]
lone2 <- apistrat[apistrat$stype == "E" | idx %in% c(keepM, keepH), ]
stopifnot(sum(lone2$stype == "M") == 2, sum(lone2$stype == "H") == 1)
write_one(lone2, "lone2")

cat("wrote", length(list.files(data_dir, pattern = "\\.csv$")), "CSV files to", data_dir, "\n")
