"""A province's one-stop 766 period as an A4 PDF and as an XLSX workbook.

Both are made from the same views as the dashboard's unit and ranking pages
(:mod:`govindex.views.period_pages`), so the report, the page and its JSON twin agree.
Every number is written with its numerator and denominator; a number without a
denominator is written "no denominator", never 0; SYNTHETIC runs say so on every page and
sheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlsxwriter.exceptions import FileCreateError

from govindex.charts import Wording
from govindex.errors import StorageError
from govindex.reports.notes import generated_line
from govindex.reports.profile import css_string
from govindex.reports.workbook import sheet_name
from govindex.spreadsheet_cells import InertWorkbook
from govindex.views import View

if TYPE_CHECKING:
    from govindex.views import Dashboard

__all__ = ["onestop_report_html", "onestop_report_pdf", "onestop_workbook", "share_words"]

_INSTRUMENT = "onestop"
_GROUPS = ("publicity", "progress", "online", "digitisation", "satisfaction")
_SHARES = (
    "on_time",
    "online_share",
    "noncash_payment",
    "postal_return",
    "digitised_reuse",
    "survey_satisfaction",
    "rating_coverage",
)
_TILES = ("handled", *_SHARES[:5], "counter_minutes", *_SHARES[5:])
_MEANS = ("counter_minutes", "processing_days", "days_overdue")
"""KPIs that are means: their denominator is how many were averaged."""


def share_words(words: Wording, value: Any) -> str:
    """A share (0–1) as a percentage, or "no denominator" (never 0) when there is none.

    Examples
    --------
    >>> share_words(Wording("vi"), 0.998), share_words(Wording("en"), None)
    ('99,8 %', 'no denominator')
    """
    if value is None:
        return words("period.null")
    return f"{words.number(100.0 * float(value), 1)} %"


def _counts(words: Wording, numerator: Any, denominator: Any) -> str:
    if denominator is None:
        return "—"
    digits = 0 if numerator is None or float(numerator) == round(float(numerator)) else 1
    shown = "—" if numerator is None else words.number(numerator, digits)
    return words("period.of", numerator=shown, denominator=words.number(denominator, 0))


def _views(
    dashboard: Dashboard, province: str, period: str | None, run_id: str | None
) -> tuple[View, View]:
    unit = dashboard.profile(province, run_id=run_id, instrument=_INSTRUMENT, period=period)
    chosen = str(unit.parameters["period"])
    ranking = dashboard.overview(
        run_id=str(unit.parameters["run_id"]), instrument=_INSTRUMENT, period=chosen
    )
    return unit, ranking


def _tile_rows(unit: View, words: Wording) -> list[dict[str, Any]]:
    if "kpis" not in unit.tables:
        return []
    by_code = {row["code"]: row for row in unit.table("kpis").to_dicts()}
    rows = []
    for code in _TILES:
        row = by_code.get(code)
        if row is None:
            continue
        if code in _SHARES:
            value = share_words(words, row["estimate"])
        elif row["estimate"] is None:
            value = words("period.null")
        else:
            value = words.number(row["estimate"], 0 if code == "handled" else 1)
        label = words(f"period.kpi.{code}") if code != "rating_coverage" else words.item(row)
        rows.append(
            {
                "label": label,
                "value": value,
                "counts": words("period.mean_of", denominator=words.number(row["denominator"], 0))
                if code in _MEANS and row["denominator"] is not None
                else _counts(words, row["numerator"], row["denominator"]),
                "flag": row.get("reason") or "",
            }
        )
    return rows


def _context(unit: View, ranking: View, words: Wording) -> dict[str, Any]:
    meta = unit.meta
    period = meta["period"]
    period_label = f"{period['period']} ({words('period.kind.' + str(period['period_kind']))})"
    standing = unit.table("standing").to_dicts()
    indicators = [
        {
            "level": row["level"],
            "item": words.item(row, numbered=row["level"] == "indicator"),
            "points": words.number(row["points"])
            if row["points"] is not None
            else words("period.null"),
            "max_points": words.number(row["max_points"], 0),
            "ratio": share_words(words, row["ratio"]) if row["level"] == "indicator" else "—",
            "counts": _counts(words, row["numerator"], row["denominator"]),
        }
        for row in unit.table("indicators").to_dicts()
    ]
    trend = [
        {
            "period": row["period"],
            "kind": words("period.kind." + str(row["period_kind"])),
            "total": words.number(row["total"])
            if row["total"] is not None
            else words("period.null"),
            "change": "—" if row["change"] is None else f"{row['change']:+.2f}",
            "band": words("period.band." + str(row["band"])) if row["band"] else "—",
            "rank": row["rank"] if row["rank"] is not None else "—",
        }
        for row in unit.table("trend").to_dicts()
    ]
    channels = [
        {
            "label": words("period.channel." + str(row["channel"])),
            "counts": _counts(words, row["dossiers"], row["denominator"]),
            "share": share_words(words, row["share"]),
        }
        for row in (unit.table("channels").to_dicts() if "channels" in unit.tables else [])
    ]
    peers = [
        {
            "rank": row["rank"] if row["rank"] is not None else "—",
            "unit": row["unit"],
            "total": words.number(row["total"])
            if row["total"] is not None
            else words("period.null"),
            "groups": [
                words.number(row[code]) if row[code] is not None else words("period.null")
                for code in _GROUPS
            ],
            "band": words("period.band." + str(row["band"])) if row["band"] else "—",
            "own": row["unit"] == meta["unit"],
        }
        for row in ranking.table("ranking").to_dicts()
    ]
    agencies = [
        {
            "name": row["name"],
            "level": words("period.agency_level." + str(row["geography"])),
            "total": words.number(row["total"])
            if row["total"] is not None
            else words("period.null"),
            "band": words("period.band." + str(row["band"])) if row["band"] else "—",
            "rank": words("period.rank_of", rank=row["rank"], ranked=row["ranked"])
            if row["rank"] is not None
            else "—",
        }
        for row in (unit.table("agencies").to_dicts() if "agencies" in unit.tables else [])
    ]
    first = standing[0] if standing else None
    return {
        "language": words.language,
        "t": words,
        "title": words("period.report_title", unit=meta["unit"], period=period_label),
        "subtitle": meta["instrument"][f"name_{words.language}"],
        "source": words(
            "period.report_source", run=meta["run"]["run_id"], profile=meta.get("profile") or "—"
        ),
        "synthetic": bool(meta.get("synthetic")),
        "banner": words("period.synthetic_banner"),
        "generated": generated_line(words),
        "null_rule": words("period.null_rule"),
        "standing": words(
            "period.standing",
            total=words.number(first["total"]) if first and first["total"] is not None else "—",
            band=words("period.band." + str(first["band"])) if first and first["band"] else "—",
            rank=words("period.rank_of", rank=first["rank"], ranked=first["ranked"])
            if first and first["rank"] is not None
            else "—",
        ),
        "tiles": _tile_rows(unit, words),
        "indicators": indicators,
        "trend": trend,
        "channels": channels,
        "groups": [words(f"period.group.{code}") for code in _GROUPS],
        "peers": peers,
        "agencies": agencies,
        "no_drilldown": words("period.no_drilldown"),
    }


def onestop_report_html(
    dashboard: Dashboard,
    province: str,
    *,
    period: str | None = None,
    run_id: str | None = None,
    language: str = "vi",
) -> str:
    """The one-stop period report as a self-contained HTML document (what the PDF prints).

    Examples
    --------
    >>> html = onestop_report_html(dashboard, "Quảng Ninh", period="2025-01")
    >>> "Quảng Ninh" in html
    True
    """
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("govindex.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["css_string"] = css_string
    unit, ranking = _views(dashboard, province, period, run_id)
    words = Wording(language)
    return environment.get_template("onestop.html").render(_context(unit, ranking, words))


def onestop_report_pdf(
    dashboard: Dashboard,
    province: str,
    *,
    period: str | None = None,
    run_id: str | None = None,
    language: str = "vi",
    path: str | Path,
) -> Path:
    """Write a province's one-stop period report to ``path`` as an A4 PDF.

    Examples
    --------
    >>> onestop_report_pdf(dashboard, "Quảng Ninh", path=tmp_path / "qn.pdf").name
    'qn.pdf'
    """
    from weasyprint import HTML

    html = onestop_report_html(dashboard, province, period=period, run_id=run_id, language=language)
    target = Path(path)
    try:
        HTML(string=html, base_url=str(target.parent)).write_pdf(target)
    except OSError as error:
        msg = f"cannot write the PDF to {target}: {error.strerror or error}."
        raise StorageError(msg, where="path", found=str(target)) from error
    return target


def onestop_workbook(
    dashboard: Dashboard,
    province: str,
    *,
    period: str | None = None,
    run_id: str | None = None,
    language: str = "vi",
    path: str | Path,
) -> Path:
    """Write a province's one-stop period to an XLSX workbook: README, KPIs, indicators,
    trend, channels and the period's ranking, each number beside its numerator and
    denominator (empty cells where there is none, with the reason).

    Examples
    --------
    >>> onestop_workbook(dashboard, "Quảng Ninh", path=tmp_path / "qn.xlsx").name
    'qn.xlsx'
    """
    unit, ranking = _views(dashboard, province, period, run_id)
    words = Wording(language)
    context = _context(unit, ranking, words)
    target = Path(path)
    workbook = InertWorkbook(str(target))
    bold = workbook.add_format({"bold": True})
    warn = workbook.add_format({"bold": True, "font_color": "#B2182B"})
    taken: list[str] = []

    def sheet(label: str) -> Any:
        name = sheet_name(label, taken)
        taken.append(name)
        return workbook.add_worksheet(name)

    readme = sheet(words("period.readme"))
    lines = [context["title"], context["subtitle"], context["source"], context["standing"]]
    row_number = 0
    if context["synthetic"]:
        readme.write(0, 0, context["banner"], warn)
        row_number = 1
    for line in [*lines, context["null_rule"], context["no_drilldown"], context["generated"]]:
        readme.write(row_number, 0, line)
        row_number += 1

    tables: list[tuple[str, View, str, tuple[str, ...]]] = [
        (words("period.kpis"), unit, "kpis", ("code", "name_vi", "name_en", "estimate",
                                              "numerator", "denominator", "status", "reason")),
        (words("period.indicators"), unit, "indicators", ("level", "code", "name_vi", "name_en",
                                                          "points", "max_points", "ratio",
                                                          "numerator", "denominator", "status",
                                                          "reason")),
        (words("period.trend"), unit, "trend", ("period", "period_kind", "total", "band", "rank",
                                                 "previous_period", "change")),
        (words("period.channels"), unit, "channels", ("channel", "dossiers", "denominator",
                                                       "share")),
        (words("period.agencies"), unit, "agencies", ("geography", "unit", "name", "total",
                                                       *_GROUPS, "band", "rank", "ranked")),
        (words("period.ranking"), ranking, "ranking", ("rank", "ranked", "unit", "total",
                                                        *_GROUPS, "band", "status", "reason")),
    ]  # fmt: skip
    for label, view, table, columns in tables:
        if table not in view.tables:
            continue
        frame = view.table(table)
        target_sheet = sheet(label)
        first = 0
        if context["synthetic"]:
            target_sheet.write(0, 0, context["banner"], warn)
            first = 1
        for column_number, column in enumerate(columns):
            target_sheet.write(first, column_number, column, bold)
        for offset, row in enumerate(frame.select(columns).iter_rows(), start=first + 1):
            for column_number, value in enumerate(row):
                if value is None:
                    target_sheet.write_blank(offset, column_number, None)
                else:
                    target_sheet.write(offset, column_number, value)
        target_sheet.freeze_panes(first + 1, 0)
    try:
        workbook.close()
    except (OSError, FileCreateError) as error:
        cause = error.__cause__ or error.__context__ or error
        reason = getattr(cause, "strerror", None) or str(cause)
        msg = f"cannot write the workbook to {target}: {reason}."
        raise StorageError(msg, where="path", found=str(target)) from error
    return target
