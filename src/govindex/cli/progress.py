"""Progress on stderr for work that takes more than a second: one helper for every command.

:class:`Steps` is a rich progress bar over a command's named steps (or over counted items,
through :meth:`Steps.advance`, which fits the ``progress(done, total)`` callbacks of the
library). It is drawn only on a terminal, only once the work has lasted ``delay`` seconds,
and removed when the work ends, so quick runs, pipes and logs see nothing of it.

Typical use in a command::

    with Steps(["reading the spec", "synthesising", "writing the file"]) as steps:
        steps.next()          # "reading the spec"
        ...
        steps.next()          # "synthesising"
        ...
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

__all__ = ["DEFAULT_DELAY", "Steps", "status"]

#: Seconds of work before a progress display appears (quicker work shows nothing).
DEFAULT_DELAY = 1.0


class Steps:
    """A progress bar over named steps, shown on stderr once the work outlasts ``delay``.

    ``console`` is for tests (a rich console writing to a buffer); by default the bar goes
    to stderr when stderr is a terminal, and nowhere otherwise.

    Examples
    --------
    >>> with Steps(["reading", "writing"], title="example") as steps:
    ...     steps.next()
    ...     steps.next()
    ...     steps.finish()
    >>> steps.done, steps.total
    (2, 2)
    """

    def __init__(
        self,
        steps: Sequence[str],
        *,
        title: str = "",
        delay: float = DEFAULT_DELAY,
        console: Console | None = None,
    ) -> None:
        self.steps = list(steps)
        self.title = title
        self.delay = delay
        self.total = len(self.steps)
        self.done = 0
        self._console = console
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._shown = False
        self._current: str | None = None
        self._started = 0

    # ------------------------------------------------------------------ context
    def __enter__(self) -> Steps:
        console = self._console
        if console is None and sys.stderr.isatty():
            from rich.console import Console

            console = Console(stderr=True)
        if console is None:
            return self  # not a terminal: count, draw nothing
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task(self._describe(), total=self.total or None)
        if self.delay <= 0:
            self._show()
        else:
            self._timer = threading.Timer(self.delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self._progress is not None and self._shown:
                self._progress.stop()
            self._progress = None

    @property
    def shown(self) -> bool:
        """Whether the bar has been drawn (the work outlasted ``delay`` on a terminal)."""
        return self._shown

    # ------------------------------------------------------------------ updates
    def next(self, description: str | None = None) -> None:
        """Start the next step (its name from ``steps``, or ``description`` when given).

        The bar counts finished steps: starting step k means k - 1 are done.
        """
        if self._current is not None:
            self.done = min(self.done + 1, self.total) if self.total else self.done + 1
        self._current = description or (
            self.steps[self._started] if self._started < len(self.steps) else ""
        )
        self._started += 1
        self._update()

    def advance(self, done: int, total: int) -> None:
        """Report counted progress within the work (``done`` of ``total`` items)."""
        self.done, self.total = done, total
        self._update()

    # ------------------------------------------------------------------ drawing
    def _describe(self) -> str:
        parts = [part for part in (self.title, self._current) if part]
        return ": ".join(parts) or "working"

    def _update(self) -> None:
        with self._lock:
            if self._progress is not None and self._task is not None:
                self._progress.update(
                    self._task,
                    description=self._describe(),
                    completed=self.done,
                    total=self.total or None,
                )

    def _show(self) -> None:
        with self._lock:
            if self._progress is not None and not self._shown:
                self._shown = True
                self._progress.start()

    def finish(self) -> None:
        """Mark every step done (the bar is removed when the ``with`` block ends)."""
        self.done = self.total
        self._current = None
        self._update()


@contextmanager
def status(description: str, *, delay: float = DEFAULT_DELAY) -> Iterator[None]:
    """A single step with a spinner and the elapsed time, shown once it outlasts ``delay``.

    Examples
    --------
    >>> with status("building replicate weights"):
    ...     pass
    """
    with Steps([description], delay=delay) as steps:
        steps.next()
        yield
        steps.finish()
