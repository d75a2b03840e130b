"""The store contract every backend (embedded SQLite, Neo4j) implements, and its table shapes."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from maillage.vocabulary import (
    AUDIENCES,
    ORGANIZATION_COLUMNS,
    TIE_COLUMNS,
    visible_levels,
)

#: Organization columns holding whole numbers (nullable).
INTEGER_COLUMNS = ("founded", "members", "employees")
#: Organization columns holding real numbers (NaN when missing).
REAL_COLUMNS = ("lat", "lon")

#: Called with (rows done, rows in all) while a load runs.
Progress = Callable[[int, int], None]


class StoreError(Exception):
    """A store cannot do what was asked (unreachable server, unknown id, ...)."""


@dataclass(frozen=True)
class GraphQuery:
    """Which part of the graph to read; every filter is applied inside the store.

    ``as_of=None`` reads ties of every date; a date keeps ties whose ``since``/``until``
    span it. ``focus`` with ``hops`` keeps the organizations within ``hops`` ties of
    ``focus`` (over the ties that pass the other filters) and the ties among them.
    """

    audience: str = "public"
    as_of: dt.date | None = None
    organization_types: tuple[str, ...] | None = None
    tie_types: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    focus: str | None = None
    hops: int = 1

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(
                f"unknown audience {self.audience!r}; use one of {', '.join(AUDIENCES)}"
            )
        if self.hops < 0:
            raise ValueError("hops must be zero or more")

    @property
    def levels(self) -> tuple[str, ...]:
        """The visibilities this query may see."""
        return visible_levels(self.audience)

    @property
    def as_of_text(self) -> str | None:
        """``as_of`` as an ISO date, the form dates are stored in."""
        return None if self.as_of is None else self.as_of.isoformat()


@dataclass(frozen=True)
class StoreInfo:
    """What ``maillage info`` shows."""

    backend: str
    location: str
    data_version: str
    organizations_by_type: Mapping[str, int] = field(default_factory=dict)
    ties_by_type: Mapping[str, int] = field(default_factory=dict)

    @property
    def organizations(self) -> int:
        return sum(self.organizations_by_type.values())

    @property
    def ties(self) -> int:
        return sum(self.ties_by_type.values())


@dataclass(frozen=True)
class LoadResult:
    """What one successful load wrote."""

    organizations: int
    ties: int
    data_version: str


class Store(Protocol):
    """The contract shared by the embedded and the Neo4j store.

    Frames going in and out have the shapes made by :func:`organizations_frame` and
    :func:`ties_frame`. ``load`` is all or nothing: after an error, a crash or a kill,
    the store is exactly as before, and readers never see half a load.
    """

    backend: str

    def load(
        self,
        orgs: pd.DataFrame,
        ties: pd.DataFrame,
        *,
        progress: Progress | None = None,
        remove_ids: Iterable[str] = (),
    ) -> LoadResult:
        """Upsert organizations by ``id`` and ties by (source, target, type, since).

        ``remove_ids`` are deleted first, with their ties, in the same all-or-nothing
        write (a merge folds duplicates into one organization this way).
        """
        ...

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` that are organizations in the store (any visibility)."""
        ...

    def info(self) -> StoreInfo:
        """Counts by type (every visibility) and the data version."""
        ...

    def data_version(self) -> str:
        """A token that changes on every successful load or write."""
        ...

    def read_graph(self, query: GraphQuery) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Organizations and ties the query sees; a tie is seen only with both ends."""
        ...

    def write_metrics(self, metrics: pd.DataFrame) -> int:
        """Store metric columns (indexed by organization id) as organization properties."""
        ...

    def read_metrics(self) -> pd.DataFrame:
        """Metrics last written with :meth:`write_metrics`, indexed by organization id."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def organizations_frame(rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Organizations in canonical shape: contract columns, dtypes, sorted by id.

    >>> orgs = organizations_frame([{"id": "b", "name": "B", "type": "network"},
    ...                             {"id": "a", "name": "A", "type": "enterprise"}])
    >>> list(orgs["id"]), orgs.loc[0, "visibility"], orgs.loc[0, "properties"]
    (['a', 'b'], 'public', {})
    """
    orgs = _table(rows)
    for column in (*ORGANIZATION_COLUMNS, "properties"):
        if column not in orgs.columns:
            orgs[column] = None
    orgs["visibility"] = orgs["visibility"].fillna("public")
    # Québec is the default home; a multinational network may have no seat country.
    domestic = orgs["type"] != "international_partner"
    orgs["country"] = orgs["country"].where(orgs["country"].notna() | ~domestic, "CA")
    orgs["properties"] = pd.Series([as_properties(p) for p in orgs["properties"]], dtype=object)
    for column in INTEGER_COLUMNS:
        orgs[column] = pd.to_numeric(orgs[column], errors="coerce").astype("Int64")
    for column in REAL_COLUMNS:
        orgs[column] = pd.to_numeric(orgs[column], errors="coerce").astype("float64")
    text_columns = [
        c for c in ORGANIZATION_COLUMNS if c not in INTEGER_COLUMNS and c not in REAL_COLUMNS
    ]
    for column in text_columns:
        orgs[column] = _text(orgs[column])
    orgs = orgs[[*ORGANIZATION_COLUMNS, "properties"]]
    return orgs.sort_values("id", kind="stable").reset_index(drop=True)


def ties_frame(rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Ties in canonical shape: contract columns, dtypes, sorted by identity.

    >>> ties = ties_frame([{"source": "a", "target": "b", "type": "partner"}])
    >>> ties.loc[0, "weight"], ties.loc[0, "since"], ties.loc[0, "visibility"]
    (np.float64(1.0), None, 'public')
    """
    ties = _table(rows)
    for column in (*TIE_COLUMNS, "properties"):
        if column not in ties.columns:
            ties[column] = None
    ties["visibility"] = ties["visibility"].fillna("public")
    ties["weight"] = pd.to_numeric(ties["weight"], errors="coerce").fillna(1.0).astype("float64")
    ties["properties"] = pd.Series([as_properties(p) for p in ties["properties"]], dtype=object)
    for column in TIE_COLUMNS:
        if column != "weight":
            ties[column] = _text(ties[column])
    ties = ties[[*TIE_COLUMNS, "properties"]]
    sort_since = ties["since"].fillna("")
    ordered = ties.assign(_since=sort_since).sort_values(
        ["source", "target", "type", "_since"], kind="stable"
    )
    return ordered.drop(columns="_since").reset_index(drop=True)


