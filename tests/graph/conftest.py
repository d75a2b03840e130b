"""Shared fixtures and strategies for the analytics tests."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest
from hypothesis import strategies as st

from maillage.ground.vocabulary import ORGANIZATION_TYPES, TIE_TYPES


@st.composite
def simple_graphs(draw, *, max_nodes: int = 14, weighted: bool = False) -> nx.Graph:
    """Small undirected graphs, often disconnected, often with isolated nodes."""
    n = draw(st.integers(min_value=0, max_value=max_nodes))
    G = nx.Graph()
    G.add_nodes_from(
        (f"o{i:02d}", {"type": draw(st.sampled_from(ORGANIZATION_TYPES[:3]))}) for i in range(n)
    )
    if n >= 2:
        pairs = [(f"o{i:02d}", f"o{j:02d}") for i in range(n) for j in range(i + 1, n)]
        chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=min(len(pairs), 30)))
        for u, v in chosen:
            w = draw(st.sampled_from([1.0, 2.0, 0.5])) if weighted else 1.0
            G.add_edge(u, v, weight=w)
    return G


@st.composite
def workbooks(draw, *, max_orgs: int = 12) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Organizations and typed, dated ties as the store returns them."""
    n = draw(st.integers(min_value=1, max_value=max_orgs))
    ids = [f"o{i:02d}" for i in range(n)]
    orgs = pd.DataFrame(
        {
            "id": ids,
            "name": [f"Org {i}" for i in range(n)],
            "type": [draw(st.sampled_from(ORGANIZATION_TYPES)) for _ in ids],
            "region": [draw(st.sampled_from(["06", "03", None])) for _ in ids],
            "country": [draw(st.sampled_from(["CA", "FR", "SN"])) for _ in ids],
            "sector": [draw(st.sampled_from(["food", "housing", None])) for _ in ids],
        }
    )
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(ids),
                st.sampled_from(ids),
                st.sampled_from(TIE_TYPES),
                st.sampled_from([1.0, 2.0]),
                st.sampled_from([None, "2010-01-01", "2018-06-01"]),
                st.sampled_from([None, "2015-12-31", "2022-01-01"]),
            ),
            max_size=25,
        )
    )
    ties = pd.DataFrame(
        rows, columns=["source", "target", "type", "weight", "since", "until"]
    ).astype({"weight": float})
    return orgs, ties


@pytest.fixture
def florentine() -> nx.Graph:
    return nx.florentine_families_graph()


@pytest.fixture
def kite() -> nx.Graph:
    """Krackhardt's kite with the names of Krackhardt (1990)."""
    names = [
        "Andre",
        "Beverly",
        "Carol",
        "Diane",
        "Ed",
        "Fernando",
        "Garth",
        "Heather",
        "Ike",
        "Jane",
    ]
    return nx.relabel_nodes(nx.krackhardt_kite_graph(), dict(enumerate(names)))
