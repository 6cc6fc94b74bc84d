"""How a long workflow reports its progress without knowing who is watching.

The application functions take an optional :class:`ProgressCallback`; the CLI turns the
calls into rich progress bars, tests and the web pass nothing. A step with a ``total``
counts up (pages written), a step without one is a single phase (computing the index).
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["ProgressCallback", "report_step"]


class ProgressCallback(Protocol):
    """Called when a workflow starts a step or advances within one."""

    def __call__(self, step: str, done: int | None = None, total: int | None = None) -> None:
        """``step`` names what is being done; ``done`` of ``total`` when it can be counted."""


def report_step(
    progress: ProgressCallback | None,
    step: str,
    done: int | None = None,
    total: int | None = None,
) -> None:
    """Tell ``progress`` (if any) about ``step``.

    Examples
    --------
    >>> seen: list[str] = []
    >>> report_step(lambda step, done=None, total=None: seen.append(step), "computing")
    >>> report_step(None, "ignored")
    >>> seen
    ['computing']
    """
    if progress is not None:
        progress(step, done, total)
