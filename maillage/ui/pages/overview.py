"""Overview: how big the graph is, where the ties are, who brokers, what changed."""

from __future__ import annotations

import datetime as dt

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from maillage.graph.change import movers
from maillage.services import analyses
from maillage.ui import data, sidebar, state
from maillage.ui.sections.network import render_health
from maillage.ui.show import (
    chart_and_table,
    labelled,
    number,
    region_label,
    tie_label,
    type_label,
    type_scale,
)
from maillage.ui.state import t

st.title(t("page.overview"))
st.caption(t("app.tagline"))

version, audience, as_of = data.data_version(), sidebar.audience(), state.get("as_of")
orgs, ties = data.frames(version, audience, as_of)
if orgs.empty:
    st.info(t("common.empty_store"))
    st.stop()

n, m = len(orgs), len(ties)
tied = set(ties["source"]) | set(ties["target"])
G = data.graph(version, audience, as_of)
density = 2 * G.number_of_edges() / (n * (n - 1)) if n > 1 else 0.0
columns = st.columns(4)
columns[0].metric(t("common.organizations"), number(n))
columns[1].metric(t("common.ties"), number(m))
columns[2].metric(t("common.density"), number(density, 4))
columns[3].metric(t("common.isolated"), number(n - len(tied & set(orgs["id"]))))

left, right = st.columns(2)
with left:
    by_type = orgs["type"].value_counts(dropna=False)
    by_type = pd.DataFrame(
        {t("common.type"): by_type.index.map(type_label), t("common.count"): by_type.to_numpy()}
    )
    chart = (
        alt.Chart(by_type)
        .mark_bar()
        .encode(
            x=alt.X(f"{t('common.count')}:Q"),
            y=alt.Y(f"{t('common.type')}:N", sort="-x"),
            color=alt.Color(f"{t('common.type')}:N", scale=type_scale(), legend=None),
        )
    )
    chart_and_table(t("overview.by_type"), chart, by_type, key="organizations_by_type")
with right:
    by_region = orgs["region"].value_counts(dropna=False)
    by_region = pd.DataFrame(
        {
            t("common.region"): by_region.index.map(region_label),
            t("common.count"): by_region.to_numpy(),
        }
    )
    chart = (
        alt.Chart(by_region)
        .mark_bar()
        .encode(x=f"{t('common.count')}:Q", y=alt.Y(f"{t('common.region')}:N", sort="-x"))
    )
    chart_and_table(t("overview.by_region"), chart, by_region, key="organizations_by_region")

# Ties between a region (one end) and a type (the other end): where alliances reach.
ends = orgs.set_index("id")[["region", "type"]]
if m:
    source_end = ends.reindex(ties["source"]).reset_index(drop=True)
    target_end = ends.reindex(ties["target"]).reset_index(drop=True)
    cells = pd.concat(
        [
            pd.DataFrame({"region": source_end["region"], "type": target_end["type"]}),
            pd.DataFrame({"region": target_end["region"], "type": source_end["type"]}),
        ]
    )
    # Count on codes, then name the few cells: naming 2 x 60,000 tie ends took seconds.
    heat = cells.value_counts(["region", "type"], dropna=False).reset_index(name="count")
    heat = heat.assign(
        region=heat["region"].map(region_label), type=heat["type"].map(type_label)
    ).rename(
        columns={"region": t("common.region"), "type": t("common.type"), "count": t("common.ties")}
    )
else:
    heat = pd.DataFrame()
heat_chart = (
    alt.Chart(heat)
    .mark_rect()
    .encode(
        x=alt.X(f"{t('common.type')}:N"),
        y=alt.Y(f"{t('common.region')}:N"),
        color=alt.Color(f"{t('common.ties')}:Q", scale=alt.Scale(scheme="blues")),
        tooltip=list(heat.columns),
    )
    if not heat.empty
    else None
)
chart_and_table(t("overview.heatmap"), heat_chart, heat, key="ties_region_type")

left, right = st.columns(2)
with left:
    years = pd.to_numeric(ties["since"].str[:4], errors="coerce").dropna().astype(int)
    per_year = years.value_counts().sort_index().rename_axis(t("common.year"))
    per_year = per_year.reset_index(name=t("common.ties"))
    chart = (
        alt.Chart(per_year).mark_bar().encode(x=f"{t('common.year')}:O", y=f"{t('common.ties')}:Q")
        if not per_year.empty
        else None
    )
    chart_and_table(t("overview.per_year"), chart, per_year, key="ties_per_year")
