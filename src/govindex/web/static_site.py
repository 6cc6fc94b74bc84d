"""The dashboard as static files: every page a folder with ``index.html``, its data beside it.

Layout (``<lang>`` is ``vi`` or ``en``; items are ``total`` or ``dimension-<code>``)::

    index.html                              → opens vi/overview/<newest year>/total/63/
    <lang>/overview/<year>/<item>/<63|34>/  index.html
    <lang>/province/<province-slug>/<year>/ index.html
    <lang>/indicator/<item>/                index.html
    <lang>/runs/                            index.html
    <lang>/onestop/<period>/[<unit-slug>/]  index.html (the one-stop 766 ranking and units)
    data/<the same path without <lang>>/    data.json and one CSV per table (the data are
                                            the same in every language, so written once)
    static/                                 the app's CSS, JS, vendored charts and maps
    README.txt

Every link is relative, so the folder works from ``file://`` or under any path of any web
server. The site shows the published record and the newest run of the one-stop 766 index
(its rankings of every year, quarter and month, and every ranked unit's page of each; microdata
runs, comparisons, sub-dimension and indicator overviews, and the index's weeks are served by
``govindex serve``, and the one-stop pages say so where a week would be reached). The folder is built beside the target and renamed into
place, so a failed export leaves the previous site untouched.
Worker processes (``workers``) write into the same staging folder; they end with the
export, and on their own if the export process is killed.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from govindex.errors import SpecError
from govindex.views import Dashboard
from govindex.views.period_pages import resolve_period_run
from govindex.web.addresses import Language, PageAddress, build_view, item_slug, slug
from govindex.web.app import landing_instrument, static_folder
from govindex.web.downloads import csv_bytes, json_bytes
from govindex.web.links import RelativeLinks
from govindex.web.rendering import PageRenderer

__all__ = ["SITE_MARKER", "STAGING_MARKER", "SiteReport", "export_site", "plan_site"]

SITE_MARKER = ".govindex-site"
"""A file in every exported site: only such a folder (or an empty one) is replaced."""

STAGING_MARKER = ".govindex-staging"
"""A file in a site being written, naming the writing process (removed before the rename)."""

_OVERVIEW_LEVELS = ("total", "dimension")
_MAPS = {"63": "provinces-63.geojson", "34": "units-34.geojson"}

_CHUNK = 8
"""Pages a worker process writes per task: small enough to share the work evenly."""

Progress = Callable[[int, int], None]
"""Called with (pages written, pages planned) as the export goes."""


@dataclass(frozen=True)
class SiteReport:
    """What an export wrote."""

    folder: Path
    pages: int
    files: int
    bytes: int


def _site_path(address: PageAddress, default_period: str | None = None) -> str:
    language = address.language
    if address.instrument is not None:
        # An index scored by period: its ranking and unit pages under the period (a
        # page without a period is the run's default one, the same file).
        period = address.period or default_period
        unit = f"{slug(address.province or '')}/" if address.kind == "profile" else ""
        return f"{language}/{address.instrument}/{period}/{unit}index.html"
    if address.kind == "overview":
        item = item_slug(address.level or "total", address.code or "total")
        return f"{language}/overview/{address.year}/{item}/{address.geography}/index.html"
    if address.kind == "profile":
        return f"{language}/province/{slug(address.province or '')}/{address.year}/index.html"
    if address.kind == "indicator":
        item = item_slug(address.level or "total", address.code or "total")
        return f"{language}/indicator/{item}/index.html"
    return f"{language}/runs/index.html"


def _data_folder(path: str) -> str:
    """``vi/overview/2024/total/63/index.html`` → ``data/overview/2024/total/63``."""
    return "data/" + os.path.dirname(path).split("/", 1)[1]


def plan_site(
    dashboard: Dashboard,
    languages: Sequence[Language],
    years: Sequence[int] | None = None,
) -> dict[PageAddress, str]:
    """Every page of the site and its file (site-relative), in writing order.

    ``years`` limits the overviews and profiles to those published years (default: all).

    Examples
    --------
    >>> plan = plan_site(dashboard, ["vi"])
    >>> plan[PageAddress("runs", "vi")]
    'vi/runs/index.html'
    """
    renderer_facts = PageRenderer(dashboard).facts
    addresses: list[PageAddress] = []
    indicator_items: dict[tuple[str, str], None] = {}
    for language in languages:
        for year in renderer_facts.published_years:
            if years is not None and year not in years:
                continue
            items = [
                item
                for item in renderer_facts.items(year=year)
                if item["level"] in _OVERVIEW_LEVELS
            ]
            for item in items:
                indicator_items.setdefault((item["level"], item["code"]), None)
                for geography in _MAPS:
                    addresses.append(
                        PageAddress(
                            "overview",
                            language,
                            year=year,
                            level=item["level"],
                            code=item["code"],
                            geography=geography,
                        )
                    )
            ranking = dashboard.overview(year=year).table("ranking")
            addresses += [
                PageAddress("profile", language, year=year, province=province)
                for province in ranking["province"].to_list()
            ]
        addresses += [
            PageAddress("indicator", language, level=level, code=code)
            for level, code in indicator_items
        ]
        addresses.append(PageAddress("runs", language))
    plan = {address: _site_path(address) for address in addresses}
    for language in languages:
        plan.update(_period_pages(dashboard, language, years))
    return plan


_PERIOD_KINDS = ("year", "quarter", "month")
"""The periods whose rankings and unit pages the site holds (weeks are served by
``govindex serve``; the pages say so where a week would be reached)."""


def _period_pages(
    dashboard: Dashboard, language: Language, years: Sequence[int] | None
) -> dict[PageAddress, str]:
    """The pages of each index scored by period (its newest run): the ranking of every
    year, quarter and month, and the page of every unit in each of those rankings, for
    that period. A page without a period is the default one (the newest of the run's
    longest kind), under the same file, so links that name no period (the navigation's)
    find it."""
    pages: dict[PageAddress, str] = {}
    for entry in dashboard.instruments():
        if not dashboard.scored_by_period(entry.id):
            continue
        ranking = dashboard.overview(instrument=entry.id)
        default = str(ranking.parameters["period"])
        periods = [
            row["period"]
            for row in ranking.table("periods").to_dicts()
            if row["period_kind"] in _PERIOD_KINDS
            and (years is None or row["period_start"].year in years)
        ]
        if default not in periods:
            continue
        for period in periods:
            address = PageAddress("overview", language, instrument=entry.id, period=period)
            pages[address] = _site_path(address)
            # Every unit the period's ranking names, so each of its rows links to a page.
            shown = dashboard.overview(instrument=entry.id, period=period)
            for unit in shown.table("ranking")["unit"].to_list():
                address = PageAddress(
                    "profile", language, province=unit, instrument=entry.id, period=period
                )
                pages[address] = _site_path(address)
        units = ranking.table("ranking")["unit"].to_list()
        for address in (
            PageAddress("overview", language, instrument=entry.id),
            *(
                PageAddress("profile", language, province=unit, instrument=entry.id)
                for unit in units
            ),
        ):
            pages[address] = _site_path(address, default)
    return pages


def _check_target(folder: Path) -> None:
    if folder.exists() and (
        not folder.is_dir() or (any(folder.iterdir()) and not (folder / SITE_MARKER).exists())
    ):
        msg = f"{folder} exists and is not a site govindex exported; it is left untouched."
        raise SpecError(
            msg,
            where="DIR",
            found=str(folder),
            hint="choose a new or empty folder, or one an earlier export-site wrote",
        )


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _opening(plan: dict[PageAddress, str], renderer: PageRenderer, language: Language) -> str:
    """The site's ``index.html``: straight to the newest year's overview (or, without a
    PAPI run, to the ranking of the instrument the store holds)."""
    newest = PageAddress(
        "overview",
        language,
        year=renderer.facts.latest_year,
        level="total",
        code="total",
        geography="63",
    )
    # A store without the PAPI record opens on the instrument `/` opens when served.
    shown = landing_instrument(renderer.dashboard)
    landing = PageAddress("overview", language, instrument=shown) if shown else None
    target = plan.get(newest) or (landing and plan.get(landing)) or next(iter(plan.values()))
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={target}"><title>govindex</title></head>'
        f'<body><a href="{target}">govindex</a></body></html>\n'
    )


def _copy_static(target: Path) -> None:
    shutil.copytree(static_folder(), target, ignore=shutil.ignore_patterns("__pycache__"))
    # Pages opened from file:// cannot fetch the map files; scripts can still load them.
    inline = target / "maps-inline"
    inline.mkdir()
    for name in _MAPS.values():
        outlines = (target / "maps" / name).read_text("utf-8")
        script = (
            "window.GOVINDEX_MAPS = window.GOVINDEX_MAPS || {};\n"
            f"window.GOVINDEX_MAPS[{json.dumps(name)}] = {outlines.strip()};\n"
        )
        (inline / f"{name.removesuffix('.geojson')}.js").write_text(script, "utf-8")


def _readme(languages: Sequence[str], pages: int) -> str:
    return f"""govindex dashboard: static export
=================================

Open index.html in a browser, or serve this folder with any web server (from any
path). {pages} pages in {", ".join(languages)}; every link is relative.

What is here:
- <lang>/overview/<year>/<item>/<63|34>/ : every published year, the total and each
  dimension, on the 63 former provinces and on the 34 units of July 2025 (derived);
- <lang>/province/<province>/<year>/ : every province's profile in every published year;
- <lang>/indicator/<item>/ : the total and each dimension across provinces and years;
- <lang>/onestop/<period>/ : the one-stop 766 ranking of every year, quarter and month
  of the newest one-stop run, and <lang>/onestop/<period>/<unit>/ the page of every unit
  of that ranking for the same period;
- <lang>/runs/ : the stored runs.
The data of every page (data.json and one CSV per table) are in data/, under the page's
path without the language: data/overview/2024/total/63/ranking.csv, for example.

Left out, to keep the export small (the full cross product of choices is not finite):
overviews of sub-dimensions and indicators, comparisons of provinces, XLSX downloads,
pages of microdata runs, and the one-stop index's weeks and older runs. Run
`govindex serve` for all of them.

Maps: {_attribution()} (static/maps/LICENSE-ODbL.md).
"""


def _attribution() -> str:
    from govindex.web.rendering import map_attribution

    return map_attribution()


def export_site(
    dashboard: Dashboard,
    folder: Path,
    languages: Sequence[Language] = ("vi", "en"),
    *,
    years: Sequence[int] | None = None,
    progress: Progress | None = None,
    store: Path | None = None,
    workers: int = 1,
) -> SiteReport:
    """Write the static site of ``dashboard`` to ``folder`` (replaced atomically).

    With ``workers`` above 1 and the ``store`` the dashboard was read from, that many
    processes write the pages, each with its own read-only snapshot of the store (started
    afresh, not forked: the store's and Polars' threads do not survive a fork).

    Examples
    --------
    Writing pages takes seconds per hundred, too long for an example; from the shell, the
    pages of one language and one year::

        govindex export-site site --lang en --year 2024

    It writes one file per page of :func:`plan_site`'s plan, here for the examples' store:

    >>> from collections import Counter
    >>> plan = plan_site(dashboard, ["en"], [2024])
    >>> len(plan), Counter(address.kind for address in plan)
    (91, Counter({'profile': 63, 'overview': 18, 'indicator': 9, 'runs': 1}))
    """
    folder = folder.resolve()
    _check_target(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    renderer = PageRenderer(dashboard)
    plan = plan_site(dashboard, languages, years)
    _remove_stale_staging(folder)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    # Marks the folder as this process's staging: a later export removes it if this
    # process was killed (no ``finally`` runs then) before the rename.
    (staging / STAGING_MARKER).write_text(f"{os.getpid()}\n", "utf-8")
    try:
        if workers > 1 and store is not None:
            _write_pages_in_parallel(store, plan, staging, progress, workers)
        else:
            _write_pages(dashboard, renderer, plan, staging, progress)
        _copy_static(staging / "static")
        _write(staging / "index.html", _opening(plan, renderer, languages[0]).encode("utf-8"))
        _write(staging / "README.txt", _readme(languages, len(set(plan.values()))).encode("utf-8"))
        (staging / SITE_MARKER).write_text("govindex export-site\n", "utf-8")
        (staging / STAGING_MARKER).unlink()
        _replace(folder, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    files = [path for path in folder.rglob("*") if path.is_file()]
    pages = len(set(plan.values()))
    return SiteReport(folder, pages, len(files), sum(path.stat().st_size for path in files))


class _PageWriter:
    """Writes pages of the plan, and each data folder with the first page that has it."""

    def __init__(
        self,
        dashboard: Dashboard,
        renderer: PageRenderer,
        plan: dict[PageAddress, str],
        staging: Path,
    ) -> None:
        self._dashboard = dashboard
        self._renderer = renderer
        self._plan = plan
        self._staging = staging
        # The site holds the newest run of each index scored by period: a link that names
        # that run finds its page (the runs page names every run it lists).
        self._newest_runs: dict[str, str] = {
            str(entry.id): resolve_period_run(dashboard.snapshot, entry.id, None)
            for entry in dashboard.instruments()
            if dashboard.scored_by_period(entry.id)
        }
        latest = renderer.facts.latest_year
        self._papi_home = (
            None
            if latest is None
            else PageAddress("overview", year=latest, level="total", code="total", geography="63")
        )

    def _locate(self, address: PageAddress) -> str | None:
        found = self._plan.get(address)
        if found is not None:
            return found
        if address.instrument is not None and address.run is not None:
            if self._newest_runs.get(address.instrument) == address.run:
                return self._plan.get(address.with_changes(run=None))
            return None
        if address == PageAddress("overview", address.language) and self._papi_home:
            # The instruments' switch opens PAPI's overview: its newest year's.
            return self._plan.get(self._papi_home.with_changes(language=address.language))
        return None

    def _locate_data(self, address: PageAddress) -> str | None:
        path = self._locate(address)
        return None if path is None else _data_folder(path)

    def write(self, address: PageAddress, with_data: bool) -> None:
        path = self._plan[address]
        view = build_view(self._dashboard, address)
        scripts = (
            [f"maps-inline/{_MAPS[address.geography].removesuffix('.geojson')}.js"]
            if address.kind == "overview" and address.geography
            else []
        )
        links = RelativeLinks(path, self._locate, self._locate_data)
        html = self._renderer.page(view, address, links, scripts=scripts)
        _write(self._staging / path, html.encode("utf-8"))
        if with_data:
            data = self._staging / _data_folder(path)
            _write(data / "data.json", json_bytes(view))
            for table in view.tables:
                _write(data / f"{table}.csv", csv_bytes(view, table))


def _pages(plan: dict[PageAddress, str]) -> list[tuple[PageAddress, bool]]:
    """Every page, written once (a page planned under two addresses is one file), and
    whether it writes its data folder (the first page to have it does: the data are the
    same in every language)."""
    seen: set[str] = set()
    written: set[str] = set()
    pages = []
    for address, path in plan.items():
        if path in written:
            continue
        written.add(path)
        data = _data_folder(path)
        pages.append((address, data not in seen))
        seen.add(data)
    return pages


def _write_pages(
    dashboard: Dashboard,
    renderer: PageRenderer,
    plan: dict[PageAddress, str],
    staging: Path,
    progress: Progress | None,
) -> None:
    writer = _PageWriter(dashboard, renderer, plan, staging)
    pages = _pages(plan)
    for number, (address, with_data) in enumerate(pages, start=1):
        writer.write(address, with_data)
        if progress is not None:
            progress(number, len(pages))


def _write_pages_in_parallel(
    store: Path,
    plan: dict[PageAddress, str],
    staging: Path,
    progress: Progress | None,
    workers: int,
) -> None:
    pages = _pages(plan)
    chunks = [pages[start : start + _CHUNK] for start in range(0, len(pages), _CHUNK)]
    context = multiprocessing.get_context("spawn")
    arguments = (store, plan, staging, os.getpid())
    done = 0
    # Leaving the block (finished, failed or interrupted) terminates the workers, so none
    # writes into the staging folder once it is removed.
    with context.Pool(workers, initializer=_start_worker, initargs=arguments) as pool:
        for count in pool.imap_unordered(_write_chunk, chunks):
            done += count
            if progress is not None:
                progress(done, len(pages))


_WORKER: dict[str, _PageWriter] = {}


def _start_worker(store: Path, plan: dict[PageAddress, str], staging: Path, parent: int) -> None:
    dashboard = Dashboard.open(store)
    _WORKER["writer"] = _PageWriter(dashboard, PageRenderer(dashboard), plan, staging)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    # A killed export runs no clean-up: its workers stop on their own rather than write
    # on into a staging folder that the next export removes.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _write_chunk(chunk: list[tuple[PageAddress, bool]]) -> int:
    writer = _WORKER["writer"]
    for address, with_data in chunk:
        writer.write(address, with_data)
    return len(chunk)


def _remove_stale_staging(folder: Path) -> None:
    """Remove the staging folders of exports to ``folder`` whose process no longer runs."""
    for candidate in folder.parent.glob(f".{folder.name}-*"):
        marker = candidate / STAGING_MARKER
        if not marker.is_file():
            continue
        text = marker.read_text("utf-8").strip()
        if text.isdigit() and _running(int(text)):
            continue  # another export to the same folder is under way
        shutil.rmtree(candidate, ignore_errors=True)


def _running(process: int) -> bool:
    try:
        os.kill(process, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _replace(folder: Path, staging: Path) -> None:
    """Put ``staging`` where ``folder`` is, keeping the old site until the new one is in."""
    os.chmod(staging, 0o755)
    if not folder.exists():
        staging.rename(folder)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{folder.name}-old-", dir=folder.parent))
    retired.rmdir()
    folder.rename(retired)
    try:
        staging.rename(folder)
    except BaseException:
        retired.rename(folder)
        raise
    shutil.rmtree(retired, ignore_errors=True)
