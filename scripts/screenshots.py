"""Take the README's screenshots of the dashboard (run by a developer, not by CI).

Usage: ``python scripts/screenshots.py STORE.duckdb docs/images``. It serves the store with
``govindex serve`` on a free loopback port and photographs the national overview and a
province profile in Debian's Chromium (driven by Playwright).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SHOTS = {
    "overview.png": "/overview?year=2024&lang=en",
    "profile.png": "/province/Ha%20Noi?year=2024&lang=vi",
}


def main(store: Path, folder: Path) -> None:
    """Serve ``store`` and write one PNG per entry of :data:`SHOTS` into ``folder``."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-c", "from govindex.cli import main; main()", "serve"]
    server = subprocess.Popen([*command, "--store", str(store), "--port", str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{base}/runs.json", timeout=1).close()
                break
            except OSError:
                time.sleep(0.25)
        folder.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name, path in SHOTS.items():
                page.goto(base + path)
                page.wait_for_selector(".chart-area svg", timeout=30_000)
                page.wait_for_timeout(500)
                page.screenshot(path=str(folder / name), full_page=False)
                print(folder / name)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