def since_key(since: str | None) -> str:
    """The ``since`` part of a tie's identity: missing dates compare equal.

    >>> since_key(None), since_key("2015-01-01")
    ('', '2015-01-01')
    """
    return since or ""


def properties_json(properties: Mapping[str, Any]) -> str:
    """Extra properties as canonical JSON (sorted keys, UTF-8 kept)."""
    if not properties:
        return "{}"
    return json.dumps(dict(properties), ensure_ascii=False, sort_keys=True)


def plain_value(value: Any) -> Any:
    """A value SQLite, JSON and drivers accept: numpy/pandas scalars unwrapped, missing as None.

    >>> import numpy as np
    >>> plain_value(np.int64(3)), plain_value(float("nan")), plain_value(pd.NA)
    (3, None, None)
    """
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _text(values: pd.Series) -> pd.Series:
    """Text cells as Python strings, missing ones as None, in an object column."""
    present = values.notna().tolist()
    cells = values.astype(object).tolist()
    text = [
        (v if v.__class__ is str else str(v)) if ok else None
        for v, ok in zip(cells, present, strict=True)
    ]
    return pd.Series(text, index=values.index, dtype=object)


def _table(rows: Any) -> pd.DataFrame:
    table = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    return table.reset_index(drop=True)


def as_properties(value: Any) -> dict[str, Any]:
    """A row's extra properties as a dict of its own: a mapping copied, JSON text parsed
    (anything but a JSON object, and no value, give an empty dict).

    >>> as_properties('{"a": 1}'), as_properties(None), as_properties("[1]")
    ({'a': 1}, {}, {})
    """
    if value.__class__ is dict or isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str) and value:
        loaded = json.loads(value)
        return dict(loaded) if isinstance(loaded, Mapping) else {}
    return {}
