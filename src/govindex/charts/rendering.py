"""Rendering a chart specification to SVG, offline, with a font that has every Vietnamese glyph."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert

from govindex.errors import SpecError

__all__ = ["FONT_DIRECTORIES", "chart_svg"]

FONT_DIRECTORIES = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
)
"""Where DejaVu Sans is looked for (Debian/Ubuntu, Fedora/Arch, local installs)."""


@cache
def _register_fonts() -> None:
    # vl-convert lays out text with its own font database; registering the DejaVu folder
    # makes the measured widths match the glyphs that the PDF and browsers draw.
    for folder in FONT_DIRECTORIES:
        if folder.is_dir():
            vl_convert.register_font_directory(str(folder))


@cache
def _vega_lite_version() -> str | None:
    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return wanted if wanted in vl_convert.get_vegalite_versions() else None


def chart_svg(spec: dict[str, Any]) -> str:
    """Render a Vega-Lite specification to an SVG document, with no network access.

    Data must be inline: a specification that loads a URL (such as the web map, made with
    an ``asset_base``) is refused.

    Examples
    --------
    >>> spec = {"data": {"values": [{"a": 1}]}, "mark": "point",
    ...         "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    >>> chart_svg(spec).startswith("<svg")
    True
    """
    _register_fonts()
    try:
        svg: str = vl_convert.vegalite_to_svg(
            spec, vl_version=_vega_lite_version(), allowed_base_urls=[]
        )
    except ValueError as error:
        msg = f"the chart could not be rendered offline: {' '.join(str(error).split())[:300]}"
        raise SpecError(
            msg, where="chart", hint="render charts made with asset_base=None (inline data)"
        ) from error
    return svg
