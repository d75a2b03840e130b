"""The rules of several sources, one graph: which row is which organization, which value wins.

Pure functions over the ledger's tables (``maillage.ground.ledger``): given what a store
holds and what a source says, compute what to write. The stores persist the result in one
transaction; ``maillage.services.loading`` reads what the rules need and hands it to them.

The rules, each written once here:

* **A load updates, never blanks.** A row sets the fields it gives; an empty cell keeps
  what the store held. A cell holding a clear marker (:data:`CLEAR_MARKERS`), or an empty
  cell in a load with ``replace``, clears the field for that source.
* **Provenance.** Each value is a claim: the source, the file, the line, and when the
  source first gave that value (reloading the same value keeps its time).
* **Conflicts.** For each field the claim of the source with the highest priority wins;
  among equal priorities (all are 0 unless the steward ranks them) the most recently
  given value wins. ``tags`` gather every source's tags. A missing display name falls back
  on the register's ``legal_name``; every other name an organization is known by is kept
  in ``also_known_as`` (search finds them).
* **Identities.** A row joins the organization its strong identifier (NEQ, a register
  number, a Murmurations profile) names; else the one its source's crosswalk names (set
  when a strong key or a merge sent the row elsewhere than its own id); else the one its
  id was merged into; else the organization of that id, created if new.
* **Same data, same version.** A resolved row's digest enters the data version; a load
  that changes no resolved row leaves it as it was, and undoing a write brings it back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

import pandas as pd

from maillage.ground.ledger import (
    IDENTIFIER,
    MERGED,
    PROPERTY,
    SOURCE_ROW,
    Change,
    Claim,
    Decision,
    Meta,
    Record,
    Source,
    add_digests,
    decode_records,
    encode_records,
    organization_rows,
    record_of_claims,
    tie_key,
    tie_rows,
)
from maillage.ground.vocabulary import ORGANIZATION_COLUMNS
from maillage.loaders.places import region_and_clue
from maillage.loaders.problems import Problem

#: Cell texts that clear a field (an empty cell keeps the stored value).
CLEAR_MARKERS: Final = ("<clear>", "<vide>", "<effacer>")
#: Properties holding a strong identifier, and the identifier's scheme.
IDENTIFIER_PROPERTIES: Final = {
    "neq": "neq",
    "registered_number": "register",
    "registered number": "register",
    "companies house number": "register",
    "primary_url": "murmurations",
    "murmurations_profile": "murmurations",
}
#: The organization fields a resolved row is made of (``properties.*`` aside).
_ORGANIZATION_FIELDS: Final = tuple(c for c in ORGANIZATION_COLUMNS if c != "id")
_TIE_VALUE_FIELDS: Final = ("weight", "until", "visibility", "source_ref", "note")
_NEQ: Final = re.compile(r"^\d{10}$")
_ALSO: Final = PROPERTY + "also_known_as"
_LEGAL_NAME: Final = PROPERTY + "legal_name"

TieIdentity = tuple[str, str, str, str]


class LedgerError(ValueError):
    """A request the ledger refuses (an unknown source, a merge across two NEQs)."""


# --- What a source says ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One organization row of a source: its id there, its values by field (non-empty,
    canonical), the fields it clears, and where it is."""

    record: str
    values: Mapping[str, Any]
    file: str
    line: int
    cleared: frozenset[str] = frozenset()
    #: Its strong identifiers as crosswalk keys (worked out once, at construction).
    keys: tuple[tuple[str, str], ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", strong_keys(self.record, self.values))

    def identifiers(self) -> list[tuple[str, str]]:
        """The row's strong identifiers as crosswalk keys ``(space, value)``.

        >>> Row("1143567890", {"name": "A"}, "f", 2).identifiers()
        [('id:neq', '1143567890')]
        >>> Row("x", {"properties.NEQ": "1143-567-890"}, "f", 2).identifiers()
        [('id:neq', '1143567890')]
        """
        return list(self.keys)


def strong_keys(record: str, values: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The strong identifier keys of a row: its id when it is an NEQ, and the values of
    the identifier properties (:data:`IDENTIFIER_PROPERTIES`)."""
    found = {}
    if _NEQ.match(record):
        found["neq"] = record
    for key, value in values.items():
        if not key.startswith(PROPERTY):
            continue
        scheme = IDENTIFIER_PROPERTIES.get(key[len(PROPERTY) :].casefold())
        text = normal_identifier(scheme, value) if scheme else None
        if scheme and text:
            found[scheme] = text
    return tuple((IDENTIFIER + scheme, value) for scheme, value in sorted(found.items()))


@dataclass(frozen=True, slots=True)
class TieRow:
    """One tie row of a source: its ends as the source names them, and its values."""

    source: str
    target: str
    type: str
    since: str | None
    values: Mapping[str, Any]
    file: str
    line: int
    cleared: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Batch:
    """What one load of one source says."""

    source: str
    organizations: Sequence[Row] = ()
    ties: Sequence[TieRow] = ()
    #: A new priority for the source (None: keep the stored one, 0 for a new source).
    priority: int | None = None


def normal_identifier(scheme: str, value: Any) -> str | None:
    """An identifier as compared: an NEQ's ten digits, a register number's letters and
    digits, a URL without its scheme and trailing slash.

    >>> normal_identifier("neq", "1143 567 890"), normal_identifier("neq", "12")
    ('1143567890', None)
    >>> normal_identifier("murmurations", "https://Example.org/coop/")
    'example.org/coop'
    """
    text = str(value).strip()
    if scheme == "neq":
        digits = re.sub(r"\D", "", text)
        return digits if len(digits) == 10 else None
    if scheme == "murmurations":
        bare = re.sub(r"^[a-z]+://", "", text.casefold()).rstrip("/")
        return bare or None
    compact = re.sub(r"[^0-9A-Za-z]", "", text).upper()
    return compact or None


def batch_from_rows(
    organizations: Iterable[Mapping[str, Any]],
    ties: Iterable[Mapping[str, Any]],
    *,
    source: str,
    replace_empty: bool = False,
    priority: int | None = None,
) -> Batch:
    """A batch from validated rows (``maillage.loaders.validate``: canonical values, extra
    properties in ``properties``, and ``_file``, ``_line``, ``_cleared``, ``_given``).

    ``replace_empty``: an empty cell of a column the file has clears the field.

    >>> batch = batch_from_rows([{"id": "a", "name": "A", "region": None, "_file": "f.csv",
    ...     "_line": 2, "_given": ["id", "name", "region"]}], [], source="f.csv",
    ...     replace_empty=True)
    >>> batch.organizations[0].values, sorted(batch.organizations[0].cleared)
    ({'name': 'A'}, ['region'])
    """
    rows = [
        Row(
            record=str(org["id"]),
            values=_given_values(org, _ORGANIZATION_FIELDS),
            file=str(org.get("_file", "")),
            line=int(org.get("_line", 0)),
            cleared=_cleared(org, _ORGANIZATION_FIELDS, replace_empty),
        )
        for org in organizations
    ]
    tie_rows = [
        TieRow(
            source=str(tie["source"]),
            target=str(tie["target"]),
            type=str(tie["type"]),
            since=tie.get("since") or None,
            values=_given_values(tie, _TIE_VALUE_FIELDS),
            file=str(tie.get("_file", "")),
            line=int(tie.get("_line", 0)),
            cleared=_cleared(tie, _TIE_VALUE_FIELDS, replace_empty),
        )
        for tie in ties
    ]
    return Batch(source, rows, tie_rows, priority)


def _given_values(row: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    values = {f: row[f] for f in fields if _present(row.get(f))}
    for key, value in (row.get("properties") or {}).items():
        if _present(value):
            values[PROPERTY + str(key)] = value
    return values


def _cleared(row: Mapping[str, Any], fields: Sequence[str], replace_empty: bool) -> frozenset[str]:
    cleared = set(row.get("_cleared") or ())
    if replace_empty:
        given = set(row.get("_given") or ())
        extras = row.get("properties") or {}
        for name in given:
            key = name if name in fields else PROPERTY + name
            present = row.get(name) if name in fields else extras.get(name)
            if (name in fields or name not in ("id", "source", "target", "type", "since")) and (
                not _present(present)
            ):
                cleared.add(key)
    return frozenset(cleared)


def _present(value: Any) -> bool:
    if value is None or value is pd.NA:
        return False
    if isinstance(value, float) and value != value:
        return False
    return not (isinstance(value, str) and not value.strip())


# --- What a store holds ----------------------------------------------------------------


@dataclass
class Stored:
    """An organization or a tie as a store holds it: its records (decoded), their text,
    and the digest of its resolved row."""

    records: list[Record]
    digest: int
    text: str


@dataclass
class State:
    """What the rules read from a store for one write."""

    keys: dict[tuple[str, str], str] = field(default_factory=dict)
    existing: set[str] = field(default_factory=set)
    organizations: dict[str, Stored] = field(default_factory=dict)
    ties: dict[TieIdentity, Stored] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    meta: Meta = field(default_factory=Meta)


def stored_organizations(frame: pd.DataFrame) -> dict[str, Stored]:
    """Organizations as a store's reader returns them (``id``, ``records``, ``digest``)."""
    columns = (frame[c].tolist() for c in ("id", "records", "digest"))
    return {
        str(org_id): Stored(decode_records(text), int(digest), text)
        for org_id, text, digest in zip(*columns, strict=True)
    }


def stored_ties(frame: pd.DataFrame) -> dict[TieIdentity, Stored]:
    """Ties as a store's reader returns them (``source``, ``target``, ``type``, ``since``,
    ``records``, ``digest``)."""
    columns = (
        frame[c].tolist() for c in ("source", "target", "type", "since", "records", "digest")
    )
    return {
        tie_key(source, target, kind, since if isinstance(since, str) else None): Stored(
            decode_records(text), int(digest), text
        )
        for source, target, kind, since, text, digest in zip(*columns, strict=True)
    }


# --- Resolution ----------------------------------------------------------------------

Rank = tuple[int, str, str]


def _claims_ranked(
    records: Iterable[Record], priorities: Mapping[str, int]
) -> Iterator[tuple[str, Any, Rank]]:
    """Every claim of ``records``: field, value and rank (priority, time, source)."""
    for record in records:
        priority = priorities.get(record.source, 0)
        since = record.since
        for name, value in record.values.items():
            yield name, value, (priority, since.get(name, record.at) if since else record.at,
                                record.source)  # fmt: skip
        for name, claim in record.kept.items():
            yield name, claim.value, (priority, claim.at, record.source)


def _winners(records: Sequence[Record], priorities: Mapping[str, int]) -> dict[str, Any]:
    if len(records) == 1 and not records[0].kept:
        return dict(records[0].values)  # one row said everything: nothing to rank
    best: dict[str, tuple[Rank, Any]] = {}
    for name, value, rank in _claims_ranked(records, priorities):
        held = best.get(name)
        if held is None or rank > held[0]:
            best[name] = (rank, value)
    return {name: value for name, (_, value) in best.items()}


def winning_claims(
    records: Sequence[Record], priorities: Mapping[str, int]
) -> dict[str, tuple[str, Claim]]:
    """The claim each field shows, with its source (by the rule of :func:`resolve_organization`).

    >>> a = Record("members", "x", "m.csv", 2, "2026-01", {"city": "Laval"})
    >>> b = Record("register", "x", "r.csv", 9, "2026-02", {"city": "LAVAL"})
    >>> winning_claims([a, b], {})["city"]
    ('register', Claim(value='LAVAL', file='r.csv', line=9, at='2026-02'))
    >>> winning_claims([a, b], {"members": 1})["city"][0]
    'members'
    """
    best: dict[str, tuple[Rank, str, Claim]] = {}
    for record in records:
        priority = priorities.get(record.source, 0)
        for name, claim in record.claims().items():
            rank = (priority, claim.at, record.source)
            if name not in best or rank > best[name][0]:
                best[name] = (rank, record.source, claim)
    return {name: (source, claim) for name, (_, source, claim) in best.items()}


def resolve_organization(
    org_id: str, records: Sequence[Record], priorities: Mapping[str, int]
) -> dict[str, Any] | None:
    """The organization the records describe, as readers see it (None without a name or
    a type: nothing can show it).

    >>> old = Record("members", "a", "m.csv", 2, "2026-01", {"name": "Coop A", "city": "Laval"})
    >>> new = Record("register", "a", "r.csv", 5, "2026-02", {"properties.legal_name":
    ...     "COOP A", "type": "enterprise", "city": None})
    >>> row = resolve_organization("a", [old, new], {})
    >>> row["name"], row.get("city"), row["properties"]
    ('Coop A', None, {'legal_name': 'COOP A', 'also_known_as': 'COOP A'})
    >>> resolve_organization("a", [old, new], {"members": 1})["city"]
    'Laval'
    """
    winners = _winners(records, priorities)
    row: dict[str, Any] = {"id": org_id}
    properties: dict[str, Any] = {}
    for name, value in winners.items():
        if value is None or name in ("tags", _ALSO):
            continue
        if name.startswith(PROPERTY):
            properties[name[len(PROPERTY) :]] = value
        else:
            row[name] = value
    if not row.get("name") and properties.get("legal_name"):
        row["name"] = properties["legal_name"]
    if not row.get("name") or not row.get("type"):
        return None
    if not row.get("region") and row.get("country", "CA") == "CA":
        # No source gave a region: every clue the sources gave together may name it.
        region, clue = region_and_clue(
            city=str(row.get("city") or ""),
            postal=str(properties.get("postal_code") or ""),
            address=str(properties.get("address") or ""),
            lat=row.get("lat"),
            lon=row.get("lon"),
        )
        if region:
            row["region"] = region
            properties["region_inferred_from"] = clue
    tags: list[tuple[Rank, str]] = []
    names: list[tuple[Rank, str]] = []
    if len(records) == 1 and not records[0].kept:
        single = records[0].values
        if single.get("tags"):
            row["tags"] = single["tags"]
        if single.get(_LEGAL_NAME) and single[_LEGAL_NAME] != row["name"]:
            properties["also_known_as"] = single[_LEGAL_NAME]
    else:
        for name, value, rank in _claims_ranked(records, priorities):
            if value is None:
                continue
            if name == "tags":
                tags.extend((rank, tag) for tag in str(value).split("|") if tag)
            elif name in ("name", _LEGAL_NAME):
                names.append((rank, str(value)))
        if tags:
            ordered = [tag for _, tag in sorted(tags, key=lambda item: item[0], reverse=True)]
            row["tags"] = "|".join(dict.fromkeys(ordered))
        others = [n for _, n in sorted(names, key=lambda item: item[0], reverse=True)]
        others = [n for n in dict.fromkeys(others) if n != row["name"]]
        if others:
            properties["also_known_as"] = "|".join(others)
    row["properties"] = properties
    return row


def resolve_tie(
    identity: TieIdentity, records: Sequence[Record], priorities: Mapping[str, int]
) -> dict[str, Any]:
    """The tie its records describe, as readers see it.

    >>> a = Record("s1", "", "f", 2, "2026-01", {"weight": 2.0})
    >>> b = Record("s2", "", "g", 3, "2026-02", {"note": "x"})
    >>> row = resolve_tie(("a", "b", "partner", ""), [a, b], {})
    >>> row["weight"], row["note"], row["since"]
    (2.0, 'x', None)
    """
    source, target, kind, since = identity
    row: dict[str, Any] = {"source": source, "target": target, "type": kind, "since": since or None}
    properties: dict[str, Any] = {}
    for name, value in _winners(records, priorities).items():
        if value is None:
            continue
        if name.startswith(PROPERTY):
            properties[name[len(PROPERTY) :]] = value
        else:
            row[name] = value
    row["properties"] = properties
    return row


# --- Planning ------------------------------------------------------------------------


@dataclass
class Plan:
    """A change to write, the problems that refuse it, what it did, and notices."""

    change: Change
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    removed: int = 0
    ties_created: int = 0
    ties_updated: int = 0
    ties_removed: int = 0


_TIME: Final = "%Y-%m-%dT%H:%M:%S.%fZ"


def load_time(now: dt.datetime, meta: Meta) -> str:
    """The time of a new write: ``now`` in UTC, strictly after the last one (so the most
    recent value is never ambiguous, even for loads within one microsecond).

    >>> load_time(dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    ...           Meta(last_at="2026-01-01T00:00:00.000005Z"))
    '2026-01-01T00:00:00.000006Z'
    """
    at = now.astimezone(dt.UTC).replace(tzinfo=None)
    if meta.last_at:
        last = dt.datetime.strptime(meta.last_at, _TIME)
        at = max(at, last + dt.timedelta(microseconds=1))
    return at.strftime(_TIME)


def keys_wanted(batch: Batch) -> set[tuple[str, str]]:
    """The crosswalk keys the rules look up for a batch."""
    space = SOURCE_ROW + batch.source
    wanted: set[tuple[str, str]] = set()
    for row in batch.organizations:
        wanted.update(row.identifiers())
        wanted.add((space, row.record))
        wanted.add((MERGED, row.record))
    for tie in batch.ties:
        for end in (tie.source, tie.target):
            wanted.add((space, end))
            wanted.add((MERGED, end))
    return wanted


def organizations_wanted(batch: Batch, keys: Mapping[tuple[str, str], str]) -> set[str]:
    """The organizations a batch's rows may belong to (their records are read)."""
    space = SOURCE_ROW + batch.source
    wanted = set()
    for row in batch.organizations:
        wanted.add(row.record)
        for key in ((space, row.record), (MERGED, row.record), *row.identifiers()):
            if key in keys:
                wanted.add(keys[key])
    return wanted


def ends_wanted(batch: Batch, keys: Mapping[tuple[str, str], str]) -> set[str]:
    """The organizations the batch's tie ends may be (their existence is checked)."""
    space = SOURCE_ROW + batch.source
    wanted = set()
    for tie in batch.ties:
        for end in (tie.source, tie.target):
            wanted.add(end)
            for key in ((space, end), (MERGED, end)):
                if key in keys:
                    wanted.add(keys[key])
    return wanted


def _holds(stored: Stored | None, source: str, record: str) -> bool:
    return stored is not None and any(
        r.source == source and r.record == record for r in stored.records
    )


def row_homes(batch: Batch, state: State) -> dict[str, str]:
    """The organization each row of ``batch`` belongs to.

    A row already loaded stays where its record is (only a merge moves it); a new row
    joins the organization its strong identifier names, else the one its id was merged
    into, else the organization of its own id (new or not).
    """
    space = SOURCE_ROW + batch.source
    homes: dict[str, str] = {}
    keys = state.keys
    for row in batch.organizations:
        own = keys.get((space, row.record)) if keys else None
        merged = keys.get((MERGED, row.record)) if keys else None
        held = next(
            (
                place
                for place in (own, row.record, merged)
                if place and _holds(state.organizations.get(place), batch.source, row.record)
            ),
            None,
        )
        strong = next((keys[k] for k in row.identifiers() if k in keys), None) if keys else None
        homes[row.record] = held or own or strong or merged or row.record
    return homes


def end_homes(batch: Batch, state: State, rows: Mapping[str, str]) -> dict[str, str | None]:
    """The organization each tie end of ``batch`` names (None: no such organization)."""
    space = SOURCE_ROW + batch.source
    ends: dict[str, str | None] = {}
    homes = set(rows.values())
    keys = state.keys
    for tie in batch.ties:
        for end in (tie.source, tie.target):
            if end not in ends:
                home = rows.get(end) or keys.get((space, end)) or keys.get((MERGED, end)) or end
                ends[end] = home if home in homes or home in state.existing else None
    return ends


def tie_identities(batch: Batch, ends: Mapping[str, str | None]) -> set[TieIdentity]:
    """The identities of the batch's ties whose two ends are known."""
    found = set()
    for tie in batch.ties:
        source, target = ends.get(tie.source), ends.get(tie.target)
        if source and target:
            found.add(tie_key(source, target, tie.type, tie.since))
    return found


def updated_record(
    previous: Record | None,
    source: str,
    record: str,
    values: Mapping[str, Any],
    cleared: Iterable[str],
    file: str,
    line: int,
    at: str,
) -> Record:
    """A record after a row: given values set (a value given again keeps its time),
    cleared fields set to None, the fields the row leaves empty kept as they were.

    >>> first = updated_record(None, "s", "a", {"name": "A", "city": "Laval"}, (), "f", 2, "t1")
    >>> again = updated_record(first, "s", "a", {"name": "A"}, (), "f", 3, "t2")
    >>> again == Record("s", "a", "f", 3, "t1", {"name": "A"}, {},
    ...                 {"city": Claim("Laval", "f", 2, "t1")})
    True
    """
    given = dict(values)
    for name in cleared:
        given.setdefault(name, None)
    if previous is None:
        return Record(source, record, file, line, at, given)
    if (
        not previous.kept
        and (previous.file, previous.line) == (file, line)
        and given.keys() == previous.values.keys()
        and all(_same(previous.values[name], value) for name, value in given.items())
    ):
        return previous  # the row says again what its record holds (a reload)
    claims = previous.claims()
    for name, value in given.items():
        old = claims.get(name)
        when = old.at if old is not None and _same(old.value, value) else at
        claims[name] = Claim(value, file, line, when)
    return record_of_claims(source, record, file, line, at, claims)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


def _priorities(state: State, batch: Batch | None = None) -> dict[str, int]:
    priorities = {name: s.priority for name, s in state.sources.items()}
    if batch is not None and batch.priority is not None:
        priorities[batch.source] = batch.priority
    return priorities


def plan_load(batch: Batch, state: State, *, now: dt.datetime) -> Plan:
    """What to write for ``batch``, given what the store holds (``state``: the keys of
    :func:`keys_wanted`, the organizations of :func:`organizations_wanted` and the ties of
    :func:`tie_identities`, which of :func:`ends_wanted` exist)."""
    at = load_time(now, state.meta)
    plan = Plan(Change())
    change = plan.change
    priorities = _priorities(state, batch)
    stored_source = state.sources.get(batch.source)
    reranked = priorities[batch.source] != (stored_source.priority if stored_source else 0) if (
        batch.source in priorities) else False  # fmt: skip
    space = SOURCE_ROW + batch.source
    homes = row_homes(batch, state)
    records = {org_id: list(stored.records) for org_id, stored in state.organizations.items()}
    touched: dict[str, tuple[str, int]] = {}
    first_line: dict[str, tuple[str, int]] = {}
    for row in batch.organizations:
        home = homes[row.record]
        held = records.setdefault(home, [])
        index = next(
            (i for i, r in enumerate(held) if r.source == batch.source and r.record == row.record),
            None,
        )
        old = held.pop(index) if index is not None else None
        new = updated_record(old, batch.source, row.record, row.values, row.cleared, row.file,
                             row.line, at)  # fmt: skip
        held.append(new)
        if new != old:  # a row saying again what its record holds changes nothing
            touched.setdefault(home, (row.file, row.line))
        first_line.setdefault(home, (row.file, row.line))
        if home != row.record and state.keys.get((space, row.record)) != home:
            change.keys[(space, row.record)] = home
        for key in row.identifiers():
            holder = state.keys.get(key, change.keys.get(key))
            if holder is None:
                change.keys[key] = home
            elif holder != home:
                plan.notices.append(
                    f"{row.file}:{row.line}: {key[0][len(IDENTIFIER) :]} {key[1]} is already "
                    f"{holder}'s; the row stays {home} (see maillage duplicates)"
                )
    if reranked:
        for org_id, held in records.items():
            if any(r.source == batch.source for r in held):
                touched.setdefault(org_id, ("", 0))
    resolved = _settle_organizations(touched, records, state, priorities, plan)
    for org_id, (file, line) in first_line.items():
        if org_id not in resolved and org_id not in state.organizations:
            column = "type" if _has(records.get(org_id, []), "name") else "name"
            plan.problems.append(
                Problem(file, line, column, "required value is missing (a new organization)")
            )
    for key, org_id in list(change.keys.items()):
        if org_id not in resolved and org_id not in state.existing:
            del change.keys[key]  # a row refused (with skip_invalid): no key to nowhere
    ends = end_homes(batch, state, homes)
    known = set(resolved) | state.existing
    tie_records = {key: list(stored.records) for key, stored in state.ties.items()}
    tie_touched: set[TieIdentity] = set()
    unknown: dict[tuple[str, str], list[TieRow]] = defaultdict(list)
    for tie in batch.ties:
        source, target = ends.get(tie.source), ends.get(tie.target)
        if source not in known or target not in known:
            missing = ("source", tie.source) if source not in known else ("target", tie.target)
            unknown[missing].append(tie)
            continue
        assert source is not None and target is not None
        if source == target:
            plan.problems.append(
                Problem(tie.file, tie.line, "target", f"{tie.source!r} and {tie.target!r} are "
                        f"one organization ({source}): a tie cannot join it to itself")
            )  # fmt: skip
            continue
        identity = tie_key(source, target, tie.type, tie.since)
        held_ties = tie_records.get(identity)
        if held_ties is None:  # a tie the store does not hold (most of a first load)
            tie_records[identity] = [
                Record(batch.source, "", tie.file, tie.line, at, _tie_values(tie))
            ]
            tie_touched.add(identity)
            continue
        index = next((i for i, r in enumerate(held_ties) if r.source == batch.source), None)
        old_tie = held_ties.pop(index) if index is not None else None
        updated = updated_record(old_tie, batch.source, "", tie.values, tie.cleared, tie.file,
                                 tie.line, at)  # fmt: skip
        if old_tie is not None and not updated.values and not updated.kept:
            updated = updated._replace(at=old_tie.at)  # a bare tie keeps its first time
        held_ties.append(updated)
        if updated != old_tie:
            tie_touched.add(identity)
    for (column, end), rows in unknown.items():
        more = f" (and {len(rows) - 1} more rows)" if len(rows) > 1 else ""
        plan.problems.append(
            Problem(rows[0].file, rows[0].line, column, f"unknown organization {end!r}{more}")
        )
    if reranked:
        tie_touched.update(
            key for key, held in tie_records.items() if any(r.source == batch.source for r in held)
        )
    _settle_ties(tie_touched, tie_records, state, priorities, plan)
    files = (*(r.file for r in batch.organizations), *(t.file for t in batch.ties))
    change.sources.append(
        Source(
            batch.source,
            priorities.get(batch.source, 0),
            stored_source.first_loaded if stored_source else at,
            at,
            tuple(dict.fromkeys([*(stored_source.files if stored_source else ()), *files])),
        )
    )
    change.meta = replace(change.meta, last_at=at)
    plan.problems.sort(key=lambda p: (p.file, p.line))
    return plan


def _tie_values(tie: TieRow) -> Mapping[str, Any]:
    if not tie.cleared:
        return tie.values
    return {**dict.fromkeys(tie.cleared), **tie.values}


def _has(records: Sequence[Record], name: str) -> bool:
    return any(r.claims().get(name, Claim(None, "", 0, "")).value is not None for r in records)


def _settle_organizations(
    touched: Iterable[str],
    records: Mapping[str, list[Record]],
    state: State,
    priorities: Mapping[str, int],
    plan: Plan,
) -> dict[str, dict[str, Any]]:
    """Resolve the touched organizations and put what changed in the plan: upserts, and
    removals of those no record describes any more. Returns the resolved rows."""
    change = plan.change
    resolved: dict[str, dict[str, Any]] = {}
    removed: list[int] = []
    for org_id in sorted(touched):
        held = records.get(org_id, [])
        row = resolve_organization(org_id, held, priorities) if held else None
        stored = state.organizations.get(org_id)
        if row is None:
            if stored is not None:
                change.removed_organizations.append(org_id)
                removed.append(stored.digest)
                plan.removed += 1
            continue
        row["records"] = encode_records(held)
        resolved[org_id] = row
    frame = organization_rows(list(resolved.values()))
    keep = []
    added: list[int] = []
    texts = frame["records"] if len(frame) else ()
    for org_id, digest, text in zip(frame["id"], frame["digest"], texts, strict=True):
        stored = state.organizations.get(org_id)
        unchanged = stored is not None and stored.digest == digest and stored.text == text
        keep.append(not unchanged)
        if unchanged:
            continue
        added.append(digest)
        if stored is None:
            plan.created += 1
        else:
            removed.append(stored.digest)
            plan.updated += stored.digest != digest
    change.organizations = frame[keep].reset_index(drop=True)
    change.meta = replace(change.meta, rows=add_digests(state.meta.rows, added, removed))
    return resolved


def _settle_ties(
    touched: Iterable[TieIdentity],
    records: Mapping[TieIdentity, list[Record]],
    state: State,
    priorities: Mapping[str, int],
    plan: Plan,
) -> None:
    """Resolve the touched ties (those with a removed end go too) into the plan."""
    change = plan.change
    gone = set(change.removed_organizations)
    resolved = []
    removed: list[int] = []
    for identity in sorted(touched):
        held = records.get(identity, [])
        stored = state.ties.get(identity)
        if not held or identity[0] in gone or identity[1] in gone:
            if stored is not None:
                change.removed_ties.append(identity)
                removed.append(stored.digest)
                plan.ties_removed += 1
            continue
        row = resolve_tie(identity, held, priorities)
        row["records"] = encode_records(held)
        resolved.append(row)
    frame = tie_rows(resolved)
    keep = []
    added: list[int] = []
    texts = frame["records"] if len(frame) else ()
    columns = (frame[c] for c in ("source", "target", "type", "since", "digest"))
    for (source, target, kind, since, digest), text in zip(zip(*columns, strict=True), texts,
                                                           strict=True):  # fmt: skip
        stored = state.ties.get(tie_key(source, target, kind, since))
        unchanged = stored is not None and stored.digest == digest and stored.text == text
        keep.append(not unchanged)
        if unchanged:
            continue
        added.append(digest)
        if stored is None:
            plan.ties_created += 1
        else:
            removed.append(stored.digest)
            plan.ties_updated += stored.digest != digest
    change.ties = frame[keep].reset_index(drop=True)
    change.meta = replace(change.meta, rows=add_digests(change.meta.rows, added, removed))


def _identifiers_of(records: Iterable[Record]) -> set[tuple[str, str]]:
    """The strong identifier keys a set of records gives."""
    keys: set[tuple[str, str]] = set()
    for record in records:
        values = {k: c.value for k, c in record.claims().items() if c.value is not None}
        keys.update(strong_keys(record.record, values))
    return keys


def plan_unload(
    source: str,
    state: State,
    *,
    keys_to: Mapping[tuple[str, str], str],
    now: dt.datetime,
) -> Plan:
    """Remove what ``source`` asserted: its records, its tie records, its crosswalk keys,
    its entry. An organization no other source describes with a name and a type goes,
    with its ties. ``state`` holds every organization and tie with a record of the source
    and every tie touching those organizations; ``keys_to`` every key pointing at them or
    in the source's space."""
    if source not in state.sources:
        known = ", ".join(sorted(state.sources)) or "none"
        raise LedgerError(f"no source named {source!r} (sources: {known})")
    at = load_time(now, state.meta)
    plan = Plan(Change())
    change = plan.change
    priorities = {name: s.priority for name, s in state.sources.items() if name != source}
    records = {
        org_id: [r for r in stored.records if r.source != source]
        for org_id, stored in state.organizations.items()
    }
    touched = [
        org_id
        for org_id, stored in state.organizations.items()
        if len(records[org_id]) != len(stored.records)
    ]
    _settle_organizations(touched, records, state, priorities, plan)
    gone = set(change.removed_organizations)
    tie_records = {
        key: [r for r in stored.records if r.source != source] for key, stored in state.ties.items()
    }
    _settle_ties(state.ties, tie_records, state, priorities, plan)
    space = SOURCE_ROW + source
    for key, org_id in keys_to.items():
        strong = key[0].startswith(IDENTIFIER)
        if (
            key[0] == space
            or org_id in gone
            or (strong and org_id in touched and key not in _identifiers_of(records[org_id]))
        ):
            change.removed_keys.append(key)
    change.removed_sources.append(source)
    change.meta = replace(change.meta, last_at=at)
    return plan


def merge_groups(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """Accepted pairs ``(keep, drop)`` as groups folded into one organization each.

    Pairs may chain (a keeps b, b keeps c): each group is folded into the one organization
    of the group no pair drops (the first such, in the order given), else its first.

    >>> merge_groups([("a", "b"), ("b", "c"), ("x", "y"), ("y", "x")])
    [('a', ['b', 'c']), ('x', ['y'])]
    """
    parent: dict[str, str] = {}

    def root(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    order: dict[str, int] = {}
    dropped: set[str] = set()
    for keep, drop in pairs:
        for item in (keep, drop):
            order.setdefault(item, len(order))
        dropped.add(drop)
        parent[root(drop)] = root(keep)
    members: dict[str, list[str]] = defaultdict(list)
    for item in order:
        members[root(item)].append(item)
    groups = []
    for group in members.values():
        keep = next((i for i in group if i not in dropped), group[0])
        groups.append((keep, [i for i in group if i != keep]))
    return sorted(groups, key=lambda g: order[g[0]])


def plan_merge(
    groups: Sequence[tuple[str, Sequence[str]]],
    state: State,
    *,
    keys_to: Mapping[tuple[str, str], str],
    now: dt.datetime,
) -> Plan:
    """Fold each group's dropped organizations into its kept one, for good.

    The kept organization gathers every record (so its values follow the usual rules),
    every tie (re-pointed; two that become one keep both records; one that would join it
    to itself is dropped), every crosswalk key; the dropped ids are redirected to it, so a
    source loaded again lands there. Organizations with different NEQs are never merged.
    ``state`` holds the organizations and every tie touching them; ``keys_to`` every key
    pointing at them.
    """
    at = load_time(now, state.meta)
    plan = Plan(Change())
    change = plan.change
    priorities = _priorities(state)
    records = {org_id: list(stored.records) for org_id, stored in state.organizations.items()}
    into: dict[str, str] = {}
    for keep, drops in groups:
        missing = [o for o in (keep, *drops) if o not in state.organizations]
        if missing:
            raise LedgerError(f"unknown organization(s): {', '.join(missing)}")
        if keep in drops:
            raise LedgerError(f"{keep}: an organization cannot be merged into itself")
        numbers = {
            key[1]
            for o in (keep, *drops)
            for key in _identifiers_of(state.organizations[o].records)
            if key[0] == IDENTIFIER + "neq"
        }
        if len(numbers) > 1:
            raise LedgerError(
                f"{keep}, {', '.join(drops)}: different NEQs ({', '.join(sorted(numbers))}); "
                "two registered organizations are never merged"
            )
        for drop in drops:
            into[drop] = keep
            records[keep].extend(records.pop(drop))
            change.decisions.append(Decision("merge", drop, keep, at))
    touched = [keep for keep, _ in groups] + list(into)
    _settle_organizations(touched, records, state, priorities, plan)
    # Every key that pointed at a dropped organization points at its kept one (a row key
    # whose row id is the kept id is no longer needed); rows of a dropped id get a key.
    for key, org_id in keys_to.items():
        if org_id in into:
            if key[0].startswith(SOURCE_ROW) and key[1] == into[org_id]:
                change.removed_keys.append(key)
            else:
                change.keys[key] = into[org_id]
    for drop, keep in into.items():
        change.keys[(MERGED, drop)] = keep
        for record in records[keep]:
            if record.record == drop:
                change.keys[(SOURCE_ROW + record.source, drop)] = keep
    # Ties, re-pointed: an identity whose ties all moved is left without records and goes.
    tie_records: dict[TieIdentity, list[Record]] = {key: [] for key in state.ties}
    for identity, stored in state.ties.items():
        source, target, kind, since = identity
        moved = tie_key(into.get(source, source), into.get(target, target), kind, since or None)
        if moved[0] == moved[1]:
            plan.notices.append(
                f"a {kind} tie between {source} and {target} would join the merged "
                "organization to itself: dropped"
            )
            continue
        held = tie_records.setdefault(moved, [])
        for record in stored.records:
            same = next((r for r in held if r.source == record.source), None)
            if same is None:
                held.append(record)
                continue
            held.remove(same)
            newer, older = sorted((same, record), key=lambda r: r.at, reverse=True)
            claims = {**older.claims(), **newer.claims()}
            held.append(record_of_claims(newer.source, "", newer.file, newer.line, newer.at,
                                         claims))  # fmt: skip
    _settle_ties(tie_records, tie_records, state, priorities, plan)
    change.meta = replace(change.meta, last_at=at)
    return plan


def plan_reject(pairs: Iterable[tuple[str, str]], state: State, *, now: dt.datetime) -> Plan:
    """Record pairs a steward says are not one organization (never proposed again)."""
    at = load_time(now, state.meta)
    decisions = []
    for pair in pairs:
        left, right = sorted(pair)
        decisions.append(Decision("reject", left, right, at))
    return Plan(Change(decisions=decisions, meta=replace(state.meta, last_at=at)))


def conflicts(
    records: Mapping[str, Sequence[Record]], priorities: Mapping[str, int]
) -> pd.DataFrame:
    """Fields on which sources disagree: one row per organization and field, the value
    shown (the winner by the rules) and every other value with its source.

    >>> a = Record("members", "x", "m.csv", 2, "2026-01", {"city": "Laval"})
    >>> b = Record("register", "x", "r.csv", 9, "2026-02", {"city": "LAVAL-OUEST"})
    >>> conflicts({"x": [a, b]}, {}).iloc[0][["field", "value", "source", "others"]].tolist()
    ['city', 'LAVAL-OUEST', 'register', 'Laval (members, m.csv:2)']
    """
    rows = []
    for org_id, held in sorted(records.items()):
        claimed: dict[str, list[tuple[Rank, Claim, str]]] = defaultdict(list)
        for record in held:
            priority = priorities.get(record.source, 0)
            for name, claim in record.claims().items():
                if claim.value is not None and name not in ("tags", _ALSO):
                    claimed[name].append(((priority, claim.at, record.source), claim,
                                          record.source))  # fmt: skip
        for name, claims in sorted(claimed.items()):
            if len({str(c.value) for _, c, _ in claims}) < 2:
                continue
            claims.sort(key=lambda item: item[0], reverse=True)
            _, winner, source = claims[0]
            others = [
                f"{c.value} ({s}, {c.file}:{c.line})"
                for _, c, s in claims[1:]
                if str(c.value) != str(winner.value)
            ]
            rows.append(
                {"id": org_id, "field": name, "value": winner.value, "source": source,
                 "others": "; ".join(others)}
            )  # fmt: skip
    return pd.DataFrame(rows, columns=["id", "field", "value", "source", "others"])
