"""Cached reads of the store and of graph/ results, keyed by data version, audience and date.

Every cached function takes the data version as its first argument, so a load invalidates
everything at once while widget changes that do not touch these keys recompute nothing.
Graphs and layouts are cached as shared resources: callers must not change them.
"""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import networkx as nx
import pandas as pd
import streamlit as st

from maillage.queries.connect import open_store
from maillage.queries.store import GraphQuery, Store, StoreInfo
from maillage.ui.state import t


class Pending(Exception):
    """An analysis of graph/ that is not written yet (its planned name is in the message)."""


#: Sessions run in threads of one server and share one store connection; the embedded
#: store's sqlite3 connection must not be used by two threads at once.
_STORE_LOCK = threading.RLock()


@st.cache_resource(show_spinner=False)
def _opened() -> Store:
    return open_store()


@contextmanager
def store_in_use() -> Iterator[Store]:
    """The store named by MAILLAGE_DB / NEO4J_URI (opened once per server), held by this run."""
    with _STORE_LOCK:
        yield _opened()


def data_version() -> str:
    """The store's current data version (one cheap query per run)."""
    with store_in_use() as opened:
        return opened.data_version()


def store_info() -> StoreInfo:
    """Counts by type and data version."""
    with store_in_use() as opened:
        return opened.info()


def as_of_date(text: str) -> dt.date | None:
    """The view's ``as_of`` entry as a date (None = every date)."""
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@st.cache_data(show_spinner=False, max_entries=16)
def frames(version: str, audience: str, as_of: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Organizations and ties an audience sees at a date (every date when ``as_of`` is '')."""
    del version  # part of the cache key only
    with store_in_use() as opened:
        return opened.read_graph(GraphQuery(audience=audience, as_of=as_of_date(as_of)))


@st.cache_resource(show_spinner=False, max_entries=8)
def graph(version: str, audience: str, as_of: str) -> nx.Graph:
    """The alliance graph (graph.build.alliance_graph) of :func:`frames`; do not change it."""
    orgs, ties = frames(version, audience, as_of)
    return planned("maillage.graph.build", "alliance_graph")(orgs, ties)


@st.cache_data(show_spinner=False, max_entries=8)
def _metrics(version: str, audience: str, as_of: str) -> pd.DataFrame:
    orgs, _ = frames(version, audience, as_of)
    return planned("maillage.graph.metrics", "metrics")(orgs, graph(version, audience, as_of))


def metrics(version: str, audience: str, as_of: str) -> pd.DataFrame:
    """maillage.graph.metrics.metrics of the audience's graph, one row per organization.

    Computed once per data version, audience and date (tens of seconds at Québec scale the
    first time, so the user is told what is happening).
    """
    with st.spinner(t("common.computing")):
        return _metrics(version, audience, as_of)


def planned(module: str, name: str) -> Callable[..., Any]:
    """A function of graph/ by its planned name; :class:`Pending` when it is not there yet."""
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        raise Pending(f"{module}.{name}") from error
    return found  # type: ignore[no-any-return]


@st.cache_data(show_spinner=False, max_entries=16)
def analysis(
    version: str, audience: str, as_of: str, module: str, name: str, **options: Any
) -> Any:
    """``module.name(G, **options)`` on the audience's graph, cached."""
    function = planned(module, name)
    return function(graph(version, audience, as_of), **options)
