"""Province names: one canonical spelling from old or 2025 names, with or without diacritics."""

from __future__ import annotations

import pytest

from govindex.errors import NotFound
from govindex.official import ProvinceLookup, province_key


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Ha Noi", "Ha Noi"),
        ("Hà Nội", "Ha Noi"),
        ("HÀ NỘI", "Ha Noi"),
        ("Thành phố Hà Nội", "Ha Noi"),
        ("TP. Hồ Chí Minh", "Ho Chi Minh City"),
        ("Ho Chi Minh City", "Ho Chi Minh City"),
        ("Hồ Chí Minh", "Ho Chi Minh City"),
        ("Thừa Thiên Huế", "Thua Thien-Hue"),
        ("Thua Thien Hue", "Thua Thien-Hue"),
        ("Huế", "Thua Thien-Hue"),  # the 2025 name of the unchanged unit
        ("Bà Rịa - Vũng Tàu", "Ba Ria-Vung Tau"),
        ("Đắk Lắk", "Dak Lak"),
        ("Đắk Nông", "Dak Nong"),
        ("Thanh Hoá", "Thanh Hoa"),  # "Thanh" is part of the name, not the title "Thành phố"
        ("Tỉnh Thanh Hóa", "Thanh Hoa"),
        ("Cần Thơ", "Can Tho"),
    ],
)
def test_canonical_name_from_any_spelling(
    provinces: ProvinceLookup, name: str, canonical: str
) -> None:
    assert provinces.canonical_name(name) == canonical


def test_lookup_holds_the_63_former_provinces(provinces: ProvinceLookup) -> None:
    assert len(provinces.canonical) == 63
    assert len({province_key(name) for name in provinces.canonical}) == 63


def test_2025_units_and_their_former_provinces(provinces: ProvinceLookup) -> None:
    assert provinces.unit_2025("Hà Giang") == "Tuyen Quang"
    assert provinces.unit_2025("Bình Dương") == "Ho Chi Minh City"
    assert provinces.former_provinces("TP. Hồ Chí Minh") == (
        "Ba Ria-Vung Tau",
        "Binh Duong",
        "Ho Chi Minh City",
    )
    assert len(set(provinces.units.values())) == 34


def test_unknown_name_raises_not_found_with_suggestion(provinces: ProvinceLookup) -> None:
    with pytest.raises(NotFound, match="not a PAPI province") as caught:
        provinces.canonical_name("Ha Nol")
    assert caught.value.hint is not None
    assert "Ha Noi" in caught.value.hint
    assert provinces.find("Atlantis") is None
    assert "Atlantis" not in provinces
