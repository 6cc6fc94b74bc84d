"""The two engines that run the one-stop SQL: DuckDB (default, in-process) and Spark.

Both receive the same SQL text, written once in DuckDB's dialect by
:mod:`govindex.onestop.facts` and :mod:`govindex.onestop.aggregation`; the Spark engine
transpiles it with sqlglot. Tables are polars frames or Parquet paths (files, folders or
globs; hive partitions ``province_code=…/month=…`` are read as columns).

Examples
--------
>>> import polars as pl
>>> engine = DuckDBEngine({"t": pl.DataFrame({"x": [1, 2]})})
>>> int(engine.query("SELECT SUM(x) AS s FROM t")["s"].item())
3
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import duckdb
import polars as pl
import sqlglot

from govindex.errors import StorageError
from govindex.onestop.records import TABLES

__all__ = ["DuckDBEngine", "Engine", "SparkEngine", "spark_sql"]

TableSource = pl.DataFrame | str | Path


class Engine(Protocol):
    """Runs a DuckDB-dialect query and returns a polars frame."""

    name: str

    def register(self, name: str, frame: pl.DataFrame) -> None:
        """Make ``frame`` available as table ``name``."""
        ...

    def materialise(self, name: str, text: str) -> None:
        """Compute query ``text`` once and keep it as table ``name``."""
        ...

    def define(self, name: str, text: str) -> None:
        """Make query ``text`` available as table ``name``, computed where it is read (an
        engine may compute it once instead, if that is cheaper for it)."""
        ...

    def query(self, text: str) -> pl.DataFrame:
        """Run ``text``."""
        ...


def _with_defaults(tables: Mapping[str, TableSource]) -> dict[str, TableSource]:
    full: dict[str, TableSource] = {name: table.empty() for name, table in TABLES.items()}
    full.update(tables)
    return full


def _parquet_glob(source: str | Path) -> str:
    path = Path(source)
    if path.is_dir():
        return str(path / "**" / "*.parquet")
    return str(source)


class DuckDBEngine:
    """DuckDB in-process; ``threads`` and ``memory_limit`` bound its use of a shared machine."""

    name = "duckdb"

    def __init__(
        self,
        tables: Mapping[str, TableSource],
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
    ) -> None:
        self.connection = duckdb.connect()
        if threads is not None:
            self.connection.execute(f"SET threads = {int(threads)}")
        if memory_limit is not None:
            self.connection.execute("SET memory_limit = ?", [memory_limit])
        # The periods table the facts join by range has a few dozen rows: a nested loop
        # over it is cheaper than sorting every record for a merge join.
        self.connection.execute("SET nested_loop_join_threshold = 128")
        # Every query of a scoring run reads the same record files: their footers are parsed
        # once (the cache checks each file's modification time, so appended or rewritten
        # files are read afresh).
        self.connection.execute("SET parquet_metadata_cache = true")
        #: The Parquet glob of each table read from files (an incremental refresh lists them).
        self.globs: dict[str, str] = {}
        for name, source in _with_defaults(tables).items():
            if isinstance(source, pl.DataFrame):
                self.register(name, source)
            else:
                self.globs[name] = _parquet_glob(source)
                glob = self.globs[name].replace("'", "''")
                self.connection.execute(
                    f'CREATE OR REPLACE VIEW "{name}" AS SELECT * FROM '
                    f"read_parquet('{glob}', hive_partitioning = false, union_by_name = true)"
                )

    def register(self, name: str, frame: pl.DataFrame) -> None:
        """Make ``frame`` available as table ``name`` (replacing any earlier one)."""
        self.connection.register(f"{name}__frame", frame.to_arrow())
        self.connection.execute(f'CREATE OR REPLACE VIEW "{name}" AS SELECT * FROM "{name}__frame"')

    def materialise(self, name: str, text: str) -> None:
        """Compute ``text`` once into temporary table ``name``."""
        try:
            self._drop_temporary(name)
            # Only aggregates read a materialised table, so its rows may be stored in the
            # order the threads finish them (cheaper than keeping the input order); the
            # setting is restored for every other query.
            self.connection.execute("SET preserve_insertion_order = false")
            try:
                self.connection.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {text}')
            finally:
                self.connection.execute("RESET preserve_insertion_order")
        except duckdb.Error as error:
            msg = f"DuckDB could not compute `{name}`: {str(error).splitlines()[0]}"
            raise StorageError(msg, where="duckdb") from error

    def _drop_temporary(self, name: str) -> None:
        """Drop a temporary table or view ``name`` (a name moves between the two kinds)."""
        found = self.connection.execute(
            "SELECT 'TABLE' FROM duckdb_tables() WHERE temporary AND table_name = ? "
            "UNION ALL SELECT 'VIEW' FROM duckdb_views() WHERE temporary AND view_name = ?",
            [name, name],
        ).fetchall()
        for (kind,) in found:
            self.connection.execute(f'DROP {kind} "{name}"')

    def define(self, name: str, text: str) -> None:
        """Keep ``text`` as view ``name``: DuckDB computes it inside each query that reads it,
        fused with that query's aggregation, instead of writing every row to a table first.
        """
        try:
            self._drop_temporary(name)
            self.connection.execute(f'CREATE OR REPLACE TEMP VIEW "{name}" AS {text}')
        except duckdb.Error as error:
            msg = f"DuckDB could not define `{name}`: {str(error).splitlines()[0]}"
            raise StorageError(msg, where="duckdb") from error

    def query(self, text: str) -> pl.DataFrame:
        """Run a query and return its result."""
        try:
            result = pl.from_arrow(self.connection.sql(text).to_arrow_table())
        except duckdb.Error as error:
            msg = f"DuckDB could not run the one-stop query: {str(error).splitlines()[0]}"
            raise StorageError(msg, where="duckdb") from error
        assert isinstance(result, pl.DataFrame)
        return result

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def spark_sql(text: str) -> str:
    """The Spark SQL text of a DuckDB-dialect query (sqlglot transpilation).

    Examples
    --------
    >>> spark_sql("SELECT CAST(NULL AS VARCHAR) AS x")
    'SELECT CAST(NULL AS STRING) AS x'
    """
    return sqlglot.transpile(text, read="duckdb", write="spark")[0]


class SparkEngine:
    """Spark SQL through an existing ``SparkSession`` (local mode or any cluster master)."""

    name = "spark"

    def __init__(self, session: Any, tables: Mapping[str, TableSource]) -> None:
        self.session = session
        self.materialised: dict[str, Any] = {}
        for name, source in _with_defaults(tables).items():
            if isinstance(source, pl.DataFrame):
                self.register(name, source)
            else:
                session.read.option("recursiveFileLookup", "true").parquet(
                    str(source)
                ).createOrReplaceTempView(name)

    def register(self, name: str, frame: pl.DataFrame) -> None:
        """Make ``frame`` available as temporary view ``name``."""
        rows = frame.to_dicts()
        spark_frame = self.session.createDataFrame(rows, schema=_spark_schema(name, frame))
        spark_frame.createOrReplaceTempView(name)

    def materialise(self, name: str, text: str) -> None:
        """Compute the transpiled ``text`` once, cached, as temporary view ``name``."""
        previous = self.materialised.pop(name, None)
        if previous is not None:
            previous.unpersist()
        frame = self.session.sql(spark_sql(text)).cache()
        frame.count()
        frame.createOrReplaceTempView(name)
        self.materialised[name] = frame

    def define(self, name: str, text: str) -> None:
        """Spark computes ``text`` once and caches it (as :meth:`materialise`)."""
        self.materialise(name, text)

    def query(self, text: str) -> pl.DataFrame:
        """Transpile ``text`` to Spark SQL, run it and collect the result."""
        arrow = self.session.sql(spark_sql(text)).toArrow()
        return pl.from_arrow(arrow)  # type: ignore[return-value]


def _spark_schema(name: str, frame: pl.DataFrame) -> Any:
    from pyspark.sql import types

    mapping: dict[type[pl.DataType], Any] = {
        pl.String: types.StringType(),
        pl.Int8: types.ByteType(),
        pl.Int16: types.ShortType(),
        pl.Int32: types.IntegerType(),
        pl.Int64: types.LongType(),
        pl.Float64: types.DoubleType(),
        pl.Boolean: types.BooleanType(),
        pl.Date: types.DateType(),
    }
    fields = []
    for column, dtype in frame.schema.items():
        spark_type = mapping.get(type(dtype))
        if spark_type is None:
            msg = f"table `{name}` column `{column}` has type {dtype}, which the Spark engine does not map"
            raise StorageError(msg, where=f"{name}.{column}")
        fields.append(types.StructField(column, spark_type, True))
    return types.StructType(fields)
