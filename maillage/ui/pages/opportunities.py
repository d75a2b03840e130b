"""Opportunities: ranked pairs not yet tied, why they should meet, and who can introduce them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from maillage.ground.vocabulary import ORGANIZATION_TYPES
from maillage.ui import data, sidebar, state, views
from maillage.ui.show import labelled, number, pending, type_label
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


@st.cache_data(show_spinner=False, max_entries=32)
def ranked(
    version: str, audience: str, as_of: str, for_id: str, between: str, top: int
) -> pd.DataFrame:
    """Opportunities with the metrics' communities, cached per question."""
    G = data.graph(version, audience, as_of)
    try:
        community = data.metrics(version, audience, as_of)["community"]
    except data.Pending:
        community = None
    pair = tuple(between.split("~")) if between else None
    return data.planned("maillage.graph.opportunities", "opportunities")(
        G, for_id=for_id or None, between=pair, top=top, community=community
    )


try:
    rows = ranked(version, audience, as_of, chosen or "", between or "", int(top))
except data.Pending as error:
    pending(error)
    st.stop()
if rows.empty:
    st.info(t("common.none"))
    st.stop()
names = orgs.set_index("id")["name"]
reasons = rows["reasons_fr"] if state.language() == "fr" else rows["reasons"]
table = pd.DataFrame(
    {
        t("common.name"): rows["source"].map(names),
        "→": rows["target"].map(names),
        t("common.score"): [number(s, 3) for s in rows["score"]],
        t("common.reasons"): reasons,
        t("common.via"): [" → ".join(str(names.get(v, v)) for v in via) for via in rows["via"]],
    }
)
st.dataframe(table, hide_index=True, width="stretch")
st.download_button(
    t("common.download_csv"),
    table.to_csv(index=False).encode("utf-8"),
    file_name="opportunities.csv",
    mime="text/csv",
)
