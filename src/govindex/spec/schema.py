"""JSON Schema of the index spec, for editors (YAML language servers) and CI."""

from __future__ import annotations

from typing import Any

from govindex.spec.models import IndexSpec

__all__ = ["json_schema"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every spec file's shape must satisfy.

    The schema checks shape only; cross-references (unknown items, duplicate codes, scale
    consistency) are checked by :func:`govindex.spec.load_spec`.

    Examples
    --------
    >>> schema = json_schema()
    >>> schema["title"], "dimensions" in schema["properties"]
    ('IndexSpec', True)
    """
    schema = IndexSpec.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": SCHEMA_DIALECT, **schema}
