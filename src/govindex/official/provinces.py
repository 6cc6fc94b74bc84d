"""One canonical spelling per PAPI province, found from any old or new (2025) name.

Names are matched on a key that ignores Vietnamese diacritics, case, punctuation, spacing
and the words "Thành phố"/"TP."/"Tỉnh"/"City", so "Hà Nội", "Ha Noi" and "HA NOI" agree, as
do "TP. Hồ Chí Minh" and "Ho Chi Minh City". The names come from the data files, never from
this module.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import polars as pl

from govindex.errors import DataValidationError, NotFound

__all__ = ["ProvinceLookup", "ascii_fold", "load_province_lookup", "province_key"]

_LEADING_WORDS = (("thanh", "pho"), ("tp",), ("tinh",))
_TRAILING_WORDS = ("city", "province")


def ascii_fold(text: str) -> str:
    """Return ``text`` in lower case without Vietnamese diacritics (spaces kept).

    Examples
    --------
    >>> ascii_fold("Chỉ số nội dung 1: Tham gia")
    'chi so noi dung 1: tham gia'
    """
    # "đ" has no Unicode decomposition, so it is mapped before the accents are stripped.
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def province_key(name: str) -> str:
    """Return the matching key of a province name: ASCII, lower case, no spaces or titles.

    Examples
    --------
    >>> province_key("TP. Hồ Chí Minh") == province_key("Ho Chi Minh City")
    True
    >>> province_key("Thừa Thiên Huế")
    'thuathienhue'
    >>> province_key("Thanh Hoá")
    'thanhhoa'
    """
    words = re.findall(r"[a-z0-9]+", ascii_fold(name))
    for leading in _LEADING_WORDS:
        # "Thanh Hoa" starts with "thanh" too, so only the whole title is dropped.
        if len(words) > len(leading) and tuple(words[: len(leading)]) == leading:
            words = words[len(leading) :]
            break
    if len(words) > 1 and words[-1] in _TRAILING_WORDS:
        words = words[:-1]
    return "".join(words)


@dataclass(frozen=True, eq=False)
class ProvinceLookup:
    """Canonical province names, with the 2025 provincial unit of each.

    Build it with :func:`load_province_lookup`. ``canonical`` holds the 63 former provinces
    in the spelling of ``published_scores.csv``; ``units`` maps each to its unit from
    1 July 2025.

    Examples
    --------
    >>> lookup = ProvinceLookup.from_names(
    ...     ["Ha Noi", "Thua Thien-Hue"], units={"Ha Noi": "Ha Noi", "Thua Thien-Hue": "Hue"}
    ... )
    >>> lookup.canonical_name("Hà Nội"), lookup.canonical_name("Thành phố Huế")
    ('Ha Noi', 'Thua Thien-Hue')
    """

    canonical: tuple[str, ...]
    units: Mapping[str, str]
    keys: Mapping[str, str]

    @classmethod
    def from_names(cls, names: Iterable[str], *, units: Mapping[str, str]) -> ProvinceLookup:
        """Build a lookup from canonical names and their 2025 units (both from data)."""
        canonical = tuple(sorted(set(names)))
        keys: dict[str, str] = {}
        for name in canonical:
            key = province_key(name)
            if key in keys and keys[key] != name:
                msg = f"province names `{keys[key]}` and `{name}` share the matching key `{key}`."
                raise DataValidationError(msg, found=name)
            keys[key] = name
        former_by_unit: dict[str, list[str]] = {}
        for former, unit in units.items():
            former_by_unit.setdefault(unit, []).append(former)
        for unit, formers in former_by_unit.items():
            # A new name that is not also an old one ("Hue") stands for its single former
            # province; a merged unit with a new name would be ambiguous and is not added.
            key = province_key(unit)
            if key not in keys and len(formers) == 1:
                keys[key] = formers[0]
        return cls(
            canonical=canonical,
            units=MappingProxyType(dict(units)),
            keys=MappingProxyType(keys),
        )

    def find(self, name: str) -> str | None:
        """Return the canonical spelling of ``name``, or ``None`` if it names no province.

        Examples
        --------
        >>> lookup = ProvinceLookup.from_names(["Dak Lak"], units={"Dak Lak": "Dak Lak"})
        >>> lookup.find("Đắk Lắk"), lookup.find("Atlantis")
        ('Dak Lak', None)
        """
        return self.keys.get(province_key(name))

    def canonical_name(self, name: str) -> str:
        """Return the canonical spelling of ``name``; raise :class:`NotFound` if unknown.

        Examples
        --------
        >>> lookup = ProvinceLookup.from_names(["Ha Noi"], units={"Ha Noi": "Ha Noi"})
        >>> lookup.canonical_name("HA NOI")
        'Ha Noi'
        """
        found = self.find(name)
        if found is not None:
            return found
        close = difflib.get_close_matches(province_key(name), list(self.keys), n=3)
        suggestions = sorted({self.keys[key] for key in close})
        hint = f"did you mean {', '.join(repr(item) for item in suggestions)}?" if close else None
        msg = f"`{name}` is not a PAPI province (old or 2025 name)."
        # Every valid name, so a page or a script can offer the list, not only a guess.
        valid = sorted(set(self.keys.values()))
        raise NotFound(msg, where="province", found=name, expected=valid, hint=hint)

    def unit_2025(self, name: str) -> str:
        """Return the provincial unit (from 1 July 2025) that the province ``name`` joined.

        Examples
        --------
        >>> lookup = ProvinceLookup.from_names(["Ha Giang"], units={"Ha Giang": "Tuyen Quang"})
        >>> lookup.unit_2025("Hà Giang")
        'Tuyen Quang'
        """
        return self.units[self.canonical_name(name)]

    def former_provinces(self, unit: str) -> tuple[str, ...]:
        """Return the former provinces that make up the 2025 unit ``unit`` (sorted)."""
        key = province_key(unit)
        formers = tuple(sorted(old for old, new in self.units.items() if province_key(new) == key))
        if not formers:
            msg = f"`{unit}` is not a provincial unit of July 2025."
            raise NotFound(msg, found=unit)
        return formers

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.find(name) is not None


def load_province_lookup(shared_data_dir: str | Path) -> ProvinceLookup:
    """Build the lookup from ``province_mapping_2025.csv`` and ``published_scores.csv``.

    ``shared_data_dir`` is the folder holding the PAPI CSVs (``shared/data/papi``).

    Examples
    --------
    >>> from pathlib import Path
    >>> from govindex.official import bundled_data_dir
    >>> lookup = load_province_lookup(bundled_data_dir())
    >>> lookup.canonical_name("TP. Hồ Chí Minh")
    'Ho Chi Minh City'
    """
    folder = Path(shared_data_dir)
    mapping_file = folder / "province_mapping_2025.csv"
    scores_file = folder / "published_scores.csv"
    for file in (mapping_file, scores_file):
        if not file.exists():
            msg = f"{file}: no such file; the province lookup is built from it."
            raise DataValidationError(msg, where=str(file), found="missing file")
    mapping = pl.read_csv(mapping_file, columns=["old_province", "new_province"])
    published = set(pl.read_csv(scores_file, columns=["province"])["province"].unique())
    mapped = set(mapping["old_province"])
    if published != mapped:
        msg = (
            f"{scores_file.name} and {mapping_file.name} disagree on the province names "
            f"(only in scores: {sorted(published - mapped)}; only in mapping: {sorted(mapped - published)})."
        )
        raise DataValidationError(msg, where=str(folder))
    units = dict(zip(mapping["old_province"], mapping["new_province"], strict=True))
    return ProvinceLookup.from_names(mapped, units=units)
