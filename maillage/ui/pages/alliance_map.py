"""Alliance map: who is tied to whom, coloured by type, sized by a metric, filtered, focused."""

from __future__ import annotations

import networkx as nx
import streamlit as st

from maillage.ground.regions import regions
from maillage.ground.vocabulary import ORGANIZATION_TYPES, TIE_TYPES
from maillage.services import analyses
from maillage.ui import data, sidebar, state, views
from maillage.ui.show import labelled, number, options_of, region_label, tie_label, type_label
from maillage.ui.state import t

st.title(t("page.map"))
version, audience, as_of = data.data_version(), sidebar.audience(), state.get("as_of")
orgs, ties = data.frames(version, audience, as_of)
if orgs.empty:
    st.info(t("common.empty_store"))
    st.stop()

METRICS = ("degree", "betweenness", "closeness", "eigenvector", "pagerank", "effective_size")
region_codes = list(regions())
sectors = options_of(orgs["sector"])

with st.expander(t("map.legend") + " · " + t("filters.types"), expanded=True):
    first, second, third = st.columns(3)
    first.multiselect(
        t("filters.types"),
        ORGANIZATION_TYPES,
        key=state.widget_key("types", ORGANIZATION_TYPES),
        format_func=labelled(type_label, ORGANIZATION_TYPES),
    )
    second.multiselect(
        t("filters.regions"),
        region_codes,
        key=state.widget_key("regions", region_codes),
        format_func=labelled(region_label, region_codes),
    )
    third.multiselect(t("filters.sectors"), sectors, key=state.widget_key("sectors", sectors))
    first.multiselect(
        t("filters.tie_types"),
        TIE_TYPES,
        key=state.widget_key("ties", TIE_TYPES),
        format_func=labelled(tie_label, TIE_TYPES),
    )
    second.selectbox(
        t("filters.metric"),
        METRICS,
        key=state.widget_key("metric", METRICS),
        format_func=labelled(lambda c: t(f"field.{c}"), METRICS),
    )
    third.checkbox(t("filters.show_more"), key=state.flag_key("more"))
    second.selectbox(
        t("filters.hops"), ("1", "2", "3"), key=state.widget_key("hops", ("1", "2", "3"))
    )
    with first:
        views.org_picker(
            t("explore.search"),
            t("filters.focus"),
            query_entry="q",
            id_entry="focus",
            version=version,
            audience=audience,
            as_of=as_of,
        )
    with third:
        views.org_picker(
            t("explore.second"),
            t("filters.path_to"),
            query_entry="q2",
            id_entry="target",
            version=version,
            audience=audience,
            as_of=as_of,
            placeholder="chantier",
        )
for name in ("types", "regions", "sectors", "ties", "metric", "hops", "more"):
    state.keep(name)

metric, focus, target = state.get("metric"), state.get("focus"), state.get("target")
G = views.filtered_graph(
    version,
    audience,
    as_of,
    state.get_many("types"),
    state.get_many("regions"),
    state.get_many("sectors"),
    state.get_many("ties"),
)
score = views.size_metric(version, audience, as_of, metric, G)
path = analyses.introduction_path(G, focus, target) if focus and target else []
if focus and focus in G:
    shown = list(nx.ego_graph(G, focus, radius=int(state.get("hops") or 1)))
else:
    shown = list(G)
keep = [v for v in (focus, *path) if v]
total = len(shown)
if total > views.NODE_CAP and not state.get("more"):
    shown = views.most_relevant(G.subgraph(shown), score, views.NODE_CAP, keep)
    st.caption(
        t("map.capped", shown=number(len(shown)), total=number(total), metric=t(f"field.{metric}"))
    )
view = G.subgraph(set(shown) | set(path))
if focus and target:
    if path:
        st.success(t("map.path", path=" → ".join(str(G.nodes[v].get("name") or v) for v in path)))
    else:
        st.warning(t("map.no_path"))
st.caption(
    f"{t('common.organizations')} : {number(view.number_of_nodes())} · "
    f"{t('common.ties')} : {number(view.number_of_edges())}"
)
if focus and focus in G and view.number_of_nodes() <= views.LOCAL_LAYOUT_LIMIT:
    positions = views.local_positions(
        version,
        audience,
        tuple(sorted(view)),
        tuple(sorted(tuple(sorted(e)) for e in view.edges())),
    )
else:
    positions = views.global_positions(version, audience)
page = views.draw(
    view, positions=positions, score=score, metric=metric, focus=focus or None, path=path
)
st.download_button(
    t("map.download"), page.encode("utf-8"), file_name="maillage-map.html", mime="text/html"
)
