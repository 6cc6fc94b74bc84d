"""The official PAPI record: the published workbook and CSVs, with provenance and checks."""

from govindex.official.arithmetic import ArithmeticReport, verify_arithmetic
from govindex.official.bundled import bundled_data_dir
from govindex.official.combined import combine_record, indicator_directions, source_disagreements
from govindex.official.duplicates import RefusedSheet
from govindex.official.names import province_names, vietnamese_name
from govindex.official.populations import CENSUS_2019_TOTAL, former_province_populations
from govindex.official.provinces import ProvinceLookup, load_province_lookup, province_key
from govindex.official.record import load_published_record
from govindex.official.schema import RECORD_SCHEMA
from govindex.official.workbook import OfficialWorkbook, SkippedRow, read_official_workbook

__all__ = [
    "CENSUS_2019_TOTAL",
    "RECORD_SCHEMA",
    "ArithmeticReport",
    "OfficialWorkbook",
    "ProvinceLookup",
    "RefusedSheet",
    "SkippedRow",
    "bundled_data_dir",
    "combine_record",
    "former_province_populations",
    "indicator_directions",
    "load_province_lookup",
    "load_published_record",
    "province_key",
    "province_names",
    "read_official_workbook",
    "source_disagreements",
    "verify_arithmetic",
    "vietnamese_name",
]
