"""What went wrong with the run store file, said in one line a person can act on.

DuckDB reports a full disk, a damaged file, a read-only location and a file held by another
process as the same exception class with different texts. :func:`store_failure` reads the
error (and its ``errno`` where Python has one) and returns the matching
:class:`~govindex.errors.StorageError`, so no store problem reaches the user as "internal
error" or as a guess ("is another govindex using it?").
"""

from __future__ import annotations

import errno
import re
from typing import Literal

from govindex.errors import StorageError

__all__ = ["StoreFailure", "classify_failure", "store_failure"]

StoreFailure = Literal["full", "locked", "corrupt", "truncated", "read_only", "folder", "other"]

_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")
_FULL = ("no space left on device", "file too large", "disk quota exceeded")
_READ_ONLY = ("read-only mode", "read-only file system", "permission denied")
_CORRUPT = (
    "not a valid duckdb database file",
    "checksum",
    "corrupt",
    "serialization error",
    "failed to deserialize",
)
_TRUNCATED = ("could not read enough bytes", "could not read all bytes", "unexpected end")
_ERRNO_FAILURE: dict[int, StoreFailure] = {
    errno.ENOSPC: "full",
    errno.EFBIG: "full",
    errno.EDQUOT: "full",
    errno.EROFS: "read_only",
    errno.EACCES: "read_only",
    errno.EPERM: "read_only",
    errno.EISDIR: "folder",
}


def classify_failure(error: BaseException) -> StoreFailure:
    """Name the kind of store failure behind ``error`` (``"other"`` when unknown).

    Examples
    --------
    >>> classify_failure(OSError(28, "No space left on device"))
    'full'
    >>> classify_failure(RuntimeError('IO Error: Could not write file "s.duckdb": File too large'))
    'full'
    >>> classify_failure(RuntimeError("IO Error: Could not set lock on file ... (PID 7)"))
    'locked'
    """
    number = getattr(error, "errno", None)
    if isinstance(number, int) and number in _ERRNO_FAILURE:
        return _ERRNO_FAILURE[number]
    text = str(error).lower()
    if "could not set lock" in text or "conflicting lock" in text:
        return "locked"
    if any(marker in text for marker in _FULL):
        return "full"
    if "is a directory" in text:
        return "folder"
    if any(marker in text for marker in _READ_ONLY):
        return "read_only"
    if any(marker in text for marker in _TRUNCATED):
        return "truncated"
    if any(marker in text for marker in _CORRUPT):
        return "corrupt"
    return "other"


def store_failure(error: BaseException, path: str, action: str) -> StorageError:
    """The :class:`StorageError` to raise for ``error`` met while ``action`` on ``path``.

    ``action`` completes "could not …", e.g. ``"open"`` or ``"store run `abc`"``.

    Examples
    --------
    >>> failure = store_failure(OSError(28, "No space left on device"), "s.duckdb", "store run `a`")
    >>> failure.message
    'the run store s.duckdb could not store run `a`: the disk is full (or a file size limit was reached); nothing was stored.'
    >>> store_failure(RuntimeError("Could not set lock on file (PID 42)"), "s.duckdb", "open").hint
    'wait for the other process to finish, or use another store (--store or $GOVINDEX_STORE).'
    """
    kind = classify_failure(error)
    detail = " ".join(str(error).split())
    if kind == "full":
        msg = (
            f"the run store {path} could not {action}: the disk is full (or a file size limit "
            "was reached); nothing was stored."
        )
        hint = "free some space (or raise the limit) and run the command again."
    elif kind == "locked":
        holder = _LOCK_HOLDER.search(str(error))
        who = f"process {holder['pid']} ({holder['program']})" if holder else "another process"
        msg = f"the run store {path} is in use by {who}; could not {action}."
        hint = "wait for the other process to finish, or use another store (--store or $GOVINDEX_STORE)."
    elif kind == "read_only":
        msg = f"the run store {path} is read-only here; could not {action}."
        hint = (
            "commands that only read (runs list/show/export, scores, serve, export-site) work "
            "on a read-only store; write to a store in a writable place."
        )
    elif kind == "truncated":
        msg = f"the run store {path} is truncated (the file is shorter than its contents say); could not {action}."
        hint = "restore it from a backup (`govindex store backup` makes one)."
    elif kind == "corrupt":
        msg = f"the run store {path} is damaged or not a govindex store; could not {action}."
        hint = "restore it from a backup (`govindex store backup` makes one), or use another store."
    elif kind == "folder":
        msg = f"the run store {path} is a folder; expected a DuckDB file."
        hint = "give the path of a file (--store or $GOVINDEX_STORE)."
    else:
        msg = f"the run store {path}: could not {action} ({detail})."
        hint = None
    return StorageError(msg, where=path, found=detail, hint=hint)
