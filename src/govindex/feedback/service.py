"""The state one running feedback service shares between its routes."""

from __future__ import annotations

import datetime
import logging
import threading
import time
from typing import Any

from fastapi import Request
from jinja2 import Environment, PackageLoader, select_autoescape

from govindex.feedback.refusals import Forbidden, NotSignedIn, Throttled
from govindex.feedback.roles import StaffUser
from govindex.feedback.rules import SlidingWindowThrottle
from govindex.feedback.sessions import SessionCookies, StaffSession
from govindex.feedback.settings import FeedbackSettings
from govindex.feedback.store import Centre, FeedbackStore

__all__ = ["FeedbackService", "service_of"]

logger = logging.getLogger("govindex.feedback")

_CACHE_SECONDS = 30.0
"""Centres and device keys are read again from the store after this long."""

_REPORT_EVERY = 50
"""A throttled key is reported at its first refusal and then every this many."""


class FeedbackService:
    """Settings, store, throttles, cookies and templates of one app.

    Examples
    --------
    >>> from govindex.feedback.store import open_store
    >>> service = FeedbackService(FeedbackSettings("sqlite://", b"0123456789abcdef"),
    ...                           open_store("sqlite://"))
    >>> service.store.put_centre(Centre("H37", "22", "Trung tâm", "Centre", "", "default@1"))
    >>> service.centre("H37").name_en
    'Centre'
    >>> for _ in range(10):
    ...     service.throttle(service.device_throttle, "phone-1", what="device", agency_code="H37")
    >>> service.throttle(service.device_throttle, "phone-1", what="device", agency_code="H37")
    Traceback (most recent call last):
    ...
    govindex.feedback.refusals.Throttled: too many ratings from this device: at most 10 per minute; please wait a minute
    """

    def __init__(self, settings: FeedbackSettings, store: FeedbackStore) -> None:
        self.settings = settings
        self.store = store
        policy = settings.policy
        self.device_throttle = SlidingWindowThrottle(policy.per_device_per_minute, 60.0)
        self.point_throttle = SlidingWindowThrottle(policy.per_service_point_per_minute, 60.0)
        self.key_throttle = SlidingWindowThrottle(policy.per_api_key_per_minute, 60.0)
        self._throttle_lock = threading.Lock()
        self.cookies = SessionCookies(settings.secret, secure=settings.secure_cookies)
        self._cache: dict[tuple[str, str], tuple[float, Any]] = {}
        self.templates = Environment(
            loader=PackageLoader("govindex.feedback", "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    @staticmethod
    def now() -> datetime.datetime:
        """The current time in UTC."""
        return datetime.datetime.now(datetime.UTC)

    def _cached(self, kind: str, key: str, load: Any) -> Any:
        # Every rating needs its centre and (from kiosks) its device: keep them briefly in
        # memory rather than asking the database twice more per rating.
        now = time.monotonic()
        hit = self._cache.get((kind, key))
        if hit is not None and hit[0] > now:
            return hit[1]
        value = load(key)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[(kind, key)] = (now + _CACHE_SECONDS, value)
        return value

    def centre(self, agency_code: str) -> Centre:
        """The centre ``agency_code`` (read through a 30-second cache)."""
        centre: Centre = self._cached("centre", agency_code, self.store.centre)
        return centre

    def device(self, key: str) -> tuple[str, str]:
        """The device id and agency code of an API key (read through a 30-second cache)."""
        device: tuple[str, str] = self._cached("device", key, self.store.device_for_key)
        return device

    def render(self, template: str, **context: Any) -> str:
        """Render a page template."""
        return self.templates.get_template(template).render(**context)

    def throttle(
        self, throttle: SlidingWindowThrottle, key: str, *, what: str, agency_code: str | None
    ) -> None:
        """Apply ``throttle`` to ``key``; refusals are reported to the store (sampled).

        With ``shared_throttle`` the counts are kept in the store, so several server
        processes enforce one limit together; otherwise in this process's memory.
        """
        if self.settings.shared_throttle:
            allowed, refused = self.store.count_throttled(
                what, key, now=time.time(), limit=throttle.limit, window=throttle.window
            )
        else:
            with self._throttle_lock:
                allowed = throttle.allow(key, now=time.monotonic())
                refused = throttle.refused.get(key, 0)
        if allowed:
            return
        if refused == 1 or refused % _REPORT_EVERY == 0:
            # Reports add up to the refusals: 1, then 49, then 50 at a time.
            count = 1 if refused == 1 else refused - max(1, refused - _REPORT_EVERY)
            logger.warning("throttled %s %s (%d refused so far)", what, key, refused)
            self.store.report_throttle(what, key, agency_code, count)
        message = (
            f"too many ratings from this {what}: at most {throttle.limit} per minute; "
            "please wait a minute"
        )
        raise Throttled(message, where=what, expected=f"≤ {throttle.limit} per minute")

    # -- staff ---------------------------------------------------------------------------

    def session(self, request: Request) -> tuple[StaffSession, StaffUser]:
        """The signed-in staff member of ``request``; :class:`NotSignedIn` otherwise."""
        session = self.cookies.read_session(request.cookies.get(self.cookies.session_name))
        user = self.store.user(session.username)
        if user is not None and not self.store.session_is_open(session.session_id, user.username):
            message = "this session has ended (signed out); please sign in again"
            raise NotSignedIn(message, where="session", hint="/staff/sign-in")
        if user is None:
            message = "this account no longer exists; please sign in again"
            raise NotSignedIn(message, where="session", hint="/staff/sign-in")
        return session, user

    def visible_centres(self, user: StaffUser) -> list[Centre]:
        """The centres ``user`` may see."""
        return [c for c in self.store.centres() if user.covers(c.province_code, c.agency_code)]

    def centre_for(self, user: StaffUser, agency_code: str) -> Centre:
        """The centre ``agency_code`` if ``user`` covers it; :class:`Forbidden` otherwise."""
        centre = self.store.centre(agency_code)
        if not user.covers(centre.province_code, centre.agency_code):
            message = f"your account does not cover centre `{agency_code}`"
            raise Forbidden(message, where="agency_code", found=agency_code)
        return centre


def service_of(request: Request) -> FeedbackService:
    """The service of the app answering ``request``.

    Examples
    --------
    >>> from govindex.feedback.app import create_app
    >>> app = create_app(FeedbackSettings("sqlite://", b"0123456789abcdef"))
    >>> request = Request({"type": "http", "app": app, "headers": []})
    >>> service_of(request).store.backend
    'sqlite'
    """
    service: FeedbackService = request.app.state.feedback
    return service
