"""The index spec language: codebook, indicators, dimension tree and publication rules as data.

``load_spec(path)`` reads a YAML spec into frozen models and reports every problem at once.
"""

from govindex.spec.load import dump_spec, load_spec, spec_from_dict, spec_from_text, spec_to_dict
from govindex.spec.models import (
    Bounds,
    Codebook,
    Comparability,
    Condition,
    Dimension,
    IndexIdentity,
    IndexSpec,
    Indicator,
    Item,
    LevelNames,
    LinearFormula,
    LocalisedText,
    Member,
    PublicationRules,
    RescaledMean,
    SubDimension,
    Total,
    WeightedTotal,
)
from govindex.spec.schema import json_schema

__all__ = [
    "Bounds",
    "Codebook",
    "Comparability",
    "Condition",
    "Dimension",
    "IndexIdentity",
    "IndexSpec",
    "Indicator",
    "Item",
    "LevelNames",
    "LinearFormula",
    "LocalisedText",
    "Member",
    "PublicationRules",
    "RescaledMean",
    "SubDimension",
    "Total",
    "WeightedTotal",
    "dump_spec",
    "json_schema",
    "load_spec",
    "spec_from_dict",
    "spec_from_text",
    "spec_to_dict",
]
