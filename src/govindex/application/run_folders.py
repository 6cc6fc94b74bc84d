"""Output folders that are either whole or absent, whatever moment a process is killed.

A run's folder is written to a hidden staging folder beside it (``.NAME.PID.random``), the
run is committed to the store together with a *pending folder* row, the staging folder is
renamed onto ``NAME`` (an existing ``NAME`` is first moved aside to ``.NAME.previous``) and
the pending row is deleted. A kill (even SIGKILL) at any point leaves one of these states,
which :func:`clean_staging` and the pending rows (see
:func:`govindex.application.runs.repair_folders`) bring back to "folder matches store" at
the next ``govindex run``:

* staging left by a process that is no longer alive: removed;
* ``.NAME.previous`` left while ``NAME`` is in place: removed; with ``NAME`` missing: moved
  back (the pending row, if any, then rewrites ``NAME`` from the store);
* a stored run whose folder rename was not confirmed: its folder is written from the store.

Fault points
------------
For the tests of the above only, the environment variable ``GOVINDEX_FAULT_POINT`` names one
point (``staged``, ``stored``, ``moved-aside``, ``renamed``) at which the process kills
itself with SIGKILL, exactly as an outside ``kill -9`` would. Unset (always, in production)
:func:`fault_point` does nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from govindex.errors import DataValidationError

__all__ = [
    "FAULT_VARIABLE",
    "clean_staging",
    "fault_point",
    "refuse_file_as_folder",
    "staged_folder",
]

FAULT_VARIABLE = "GOVINDEX_FAULT_POINT"
_PREVIOUS = ".previous"


def fault_point(name: str) -> None:
    """Kill this process with SIGKILL if ``$GOVINDEX_FAULT_POINT`` is ``name`` (tests only).

    Examples
    --------
    >>> fault_point("staged")  # without the variable: nothing happens
    """
    if os.environ.get(FAULT_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def refuse_file_as_folder(target: Path) -> None:
    """Raise :class:`DataValidationError` if ``target`` exists and is not a folder.

    Examples
    --------
    >>> refuse_file_as_folder(Path("no-such-folder"))
    """
    if target.exists() and not target.is_dir():
        msg = f"{target}: is a file; the output must be a folder (it is replaced atomically)."
        raise DataValidationError(msg, where=str(target), found="a file", expected="a folder")


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """A hidden folder beside ``target``, renamed onto it only if the block succeeds.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as root:
    ...     with staged_folder(Path(root) / "out") as staging:
    ...         _ = (staging / "a.txt").write_text("a")
    ...     sorted(path.name for path in Path(root).iterdir())
    ['out']
    """
    target = target.resolve()
    refuse_file_as_folder(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The process id in the name tells a later run whether the writer is still alive.
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the published folder should not be
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    previous = None
    if target.exists():
        previous = target.with_name(f".{target.name}{_PREVIOUS}")
        shutil.rmtree(previous, ignore_errors=True)
        target.rename(previous)
        fault_point("moved-aside")
    staging.rename(target)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def clean_staging(target: Path) -> tuple[Path, ...]:
    """Remove what an interrupted write of ``target`` left beside it; return what was removed.

    Staging folders of processes still alive are left alone, so two runs writing beside
    each other do not disturb one another.

    Examples
    --------
    >>> clean_staging(Path("no-such-folder"))
    ()
    """
    target = target.resolve()
    parent = target.parent
    if not parent.is_dir():
        return ()
    removed: list[Path] = []
    staging = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.[^.]+$")
    for entry in parent.iterdir():
        match = staging.match(entry.name)
        if match and entry.is_dir() and not _alive(int(match[1])):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    previous = target.with_name(f".{target.name}{_PREVIOUS}")
    if previous.is_dir():
        if target.exists():
            shutil.rmtree(previous, ignore_errors=True)
            removed.append(previous)
        else:
            # Killed between moving the old folder aside and renaming the new one in.
            previous.rename(target)
    return tuple(removed)


def _alive(pid: int) -> bool:
    """Whether a process with this id is running (this process counts as alive)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
