"""Specs read once: the checked model kept as JSON in the user's cache, keyed by content.

Parsing and checking the 2024 spec's YAML takes about a tenth of a second with libyaml (most
of a second without it); rebuilding the model from its JSON form takes a hundredth. The
cache key is the SHA-256 of the spec's bytes together with the govindex version and the
spec models' source files, so an edited spec or a changed model is never served stale. The
cache is an optimisation only: a cache that cannot be read or written is ignored, and a
cached entry is checked again (:func:`~govindex.spec.spec_from_dict`) when it is read.

Every command that reads a spec file goes through it (``run``, ``demo``, ``synth``,
``validate``, ``diagnose``), so a spec is parsed once per machine, not once per process.

The cache lives in ``$GOVINDEX_CACHE_DIR``, else ``$XDG_CACHE_HOME/govindex``, else
``~/.cache/govindex``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from govindex import __version__
from govindex.errors import GovIndexError, SpecError

if TYPE_CHECKING:
    from govindex.spec import IndexSpec

__all__ = ["CACHE_VARIABLE", "cache_folder", "load_spec_cached", "spec_cache_key"]

#: Environment variable naming the cache folder (tests point it at a temporary folder).
CACHE_VARIABLE = "GOVINDEX_CACHE_DIR"


def cache_folder() -> Path:
    """The folder cached specs are written to.

    Examples
    --------
    >>> isinstance(cache_folder(), Path)
    True
    """
    chosen = os.environ.get(CACHE_VARIABLE)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "govindex"


def _models_fingerprint() -> bytes:
    # Size and modification time of the model sources: cheap to read, and any edit changes them.
    import govindex.spec

    folder = Path(govindex.spec.__file__).parent
    parts = [
        f"{source.name}:{status.st_size}:{status.st_mtime_ns}"
        for source in sorted(folder.glob("*.py"))
        for status in (source.stat(),)
    ]
    return "\n".join(parts).encode()


def spec_cache_key(content: bytes) -> str:
    """The cache key of a spec file's bytes: changes with the bytes, the version or the models.

    Examples
    --------
    >>> spec_cache_key(b"a: 1") == spec_cache_key(b"a: 1") != spec_cache_key(b"a: 2")
    True
    """
    digest = hashlib.sha256()
    for part in (content, __version__.encode(), _models_fingerprint()):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def load_spec_cached(path: str | Path) -> IndexSpec:
    """Read and check the spec at ``path``, from the cache when this exact spec was read before.

    Raises the same :class:`~govindex.errors.SpecError` as :func:`govindex.spec.load_spec`.

    Examples
    --------
    >>> cached = load_spec_cached("specs/papi-2024.yaml")
    >>> cached.index.year
    2024
    """
    from govindex.spec import spec_from_dict, spec_from_text, spec_to_dict
    from govindex.spec.load import read_spec_bytes

    path = Path(path)
    content = read_spec_bytes(path)
    entry = cache_folder() / "specs" / f"{spec_cache_key(content)}.json"
    try:
        return spec_from_dict(json.loads(entry.read_text(encoding="utf-8")), source=path.name)
    except (OSError, ValueError, GovIndexError):
        pass  # not cached yet, or unreadable: parse the YAML below and cache it afresh
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        msg = f"cannot read spec file `{path}`: {error}"
        raise SpecError(msg, where=str(path)) from error
    spec = spec_from_text(text, source=path.name)
    _write_atomically(entry, json.dumps(spec_to_dict(spec), ensure_ascii=False))
    return spec


def _write_atomically(target: Path, text: str) -> None:
    # A reader never sees half an entry: write beside it, then rename over it.
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".spec-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return  # a read-only or full cache only costs speed
