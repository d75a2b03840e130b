"""Read the graph an audience sees at a date, and compute analytics once per data version."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx
import pandas as pd

from maillage.graph.build import alliance_graph
from maillage.graph.metrics import metrics as compute_metrics
from maillage.ground.vocabulary import fold
from maillage.queries.store import GraphQuery, Store
from maillage.services.cache import AnalyticsCache, cache_key

T = TypeVar("T")


def cache_directory() -> Path:
    """Where results are kept between commands: ``MAILLAGE_CACHE`` or the user cache."""
    configured = os.environ.get("MAILLAGE_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "maillage"


_cache: AnalyticsCache | None = None


def shared_cache() -> AnalyticsCache:
    """One cache per process, backed by :func:`cache_directory`."""
    global _cache
    if _cache is None:
        _cache = AnalyticsCache(cache_directory())
    return _cache


@dataclass(frozen=True)
class View:
    """What one audience sees of the store at one date."""

    data_version: str
    audience: str
    as_of: dt.date | None
    orgs: pd.DataFrame
    ties: pd.DataFrame
    G: nx.Graph

    def cached(self, what: str, options: dict[str, Any], compute: Callable[[], T]) -> T:
        """``compute()`` once per (data version, audience, date, what, options)."""
        key = cache_key(self.data_version, self.audience, self.as_of, {"what": what, **options})
        return shared_cache().get_or_compute(key, compute)


def read_view(
    store: Store,
    *,
    audience: str = "public",
    as_of: dt.date | None = None,
    weighted: bool = False,
) -> View:
    """The organizations and ties ``audience`` sees at ``as_of`` and their alliance graph."""
    version = store.data_version()
    orgs, ties = store.read_graph(GraphQuery(audience=audience, as_of=as_of))
    return View(version, audience, as_of, orgs, ties, alliance_graph(orgs, ties, weighted=weighted))


def metrics_table(
    view: View,
    *,
    betweenness_samples: int | str | None = "auto",
    seed: int = 0,
    weighted: bool = False,
    roles_by: str = "type",
) -> pd.DataFrame:
    """The ``metrics`` table of the view, from the cache when it was computed before."""
    options = {
        "samples": betweenness_samples, "seed": seed, "weighted": weighted, "roles_by": roles_by,
    }  # fmt: skip
    return view.cached(
        "metrics",
        options,
        lambda: compute_metrics(
            view.orgs,
            view.G,
            betweenness_samples=betweenness_samples,  # type: ignore[arg-type]
            seed=seed,
            weighted=weighted,
            roles_by=roles_by,
        ),
    )


class UnknownOrganization(LookupError):
    """No organization, or more than one, answers to what the user typed."""


def resolve(orgs: pd.DataFrame, text: str) -> str:
    """The id of the organization ``text`` names: an id, else a name (accents ignored).

    >>> orgs = pd.DataFrame({"id": ["chantier-es", "tiess"],
    ...                      "name": ["Chantier de l'économie sociale", "TIESS"]})
    >>> resolve(orgs, "TIESS"), resolve(orgs, "chantier de l'economie sociale")
    ('tiess', 'chantier-es')
    >>> resolve(orgs, "économie")
    'chantier-es'
    >>> resolve(orgs, "Atlantis")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    maillage.services.views.UnknownOrganization: no organization 'Atlantis' ...
    """
    ids = [str(org_id) for org_id in orgs["id"]]
    if text in set(ids):
        return text
    wanted = fold(text)
    names = [fold(str(name)) for name in orgs["name"]]
    for keys in ([fold(org_id) for org_id in ids], names):
        exact = [org_id for org_id, key in zip(ids, keys, strict=True) if key == wanted]
        if len(exact) == 1:
            return exact[0]
    close = [
        (org_id, shown)
        for org_id, shown, name in zip(ids, orgs["name"], names, strict=True)
        if wanted and wanted in name
    ]
    if len(close) == 1:
        return close[0][0]
    if close:
        choices = ", ".join(f"{org_id} ({shown})" for org_id, shown in close[:8])
        more = f" and {len(close) - 8} more" if len(close) > 8 else ""
        raise UnknownOrganization(f"{text!r} is ambiguous; use an id: {choices}{more}")
    raise UnknownOrganization(f"no organization {text!r} (by id or name) in what you may see")
