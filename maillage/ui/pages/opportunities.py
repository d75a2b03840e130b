"""Opportunities: ranked pairs not yet tied, why they should meet, and who can introduce them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from maillage.ground.vocabulary import ORGANIZATION_TYPES
from maillage.services import analyses
from maillage.ui import data, sidebar, state, views
from maillage.ui.sections.network import render_memberships, render_recruitment
from maillage.ui.show import labelled, number, type_label
from maillage.ui.state import t

st.title(t("opps.title"))
version, audience, as_of = data.data_version(), sidebar.audience(), state.get("as_of")
orgs, _ = data.frames(version, audience, as_of)
if orgs.empty:
    st.info(t("common.empty_store"))
    st.stop()

pairs = [
    "",
    *(f"{a}~{b}" for i, a in enumerate(ORGANIZATION_TYPES) for b in ORGANIZATION_TYPES[i:]),
]
left, middle, right = st.columns([3, 3, 1])
with left:
    chosen = views.org_picker(
        t("explore.search"),
        t("opps.for"),
        query_entry="qfor",
        id_entry="for",
        version=version,
        audience=audience,
        as_of=as_of,
    )
between = middle.selectbox(
    t("opps.between"),
    pairs,
    key=state.widget_key("pair", pairs),
    format_func=labelled(
        lambda v: " – ".join(type_label(k) for k in v.split("~")) if v else t("filters.none"),
        pairs,
    ),
)
top = right.selectbox(
    t("filters.top"),
    ("10", "20", "50", "100"),
    key=state.widget_key("top", ("10", "20", "50", "100")),
)
state.keep("top")
state.keep("pair")


pair = tuple(between.split("~")) if between else None
with st.spinner(t("common.computing")):
    rows = analyses.opportunities(
        data.view(version, audience, as_of),
        for_id=chosen or None,
        between=pair,  # type: ignore[arg-type]
        top=int(top),
    )
if rows.empty:
    st.info(t("common.none"))
    st.stop()
reasons = rows["reasons_fr"] if state.language() == "fr" else rows["reasons"]
table = pd.DataFrame(
    {
        t("common.name"): rows["source_name"],
        "→": rows["target_name"],
        t("common.score"): [number(s, 3) for s in rows["score"]],
        t("common.reasons"): reasons,
        t("common.via"): rows["via_names"],
    }
)
st.dataframe(table, hide_index=True, width="stretch")
st.download_button(
    t("common.download_csv"),
    table.to_csv(index=False).encode("utf-8"),
    file_name="opportunities.csv",
    mime="text/csv",
)

render_recruitment(version, audience, as_of)
render_memberships(version, audience, as_of)
