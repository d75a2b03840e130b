"""What one audience sees of the store at one date, read once per data version and shared."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

import networkx as nx
import pandas as pd

from maillage.graph.build import alliance_graph
from maillage.ground.dates import today
from maillage.ground.vocabulary import AUDIENCES, fold
from maillage.queries.store import GraphQuery, Store
from maillage.services.cache import cache_key, shared_cache

T = TypeVar("T")


class BadRequest(ValueError):
    """A request a user must fix (an unknown type, region, column or option value)."""


class UnknownOrganization(LookupError):
    """No organization, or more than one, answers to what the user typed."""


class _Today:
    """The default date of a view: today, as the CLI and the explorer both mean it."""

    def __repr__(self) -> str:
        return "TODAY"


#: ``as_of=TODAY`` (the default) is today's date; ``as_of=None`` is every date.
TODAY: Final = _Today()

#: The date a view is asked for: a day, :data:`TODAY`, or None for every date.
AsOf = dt.date | _Today | None


@dataclass(frozen=True)
class View:
    """What one audience sees of the store at one date (``as_of=None``: every date)."""

    data_version: str
    audience: str
    as_of: dt.date | None
    orgs: pd.DataFrame = field(repr=False)
    ties: pd.DataFrame = field(repr=False)
    G: nx.Graph = field(repr=False)

    def cached(self, what: str, options: dict[str, Any], compute: Callable[[], T]) -> T:
        """``compute()`` once per (data version, audience, date, what, options), shared by
        the CLI and the explorer through the cache folder."""
        key = cache_key(self.data_version, self.audience, self.as_of, {"what": what, **options})
        return shared_cache().get_or_compute(key, compute)

    def names(self) -> dict[str, str]:
        """Organization names by id."""
        return dict(zip(self.orgs["id"], self.orgs["name"], strict=True))


#: Views kept in this process, least recently used first: the explorer reads the store
#: once per data version, audience and date, not on every rerun.
_VIEWS: OrderedDict[tuple[Any, ...], View] = OrderedDict()
_VIEWS_KEPT = 6
_VIEWS_LOCK = threading.Lock()


def day_of(as_of: AsOf) -> dt.date | None:
    """The date a view is read at: today for :data:`TODAY`, None for every date."""
    return today() if isinstance(as_of, _Today) else as_of


def read_view(
    store: Store,
    *,
    audience: str = "public",
    as_of: AsOf = TODAY,
    weighted: bool = False,
) -> View:
    """The organizations and ties ``audience`` sees at ``as_of`` and their alliance graph.

    The same view is handed back while the store's data version stays the same; callers
    must not change its frames or graph.
    """
    if audience not in AUDIENCES:
        raise BadRequest(f"unknown audience {audience!r}; use one of {', '.join(AUDIENCES)}")
    day = day_of(as_of)
    version = store.data_version()
    key = (store.backend, getattr(store, "location", ""), version, audience, day, weighted)
    with _VIEWS_LOCK:
        found = _VIEWS.get(key)
        if found is not None:
            _VIEWS.move_to_end(key)
            return found
    orgs, ties = store.read_graph(GraphQuery(audience=audience, as_of=day))
    view = View(version, audience, day, orgs, ties, alliance_graph(orgs, ties, weighted=weighted))
    with _VIEWS_LOCK:
        _VIEWS[key] = view
        while len(_VIEWS) > _VIEWS_KEPT:
            _VIEWS.popitem(last=False)
    return view


def resolve(orgs: pd.DataFrame, text: str) -> str:
    """The id of the organization ``text`` names: an id, else a name (accents ignored),
    or any other name it is known by (``also_known_as``: a register's legal name, the
    names of the sources that describe it).

    >>> orgs = pd.DataFrame({"id": ["chantier-es", "tiess"],
    ...                      "name": ["Chantier de l'économie sociale", "TIESS"]})
    >>> resolve(orgs, "TIESS"), resolve(orgs, "chantier de l'economie sociale")
    ('tiess', 'chantier-es')
    >>> resolve(orgs, "économie")
    'chantier-es'
    >>> resolve(orgs, "Atlantis")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    maillage.services.views.UnknownOrganization: no organization 'Atlantis' ...
    >>> orgs["properties"] = [{}, {"also_known_as": "Territoires innovants en économie sociale"}]
    >>> resolve(orgs, "territoires innovants")
    'tiess'
    """
    ids = [str(org_id) for org_id in orgs["id"]]
    if text in set(ids):
        return text
    wanted = fold(text)
    names = [[fold(str(name))] for name in orgs["name"]]
    for held, properties in zip(names, orgs.get("properties", [None] * len(names)), strict=True):
        others = properties.get("also_known_as") if isinstance(properties, dict) else None
        held.extend(fold(name) for name in str(others or "").split("|") if name)
    for keys in ([[fold(org_id)] for org_id in ids], names):
        exact = [org_id for org_id, key in zip(ids, keys, strict=True) if wanted in key]
        if len(exact) == 1:
            return exact[0]
    close = [
        (org_id, shown)
        for org_id, shown, held in zip(ids, orgs["name"], names, strict=True)
        if wanted and any(wanted in name for name in held)
    ]
    if len(close) == 1:
        return close[0][0]
    if close:
        choices = ", ".join(f"{org_id} ({shown})" for org_id, shown in close[:8])
        more = f" and {len(close) - 8} more" if len(close) > 8 else ""
        raise UnknownOrganization(f"{text!r} is ambiguous; use an id: {choices}{more}")
    raise UnknownOrganization(f"no organization {text!r} (by id or name) in what you may see")
