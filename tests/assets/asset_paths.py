"""Where the dashboard's offline assets live, resolved from the installed package."""

from __future__ import annotations

from pathlib import Path

import govindex

# The web package is not imported: its folder of static files is all these tests need.
STATIC = Path(govindex.__file__).resolve().parent / "web" / "static"
MAPS = STATIC / "maps"
VENDOR = STATIC / "vendor"
REPOSITORY = Path(__file__).resolve().parents[2]
