"""Rich progress bars on stderr, driven by the application layer's progress callback."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govindex.application.progress import ProgressCallback

__all__ = ["progress_display"]


@contextmanager
def progress_display() -> Iterator[ProgressCallback]:
    """Yield a progress callback that shows each step as a bar (counted) or a spinner.

    Only a terminal gets the display: redirected output and test runners see nothing.
    """
    if not sys.stderr.isatty():

        def quiet(step: str, done: int | None = None, total: int | None = None) -> None:
            return None

        yield quiet
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as display:
        current: dict[str, TaskID] = {}

        def show(step: str, done: int | None = None, total: int | None = None) -> None:
            if step not in current:
                # A new step ends the previous one: one line at a time.
                for task in current.values():
                    display.remove_task(task)
                current.clear()
                current[step] = display.add_task(step, total=total)
            display.update(current[step], completed=done or 0, total=total)

        yield show
