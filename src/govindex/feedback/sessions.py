"""Staff sessions and CSRF tokens in signed cookies (itsdangerous).

The session cookie carries the user name, the session's id and its CSRF token, signed and
time-limited; the id names a session kept in the store, which sign-out ends, so a copy of the
cookie taken before sign-out is refused afterwards; it is HttpOnly, SameSite=Strict and (outside loopback tests) Secure with the
``__Host-`` prefix. Every staff form carries the CSRF token in a hidden field and a post
without the matching token is refused. Before sign-in, a separate signed cookie holds the
token the sign-in form must echo (double submit).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from govindex.feedback.refusals import Forbidden, NotSignedIn

__all__ = ["SessionCookies", "StaffSession"]

SESSION_SECONDS = 8 * 3600


@dataclass(frozen=True)
class StaffSession:
    """A signed-in user's name, CSRF token and session id (as kept in the store)."""

    username: str
    csrf: str
    session_id: str


class SessionCookies:
    """Makes and reads the staff cookies under the service's secret.

    Examples
    --------
    >>> cookies = SessionCookies(b"0123456789abcdef", secure=False)
    >>> value = cookies.session_value(StaffSession("lan", "t0k", "s1"))
    >>> cookies.read_session(value)
    StaffSession(username='lan', csrf='t0k', session_id='s1')
    """

    def __init__(self, secret: bytes, *, secure: bool) -> None:
        self.secure = secure
        self._sessions = URLSafeTimedSerializer(secret, salt="govindex-feedback-session")
        self._pre = URLSafeTimedSerializer(secret, salt="govindex-feedback-sign-in")
        prefix = "__Host-" if secure else ""
        self.session_name = f"{prefix}feedback_session"
        self.sign_in_name = f"{prefix}feedback_sign_in"

    def new_session(self, username: str, session_id: str) -> StaffSession:
        """The session ``session_id`` (opened in the store) with a fresh CSRF token."""
        return StaffSession(username, secrets.token_urlsafe(24), session_id)

    def session_value(self, session: StaffSession) -> str:
        """The cookie value of ``session``."""
        return str(
            self._sessions.dumps(
                {"u": session.username, "c": session.csrf, "s": session.session_id}
            )
        )

    def read_session(self, value: str | None) -> StaffSession:
        """The session in a cookie value; :class:`NotSignedIn` if absent, altered or too old."""
        if not value:
            message = "please sign in to see staff pages"
            raise NotSignedIn(message, where="session", hint="/staff/sign-in")
        try:
            data = self._sessions.loads(value, max_age=SESSION_SECONDS)
            return StaffSession(str(data["u"]), str(data["c"]), str(data["s"]))
        except (BadSignature, KeyError, TypeError):
            message = "your session has expired or is not valid; please sign in again"
            raise NotSignedIn(message, where="session", hint="/staff/sign-in") from None

    def sign_in_value(self) -> tuple[str, str]:
        """A pre-sign-in CSRF token and the cookie value that carries it."""
        token = secrets.token_urlsafe(24)
        return token, str(self._pre.dumps(token))

    def check_sign_in(self, cookie: str | None, field: str | None) -> None:
        """Refuse a sign-in post whose hidden token does not match its cookie.

        Examples
        --------
        >>> cookies = SessionCookies(b"0123456789abcdef", secure=True)
        >>> token, cookie = cookies.sign_in_value()
        >>> cookies.check_sign_in(cookie, token)
        >>> cookies.sign_in_name
        '__Host-feedback_sign_in'
        """
        try:
            expected = str(self._pre.loads(cookie or "", max_age=3600))
        except BadSignature:
            expected = ""
        if not expected or not field or not hmac.compare_digest(expected, field):
            message = (
                "the sign-in form is missing its security token; reload the page and try again"
            )
            raise Forbidden(message, where="csrf")

    @staticmethod
    def check_csrf(session: StaffSession, field: str | None) -> None:
        """Refuse a staff post without the session's CSRF token.

        Examples
        --------
        >>> SessionCookies.check_csrf(StaffSession("lan", "t0k", "s1"), "t0k")
        >>> SessionCookies.check_csrf(StaffSession("lan", "t0k", "s1"), "other")
        Traceback (most recent call last):
        ...
        govindex.feedback.refusals.Forbidden: the form is missing its security token (CSRF); reload the page and try again
        """
        if not field or not hmac.compare_digest(session.csrf, field):
            message = "the form is missing its security token (CSRF); reload the page and try again"
            raise Forbidden(message, where="csrf")
