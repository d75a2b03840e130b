"""The store contract every backend (embedded SQLite, Neo4j) implements, and its table shapes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

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
