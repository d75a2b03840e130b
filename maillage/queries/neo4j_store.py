"""The Neo4j store: the same contract as the embedded store, on a Neo4j server over Bolt."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, LiteralString, TypeVar

import neo4j
import numpy as np
import pandas as pd
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable

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
from maillage.queries.store import GraphQuery, LoadResult, StoreError, StoreInfo

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

    def load(
        self,
        orgs: pd.DataFrame,
        ties: pd.DataFrame,
        *,
        progress: Progress | None = None,
        remove_ids: Iterable[str] = (),
    ) -> LoadResult:
        orgs = organizations_frame(orgs)
        ties = ties_frame(ties)
        removed = [str(i) for i in remove_ids]
        unknown = sorted(set(ties["type"]) - set(cypher.UPSERT_TIES))
        if unknown:
            raise StoreError(f"load refused, nothing written: unknown tie type {unknown[0]!r}")
        unknown = sorted(set(orgs["type"].dropna()) - set(cypher.CREATE_ORGANIZATIONS))
        if unknown or orgs["type"].isna().any():
            kind = repr(unknown[0]) if unknown else "(missing)"
            raise StoreError(f"load refused, nothing written: unknown organization type {kind}")
        # One row per identity, the last one given winning (as in the embedded store):
        # the tie statement creates what it does not find, so a twin would be created twice.
        org_rows = _organization_rows(orgs.drop_duplicates("id", keep="last"))
        keys = ties.assign(_since=ties["since"].fillna(""))
        unique_ties = ties[~keys.duplicated(["source", "target", "type", "_since"], keep="last")]
        # Every end a tie names must be an organization after the load: checked below,
        # against the store, before anything is written.
        ends = set(ties["source"]) | set(ties["target"])
        total = len(orgs) + len(ties)
        version = uuid.uuid4().hex

        def write(tx: _Tx) -> None:
            tx.run(cypher.LOCK_STORE).consume()  # readers wait: they see before or after
            done = 0

            def advance(rows: int) -> None:
                nonlocal done
                done += rows
                if progress:
                    progress(done, total)

            if removed:
                tx.run(cypher.DELETE_ORGANIZATIONS, ids=removed).consume()
            # Which organizations exist decides, in this transaction, between a plain CREATE
            # and an update that writes only what changed; a tie with an end created here
            # is new too. Ties reach their ends by internal id: ``nodes`` maps every
            # organization id the load touches to its node.
            ids = {row[0] for _, rows in org_rows for row in rows}
            nodes: dict[str, int] = {}
            if ids or ends:
                found = tx.run(cypher.NODES_BY_ID, ids=sorted(ids | ends)).single(strict=True)
                nodes.update(zip(found["ids"], found["nodes"], strict=True))
            present = set(nodes)
            unknown = sorted(ends - present - ids)
            if unknown:
                raise _unknown_ends(unknown)

            def counted(rows: int) -> Callable[[neo4j.Record], None]:
                return lambda _: advance(rows)

            def created_nodes(rows: int) -> Callable[[neo4j.Record], None]:
                def settle(record: neo4j.Record) -> None:
                    nodes.update(zip(record["ids"], record["nodes"], strict=True))
                    advance(rows)

                return settle

            statements = _Pipeline(tx)
            batches = []
            for org_type, rows in org_rows:
                new = [row for row in rows if row[0] not in present]
                old = [row for row in rows if row[0] in present]
                batches += [
                    (cypher.CREATE_ORGANIZATIONS[org_type], b, created_nodes) for b in _batches(new)
                ]
                batches += [
                    (cypher.UPDATE_ORGANIZATIONS[org_type], b, counted) for b in _batches(old)
                ]
            # The largest batch last: the tie rows are built while the server writes it.
            for statement, batch, settle in sorted(batches, key=lambda b: len(b[1])):
                statements.send(statement, batch, settle(len(batch)))
            tie_rows = _tie_rows(unique_ties)
            statements.finish()  # the ties need the internal ids of the new organizations
            created = ids - present

            def checked(batch: list[list[Any]]) -> Callable[[neo4j.Record], None]:
                def settle(record: neo4j.Record) -> None:
                    if record["written"] < len(batch):
                        # An end vanished since it was looked up (a writer outside
                        # Maillage): refuse the whole load.
                        wanted = sorted({r[0] for r in batch} | {r[1] for r in batch})
                        gone = [r["id"] for r in tx.run(cypher.MISSING_IDS, ids=wanted)]
                        raise _unknown_ends(sorted(gone))
                    advance(len(batch))

                return settle

            for tie_type, rows in tie_rows:
                fresh = [row for row in rows if row[0] in created or row[1] in created]
                known = [row for row in rows if row[0] not in created and row[1] not in created]
                for statement, part in (
                    (cypher.CREATE_TIES[tie_type], fresh),
                    (cypher.UPSERT_TIES[tie_type], known),
                ):
                    for batch in _batches(part):
                        # Ends as internal ids, converted while the batch before runs.
                        reaching = [[nodes[row[0]], nodes[row[1]], *row[2:]] for row in batch]
                        statements.send(statement, reaching, checked(batch))
            statements.finish()
            tx.run(cypher.SET_DATA_VERSION, version=version).consume()

        self._execute(write)
        return LoadResult(organizations=len(orgs), ties=len(ties), data_version=version)

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = [str(i) for i in ids]
        if not wanted:
            return set()
        return set(
            self._read(lambda tx: [r["id"] for r in tx.run(cypher.EXISTING_IDS, ids=wanted)])
        )

    def info(self) -> StoreInfo:
        def read(tx: _Tx) -> tuple[dict[str, int], dict[str, int], str]:
            orgs = {r["type"]: r["n"] for r in tx.run(cypher.COUNT_ORGANIZATIONS_BY_TYPE)}
            ties = {
                cypher.TIE_TYPE_OF[r["relationship"]]: r["n"]
                for r in tx.run(cypher.COUNT_TIES_BY_RELATIONSHIP)
            }
            return orgs, ties, _version(tx)

        orgs, ties, version = self._consistent(read)
        return StoreInfo(
            backend=self.backend,
            location=self.location,
            data_version=version,
            organizations_by_type=dict(sorted(orgs.items())),
            ties_by_type=dict(sorted(ties.items())),
        )

    def data_version(self) -> str:
        return self._read(_version)

    def read_graph(self, query: GraphQuery) -> tuple[pd.DataFrame, pd.DataFrame]:
        relationships = [
            cypher.RELATIONSHIP_OF[t]
            for t in (cypher.RELATIONSHIP_OF if query.tie_types is None else query.tie_types)
            if t in cypher.RELATIONSHIP_OF
        ]
        parameters: dict[str, Any] = {
            **cypher.READ_CODES,
            "levels": list(query.levels),
            "types": None if query.organization_types is None else list(query.organization_types),
            "regions": None if query.regions is None else list(query.regions),
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
        nodes, ids = organizations[-1], organizations[0]
        return _organizations_read(organizations), _ties_read(ties, nodes, ids)

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
            tx.run(cypher.SET_DATA_VERSION, version=version).consume()

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
        ):
            self._execute(create(statement))

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


def _unknown_ends(ids: list[str]) -> StoreError:
    shown = ", ".join(repr(i) for i in ids[:5])
    return StoreError(f"load refused, nothing written: ties name unknown organizations {shown}")


def _version(tx: _Tx) -> str:
    record = tx.run(cypher.GET_DATA_VERSION).single()
    return "empty" if record is None or record["version"] is None else str(record["version"])


def _organization_rows(orgs: pd.DataFrame) -> list[tuple[str, list[list[Any]]]]:
    """Per organization type, rows ``[id, *cypher.ORGANIZATION_PROPERTIES]``."""
    columns = [_plain_column(orgs[c]) for c in ("id", *cypher.ORGANIZATION_PROPERTIES[:-1])]
    columns.append([properties_json(p) if p else None for p in orgs["properties"].tolist()])
    return _by_type(orgs["type"], columns)


def _tie_rows(ties: pd.DataFrame) -> list[tuple[str, list[list[Any]]]]:
    """Per tie type, rows ``[source, target, since_key, *cypher.TIE_PROPERTIES]``."""
    columns = [_plain_column(ties[c]) for c in ("source", "target")]
    columns.append([since_key(s) for s in _plain_column(ties["since"])])
    columns.extend(_plain_column(ties[c]) for c in cypher.TIE_PROPERTIES[:-1])
    columns.append([properties_json(p) if p else None for p in ties["properties"].tolist()])
    return _by_type(ties["type"], columns)


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


def _by_type(types: pd.Series, columns: list[list[Any]]) -> list[tuple[str, list[list[Any]]]]:
    """Rows (one list per row, built from ``columns``) grouped by type, types sorted."""
    groups: dict[str, list[list[Any]]] = {}
    for kind, row in zip(types.tolist(), zip(*columns, strict=True), strict=True):
        groups.setdefault(str(kind), []).append(list(row))
    return sorted(groups.items())


# Reading: values come back from Neo4j as columns of plain values, in the order of
# ``cypher.ORGANIZATION_READ`` and ``cypher.TIE_READ``, tie ends as node numbers and
# vocabularies as codes. They are decoded here, then shaped by ``queries.frames``; a value
# the store would not have written (a property set by hand in Neo4j Browser, say) sends
# the rows down the general path.

#: What the codes of a read stand for (``ties_frame`` sorts by tie type, in this order).
_TIE_TYPES: Final = np.array(cypher.READ_TIE_TYPES, dtype=object)
_VISIBILITIES: Final = np.array(VISIBILITIES, dtype=object)


def _organizations_read(values: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """Organizations read from Neo4j (columns in the order of ``cypher.ORGANIZATION_READ``),
    as ``organizations_frame`` would shape them."""
    columns = dict(zip(cypher.ORGANIZATION_READ, values, strict=True))
    codes = _codes(columns["visibility"], len(_VISIBILITIES))
    frame = None if codes is None else frames.organizations(columns, _VISIBILITIES[codes])
    return _organizations_general(values) if frame is None else frame


def _organizations_general(values: Sequence[Sequence[Any]]) -> pd.DataFrame:
    columns = dict(zip(cypher.ORGANIZATION_READ, values, strict=True))
    columns["visibility"] = _decoded(columns["visibility"], VISIBILITIES)
    organizations = pd.DataFrame(columns)
    return organizations_frame(organizations.drop(columns="node"))


def _ties_read(
    values: Sequence[Sequence[Any]], nodes: Sequence[Any], ids: Sequence[Any]
) -> pd.DataFrame:
    """Ties read from Neo4j (columns in the order of ``cypher.TIE_READ``), as ``ties_frame``
    would shape them; their ends are among ``nodes``, the nodes of organizations ``ids``."""
    columns = dict(zip(cypher.TIE_READ, values, strict=True))
    count = len(columns["source"])
    ends = _codes(nodes, None)
    sources = _codes(columns["source"], None)
    targets = _codes(columns["target"], None)
    kinds = _codes(columns["type"], len(_TIE_TYPES))
    visibilities = _codes(columns["visibility"], len(_VISIBILITIES))
    if not (
        count
        and ends is not None
        and sources is not None
        and targets is not None
        and kinds is not None
        and visibilities is not None
        and frames.only(frames.STRING, ids)
        and len(set(ids)) == len(ids)
    ):
        return _ties_general(values, nodes, ids)
    # Each end as the rank of its organization's id, through the sorted node numbers.
    by_node = np.argsort(ends)
    known = ends[by_node]
    by_id = np.array(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.intp)
    ranks = np.empty(len(ids), dtype=np.int64)
    ranks[by_id] = np.arange(len(ids))
    end_ranks = []
    for end in (sources, targets):
        at = np.searchsorted(known, end).clip(max=len(known) - 1)
        if not (known[at] == end).all():  # an end that is no organization read
            return _ties_general(values, nodes, ids)
        end_ranks.append(ranks[by_node[at]])
    by_rank = frames.objects(ids)[by_id]
    columns.update(
        source=by_rank[end_ranks[0]],
        target=by_rank[end_ranks[1]],
        type=_TIE_TYPES[kinds],
        visibility=_VISIBILITIES[visibilities],
    )
    order = _tie_order(end_ranks[0], end_ranks[1], kinds, len(ids), columns["since"])
    frame = frames.ties(columns, order)
    return _ties_general(values, nodes, ids) if frame is None else frame


def _tie_order(
    sources: np.ndarray, targets: np.ndarray, kinds: np.ndarray, ends: int, since: Sequence[Any]
) -> np.ndarray:
    """The order of ``ties_frame``: by source, target, type (ranks below ``ends``, codes),
    then since (missing first), stable.

    Ties rarely share source, target and type: one sort of the three, then only the
    rows that do are put in order of since (ranking every date cost as much as the sort).

    >>> ends, kinds = np.array([1, 0, 1]), np.array([0, 0, 0])
    >>> _tie_order(ends, kinds, kinds, 2, ["2020", "2024", None]).tolist()
    [1, 2, 0]
    >>> _tie_order(ends, kinds, kinds, 2**31, ["2020", "2024", None]).tolist()  # no key fits
    [1, 2, 0]
    """
    if ends * ends * len(_TIE_TYPES) >= 2**62:  # no combined key fits: rank every date
        keys = [s or "" for s in since]
        rank = {key: i for i, key in enumerate(sorted(set(keys)))}
        since_ranks = np.fromiter(map(rank.__getitem__, keys), np.int64, len(keys))
        return np.lexsort([since_ranks, kinds, targets, sources])
    key = (sources * ends + targets) * len(_TIE_TYPES) + kinds
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


def _ties_general(
    values: Sequence[Sequence[Any]], nodes: Sequence[Any], ids: Sequence[Any]
) -> pd.DataFrame:
    columns = dict(zip(cypher.TIE_READ, values, strict=True))
    id_of = dict(zip(nodes, ids, strict=True))
    for end in ("source", "target"):
        columns[end] = [id_of[node] for node in columns[end]]
    columns["type"] = _decoded(columns["type"], cypher.READ_TIE_TYPES)
    columns["visibility"] = _decoded(columns["visibility"], VISIBILITIES)
    return ties_frame(pd.DataFrame(columns))


def _decoded(codes: Sequence[Any], words: Sequence[str]) -> list[Any]:
    """The words the codes of a read stand for (anything else kept as it is)."""
    return [
        words[code] if code.__class__ is int and 0 <= code < len(words) else code for code in codes
    ]


def _codes(values: Sequence[Any], bound: int | None) -> np.ndarray | None:
    """Whole numbers (node numbers, or codes below ``bound``) as an array; None if any
    value is something else. A read sends only whole numbers there (``id()`` and ``CASE``
    over the values the query let through); anything else goes down the general path.

    >>> _codes([2, 0], 3).tolist(), _codes([2, 3], 3), _codes([1, None], 3)
    ([2, 0], None, None)
    """
    try:
        numbers = np.array(values)
    except ValueError:  # ragged: lists among the values
        return None
    if numbers.dtype.kind != "i":
        return None
    if bound is not None and len(numbers) and (numbers.min() < 0 or numbers.max() >= bound):
        return None
    return numbers


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
