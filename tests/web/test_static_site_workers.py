"""The static export written by worker processes with chart templates is the export one
process writes with every chart built through Altair: the same files, byte for byte; a
failing worker leaves nothing behind."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from govindex.charts.chart_template import templates_switched_off
from govindex.errors import GovIndexError
from govindex.views import Dashboard
from govindex.web import static_site
from govindex.web.addresses import Language, PageAddress
from govindex.web.static_site import export_site, plan_site

_PER_KIND = {"overview": 6, "profile": 6, "indicator": 2, "runs": 1}


def _small_plan(
    dashboard: Dashboard, languages: list[Language], years: list[int] | None = None
) -> dict[PageAddress, str]:
    """Several pages of each kind, so that later pages are filled into earlier templates."""
    chosen: dict[PageAddress, str] = {}
    counts: dict[str, int] = {}
    for address, path in plan_site(dashboard, languages, years).items():
        if counts.get(address.kind, 0) < _PER_KIND[address.kind]:
            chosen[address] = path
            counts[address.kind] = counts.get(address.kind, 0) + 1
    return chosen


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_workers_with_templates_write_the_site_one_process_writes_without(
    dashboard: Dashboard, web_store: tuple[Path, str], tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(static_site, "plan_site", _small_plan)
    with templates_switched_off():
        reference = export_site(dashboard, tmp_path / "reference", ["vi", "en"], years=[2024])
    parallel = export_site(
        dashboard,
        tmp_path / "parallel",
        ["vi", "en"],
        years=[2024],
        store=web_store[0],
        workers=2,
    )
    assert reference.pages == parallel.pages == sum(_PER_KIND.values())
    written = _digests(parallel.folder)
    assert len([name for name in written if name.endswith("index.html")]) > reference.pages
    assert written == _digests(reference.folder)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["parallel", "reference"]


def test_a_failing_worker_leaves_no_trace(
    dashboard: Dashboard, web_store: tuple[Path, str], tmp_path: Path, monkeypatch
) -> None:
    def with_a_missing_province(*arguments: object) -> dict[PageAddress, str]:
        plan = _small_plan(*arguments)  # type: ignore[arg-type]
        missing = PageAddress("profile", "vi", year=2024, province="Atlantis")
        return {**plan, missing: "vi/province/atlantis/2024/index.html"}

    monkeypatch.setattr(static_site, "plan_site", with_a_missing_province)
    with pytest.raises(GovIndexError, match="Atlantis"):
        export_site(
            dashboard, tmp_path / "site", ["vi"], years=[2024], store=web_store[0], workers=2
        )
    assert list(tmp_path.iterdir()) == []


def _children(process: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == process:
            found.append(int(entry.name))
    return found


def _ended(process: int) -> bool:
    try:
        state = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in {"Z", "X"}


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads processes from /proc")
def test_workers_of_a_killed_export_stop_and_the_next_export_cleans_up(
    dashboard: Dashboard, web_store: tuple[Path, str], tmp_path: Path, monkeypatch
) -> None:
    import signal
    import subprocess
    import sys
    import time

    target = tmp_path / "site"
    command = "from govindex.cli import main; main()"
    arguments = ["export-site", str(target), "--store", str(web_store[0]), "--lang", "vi"]
    export = subprocess.Popen(  # this interpreter, fixed arguments
        [sys.executable, "-c", command, *arguments, "--year", "2024", "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 600
    pages: list[Path] = []
    while not pages and time.monotonic() < deadline and export.poll() is None:
        time.sleep(0.2)
        pages = list(tmp_path.glob(".site-*/vi/**/index.html"))
    assert pages, "no page was written"
    workers = _children(export.pid)
    assert len(workers) >= 2
    export.send_signal(signal.SIGKILL)
    export.wait()
    while time.monotonic() < deadline and not all(_ended(worker) for worker in workers):
        time.sleep(0.2)
    assert all(_ended(worker) for worker in workers)
    staging = [path for path in tmp_path.iterdir() if path.name.startswith(".site-")]
    assert len(staging) == 1
    monkeypatch.setattr(static_site, "plan_site", _small_plan)
    export_site(dashboard, target, ["vi"], years=[2024])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]
