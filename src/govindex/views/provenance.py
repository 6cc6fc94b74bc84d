"""Where a run's numbers come from, as a catalog label and its values.

A manifest records its source as one English sentence, written when the run was stored.
Pages in Vietnamese word it again from the manifest's parameters (origin, files, sheet),
so this module names the label and fills its values; the web layer only translates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from govindex.manifest import RunManifest
from govindex.storage.published import BUNDLED_ORIGIN, WORKBOOK_ORIGIN

__all__ = ["Provenance", "run_provenance"]


@dataclass(frozen=True)
class Provenance:
    """A catalog label (``runs.source.*``) and the values of its placeholders."""

    label: str
    values: dict[str, Any] = field(default_factory=dict)


def run_provenance(manifest: RunManifest) -> Provenance | None:
    """The provenance label of ``manifest``; ``None`` for a source of a kind not known here.

    Examples
    --------
    >>> manifest = RunManifest.create(kind="microdata", spec_hash="s", data_hash="d",
    ...                               parameters={}, source="/data/survey.csv")
    >>> run_provenance(manifest)
    Provenance(label='runs.source.microdata', values={'file': 'survey.csv'})
    """
    parameters = manifest.parameters
    origin = parameters.get("origin")
    if manifest.kind == "published" and origin == BUNDLED_ORIGIN:
        files = ", ".join(str(name) for name in parameters.get("files", ()))
        return Provenance("runs.source.bundled", {"year": parameters.get("year"), "files": files})
    if manifest.kind == "published" and origin == WORKBOOK_ORIGIN:
        sheet = parameters.get("sheet", parameters.get("year"))
        return Provenance("runs.source.workbook", {"file": parameters.get("file"), "sheet": sheet})
    if manifest.kind == "microdata":
        # A page never shows server folders: the file name only.
        return Provenance("runs.source.microdata", {"file": PurePath(manifest.source).name})
    return None
