"""Compute once, reuse: analytics results keyed by data version, audience, date and options.

The CLI and the app ask for the same tables again and again; a result depends only on
the data (its version token), who looks (audience), when (as-of date) and the options.
:class:`AnalyticsCache` keeps recent results in memory and, when given a folder, as
pickle files there so another process (the CLI after the app) finds them too. Only
load a cache folder you wrote yourself: unpickling runs code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: Bump when the shape of cached results changes, so old files are not read.
CACHE_FORMAT = 2


def cache_key(
    data_version: str,
    audience: str,
    as_of: dt.date | str | None,
    options: Mapping[str, Any] | None = None,
) -> str:
    """A stable text key: the same inputs give the same key in every process.

    Options are written as sorted JSON, so their order does not matter.

    >>> cache_key("v1", "public", "2024-01-01", {"top": 10, "seed": 0}) == cache_key(
    ...     "v1", "public", dt.date(2024, 1, 1), {"seed": 0, "top": 10})
    True
    >>> len(cache_key("v1", "public", None))
    64
    """
    day = as_of.isoformat() if isinstance(as_of, dt.date) else as_of
    payload = json.dumps(
        [CACHE_FORMAT, str(data_version), str(audience), day, dict(options or {})],
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class AnalyticsCache:
    """A small least-recently-used cache in memory, optionally backed by a folder.

    Parameters
    ----------
    directory : str or Path, optional
        Folder for pickle files (created when missing). None keeps results in memory only.
    max_items : int, default 32
        Results kept in memory; the least recently used go first.

    Examples
    --------
    >>> cache = AnalyticsCache()
    >>> calls = []
    >>> key = cache_key("v1", "public", None, {"what": "metrics"})
    >>> cache.get_or_compute(key, lambda: calls.append(1) or 42)
    42
    >>> cache.get_or_compute(key, lambda: calls.append(1) or 42), len(calls)
    (42, 1)
    """

    def __init__(self, directory: str | Path | None = None, *, max_items: int = 32) -> None:
        if max_items < 1:
            raise ValueError("max_items must be at least 1")
        self.directory = None if directory is None else Path(directory)
        self.max_items = max_items
        self._memory: OrderedDict[str, Any] = OrderedDict()

    def __contains__(self, key: str) -> bool:
        path = self._path(key)
        return key in self._memory or (path is not None and path.exists())

    def get(self, key: str, default: Any = None) -> Any:
        """The stored result for ``key``, or ``default``."""
        if key in self._memory:
            self._memory.move_to_end(key)
            return self._memory[key]
        path = self._path(key)
        if path is not None and path.exists():
            try:
                with path.open("rb") as handle:
                    value = pickle.load(handle)
            except Exception:  # a corrupt or stale file is recomputed, never fatal
                return default
            self._remember(key, value)
            return value
        return default

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key`` (in memory, and on disk when there is a folder)."""
        self._remember(key, value)
        path = self._path(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file then rename, so readers never see half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get_or_compute(self, key: str, compute: Callable[[], T]) -> T:
        """The stored result for ``key``, computing and storing it when missing."""
        missing = object()
        value = self.get(key, missing)
        if value is missing:
            value = compute()
            self.put(key, value)
        return value

    def clear(self) -> None:
        """Forget every result, in memory and on disk."""
        self._memory.clear()
        if self.directory is not None and self.directory.exists():
            for path in self.directory.glob("*.pickle"):
                path.unlink(missing_ok=True)

    def _remember(self, key: str, value: Any) -> None:
        self._memory[key] = value
        self._memory.move_to_end(key)
        while len(self._memory) > self.max_items:
            self._memory.popitem(last=False)

    def _path(self, key: str) -> Path | None:
        if self.directory is None:
            return None
        if not key or any(c not in "0123456789abcdef" for c in key):
            raise ValueError("cache keys are made by cache_key()")
        return self.directory / f"{key}.pickle"


def cache_directory() -> Path:
    """Where results are kept between commands: ``MAILLAGE_CACHE`` or the user cache."""
    configured = os.environ.get("MAILLAGE_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "maillage"


_shared: dict[Path, AnalyticsCache] = {}
_shared_lock = threading.Lock()


def shared_cache() -> AnalyticsCache:
    """The cache of this process for :func:`cache_directory` (the CLI and the explorer
    read and write the same folder)."""
    folder = cache_directory()
    with _shared_lock:
        if folder not in _shared:
            _shared[folder] = AnalyticsCache(folder)
        return _shared[folder]
