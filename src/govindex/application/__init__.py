"""The application layer: the workflows the CLI offers, as typed library functions.

Each function takes its inputs up front and an optional progress callback, does the work
through the core and the shells (storage, views, web), and returns a frozen result; the
CLI only parses options, calls one of these and prints.

Examples
--------
>>> from govindex.application import DiagnosisRequest
>>> DiagnosisRequest("Ha Noi", 2024).confidence
0.9
"""

from govindex.application.demo import DemoResult, build_demo, ensure_published
from govindex.application.diagnosis import (
    DiagnosisOutcome,
    DiagnosisRequest,
    diagnose,
    diagnosis_document,
    diagnosis_markdown,
    write_diagnosis_workbook,
)
from govindex.application.producers import StoreProducers
from govindex.application.progress import ProgressCallback, report_step
from govindex.application.runs import (
    RerunReport,
    StoredRun,
    compute_run,
    detect_synthetic,
    refuse_file_as_folder,
    rerun,
    staged_folder,
    store_run,
    write_outputs,
)
from govindex.application.scorecard import province_scorecard
from govindex.application.site import export_site, load_dashboard

__all__ = [
    "DemoResult",
    "DiagnosisOutcome",
    "DiagnosisRequest",
    "ProgressCallback",
    "RerunReport",
    "StoreProducers",
    "StoredRun",
    "build_demo",
    "compute_run",
    "detect_synthetic",
    "diagnose",
    "diagnosis_document",
    "diagnosis_markdown",
    "ensure_published",
    "export_site",
    "load_dashboard",
    "province_scorecard",
    "refuse_file_as_folder",
    "report_step",
    "rerun",
    "staged_folder",
    "store_run",
    "write_diagnosis_workbook",
    "write_outputs",
]
