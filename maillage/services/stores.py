"""Which store a user means (``--db``, ``--neo4j``, the environment), opened one way."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from maillage.queries.connect import DEFAULT_DB
from maillage.queries.connect import open_store as connect
from maillage.queries.store import Store


@dataclass(frozen=True)
class StoreChoice:
    """The store options a user gave; the environment fills in the rest.

    The most explicit choice wins: ``neo4j``, then ``db``, then ``NEO4J_URI``, then
    ``MAILLAGE_DB``, then ``maillage.db`` in the current folder.
    """

    db: str | None = None
    neo4j: str | None = None

    def open(self) -> Store:
        """The store, opened (the caller closes it)."""
        return connect(db=self.db, neo4j_uri=self.neo4j)

    @contextmanager
    def opened(self) -> Iterator[Store]:
        """The store, closed on the way out."""
        store = self.open()
        try:
            yield store
        finally:
            store.close()

    def embedded_path(self, default: str = DEFAULT_DB) -> str:
        """The embedded store's file this choice names (``db``, ``MAILLAGE_DB``, ``default``)."""
        return self.db or os.environ.get("MAILLAGE_DB") or default

    def environment(self, base: Mapping[str, str]) -> dict[str, str]:
        """``base`` with this choice written as the explorer reads it (``NEO4J_URI`` or an
        absolute ``MAILLAGE_DB``); an explicit ``db`` wins over a ``NEO4J_URI`` in ``base``."""
        environment = dict(base)
        if self.neo4j:
            environment["NEO4J_URI"] = self.neo4j
        elif self.db:
            environment["MAILLAGE_DB"] = str(Path(self.db).resolve())
            environment.pop("NEO4J_URI", None)
        return environment
