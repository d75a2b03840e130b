"""Sources as the steward sees them: what each one said, where each value comes from,
where they disagree, and taking one back out."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from maillage.ground.ledger import (
    ORGANIZATION_FIELDS,
    SOURCE_ROW,
    Change,
    Record,
    decode_records,
)
from maillage.loaders.ledger import (
    LedgerError,
    State,
    plan_unload,
    stored_organizations,
    stored_ties,
    winning_claims,
)
from maillage.loaders.ledger import (
    conflicts as disagreements,
)
from maillage.queries.store import GraphQuery, LedgerReader, Store
from maillage.services.views import BadRequest, UnknownOrganization, resolve

#: The columns of :func:`provenance`'s rows.
PROVENANCE_COLUMNS = ("field", "value", "shown", "source", "file", "line", "at")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Provenance:
    """An organization with every value each source gave it."""

    id: str
    name: str
    #: One row per claim (:data:`PROVENANCE_COLUMNS`); ``shown`` marks the value readers
    #: see, first of its field; fields in the contract's order, then properties.
    claims: pd.DataFrame
    #: Its ties with the sources that asserted them.
    ties: pd.DataFrame
    #: Organizations merged into it.
    merged: list[str]


def provenance(store: Store, text: str) -> Provenance:
    """Every value of the organization ``text`` names (an id, a name, any name it has
    had), with its source, file, line and time (every visibility: stewards only)."""
    orgs, _ = store.read_graph(GraphQuery(audience="private", tie_types=()))
    org_id = resolve(orgs, text)
    shown = orgs.set_index("id").loc[org_id]
    assert isinstance(shown, pd.Series)  # ids are unique
    records = decode_records(store.read_records([org_id])["records"].iloc[0])
    winners = winning_claims(records, {s.name: s.priority for s in store.sources()})
    rows = []
    for record in records:
        for name, claim in record.claims().items():
            rows.append(
                {"field": name, "value": claim.value,
                 "shown": winners[name] == (record.source, claim) and claim.value is not None,
                 "source": record.source, "file": claim.file, "line": claim.line,
                 "at": claim.at}
            )  # fmt: skip
    claims = pd.DataFrame(rows, columns=list(PROVENANCE_COLUMNS))
    order = {name: i for i, name in enumerate(ORGANIZATION_FIELDS)}
    claims = claims.assign(
        _order=[order.get(n, len(order)) for n in claims["field"]], _first=~claims["shown"]
    ).sort_values(["_order", "field", "_first", "at"], ascending=[True, True, True, False])
    claims = claims.drop(columns=["_order", "_first"]).reset_index(drop=True)
    ties = store.read_tie_records([org_id])
    tie_rows = pd.DataFrame(
        {
            "source": ties["source"],
            "target": ties["target"],
            "type": ties["type"],
            "since": ties["since"],
            "sources": [
                "|".join(dict.fromkeys(r.source for r in decode_records(t)))
                for t in ties["records"]
            ],
        }
    )
    merged = [d.left for d in store.decisions() if d.kind == "merge" and d.right == org_id]
    return Provenance(org_id, str(shown["name"]), claims, tie_rows, merged)


def with_provenance(store: Store, orgs: pd.DataFrame) -> pd.DataFrame:
    """``orgs`` (a copy) with a ``provenance`` property: for each value shown, where it
    comes from, as JSON text ``{"field": "source|file:line|time"}`` (exports carry it as
    one more column or attribute)."""
    priorities = {s.name: s.priority for s in store.sources()}
    table = store.read_records(orgs["id"].tolist())
    where = {}
    for org_id, text in zip(table["id"], table["records"], strict=True):
        winners = winning_claims(decode_records(text), priorities)
        where[org_id] = json.dumps(
            {
                name: f"{source}|{claim.file}:{claim.line}|{claim.at}"
                for name, (source, claim) in sorted(winners.items())
                if claim.value is not None
            },
            ensure_ascii=False,
        )
    copied = orgs.copy()
    copied["properties"] = pd.Series(
        [
            {**(props or {}), "provenance": where.get(org_id, "{}")}
            for org_id, props in zip(copied["id"], copied["properties"], strict=True)
        ],
        index=copied.index,
        dtype=object,
    )
    return copied


def sources(store: Store) -> pd.DataFrame:
    """What each source contributed: organizations and ties it describes, values it
    gives, its priority, its files, when it was first and last loaded."""
    organizations: Counter[str] = Counter()
    values: Counter[str] = Counter()
    for text in store.read_records()["records"]:
        for record in decode_records(text):
            organizations[record.source] += 1
            values[record.source] += len(record.values) + len(record.kept)
    ties: Counter[str] = Counter()
    for text in store.read_tie_records(None)["records"]:
        for record in decode_records(text):
            ties[record.source] += 1
    rows = [
        {
            "source": s.name,
            "priority": s.priority,
            "organizations": organizations[s.name],
            "ties": ties[s.name],
            "values": values[s.name],
            "first_loaded": s.first_loaded,
            "last_loaded": s.last_loaded,
            "files": "|".join(s.files),
        }
        for s in store.sources()
    ]
    return pd.DataFrame(rows, columns=["source", "priority", "organizations", "ties", "values",
                                       "first_loaded", "last_loaded", "files"])  # fmt: skip


def conflicts(store: Store) -> pd.DataFrame:
    """Fields on which sources disagree: the value shown (by the rule: higher priority,
    then the latest value), its source, and every other value with its source."""
    records: dict[str, list[Record]] = {}
    table = store.read_records()
    for org_id, text in zip(table["id"], table["records"], strict=True):
        held = decode_records(text)
        if len({r.source for r in held}) > 1 or len(held) > 1:
            records[str(org_id)] = held
    priorities = {s.name: s.priority for s in store.sources()}
    found = disagreements(records, priorities)
    orgs, _ = store.read_graph(GraphQuery(audience="private", tie_types=()))
    names = dict(zip(orgs["id"], orgs["name"], strict=True))
    found.insert(1, "name", [names.get(i, "") for i in found["id"]])
    return found


@dataclass(frozen=True)
class Unloaded:
    """What taking a source out did."""

    source: str
    organizations_removed: int
    organizations_changed: int
    ties_removed: int
    data_version: str


def unload(store: Store, source: str, *, clock: Callable[[], dt.datetime] = _now) -> Unloaded:
    """Remove what only ``source`` asserted, in one transaction: its values (other
    sources' values show again), the organizations and ties no other source describes,
    its crosswalk, its entry."""
    done: dict[str, object] = {}

    def plan(reader: LedgerReader) -> Change:
        org_ids, tie_ids = reader.holding(source)
        orgs = stored_organizations(reader.organizations(org_ids))
        held = [o for o, s in orgs.items() if any(r.source == source for r in s.records)]
        ties = stored_ties(reader.ties(tie_ids))
        ties.update(stored_ties(reader.ties_of(held)))
        state = State(
            organizations={o: orgs[o] for o in held},
            ties=ties,
            sources={s.name: s for s in reader.sources()},
            meta=reader.meta(),
        )
        keys = reader.keys_to(held, [SOURCE_ROW + source])
        try:
            unloading = plan_unload(source, state, keys_to=keys, now=clock())
        except LedgerError as error:
            raise BadRequest(str(error)) from None
        done["plan"] = unloading
        return unloading.change

    meta = store.write(plan)
    unloading = done["plan"]
    return Unloaded(
        source,
        unloading.removed,  # type: ignore[attr-defined]
        unloading.updated,  # type: ignore[attr-defined]
        unloading.ties_removed,  # type: ignore[attr-defined]
        meta.data_version,
    )


__all__ = [
    "Provenance",
    "UnknownOrganization",
    "Unloaded",
    "conflicts",
    "provenance",
    "sources",
    "unload",
]  # fmt: skip
