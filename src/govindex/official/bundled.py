"""Where the official PAPI CSVs bundled with the package live, so no ``shared/`` folder is needed."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["BUNDLED_FILES", "bundled_data_dir"]

BUNDLED_FILES = (
    "published_scores.csv",
    "published_subdimensions.csv",
    "published_uncertainty.csv",
    "indicator_catalogue.csv",
    "province_mapping_2025.csv",
)
"""The CSVs copied from ``shared/data/papi`` into ``govindex/official/data``."""


def bundled_data_dir() -> Path:
    """Return the folder of the official PAPI CSVs shipped inside the package.

    The folder holds the files in :data:`BUNDLED_FILES` and can be passed wherever a
    ``shared_data_dir`` is expected.

    Examples
    --------
    >>> from govindex.official import load_published_record
    >>> (bundled_data_dir() / "published_scores.csv").exists()
    True
    >>> load_published_record(bundled_data_dir()).filter(year=2024).height > 0
    True
    """
    # The package is installed as plain files (wheel or editable), so the traversable
    # resource is a real folder; as_file would only matter for zipped installs.
    folder = resources.files("govindex.official").joinpath("data")
    return Path(str(folder))
