"""The map views pages share: filtered graphs, stable positions, tooltips, the capped drawing."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import networkx as nx
import pandas as pd
import streamlit as st

from maillage.graph import layout
from maillage.graph.build import alliance_graph
from maillage.ground.vocabulary import ORGANIZATION_TYPES, fold
from maillage.loaders.html_map import graph_html
from maillage.ui import data, state
from maillage.ui.show import TYPE_COLOURS, number, region_label, type_label
from maillage.ui.state import t, tn

#: Most organizations drawn unless the user asks for everything.
NODE_CAP = 500
#: Ego views up to this size get their own layout (a neighbourhood reads better alone).
LOCAL_LAYOUT_LIMIT = 300


def filter_frames(
    orgs: pd.DataFrame,
    ties: pd.DataFrame,
    *,
    types: Sequence[str] = (),
    regions: Sequence[str] = (),
    sectors: Sequence[str] = (),
    tie_types: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Organizations passing the filters (empty = all) and the ties among them."""
    keep = pd.Series(True, index=orgs.index)
    if types:
        keep &= orgs["type"].isin(types)
    if regions:
        keep &= orgs["region"].isin(regions)
    if sectors:
        keep &= orgs["sector"].isin(sectors)
    kept = orgs.loc[keep]
    ids = set(kept["id"])
    tied = ties["source"].isin(ids) & ties["target"].isin(ids)
    if tie_types:
        tied &= ties["type"].isin(tie_types)
    return kept, ties.loc[tied]


@st.cache_resource(show_spinner=False, max_entries=16)
def filtered_graph(
    version: str,
    audience: str,
    as_of: str,
    types: tuple[str, ...],
    regions: tuple[str, ...],
    sectors: tuple[str, ...],
    tie_types: tuple[str, ...],
) -> nx.Graph:
    """The alliance graph of the filtered frames; shared, do not change it."""
    if not (types or regions or sectors or tie_types):
        return data.graph(version, audience, as_of)
    orgs, ties = data.frames(version, audience, as_of)
    kept_orgs, kept_ties = filter_frames(
        orgs, ties, types=types, regions=regions, sectors=sectors, tie_types=tie_types
    )
    return alliance_graph(kept_orgs, kept_ties)


@st.cache_resource(show_spinner=False, max_entries=4)
def global_positions(version: str, audience: str) -> dict[Hashable, tuple[float, float]]:
    """Positions of every organization the audience sees (ties of every date), once per version.

    Dates and filters reuse them, so an organization stays where it was.
    """
    return layout.positions(data.graph(version, audience, data.EVERY_DATE))


@st.cache_resource(show_spinner=False, max_entries=32)
def local_positions(
    version: str, audience: str, nodes: tuple[str, ...], edges: tuple[tuple[str, str], ...]
) -> dict[Hashable, tuple[float, float]]:
    """A layout of one small view (an ego network), cached by its exact content."""
    del version, audience
    H = nx.Graph()
    H.add_nodes_from(nodes)
    H.add_edges_from(edges)
    return layout.positions(H)


def size_metric(version: str, audience: str, as_of: str, metric: str, G: nx.Graph) -> pd.Series:
    """The metric sizing the nodes, by organization id (degree while metrics are pending).

    Degree, the default, is read off the graph: a first visit to the map does not wait for
    every metric of a Québec-scale graph.
    """
    if metric != "degree":
        measures = data.metrics(version, audience, as_of)
        if metric in measures.columns:
            return pd.to_numeric(measures[metric], errors="coerce").fillna(0.0)
    return pd.Series(dict(G.degree()), dtype=float)


def most_relevant(
    G: nx.Graph, score: pd.Series, cap: int, keep: Sequence[Hashable] = ()
) -> list[Hashable]:
    """The ``cap`` nodes of ``G`` with the highest score (ties broken by id), plus ``keep``."""
    ranked = (
        pd.DataFrame({"id": list(G), "score": [float(score.get(v, 0.0)) for v in G]})
        .sort_values(["score", "id"], ascending=[False, True], kind="stable")
        .head(cap)
    )
    chosen = list(ranked["id"])
    chosen += [v for v in keep if v in G and v not in set(chosen)]
    return chosen


