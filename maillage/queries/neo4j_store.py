"""The Neo4j store: the same contract as the embedded store, on a Neo4j server over Bolt."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, Final, LiteralString, TypeVar

import neo4j
import numpy as np
import pandas as pd
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable

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
from maillage.ground.vocabulary import VISIBILITIES
from maillage.queries import cypher, frames
from maillage.queries.store import (
    GraphQuery,
    Planner,
    StoreError,
    StoreInfo,
    TieIdentity,
)

#: Rows per UNWIND statement; every batch of a load runs in one transaction.
_BATCH = 10_000

_T = TypeVar("_T")
_R = TypeVar("_R")
#: A transaction function's argument: managed (reads, retried) or explicit (writes, once).
_Tx = neo4j.ManagedTransaction | neo4j.Transaction


class Neo4jStore:
    """The store on a Neo4j server (5.x or a 2025+ calendar release; Community is enough).

    Organizations are ``(:Organization:<TypeLabel> {id, ...})`` nodes, ties are
    relationships of the tie type in upper case, the data version sits in one
    ``(:MaillageMeta {key: 'store'})`` node. A load is one transaction: after an error,
    a crash or a kill the server rolls it back, and readers never see half of it.
    """

    backend = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str = "neo4j",
        password: str = "",
        database: str | None = None,
    ) -> None:
        self.uri = uri
        self.database = database or None
        self.location = uri if self.database is None else f"{uri} (database {self.database})"
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri,
                auth=(user, password),
                # Server notifications are for people at a console; here they are noise.
                notifications_min_severity="OFF",
            )
        except (DriverError, ValueError) as error:
            raise StoreError(f"cannot use the Neo4j address {uri!r}: {error}") from error
        try:
            self._run_schema()
        except BaseException:
            self._driver.close()
            raise

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Neo4jStore:
        """The store named by ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD`` and
        ``NEO4J_DATABASE`` (the server's home database when unset)."""
        env = os.environ if environ is None else environ
        uri = env.get("NEO4J_URI")
        if not uri:
            raise StoreError(
                "NEO4J_URI is not set: give the server's address, e.g. bolt://127.0.0.1:7697 "
                '(eval "$(tools/neo4j/neo4j.sh env)" after tools/neo4j/neo4j.sh start)'
            )
        return cls(
            uri,
            user=env.get("NEO4J_USER") or "neo4j",
            password=env.get("NEO4J_PASSWORD", ""),
            database=env.get("NEO4J_DATABASE") or None,
        )

    def write(self, plan: Planner, *, progress: Progress | None = None) -> Meta:
        def work(tx: _Tx) -> Meta:
            tx.run(cypher.LOCK_STORE).consume()  # readers wait: they see before or after
            change = plan(_Reader(tx))
            if change is not None:
                _apply(tx, change, progress)
            return _meta(tx)

        return self._execute(work)

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = [str(i) for i in ids]
        if not wanted:
            return set()
        return set(
            self._read(lambda tx: [r["id"] for r in tx.run(cypher.EXISTING_IDS, ids=wanted)])
        )

    def known_ids(self, ids: Iterable[str], *, source: str | None = None) -> set[str]:
        wanted = {str(i) for i in ids}
        if not wanted:
            return set()

        def read(tx: _Tx) -> set[str]:
            found = {r["id"] for r in tx.run(cypher.EXISTING_IDS, ids=sorted(wanted))}
            spaces = [MERGED] + ([SOURCE_ROW + source] if source else [])
            keys = _Reader(tx).keys((s, i) for s in spaces for i in wanted - found)
            return found | {key for _, key in keys}

        return self._read(read)

    def info(self) -> StoreInfo:
        def read(tx: _Tx) -> tuple[dict[str, int], dict[str, int], str]:
            orgs = {r["type"]: r["n"] for r in tx.run(cypher.COUNT_ORGANIZATIONS_BY_TYPE)}
            ties = {
                cypher.TIE_TYPE_OF[r["relationship"]]: r["n"]
                for r in tx.run(cypher.COUNT_TIES_BY_RELATIONSHIP)
            }
            return orgs, ties, _meta(tx).data_version

        orgs, ties, version = self._consistent(read)
        return StoreInfo(
            backend=self.backend,
            location=self.location,
            data_version=version,
            organizations_by_type=dict(sorted(orgs.items())),
            ties_by_type=dict(sorted(ties.items())),
        )

    def data_version(self) -> str:
        return self._read(_meta).data_version

    def read_records(self, ids: Iterable[str] | None = None) -> pd.DataFrame:
        wanted = None if ids is None else [str(i) for i in ids]
        rows = self._read(
            lambda tx: [(r["id"], r["records"]) for r in tx.run(cypher.SELECT_RECORDS, ids=wanted)]
        )
        return pd.DataFrame(rows, columns=["id", "records"])

    def read_tie_records(self, ids: Iterable[str] | None) -> pd.DataFrame:
        wanted = None if ids is None else [str(i) for i in ids]
        return self._read(lambda tx: _tie_frame(tx.run(cypher.LEDGER_TIES_OF, ids=wanted)))

    def sources(self) -> list[Source]:
        return self._read(_sources)

    def decisions(self) -> list[Decision]:
        return self._read(
            lambda tx: [
                Decision(r["kind"], r["left"], r["right"], r["at"])
                for r in tx.run(cypher.SELECT_DECISIONS)
            ]
        )

    def read_graph(self, query: GraphQuery) -> tuple[pd.DataFrame, pd.DataFrame]:
        relationships = [
            cypher.RELATIONSHIP_OF[t]
            for t in (cypher.RELATIONSHIP_OF if query.tie_types is None else query.tie_types)
            if t in cypher.RELATIONSHIP_OF
        ]
        parameters: dict[str, Any] = {
            "levels": list(query.levels),
            "relationships": relationships,
            "as_of": query.as_of_text,
        }

        if query.focus is None:
            statement = cypher.SELECT_GRAPH
        else:
            statement = cypher.ego_network(query.hops)
            parameters["focus"] = str(query.focus)

        def read(tx: _Tx) -> tuple[list[list[Any]], list[list[Any]]]:
            record = tx.run(statement, parameters).single(strict=True)
            return record["organizations"], record["ties"]

        organizations, ties = self._consistent(read)
        return _organizations_read(organizations), _ties_read(ties, organizations[0])

    def write_metrics(self, metrics: pd.DataFrame) -> int:
        """Store each metric column as organization property ``maillage_<column>``.

        Neo4j Browser and Bloom can then size or colour nodes by them; the metrics an
        organization had from an earlier write are replaced.
        """
        rows = [
            {
                "id": str(org_id),
                "metrics": {_metric_key(k): _metric_value(v) for k, v in row.items()},
            }
            for org_id, row in metrics.to_dict(orient="index").items()
        ]
        version = uuid.uuid4().hex

        def write(tx: _Tx) -> None:
            tx.run(cypher.LOCK_STORE).consume()
            for batch in _batches(iter(rows)):
                tx.run(cypher.WRITE_METRICS, rows=batch).consume()
            meta = _meta(tx)
            _set_meta(tx, replace(meta, metrics=version[:12]))

        self._execute(write)
        return len(rows)

    def read_metrics(self) -> pd.DataFrame:
        """Metrics last written with :meth:`write_metrics`, indexed by organization id."""
        rows = self._read(lambda tx: [(r["id"], r["metrics"]) for r in tx.run(cypher.READ_METRICS)])
        return pd.DataFrame.from_records(
            [{key.removeprefix(cypher.METRIC_PREFIX): value for key, value in m} for _, m in rows],
            index=[org_id for org_id, _ in rows],
        )

    def server_version(self) -> str:
        """The server's name, version and edition, e.g. ``Neo4j Kernel 2026.08.1 community``."""
        return self._read(lambda tx: str(tx.run(cypher.SERVER_VERSION).single(strict=True)[0]))

    def close(self) -> None:
        self._driver.close()

    def _run_schema(self) -> None:
        """Create the constraints if they are missing (each in its own transaction)."""

        def create(statement: LiteralString) -> Callable[[_Tx], None]:
            def work(tx: _Tx) -> None:
                tx.run(statement).consume()

            return work

        for statement in (
            cypher.CREATE_ORGANIZATION_ID_CONSTRAINT,
            cypher.CREATE_META_KEY_CONSTRAINT,
            cypher.CREATE_KEY_CONSTRAINT,
            cypher.CREATE_KEY_ORGANIZATION_INDEX,
            cypher.CREATE_SOURCE_CONSTRAINT,
            cypher.CREATE_DECISION_CONSTRAINT,
        ):
            self._execute(create(statement))
        self._execute(_migrate)

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _consistent(self, work: Callable[[_Tx], _T]) -> _T:
        """Run a read of several statements so that it sees no load half-way.

        A load is one transaction, but Neo4j reads are read-committed: a reader can see a
        committing load partly applied, or a load committing between two of its
        statements. So the read first takes the store's lock, which every load holds from
        its first statement to its end: the read waits for a running load, and a load
        waits for the read. The transaction is then rolled back: it wrote nothing to
        keep, and a commit would append to the transaction log (a few milliseconds).
        """

        def locked(tx: _Tx) -> _T:
            tx.run(cypher.LOCK_STORE).consume()
            return work(tx)

        return self._run(locked, write=True, keep=False)

    def _execute(self, work: Callable[[_Tx], _T]) -> _T:
        """Run ``work`` in one write transaction, once: a load is not worth retrying blindly
        (a memory limit would fail again), and it must never run twice."""
        return self._run(work, write=True)

    def _read(self, work: Callable[[_Tx], _T]) -> _T:
        return self._run(work, write=False)

    def _run(self, work: Callable[[_Tx], _T], *, write: bool, keep: bool = True) -> _T:
        """Run ``work`` in a read transaction, or in a write transaction committed when
        ``keep`` (else rolled back: a read that took the store's lock)."""
        try:
            with self._driver.session(database=self.database) as session:
                if not write:
                    return session.execute_read(work)
                with session.begin_transaction() as tx:
                    result = work(tx)
                    if keep:
                        tx.commit()
                    else:
                        tx.rollback()
                    return result
        except StoreError:
            raise
        except AuthError as error:
            raise StoreError(
                f"Neo4j at {self.uri} refused the credentials: check NEO4J_USER and "
                f"NEO4J_PASSWORD ({error.message})"
            ) from error
        except ServiceUnavailable as error:
            raise StoreError(
                f"cannot reach Neo4j at {self.uri}: is it running? "
                f"(tools/neo4j/neo4j.sh start for a local one) ({error})"
            ) from error
        except Neo4jError as error:
            what = "write refused, nothing written" if write else "read failed"
            hint = ""
            if "Memory" in str(error.code):
                hint = (
                    " (the server's transaction memory limit, db.memory.transaction.total.max"
                    " or db.memory.transaction.max, is too small for this load: raise it, or"
                    " load the tables in parts)"
                )
            raise StoreError(f"{what}: {error.code}: {error.message}{hint}") from error
        except DriverError as error:
            what = "write failed, nothing written" if write else "read failed"
            raise StoreError(f"{what}: {error}") from error


class _Pipeline:
    """Statements of one write transaction, sent without waiting for each one's result.

    ``run`` returns once the server has taken a statement, that is once the statement
    before it has finished: the client converts and packs the next batch while the server
    writes the last one. Each result is settled (checked, counted) when the statement
    after it is sent, or at ``finish``; an error there refuses the whole transaction.
    """

    def __init__(self, tx: _Tx) -> None:
        self._tx = tx
        self._pending: list[tuple[neo4j.Result, Callable[[neo4j.Record], None]]] = []

    def send(
        self,
        statement: LiteralString,
        rows: list[list[Any]],
        settle: Callable[[neo4j.Record], None],
    ) -> None:
        self._pending.append((self._tx.run(statement, rows=rows), settle))
        while len(self._pending) > 1:
            self._settle_first()

    def finish(self) -> None:
        while self._pending:
            self._settle_first()

    def _settle_first(self) -> None:
        result, settle = self._pending.pop(0)
        settle(result.single(strict=True))


def _apply(tx: _Tx, change: Change, progress: Progress | None) -> None:
    """Write ``change`` in the transaction ``tx`` (which holds the store's lock)."""
    orgs = change.organizations if change.organizations is not None else pd.DataFrame()
    ties = change.ties if change.ties is not None else pd.DataFrame()
    unknown = sorted(set(ties["type"]) - set(cypher.UPSERT_TIES)) if len(ties) else []
    if unknown:
        raise StoreError(f"write refused, nothing written: unknown tie type {unknown[0]!r}")
    kinds = set(orgs["type"]) if len(orgs) else set()
    if kinds - set(cypher.CREATE_ORGANIZATIONS) or (len(orgs) and orgs["type"].isna().any()):
        raise StoreError("write refused, nothing written: unknown organization type")
    total, done = len(orgs) + len(ties), 0

    def advance(rows: int) -> None:
        nonlocal done
        done += rows
        if progress:
            progress(done, total)

    for tie_type, identities in _grouped(change.removed_ties, 2):
        for gone in _batches(identities):
            keys = [{"source": r[0], "target": r[1], "since_key": r[3]} for r in gone]
            tx.run(cypher.DELETE_TIES[tie_type], rows=keys).consume()
    for ids_gone in _batches(change.removed_organizations):
        tx.run(cypher.DELETE_ORGANIZATIONS, ids=ids_gone).consume()
    created: set[str] = set()
    if len(orgs):
        ids = orgs["id"].tolist()
        present = {r["id"] for r in tx.run(cypher.EXISTING_IDS, ids=ids)}
        created = set(ids) - present
        org_maps = _organization_maps(orgs)
        for org_type in sorted(kinds):
            of_type = [
                row for row, kind in zip(org_maps, orgs["type"], strict=True) if kind == org_type
            ]
            for statement, part in (
                (cypher.CREATE_ORGANIZATIONS[org_type], [r for r in of_type if r["id"] in created]),
                (
                    cypher.UPDATE_ORGANIZATIONS[org_type],
                    [r for r in of_type if r["id"] not in created],
                ),
            ):
                for batch in _batches(part):
                    tx.run(statement, rows=batch).consume()
                    advance(len(batch))
    if len(ties):
        tie_maps = _tie_maps(ties)
        for tie_type in sorted(set(ties["type"])):
            of_type = [
                row for row, kind in zip(tie_maps, ties["type"], strict=True) if kind == tie_type
            ]
            fresh = [r for r in of_type if r["source"] in created or r["target"] in created]
            known = [
                r for r in of_type if r["source"] not in created and r["target"] not in created
            ]
            for statement, part in (
                (cypher.CREATE_TIES[tie_type], fresh),
                (cypher.UPSERT_TIES[tie_type], known),
            ):
                for batch in _batches(part):
                    written = tx.run(statement, rows=batch).single(strict=True)["written"]
                    if written < len(batch):
                        # An end vanished since the plan read it (a writer outside Maillage).
                        raise StoreError("write refused, nothing written: a tie names an "
                                         "organization that is not in the store")  # fmt: skip
                    advance(len(batch))
    join = cypher.KEY_JOIN
    if change.removed_keys:
        tx.run(cypher.DELETE_KEYS, ids=[s + join + k for s, k in change.removed_keys]).consume()
    if change.keys:
        key_maps = [
            {"id": s + join + k, "space": s, "key": k, "organization": o}
            for (s, k), o in change.keys.items()
        ]
        for keys_part in _batches(key_maps):
            tx.run(cypher.SET_KEYS, rows=keys_part).consume()
    if change.removed_sources:
        tx.run(cypher.DELETE_SOURCES, names=change.removed_sources).consume()
    if change.sources:
        sources = [
            {"name": s.name, "priority": s.priority, "first_loaded": s.first_loaded,
             "last_loaded": s.last_loaded, "files": list(s.files)}
            for s in change.sources
        ]  # fmt: skip
        tx.run(cypher.SET_SOURCES, rows=sources).consume()
    if change.decisions:
        decisions = [
            {"id": join.join((d.kind, d.left, d.right)), "kind": d.kind, "left": d.left,
             "right": d.right, "at": d.at}
            for d in change.decisions
        ]  # fmt: skip
        tx.run(cypher.ADD_DECISIONS, rows=decisions).consume()
    meta = _meta(tx)
    _set_meta(tx, Meta(change.meta.rows, meta.metrics, change.meta.last_at or meta.last_at))


def _grouped(identities: Iterable[TieIdentity], column: int) -> list[tuple[str, list[TieIdentity]]]:
    groups: dict[str, list[TieIdentity]] = {}
    for identity in identities:
        groups.setdefault(identity[column], []).append(identity)
    return sorted(groups.items())


def _organization_maps(orgs: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows ``{id, values}``: every property of :data:`cypher.ORGANIZATION_PROPERTIES`
    (missing ones null, so that ``+=`` removes what the row no longer has)."""
    names = cypher.ORGANIZATION_PROPERTIES
    columns = [_plain_column(orgs[c]) for c in names[:-3]]
    columns.append([properties_json(p) if p else None for p in orgs["properties"].tolist()])
    columns.append(orgs["records"].tolist())
    columns.append([int(d) for d in orgs["digest"].tolist()])
    return [
        {"id": org_id, "values": dict(zip(names, values, strict=True))}
        for org_id, values in zip(orgs["id"].tolist(), zip(*columns, strict=True), strict=True)
    ]


def _tie_maps(ties: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows ``{source, target, since_key, values}`` (:data:`cypher.TIE_PROPERTIES`)."""
    names = cypher.TIE_PROPERTIES
    columns = [_plain_column(ties[c]) for c in names[:-3]]
    columns.append([properties_json(p) if p else None for p in ties["properties"].tolist()])
    columns.append(ties["records"].tolist())
    columns.append([int(d) for d in ties["digest"].tolist()])
    ends = zip(ties["source"].tolist(), ties["target"].tolist(), ties["since"].tolist(),
               strict=True)  # fmt: skip
    return [
        {"source": s, "target": t, "since_key": since_key(v if isinstance(v, str) else None),
         "values": dict(zip(names, values, strict=True))}
        for (s, t, v), values in zip(ends, zip(*columns, strict=True), strict=True)
    ]  # fmt: skip


class _Reader:
    """What a write's rules read, inside the write's transaction (``LedgerReader``)."""

    def __init__(self, tx: _Tx) -> None:
        self._tx = tx

    def keys(self, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        ids = [s + cypher.KEY_JOIN + k for s, k in wanted]
        if not ids:
            return {}
        return {
            (r["space"], r["key"]): r["organization"]
            for r in self._tx.run(cypher.SELECT_KEYS, ids=ids)
        }

    def keys_to(self, ids: Iterable[str], spaces: Iterable[str] = ()) -> dict[tuple[str, str], str]:
        rows = self._tx.run(cypher.SELECT_KEYS_TO, ids=list(ids), spaces=list(spaces))
        return {(r["space"], r["key"]): r["organization"] for r in rows}

    def existing(self, ids: Iterable[str]) -> set[str]:
        wanted = [str(i) for i in ids]
        return {r["id"] for r in self._tx.run(cypher.EXISTING_IDS, ids=wanted)} if wanted else set()

    def organizations(self, ids: Iterable[str]) -> pd.DataFrame:
        wanted = [str(i) for i in ids]
        rows = [
            (r["id"], r["records"] or "", int(r["digest"] or 0))
            for r in self._tx.run(cypher.LEDGER_ORGANIZATIONS, ids=wanted)
        ]
        return pd.DataFrame(rows, columns=["id", "records", "digest"])

    def ties(self, identities: Iterable[TieIdentity]) -> pd.DataFrame:
        rows = [
            {"source": s, "target": t, "type": cypher.RELATIONSHIP_OF[k], "since_key": v}
            for s, t, k, v in identities
            if k in cypher.RELATIONSHIP_OF
        ]
        return _tie_frame(self._tx.run(cypher.LEDGER_TIES, rows=rows) if rows else [])

    def ties_of(self, ids: Iterable[str]) -> pd.DataFrame:
        wanted = [str(i) for i in ids]
        return _tie_frame(self._tx.run(cypher.LEDGER_TIES_OF, ids=wanted) if wanted else [])

    def holding(self, source: str) -> tuple[list[str], list[TieIdentity]]:
        needle = "[" + json.dumps(source, ensure_ascii=False) + ","
        orgs = [r["id"] for r in self._tx.run(cypher.HOLDING_ORGANIZATIONS, needle=needle)]
        ties = [
            (r["source"], r["target"], cypher.TIE_TYPE_OF[r["relationship"]], r["since"])
            for r in self._tx.run(cypher.HOLDING_TIES, needle=needle)
        ]
        return orgs, ties

    def sources(self) -> list[Source]:
        return _sources(self._tx)

    def meta(self) -> Meta:
        return _meta(self._tx)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _tie_frame(records: Iterable[neo4j.Record]) -> pd.DataFrame:
    """Ties as the ledger reads them: identity, records and digest."""
    rows = [
        (r["source"], r["target"], cypher.TIE_TYPE_OF[r["relationship"]], r["since"],
         r["records"] or "", int(r["digest"] or 0))
        for r in records
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["source", "target", "type", "since", "records", "digest"])


def _sources(tx: _Tx) -> list[Source]:
    return [
        Source(
            r["name"],
            int(r["priority"]),
            r["first_loaded"],
            r["last_loaded"],
            tuple(r["files"] or ()),
        )
        for r in tx.run(cypher.SELECT_SOURCES)
    ]


def _meta(tx: _Tx) -> Meta:
    record = tx.run(cypher.GET_META).single()
    if record is None:
        return Meta()
    return Meta(int(record["rows"] or 0), record["metrics"] or "", record["last_at"] or "")


def _set_meta(tx: _Tx, meta: Meta) -> None:
    tx.run(cypher.SET_META, rows=str(meta.rows), metrics=meta.metrics,
           last_at=meta.last_at).consume()  # fmt: skip


def _migrate(tx: _Tx) -> None:
    """A store made before the ledger: each organization and tie gets a record from the
    source ``(earlier loads)`` saying what it says, and its digest; the totals follow."""
    if not tx.run(cypher.UNMIGRATED).single(strict=True)["n"]:
        return
    tx.run(cypher.LOCK_STORE).consume()
    everything = GraphQuery(audience="private")
    parameters = {
        "levels": list(everything.levels),
        "relationships": list(cypher.RELATIONSHIP_OF.values()),
        "as_of": None,
    }
    record = tx.run(cypher.SELECT_GRAPH, parameters).single(strict=True)
    organizations = record["organizations"]
    orgs = _organizations_read(organizations)
    ties = _ties_read(record["ties"], organizations[0])
    org_digests = organization_rows(_records(orgs))["digest"].tolist()
    tie_digests = tie_rows(_records(ties))["digest"].tolist()
    org_rows = [
        {"id": i, "records": text, "digest": digest}
        for i, text, digest in zip(orgs["id"], records_of_rows(orgs), org_digests, strict=True)
    ]
    for batch in _batches(org_rows):
        tx.run(cypher.SET_ORGANIZATION_LEDGER, rows=batch).consume()
    tie_maps = [
        {"source": s, "target": t, "type": cypher.RELATIONSHIP_OF[k],
         "since_key": since_key(v if isinstance(v, str) else None), "records": text,
         "digest": digest}
        for s, t, k, v, text, digest in zip(ties["source"], ties["target"], ties["type"],
                                             ties["since"], tie_records_of_rows(ties),
                                             tie_digests, strict=True)
    ]  # fmt: skip
    for batch in _batches(tie_maps):
        tx.run(cypher.SET_TIE_LEDGER, rows=batch).consume()
    sums = tx.run(cypher.ALL_DIGESTS).single(strict=True)
    total = (int(sums["high"] or 0) * (1 << 32) + int(sums["low"] or 0)) % (1 << 64)
    legacy = tx.run(cypher.GET_META).single()
    _set_meta(tx, Meta(total, "", legacy["last_at"] or "" if legacy else ""))


#: Values the driver packs as they are.
_PLAIN: Final[frozenset[type]] = frozenset({str, int, float, bool, type(None)})


def _plain_column(values: pd.Series) -> list[Any]:
    """A column as Python values the driver packs: numbers and text, missing as None."""
    present = values.notna().tolist()
    if values.dtype.kind in "biuf":  # float64, int64, bool and Int64 list as Python values
        listed = values.tolist()
    else:
        listed = [
            v if v.__class__ in _PLAIN else plain_value(v) if hasattr(v, "item") else v
            for v in values.astype(object).tolist()
        ]
    if all(present):
        return listed
    return [v if ok else None for v, ok in zip(listed, present, strict=True)]


# Reading: values come back from Neo4j as columns of plain values, in the order of
# ``cypher.ORGANIZATION_READ`` and ``cypher.TIE_READ``. ``queries.frames`` shapes them when
# they are what the store writes (the explorer's ego reads wait on this); a value the store
# would not have written (a property set by hand in Neo4j Browser, say) sends the rows
# down the general path, ``organizations_frame`` and ``ties_frame``.

#: Tie types by relationship type, and the order ``ties_frame`` sorts them in.
_TIE_TYPE_OF: Final = dict(cypher.TIE_TYPE_OF)
_TIE_TYPE_RANK: Final = {t: rank for rank, t in enumerate(sorted(cypher.RELATIONSHIP_OF))}
_TIE_TYPE_COUNT: Final = len(_TIE_TYPE_RANK)
_VISIBLE: Final = frozenset(VISIBILITIES)


def _organizations_read(values: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """Organizations read from Neo4j (columns in the order of ``cypher.ORGANIZATION_READ``),
    as ``organizations_frame`` would shape them."""
    columns = dict(zip(cypher.ORGANIZATION_READ, values, strict=True))
    visibility = columns["visibility"]
    frame = None
    if set(visibility) <= _VISIBLE:
        frame = frames.organizations(columns, frames.objects(visibility))
    return organizations_frame(pd.DataFrame(columns)) if frame is None else frame


def _ties_read(values: Sequence[Sequence[Any]], ids: Sequence[Any]) -> pd.DataFrame:
    """Ties read from Neo4j (columns in the order of ``cypher.TIE_READ``), as ``ties_frame``
    would shape them; their ends are among the organizations ``ids``."""
    columns: dict[str, Any] = dict(zip(cypher.TIE_READ, values, strict=True))
    kinds = [_TIE_TYPE_OF.get(kind, kind) for kind in columns["type"]]
    columns["type"] = kinds
    rank = (
        {org_id: i for i, org_id in enumerate(sorted(ids))}
        if frames.only(frames.STRING, ids)
        else {}
    )
    sources, targets = columns["source"], columns["target"]
    if not (
        len(sources)
        and len(rank) == len(ids)
        and all(end in rank for end in sources)
        and all(end in rank for end in targets)
        and set(kinds) <= set(_TIE_TYPE_RANK)
        and set(columns["visibility"]) <= _VISIBLE
    ):
        return ties_frame(pd.DataFrame(columns))
    order = _tie_order(
        np.fromiter(map(rank.__getitem__, sources), np.int64, len(sources)),
        np.fromiter(map(rank.__getitem__, targets), np.int64, len(targets)),
        np.fromiter(map(_TIE_TYPE_RANK.__getitem__, kinds), np.int64, len(kinds)),
        len(rank),
        columns["since"],
    )
    columns.update(
        (c, frames.objects(columns[c])) for c in ("source", "target", "type", "visibility")
    )
    frame = frames.ties(columns, order)
    return (
        ties_frame(pd.DataFrame(dict(zip(cypher.TIE_READ, values, strict=True)) | {"type": kinds}))
        if frame is None
        else frame
    )


def _tie_order(
    sources: np.ndarray, targets: np.ndarray, kinds: np.ndarray, ends: int, since: Sequence[Any]
) -> np.ndarray:
    """The order of ``ties_frame``: by source, target, type (ranks below ``ends``, type
    ranks), then since (missing first), stable.

    Ties rarely share source, target and type: one sort of the three, then only the
    rows that do are put in order of since (ranking every date cost as much as the sort).

    >>> ends, kinds = np.array([1, 0, 1]), np.array([0, 0, 0])
    >>> _tie_order(ends, kinds, kinds, 2, ["2020", "2024", None]).tolist()
    [1, 2, 0]
    >>> _tie_order(ends, kinds, kinds, 2**31, ["2020", "2024", None]).tolist()  # no key fits
    [1, 2, 0]
    """
    if ends * ends * _TIE_TYPE_COUNT >= 2**62:  # no combined key fits: rank every date
        keys = [s or "" for s in since]
        rank = {key: i for i, key in enumerate(sorted(set(keys)))}
        since_ranks = np.fromiter(map(rank.__getitem__, keys), np.int64, len(keys))
        return np.lexsort([since_ranks, kinds, targets, sources])
    key = (sources * ends + targets) * _TIE_TYPE_COUNT + kinds
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    repeated = ordered[1:] == ordered[:-1]
    if repeated.any():
        shared = np.zeros(len(order), dtype=bool)
        shared[1:] |= repeated
        shared[:-1] |= repeated
        at = np.flatnonzero(shared)  # runs of equal keys, in the order of their keys
        rows = order[at].tolist()
        order[at] = sorted(rows, key=lambda row: (key[row], since[row] or ""))
    return order


def _batches(rows: Iterable[_R]) -> Iterator[list[_R]]:
    batch: list[_R] = []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _metric_key(column: object) -> str:
    name = str(column)
    return name if name.startswith(cypher.METRIC_PREFIX) else cypher.METRIC_PREFIX + name


def _metric_value(value: Any) -> Any:
    """A property value Neo4j stores: numbers, text and booleans; anything else as text."""
    value = plain_value(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
