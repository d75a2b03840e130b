"""Explore: search an organization (accents ignored), its card, neighbourhood and paths."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from maillage.graph.build import alliance_graph
from maillage.graph.paths import introduction_paths
from maillage.services import analyses
from maillage.ui import data, geo, sidebar, state, views
from maillage.ui.sections.provenance import render_provenance
from maillage.ui.show import missing, number, region_label, type_label
from maillage.ui.state import t

st.title(t("page.explore"))
version, audience, as_of = data.data_version(), sidebar.audience(), state.get("as_of")
orgs, ties = data.frames(version, audience, as_of)
if orgs.empty:
    st.info(t("common.empty_store"))
    st.stop()


focus = views.org_picker(
    t("explore.search"),
    t("filters.focus"),
    query_entry="q",
    id_entry="focus",
    version=version,
    audience=audience,
    as_of=as_of,
)
if not focus:
    st.stop()

card = orgs.set_index("id").loc[focus]
G = data.graph(version, audience, as_of)
measures = data.metrics(version, audience, as_of)

st.header(str(card["name"]))
left, right = st.columns([2, 3])
with left:
    st.subheader(t("explore.card"))
    facts = {
        t("field.id"): focus,
        t("field.type"): type_label(card["type"]),
        t("field.legal_form"): card["legal_form"],
        t("field.sector"): card["sector"],
        t("field.region"): region_label(card["region"], card["country"]),
        t("field.city"): card["city"],
        t("field.country"): geo.country_name(card["country"]),
        t("field.founded"): card["founded"],
        t("field.members"): number(card["members"]) if pd.notna(card["members"]) else "",
        t("field.employees"): number(card["employees"]) if pd.notna(card["employees"]) else "",
        t("field.website"): card["website"],
        t("field.tags"): card["tags"],
    }
    if focus in measures.index:
        row = measures.loc[focus]
        facts[t("field.degree")] = number(row["degree"])
        facts[t("field.betweenness")] = number(row["betweenness"], 4)
        facts[t("field.pagerank")] = number(row["pagerank"], 4)
        facts[t("field.broker_role")] = row["broker_role"]
        # The community named by what dominates it, not by its number alone.
        profile = analyses.profiles(data.view(version, audience, as_of)).loc[row["community"]]
        named = analyses.community_label(profile.to_dict(), state.language())
        facts[t("field.community")] = f"{row['community']} · {named}"
    shown = {k: str(v) for k, v in facts.items() if not missing(v)}
    st.dataframe(
        pd.DataFrame({t("explore.field"): list(shown), t("explore.value"): list(shown.values())}),
        hide_index=True,
        width="stretch",
    )
    render_provenance(focus, audience)
with right:
    st.subheader(t("explore.ego"))
    hops = st.selectbox(
        t("filters.hops"), ("1", "2", "3"), key=state.widget_key("hops", ("1", "2", "3"))
    )
    state.keep("hops")
    target = views.org_picker(
        t("explore.second"),
        t("filters.path_to"),
        query_entry="q2",
        id_entry="target",
        version=version,
        audience=audience,
        as_of=as_of,
        placeholder="chantier",
    )
    path = analyses.introduction_path(G, focus, target) if target else []
    # The neighbourhood is read locally from the store, as `maillage ego` reads it.
    with data.store_in_use() as opened:
        _, neighbours, ego_orgs, ego_ties = analyses.ego(
            opened, focus, hops=int(hops), audience=audience, as_of=data.as_of_date(as_of)
        )
    ego = alliance_graph(ego_orgs, ego_ties)
    keep = [focus, *path]
    score = views.size_metric(version, audience, as_of, "degree", G)
    members = list(ego)
    total = len(members)
    if total > views.NODE_CAP:
        members = views.most_relevant(ego, score, views.NODE_CAP, keep)
        st.caption(
            t("map.capped", shown=number(len(members)), total=number(total), metric="degree")
        )
    view = G.subgraph(set(members) | set(path))
    if view.number_of_nodes() <= views.LOCAL_LAYOUT_LIMIT:
        positions = views.local_positions(
            version,
            audience,
            tuple(sorted(view)),
            tuple(sorted(tuple(sorted(e)) for e in view.edges())),
        )
    else:
        positions = views.global_positions(version, audience)
    views.draw(
        view, positions=positions, score=score, metric="degree", focus=focus, path=path, height=520
    )

if target:
    st.subheader(t("explore.path"))
    paths = introduction_paths(G, focus, target, limit=5)
    if paths.empty:
        st.warning(t("map.no_path"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    t("filters.hops"): paths["hops"],
                    t("explore.path"): paths["names"],
                }
            ),
            hide_index=True,
            width="stretch",
        )

st.subheader(t("explore.neighbours"))
neighbours = neighbours.loc[neighbours["hops"] > 0]
st.dataframe(
    pd.DataFrame(
        {
            t("common.name"): neighbours["name"],
            t("common.type"): neighbours["type"].map(type_label),
            t("common.region"): neighbours["region"].map(region_label),
            t("filters.hops"): neighbours["hops"],
            t("field.degree"): neighbours["degree"],
        }
    ),
    hide_index=True,
    width="stretch",
)
