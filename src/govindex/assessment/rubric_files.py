"""Find and read rubric files; warn when a rubric's points are unconfirmed placeholders."""

from __future__ import annotations

import warnings
from pathlib import Path

from govindex.errors import SpecError
from govindex.rubric import Rubric, rubric_from_yaml

__all__ = ["DEFAULT_RUBRIC", "ProvisionalRubricWarning", "bundled_rubric_path", "load_rubric"]

DEFAULT_RUBRIC = "par-index-province-2022"


class ProvisionalRubricWarning(UserWarning):
    """The rubric has placeholder points the user must confirm against the official table."""


def bundled_rubric_path(name: str = DEFAULT_RUBRIC) -> Path:
    """The shipped rubric ``rubrics/NAME.yaml``: in the working directory, the installed
    package or the source checkout of an editable install.

    Examples
    --------
    >>> bundled_rubric_path().name
    'par-index-province-2022.yaml'
    """
    file_name = f"{name}.yaml"
    package = Path(__file__).resolve().parent.parent
    candidates = (
        Path.cwd() / "rubrics" / file_name,
        package / "rubrics" / file_name,
        package.parent.parent / "rubrics" / file_name,
    )
    for candidate in candidates:
        if candidate.exists():
            return candidate
    msg = f"no shipped rubric `{name}` (looked for {file_name} in rubrics/); pass --rubric FILE."
    raise SpecError(msg, where="--rubric", found=name, expected=file_name)


def load_rubric(path: str | Path | None = None, *, warn: bool = True) -> Rubric:
    """Read and check the rubric at ``path`` (default: the shipped provincial rubric).

    A provisional rubric raises :class:`ProvisionalRubricWarning` (a warning, not an error)
    naming how many nodes are placeholders.

    Examples
    --------
    >>> rubric = load_rubric(warn=False)
    >>> rubric.provisional, len(rubric.areas)
    (True, 8)
    """
    file = bundled_rubric_path() if path is None else Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        msg = f"cannot read rubric file `{file}`: {error}"
        raise SpecError(msg, where=str(file)) from error
    rubric = rubric_from_yaml(text, source=file.name)
    if warn and rubric.provisional:
        warnings.warn(
            _provisional_message(rubric, file.name), ProvisionalRubricWarning, stacklevel=2
        )
    return rubric


def _provisional_message(rubric: Rubric, source: str) -> str:
    """The warning shown for a provisional rubric."""
    placeholders = rubric.placeholders()
    shown = ", ".join(placeholders[:6]) + (", …" if len(placeholders) > 6 else "")
    return (
        f"`{source}` is a provisional rubric: {len(placeholders)} nodes have placeholder points "
        f"({shown}); confirm them against the official table before using any result."
    )
