"""The province profile as an A4 PDF: charts, the dimension table, priorities and notes.

The page is HTML from a Jinja2 template, laid out by WeasyPrint; the charts are the
dashboard's own Vega-Lite charts rendered to SVG, so the PDF and the web page agree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from govindex.charts import Wording, chart_svg, dimensions_chart, map_chart, trends_chart
from govindex.errors import StorageError
from govindex.reports.notes import (
    break_notes,
    generated_line,
    group_rule_note,
    interval_note,
    map_attribution,
    run_line,
    source_files,
)
from govindex.reports.priorities import (
    nothing_listed,
    priority_legend,
    priority_rows,
    priority_rule,
)
from govindex.views import View
from govindex.views.scorecard import Scorecard, scorecard_rows

if TYPE_CHECKING:
    from govindex.views import Dashboard

__all__ = ["css_string", "profile_html", "profile_pdf"]


def css_string(text: str) -> Markup:
    r"""``text`` as a quoted CSS string (for page margin boxes).

    Examples
    --------
    >>> str(css_string('Trang "1"'))
    '"Trang \\"1\\""'
    """
    return Markup(json.dumps(str(text), ensure_ascii=False).replace("<", "\\3c "))


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("govindex.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["css_string"] = css_string
    return environment


def profile_html(
    dashboard: Dashboard,
    province: str,
    *,
    year: int | None,
    run_id: str | None = None,
    language: str = "vi",
    scorecard: Scorecard | None = None,
) -> str:
    """The profile report as a self-contained HTML document (what the PDF is printed from).

    With ``scorecard``, the report adds the province's values across PAPI, SIPAS, the PAR
    Index and the one-stop 766 index, each with its source.

    Examples
    --------
    >>> html = profile_html(dashboard, "Hà Nội", year=2024)
    >>> "Hà Nội" in html
    True
    """
    words = Wording(language)
    profile = dashboard.profile(province, year=year, run_id=run_id)
    shown_year = int(profile.parameters["year"])
    overview = dashboard.overview(year=shown_year, run_id=profile.parameters["run_id"])
    context = _context(profile, overview, words)
    context["scorecard"] = (
        None if scorecard is None else _scorecard_section(scorecard, province, shown_year, words)
    )
    template = _environment().get_template("profile.html")
    return template.render(**context)


def profile_pdf(
    dashboard: Dashboard,
    province: str,
    *,
    year: int | None,
    run_id: str | None = None,
    language: str = "vi",
    path: str | Path,
    with_scorecard: bool = True,
) -> Path:
    """Write one province's profile to ``path`` as an A4 PDF and return the path.

    ``with_scorecard`` adds the province's scorecard across the four instruments (read from
    the dashboard's store).

    ``province`` may be spelled with or without diacritics; ``year`` ``None`` means the
    newest published year (or the run's year with ``run_id``).

    Examples
    --------
    >>> profile_pdf(dashboard, "Hà Nội", year=2024, path=tmp_path / "ha-noi-2024.pdf").name
    'ha-noi-2024.pdf'
    """
    from weasyprint import HTML

    scorecard = Scorecard.open(dashboard.snapshot.store_path) if with_scorecard else None
    html = profile_html(
        dashboard, province, year=year, run_id=run_id, language=language, scorecard=scorecard
    )
    target = Path(path)
    try:
        HTML(string=html, base_url=str(target.parent)).write_pdf(target)
    except OSError as error:
        msg = f"cannot write the PDF to {target}: {error.strerror or error}."
        raise StorageError(msg, where="path", found=str(target)) from error
    return target


def _context(profile: View, overview: View, words: Wording) -> dict[str, Any]:
    meta = profile.meta
    run = meta["run"]
    year = int(profile.parameters["year"])
    name = words.province(meta["province"], meta.get("province_vi"))
    synthetic = bool(meta.get("synthetic"))
    rows = _dimension_rows(profile, words)
    total = next((row for row in rows if row["level"] == "total"), None)
    scored = overview.table("summary")["scored"][0] if overview.table("summary").height else 0
    if total is None or total["rank_plain"] == "–":
        summary = words("report.summary.withheld")
    else:
        summary = words(
            "report.summary",
            score=total["score"],
            rank=total["rank_plain"],
            ranked=scored,
            group=total["group"],
        )
    notes = [interval_note(words, run), group_rule_note(words, profile.parameters["group_rule"])]
    notes.append(words("report.note.national_mean"))
    notes.append(words("report.note.withheld"))
    return {
        "language": words.language,
        "t": words,
        "title": words("report.profile.title", province=name, year=year),
        "subtitle": words("report.profile.subtitle"),
        "province": name,
        "synthetic": synthetic,
        "banner": words("synthetic.banner"),
        "synthetic_note": words("report.note.synthetic"),
        "source": run_line(words, run, year),
        "source_files": source_files(run),
        "generated": generated_line(words),
        "summary": summary,
        "dimensions_svg": Markup(chart_svg(dimensions_chart(profile, words))),
        "trends_svg": Markup(chart_svg(trends_chart(profile, words))),
        "map_svg": Markup(
            chart_svg(map_chart(overview, words, asset_base=None, highlight=meta["province"]))
        ),
        "rows": rows,
        "priorities": priority_rows(profile, words),
        "priority_rule": priority_rule(profile, words),
        "nothing_listed": nothing_listed(profile, words),
        "priority_legend": priority_legend(profile, words),
        "notes": notes,
        "breaks": break_notes(words, meta.get("breaks", [])),
        # The licence's credit in the report's language (the English one is SOURCE.md's).
        "attribution": map_attribution() if words.language == "en" else words("map.attribution"),
    }


def _scorecard_section(
    scorecard: Scorecard, province: str, year: int, words: Wording
) -> dict[str, Any] | None:
    """The scorecard of ``province`` up to the report's year (``None`` if it has no values)."""
    from govindex.errors import NotFound

    try:
        view = scorecard.view(province)
    except NotFound:
        return None
    rows = scorecard_rows(view, words, until=year + 1)
    return {"title": words("scorecard.title", province=view.meta["province"]), "rows": rows}


def _dimension_rows(profile: View, words: Wording) -> list[dict[str, Any]]:
    rows = []
    for row in profile.table("dimensions").iter_rows(named=True):
        best = row.get("best_province")
        rows.append(
            {
                "level": row["level"],
                "item": words.item(row, numbered=True),
                "score": words.number(row.get("estimate")),
                "interval": words.interval(row.get("ci_low"), row.get("ci_high")),
                "rank": words.rank(row.get("rank"), row.get("rank_low"), row.get("rank_high")),
                "rank_plain": words.rank(row.get("rank")),
                "group": words.group(row.get("group")),
                "group_number": row.get("group") or 0,
                "national_mean": words.number(row.get("national_mean")),
                "best": (
                    f"{words.province(best)} ({words.number(row.get('best_estimate'))})"
                    if best
                    else "–"
                ),
                "status": _status(row, words),
            }
        )
    return rows


def _status(row: dict[str, Any], words: Wording) -> str:
    if row.get("suppressed"):
        return words("value.suppressed")
    if row.get("withheld"):
        return words("value.withheld")
    return ""
