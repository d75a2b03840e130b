"""The embedded store: one local SQLite file, no server."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from maillage.ground.ledger import (
    MERGED,
    SOURCE_ROW,
    Change,
    Decision,
    Meta,
    Source,
    organization_rows,
    records_of_rows,
    tie_records_of_rows,
    tie_rows,
)
from maillage.ground.tables import (
    Progress,
    organizations_frame,
    plain_value,
    properties_json,
    since_key,
    ties_frame,
)
from maillage.ground.vocabulary import ORGANIZATION_COLUMNS
from maillage.queries import frames, sql
from maillage.queries.store import (
    GraphQuery,
    Planner,
    StoreError,
    StoreInfo,
    TieIdentity,
)

_BATCH = 5_000


class SQLiteStore:
    """The embedded store in one SQLite file (``":memory:"`` for a throwaway one).

    >>> from maillage.ground.ledger import Change
    >>> store = SQLiteStore(":memory:")
    >>> rows = organization_rows([{"id": "a", "name": "A", "type": "network", "records": ""}])
    >>> store.write(lambda reader: Change(organizations=rows, meta=Meta(rows=1))).rows
    1
    >>> store.info().organizations_by_type
    {'network': 1}
    >>> store.close()
    """

    backend = "embedded"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.location = str(path)
        # One connection shared by every thread that uses this object (the explorer's
        # sessions): the lock keeps their transactions from interleaving on it.
        self._lock = threading.RLock()
        try:
            self._connection = sqlite3.connect(
                self.location, isolation_level=None, check_same_thread=False, timeout=30
            )
        except sqlite3.Error as error:
            raise StoreError(f"cannot open the store {self.location}: {error}") from error
        self._connection.execute("PRAGMA foreign_keys = ON")
        if self.location != ":memory:":
            # WAL: readers see the data before or after a load, never half of it.
            self._connection.execute("PRAGMA journal_mode = WAL")
            self._connection.execute("PRAGMA synchronous = NORMAL")
        try:
            self._migrate()
        except sqlite3.Error as error:
            self._connection.close()
            raise StoreError(f"cannot use the store {self.location}: {error}") from error

    @classmethod
    def at(cls, path: str | os.PathLike[str]) -> SQLiteStore:
        """Open the store at ``path``, creating its folder if needed."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return cls(path)

    def _migrate(self) -> None:
        """Create the tables; a store made before the ledger gets its columns, and each of
        its rows a record from the source ``(earlier loads)`` saying what the row says."""
        self._connection.executescript(sql.SCHEMA)
        with self._transaction():
            for table, column, kind in sql.LEDGER_COLUMNS:
                present = {r[0] for r in self._connection.execute(sql.TABLE_COLUMNS, (table,))}
                if column not in present:
                    self._connection.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            if not self._connection.execute(sql.UNMIGRATED_ORGANIZATIONS).fetchone()[0]:
                return
            orgs = _organizations_frame(
                self._connection.execute(sql.SELECT_ORGANIZATIONS, _READ_ALL).fetchall()
            )
            ties = _ties_frame(self._connection.execute(sql.SELECT_TIES, _READ_ALL).fetchall())
            org_texts, tie_texts = records_of_rows(orgs), tie_records_of_rows(ties)
            org_digests = organization_rows(_records(orgs))["digest"].tolist()
            tie_digests = tie_rows(_records(ties))["digest"].tolist()
            self._connection.executemany(
                sql.SET_ORGANIZATION_LEDGER, zip(org_texts, org_digests, orgs["id"], strict=True)
            )
            self._connection.executemany(
                sql.SET_TIE_LEDGER,
                (
                    (text, digest, s, t, k, since_key(v))
                    for text, digest, s, t, k, v in zip(
                        tie_texts, tie_digests, ties["source"], ties["target"], ties["type"],
                        ties["since"], strict=True,
                    )
                ),
            )  # fmt: skip
            total = sum(r[0] for r in self._connection.execute(sql.ALL_DIGESTS)) % (1 << 64)
            self._set_meta(Meta(rows=total, metrics=self._meta_value("metrics") or ""))

    def write(self, plan: Planner, *, progress: Progress | None = None) -> Meta:
        try:
            with self._transaction():
                change = plan(_Reader(self))
                if change is None:
                    return self._read_meta()
                self._apply(change, progress)
                return self._read_meta()
        except sqlite3.IntegrityError as error:
            raise StoreError(f"write refused, nothing written: {error}") from error
        except sqlite3.Error as error:
            raise StoreError(f"write failed, nothing written: {error}") from error

    def _apply(self, change: Change, progress: Progress | None) -> None:
        execute = self._connection.executemany
        orgs = change.organizations if change.organizations is not None else pd.DataFrame()
        ties = change.ties if change.ties is not None else pd.DataFrame()
        total, done = len(orgs) + len(ties), 0
        execute(sql.DELETE_TIE, change.removed_ties)
        execute(sql.DELETE_ORGANIZATION, ((i,) for i in change.removed_organizations))
        for statement, rows in (
            (sql.UPSERT_ORGANIZATION, _organization_rows(orgs) if len(orgs) else iter(())),
            (sql.UPSERT_TIE, _tie_rows(ties) if len(ties) else iter(())),
        ):
            for batch in _batches(rows):
                execute(statement, batch)
                done += len(batch)
                if progress:
                    progress(done, total)
        execute(sql.DELETE_KEY, change.removed_keys)
        execute(sql.SET_KEY, ((s, k, o) for (s, k), o in change.keys.items()))
        execute(sql.DELETE_SOURCE, ((name,) for name in change.removed_sources))
        execute(
            sql.SET_SOURCE,
            (
                (s.name, s.priority, s.first_loaded, s.last_loaded, json.dumps(list(s.files)))
                for s in change.sources
            ),
        )
        execute(sql.ADD_DECISION, ((d.kind, d.left, d.right, d.at) for d in change.decisions))
        meta = self._read_meta()
        self._set_meta(Meta(change.meta.rows, meta.metrics, change.meta.last_at or meta.last_at))

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        # A read transaction: filling the TEMP id list takes no lock on the store file.
        with self._transaction(read_only=True):
            return self._existing(ids)

    def known_ids(self, ids: Iterable[str], *, source: str | None = None) -> set[str]:
        wanted = set(ids)
        with self._transaction(read_only=True):
            reader = _Reader(self)
            found = reader.existing(wanted)
            spaces = [MERGED] + ([SOURCE_ROW + source] if source else [])
            keys = reader.keys((space, i) for space in spaces for i in wanted - found)
        return found | {key for _, key in keys}

    def _existing(self, ids: Iterable[str]) -> set[str]:
        self._fill_id_list(ids)
        return {row[0] for row in self._connection.execute(sql.EXISTING_IDS)}

    def info(self) -> StoreInfo:
        # A read transaction (not IMMEDIATE), so info never waits for a load to finish.
        with self._transaction(read_only=True):
            orgs = dict(self._connection.execute(sql.COUNT_ORGANIZATIONS_BY_TYPE).fetchall())
            ties = dict(self._connection.execute(sql.COUNT_TIES_BY_TYPE).fetchall())
            version = self._read_meta().data_version
        return StoreInfo(
            backend=self.backend,
            location=self.location,
            data_version=version,
            organizations_by_type=orgs,
            ties_by_type=ties,
        )

    def data_version(self) -> str:
        with self._lock:
            return self._read_meta().data_version

    def read_graph(self, query: GraphQuery) -> tuple[pd.DataFrame, pd.DataFrame]:
        parameters = {
            "levels": json.dumps(list(query.levels)),
            "tie_types": _json_or_none(query.tie_types),
            "as_of": query.as_of_text,
        }
        # One read transaction, so a load running meanwhile is seen whole or not at all.
        with self._transaction(read_only=True):
            if query.focus is None:
                org_rows = self._connection.execute(sql.SELECT_ORGANIZATIONS, parameters)
                tie_rows = self._connection.execute(sql.SELECT_TIES, parameters)
                orgs, ties = org_rows.fetchall(), tie_rows.fetchall()
            else:
                orgs, ties = self._ego(query.focus, query.hops, parameters)
        return _organizations_frame(orgs), _ties_frame(ties)

    def _ego(
        self, focus: str, hops: int, parameters: dict[str, Any]
    ) -> tuple[list[Any], list[Any]]:
        """The neighbourhood read hop by hop through the indexes, never the whole graph."""
        self._fill_id_list([focus])
        if not self._connection.execute(sql.SELECT_LISTED_ORGANIZATIONS, parameters).fetchall():
            return [], []
        reached, frontier = {focus}, {focus}
        for _ in range(hops):
            if not frontier:
                break
            self._fill_id_list(frontier)
            pairs = self._connection.execute(sql.SELECT_NEIGHBOUR_PAIRS, parameters).fetchall()
            frontier = {end for pair in pairs for end in pair} - reached
            reached |= frontier
        self._fill_id_list(reached)
        org_rows = self._connection.execute(sql.SELECT_LISTED_ORGANIZATIONS, parameters)
        tie_rows = self._connection.execute(sql.SELECT_LISTED_TIES, parameters)
        return org_rows.fetchall(), tie_rows.fetchall()

    def read_records(self, ids: Iterable[str] | None = None) -> pd.DataFrame:
        with self._transaction(read_only=True):
            self._fill_id_list(ids or ())
            rows = self._connection.execute(sql.SELECT_RECORDS, {"every": ids is None}).fetchall()
        return pd.DataFrame(rows, columns=["id", "records"])

    def read_tie_records(self, ids: Iterable[str] | None) -> pd.DataFrame:
        with self._transaction(read_only=True):
            if ids is not None:
                return _Reader(self).ties_of(ids)
            rows = self._connection.execute(sql.LEDGER_ALL_TIES).fetchall()
        return _ledger_ties(rows)

    def sources(self) -> list[Source]:
        with self._transaction(read_only=True):
            return self._sources()

    def _sources(self) -> list[Source]:
        return [
            Source(name, int(priority), first, last, tuple(json.loads(files)))
            for name, priority, first, last, files in self._connection.execute(sql.SELECT_SOURCES)
        ]

    def decisions(self) -> list[Decision]:
        with self._transaction(read_only=True):
            rows = self._connection.execute(sql.SELECT_DECISIONS).fetchall()
        return [Decision(*row) for row in rows]

    def write_metrics(self, metrics: pd.DataFrame) -> int:
        rows = [
            (json.dumps({k: plain_value(v) for k, v in row.items()}, sort_keys=True), str(org_id))
            for org_id, row in metrics.to_dict(orient="index").items()
        ]
        with self._transaction():
            self._connection.executemany(sql.SET_METRICS, rows)
            meta = self._read_meta()
            self._set_meta(Meta(meta.rows, uuid.uuid4().hex[:12], meta.last_at))
        return len(rows)

    def read_metrics(self) -> pd.DataFrame:
        """Metrics last written with :meth:`write_metrics`, indexed by organization id."""
        with self._lock:
            rows = self._connection.execute(sql.SELECT_METRICS).fetchall()
        return pd.DataFrame.from_records(
            [json.loads(metrics) for _, metrics in rows], index=[org_id for org_id, _ in rows]
        )

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self, *, read_only: bool = False) -> Iterator[None]:
        with self._lock:
            self._connection.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")
            try:
                yield
                self._connection.execute("COMMIT")
            except BaseException:
                # SQLite rolls back by itself on some errors (SQLITE_FULL, SQLITE_IOERR); a
                # second ROLLBACK would fail and hide the real error. A failed COMMIT can
                # leave the transaction open: roll it back so the connection stays usable.
                if self._connection.in_transaction:
                    self._connection.execute("ROLLBACK")
                raise

    def _meta_value(self, key: str) -> str | None:
        row = self._connection.execute(sql.GET_META, (key,)).fetchone()
        return None if row is None else str(row[0])

    def _read_meta(self) -> Meta:
        return Meta(
            rows=int(self._meta_value("rows") or 0),
            metrics=self._meta_value("metrics") or "",
            last_at=self._meta_value("last_at") or "",
        )

    def _set_meta(self, meta: Meta) -> None:
        self._connection.executemany(
            sql.SET_META,
            [("rows", str(meta.rows)), ("metrics", meta.metrics), ("last_at", meta.last_at)],
        )

    def _fill_id_list(self, ids: Iterable[str]) -> None:
        self._connection.execute(sql.CREATE_ID_LIST)
        self._connection.execute(sql.CLEAR_ID_LIST)
        self._connection.executemany(sql.ADD_TO_ID_LIST, ((i,) for i in ids))


