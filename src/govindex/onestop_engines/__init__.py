"""Shells of the one-stop core: record readers, the Parquet/DuckDB store, the DuckDB and Spark
engines and the synthetic-record writer. The definitions they run live in
:mod:`govindex.onestop`; nothing here decides what a number means."""
