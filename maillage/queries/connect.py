"""Open the store a user asked for: Neo4j when a URI is given, else the embedded file."""

from __future__ import annotations

import os

from maillage.queries.store import Store

DEFAULT_DB = "maillage.db"


def open_store(*, db: str | None = None, neo4j_uri: str | None = None) -> Store:
    """The store the user named, most explicit first.

    ``neo4j_uri`` (``--neo4j``), then ``db`` (``--db``), then the environment:
    ``NEO4J_URI``, else ``MAILLAGE_DB``, else ``maillage.db`` here. Neo4j credentials come
    from ``NEO4J_USER``, ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``.
    """
    uri = neo4j_uri or (None if db else os.environ.get("NEO4J_URI"))
    if uri:
        from maillage.queries.neo4j_store import Neo4jStore  # imported here: the driver is heavy

        return Neo4jStore(
            uri,
            user=os.environ.get("NEO4J_USER", "neo4j"),
            password=os.environ.get("NEO4J_PASSWORD", ""),
            database=os.environ.get("NEO4J_DATABASE") or None,
        )
    from maillage.queries.sqlite_store import SQLiteStore

    return SQLiteStore.at(db or os.environ.get("MAILLAGE_DB") or DEFAULT_DB)