#: Parameters reading everything (every visibility and date).
_READ_ALL = {"levels": json.dumps(["public", "members", "private"]), "tie_types": None,
             "as_of": None}  # fmt: skip


class _Reader:
    """What a write's rules read, inside the write's transaction (``LedgerReader``)."""

    def __init__(self, store: SQLiteStore) -> None:
        self._store = store
        self._connection = store._connection

    def keys(self, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        asked = set(wanted)
        (held,) = self._connection.execute(sql.COUNT_KEYS).fetchone()
        if held <= len(asked):  # fewer keys held than asked for: read them all
            rows = self._connection.execute(sql.ALL_KEYS)
            return {(s, k): o for s, k, o in rows if (s, k) in asked}
        self._connection.execute(sql.CREATE_KEY_LIST)
        self._connection.execute(sql.CLEAR_KEY_LIST)
        self._connection.executemany(sql.ADD_TO_KEY_LIST, asked)
        return {(s, k): o for s, k, o in self._connection.execute(sql.LISTED_KEYS)}

    def keys_to(self, ids: Iterable[str], spaces: Iterable[str] = ()) -> dict[tuple[str, str], str]:
        self._store._fill_id_list(ids)
        rows = self._connection.execute(sql.KEYS_TO_LISTED, {"spaces": json.dumps(list(spaces))})
        return {(s, k): o for s, k, o in rows}

    def existing(self, ids: Iterable[str]) -> set[str]:
        asked = set(ids)
        (held,) = self._connection.execute(sql.COUNT_ORGANIZATIONS).fetchone()
        if held <= len(asked):
            return {r[0] for r in self._connection.execute(sql.ALL_IDS) if r[0] in asked}
        return self._store._existing(asked)

    def organizations(self, ids: Iterable[str]) -> pd.DataFrame:
        asked = set(ids)
        (held,) = self._connection.execute(sql.COUNT_ORGANIZATIONS).fetchone()
        if held == 0 or not asked:
            return pd.DataFrame([], columns=["id", "records", "digest"])
        self._store._fill_id_list(asked)
        rows = self._connection.execute(sql.LEDGER_LISTED_ORGANIZATIONS).fetchall()
        return pd.DataFrame(rows, columns=["id", "records", "digest"])

    def ties(self, identities: Iterable[TieIdentity]) -> pd.DataFrame:
        (held,) = self._connection.execute(sql.COUNT_TIES).fetchone()
        if held == 0:
            return _ledger_ties([])
        self._connection.execute(sql.CREATE_TIE_LIST)
        self._connection.execute(sql.CLEAR_TIE_LIST)
        self._connection.executemany(sql.ADD_TO_TIE_LIST, identities)
        return _ledger_ties(self._connection.execute(sql.LEDGER_LISTED_TIES).fetchall())

    def ties_of(self, ids: Iterable[str]) -> pd.DataFrame:
        self._store._fill_id_list(ids)
        return _ledger_ties(self._connection.execute(sql.LEDGER_TIES_OF_LISTED).fetchall())

    def holding(self, source: str) -> tuple[list[str], list[TieIdentity]]:
        needle = {"needle": "[" + json.dumps(source, ensure_ascii=False) + ","}
        orgs = [r[0] for r in self._connection.execute(sql.HOLDING_ORGANIZATIONS, needle)]
        ties = [tuple(r) for r in self._connection.execute(sql.HOLDING_TIES, needle)]
        return orgs, ties

    def sources(self) -> list[Source]:
        return self._store._sources()

    def meta(self) -> Meta:
        return self._store._read_meta()


def _organization_rows(orgs: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
    row: Any
    for row in orgs.itertuples(index=False):
        yield (
            row.id, row.name, row.type, row.legal_form, row.sector, row.region, row.city,
            row.country, plain_value(row.lat), plain_value(row.lon), row.website,
            plain_value(row.founded), plain_value(row.members), plain_value(row.employees),
            row.tags, row.visibility,
            properties_json(row.properties), row.records, int(row.digest),
        )  # fmt: skip


def _tie_rows(ties: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
    row: Any
    for row in ties.itertuples(index=False):
        yield (
            row.source, row.target, row.type, since_key(row.since), float(row.weight),
            row.since, row.until, row.visibility, row.source_ref, row.note,
            properties_json(row.properties), row.records, int(row.digest),
        )  # fmt: skip


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


#: The columns of ``sql.SELECT_ORGANIZATIONS`` and ``sql.SELECT_TIES`` (and their listed
#: forms), in order.
_ORGANIZATION_READ = (*ORGANIZATION_COLUMNS, "properties")
_TIE_READ = ("source", "target", "type", "weight", "since", "until", "visibility",
             "source_ref", "note", "properties", "since_key")  # fmt: skip
_TIE_WORDS = ("source", "target", "type", "visibility")


def _organizations_frame(rows: list[Any]) -> pd.DataFrame:
    """Organizations as read, in canonical shape: by ``queries.frames`` when the values
    are what the store writes (the general ``organizations_frame`` otherwise)."""
    if rows:
        columns = dict(zip(_ORGANIZATION_READ, zip(*rows, strict=True), strict=True))
        visibility = columns["visibility"]
        if frames.only(frames.STRING, visibility):
            frame = frames.organizations(columns, frames.objects(visibility))
            if frame is not None:
                return frame
    return organizations_frame(pd.DataFrame(rows, columns=list(_ORGANIZATION_READ)))


def _ties_frame(rows: list[Any]) -> pd.DataFrame:
    """Ties as read, in canonical shape: by ``queries.frames`` when the values are what
    the store writes and in its order (the general ``ties_frame`` otherwise)."""
    if rows:
        columns: dict[str, Any] = dict(zip(_TIE_READ, zip(*rows, strict=True), strict=True))
        if all(frames.only(frames.STRING, columns[c]) for c in _TIE_WORDS) and _in_order(columns):
            columns.update((c, frames.objects(columns[c])) for c in _TIE_WORDS)
            frame = frames.ties(columns, None)
            if frame is not None:
                return frame
    return ties_frame(pd.DataFrame(rows, columns=list(_TIE_READ)))


def _in_order(ties: dict[str, Any]) -> bool:
    """Whether the ties are in the order of ``ties_frame``: the query sorts them by source,
    target, type (as Python orders text) and ``since_key``, which the store keeps equal to
    since, or the empty text for none (as ``ties_frame`` sorts since)."""
    since = ties["since"]
    return frames.only(frames.TEXT, since) and [s or "" for s in since] == list(ties["since_key"])


#: What the ledger reads of a tie.
LEDGER_TIE_COLUMNS = ["source", "target", "type", "since", "records", "digest"]


def _ledger_ties(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=LEDGER_TIE_COLUMNS)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _json_or_none(values: tuple[str, ...] | None) -> str | None:
    return None if values is None else json.dumps(list(values))
