"""The shared progress helper: drawn on a terminal once work outlasts its delay, else silent."""

from __future__ import annotations

import io
import time

from rich.console import Console

from govindex.cli.progress import Steps, status


def _terminal() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, width=120), buffer


def test_slow_work_on_a_terminal_draws_a_bar_with_each_step_and_the_count() -> None:
    console, buffer = _terminal()
    with Steps(
        ["reading the spec", "writing the file"], title="synth", delay=0.0, console=console
    ) as steps:
        assert steps.shown
        steps.next()
        time.sleep(0.25)  # the bar refreshes ten times a second
        steps.next()
        time.sleep(0.25)
        steps.finish()
    drawn = buffer.getvalue()
    assert "synth: reading the spec" in drawn
    assert "synth: writing the file" in drawn
    assert "1/2" in drawn
    assert steps.done == steps.total == 2


def test_the_bar_appears_only_once_the_delay_has_passed() -> None:
    console, buffer = _terminal()
    with Steps(["one step"], delay=0.2, console=console) as steps:
        steps.next()
        assert not steps.shown
        time.sleep(0.6)
        assert steps.shown
    assert "one step" in buffer.getvalue()


def test_quick_work_draws_nothing() -> None:
    console, buffer = _terminal()
    with Steps(["one step"], delay=30.0, console=console) as steps:
        steps.next()
        steps.finish()
    assert not steps.shown
    assert buffer.getvalue() == ""


def test_without_a_terminal_nothing_is_drawn_but_steps_are_counted(capsys: object) -> None:
    with Steps(["a", "b", "c"], delay=0.0) as steps:
        steps.next()
        steps.next()
        assert steps.done == 1
        steps.advance(5, 10)
    assert not steps.shown
    assert (steps.done, steps.total) == (5, 10)
    with status("building replicate weights", delay=0.0):
        pass
    captured = capsys.readouterr()  # type: ignore[attr-defined]
    assert captured.err == ""
    assert captured.out == ""


def test_counted_progress_is_drawn_as_done_of_total() -> None:
    console, buffer = _terminal()
    with Steps([], title="pages", delay=0.0, console=console) as steps:
        for done in range(1, 4):
            steps.advance(done, 3)
            time.sleep(0.15)
    assert "3/3" in buffer.getvalue()
