"""The service's settings and the form definitions it offers (bundled, plus a province's own).

Every choice that changes what is stored or counted is a named setting here, printed by
``govindex feedback serve`` at start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from govindex.errors import SpecError
from govindex.feedback.forms import FormDefinition, parse_form
from govindex.feedback.rules import AntiAbusePolicy

__all__ = ["FeedbackSettings", "bundled_forms", "load_forms", "secret_from_environment"]

SECRET_VARIABLE = "GOVINDEX_FEEDBACK_SECRET"


def bundled_forms() -> dict[str, FormDefinition]:
    """The form definitions shipped with the package, by ``id@version``.

    Examples
    --------
    >>> sorted(bundled_forms())
    ['default@1', 'quang-ninh@1']
    """
    folder = resources.files("govindex.feedback").joinpath("form_definitions")
    forms: dict[str, FormDefinition] = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".yaml"):
            form = parse_form(entry.read_text(encoding="utf-8"), entry.name)
            forms[form.key] = form
    return forms


def load_forms(folder: Path | None) -> dict[str, FormDefinition]:
    """The bundled forms plus those in ``folder`` (``*.yaml``); a clash of ``id@version`` is refused.

    Examples
    --------
    >>> sorted(load_forms(None))
    ['default@1', 'quang-ninh@1']
    """
    forms = bundled_forms()
    if folder is None:
        return forms
    if not folder.is_dir():
        message = f"{folder}: no such folder of form definitions"
        raise SpecError(message, where=str(folder))
    for path in sorted(folder.glob("*.yaml")):
        form = parse_form(path.read_text(encoding="utf-8"), str(path))
        if form.key in forms:
            message = f"{path}: form {form.key} is already defined; raise its `version`"
            raise SpecError(message, where=str(path), found=form.key)
        forms[form.key] = form
    return forms


def secret_from_environment() -> bytes:
    """The signing secret from ``GOVINDEX_FEEDBACK_SECRET`` (at least 16 characters).

    Examples
    --------
    >>> saved = os.environ.pop(SECRET_VARIABLE, None)
    >>> os.environ[SECRET_VARIABLE] = "a-secret-of-24-characters"
    >>> secret_from_environment()
    b'a-secret-of-24-characters'
    >>> os.environ[SECRET_VARIABLE] = "short"
    >>> secret_from_environment()
    Traceback (most recent call last):
    ...
    govindex.errors.SpecError: set GOVINDEX_FEEDBACK_SECRET to a random secret of at least 16 characters
    >>> _ = os.environ.pop(SECRET_VARIABLE)
    >>> if saved is not None: os.environ[SECRET_VARIABLE] = saved
    """
    value = os.environ.get(SECRET_VARIABLE, "")
    if len(value) < 16:
        message = f"set {SECRET_VARIABLE} to a random secret of at least 16 characters"
        raise SpecError(message, where=SECRET_VARIABLE, found=f"{len(value)} characters")
    return value.encode()


@dataclass(frozen=True)
class FeedbackSettings:
    """What the service needs to run: the database, the secret, the forms and the policies."""

    database_url: str
    secret: bytes
    forms: dict[str, FormDefinition] = field(default_factory=bundled_forms)
    policy: AntiAbusePolicy = field(default_factory=AntiAbusePolicy)
    token_days: int = 365
    """QR cards printed today stay valid this many days."""
    secure_cookies: bool = True
    """Send staff cookies only over HTTPS (switch off only for loopback tests and pilots)."""
    live_interval_seconds: float = 1.0
    """How often the live centre page is sent new figures."""
    ci_level: float = 0.95
    min_n: int = 30
    shared_throttle: bool = False
    """Keep the throttle counts in the store, shared by every server process (``serve
    --workers N`` with N > 1); otherwise in this process's memory, which is faster."""

    def __post_init__(self) -> None:
        if len(self.secret) < 16:
            message = "the signing secret must have at least 16 bytes"
            raise SpecError(message, where="secret", found=f"{len(self.secret)} bytes")

    def form(self, key: str) -> FormDefinition:
        """The form ``id@version``; a :class:`SpecError` lists the known ones."""
        try:
            return self.forms[key]
        except KeyError:
            message = f"no form definition `{key}`"
            raise SpecError(
                message, where="form_key", found=key, expected=sorted(self.forms)
            ) from None
