"""Where the index specs shipped with govindex live, and how a spec named on the command
line is found.

The shipped specs are package data (``govindex/specs/`` in an installed wheel; ``specs/``
of the source checkout for an editable install). They are never looked up in the current
directory: a ``specs/papi-2024.yaml`` lying in whatever folder a command is started from
must not silently replace the shipped one. A bare name (``papi-2024`` or
``papi-2024.yaml``) means the shipped spec; anything with a folder in it
(``./papi-2024.yaml``, ``specs/papi-2024.yaml``, an absolute path) is that file.
"""

from __future__ import annotations

import os
from pathlib import Path

from govindex.errors import SpecError

__all__ = ["bundled_spec_names", "default_spec_path", "resolve_spec"]

_SUFFIXES = (".yaml", ".yml")


def _spec_folders() -> tuple[Path, ...]:
    package = Path(__file__).resolve().parent.parent
    # The wheel's package data first; then the checkout an editable install points into.
    return (package / "specs", package.parent.parent / "specs")


def bundled_spec_names() -> tuple[str, ...]:
    """The names of the specs shipped with govindex (file names without ``.yaml``).

    Examples
    --------
    >>> {"papi-2024", "sipas-2024"} <= set(bundled_spec_names())
    True
    """
    for folder in _spec_folders():
        if folder.is_dir():
            return tuple(sorted(entry.stem for entry in folder.glob("*.yaml")))
    return ()


def _bundled(name: str) -> Path | None:
    for folder in _spec_folders():
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def default_spec_path(year: int, instrument: str = "papi") -> Path:
    """The shipped spec for ``year``: ``INSTRUMENT-YEAR.yaml`` of the package data.

    Examples
    --------
    >>> default_spec_path(2024).name
    'papi-2024.yaml'
    >>> default_spec_path(2024, "sipas").name
    'sipas-2024.yaml'
    """
    name = f"{instrument}-{year}.yaml"
    found = _bundled(name)
    if found is None:
        msg = (
            f"no shipped spec for {year} (looked for {name} in govindex's specs); pass --spec FILE."
        )
        raise SpecError(msg, where="--spec", found=year, expected=name)
    return found


def resolve_spec(given: str | os.PathLike[str]) -> Path:
    """The spec file meant by ``given``: a bare name is a shipped spec, a path is a path.

    ``papi-2024`` and ``papi-2024.yaml`` name the shipped spec, even if the current folder
    has a file of that name; ``./papi-2024.yaml`` is that file. A bare name that is not
    shipped is refused with the shipped names and how to name a local file.

    Examples
    --------
    >>> resolve_spec("papi-2024") == resolve_spec("papi-2024.yaml") == default_spec_path(2024)
    True
    >>> resolve_spec("./my-spec.yaml"), resolve_spec("specs/papi-2024.yaml")
    (PosixPath('my-spec.yaml'), PosixPath('specs/papi-2024.yaml'))
    >>> resolve_spec("my-spec.yaml")
    Traceback (most recent call last):
    ...
    govindex.errors.SpecError: no shipped spec named `my-spec.yaml` ...
    """
    text = os.fspath(given)
    separators = {"/", os.sep, *([os.altsep] if os.altsep else [])}
    if any(mark in text for mark in separators) or text in (".", ".."):
        return Path(text)
    stem = next((text[: -len(suffix)] for suffix in _SUFFIXES if text.endswith(suffix)), text)
    found = _bundled(f"{stem}.yaml")
    if found is not None:
        return found
    shipped = list(bundled_spec_names())
    msg = (
        f"no shipped spec named `{text}` (shipped: {', '.join(shipped)}); "
        f"to use a file of that name in this folder, write ./{text}."
    )
    raise SpecError(msg, where="spec", found=text, expected=shipped)
