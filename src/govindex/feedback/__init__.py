"""Citizen feedback at the service counter: a QR code at the desk, a rating in seconds.

The core (pure, no I/O): :mod:`~govindex.feedback.forms` (versioned rating forms),
:mod:`~govindex.feedback.tokens` (signed QR tokens), :mod:`~govindex.feedback.rules`
(honeypot, timing, throttle), :mod:`~govindex.feedback.statistics` (satisfaction with
coverage and Wilson intervals). The shells: :mod:`~govindex.feedback.store` (SQLAlchemy
Core; SQLite or PostgreSQL, Alembic migrations), :mod:`~govindex.feedback.export` (the
rating table the one-stop KPIs read), :mod:`~govindex.feedback.app` (the FastAPI service)
and :mod:`~govindex.feedback.cards` (printable QR cards).
"""
