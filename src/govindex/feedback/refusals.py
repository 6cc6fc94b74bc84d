"""The feedback service's errors, as branches of the one exception tree (:mod:`govindex.errors`).

::

    GovIndexError
    ├─ TokenRefused       a QR token is forged, damaged or expired            · HTTP 403
    ├─ RatingRefused      a submission failed the form or the anti-abuse rules · HTTP 422
    ├─ Throttled          too many ratings from one device or service point    · HTTP 429
    ├─ NotSignedIn        a staff page without a valid session or API key      · HTTP 401
    ├─ Forbidden          the user's role does not cover the unit, or no CSRF  · HTTP 403
    └─ Unavailable        the database cannot be reached just now (retry)      · HTTP 503
"""

from __future__ import annotations

from govindex.errors import GovIndexError

__all__ = [
    "Forbidden",
    "NotSignedIn",
    "RatingRefused",
    "Throttled",
    "TokenRefused",
    "Unavailable",
]


class TokenRefused(GovIndexError):
    """A QR token is forged, damaged or expired.

    Examples
    --------
    >>> TokenRefused("this code has expired").http_status
    403
    """

    http_status = 403


class RatingRefused(GovIndexError):
    """A submission failed the form definition or the honeypot and timing checks."""

    http_status = 422


class Throttled(GovIndexError):
    """Too many ratings from one device or at one service point in the window."""

    http_status = 429


class NotSignedIn(GovIndexError):
    """No valid staff session (or device API key) came with the request."""

    http_status = 401


class Forbidden(GovIndexError):
    """The signed-in user may not see or change this unit, or the CSRF token is missing."""

    http_status = 403


class Unavailable(GovIndexError):
    """The database cannot be reached just now; nothing was stored and a retry is safe."""

    http_status = 503
