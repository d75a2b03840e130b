"""The embedded store: one local SQLite file, no server."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

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
    LoadResult,
    StoreError,
    StoreInfo,
)

_BATCH = 5_000


class SQLiteStore:
    """The embedded store in one SQLite file (``":memory:"`` for a throwaway one).

    >>> store = SQLiteStore(":memory:")
    >>> orgs = organizations_frame([{"id": "a", "name": "A", "type": "network"}])
    >>> store.load(orgs, ties_frame([])).organizations
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
        self._connection.executescript(sql.SCHEMA)
        with self._transaction():
            if self._meta("data_version") is None:
                self._connection.execute(sql.SET_META, ("data_version", "empty"))

    @classmethod
    def at(cls, path: str | os.PathLike[str]) -> SQLiteStore:
        """Open the store at ``path``, creating its folder if needed."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return cls(path)

    def load(
        self,
        orgs: pd.DataFrame,
        ties: pd.DataFrame,
        *,
        progress: Progress | None = None,
        remove_ids: Iterable[str] = (),
    ) -> LoadResult:
        orgs = organizations_frame(orgs)
        remove_ids = list(remove_ids)
        ties = ties_frame(ties)
        total = len(orgs) + len(ties)
        done = 0
        version = uuid.uuid4().hex
        try:
            with self._transaction():
                if remove_ids:
                    self._fill_id_list(remove_ids)
                    self._connection.execute(sql.DELETE_TIES_OF_LISTED)
                    self._connection.execute(sql.DELETE_LISTED_ORGANIZATIONS)
                for rows in _batches(_organization_rows(orgs)):
                    self._connection.executemany(sql.UPSERT_ORGANIZATION, rows)
                    done += len(rows)
                    if progress:
                        progress(done, total)
                for rows in _batches(_tie_rows(ties)):
                    self._connection.executemany(sql.UPSERT_TIE, rows)
                    done += len(rows)
                    if progress:
                        progress(done, total)
                self._connection.execute(sql.SET_META, ("data_version", version))
        except sqlite3.IntegrityError as error:
            raise StoreError(f"load refused, nothing written: {error}") from error
        except sqlite3.Error as error:
            raise StoreError(f"load failed, nothing written: {error}") from error
        return LoadResult(organizations=len(orgs), ties=len(ties), data_version=version)

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        # A read transaction: filling the TEMP id list takes no lock on the store file.
        with self._transaction(read_only=True):
            self._fill_id_list(ids)
            found = {row[0] for row in self._connection.execute(sql.EXISTING_IDS)}
        return found

    def info(self) -> StoreInfo:
        # A read transaction (not IMMEDIATE), so info never waits for a load to finish.
        with self._transaction(read_only=True):
            orgs = dict(self._connection.execute(sql.COUNT_ORGANIZATIONS_BY_TYPE).fetchall())
            ties = dict(self._connection.execute(sql.COUNT_TIES_BY_TYPE).fetchall())
            version = self._meta("data_version") or "empty"
        return StoreInfo(
            backend=self.backend,
            location=self.location,
            data_version=version,
            organizations_by_type=orgs,
            ties_by_type=ties,
        )

    def data_version(self) -> str:
        with self._lock:
            return self._meta("data_version") or "empty"

    def read_graph(self, query: GraphQuery) -> tuple[pd.DataFrame, pd.DataFrame]:
        parameters = {
            "levels": json.dumps(list(query.levels)),
            "types": _json_or_none(query.organization_types),
            "regions": _json_or_none(query.regions),
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

    def write_metrics(self, metrics: pd.DataFrame) -> int:
        rows = [
            (json.dumps({k: plain_value(v) for k, v in row.items()}, sort_keys=True), str(org_id))
            for org_id, row in metrics.to_dict(orient="index").items()
        ]
        with self._transaction():
            self._connection.executemany(sql.SET_METRICS, rows)
            self._connection.execute(sql.SET_META, ("data_version", uuid.uuid4().hex))
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

    def _meta(self, key: str) -> str | None:
        row = self._connection.execute(sql.GET_META, (key,)).fetchone()
        return None if row is None else str(row[0])

    def _fill_id_list(self, ids: Iterable[str]) -> None:
        self._connection.execute(sql.CREATE_ID_LIST)
        self._connection.execute(sql.CLEAR_ID_LIST)
        self._connection.executemany(sql.ADD_TO_ID_LIST, ((i,) for i in ids))


def _organization_rows(orgs: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
    row: Any
    for row in orgs.itertuples(index=False):
        yield (
            row.id, row.name, row.type, row.legal_form, row.sector, row.region, row.city,
            row.country, plain_value(row.lat), plain_value(row.lon), row.website,
            plain_value(row.founded), plain_value(row.members), plain_value(row.employees),
            row.tags, row.visibility,
            properties_json(row.properties),
        )  # fmt: skip


def _tie_rows(ties: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
    row: Any
    for row in ties.itertuples(index=False):
        yield (
            row.source, row.target, row.type, since_key(row.since), float(row.weight),
            row.since, row.until, row.visibility, row.source_ref, row.note,
            properties_json(row.properties),
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


def _json_or_none(values: tuple[str, ...] | None) -> str | None:
    return None if values is None else json.dumps(list(values))
