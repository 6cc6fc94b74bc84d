"""Where the index specs shipped with govindex live (``specs/`` in the repository)."""

from __future__ import annotations

from pathlib import Path

from govindex.errors import SpecError

__all__ = ["default_spec_path"]


def default_spec_path(year: int, instrument: str = "papi") -> Path:
    """The shipped spec for ``year``: ``specs/INSTRUMENT-YEAR.yaml`` in the working
    directory, in the installed package, or in the source checkout of an editable install.

    Examples
    --------
    >>> default_spec_path(2024).name
    'papi-2024.yaml'
    >>> default_spec_path(2024, "sipas").name
    'sipas-2024.yaml'
    """
    name = f"{instrument}-{year}.yaml"
    package = Path(__file__).resolve().parent.parent
    candidates = (
        Path.cwd() / "specs" / name,
        package / "specs" / name,
        package.parent.parent / "specs" / name,
    )
    for candidate in candidates:
        if candidate.exists():
            return candidate
    msg = f"no shipped spec for {year} (looked for {name} in specs/); pass --spec FILE."
    raise SpecError(msg, where="--spec", found=year, expected=name)
