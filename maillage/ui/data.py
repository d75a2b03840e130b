"""The explorer's door to the services: one store per server, views and analyses by data version.

Pages name a view by (data version, audience, date entry); the services read it once per
data version and cache analyses in the folder the CLI uses too. The date entry is the
URL's: ``""`` is today (the CLI's default), ``"all"`` every date, else an ISO date.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import networkx as nx
import pandas as pd
import streamlit as st

from maillage.ground.dates import parse_day
from maillage.queries.store import Store, StoreInfo
from maillage.services import analyses
from maillage.services.stores import StoreChoice
from maillage.services.views import TODAY, AsOf, View, day_of, read_view
from maillage.ui.state import t

#: The date entry meaning "ties of every date".
EVERY_DATE = "all"

#: Sessions run in threads of one server and share one store connection; the embedded
#: store's sqlite3 connection must not be used by two threads at once.
_STORE_LOCK = threading.RLock()


@st.cache_resource(show_spinner=False)
def _opened() -> Store:
    return StoreChoice().open()


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


def as_of_date(entry: str) -> AsOf:
    """The date a view entry names: today for ``""``, every date for ``"all"``, else the
    date (a :class:`~maillage.ground.dates.BadDate` for text that is none)."""
    if not entry:
        return TODAY
    if entry == EVERY_DATE:
        return None
    return parse_day(entry)


def view(version: str, audience: str, as_of: str) -> View:
    """What ``audience`` sees at the date entry ``as_of`` (read once per data version)."""
    del version  # the services check the store's version themselves
    with store_in_use() as opened:
        return read_view(opened, audience=audience, as_of=as_of_date(as_of))


def frames(version: str, audience: str, as_of: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Organizations and ties of :func:`view`; do not change them."""
    seen = view(version, audience, as_of)
    return seen.orgs, seen.ties


def graph(version: str, audience: str, as_of: str) -> nx.Graph:
    """The alliance graph of :func:`view`; do not change it."""
    return view(version, audience, as_of).G


def metrics(version: str, audience: str, as_of: str) -> pd.DataFrame:
    """The metrics table of :func:`view`, as ``maillage metrics`` computes it.

    Computed once per data version, audience and date (tens of seconds at Québec scale the
    first time, so the user is told what is happening).
    """
    seen = view(version, audience, as_of)
    with st.spinner(t("common.computing")):
        return analyses.metrics(seen)


def day_shown(as_of: str) -> dt.date | None:
    """The date a view entry stands for (today's date for the default), None for every date."""
    return day_of(as_of_date(as_of))
