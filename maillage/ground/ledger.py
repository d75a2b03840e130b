"""The ledger's shapes: who claimed which value, the resolved rows, what a write changes.

Every value an organization or a tie shows comes from a *claim*: a source (a name the steward
gives, by default the file name) said it in a file, on a line, at a time. An organization
keeps the *records* of every source row that described it; a tie keeps one record per source
that asserted it. What readers see (the resolved rows) is computed from the records by the
rules of ``maillage.loaders.ledger``; the stores persist records, resolved rows and the
crosswalk together, and return them as they were given.

This module holds only the shapes, their text encoding and the row digests that make the
data version a function of what readers see, so that both stores and the rules share them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

import numpy as np
import pandas as pd

from maillage.ground.tables import organizations_frame, plain_value, properties_json, ties_frame
from maillage.ground.vocabulary import ORGANIZATION_COLUMNS, TIE_COLUMNS

#: Fields of an extra property are named ``properties.<key>``.
PROPERTY: Final = "properties."
#: Organization fields a source may claim (every column but the id).
ORGANIZATION_FIELDS: Final = tuple(c for c in ORGANIZATION_COLUMNS if c != "id")
#: Tie fields a source may claim (its identity, source, target, type and since, is no claim).
TIE_FIELDS: Final = tuple(c for c in TIE_COLUMNS if c not in ("source", "target", "type", "since"))
#: Key spaces of the crosswalk: strong identifiers, rows of a source, merged organizations.
IDENTIFIER: Final = "id:"
SOURCE_ROW: Final = "row:"
MERGED: Final = "merged"
#: The source of values loaded before the store kept sources (an older store, migrated).
EARLIER: Final = "(earlier loads)"
#: The data version of an empty store.
EMPTY_VERSION: Final = "empty"
_DIGEST_MODULUS: Final = 1 << 64


class Claim(NamedTuple):
    """One value one source gave one field: ``value`` None means the source cleared it."""

    value: Any
    file: str
    line: int
    #: When the source first gave this value (a reload of the same value keeps it).
    at: str


class Record(NamedTuple):
    """What one row of a source says of an organization (or of a tie: ``record`` is then
    ``""``): its values, given on ``file:line`` at ``at``.

    A value given again by a later load keeps the time it was first given (``since``
    holds those older than ``at``); a field the latest row left empty keeps the claim of
    the row before (``kept``). Most records have neither, and cost one tuple and one dict.
    """

    source: str
    record: str
    file: str
    line: int
    at: str
    #: Values by field (None: the row cleared the field).
    values: Mapping[str, Any]
    since: Mapping[str, str] = {}
    kept: Mapping[str, Claim] = {}

    def claims(self) -> dict[str, Claim]:
        """Every claim of the record, by field.

        >>> Record("s", "a", "f.csv", 3, "t2", {"name": "A"}, {"name": "t1"},
        ...        {"city": Claim("Laval", "e.csv", 9, "t0")}).claims()["name"]
        Claim(value='A', file='f.csv', line=3, at='t1')
        """
        found = dict(self.kept)
        since = self.since
        for name, value in self.values.items():
            found[name] = Claim(value, self.file, self.line, since.get(name, self.at))
        return found

    def time_of(self, name: str) -> str:
        """When the value of ``name`` was given (a field of ``values``)."""
        return self.since.get(name, self.at)


def record_of_claims(
    source: str, record: str, file: str, line: int, at: str, claims: Mapping[str, Claim]
) -> Record:
    """A record in its compact form: claims on ``file:line`` are its values, the others
    kept; its time is the latest of its values' (``at`` when it has none).

    >>> r = record_of_claims("s", "a", "f", 2, "t9", {"x": Claim(1, "f", 2, "t1"),
    ...                                              "y": Claim(2, "f", 2, "t1")})
    >>> r.at, dict(r.since), r.claims()["y"]
    ('t1', {}, Claim(value=2, file='f', line=2, at='t1'))
    """
    values = {n: c.value for n, c in claims.items() if (c.file, c.line) == (file, line)}
    kept = {n: c for n, c in claims.items() if n not in values}
    times = {n: claims[n].at for n in values}
    latest = max(times.values()) if times else at
    since = {n: t for n, t in times.items() if t != latest}
    return Record(source, record, file, line, latest, values, since, kept)


@dataclass(frozen=True)
class Source:
    """A source as the steward named it: its rank in conflicts and when it was loaded."""

    name: str
    #: Higher wins a conflict whatever the dates; equal priorities: the latest value wins.
    priority: int = 0
    first_loaded: str = ""
    last_loaded: str = ""
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """A steward's decision on a pair: ``merge`` (``left`` folded into ``right``) or
    ``reject`` (never propose the pair again)."""

    kind: str
    left: str
    right: str
    at: str


@dataclass(frozen=True)
class Meta:
    """The store's running totals: the sum of the row digests, the metrics written, the last
    load's time."""

    rows: int = 0
    metrics: str = ""
    last_at: str = ""

    @property
    def data_version(self) -> str:
        """A token that changes with what readers see and comes back when it does.

        >>> Meta().data_version, Meta(rows=5).data_version
        ('empty', '0000000000000005')
        """
        if self.rows == 0 and not self.metrics:
            return EMPTY_VERSION
        return f"{self.rows:016x}" + (f"-{self.metrics}" if self.metrics else "")


