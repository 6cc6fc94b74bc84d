"""The rules a public submission must pass before it is stored, and the throttle.

Honeypot: the page carries a field hidden from people; a script that fills every field
fills it too. Minimum time: a person needs a few seconds to read and tap; a form posted
faster than ``min_seconds`` after it was shown is refused. The throttle counts recent
ratings per key (a device, a service point) in a sliding window. All pure: the caller
passes the clock.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from govindex.feedback.refusals import RatingRefused, Throttled

__all__ = ["AntiAbusePolicy", "SlidingWindowThrottle", "check_human"]


@dataclass(frozen=True)
class AntiAbusePolicy:
    """The anti-abuse parameters, recorded with the service's settings.

    Examples
    --------
    >>> AntiAbusePolicy().per_device_per_minute
    10
    """

    min_seconds: float = 3.0
    """Fewer seconds than this between showing and posting the form is refused."""
    max_form_age_seconds: float = 3600.0
    """A form left open longer than this must be reloaded."""
    per_device_per_minute: int = 10
    per_service_point_per_minute: int = 120
    per_api_key_per_minute: int = 600


def check_human(*, honeypot: str, issued_at: float, now: float, policy: AntiAbusePolicy) -> None:
    """Refuse a submission that filled the honeypot or came too fast or too late.

    Examples
    --------
    >>> check_human(honeypot="", issued_at=0.0, now=5.0, policy=AntiAbusePolicy())
    >>> check_human(honeypot="", issued_at=0.0, now=1.0, policy=AntiAbusePolicy())
    Traceback (most recent call last):
    ...
    govindex.feedback.refusals.RatingRefused: the form was sent 1.0 s after it was shown; at least 3.0 s expected
    """
    if honeypot.strip():
        message = "the form was filled in by a program (the hidden field is not empty)"
        raise RatingRefused(message, where="website", found="not empty", expected="empty")
    elapsed = now - issued_at
    if elapsed < policy.min_seconds:
        message = (
            f"the form was sent {elapsed:.1f} s after it was shown; "
            f"at least {policy.min_seconds:.1f} s expected"
        )
        raise RatingRefused(message, where="stamp", found=f"{elapsed:.1f} s")
    if elapsed > policy.max_form_age_seconds:
        message = "the form has been open too long; please scan the code again"
        raise RatingRefused(message, where="stamp", found=f"{elapsed:.0f} s")


@dataclass
class SlidingWindowThrottle:
    """At most ``limit`` events per key in any ``window`` seconds.

    ``refused`` counts what was turned away per key, for the report on the live page.

    Examples
    --------
    >>> throttle = SlidingWindowThrottle(limit=2, window=60.0)
    >>> [throttle.allow("device-1", now=t) for t in (0.0, 1.0, 2.0, 61.0)]
    [True, True, False, True]
    >>> throttle.refused
    {'device-1': 1}
    """

    limit: int
    window: float
    events: dict[str, deque[float]] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)

    def allow(self, key: str, *, now: float) -> bool:
        """Record an event for ``key`` if it is within the limit; whether it was."""
        recent = self.events.setdefault(key, deque())
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        if len(recent) >= self.limit:
            self.refused[key] = self.refused.get(key, 0) + 1
            return False
        recent.append(now)
        if len(self.events) > 100_000:  # forget idle keys so memory stays bounded
            idle = [k for k, times in self.events.items() if not times]
            for k in idle:
                del self.events[k]
        return True

    def check(self, key: str, *, now: float, what: str) -> None:
        """:meth:`allow`, raising :class:`Throttled` (naming ``what``) when over the limit."""
        if not self.allow(key, now=now):
            message = (
                f"too many ratings from this {what}: at most {self.limit} "
                f"in {self.window:.0f} s; please wait a minute"
            )
            raise Throttled(message, where=what, expected=f"≤ {self.limit} per {self.window:.0f} s")