with right:
    # Over every date, whatever the date picked: a tie that ended last month changed things.
    _, every_tie = data.frames(version, audience, data.EVERY_DATE)
    today = dt.date.today().isoformat()
    year_ago = (dt.date.today() - dt.timedelta(days=365)).isoformat()
    began = every_tie["since"].between(year_ago, today)
    ended = every_tie["until"].between(year_ago, today)
    st.subheader(t("overview.changes"))
    columns = st.columns(2)
    columns[0].metric(t("overview.gained"), number(int(began.sum())))
    columns[1].metric(t("overview.lost"), number(int(ended.sum())))
    names = orgs.set_index("id")["name"]
    recent = pd.concat(
        [
            every_tie.loc[began].assign(change=t("overview.gained"), day=every_tie["since"]),
            every_tie.loc[ended].assign(change=t("overview.lost"), day=every_tie["until"]),
        ]
    ).sort_values(["day", "source", "target"], ascending=[False, True, True], kind="stable")
    if not recent.empty:
        with st.expander(t("common.table")):
            st.dataframe(
                pd.DataFrame(
                    {
                        t("overview.changes"): recent["change"],
                        t("common.date"): recent["day"],
                        t("common.name"): recent["source"].map(names),
                        t("common.type"): recent["type"].map(tie_label),
                        "→": recent["target"].map(names),
                    }
                ),
                hide_index=True,
                width="stretch",
            )
    # Movers need the network as it was a year ago: computed only when asked for.
    if st.toggle(t("overview.movers"), key="overview.movers", help=t("overview.movers_help")):
        moved = movers(
            data.metrics(version, audience, year_ago),
            data.metrics(version, audience, today),
            by="betweenness",
            top=10,
        )
        st.dataframe(
            pd.DataFrame(
                {
                    t("common.name"): moved["name"],
                    t("overview.a_year_ago"): moved["betweenness_before"].round(4),
                    t("overview.now"): moved["betweenness_after"].round(4),
                    t("overview.change"): moved["betweenness_change"].round(4),
                }
            ),
            hide_index=True,
            width="stretch",
        )

measures = data.metrics(version, audience, as_of)
if not measures.empty:
    left, right = st.columns(2)
    numeric = [
        c
        for c in ("degree", "betweenness", "closeness", "eigenvector", "pagerank", "constraint")
        if c in measures.columns
    ]
    with left:
        metric = st.selectbox(
            t("common.metric"),
            numeric,
            key=state.widget_key("metric", numeric),
            format_func=labelled(lambda c: t(f"field.{c}"), numeric),
        )
        state.keep("metric")
        # Binned here: thirty bars travel to the browser, not one value per organization.
        finite = pd.to_numeric(measures[metric], errors="coerce").dropna()
        counts, edges = np.histogram(finite, bins=30) if len(finite) else ([], [0.0])
        label = t(f"field.{metric}")
        values = pd.DataFrame(
            {
                f"{label} ≥": [float(e) for e in edges[:-1]],
                f"{label} <": [float(e) for e in edges[1:]],
                t("common.organizations"): [int(c) for c in counts],
            }
        )
        chart = (
            alt.Chart(values)
            .mark_bar()
            .encode(
                x=alt.X(f"{label} ≥:Q", title=label),
                x2=f"{label} <:Q",
                y=alt.Y(f"{t('common.organizations')}:Q"),
            )
        )
        chart_and_table(t("overview.distribution"), chart, values, key="metric_distribution")
    with right:
        # Ranked as `maillage metrics` ranks: organizations with no tie never first.
        brokers = analyses.top_organizations(measures, sort="betweenness", top=15)
        brokers = pd.DataFrame(
            {
                t("common.name"): brokers["name"],
                t("common.type"): brokers["type"].map(type_label),
                t("field.betweenness"): brokers["betweenness"].round(4),
                t("field.broker_role"): brokers.get("broker_role"),
            }
        )
        chart = (
            alt.Chart(brokers)
            .mark_bar()
            .encode(
                x=f"{t('field.betweenness')}:Q",
                y=alt.Y(f"{t('common.name')}:N", sort="-x"),
                color=alt.Color(f"{t('common.type')}:N", scale=type_scale()),
                tooltip=list(brokers.columns),
            )
        )
        chart_and_table(t("overview.brokers"), chart, brokers, key="top_brokers")

render_health(version, audience, as_of)