@dataclass
class Change:
    """What one write does, computed by the rules and applied by a store in one transaction.

    ``organizations`` and ``ties`` are resolved rows in canonical shape with two more
    columns, ``records`` (the encoded records) and ``digest``; ``keys`` maps crosswalk keys
    ``(space, key)`` to an organization id; ``removed_ties`` are identities
    ``(source, target, type, since_key)``.
    """

    organizations: pd.DataFrame | None = None
    ties: pd.DataFrame | None = None
    removed_organizations: list[str] = field(default_factory=list)
    removed_ties: list[tuple[str, str, str, str]] = field(default_factory=list)
    keys: dict[tuple[str, str], str] = field(default_factory=dict)
    removed_keys: list[tuple[str, str]] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    removed_sources: list[str] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    meta: Meta = field(default_factory=Meta)

    @property
    def empty(self) -> bool:
        """Whether the change writes no row, key, source or decision."""
        frames = (self.organizations, self.ties)
        return (
            all(frame is None or frame.empty for frame in frames)
            and not self.removed_organizations
            and not self.removed_ties
            and not self.keys
            and not self.removed_keys
            and not self.sources
            and not self.removed_sources
            and not self.decisions
        )


def _plain(value: Any) -> Any:
    return value if value.__class__ in _PLAIN else plain_value(value)


_PLAIN: Final = frozenset({str, int, float, bool, type(None)})


def _record_list(r: Record) -> list[Any]:
    values = {k: _plain(v) for k, v in r.values.items()}
    listed: list[Any] = [r.source, r.record, r.file, r.line, r.at, values]
    if r.since or r.kept:
        listed.append(dict(r.since))
        listed.append({k: [_plain(c.value), c.file, c.line, c.at] for k, c in r.kept.items()})
    return listed


def _record(listed: list[Any]) -> Record:
    if len(listed) == 6:
        return Record(*listed)
    source, record, file, line, at, values, since, kept = listed
    return Record(source, record, file, line, at, values, since,
                  {k: Claim(*c) for k, c in kept.items()})  # fmt: skip


def encode_records(records: Sequence[Record]) -> str:
    """Records as compact JSON text (what the stores keep beside a resolved row).

    >>> text = encode_records([Record("members", "a", "m.csv", 2, "t", {"name": "A"})])
    >>> text
    '[["members","a","m.csv",2,"t",{"name":"A"}]]'
    >>> decode_records(text)[0].claims()["name"]
    Claim(value='A', file='m.csv', line=2, at='t')
    """
    if len(records) == 1 and not records[0].since and not records[0].kept:
        # The common record (one source row, no history), written from a template: the
        # same text the encoder gives, a fifth of the time for a Québec-scale load.
        only = records[0]
        values = _JSON.encode({k: _plain(v) for k, v in only.values.items()})
        return (
            f"[[{_quoted(only.source)},{_quoted(only.record)},{_quoted(only.file)},"
            f"{int(only.line)},{_quoted(only.at)},{values}]]"
        )
    return _JSON.encode([_record_list(r) for r in records])


#: JSON text of a string, as the encoder writes it (non-ASCII letters kept).
_quoted: Final = json.encoder.encode_basestring


def decode_records(text: str | None) -> list[Record]:
    """Records from :func:`encode_records` text (none for an empty or missing text)."""
    return [_record(listed) for listed in json.loads(text)] if text else []


def row_digest(values: Iterable[Any]) -> int:
    """A 63-bit digest of a resolved row's values (plain values, properties as a mapping;
    each position holds one kind of value, so ``1`` and ``"1"`` never meet).

    >>> row_digest(["a", 1.0, {"x": 1}]) == row_digest(["a", 1.0, {"x": 1}])
    True
    >>> row_digest(["a", None]) != row_digest(["a", ""])
    True
    """
    text = "\x1f".join(map(_token, values))
    # 63 bits: every store keeps it as a signed 64-bit integer.
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big") >> 1


def _token(value: Any) -> str:
    kind = value.__class__
    if kind is str:
        return value
    if value is None or value is pd.NA:
        return "\x00"
    if kind is float:
        return "\x00" if value != value else repr(value)
    if kind is int or kind is bool:
        return str(value)
    if isinstance(value, Mapping):
        return _JSON.encode(dict(sorted(value.items())))
    value = plain_value(value)
    return "\x00" if value is None else str(value)


