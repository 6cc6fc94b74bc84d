"""The manifest of a run: what went in (spec, data, parameters, seed, versions) and its id.

Every stored result belongs to a run. The run id is derived from the content (spec hash,
data hash, parameters, seed), so the same inputs always give the same id and a rerun can
be recognised.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, get_args

import polars as pl

from govindex.errors import SpecError

__all__ = [
    "RUN_ID_LENGTH",
    "RunKind",
    "RunManifest",
    "hash_bytes",
    "hash_file",
    "hash_files",
    "hash_frame",
    "make_run_id",
    "package_versions",
]

RunKind = Literal["published", "microdata", "assessment", "records"]
"""``published``: an official record; ``microdata``: a survey run; ``assessment``: a PAR Index
run scored from appraised self-assessments; ``records``: a one-stop 766 run from dossier records."""
RUN_KINDS: tuple[str, ...] = get_args(RunKind)

RUN_ID_LENGTH = 16
"""Hex digits of the sha256 prefix used as run id (64 bits: no collisions in practice)."""

_VERSIONED_DISTRIBUTIONS = ("govindex", "numpy", "scipy", "polars", "pyarrow", "duckdb")


def hash_bytes(data: bytes) -> str:
    """Return the sha256 hex digest of ``data``.

    Examples
    --------
    >>> hash_bytes(b"papi")[:12]
    '14eb256fea46'
    """
    return hashlib.sha256(data).hexdigest()


# Large enough that hashing runs at disk speed, small enough that memory does not depend
# on the size of the file.
_HASH_CHUNK_BYTES = 1 << 20


def hash_file(path: str | Path, *, chunk_bytes: int = _HASH_CHUNK_BYTES) -> str:
    """Return the sha256 hex digest of a file's bytes, read in chunks of ``chunk_bytes``.

    The same digest as ``hash_bytes(path.read_bytes())``, so run ids do not change, but
    the file is never held in memory whole.

    Examples
    --------
    >>> from govindex.official import bundled_data_dir
    >>> path = bundled_data_dir() / "published_scores.csv"
    >>> hash_file(path, chunk_bytes=7) == hash_bytes(path.read_bytes())
    True
    """
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        while chunk := stream.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()


def hash_files(paths: Iterable[str | Path]) -> str:
    """Return one sha256 digest over the names and bytes of ``paths``, in the order given.

    Examples
    --------
    >>> from govindex.official import bundled_data_dir
    >>> len(hash_files([bundled_data_dir() / "published_scores.csv"]))
    64
    """
    digest = hashlib.sha256()
    for path in paths:
        file = Path(path)
        digest.update(file.name.encode("utf-8") + b"\0")
        with file.open("rb") as stream:
            while chunk := stream.read(_HASH_CHUNK_BYTES):
                digest.update(chunk)
    return digest.hexdigest()


def hash_frame(frame: pl.DataFrame) -> str:
    """Return the sha256 digest of a frame's column names, types and values (row order counts).

    Examples
    --------
    >>> import polars as pl
    >>> hash_frame(pl.DataFrame({"a": [1, 2]})) == hash_frame(pl.DataFrame({"a": [1, 2]}))
    True
    """
    header = json.dumps([[name, str(dtype)] for name, dtype in frame.schema.items()])
    return hash_bytes(header.encode("utf-8") + b"\0" + frame.write_csv().encode("utf-8"))


def package_versions(distributions: Iterable[str] = _VERSIONED_DISTRIBUTIONS) -> dict[str, str]:
    """Return the installed version of each distribution (``"not installed"`` if absent).

    Examples
    --------
    >>> "polars" in package_versions()
    True
    """
    versions: dict[str, str] = {}
    for name in distributions:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _canonical_json(value: Any) -> str:
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:
        msg = f"run parameters must be plain JSON values (text, numbers, lists, dicts); {error}."
        raise SpecError(msg, found=type(value).__name__, expected="JSON values") from error


# Recorded in the manifest, left out of the id: where the inputs lay, and the acceptance
# thresholds of the input checks (they decide whether a run is refused, never its numbers).
_NOT_IN_RUN_ID = ("inputs", "validation")


def make_run_id(
    *,
    kind: RunKind,
    spec_hash: str,
    data_hash: str,
    parameters: Mapping[str, Any],
    seed: int | None = None,
    supersedes: str | None = None,
) -> str:
    """Return the content-derived id of a run: a sha256 prefix of everything that makes it.

    Package versions, the creation time, the ``inputs`` parameter (where the spec and
    data files lay, recorded for ``govindex rerun``) and the ``validation`` parameter (the
    thresholds the input checks used, which refuse a run but never change its numbers) are
    left out: the hashes already name the inputs, so reproducing a run, from any folder,
    gives back the same id.

    Examples
    --------
    >>> len(make_run_id(kind="microdata", spec_hash="s", data_hash="d", parameters={}))
    16
    >>> here = make_run_id(kind="microdata", spec_hash="s", data_hash="d",
    ...                    parameters={"inputs": {"data": "/a/survey.parquet"}})
    >>> here == make_run_id(kind="microdata", spec_hash="s", data_hash="d",
    ...                     parameters={"inputs": {"data": "/b/survey.parquet"}})
    True
    """
    content = _canonical_json(
        {
            "kind": kind,
            "spec_hash": spec_hash,
            "data_hash": data_hash,
            "parameters": {
                key: value for key, value in parameters.items() if key not in _NOT_IN_RUN_ID
            },
            "seed": seed,
            "supersedes": supersedes,
        }
    )
    return hash_bytes(content.encode("utf-8"))[:RUN_ID_LENGTH]


@dataclass(frozen=True)
class RunManifest:
    """Everything needed to know where a run's numbers came from and to reproduce them.

    Build one with :meth:`create`, which derives ``run_id`` and records the package
    versions and the creation time. ``supersedes`` names the run this one corrects (runs
    are never edited); ``synthetic`` is true for runs computed from made-up data and is
    shown wherever runs are listed.

    Examples
    --------
    >>> manifest = RunManifest.create(
    ...     kind="published", spec_hash="abc", data_hash="def",
    ...     parameters={"year": 2024}, source="official PAPI record, 2024")
    >>> manifest.kind, manifest.synthetic, len(manifest.run_id)
    ('published', False, 16)
    >>> RunManifest.from_dict(manifest.to_dict()) == manifest
    True
    """

    run_id: str
    kind: RunKind
    spec_hash: str
    data_hash: str
    parameters: Mapping[str, Any]
    package_versions: Mapping[str, str]
    seed: int | None
    created_at: str
    source: str
    supersedes: str | None = None
    synthetic: bool = False

    def __post_init__(self) -> None:
        if self.kind not in RUN_KINDS:
            msg = f"run `kind` must be one of {', '.join(RUN_KINDS)}; got {self.kind!r}."
            raise SpecError(msg, found=self.kind, expected=RUN_KINDS)
        _canonical_json(dict(self.parameters))
        # Read-only views, so a manifest cannot be changed through its mappings.
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        object.__setattr__(self, "package_versions", MappingProxyType(dict(self.package_versions)))

    @classmethod
    def create(
        cls,
        *,
        kind: RunKind,
        spec_hash: str,
        data_hash: str,
        parameters: Mapping[str, Any],
        source: str,
        seed: int | None = None,
        supersedes: str | None = None,
        synthetic: bool = False,
        created_at: datetime | None = None,
    ) -> RunManifest:
        """Return a manifest with its content-derived id, current versions and UTC time."""
        moment = (created_at or datetime.now(UTC)).astimezone(UTC)
        return cls(
            run_id=make_run_id(
                kind=kind,
                spec_hash=spec_hash,
                data_hash=data_hash,
                parameters=parameters,
                seed=seed,
                supersedes=supersedes,
            ),
            kind=kind,
            spec_hash=spec_hash,
            data_hash=data_hash,
            parameters=parameters,
            package_versions=package_versions(),
            seed=seed,
            created_at=moment.isoformat(timespec="seconds"),
            source=source,
            supersedes=supersedes,
            synthetic=synthetic,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the manifest as plain JSON-ready values."""
        return {
            "run_id": self.run_id,
            "kind": self.kind,
            "spec_hash": self.spec_hash,
            "data_hash": self.data_hash,
            "parameters": json.loads(_canonical_json(dict(self.parameters))),
            "package_versions": dict(self.package_versions),
            "seed": self.seed,
            "created_at": self.created_at,
            "source": self.source,
            "supersedes": self.supersedes,
            "synthetic": self.synthetic,
        }

    def to_json(self) -> str:
        """Return the manifest as indented JSON text."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> RunManifest:
        """Rebuild a manifest from :meth:`to_dict` output (the stored form)."""
        return cls(
            run_id=str(values["run_id"]),
            kind=values["kind"],
            spec_hash=str(values["spec_hash"]),
            data_hash=str(values["data_hash"]),
            parameters=dict(values.get("parameters") or {}),
            package_versions=dict(values.get("package_versions") or {}),
            seed=values.get("seed"),
            created_at=str(values["created_at"]),
            source=str(values.get("source") or ""),
            supersedes=values.get("supersedes"),
            synthetic=bool(values.get("synthetic", False)),
        )
