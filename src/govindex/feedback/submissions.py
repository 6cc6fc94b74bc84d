"""One rating as submitted: where, through which channel, on which form, and the answers."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from govindex.feedback.forms import FormDefinition
from govindex.feedback.refusals import RatingRefused
from govindex.feedback.tokens import ServicePoint

__all__ = ["Channel", "Submission", "hash_phone", "needs_follow_up"]

_SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_COMMENT_LIMIT = 2000


class Channel(StrEnum):
    """How the rating reached the service (``hinhThucDanhGia`` in one-stop software)."""

    QR = "qr"
    KIOSK = "kiosk"
    API = "api"


@dataclass(frozen=True)
class Submission:
    """A rating ready to store; ``submission_id`` makes a retried post land once.

    Examples
    --------
    >>> from govindex.feedback.forms import EXAMPLE_FORM, parse_form
    >>> form = parse_form(EXAMPLE_FORM, "example.yaml")
    >>> when = datetime.datetime(2026, 1, 5, 2, 0, tzinfo=datetime.UTC)
    >>> rating = Submission.build(
    ...     "sub-00000001", ServicePoint("H37", "d1", "p1", "H37.26.0001"), Channel.QR, form,
    ...     {"overall": "2"}, comment="Chờ lâu", phone_hash=None, device="dev", created_at=when)
    >>> (rating.overall, rating.flagged)
    (2, True)
    """

    submission_id: str
    point: ServicePoint
    channel: Channel
    form_key: str
    levels: Mapping[str, int]
    comment: str | None
    flagged: bool
    phone_hash: str | None
    device: str
    created_at: datetime.datetime

    @property
    def overall(self) -> int:
        """The overall level (1–5)."""
        return self.levels["overall"]

    @classmethod
    def build(
        cls,
        submission_id: str,
        point: ServicePoint,
        channel: Channel,
        form: FormDefinition,
        answers: Mapping[str, str | int | None],
        *,
        comment: str | None,
        phone_hash: str | None,
        device: str,
        created_at: datetime.datetime,
    ) -> Submission:
        """Check the answers against ``form`` and the identifiers, and build the submission."""
        if not _SUBMISSION_ID.match(submission_id):
            message = "the submission id must be 8 to 64 letters, digits, `-` or `_`"
            raise RatingRefused(message, where="submission_id", found=submission_id[:80])
        if created_at.tzinfo is None:
            message = "the rating time must carry its time zone"
            raise RatingRefused(message, where="created_at", found=str(created_at))
        levels = form.check_answers(answers)
        text = (comment or "").strip()
        if len(text) > _COMMENT_LIMIT:
            message = f"the comment has {len(text)} characters; at most {_COMMENT_LIMIT}"
            raise RatingRefused(message, where="comment", found=len(text))
        return cls(
            submission_id=submission_id,
            point=point,
            channel=channel,
            form_key=form.key,
            levels=levels,
            comment=text or None,
            flagged=needs_follow_up(levels["overall"], text, form),
            phone_hash=phone_hash,
            device=device,
            created_at=created_at.astimezone(datetime.UTC),
        )


def needs_follow_up(overall: int, comment: str, form: FormDefinition) -> bool:
    """A comment is flagged for follow-up when it comes with a dissatisfied overall level.

    Examples
    --------
    >>> from govindex.feedback.forms import EXAMPLE_FORM, parse_form
    >>> form = parse_form(EXAMPLE_FORM, "example.yaml")
    >>> needs_follow_up(5, "cảm ơn", form), needs_follow_up(1, "", form), needs_follow_up(1, "x", form)
    (False, False, True)
    """
    return bool(comment.strip()) and form.is_dissatisfied(overall)


def hash_phone(phone: str, *, secret: bytes) -> str | None:
    """A keyed hash of a phone number's digits (never the number itself); ``None`` if empty.

    Examples
    --------
    >>> hash_phone(" ", secret=b"k") is None, len(hash_phone("0912 345 678", secret=b"k") or "")
    (True, 64)
    """
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return None
    if not 8 <= len(digits) <= 15:
        message = f"a phone number has 8 to 15 digits; got {len(digits)}"
        raise RatingRefused(message, where="phone", found=f"{len(digits)} digits")
    return hmac.new(secret, b"phone." + digits.encode(), hashlib.sha256).hexdigest()