#: One encoder for every record (``json.dumps`` with options builds a new one per call).
_JSON: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


def add_digests(total: int, added: Iterable[int] = (), removed: Iterable[int] = ()) -> int:
    """``total`` with digests added and removed (a sum modulo 2**64: order does not matter,
    so undoing a write gives the same total back).

    >>> add_digests(add_digests(7, [2**63, 5]), removed=[5, 2**63])
    7
    """
    return (total + sum(added) - sum(removed)) % _DIGEST_MODULUS


def tie_key(source: str, target: str, kind: str, since: str | None) -> tuple[str, str, str, str]:
    """A tie's identity: its ends, its type and its start (missing dates compare equal)."""
    return (source, target, kind, since or "")


def frame_digests(table: pd.DataFrame) -> list[int]:
    """A 63-bit digest of each row of a table of plain columns (properties as JSON text),
    hashed column by column by pandas (``hash_pandas_object``: fixed key, the same in every
    process). A missing value and an empty text differ.

    >>> table = pd.DataFrame({"name": ["a", "a", None], "lat": [1.0, 1.0, float("nan")]})
    >>> first, same, other = frame_digests(table)
    >>> first == same != other, 0 <= first < 2**63
    (True, True)
    """
    if table.empty:
        return []
    hashed = pd.util.hash_pandas_object(table, index=False).to_numpy()
    # 63 bits: every store keeps a digest as a signed 64-bit integer.
    return (hashed >> np.uint64(1)).astype(np.int64).tolist()


def _hashable(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The columns of a canonical frame a digest covers, properties as canonical JSON."""
    table = frame[list(columns)].copy()
    table["properties"] = [properties_json(p) if p else "{}" for p in frame["properties"]]
    return table


def organization_rows(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Resolved organizations in canonical shape with their ``digest`` (and ``records``
    when the rows carry them).

    >>> frame = organization_rows([{"id": "a", "name": "A", "type": "network"}])
    >>> frame["digest"].tolist() == organization_rows([{"id": "a", "name": "A",
    ...     "type": "network", "visibility": "public"}])["digest"].tolist()
    True
    """
    frame = organizations_frame(list(rows))
    frame["digest"] = frame_digests(_hashable(frame, ORGANIZATION_COLUMNS))
    if rows and "records" in rows[0]:
        by_id = {str(row["id"]): row["records"] for row in rows}
        frame["records"] = [by_id[i] for i in frame["id"]]
    return frame


def tie_rows(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Resolved ties in canonical shape with their ``digest`` (and ``records``)."""
    frame = ties_frame(list(rows))
    frame["digest"] = frame_digests(_hashable(frame, TIE_COLUMNS))
    if rows and "records" in rows[0]:
        by_key = {
            tie_key(r["source"], r["target"], r["type"], r.get("since")): r["records"] for r in rows
        }
        frame["records"] = [
            by_key[tie_key(s, t, k, v)]
            for s, t, k, v in zip(
                frame["source"], frame["target"], frame["type"], frame["since"], strict=True
            )
        ]
    return frame


def records_of_rows(rows: pd.DataFrame, *, source: str = EARLIER, at: str = "") -> list[str]:
    """Encoded records saying exactly what canonical organization rows say (every
    non-empty value, from ``source``): how a store made before the ledger is migrated.

    >>> rows = organizations_frame([{"id": "a", "name": "A", "type": "network"}])
    >>> decode_records(records_of_rows(rows)[0])[0].values
    {'name': 'A', 'type': 'network', 'country': 'CA', 'visibility': 'public'}
    """
    texts = []
    for row in rows.to_dict(orient="records"):
        values = {
            name: plain_value(row[name])
            for name in ORGANIZATION_FIELDS
            if plain_value(row[name]) not in (None, "")
        }
        for key, value in (row.get("properties") or {}).items():
            if plain_value(value) not in (None, ""):
                values[PROPERTY + str(key)] = plain_value(value)
        texts.append(encode_records([Record(source, str(row["id"]), "", 0, at, values)]))
    return texts


def tie_records_of_rows(rows: pd.DataFrame, *, source: str = EARLIER, at: str = "") -> list[str]:
    """Encoded tie records saying exactly what canonical tie rows say."""
    texts = []
    for row in rows.to_dict(orient="records"):
        values = {
            name: plain_value(row[name])
            for name in TIE_FIELDS
            if plain_value(row[name]) not in (None, "")
        }
        for key, value in (row.get("properties") or {}).items():
            if plain_value(value) not in (None, ""):
                values[PROPERTY + str(key)] = plain_value(value)
        texts.append(encode_records([Record(source, "", "", 0, at, values)]))
    return texts
