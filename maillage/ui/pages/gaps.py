"""Gaps: who has no tie, which regions miss which partners, where one organization holds it all."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from maillage.services import analyses
from maillage.ui import data, sidebar, state
from maillage.ui.show import chart_and_table, readable, region_label, type_label
from maillage.ui.state import t

st.title(t("gaps.title"))
version, audience, as_of = data.data_version(), sidebar.audience(), state.get("as_of")
orgs, _ = data.frames(version, audience, as_of)
if orgs.empty:
    st.info(t("common.empty_store"))
    st.stop()


language = state.language()
with st.spinner(t("common.computing")):
    found = analyses.gap_sections(data.view(version, audience, as_of), language=language)
sections = {section.key: section for section in found}

# The picture: which region × type pairs have no tie at all (red) among every pair.
missing = sections.get("region_type_gaps")
if missing is not None and not missing.table.empty:
    table = missing.table
    grid = pd.MultiIndex.from_product(
        [sorted(orgs["region"].dropna().unique()), sorted(orgs["type"].dropna().unique())],
        names=["region", "type"],
    ).to_frame(index=False)
    holes = set(zip(table["region"], table["type"], strict=True))
    grid["gap"] = [(r, k) in holes for r, k in zip(grid["region"], grid["type"], strict=True)]
    shown = pd.DataFrame(
        {
            t("common.region"): grid["region"].map(region_label),
            t("common.type"): grid["type"].map(type_label),
            t("gaps.region_type"): grid["gap"].map({True: "✗", False: "✓"}),
        }
    )
    chart = (
        alt.Chart(shown)
        .mark_rect()
        .encode(
            x=f"{t('common.type')}:N",
            y=f"{t('common.region')}:N",
            color=alt.Color(
                f"{t('gaps.region_type')}:N",
                scale=alt.Scale(domain=["✗", "✓"], range=["#D55E00", "#E8F0F8"]),
            ),
        )
    )
    chart_and_table(
        missing.title,
        chart,
        shown.loc[grid["gap"].to_numpy()],
        key="region_type_gaps",
    )
    st.caption(missing.explanation)

# A section the data cannot answer says why instead of showing empty or wrong rows.
for section in found:
    if section.skipped and section.key in ("region_type_gaps", "international_coverage"):
        st.info(f"{section.title} — {section.explanation}")

coverage = sections.get("international_coverage")
if coverage is not None and not coverage.skipped:
    table = coverage.table
    shown = pd.DataFrame(
        {
            t("common.continent"): table["continent"].map(lambda code: t(f"continent.{code}")),
            t("common.organizations"): table["organizations"],
            t("common.ties"): table["home_ties"],
        }
    )
    chart = (
        alt.Chart(shown)
        .mark_bar()
        .encode(x=f"{t('common.ties')}:Q", y=alt.Y(f"{t('common.continent')}:N", sort="-x"))
    )
    chart_and_table(coverage.title, chart, shown, key="international_coverage")
    st.caption(coverage.explanation)

for key in (
    "isolated",
    "enterprises_without_network",
    "structural_holes",
    "single_points_of_failure",
):
    section = sections.get(key)
    if section is None:
        continue
    with st.expander(f"{section.title} ({len(section.table)})", expanded=False):
        st.caption(section.explanation)
        st.dataframe(readable(section.table), hide_index=True, width="stretch")
