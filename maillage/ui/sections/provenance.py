"""The organization card's provenance: every value with the source that gave it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from maillage.services import sources
from maillage.ui import data
from maillage.ui.state import t


def render_provenance(org_id: str, audience: str) -> None:
    """Each value of ``org_id`` and its source (which file and line for the private
    audience only: a public explorer does not show the steward's file names)."""
    with data.store_in_use() as opened:
        found = sources.provenance(opened, org_id)
    claims = found.claims
    st.subheader(t("card.sources"))
    st.caption(t("card.sources_help"))
    shown = pd.DataFrame(
        {
            t("card.field"): claims["field"].str.removeprefix("properties."),
            t("card.value"): claims["value"].map(lambda v: "" if v is None else str(v)),
            t("card.shown"): claims["shown"],
            t("card.source"): claims["source"],
            t("card.when"): claims["at"].str.slice(0, 10),
        }
    )
    if audience == "private":
        shown[t("card.where")] = [
            f"{file}:{line}" if file else ""
            for file, line in zip(claims["file"], claims["line"], strict=True)
        ]
    st.dataframe(shown, hide_index=True, width="stretch")
    clue = claims.loc[claims["field"] == "properties.region_inferred_from", "value"]
    if len(clue):
        st.caption(t("card.region_inferred", clue=t(f"card.clue_{clue.iloc[0]}")))
    if found.merged:
        st.caption(t("card.merged", ids=", ".join(found.merged)))
