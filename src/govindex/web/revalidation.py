"""Conditional requests: an ETag per snapshot and page, and ``304 Not Modified``.

Every page, data twin and download carries ``ETag`` and ``Cache-Control: no-cache``: a
browser or proxy may keep the answer but asks again each time, sending ``If-None-Match``;
while the store has not changed it gets a bodiless 304. The tag joins the snapshot's tag
(the store's runs, each with its creation time, and the statistical choices of the pages)
with a digest of the answer's bytes, so a new run, a removed run or another version of
govindex gives every page a new tag, and two pages never share one by accident.
"""

from __future__ import annotations

import hashlib

from govindex import __version__
from govindex.views import Dashboard

__all__ = ["CACHE_CONTROL", "entity_tag", "etag_matches", "snapshot_tag"]

CACHE_CONTROL = "no-cache"
"""Keep, but revalidate before each use: the store may get a new run at any time."""


def snapshot_tag(dashboard: Dashboard) -> str:
    """A short digest of the store state a dashboard answers from.

    It covers every run of the snapshot (id, kind, creation time), the pages' statistical
    parameters and govindex's version (a new version may word a page differently).

    Examples
    --------
    >>> from govindex.storage import RunStore
    >>> from govindex.views.snapshot import Snapshot
    >>> with RunStore(":memory:") as store:
    ...     empty = Dashboard(Snapshot.load(store))
    >>> len(snapshot_tag(empty)), snapshot_tag(empty) == snapshot_tag(Dashboard(empty.snapshot))
    (16, True)
    """
    snapshot = dashboard.snapshot
    digest = hashlib.sha256(f"govindex {__version__}\n".encode())
    digest.update(repr(dashboard.parameters).encode())
    runs = sorted(
        (m.run_id, m.kind, str(m.created_at))
        for m in (*snapshot.manifests, *snapshot.other_manifests)
    )
    for run in runs:
        digest.update(("\n" + "\t".join(run)).encode())
    return digest.hexdigest()[:16]


def entity_tag(snapshot: str, body: bytes) -> str:
    """The quoted ETag of an answer ``body`` given from the snapshot tagged ``snapshot``.

    Examples
    --------
    >>> entity_tag("0123456789abcdef", b"{}")
    '"0123456789abcdef-44136fa355b3678a"'
    """
    return f'"{snapshot}-{hashlib.sha256(body).hexdigest()[:16]}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, RFC 9110 §13.1.2).

    Examples
    --------
    >>> etag_matches('"a-b", W/"c-d"', '"c-d"'), etag_matches("*", '"x"'), etag_matches(None, '"x"')
    (True, True, False)
    >>> etag_matches('"a-b"', '"a-c"')
    False
    """
    if not if_none_match or not etag:
        return False
    wanted = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False
