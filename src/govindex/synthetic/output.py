"""Write a synthetic survey to CSV, Parquet, SPSS or Stata, marked synthetic in every format.

* CSV: a ``synthetic`` column set to true and a sidecar ``FILE.meta.json``.
* Parquet: key-value metadata ``govindex.synthetic=true`` (and ``govindex.metadata``).
* SPSS ``.sav`` / Stata ``.dta``: the file label starts with "SYNTHETIC govindex data".

The same survey always gives the same bytes: SPSS and Stata headers carry a creation
time, which is overwritten with a fixed one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl

from govindex.errors import DataValidationError
from govindex.synthetic.papi import SyntheticSurvey

__all__ = ["FILE_LABEL", "SUFFIXES", "metadata_json", "write_survey"]

FILE_LABEL = "SYNTHETIC govindex data - not real survey answers"
SUFFIXES = (".csv", ".parquet", ".sav", ".dta")
_STATA_NAME_LENGTH = 32


def metadata_json(survey: SyntheticSurvey) -> str:
    """The survey metadata as stable JSON text (sorted keys).

    Examples
    --------
    >>> survey = SyntheticSurvey(pl.DataFrame(), pl.DataFrame(), pl.DataFrame(), {"synthetic": True})
    >>> metadata_json(survey)
    '{"synthetic": true}'
    """
    return json.dumps(survey.metadata, sort_keys=True, ensure_ascii=False)


def write_survey(survey: SyntheticSurvey, path: Path) -> tuple[Path, ...]:
    """Write ``survey.microdata`` to ``path`` in the format its suffix names.

    Returns
    -------
    tuple of Path
        Every file written (the data file, and for CSV its ``.meta.json`` sidecar).
    """
    suffix = path.suffix.lower()
    data = survey.microdata
    if suffix == ".csv":
        sidecar = path.with_name(path.name + ".meta.json")
        data.with_columns(pl.lit(True).alias("synthetic")).write_csv(path)
        sidecar.write_text(metadata_json(survey) + "\n", encoding="utf-8")
        return (path, sidecar)
    if suffix == ".parquet":
        data.write_parquet(
            path,
            metadata={"govindex.synthetic": "true", "govindex.metadata": metadata_json(survey)},
        )
        return (path,)
    if suffix in (".sav", ".dta"):
        _write_statistical(survey, path, suffix)
        return (path,)
    msg = f"cannot write `{path.name}`: the suffix must be one of {', '.join(SUFFIXES)}."
    raise DataValidationError(msg, where=str(path), found=suffix, expected=SUFFIXES)


def _write_statistical(survey: SyntheticSurvey, path: Path, suffix: str) -> None:
    import pyreadstat

    data = survey.microdata.with_columns(pl.col(pl.Boolean).cast(pl.Int8))
    label = f"{FILE_LABEL} (seed {survey.metadata.get('seed')})"
    frame = data.to_pandas()
    if suffix == ".sav":
        note = (
            f"SYNTHETIC: made by {survey.metadata.get('generator')}, "
            f"seed {survey.metadata.get('seed')}, year {survey.metadata.get('year')}."
        )
        pyreadstat.write_sav(frame, str(path), file_label=label[:64], note=note)
        _fix_sav_timestamp(path)
        return
    # Stata names have at most 32 characters: long item ids are shortened, and the full id
    # is kept as the variable label.
    renamed = _stata_names(list(frame.columns))
    labels = {renamed[name]: name for name in frame.columns if renamed[name] != name}
    frame = frame.rename(columns=renamed)
    pyreadstat.write_dta(frame, str(path), file_label=label[:80], column_labels=labels or None)
    _fix_dta_timestamp(path)


def _stata_names(names: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        candidate = name[:_STATA_NAME_LENGTH]
        counter = 1
        while candidate in used:
            tail = f"_{counter}"
            candidate = name[: _STATA_NAME_LENGTH - len(tail)] + tail
            counter += 1
        used.add(candidate)
        result[name] = candidate
    return result


def _fix_sav_timestamp(path: Path) -> None:
    """Overwrite the SPSS header's creation date (9 bytes at 92) and time (8 bytes at 101)."""
    content = bytearray(path.read_bytes())
    content[92:101] = b"01 Jan 24"
    content[101:109] = b"00:00:00"
    path.write_bytes(bytes(content))


def _fix_dta_timestamp(path: Path) -> None:
    """Overwrite the Stata 118+ header timestamp (``<timestamp>`` element)."""
    content = path.read_bytes()
    pattern = re.compile(rb"<timestamp>(.)([^<]*)</timestamp>", re.DOTALL)

    def fixed(match: re.Match[bytes]) -> bytes:
        stamp = b"01 Jan 2024 00:00"
        if len(match.group(2)) != len(stamp):  # keep the header length (its offsets) intact
            return match.group(0)
        return b"<timestamp>" + match.group(1) + stamp + b"</timestamp>"

    path.write_bytes(pattern.sub(fixed, content, count=1))
