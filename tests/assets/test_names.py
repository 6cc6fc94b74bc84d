"""Vietnamese names of the 63 former provinces and the 34 units of July 2025."""

from __future__ import annotations

import unicodedata

import polars as pl

from govindex.official import ProvinceLookup, province_names, vietnamese_name

# Names whose official Vietnamese spelling has no diacritics at all.
PLAIN_ASCII_NAMES = {"An Giang", "Gia Lai", "Kon Tum", "Long An"}


def test_every_province_and_unit_has_one_vietnamese_name(lookup: ProvinceLookup) -> None:
    names = province_names()
    former = set(lookup.canonical)
    units = set(lookup.units.values())
    assert names["name"].n_unique() == names.height
    assert set(names["name"]) == former | units
    for row in names.iter_rows(named=True):
        expected = {(True, True): "both", (True, False): "former", (False, True): "unit"}
        assert row["kind"] == expected[(row["name"] in former, row["name"] in units)]


def test_vietnamese_names_carry_diacritics(lookup: ProvinceLookup) -> None:
    for row in province_names().iter_rows(named=True):
        name_vi = row["name_vi"]
        assert unicodedata.normalize("NFC", name_vi) == name_vi
        assert name_vi.isascii() == (row["name"] in PLAIN_ASCII_NAMES), row
        # Folding the diacritics away must lead back to the same province.
        assert lookup.find(name_vi) == lookup.find(row["name"]), row


def test_vietnamese_name_examples() -> None:
    assert vietnamese_name("Ha Noi") == "Hà Nội"
    assert vietnamese_name("Thua Thien-Hue") == "Thừa Thiên Huế"
    assert vietnamese_name("Hue") == "Huế"
    assert vietnamese_name("Ba Ria-Vung Tau") == "Bà Rịa - Vũng Tàu"
    assert vietnamese_name("Dak Lak") == "Đắk Lắk"
    assert vietnamese_name("Ho Chi Minh City") == "TP. Hồ Chí Minh"
    assert vietnamese_name("HA NOI") == "Hà Nội"
    assert vietnamese_name("Atlantis") == "Atlantis"


def test_province_names_returns_a_fresh_copy() -> None:
    first = province_names()
    first.drop_in_place("name_vi")
    assert province_names().columns == ["name", "name_vi", "kind"]
    assert province_names().schema == pl.Schema(
        {"name": pl.String, "name_vi": pl.String, "kind": pl.String}
    )
