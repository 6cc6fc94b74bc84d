"""One number formatter (babel's CLDR data) writes every number of every page, chart and report."""

from __future__ import annotations

import pytest

from govindex.charts.wording import Wording
from govindex.i18n.numbers import format_number, number_marks
from govindex.web.formatting import Formatter

# (value, digits, Vietnamese, English), written by hand from PAPI's Vietnamese reports'
# convention (decimal comma, dot grouping) and the English one.
EXPECTED = [
    (43.4337, 2, "43,43", "43.43"),
    (0.5, 2, "0,50", "0.50"),
    (1234.567, 2, "1.234,57", "1,234.57"),
    (1234567.891, 1, "1.234.567,9", "1,234,567.9"),
    (1234567.891, 0, "1.234.568", "1,234,568"),
    (999.995, 2, "1.000,00", "1,000.00"),  # stored as 999.99500…045: rounds up, grouped
    (2.675, 2, "2,67", "2.67"),  # stored as 2.67499…
    (0.125, 2, "0,12", "0.12"),  # an exact tie: to even
    (-1234.5, 1, "-1.234,5", "-1,234.5"),
    (-0.001, 2, "-0,00", "-0.00"),
    (7, 0, "7", "7"),
    (12, 3, "12,000", "12.000"),
]


@pytest.mark.parametrize(("value", "digits", "vietnamese", "english"), EXPECTED)
def test_numbers_in_both_languages(
    value: float, digits: int, vietnamese: str, english: str
) -> None:
    assert format_number(value, "vi", digits) == vietnamese
    assert format_number(value, "en", digits) == english


@pytest.mark.parametrize(("value", "digits", "vietnamese", "english"), EXPECTED)
def test_pages_and_charts_write_numbers_the_same_way(
    value: float, digits: int, vietnamese: str, english: str
) -> None:
    assert (
        Formatter("vi").number(value, digits) == Wording("vi").number(value, digits) == vietnamese
    )
    assert Formatter("en").number(value, digits) == Wording("en").number(value, digits) == english


def test_a_missing_or_non_finite_number_is_the_pages_dash() -> None:
    for value in (None, float("nan"), float("inf"), float("-inf")):
        assert Formatter("vi").number(value) == "—"
        assert Wording("en").number(value) == "–"
    assert Formatter("en").signed(-0.41) == "−0.41"
    assert Formatter("vi").signed(0.41) == "+0,41"
    assert Formatter("vi").interval(41.916, 44.347) == "41,92–44,35"


def test_chart_locale_uses_the_same_marks() -> None:
    assert number_marks("vi") == (",", ".")
    assert number_marks("en") == (".", ",")


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language must be one of"):
        format_number(1.0, "fr")


def test_a_number_written_before_does_not_stand_for_an_equal_one_of_another_sign() -> None:
    # Numbers are written once and remembered; -0.0 equals 0.0 but is written with its sign,
    # and 7 (an int) is written as the float 7.0 is.
    assert format_number(0.0, "en") == "0.00"
    assert format_number(-0.0, "en") == "-0.00"
    assert format_number(0.0, "en") == "0.00"
    assert format_number(7, "vi", 1) == format_number(7.0, "vi", 1) == "7,0"
    assert format_number(7.0, "en", 1) == "7.0"
