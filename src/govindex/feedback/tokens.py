"""Signed QR tokens: which service point a scanned code belongs to, and until when.

A token is ``payload.signature`` in URL-safe base64 without padding. The payload is compact
JSON naming the centre (agency code), the desk, the procedure, optionally one dossier code,
and the expiry (Unix seconds); the signature is HMAC-SHA-256 under the service's secret. A
changed character anywhere, another secret, or a past expiry is refused. Pure: the caller
passes the secret and the clock.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from govindex.feedback.refusals import TokenRefused

__all__ = ["ServicePoint", "read_form_stamp", "sign_form_stamp", "sign_token", "verify_token"]

_CODE_LIMIT = 64


@dataclass(frozen=True)
class ServicePoint:
    """Where a rating is given: centre (agency code), desk and procedure, maybe a dossier.

    Examples
    --------
    >>> ServicePoint("000.00.22.H37", "desk-3", "1.001234").label
    '000.00.22.H37 / desk-3 / 1.001234'
    """

    agency_code: str
    desk: str
    procedure_code: str
    dossier_code: str | None = None

    def __post_init__(self) -> None:
        for name in ("agency_code", "desk", "procedure_code", "dossier_code"):
            value = getattr(self, name)
            if value is None and name == "dossier_code":
                continue
            if not isinstance(value, str) or not value or len(value) > _CODE_LIMIT:
                message = f"`{name}` must be a code of 1 to {_CODE_LIMIT} characters; got {value!r}"
                raise TokenRefused(message, where=name, found=value)

    @property
    def label(self) -> str:
        """Centre / desk / procedure, for logs and cards."""
        return f"{self.agency_code} / {self.desk} / {self.procedure_code}"


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, payload: str) -> str:
    return _encode(hmac.new(secret, b"qr." + payload.encode("ascii"), hashlib.sha256).digest())


def sign_token(point: ServicePoint, *, expires_at: int, secret: bytes) -> str:
    """The token printed in the QR code of ``point``, valid until ``expires_at`` (Unix seconds).

    Examples
    --------
    >>> token = sign_token(ServicePoint("A1", "d1", "p1"), expires_at=2_000_000_000, secret=b"k")
    >>> verify_token(token, secret=b"k", now=1_900_000_000)
    ServicePoint(agency_code='A1', desk='d1', procedure_code='p1', dossier_code=None)
    """
    fields: dict[str, Any] = {
        "a": point.agency_code,
        "d": point.desk,
        "p": point.procedure_code,
        "e": int(expires_at),
    }
    if point.dossier_code is not None:
        fields["h"] = point.dossier_code
    payload = _encode(json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{payload}.{_mac(secret, payload)}"


def verify_token(token: str, *, secret: bytes, now: float) -> ServicePoint:
    """The service point of a genuine, unexpired token; :class:`TokenRefused` otherwise.

    Examples
    --------
    >>> token = sign_token(ServicePoint("A1", "d1", "p1"), expires_at=100, secret=b"k")
    >>> verify_token(token, secret=b"k", now=101)
    Traceback (most recent call last):
    ...
    govindex.feedback.refusals.TokenRefused: this code expired on 1970-01-01 00:01:40 UTC
    >>> verify_token(token[:-2] + "xx", secret=b"k", now=0)
    Traceback (most recent call last):
    ...
    govindex.feedback.refusals.TokenRefused: this code is not genuine (its signature does not match)
    """
    payload, dot, signature = token.partition(".")
    if not dot or not payload or len(token) > 1024:
        message = "this code is damaged (it is not a govindex rating code)"
        raise TokenRefused(message, where="token", expected="payload.signature")
    if not hmac.compare_digest(_mac(secret, payload), signature):
        message = "this code is not genuine (its signature does not match)"
        raise TokenRefused(message, where="token")
    try:
        fields = json.loads(_decode(payload))
        point = ServicePoint(fields["a"], fields["d"], fields["p"], fields.get("h"))
        expires_at = int(fields["e"])
    except (ValueError, KeyError, TypeError):
        message = "this code is damaged (its contents cannot be read)"
        raise TokenRefused(message, where="token") from None
    if now >= expires_at:
        when = datetime.datetime.fromtimestamp(expires_at, datetime.UTC)
        message = f"this code expired on {when:%Y-%m-%d %H:%M:%S} UTC"
        raise TokenRefused(message, where="token", found=when.isoformat())
    return point


def sign_form_stamp(token: str, submission_id: str, issued_at: float, *, secret: bytes) -> str:
    """A stamp binding a rating form to its QR token, submission id and the time it was shown.

    It stands in for a CSRF token on the public page (which has no session) and lets the
    server measure how long the form was open (the minimum-time check).

    Examples
    --------
    >>> stamp = sign_form_stamp("t", "s", 10.0, secret=b"k")
    >>> read_form_stamp(stamp, "t", "s", secret=b"k")
    10.0
    """
    issued = f"{issued_at:.3f}"
    body = f"form.{token}.{submission_id}.{issued}".encode()
    return f"{issued}.{_encode(hmac.new(secret, body, hashlib.sha256).digest())}"


def read_form_stamp(stamp: str, token: str, submission_id: str, *, secret: bytes) -> float:
    """When the form carrying ``stamp`` was shown; :class:`TokenRefused` if it was not ours.

    Examples
    --------
    >>> stamp = sign_form_stamp("tok", "sub-1", 1700000000.0, secret=b"0123456789abcdef")
    >>> read_form_stamp(stamp, "tok", "sub-1", secret=b"0123456789abcdef")
    1700000000.0
    >>> read_form_stamp(stamp, "tok", "sub-2", secret=b"0123456789abcdef")
    Traceback (most recent call last):
    ...
    govindex.feedback.refusals.TokenRefused: the form was not issued by this service (missing or altered stamp)
    """
    issued, _, signature = stamp.rpartition(".")
    body = f"form.{token}.{submission_id}.{issued}".encode()
    expected = _encode(hmac.new(secret, body, hashlib.sha256).digest())
    if not issued or not hmac.compare_digest(expected, signature):
        message = "the form was not issued by this service (missing or altered stamp)"
        raise TokenRefused(message, where="stamp")
    try:
        return float(issued)
    except ValueError:
        message = "the form stamp is damaged"
        raise TokenRefused(message, where="stamp") from None
