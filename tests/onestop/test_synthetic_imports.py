"""The SYNTHETIC one-stop generator builds its Arrow columns without importing pandas.

``pyarrow.array``, ``pyarrow.scalar`` and ``to_numpy`` import pandas (about half a second of
the demo) only to ask whether their input is a pandas object; the generator builds its
columns from numpy buffers instead. Checked in a fresh interpreter, since the test process
has pandas loaded already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_writing_a_synthetic_year_does_not_import_pandas(tmp_path: Path) -> None:
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from govindex.application.instrument_runs import OnestopDemoSize, write_synthetic_onestop\n"
        f"write_synthetic_onestop(Path({str(tmp_path / 'records')!r}), OnestopDemoSize(months=2))\n"
        "print(json.dumps({'pandas': 'pandas' in sys.modules}))\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert json.loads(completed.stdout.splitlines()[-1]) == {"pandas": False}
    assert any((tmp_path / "records" / "dossiers").rglob("*.parquet"))