def tooltips(G: nx.Graph, score: pd.Series, metric: str) -> dict[Hashable, str]:
    """Plain-text facts shown on hover, in the language in force."""
    notes: dict[Hashable, str] = {}
    for node, facts in G.nodes(data=True):
        lines = [str(facts.get("name") or node), type_label(facts.get("type"))]
        place = ", ".join(
            str(p)
            for p in (facts.get("city"), region_label(facts.get("region")), facts.get("country"))
            if p
        )
        if place:
            lines.append(place)
        if facts.get("sector"):
            lines.append(f"{t('field.sector')} : {facts['sector']}")
        lines.append(f"{t('field.degree')} : {number(G.degree(node))}")
        if metric != "degree":
            lines.append(f"{t(f'field.{metric}')} : {number(score.get(node), 4)}")
        notes[node] = "\n".join(lines)
    return notes


def draw(
    G: nx.Graph,
    *,
    positions: dict[Hashable, tuple[float, float]],
    score: pd.Series,
    metric: str,
    focus: str | None = None,
    path: Sequence[Hashable] = (),
    height: int = 640,
) -> str:
    """Draw ``G`` in the page (an iframe) and return the standalone HTML for download."""
    page = graph_html(
        G,
        positions=positions,
        colours=TYPE_COLOURS,
        legend={kind: type_label(kind) for kind in ORGANIZATION_TYPES},
        size={v: float(score.get(v, 0.0)) for v in G},
        tooltips=tooltips(G, score, metric),
        focus=focus,
        path=path,
        title=t("page.map"),
        height=f"{height - 10}px",
        language=state.language(),
    )
    st.iframe(page, height=height)
    return page


@st.cache_data(show_spinner=False, max_entries=8)
def search_index(version: str, audience: str, as_of: str) -> pd.DataFrame:
    """Per organization: folded searchable text (name, city, sector, id), folded name, label."""
    orgs, _ = data.frames(version, audience, as_of)
    ordered = orgs.sort_values(["name", "id"], kind="stable")
    text = (
        ordered["name"].fillna("")
        + " "
        + ordered["city"].fillna("")
        + " "
        + ordered["sector"].fillna("")
        + " "
        + ordered["id"]
    )
    _, labels = org_choices(ordered)
    return pd.DataFrame(
        {
            "text": [fold(v) for v in text],
            "name": [fold(v) for v in ordered["name"].fillna("")],
            "label": [labels[str(i)] for i in ordered["id"]],
        },
        index=ordered["id"].astype(str).to_numpy(),
    )


def search(index: pd.DataFrame, query: str) -> list[str]:
    """Ids whose folded text holds every folded word of ``query``; names starting with the
    first word first, then by name. Accents and case are ignored (``montreal`` finds
    ``Montréal``)."""
    words = [fold(w) for w in query.split() if fold(w)]
    if not words:
        return []
    hits = index.loc[[all(w in text for w in words) for text in index["text"]]]
    late = [not name.startswith(words[0]) for name in hits["name"]]
    return list(hits.assign(late=late).sort_values("late", kind="stable").index)


#: Most matches offered in a picker (the search narrows further).
PICKER_LIMIT = 200


def org_picker(
    label: str,
    choice_label: str,
    *,
    query_entry: str,
    id_entry: str,
    version: str,
    audience: str,
    as_of: str,
    placeholder: str = "montreal",
) -> str:
    """A search box and the matching organizations; the chosen id ('' for none).

    Typing picks the best match at once. Only matches travel to the browser, never the
    15,000 names of a Québec-scale store.
    """
    index = search_index(version, audience, as_of)
    query = st.text_input(label, key=state.widget_key(query_entry), placeholder=placeholder)
    state.keep(query_entry)
    found = search(index, query)[:PICKER_LIMIT] if query else []
    if query:
        st.caption(tn("explore.results", len(found)))
    current = state.get(id_entry)
    if query and found and current not in found:
        state.put(id_entry, found[0])
        current = found[0]
    choices = ["", *found]
    if current and current not in choices and current in index.index:
        choices.insert(1, current)
    names = {**index["label"].reindex(choices[1:]).to_dict(), "": t("filters.none")}
    chosen = st.selectbox(
        choice_label,
        choices,
        key=state.widget_key(id_entry, choices),
        format_func=lambda v: names.get(v, v),
    )
    state.keep(id_entry)
    return chosen or ""


def org_choices(orgs: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    """Organization ids sorted by name, and the label of each (name, city)."""
    ordered = orgs.sort_values(["name", "id"], kind="stable")
    labels = {
        str(i): f"{n} ({c})" if isinstance(c, str) and c else str(n)
        for i, n, c in zip(ordered["id"], ordered["name"], ordered["city"], strict=True)
    }
    return list(labels), labels
