"""The store contract every backend (embedded SQLite, Neo4j) implements, and its table shapes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from maillage.ground.ledger import Change, Decision, Meta, Source
from maillage.ground.tables import Progress
from maillage.ground.vocabulary import (
    AUDIENCES,
    visible_levels,
)


class StoreError(Exception):
    """A store cannot do what was asked (unreachable server, unknown id, ...)."""


@dataclass(frozen=True)
class GraphQuery:
    """Which part of the graph to read; every filter is applied inside the store.

    ``as_of=None`` reads ties of every date; a date keeps ties whose ``since``/``until``
    span it. ``tie_types`` keeps ties of those types (``()``: none, to read organizations
    alone). ``focus`` with ``hops`` keeps the organizations within ``hops`` ties of
    ``focus`` (over the ties that pass the other filters) and the ties among them.
    """

    audience: str = "public"
    as_of: dt.date | None = None
    tie_types: tuple[str, ...] | None = None
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


#: A tie's identity: source, target, type and since ('' when it has none).
TieIdentity = tuple[str, str, str, str]


class LedgerReader(Protocol):
    """What a write's rules read, inside the write's own transaction.

    Organizations come back as ``id``, ``records`` (encoded) and ``digest``; ties as
    ``source``, ``target``, ``type``, ``since`` (None when it has none), ``records`` and
    ``digest``: the rules need nothing else of a stored row.
    """

    def keys(self, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The crosswalk keys ``(space, key)`` among ``wanted`` and their organizations."""
        ...

    def keys_to(self, ids: Iterable[str], spaces: Iterable[str] = ()) -> dict[tuple[str, str], str]:
        """Every key pointing at one of ``ids``, and every key of ``spaces``."""
        ...

    def existing(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` that are organizations."""
        ...

    def organizations(self, ids: Iterable[str]) -> pd.DataFrame:
        """The organizations of ``ids`` that exist, with their records and digests."""
        ...

    def ties(self, identities: Iterable[TieIdentity]) -> pd.DataFrame:
        """The ties of ``identities`` that exist, with their records and digests."""
        ...

    def ties_of(self, ids: Iterable[str]) -> pd.DataFrame:
        """Every tie touching one of ``ids``, with its records and digest."""
        ...

    def holding(self, source: str) -> tuple[list[str], list[TieIdentity]]:
        """The organizations and ties that hold a record of ``source`` (and perhaps a few
        more: the caller checks the records)."""
        ...

    def sources(self) -> list[Source]:
        """Every source, by name."""
        ...

    def meta(self) -> Meta:
        """The store's running totals (rows digest, metrics, last write's time)."""
        ...


#: A write's rules: what the reader shows in, the change to apply out (None: nothing).
Planner = Callable[[LedgerReader], Change | None]


@dataclass(frozen=True)
class LoadResult:
    """What one successful load wrote."""

    organizations: int
    ties: int
    data_version: str


class Store(Protocol):
    """The contract shared by the embedded and the Neo4j store.

    The store persists the ledger (``maillage.ground.ledger``): resolved organizations and
    ties with their records and digests, the crosswalk, the sources, the decisions and the
    running totals. Every write is one transaction, all or nothing: after an error, a
    crash or a kill the store is exactly as before, and readers never see half a write.
    The rules live elsewhere (``maillage.loaders.ledger``): a store applies the change a
    planner computes from what the store shows it, inside the same transaction.
    """

    backend: str
    location: str

    def write(self, plan: Planner, *, progress: Progress | None = None) -> Meta:
        """Run ``plan`` on a reader of this store and apply its change, in one transaction
        (nothing written when the plan returns None or raises). Returns the totals after."""
        ...

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` that are organizations in the store (any visibility)."""
        ...

    def known_ids(self, ids: Iterable[str], *, source: str | None = None) -> set[str]:
        """Those of ``ids`` a row may name: organizations, ids merged into one, and the
        row ids ``source`` already sent elsewhere (its crosswalk)."""
        ...

    def info(self) -> StoreInfo:
        """Counts by type (every visibility) and the data version."""
        ...

    def data_version(self) -> str:
        """A token of what readers see: it changes when that changes, and comes back when
        a write is undone (a load of unchanged data keeps it)."""
        ...

    def read_graph(self, query: GraphQuery) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Organizations and ties the query sees; a tie is seen only with both ends."""
        ...

    def read_records(self, ids: Iterable[str] | None = None) -> pd.DataFrame:
        """``id`` and encoded ``records`` of the organizations ``ids`` (None: all)."""
        ...

    def read_tie_records(self, ids: Iterable[str] | None) -> pd.DataFrame:
        """Ties touching ``ids`` (None: every tie) as the reader returns them (``source``,
        ``target``, ``type``, ``since``, ``records``, ``digest``)."""
        ...

    def sources(self) -> list[Source]:
        """Every source, by name."""
        ...

    def decisions(self) -> list[Decision]:
        """Every merge and rejected pair, oldest first."""
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
