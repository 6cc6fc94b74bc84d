"""Hoàng Sa and Trường Sa: the archipelago asset every map of Viet Nam draws and labels."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.assets.asset_paths import MAPS, REPOSITORY
from tests.assets.test_maps import polygons, signed_area

from govindex.official import ProvinceLookup

# Where each archipelago lies (degrees: west, east, south, north), with a margin.
BOXES = {
    "Hoang Sa": (110.5, 114.0, 15.0, 17.5),
    "Truong Sa": (111.0, 118.0, 6.0, 12.0),
}
PROVINCES = {"Hoang Sa": ("Hoàng Sa", "Da Nang"), "Truong Sa": ("Trường Sa", "Khanh Hoa")}


def features() -> list[dict[str, Any]]:
    collection = json.loads((MAPS / "archipelagos.geojson").read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    found: list[dict[str, Any]] = collection["features"]
    return found


def test_both_archipelagos_belong_to_their_provinces_and_units(lookup: ProvinceLookup) -> None:
    found = {feature["properties"]["archipelago"]: feature for feature in features()}
    assert set(found) == set(PROVINCES)
    for name, (name_vi, province) in PROVINCES.items():
        properties = found[name]["properties"]
        assert properties["archipelago_vi"] == name_vi
        assert properties["province"] == province
        assert properties["unit_2025"] == lookup.units[province]


@pytest.mark.parametrize("name", sorted(BOXES))
def test_islands_lie_where_the_archipelago_is_and_are_wound_for_d3(name: str) -> None:
    feature = next(f for f in features() if f["properties"]["archipelago"] == name)
    west, east, south, north = BOXES[name]
    islands = polygons(feature)
    assert len(islands) >= 5  # many islands, not one token shape
    for polygon in islands:
        for index, ring in enumerate(polygon):
            assert len(ring) >= 4
            assert ring[0] == ring[-1]
            assert all(west <= x <= east and south <= y <= north for x, y in ring)
            assert (signed_area(ring) < 0) == (index == 0)
    label_x, label_y = feature["properties"]["label_at"]
    assert west <= label_x <= east
    assert south <= label_y <= north


def test_source_and_notices_name_natural_earth_and_the_package() -> None:
    source = (MAPS / "SOURCE.md").read_text(encoding="utf-8")
    assert "Natural Earth" in source
    assert "world-atlas" in source
    assert "public domain" in source
    assert "Hoàng Sa and Trường Sa archipelagos: Natural Earth (public domain)" in source
    assert "Permission to use" in (MAPS / "LICENSE-world-atlas.txt").read_text(encoding="utf-8")
    notices = (REPOSITORY / "THIRD_PARTY_NOTICES.md").read_text(encoding="utf-8")
    assert "archipelagos.geojson" in notices
    assert "Natural Earth" in notices
