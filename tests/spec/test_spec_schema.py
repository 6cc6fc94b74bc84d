from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from govindex.spec import json_schema

jsonschema = pytest.importorskip("jsonschema")


def test_schema_is_json_and_names_the_top_level_keys() -> None:
    schema = json_schema()
    assert json.loads(json.dumps(schema)) == schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"codebook", "indicators", "dimensions", "publication"} <= set(schema["properties"])
    jsonschema.Draft202012Validator.check_schema(schema)


def test_shipped_spec_validates_against_the_schema(shipped_spec_path: Path) -> None:
    data = yaml.safe_load(shipped_spec_path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(json_schema()).validate(data)


def test_schema_rejects_a_wrongly_shaped_spec(minimal_spec: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    validator.validate(minimal_spec)
    minimal_spec["indicators"][0]["scoring"] = {"kind": "share", "values": "one"}
    minimal_spec["dimensions"][0]["sub_dimensions"][0]["indicators"][0]["weight"] = -1
    assert len(list(validator.iter_errors(minimal_spec))) >= 2
